"""Models of the attack-retaliation cycle: each a function of one dyad's events.

In: an event table (:func:`analysis.io.read_events`) narrowed to one dyad by
:func:`analysis.models.dyad.select_dyad`. Out: plain dicts and data frames of estimates,
intervals and tests that ``analysis.present`` turns into words and figures.

``selection`` checks a dyad's sides, types and dates against a table; ``calendar`` counts
by day, week (Monday to Sunday) or month for every model; ``routing`` says which models the
sample supports; ``lags``, ``pairing`` and ``episodes``
describe who answers whom and how fast, and ``surrogates`` and ``chance`` what timing alone
would give (days shuffled within months); ``casualties`` models deaths over time;
``reaction``, ``granger``, ``hawkes`` and ``changepoints`` are the escalation models.
"""
