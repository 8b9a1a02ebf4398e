"""Escalation dynamics: event tables from news articles and models of the attack-retaliation cycle.

The package is laid out in pipeline order; a stage imports only from stages before it:

- core: ``errors`` (the errors the library raises), ``records`` (the plain records passed
  between stages), ``schema`` (the one definition of the event, mention and aggregate
  tables) and ``io`` (reading tables and writing files atomically);
- ``extract``: one article -> its mentions (a pure function of the article and the
  vocabularies);
- ``events``: all mentions -> the event table (reconciliation by blocks, overrides, the
  build step); ``importers``: other data sets -> the same table;
- ``models``: one dyad's events -> estimates and tests;
- ``present``: results -> figures, words and results files;
- ``reporting``: notebooks -> offline HTML report sets;
- ``scale``: the same work on a Dask cluster, and the atlas of all dyads;
- ``commands``: the ``escalation`` command line (nothing imports it).
"""

__version__ = "0.1.0"
