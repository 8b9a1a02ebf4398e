"""Bivariate Hawkes process for day-dated events: a discrete-time model of daily counts.

Event tables know the day of an event, not its time. This model works with what is known:
the number of events of each side on each day. The count of side ``i`` on day ``t`` is
Poisson with mean

    lambda_i[t] = mu_i[t] + sum_j alpha[i, j] * sum_{l >= 1} w(l) N_j[t - l]

- ``mu_i[t]`` is a **time-varying baseline**: by default a linear spline whose knots are
  :data:`KNOT_DECAYS` kernel mean lags apart (:func:`fit_adaptive`), optionally one
  constant per calendar month or block of months. A trend shared by both sides is
  absorbed by the baselines instead of being read as excitation; knots far apart keep the
  baseline from absorbing the clusters that self-excitation makes;
- ``w(l) = c(beta) exp(-beta l)`` is the **exponential kernel of a continuous-time Hawkes
  process binned to days**, for a parent at a uniform time within its day:
  ``c(beta) = (1 - exp(-beta)) (exp(beta) - 1) / beta``. So ``alpha[i, j]`` keeps its
  continuous-time meaning, the expected number of ``i`` events one ``j`` event triggers,
  and ``beta`` its decay per day;
- **only lags of at least one day enter**: at day resolution a same-day answer cannot be
  told from a shared shock (both sides reacting to the same news, the same operation). The
  same-day share of the kernel, ``1 - (1 - exp(-beta)) / beta``, is not estimated from
  same-day co-occurrence but implied by the kernel's shape; ``to_dict`` reports the share
  of triggering that happens on later days, which is what the data measure;
- the cost of a likelihood evaluation grows with the number of **days**, not events: the
  kernel sums are first-order linear recursions (``scipy.signal.lfilter``).

Tests of cross-excitation are likelihood ratios divided by the Pearson dispersion of the
target side's counts (a quasi-likelihood ratio: days with shared shocks make counts vary
more than a Poisson count, which would otherwise inflate the statistic), calibrated by a
parametric bootstrap from the constrained fit (no cross term in the tested direction).
The bootstrap world keeps the data's daily shocks (:func:`daily_shocks`): each day's
conditional means are multiplied by Gamma factors, one shared by both sides and one per
side, whose variances are moment estimates from the constrained fit's residuals. The
shared factor matters: when the two sides rise and fall together on the same day their
lagged counts are nearly collinear, the ratio for the cross term is then smaller than
the chi-bar-square, and a Poisson bootstrap world, where the sides move independently,
gave critical values too high (the test rejected 0.2% at 5% with 10 events a day on each
side under one shared Gamma(1, 1) factor a day). Same-day co-movement is not evidence of
a reaction (lags start at one day), so the null world may have it.
Intervals use a sandwich covariance for the same reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, signal, stats

#: Direction label -> (target, source) index in the branching matrix.
DIRECTIONS = {"A->A": (0, 0), "A->B": (1, 0), "B->A": (0, 1), "B->B": (1, 1)}
ALPHA_MAX = 5.0
#: Decay bounds per day: half-lives from about 4 hours to about 2 years.
BETA_BOUNDS = (1e-3, 4.0)
#: Lower bound of a monthly baseline (events per day), so that log(lambda) stays finite.
MU_FLOOR = 1e-8
#: Data resolution in days: a half-life shorter than this is not reported.
RESOLUTION_DAYS = 1.0
#: Fewest events of the less active side per baseline period (see :func:`coarsen_periods`).
MIN_EVENTS_PER_PERIOD = 100
#: Knot spacing (days) of the linear-spline baseline before the decay is known (see
#: :func:`fit_adaptive`).
KNOT_DAYS = 90.0
#: Knot spacing in kernel mean lags (``1 / beta`` days) once the decay is estimated.
KNOT_DECAYS = 150.0
MIN_KNOT_DAYS = 60.0
#: A final (or first) calendar month shorter than this many days joins its neighbour.
MIN_BLOCK_DAYS = 14
_Z95 = stats.norm.ppf(0.975)
#: Starting decays (per day) tried in turn; the first converged optimum with the highest
#: likelihood wins.
_BETA_STARTS = (0.5, 0.1, 2.0, 0.03)
_OPTIONS = {"maxiter": 500, "ftol": 1e-14, "gtol": 1e-9}


@dataclass(frozen=True)
class DailyCounts:
    """Events per day of the two sides, with the baseline period of each day.

    Attributes
    ----------
    counts
        ``(n_days, 2)`` integer counts, side A first.
    period
        ``(n_days,)`` baseline period index (0, 1, ...) of each day.
    start
        Date of day 0 (``None`` for simulated data).
    period_labels
        A label per baseline coefficient (``"2007-01"`` for calendar months, ``"block 0"``
        for blocks, ``"knot 2007-03-01"`` or ``"knot day 120"`` for a linear spline).
    basis
        ``(n_days, K)`` non-negative basis of the baseline (hat functions of a linear
        spline, summing to 1 each day); ``None`` for one constant per period.
    knot_days
        The spline's requested knot spacing (``None`` for periods).
    """

    counts: np.ndarray
    period: np.ndarray
    start: pd.Timestamp | None = None
    period_labels: tuple[str, ...] = ()
    basis: np.ndarray | None = None
    knot_days: float | None = None

    @property
    def design(self) -> np.ndarray:
        """``(n_days, K)`` baseline design: the basis, or period indicators."""
        if self.basis is not None:
            return self.basis
        return (self.period[:, None] == np.arange(self.n_periods)[None, :]).astype(float)

    @property
    def n_baseline(self) -> int:
        """Number of baseline coefficients per side."""
        return self.basis.shape[1] if self.basis is not None else self.n_periods

    @property
    def n_days(self) -> int:
        """Number of days in the window."""
        return int(self.counts.shape[0])

    @property
    def n_periods(self) -> int:
        """Number of baseline periods."""
        return int(self.period.max()) + 1 if len(self.period) else 0

    def with_counts(self, counts: np.ndarray) -> DailyCounts:
        """The same calendar with other counts (simulated replicates)."""
        return DailyCounts(
            np.asarray(counts),
            self.period,
            self.start,
            self.period_labels,
            self.basis,
            self.knot_days,
        )


def hat_basis(n_days: int, knot_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Hat functions of a linear spline with knots about ``knot_days`` apart from the
    first day to the last (at least two knots).

    Returns
    -------
    ``(basis, knots)``: the ``(n_days, K)`` basis (rows sum to 1) and the knot days.
    """
    k = max(2, int(round((n_days - 1) / knot_days)) + 1)
    knots = np.linspace(0.0, max(n_days - 1, 1), k)
    t = np.arange(n_days, dtype=float)
    basis = np.clip(1.0 - np.abs(t[:, None] - knots[None, :]) / (knots[1] - knots[0]), 0.0, None)
    return basis, knots


