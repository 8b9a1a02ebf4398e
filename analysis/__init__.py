"""Escalation dynamics: event tables from news articles and models of the attack-retaliation cycle.

Modules, in the order the pipeline uses them:

- ``records``: the plain records passed between stages (Article, Mention, Aggregate).
- ``corpus``: load and validate articles and their metadata.
- ``lexicon``, ``sentences``, ``dates``, ``numbers``, ``extract``: extraction, a pure
  function of one article and the vocabularies.
- ``reconcile``, ``overrides``, ``schema``, ``pipeline``: from mentions to the event table.
- ``io``, ``dyad``: read an event table and select one dyad's events.
- analysis modules (lags, pairing, casualties, models, ...): functions of one dyad's events.
- ``reporting``: render notebooks to offline HTML reports.
"""

__version__ = "0.1.0"
