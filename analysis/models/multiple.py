"""Multiple testing: Benjamini-Hochberg q-values for the tests of one report or of an atlas.

A report that runs eight tests will show a p-value under 0.05 by chance alone far more often
than one time in twenty. The Benjamini-Hochberg (1995) q-value of a test is the smallest
false discovery rate at which it would be declared significant; it is shown next to the
p-value, never instead of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def bh_qvalues(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg q-values, in the input order.

    Parameters
    ----------
    p_values
        P-values; ``None`` and NaN entries (tests not run) are left out of the family and
        get ``None``.

    Returns
    -------
    One q-value per input: ``min over j >= rank of (m p_(j) / j)``, capped at 1, where
    ``m`` is the number of p-values present.
    """
    present = [
        (i, float(p))
        for i, p in enumerate(p_values)
        if p is not None and not (isinstance(p, float) and math.isnan(p))
    ]
    out: list[float | None] = [None] * len(p_values)
    if not present:
        return out
    idx = np.array([i for i, _ in present])
    p = np.array([v for _, v in present])
    m = len(p)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    for i, value in zip(idx, q, strict=True):
        out[int(i)] = float(value)
    return out


def add_q_values(tests: Sequence[dict], key: str = "p_value", out_key: str = "q_value") -> None:
    """Write BH q-values into each dict of ``tests`` (in place), next to ``key``."""
    qs = bh_qvalues([t.get(key) for t in tests])
    for t, q in zip(tests, qs, strict=True):
        t[out_key] = q