def block_periods(n_days: int, block_days: float = 30.4375) -> np.ndarray:
    """Baseline period of each day when there is no calendar: blocks of about a month,
    the last one merged into its neighbour when shorter than :data:`MIN_BLOCK_DAYS`."""
    period = (np.arange(n_days) // block_days).astype(np.int64)
    return _merge_short_ends(period)


def _merge_short_ends(period: np.ndarray) -> np.ndarray:
    period = period - period.min() if len(period) else period
    sizes = np.bincount(period)
    if len(sizes) > 1 and sizes[-1] < MIN_BLOCK_DAYS:
        period = np.where(period == len(sizes) - 1, len(sizes) - 2, period)
    sizes = np.bincount(period)
    if len(sizes) > 1 and sizes[0] < MIN_BLOCK_DAYS:
        period = np.maximum(period - 1, 0)
    return period


def coarsen_periods(
    period: np.ndarray, counts: np.ndarray, min_events: int = 0, min_periods: int = 4
) -> np.ndarray:
    """Merge consecutive periods until each holds at least ``min_events`` events of the
    less active side (the last block joins its neighbour when short), but keep at least
    ``min_periods`` blocks of about equal length when there are that many periods: on a
    sparse table a single baseline would read a trend as excitation.

    One free baseline per month costs little on dense data but biases the self-excitation
    towards zero when a month holds a handful of events (the baseline absorbs the month's
    clusters, as fixed effects do in short dynamic panels); blocks with enough events keep
    that bias small while still following a trend."""
    if min_events <= 0 or not len(period):
        return period
    n_per = int(period.max()) + 1
    per_counts = np.stack(
        [np.bincount(period, weights=counts[:, i], minlength=n_per) for i in (0, 1)]
    ).min(axis=0)
    new = np.empty(n_per, np.int64)
    block, acc = 0, 0.0
    for k in range(n_per):
        new[k] = block
        acc += per_counts[k]
        if acc >= min_events:
            block, acc = block + 1, 0.0
    if new[-1] == block and acc < min_events and block > 0:
        new[new == block] = block - 1
    if new.max() + 1 < min(min_periods, n_per):
        new = (np.arange(n_per) * min(min_periods, n_per)) // n_per
    _, new = np.unique(new, return_inverse=True)
    return new[period]


def counts_from_days(
    days_a: np.ndarray,
    days_b: np.ndarray,
    n_days: int,
    min_events: int = MIN_EVENTS_PER_PERIOD,
    baseline: str = "linear",
    knot_days: float | None = None,
) -> DailyCounts:
    """Daily counts from integer day numbers (``0 .. n_days - 1``) of each side's events.

    ``baseline="linear"`` (default): a linear spline with knots about ``knot_days`` apart
    (:func:`default_knot_days`); ``"monthly"``: blocks of about a month merged by
    :func:`coarsen_periods`."""
    counts = np.stack(
        [np.bincount(np.asarray(d, np.int64), minlength=n_days)[:n_days] for d in (days_a, days_b)],
        axis=1,
    )
    if baseline == "linear":
        knot_days = knot_days or default_knot_days(n_days)
        basis, knots = hat_basis(n_days, knot_days)
        labels = tuple(f"knot day {k:.0f}" for k in knots)
        return DailyCounts(counts, np.zeros(n_days, np.int64), None, labels, basis, knot_days)
    if baseline != "monthly":
        raise ValueError(f"baseline must be 'linear' or 'monthly', not {baseline!r}")
    period = coarsen_periods(block_periods(n_days), counts, min_events)
    return DailyCounts(counts, period, None, tuple(f"block {k}" for k in range(period.max() + 1)))


def default_knot_days(n_days: int, beta: float | None = None) -> float:
    """Knot spacing of the linear-spline baseline: :data:`KNOT_DECAYS` kernel mean lags
    (``1 / beta`` days; :data:`KNOT_DAYS` before the decay is known), at least
    :data:`MIN_KNOT_DAYS` and at most half the window (so at least three knots)."""
    spacing = KNOT_DAYS if beta is None else KNOT_DECAYS / beta
    return float(min(max(spacing, MIN_KNOT_DAYS), max((n_days - 1) / 2.0, 1.0)))


def fit_adaptive(make_data, **options) -> tuple[DailyCounts, DailyHawkesFit]:
    """Fit with a baseline whose knot spacing follows the fitted decay.

    ``make_data(knot_days)`` builds the daily counts for a spacing. A first fit with
    :data:`KNOT_DAYS` estimates the decay; the data are rebuilt with
    :func:`default_knot_days` for that decay and refitted (``options`` go to
    :func:`fit_daily_hawkes`). A baseline that can move within a few kernel lengths
    absorbs the clustering that self-excitation produces and biases the branching towards
    zero, like fixed effects in short dynamic panels (Nickell 1981); knots many kernel
    lengths apart keep that bias small and still follow trends (linear ones exactly).

    Returns
    -------
    ``(data, fit)`` on the final design.
    """
    first_data = make_data(None)
    first = fit_daily_hawkes(first_data, with_cov=False)
    knot_days = default_knot_days(first_data.n_days, first.beta)
    data = make_data(knot_days)
    return data, fit_daily_hawkes(data, **options)


def counts_from_dyad(
    dyad,
    min_events: int = MIN_EVENTS_PER_PERIOD,
    baseline: str = "linear",
    knot_days: float | None = None,
) -> DailyCounts:
    """Daily counts of a dyad's two sides with their baseline design.

    Parameters
    ----------
    dyad
        A :class:`analysis.models.dyad.Dyad`.
    min_events
        For ``baseline="monthly"``: see :func:`coarsen_periods`; 0 keeps one baseline per
        calendar month.
    baseline
        ``"linear"`` (default): linear spline with knots about ``knot_days`` apart
        (:func:`default_knot_days`); ``"monthly"``: calendar months.
    """
    start = dyad.start.normalize()
    n_days = int((dyad.end.normalize() - start).days) + 1
    days = (dyad.events["event_date"].dt.normalize() - start).dt.days.to_numpy(np.int64)
    side = dyad.events["side"].to_numpy()
    counts = np.stack([np.bincount(days[side == s], minlength=n_days) for s in ("A", "B")], axis=1)
    dates = pd.date_range(start, periods=n_days, freq="D")
    if baseline == "linear":
        knot_days = knot_days or default_knot_days(n_days)
        basis, knots = hat_basis(n_days, knot_days)
        labels = tuple(
            "knot " + (start + pd.Timedelta(days=float(k))).strftime("%Y-%m-%d") for k in knots
        )
        return DailyCounts(counts, np.zeros(n_days, np.int64), start, labels, basis, knot_days)
    if baseline != "monthly":
        raise ValueError(f"baseline must be 'linear' or 'monthly', not {baseline!r}")
    ym = dates.year * 12 + dates.month
    period = _merge_short_ends(np.asarray(ym - ym.min(), np.int64))
    _, period = np.unique(period, return_inverse=True)
    period = coarsen_periods(period.astype(np.int64), counts, min_events)
    labels = tuple(
        pd.Timestamp(dates[np.argmax(period == k)]).strftime("%Y-%m")
        for k in range(period.max() + 1)
    )
    return DailyCounts(counts, period.astype(np.int64), start, labels)


# --------------------------------------------------------------------------- kernel


def kernel_scale(beta: float) -> float:
    """``c(beta)``: weight of lag ``l >= 1`` is ``c(beta) exp(-beta l)``."""
    return (math.exp(beta) + math.exp(-beta) - 2.0) / beta


def later_day_share(beta: float) -> float:
    """Share of an exponential kernel (parent uniform within its day) falling on later
    days: ``(1 - exp(-beta)) / beta``."""
    return -math.expm1(-beta) / beta


def _filters(counts: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """``S_j[t] = sum_{l>=1} exp(-beta l) N_j[t-l]`` and ``D_j[t] = sum l exp(-beta l) N_j[t-l]``
    for both sides, as ``(n_days, 2)`` arrays."""
    phi = math.exp(-beta)
    n = counts.astype(float)
    s = signal.lfilter([0.0, phi], [1.0, -phi], n, axis=0)
    d = signal.lfilter([0.0, phi], [1.0, -phi], s + n, axis=0)
    return s, d


# --------------------------------------------------------------------------- likelihood


def _unpack(z: np.ndarray, n_periods: int):
    theta = z[: 2 * n_periods].reshape(2, n_periods)
    alpha = z[2 * n_periods : 2 * n_periods + 4].reshape(2, 2)
    return np.exp(theta), alpha, math.exp(z[-1])


def _excitation(data: DailyCounts, alpha: np.ndarray, beta: float):
    """Kernel-weighted past counts ``x`` (``(n_days, 2)``), their derivative with respect to
    ``log beta`` and the excitation part of each side's mean, ``x @ alpha.T``."""
    s, d = _filters(data.counts, beta)
    c = kernel_scale(beta)
    dc = (math.exp(beta) - math.exp(-beta)) / beta - c / beta
    x = c * s
    dx = (dc * s - c * d) * beta
    return x, dx, x @ alpha.T


def _profile_baselines(data: DailyCounts, excite: np.ndarray, mu0: np.ndarray | None) -> np.ndarray:
    """Maximum-likelihood monthly baselines given the excitation part of the mean.

    For each side and period the score ``sum_t N_t / (mu + e_t) - days`` is convex and
    decreasing in ``mu``; Newton steps from the left of the root increase monotonically to
    it. Vectorised over periods and sides."""
    n_per = data.n_periods
    days = np.bincount(data.period, minlength=n_per).astype(float)
    counts = data.counts.astype(float)
    mu = np.empty((2, n_per))
    for i in (0, 1):
        n, e = counts[:, i], excite[:, i]
        # Left of the root: the baseline that would explain the period's counts if the
        # excitation were zero is above it; a tenth of the warm start or of that is a safe
        # start when the excitation is small, and a floor makes the score positive anyway.
        rate = np.bincount(data.period, weights=n, minlength=n_per) / days
        m = np.full(n_per, MU_FLOOR)
        if mu0 is not None:
            m = np.maximum(0.5 * mu0[i], MU_FLOOR)
        for _ in range(100):
            lam = m[data.period] + e
            f = np.bincount(data.period, weights=n / lam, minlength=n_per) - days
            fp = np.bincount(data.period, weights=n / lam**2, minlength=n_per)
            at_floor = (m <= MU_FLOOR) & (f <= 0)
            # Right of the root (a warm start too high): restart those periods low.
            right = (f < -1e-8 * days) & ~at_floor
            step = np.where(fp > 0, f / np.where(fp > 0, fp, 1.0), 0.0)
            m_new = np.where(right, np.maximum(0.1 * m, MU_FLOOR), m + step)
            m_new = np.clip(m_new, MU_FLOOR, np.maximum(rate, MU_FLOOR))
            m_new = np.where(at_floor, MU_FLOOR, m_new)
            done = not np.any(right) and np.all(np.abs(m_new - m) <= 1e-9 * np.maximum(m, 1e-6))
            m = m_new
            if done:
                break
        mu[i] = m
    return mu


def _profile_negloglik(
    g: np.ndarray, data: DailyCounts, scale: float, fixed: list[int], cache: dict
) -> tuple[float, np.ndarray]:
    """Minus the profile log-likelihood of ``(alpha row-major, log beta)`` (baselines at
    their maximum given these) and its gradient (envelope theorem)."""
    g = g.copy()
    g[fixed] = 0.0
    alpha = g[:4].reshape(2, 2)
    beta = math.exp(g[4])
    x, dx, excite = _excitation(data, alpha, beta)
    mu = _profile_baselines(data, excite, cache.get("mu"))
    cache["mu"] = mu
    lam = mu[:, data.period].T + excite
    n = data.counts
    ll = float(np.sum(n * np.log(lam)) - lam.sum())
    r = n / lam - 1.0
    g_alpha = r.T @ x
    g_beta = float(np.sum(r * (dx @ alpha.T)))
    grad = np.concatenate([g_alpha.ravel(), [g_beta]])
    grad[fixed] = 0.0
    return -ll / scale, -grad / scale


def _negloglik(z: np.ndarray, data: DailyCounts, scale: float) -> tuple[float, np.ndarray]:
    """Minus the Poisson log-likelihood (constant ``log N!`` dropped) and its gradient in
    ``(log mu_A[m]..., log mu_B[m]..., alpha (row-major target, source), log beta)``."""
    n_per = data.n_periods
    mu, alpha, beta = _unpack(z, n_per)
    x, dx, excite = _excitation(data, alpha, beta)
    base = mu[:, data.period].T
    lam = base + excite
    n = data.counts
    ll = float(np.sum(n * np.log(lam)) - lam.sum())
    r = n / lam - 1.0
    g_theta = np.stack(
        [np.bincount(data.period, weights=r[:, i] * base[:, i], minlength=n_per) for i in (0, 1)]
    )
    g_alpha = r.T @ x  # [i, j] = sum_t r_i x_j
    g_beta = float(np.sum(r * (dx @ alpha.T)))
    grad = np.concatenate([g_theta.ravel(), g_alpha.ravel(), [g_beta]])
    return -ll / scale, -grad / scale


def _baseline(data: DailyCounts, mu: np.ndarray) -> np.ndarray:
    """``(n_days, 2)`` baselines from the coefficients ``mu`` (``(2, K)``)."""
    if data.basis is None:
        return mu[:, data.period].T
    return data.basis @ mu.T


def _joint_negloglik(
    z: np.ndarray, data: DailyCounts, scale: float, fixed: list[int]
) -> tuple[float, np.ndarray]:
    """Minus the log-likelihood and gradient in ``(theta_A, theta_B, alpha, log beta)`` for a
    baseline ``basis @ theta`` (natural scale, non-negative)."""
    k = data.basis.shape[1]
    z = z.copy()
    z[2 * k + np.asarray(fixed, np.int64)] = 0.0
    theta = z[: 2 * k].reshape(2, k)
    alpha = z[2 * k : 2 * k + 4].reshape(2, 2)
    beta = math.exp(z[-1])
    x, dx, excite = _excitation(data, alpha, beta)
    lam = data.basis @ theta.T + excite
    n = data.counts
    ll = float(np.sum(n * np.log(lam)) - lam.sum())
    r = n / lam - 1.0
    g_theta = (data.basis.T @ r).T
    g_alpha = r.T @ x
    g_beta = float(np.sum(r * (dx @ alpha.T)))
    grad = np.concatenate([g_theta.ravel(), g_alpha.ravel(), [g_beta]])
    grad[2 * k + np.asarray(fixed, np.int64)] = 0.0
    return -ll / scale, -grad / scale


def _intensity(data: DailyCounts, mu: np.ndarray, alpha: np.ndarray, beta: float):
    x, dx, excite = _excitation(data, alpha, beta)
    base = _baseline(data, mu)
    return base + excite, base, x, dx


class BranchingFit:
    """What every bivariate Hawkes fit derives from its branching matrix ``alpha`` and its
    covariance ``cov`` (the continuous-time and the daily-count fit alike)."""

    alpha: tuple
    cov: tuple

    @property
    def spectral_radius(self) -> float:
        """Largest absolute eigenvalue of the branching matrix; below 1 means stationary."""
        return float(np.max(np.abs(np.linalg.eigvals(np.asarray(self.alpha)))))

    def se(self) -> np.ndarray:
        """Standard errors in the order of ``cov``."""
        with np.errstate(invalid="ignore"):
            return np.sqrt(np.diag(np.asarray(self.cov)))


@dataclass(frozen=True)
class DailyHawkesFit(BranchingFit):
    """A fitted daily-count bivariate Hawkes process (time unit: days).

    Attributes
    ----------
    mu_periods
        ``(2, K)`` baseline coefficients of each side: events per day in each period, or
        at each spline knot.
    alpha
        Branching matrix ``alpha[target, source]`` (events triggered per event, same-day
        share included through the kernel's shape).
    beta
        Decay per day.
    loglik
        Maximised Poisson log-likelihood (without the ``log N!`` constant).
    n_events
        Events per side.
    n_days
        Days in the window.
    cov
        Sandwich covariance of ``(alpha_AA, alpha_AB, alpha_BA, alpha_BB, log beta)``
        with the baselines profiled out; NaN where not estimable; held-at-zero entries 0.
    cov_model
        The model-based (inverse Fisher information) covariance, same order.
    converged
        True when the optimiser reported success from at least one start and the best
        optimum's projected gradient is small.
    n_starts
        Starting points tried.
    fixed_zero
        Branching entries held at zero, as direction labels.
    dispersion
        Pearson dispersion of each side's daily counts around the fitted means.
    period_labels
        Labels of the baseline coefficients (periods or spline knots).
    baseline_kind
        ``"piecewise constant"`` or ``"linear spline"``.
    knot_days
        The spline's knot spacing (rebuild the design with it), ``None`` for periods.
    """

    mu_periods: tuple[tuple[float, ...], tuple[float, ...]]
    alpha: tuple[tuple[float, float], tuple[float, float]]
    beta: float
    loglik: float
    n_events: tuple[int, int]
    n_days: int
    cov: tuple[tuple[float, ...], ...]
    cov_model: tuple[tuple[float, ...], ...]
    converged: bool
    n_starts: int
    fixed_zero: tuple[str, ...] = field(default_factory=tuple)
    dispersion: tuple[float, float] = (1.0, 1.0)
    period_labels: tuple[str, ...] = ()
    baseline_kind: str = "piecewise constant"
    knot_days: float | None = None

    @property
    def mu(self) -> tuple[float, float]:
        """Average baseline per day of each side over the window (period-length weighted
        means are close to plain means for calendar months)."""
        m = np.asarray(self.mu_periods)
        return float(m[0].mean()), float(m[1].mean())

    @property
    def horizon(self) -> float:
        """Window length in days."""
        return float(self.n_days)

    @property
    def half_life_days(self) -> float:
        """``ln 2 / beta`` days."""
        return math.log(2.0) / self.beta

    @property
    def half_life_resolved(self) -> bool:
        """True when the half-life's whole 95% interval is above the data's resolution."""
        hl = self._half_life_interval()
        return bool(np.isfinite(hl[0]) and hl[0] > RESOLUTION_DAYS)

    def _half_life_interval(self) -> tuple[float, float]:
        s = float(self.se()[4])
        if not np.isfinite(s):
            return math.nan, math.nan
        # log(half-life) = log(ln 2) - log(beta): symmetric interval on the log scale.
        return self.half_life_days * math.exp(-_Z95 * s), self.half_life_days * math.exp(_Z95 * s)

    def to_dict(self) -> dict:
        """Estimates with 95% sandwich intervals, keyed for the results JSON.

        Keys shared with the continuous-time fit (``baseline_per_day``, ``branching``,
        ``decay``, ``half_life_days``, ``spectral_radius``, ``loglik``, ``n_events``,
        ``horizon_days``, ``converged``) keep their meaning; ``half_life_days.estimate`` is
        ``None`` (with ``reported: false``) when the interval reaches below one day.
        """
        se = self.se()
        alpha = np.asarray(self.alpha)
        branching = {}
        for label, (i, j) in DIRECTIONS.items():
            s = float(se[2 * i + j])
            est = float(alpha[i, j])
            branching[label] = {
                "estimate": est,
                "se": s,
                "ci_low": max(0.0, est - _Z95 * s),
                "ci_high": est + _Z95 * s,
                "later_days": est * later_day_share(self.beta),
            }
        mu = np.asarray(self.mu_periods)
        baseline = {
            side: {
                "estimate": float(mu[k].mean()),
                "min": float(mu[k].min()),
                "max": float(mu[k].max()),
                "by_period": dict(zip(self.period_labels, map(float, mu[k]), strict=False)),
            }
            for k, side in enumerate(("A", "B"))
        }
        s_lb = float(se[4])
        lo_b = self.beta * math.exp(-_Z95 * s_lb) if np.isfinite(s_lb) else math.nan
        hi_b = self.beta * math.exp(_Z95 * s_lb) if np.isfinite(s_lb) else math.nan
        hl_lo, hl_hi = self._half_life_interval()
        resolved = self.half_life_resolved
        return {
            "method": f"daily-count Hawkes, {self.baseline_kind} baseline, lags >= 1 day",
            "baseline_per_day": baseline,
            "branching": branching,
            "decay": {"estimate": self.beta, "ci_low": lo_b, "ci_high": hi_b},
            "half_life_days": {
                "estimate": self.half_life_days if resolved else None,
                "ci_low": hl_lo if resolved else None,
                "ci_high": hl_hi if resolved else None,
                "reported": resolved,
                "note": (
                    ""
                    if resolved
                    else f"not reported: the 95% interval reaches below the data's resolution "
                    f"({RESOLUTION_DAYS:g} day)"
                ),
            },
            "later_day_share": later_day_share(self.beta),
            "spectral_radius": self.spectral_radius,
            "loglik": self.loglik,
            "n_events": {"A": self.n_events[0], "B": self.n_events[1]},
            "horizon_days": float(self.n_days),
            "n_baseline_periods": int(mu.shape[1]),
            "dispersion": {"A": self.dispersion[0], "B": self.dispersion[1]},
            "converged": self.converged,
        }


def _start_vector(data: DailyCounts, alpha0: np.ndarray, beta0: float) -> np.ndarray:
    n_per = data.n_periods
    days = np.bincount(data.period, minlength=n_per).astype(float)
    theta = []
    for i in (0, 1):
        per = np.bincount(data.period, weights=data.counts[:, i], minlength=n_per) / days
        # Half the period's mean rate: the rest is left for the excitation to explain.
        theta.append(np.log(np.maximum(0.5 * per, 1e-4)))
    return np.concatenate([np.ravel(theta), alpha0.ravel(), [math.log(beta0)]])


def fit_daily_hawkes(
    data: DailyCounts,
    *,
    fixed_zero: tuple[str, ...] = (),
    with_cov: bool = True,
    start: DailyHawkesFit | None = None,
    beta_fixed: float | None = None,
) -> DailyHawkesFit:
    """Fit the daily-count bivariate Hawkes process by maximum likelihood.

    Parameters
    ----------
    data
        Daily counts with their baseline periods (:func:`counts_from_dyad`,
        :func:`counts_from_days`).
    fixed_zero
        Direction labels (``"A->B"``, ...) whose branching entry is held at 0.
    with_cov
        Compute the sandwich and model covariances (skipped in bootstrap refits).
    start
        A previous fit to start from (e.g. the unconstrained fit when fitting a constrained
        one); the default starts are tried as well.
    beta_fixed
        Hold the decay at this value (the cross-excitation statistic does, see
        :func:`cross_statistic`).

    Returns
    -------
    DailyHawkesFit
        ``converged`` is False when no start reached a stationary point; callers report
        such a fit as failed.
    """
    counts = np.asarray(data.counts)
    n = counts.sum(axis=0)
    if min(n) == 0:
        raise ValueError("each side needs at least one event to fit a bivariate Hawkes process")
    n_per = data.n_baseline
    scale = float(max(n.sum(), 1))
    fixed = [2 * i + j for lab, (i, j) in DIRECTIONS.items() if lab in fixed_zero]
    if data.basis is not None:
        return _fit_joint(data, fixed, fixed_zero, with_cov, start, scale, beta_fixed)
    bounds = [(0.0, 0.0) if k in fixed else (0.0, ALPHA_MAX) for k in range(4)]
    bounds += [_beta_bounds(beta_fixed)]
    starts = []
    if start is not None:
        starts.append(np.concatenate([np.ravel(start.alpha), [math.log(start.beta)]]))
    starts += [np.array([0.2, 0.1, 0.1, 0.2, math.log(b)]) for b in _BETA_STARTS]
    starts = [np.clip(g0.copy(), [b[0] for b in bounds], [b[1] for b in bounds]) for g0 in starts]
    for g0 in starts:
        g0[fixed] = 0.0
    # Each start gets its own cache of profiled baselines, so no start depends on another.
    res, converged, tried = _multistart(
        _profile_negloglik, starts, lambda: (data, scale, fixed, {}), bounds, _OPTIONS
    )
    # Baselines at the optimum, from a cold profile so they do not depend on warm starts.
    cache = {}
    fun = _profile_negloglik(res.x, data, scale, fixed, cache)[0]
    res.fun = fun
    z = np.concatenate([np.log(cache["mu"]).ravel(), res.x])
    mu, alpha, beta = _unpack(z, n_per)
    return _finish(
        data, mu, alpha, beta, -float(res.fun) * scale, converged, tried, fixed_zero, with_cov
    )


def _scaled_joint(u, data, scale, fixed, unit):
    f, g = _joint_negloglik(u * unit, data, scale, fixed)
    return f, g * unit


def _beta_bounds(beta_fixed: float | None) -> tuple[float, float]:
    if beta_fixed is None:
        return math.log(BETA_BOUNDS[0]), math.log(BETA_BOUNDS[1])
    return math.log(beta_fixed), math.log(beta_fixed)


def _fit_joint(data, fixed, fixed_zero, with_cov, start, scale, beta_fixed) -> DailyHawkesFit:
    """Joint maximum likelihood of spline baselines, branching and decay."""
    k = data.basis.shape[1]
    counts = data.counts
    rate = counts.mean(axis=0)
    bounds = [(MU_FLOOR, None)] * (2 * k)
    bounds += [(0.0, 0.0) if q in fixed else (0.0, ALPHA_MAX) for q in range(4)]
    bounds += [_beta_bounds(beta_fixed)]
    starts = []
    if start is not None and np.shape(start.mu_periods) == (2, k):
        starts.append(
            np.concatenate(
                [np.ravel(start.mu_periods), np.ravel(start.alpha), [math.log(start.beta)]]
            )
        )
    theta0 = np.repeat(np.maximum(0.5 * rate, 1e-3), k)
    starts += [np.concatenate([theta0, [0.2, 0.1, 0.1, 0.2], [math.log(b)]]) for b in _BETA_STARTS]
    # Baseline coefficients are optimised in units of each side's mean daily rate, so that
    # all parameters are of order one (L-BFGS-B is slow on badly scaled problems).
    unit = np.concatenate([np.repeat(np.maximum(rate, 1e-3), k), np.ones(5)])
    bounds = [(lo / unit[q] if lo is not None else None, hi) for q, (lo, hi) in enumerate(bounds)]
    starts = [z / unit for z in starts]
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in bounds])
    hi = np.array([b[1] if b[1] is not None else np.inf for b in bounds])
    starts = [np.clip(z0.copy(), lo, hi) for z0 in starts]
    for z0 in starts:
        z0[2 * k + np.asarray(fixed, np.int64)] = 0.0
    res, converged, tried = _multistart(
        _scaled_joint,
        starts,
        lambda: (data, scale, fixed, unit),
        bounds,
        {**_OPTIONS, "maxiter": 5000},
    )
    x = res.x * unit
    mu = x[: 2 * k].reshape(2, k)
    alpha = x[2 * k : 2 * k + 4].reshape(2, 2).copy()
    alpha.ravel()[fixed] = 0.0
    beta = math.exp(x[-1])
    return _finish(
        data, mu, alpha, beta, -float(res.fun) * scale, converged, tried, fixed_zero, with_cov
    )


