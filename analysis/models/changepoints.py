"""Change points in each side's counts per period (weekly by default).

Binary segmentation of a piecewise-constant Poisson rate: the segment whose best split
most improves the likelihood is split while the improvement beats a BIC-type penalty
(``penalty * log(n)`` on the deviance scale, ``penalty = 2`` by default: one rate and one
location per change). Event counts are usually overdispersed, which would make every
burst look like a change, so deviances are divided by a quasi-Poisson dispersion
estimated from successive differences (``sum (y_t - y_{t-1})^2 / sum (y_t + y_{t-1})``,
1 for a Poisson series and hardly affected by a few level shifts).

Each change point comes with an approximate 95% interval for its date (the dates whose
profile deviance is within 3.84 of the best split) and each segment with its rate and an
exact Poisson (Garwood) interval widened by the dispersion.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.models.calendar import period_counts
from analysis.models.dyad import Dyad
from analysis.models.reaction import _STEP_DAYS

_CHI2_95 = float(stats.chi2.ppf(0.95, 1))


def dispersion(y: np.ndarray) -> float:
    """Quasi-Poisson dispersion from successive differences, at least 1."""
    y = np.asarray(y, float)
    if len(y) < 2:
        return 1.0
    denom = float(np.sum(y[1:] + y[:-1]))
    if denom <= 0:
        return 1.0
    return max(1.0, float(np.sum(np.diff(y) ** 2)) / denom)


def _seg_loglik(total: np.ndarray, length: np.ndarray) -> np.ndarray:
    # Poisson log-likelihood at the MLE rate, without the data-only log(y!) term.
    return special.xlogy(total, total / length) - total


def _split_profile(
    cs: np.ndarray, lo: int, hi: int, min_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate split points ``tau`` in ``(lo, hi)`` and the log-likelihood gain of each."""
    taus = np.arange(lo + min_size, hi - min_size + 1)
    if len(taus) == 0:
        return taus, np.empty(0)
    whole = _seg_loglik(np.array(cs[hi] - cs[lo]), np.array(float(hi - lo)))
    left = _seg_loglik(cs[taus] - cs[lo], (taus - lo).astype(float))
    right = _seg_loglik(cs[hi] - cs[taus], (hi - taus).astype(float))
    return taus, left + right - whole


def segment_counts(
    y: np.ndarray, *, penalty: float = 2.0, min_size: int = 4, max_changes: int = 5
) -> tuple[list[int], float]:
    """Binary segmentation of counts ``y``.

    Parameters
    ----------
    y
        Counts per period.
    penalty
        Multiplier of ``log(n)`` that a split's scaled deviance gain must exceed.
    min_size
        Fewest periods in a segment.
    max_changes
        Most change points returned.

    Returns
    -------
    ``(change indices, dispersion)``: sorted indices of the first period of each new
    segment, and the dispersion used.
    """
    y = np.asarray(y, float)
    n = len(y)
    phi = dispersion(y)
    if n < 2 * min_size:
        return [], phi
    cs = np.concatenate([[0.0], np.cumsum(y)])
    threshold = penalty * math.log(n)
    changes: list[int] = []
    segments = [(0, n)]
    while len(changes) < max_changes:
        best = None
        for lo, hi in segments:
            taus, gain = _split_profile(cs, lo, hi, min_size)
            if len(taus) == 0:
                continue
            k = int(np.argmax(gain))
            score = 2.0 * gain[k] / phi
            if score > threshold and (best is None or score > best[0]):
                best = (score, lo, hi, int(taus[k]))
        if best is None:
            break
        _, lo, hi, tau = best
        changes.append(tau)
        segments.remove((lo, hi))
        segments += [(lo, tau), (tau, hi)]
        segments.sort()
    return sorted(changes), phi


def _rate_interval(total: float, length: int, phi: float) -> tuple[float, float]:
    eff = total / phi
    lo = stats.chi2.ppf(0.025, 2 * eff) / 2 if eff > 0 else 0.0
    hi = stats.chi2.ppf(0.975, 2 * eff + 2) / 2
    return float(lo * phi / length), float(hi * phi / length)


def describe_changes(
    y: np.ndarray, periods: pd.Series, changes: list[int], phi: float, min_size: int = 4
) -> dict:
    """Segments (rate per period with interval) and change points (date with interval,
    rate before and after) for counts ``y`` with period start dates ``periods``."""
    y = np.asarray(y, float)
    if len(y) == 0:
        return {"changepoints": [], "segments": [], "dispersion": phi}
    periods = pd.to_datetime(pd.Series(periods)).reset_index(drop=True)
    cs = np.concatenate([[0.0], np.cumsum(y)])
    bounds = [0, *changes, len(y)]
    segments = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        total = float(cs[hi] - cs[lo])
        ci = _rate_interval(total, hi - lo, phi)
        segments.append(
            {
                "start": periods[lo],
                "end": periods[hi - 1],
                "periods": hi - lo,
                "rate": total / (hi - lo),
                "ci_low": ci[0],
                "ci_high": ci[1],
            }
        )
    points = []
    for k, tau in enumerate(changes):
        lo, hi = bounds[k], bounds[k + 2]
        taus, gain = _split_profile(cs, lo, hi, min_size)
        ok = taus[2.0 * (gain.max() - gain) / phi <= _CHI2_95]
        before, after = segments[k], segments[k + 1]
        points.append(
            {
                "date": periods[tau],
                "date_low": periods[int(ok.min())],
                "date_high": periods[int(ok.max())],
                "rate_before": before["rate"],
                "rate_before_ci": [before["ci_low"], before["ci_high"]],
                "rate_after": after["rate"],
                "rate_after_ci": [after["ci_low"], after["ci_high"]],
                "ratio": after["rate"] / before["rate"] if before["rate"] > 0 else np.nan,
            }
        )
    return {"changepoints": points, "segments": segments, "dispersion": phi}


def change_points(
    dyad: Dyad,
    *,
    freq: str = "W",
    penalty: float = 2.0,
    min_size: int = 4,
    max_changes: int = 5,
) -> dict:
    """Change points of each side's event counts per period.

    Returns
    -------
    ``{"A": describe_changes(...), "B": ..., "freq": freq, "period_days": 1 or 7}``.
    """
    counts = period_counts(dyad, freq=freq)
    out: dict = {"freq": freq, "period_days": _STEP_DAYS[freq]}
    for side in ("A", "B"):
        y = counts[side].to_numpy(float)
        changes, phi = segment_counts(
            y, penalty=penalty, min_size=min_size, max_changes=max_changes
        )
        out[side] = describe_changes(y, counts["period"], changes, phi, min_size=min_size)
    return out
