"""Presentation: results of the models -> figures, plain-words summaries and results files.

In: the dicts and frames returned by :mod:`analysis.models`. Out: matplotlib figures in the
house style (``style``, ``plots``, ``model_plots``), markdown sentences (``summaries``,
``model_summaries``, ``narrative``), overview tables of an event table (``overview``), what a
whole table holds (``describe``) and the JSON results file each notebook writes
(``results``).
"""