def _multistart(objective, starts, make_args, bounds, options):
    """L-BFGS-B from each start in turn; returns the best result, whether it converged
    and how many starts were tried.

    ``make_args()`` gives the objective's extra arguments, afresh for each start. The best
    converged result is kept; a fit converges when that result is as good as the best of
    all (an unconverged start ending lower means the optimum is not known).
    """
    best = best_ok = None
    tried = 0
    for z0 in starts:
        res = optimize.minimize(
            objective,
            z0,
            args=make_args(),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options=options,
        )
        tried += 1
        if best is None or res.fun < best.fun:
            best = res
        if _stationary(res, bounds) and (best_ok is None or res.fun < best_ok.fun):
            best_ok = res
        # Two converged starts agreeing on the optimum are enough.
        if best_ok is not None and tried >= 2 and abs(best_ok.fun - best.fun) < 1e-9:
            break
    converged = best_ok is not None and best_ok.fun <= best.fun + 1e-9
    return (best_ok if best_ok is not None else best), converged, tried


def _finish(data, mu, alpha, beta, loglik, converged, tried, fixed_zero, with_cov):
    counts = np.asarray(data.counts)
    n = counts.sum(axis=0)
    n_per = data.n_baseline
    lam, *_ = _intensity(data, mu, alpha, beta)
    n_free = n_per + 3
    dispersion = tuple(
        float(np.sum((counts[:, i] - lam[:, i]) ** 2 / lam[:, i]) / max(len(counts) - n_free, 1))
        for i in (0, 1)
    )
    if with_cov:
        cov, cov_model = _covariances(data, mu, alpha, beta, fixed_zero)
    else:
        cov = cov_model = np.full((5, 5), np.nan)
    return DailyHawkesFit(
        mu_periods=tuple(tuple(float(v) for v in row) for row in mu),
        alpha=tuple(tuple(float(v) for v in row) for row in alpha),
        beta=float(beta),
        loglik=float(loglik),
        n_events=(int(n[0]), int(n[1])),
        n_days=int(len(counts)),
        cov=tuple(tuple(float(v) for v in row) for row in cov),
        cov_model=tuple(tuple(float(v) for v in row) for row in cov_model),
        converged=bool(converged),
        n_starts=tried,
        fixed_zero=tuple(sorted(fixed_zero)),
        dispersion=dispersion,
        period_labels=data.period_labels,
        baseline_kind="piecewise constant" if data.basis is None else "linear spline",
        knot_days=data.knot_days,
    )


