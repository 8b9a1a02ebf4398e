"""The event table: mentions of all articles -> events, mentions and aggregates tables.

In: the :class:`analysis.records.Extraction` of every article and the human overrides.
Out: three validated tables (``events.csv``, ``mentions.csv``, ``aggregates.csv``; columns
in :mod:`analysis.schema`). ``reconcile`` merges mentions block by block (a block is a set
of candidate mentions that could describe one event), ``overrides`` applies the coders'
corrections last, and ``build`` is the pure build step plus the atomic writer.
"""
