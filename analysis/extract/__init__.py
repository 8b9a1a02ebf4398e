"""Extraction: one article (plus the vocabularies) -> its mentions and aggregate claims.

In: an :class:`analysis.records.Article` and a :class:`~analysis.extract.lexicon.Lexicon`.
Out: an :class:`analysis.records.Extraction` (mentions of events, aggregate claims). A pure
function of one article, so it runs unchanged on a Dask worker.

Modules, in reading order: ``corpus`` (load and check articles and their metadata),
``lexicon`` (the vocabularies in ``data/lexicon/``), ``gazetteer`` (towns and cities of
the GeoNames gazetteer, read once per process), ``sentences``, ``dates``, ``numbers``,
``clauses`` (who did what to whom in one clause), ``casualties``, ``reading`` (one
sentence -> candidate mentions) and ``article`` (the per-article extractor).
"""