def _stationary(res, bounds) -> bool:
    """Optimiser success and a small projected gradient (relative to the scaled objective)."""
    if not res.success:
        return False
    g = np.asarray(res.jac, float)
    x = res.x
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in bounds])
    hi = np.array([b[1] if b[1] is not None else np.inf for b in bounds])
    # At an active bound only the gradient pointing out of the box may be non-zero.
    at_lo = (x <= lo + 1e-8) & (g > 0)
    at_hi = (x >= hi - 1e-8) & (g < 0)
    free = ~(at_lo | at_hi)
    return bool(np.all(np.abs(g[free]) < 1e-4))


def _covariances(data, mu, alpha, beta, fixed_zero) -> tuple[np.ndarray, np.ndarray]:
    """Sandwich and model covariances of ``(alpha, log beta)``, baselines profiled out.

    The global block's efficient information is a Schur complement (for month baselines
    the baseline block is diagonal); the sandwich uses the
    efficient score of each day (both sides' counts together, so shared daily shocks count
    once)."""
    n_per = data.n_periods
    lam, base, x, dx = _intensity(data, mu, alpha, beta)
    counts = data.counts
    r = counts / lam - 1.0
    n_days = len(counts)
    fixed = [2 * i + j for lab, (i, j) in DIRECTIONS.items() if lab in fixed_zero]
    free = [k for k in range(5) if k not in fixed]
    # grads[i]: (n_days, 5) derivative of lambda_i with respect to the global parameters.
    grads = []
    for i in (0, 1):
        g = np.zeros((n_days, 5))
        g[:, 2 * i] = x[:, 0]
        g[:, 2 * i + 1] = x[:, 1]
        g[:, 4] = dx @ alpha[i]
        grads.append(g[:, free])
    k = len(free)
    info_c = np.zeros((k, k))
    schur = np.zeros((k, k))
    eff = np.zeros((n_days, k))
    for i in (0, 1):
        w = 1.0 / lam[:, i]
        g = grads[i]
        info_c += (g * w[:, None]).T @ g
        if data.basis is not None:
            # Spline coefficients: d lambda / d theta = basis; those at the floor are held.
            h = data.basis[:, np.asarray(mu[i]) > 10 * MU_FLOOR]
            sol = np.linalg.pinv(h.T @ (h * w[:, None])) @ (h.T @ (g * w[:, None]))
            schur += (h.T @ (g * w[:, None])).T @ sol
            eff += r[:, i : i + 1] * (g - h @ sol)
            continue
        a = np.bincount(data.period, weights=base[:, i] ** 2 * w, minlength=n_per)
        b = np.stack(
            [
                np.bincount(data.period, weights=base[:, i] * g[:, q] * w, minlength=n_per)
                for q in range(k)
            ],
            axis=1,
        )  # (n_per, k)
        a_safe = np.where(a > 0, a, np.inf)
        schur += (b / a_safe[:, None]).T @ b
        proj = (b / a_safe[:, None])[data.period]  # (n_days, k)
        eff += r[:, i : i + 1] * (g - proj * base[:, i : i + 1])
    info = info_c - schur
    cov = np.full((5, 5), np.nan)
    cov_model = np.full((5, 5), np.nan)
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return cov, cov_model
    if np.any(np.diag(inv) <= 0) or not np.all(np.isfinite(inv)):
        return cov, cov_model
    meat = eff.T @ eff
    sand = inv @ meat @ inv
    cov[np.ix_(free, free)] = sand
    cov_model[np.ix_(free, free)] = inv
    for q in fixed:
        cov[q, q] = cov_model[q, q] = 0.0
    return cov, cov_model


def daily_loglik(data: DailyCounts, fit: DailyHawkesFit) -> float:
    """Poisson log-likelihood (without ``log N!``) of ``data`` under a fitted model."""
    z = np.concatenate(
        [np.log(np.asarray(fit.mu_periods)).ravel(), np.ravel(fit.alpha), [math.log(fit.beta)]]
    )
    return -_negloglik(z, data, 1.0)[0]


# --------------------------------------------------------------------------- simulation


def simulate_daily(
    mu_periods: np.ndarray,
    alpha: np.ndarray,
    beta: float,
    period: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Simulate daily counts from the discrete-time model by its cluster representation.

    Immigrants of side ``i`` on day ``t``: ``Poisson(mu_i[period[t]])``; each event of side
    ``j`` has ``Poisson(alpha[i, j] * later_day_share(beta))`` children of side ``i``, each
    ``1 + Geometric`` days later (weights proportional to ``exp(-beta l)``, ``l >= 1``).

    Returns
    -------
    ``(n_days, 2)`` integer counts.
    """
    mu_periods = np.asarray(mu_periods, float)
    base = np.stack([mu_periods[i][period] for i in (0, 1)], axis=1)
    return _simulate_days(base, alpha, beta, rng)


def _simulate_days(base: np.ndarray, alpha, beta: float, rng: np.random.Generator) -> np.ndarray:
    """Cluster simulation from per-day baselines ``base`` (``(n_days, 2)``)."""
    alpha = np.asarray(alpha, float)
    n_days = len(base)
    share = later_day_share(beta)
    counts = np.zeros((n_days, 2), np.int64)
    gen = []
    for i in (0, 1):
        k = rng.poisson(base[:, i])
        counts[:, i] += k
        gen.append(np.repeat(np.arange(n_days), k))
    p_geo = -math.expm1(-beta)
    rounds = 0
    while any(len(g) for g in gen) and rounds < 10_000:
        rounds += 1
        nxt = [[], []]
        for j in (0, 1):
            if not len(gen[j]):
                continue
            for i in (0, 1):
                m = alpha[i, j] * share
                if m <= 0:
                    continue
                kids = rng.poisson(m, size=len(gen[j]))
                days = np.repeat(gen[j], kids) + rng.geometric(p_geo, size=int(kids.sum()))
                days = days[days < n_days]
                nxt[i].append(days)
        gen = []
        for i in (0, 1):
            days = np.concatenate(nxt[i]) if nxt[i] else np.empty(0, np.int64)
            counts[:, i] += np.bincount(days, minlength=n_days)[:n_days]
            gen.append(days)
    return counts


def simulate_from_fit(
    data: DailyCounts,
    fit: DailyHawkesFit,
    rng: np.random.Generator,
    shocks: DailyShocks | None = None,
) -> DailyCounts:
    """A parametric-bootstrap replicate of ``data`` under ``fit``; with ``shocks``, each
    day's conditional means are multiplied by that day's Gamma factors
    (:func:`_simulate_shocked`)."""
    base = _baseline(data, np.asarray(fit.mu_periods))
    if shocks is None or shocks.none:
        sim = _simulate_days(base, np.asarray(fit.alpha), fit.beta, rng)
    else:
        sim = _simulate_shocked(base, np.asarray(fit.alpha), fit.beta, shocks, rng)
    return data.with_counts(sim)


@dataclass(frozen=True)
class DailyShocks:
    """Variances of mean-one Gamma factors on each day's conditional means: ``shared``
    multiplies both sides' means, ``own`` each side's alone (independent of the shared
    one and of each other). A count then has conditional variance
    ``lambda + v lambda^2`` with ``v = (1 + shared) (1 + own) - 1``, and the two sides'
    counts of a day covary by ``shared lambda_A lambda_B``."""

    shared: float = 0.0
    own: tuple[float, float] = (0.0, 0.0)

    @property
    def none(self) -> bool:
        """True when no factor varies (a Poisson world)."""
        return self.shared <= 0.0 and max(self.own) <= 0.0


def daily_shocks(data: DailyCounts, fit: DailyHawkesFit) -> DailyShocks:
    """Moment estimates of the daily shocks around a fit's conditional means ``lambda``.

    ``shared = sum r_A r_B / sum lambda_A lambda_B`` with ``r = N - lambda`` (same-day
    covariance of the two sides); each side's total ``v_i = sum (r_i^2 - N_i) / sum
    lambda_i^2`` (variance beyond Poisson); ``own_i = (1 + v_i) / (1 + shared) - 1``.
    All are held at 0 or more."""
    lam, *_ = _intensity(data, np.asarray(fit.mu_periods), np.asarray(fit.alpha), fit.beta)
    n = np.asarray(data.counts, float)
    r = n - lam
    shared = max(0.0, float(np.sum(r[:, 0] * r[:, 1]) / np.sum(lam[:, 0] * lam[:, 1])))
    total = [
        max(0.0, float(np.sum(r[:, i] ** 2 - n[:, i]) / np.sum(lam[:, i] ** 2))) for i in (0, 1)
    ]
    own = tuple(max(0.0, (1.0 + v) / (1.0 + shared) - 1.0) for v in total)
    return DailyShocks(shared, own)


def _gamma_factors(v: float, n: int, rng: np.random.Generator) -> np.ndarray:
    if v <= 0.0:
        return np.ones(n)
    return rng.gamma(1.0 / v, v, size=n)


def _simulate_shocked(
    base: np.ndarray, alpha, beta: float, shocks: DailyShocks, rng: np.random.Generator
) -> np.ndarray:
    """Day-by-day simulation of the model's conditional means ``lambda_i[t]`` (baseline
    plus kernel-weighted past counts), each day's counts Poisson with mean ``lambda_i[t]``
    times the day's shared and own Gamma factors."""
    alpha = np.asarray(alpha, float)
    n_days = len(base)
    factor = _gamma_factors(shocks.shared, n_days, rng)[:, None] * np.stack(
        [_gamma_factors(v, n_days, rng) for v in shocks.own], axis=1
    )
    mean_base = base * factor
    c = kernel_scale(beta)
    phi = math.exp(-beta)
    ca = c * alpha
    counts = np.zeros((n_days, 2), np.int64)
    s = np.zeros(2)
    for t in range(n_days):
        lam = mean_base[t] + factor[t] * (ca @ s)
        k = rng.poisson(lam)
        counts[t] = k
        s = phi * (s + k)
    return counts


# --------------------------------------------------------------------------- tests


def _quasi_lr(full: DailyHawkesFit, constrained: DailyHawkesFit, target: int) -> float:
    """Likelihood ratio divided by the target side's Pearson dispersion (at least 1)."""
    phi = max(1.0, full.dispersion[target])
    return max(0.0, 2.0 * (full.loglik - constrained.loglik)) / phi


def cross_statistic(data: DailyCounts, label: str, full: DailyHawkesFit | None = None):
    """Quasi-likelihood-ratio statistic of one cross entry against 0.

    The constrained model (that entry 0) is fitted first; the alternative frees the entry
    with the decay held at the constrained estimate. With the decay free under the
    alternative only, the ratio would be a maximum over decays, which is unidentified when
    there is no excitation at all (Davies 1987): its distribution then differs from the
    one in the bootstrap world, where the fitted self-excitation pins the decay down.
    The ratio is divided by the target side's Pearson dispersion (at least 1).

    Returns
    -------
    ``(stat, alternative_fit, constrained_fit)``.
    """
    constrained = fit_daily_hawkes(data, fixed_zero=(label,), with_cov=False, start=full)
    alternative = fit_daily_hawkes(
        data, with_cov=False, start=constrained, beta_fixed=constrained.beta
    )
    target = DIRECTIONS[label][0]
    return _quasi_lr(alternative, constrained, target), alternative, constrained


def cross_test(
    data: DailyCounts,
    label: str,
    *,
    reps: int = 99,
    seed: int = 0,
    full: DailyHawkesFit | None = None,
) -> dict:
    """Parametric-bootstrap test of one cross-excitation entry (``"A->B"`` or ``"B->A"``).

    The null world is the constrained fit (that entry 0, everything else, baselines
    included, at its constrained estimate) with the daily shocks estimated around it
    (:func:`daily_shocks`); ``reps`` replicates are simulated from it and both models
    refitted to each. ``p = (1 + #{stat_b >= stat}) / (reps + 1)``.

    Returns
    -------
    ``{"stat", "p_value", "reps", "p_value_asymptotic", "converged"}``; the asymptotic
    p-value uses the chi-bar-square mixture ``0.5 chi2_0 + 0.5 chi2_1`` and is shown only
    for comparison.
    """
    stat, full, constrained = cross_statistic(data, label, full)
    null = _bootstrap_null(
        data,
        constrained,
        lambda sim: cross_statistic(sim, label)[0],
        reps,
        seed,
        daily_shocks(data, constrained),
    )
    return {
        "stat": float(stat),
        "p_value": _bootstrap_p(stat, null),
        "reps": int(reps),
        "p_value_asymptotic": 0.5 * float(stats.chi2.sf(stat, 1)) if stat > 0 else 1.0,
        "converged": bool(full.converged and constrained.converged),
    }


def warp_cross_statistics(
    data: DailyCounts, label: str, rng: np.random.Generator
) -> tuple[float, float]:
    """The statistic and one bootstrap statistic from the constrained fit with its daily
    shocks (as in :func:`cross_test`): the "warp-speed" design of Giacomini, Politis &
    White (2013) for Monte Carlo studies, where the critical value is the quantile of the
    single bootstrap statistics across replicates.

    Raises
    ------
    FloatingPointError
        When a fit to the data did not converge (the study counts it as a failure).
    """
    stat, full, constrained = cross_statistic(data, label)
    if not (full.converged and constrained.converged):
        raise FloatingPointError("a Hawkes fit did not converge")
    sim = simulate_from_fit(data, constrained, rng, daily_shocks(data, constrained))
    if min(sim.counts.sum(axis=0)) == 0:
        return stat, 0.0
    return stat, cross_statistic(sim, label)[0]


def excitation_test(
    data: DailyCounts, fit: DailyHawkesFit, *, reps: int = 49, seed: int = 0
) -> dict:
    """Likelihood-ratio test of any excitation (all four entries 0: monthly-baseline
    Poisson counts), with a parametric-bootstrap null from that fit."""
    none = tuple(DIRECTIONS)
    null_fit = fit_daily_hawkes(data, fixed_zero=none, with_cov=False)
    stat = max(0.0, 2.0 * (fit.loglik - null_fit.loglik))

    def statistic(sim: DailyCounts) -> float:
        f1 = fit_daily_hawkes(sim, with_cov=False)
        f0 = fit_daily_hawkes(sim, fixed_zero=none, with_cov=False)
        return max(0.0, 2.0 * (f1.loglik - f0.loglik))

    null = _bootstrap_null(data, null_fit, statistic, reps, seed)
    return {"stat": float(stat), "p_value_bootstrap": _bootstrap_p(stat, null), "reps": int(reps)}


def _bootstrap_null(
    data, null_fit, statistic, reps: int, seed: int, shocks: DailyShocks | None = None
) -> np.ndarray:
    """``statistic`` on ``reps`` parametric-bootstrap replicates simulated from
    ``null_fit`` (with ``shocks``, see :func:`simulate_from_fit`); a replicate in which a
    side has no event scores 0 (nothing to fit)."""
    rng = np.random.default_rng(seed)
    null = np.zeros(reps)
    for b in range(reps):
        sim = simulate_from_fit(data, null_fit, rng, shocks)
        if min(sim.counts.sum(axis=0)) > 0:
            null[b] = statistic(sim)
    return null


def _bootstrap_p(stat: float, null: np.ndarray) -> float:
    # A bootstrap statistic equal to the observed one up to rounding counts against it.
    return float((1.0 + np.sum(null >= stat - 1e-9)) / (len(null) + 1.0))


# --------------------------------------------------------------------------- attribution


def attribution(data: DailyCounts, fit: DailyHawkesFit) -> pd.DataFrame:
    """Mohler-style attribution of each day's events to their possible causes.

    For side ``i`` on day ``t`` the probability that an event was triggered by the other
    side is ``alpha[i, j] x_j[t] / lambda_i[t]``, by its own side ``alpha[i, i] x_i[t] /
    lambda_i[t]``, and background the rest (only triggering from earlier days counts).

    Returns
    -------
    One row per day: ``day`` (date when known), ``events_A``, ``events_B``, and per side
    ``p_other_A``, ``p_self_A``, ``p_background_A`` (and ``_B``).
    """
    mu = np.asarray(fit.mu_periods)
    alpha = np.asarray(fit.alpha)
    lam, base, x, *_ = _intensity(data, mu, alpha, fit.beta)
    out = {}
    if data.start is not None:
        out["day"] = pd.date_range(data.start, periods=data.n_days, freq="D")
    else:
        out["day"] = np.arange(data.n_days)
    for i, side in enumerate(("A", "B")):
        j = 1 - i
        out[f"events_{side}"] = data.counts[:, i]
        out[f"p_other_{side}"] = alpha[i, j] * x[:, j] / lam[:, i]
        out[f"p_self_{side}"] = alpha[i, i] * x[:, i] / lam[:, i]
        out[f"p_background_{side}"] = base[:, i] / lam[:, i]
    return pd.DataFrame(out)


def attribution_summary(frame: pd.DataFrame) -> dict:
    """Expected number and share of each side's events triggered by the other side, by its
    own side and by the background, from :func:`attribution`."""
    out = {}
    for side in ("A", "B"):
        n = frame[f"events_{side}"].to_numpy(float)
        total = max(n.sum(), 1.0)
        row = {}
        for cause in ("other", "self", "background"):
            expected = float(np.sum(n * frame[f"p_{cause}_{side}"]))
            row[f"{cause}_events"] = expected
            row[f"{cause}_share"] = expected / total
        out[side] = row
    return out


# --------------------------------------------------------------------------- goodness of fit


def goodness_of_fit(data: DailyCounts, fit: DailyHawkesFit, seed: int = 0) -> dict:
    """Randomised probability-integral-transform check of the daily counts.

    Under the model ``u_t = F(N_t - 1) + V (F(N_t) - F(N_t - 1))`` (``V`` uniform, ``F``
    the Poisson distribution function at the fitted mean) is uniform; ``-log(1 - u)`` is
    then Exp(1), so the same QQ plot and Kolmogorov-Smirnov test as the time-rescaling
    check apply. The p-value ignores that the parameters were estimated.

    Returns
    -------
    Per side ``{"n", "ks_stat", "ks_p_value", "mean_interval", "residuals"}`` where
    ``residuals`` are the Exp(1)-scale values (for the QQ plot).
    """
    mu = np.asarray(fit.mu_periods)
    lam, *_ = _intensity(data, mu, np.asarray(fit.alpha), fit.beta)
    rng = np.random.default_rng(seed)
    out = {}
    for i, side in enumerate(("A", "B")):
        n = data.counts[:, i]
        lo = stats.poisson.cdf(n - 1, lam[:, i])
        hi = stats.poisson.cdf(n, lam[:, i])
        u = lo + rng.uniform(size=len(n)) * (hi - lo)
        e = -np.log1p(-np.clip(u, 0.0, 1.0 - 1e-12))
        ks = stats.kstest(e, "expon")
        out[side] = {
            "n": int(len(e)),
            "ks_stat": float(ks.statistic),
            "ks_p_value": float(ks.pvalue),
            "mean_interval": float(np.mean(e)),
            "residuals": e,
        }
    return out
