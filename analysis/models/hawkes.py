"""Bivariate Hawkes process with exponential kernels, fitted by maximum likelihood.

Two resolutions
---------------
Event tables date events to the day. By default (``resolution="day"``) the model is the
daily-count Hawkes process of :mod:`analysis.models.hawkes_daily`: counts per day, a
baseline per month (or per block of months with enough events), triggering from earlier
days only, cross-excitation tests by parametric bootstrap. :func:`fit_dyad` fits it to a
dyad with calendar months. The continuous-time model below (``resolution="continuous"``)
is for data with real event times; on day-dated events its within-day jitter and
constant baseline manufacture excitation from shared daily shocks and trends.

Continuous-time model
---------------------

The intensity of side ``i`` (0 = A, 1 = B) at time ``t`` (in days) is

    lambda_i(t) = mu_i + sum_j alpha[i, j] * beta * sum_{t_k^j < t} exp(-beta (t - t_k^j))

so ``alpha[i, j]`` is the expected number of events of ``i`` that one event of ``j``
triggers (a branching-matrix entry) and the kernel integrates to ``alpha[i, j]``. In the
results the entry is labelled by direction: ``"A->B"`` is ``alpha[B, A]``, the number of
B events that one A event triggers.

Choices, and why
----------------
- **One shared decay** ``beta`` for the four kernels. Per-target decays are weakly
  identified on event tables of a few hundred events, and one half-life (``ln 2 / beta``
  days) is what a reader can interpret.
- **Ties.** Events carry day-precision dates; equal times break the likelihood (an event
  would excite another at lag zero). :func:`dyad_times` adds a seeded uniform jitter in
  ``[0, 1)`` day to every event, so the order within a day is random and any half-life
  well under a day is not identified.
- **Linear-time likelihood.** The kernel sums follow Ozaki's (1979) recursion
  ``R_m = exp(-beta (t_m - t_{m-1})) (R_{m-1} + e_{m-1})``. It is evaluated for all events
  at once as a cumulative log-sum-exp (``numpy.logaddexp.accumulate``), which never
  overflows and keeps full relative precision because every term is positive.
- **Parameters.** Baselines and decay are optimised on the log scale; branching entries
  on their natural scale with a lower bound of 0, so that "no excitation" is reachable
  exactly and likelihood-ratio tests on the boundary are well defined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats

from analysis.models import hawkes_daily
from analysis.models.dyad import Dyad
from analysis.models.hawkes_daily import BranchingFit, DailyCounts, DailyHawkesFit

#: Direction label -> (target, source) index in the branching matrix.
DIRECTIONS = {"A->A": (0, 0), "A->B": (1, 0), "B->A": (0, 1), "B->B": (1, 1)}
#: Bounds of the decay, per day: half-lives from about 4 minutes (below the jitter, so
#: unidentified) to about 2 years.
BETA_BOUNDS = (1e-3, 1e2)
ALPHA_MAX = 20.0
_Z95 = stats.norm.ppf(0.975)
_OPTIONS = {
    "L-BFGS-B": {"maxiter": 500, "ftol": 1e-12, "gtol": 1e-7},
    "TNC": {"maxfun": 2000, "ftol": 1e-12, "gtol": 1e-7},
}


@dataclass(frozen=True)
class HawkesFit(BranchingFit):
    """A fitted bivariate Hawkes process (time unit: days).

    Attributes
    ----------
    mu
        Baseline rates per day, ``(mu_A, mu_B)``.
    alpha
        Branching matrix, ``alpha[target, source]``.
    beta
        Shared decay per day.
    loglik
        Maximised log-likelihood.
    n_events
        Events per side.
    horizon
        Length of the observation window in days.
    cov
        Covariance of ``(mu_A, mu_B, alpha_AA, alpha_AB, alpha_BA, alpha_BB, beta)`` from
        the observed information (``alpha`` row-major: target, source); NaN when singular.
    converged, n_iter
        Optimiser status of the best start and its iterations.
    fixed_zero
        Branching entries held at zero (constrained fits), as direction labels.
    """

    mu: tuple[float, float]
    alpha: tuple[tuple[float, float], tuple[float, float]]
    beta: float
    loglik: float
    n_events: tuple[int, int]
    horizon: float
    cov: tuple[tuple[float, ...], ...]
    converged: bool
    n_iter: int
    fixed_zero: tuple[str, ...] = field(default_factory=tuple)

    @property
    def half_life_days(self) -> float:
        """Time for an event's excitation to halve, ``ln 2 / beta`` days."""
        return math.log(2.0) / self.beta

    def to_dict(self) -> dict:
        """Estimates with 95% Wald intervals, keyed for the results JSON."""
        se = self.se()
        alpha = np.asarray(self.alpha)
        branching = {}
        for label, (i, j) in DIRECTIONS.items():
            s = float(se[2 + 2 * i + j])
            est = float(alpha[i, j])
            branching[label] = {
                "estimate": est,
                "se": s,
                "ci_low": max(0.0, est - _Z95 * s),
                "ci_high": est + _Z95 * s,
            }
        s_beta = float(se[6])
        # Interval for beta on the log scale (keeps it positive), mapped to the half-life.
        lo_b = self.beta * math.exp(-_Z95 * s_beta / self.beta) if s_beta == s_beta else np.nan
        hi_b = self.beta * math.exp(_Z95 * s_beta / self.beta) if s_beta == s_beta else np.nan
        baseline = {
            side: {
                "estimate": float(self.mu[k]),
                "ci_low": max(0.0, float(self.mu[k] - _Z95 * se[k])),
                "ci_high": float(self.mu[k] + _Z95 * se[k]),
            }
            for k, side in enumerate(("A", "B"))
        }
        return {
            "baseline_per_day": baseline,
            "branching": branching,
            "decay": {"estimate": self.beta, "ci_low": lo_b, "ci_high": hi_b},
            "half_life_days": {
                "estimate": self.half_life_days,
                "ci_low": math.log(2.0) / hi_b,
                "ci_high": math.log(2.0) / lo_b,
            },
            "spectral_radius": self.spectral_radius,
            "loglik": self.loglik,
            "n_events": {"A": self.n_events[0], "B": self.n_events[1]},
            "horizon_days": self.horizon,
            "converged": self.converged,
        }


# --------------------------------------------------------------------------- data


def dyad_times(dyad: Dyad, seed: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
    """Event times in days since the dyad's start, with seeded within-day jitter.

    Parameters
    ----------
    dyad
        The dyad.
    seed
        Seed of the uniform ``[0, 1)`` jitter added to each event's day.

    Returns
    -------
    ``(times_a, times_b, horizon)``: sorted times per side and the window length in days
    (the last day is included in full).
    """
    if len(dyad.events) == 0 or dyad.start is None or dyad.start is np.nan:
        return np.empty(0), np.empty(0), 0.0
    start = dyad.start.normalize()
    days = (dyad.events["event_date"].dt.normalize() - start).dt.days.to_numpy(float)
    jitter = np.random.default_rng(seed).uniform(0.0, 1.0, size=len(days))
    t = days + jitter
    side = dyad.events["side"].to_numpy()
    horizon = float((dyad.end.normalize() - start).days + 1)
    return np.sort(t[side == "A"]), np.sort(t[side == "B"]), horizon


def _merge(times: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    t = np.concatenate([np.asarray(times[0], float), np.asarray(times[1], float)])
    mark = np.concatenate([np.zeros(len(times[0]), np.int64), np.ones(len(times[1]), np.int64)])
    order = np.argsort(t, kind="stable")
    return t[order], mark[order]


# --------------------------------------------------------------------------- likelihood


def _kernel_sums(t: np.ndarray, mark: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Kernel sums ``x[j, m] = sum_{k<m, mark_k=j} exp(-beta (t_m - t_k))`` and their
    ``-d/dbeta``, ``d[j, m] = sum (t_m - t_k) exp(-beta (t_m - t_k))``, for every event."""
    n = len(t)
    bt = beta * t
    gaps = np.diff(t, prepend=t[:1])
    x = np.empty((2, n))
    d = np.empty((2, n))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in (0, 1):
            v = np.where(mark == j, bt, -np.inf)
            acc = np.logaddexp.accumulate(v)
            log_x = np.concatenate(([-np.inf], acc[:-1])) - bt
            x[j] = np.exp(log_x)
            # d_m = exp(-beta gap_m) d_{m-1} + gap_m x_m: a positive-term cumulative sum.
            acc_d = np.logaddexp.accumulate(np.log(gaps) + log_x + bt)
            d[j] = np.exp(acc_d - bt)
    return x, np.nan_to_num(d, nan=0.0)


def _negloglik(
    p: np.ndarray, t: np.ndarray, mark: np.ndarray, horizon: float
) -> tuple[float, np.ndarray]:
    """Minus the log-likelihood and its gradient in natural parameters
    ``(mu0, mu1, a00, a01, a10, a11, beta)``."""
    mu = p[:2]
    alpha = p[2:6].reshape(2, 2)
    beta = p[6]
    x, d = _kernel_sums(t, mark, beta)
    a_rows = alpha[mark]  # (n, 2): the row of the target of each event
    excite = np.einsum("nj,jn->n", a_rows, x)
    lam = mu[mark] + beta * excite
    inv = 1.0 / lam
    tail = horizon - t
    decay_tail = np.exp(-beta * tail)
    comp_j = np.bincount(mark, weights=1.0 - decay_tail, minlength=2)
    dcomp_j = np.bincount(mark, weights=tail * decay_tail, minlength=2)
    ll = np.sum(np.log(lam)) - horizon * mu.sum() - np.sum(alpha * comp_j[None, :])
    g_mu = np.bincount(mark, weights=inv, minlength=2) - horizon
    g_alpha = np.empty((2, 2))
    for j in (0, 1):
        g_alpha[:, j] = beta * np.bincount(mark, weights=x[j] * inv, minlength=2) - comp_j[j]
    dexcite = np.einsum("nj,jn->n", a_rows, x - beta * d)
    g_beta = np.sum(dexcite * inv) - np.sum(alpha * dcomp_j[None, :])
    grad = np.concatenate([g_mu, g_alpha.ravel(), [g_beta]])
    return -float(ll), -grad


def loglik(
    times: tuple[np.ndarray, np.ndarray],
    horizon: float,
    mu: np.ndarray,
    alpha: np.ndarray,
    beta: float,
) -> float:
    """Log-likelihood of a bivariate exponential Hawkes process on ``[0, horizon]``.

    Parameters
    ----------
    times
        Event times per side (days), each sorted.
    horizon
        Window length (days).
    mu, alpha, beta
        Baselines ``(2,)``, branching matrix ``alpha[target, source]``, decay.
    """
    t, mark = _merge(times)
    p = np.concatenate([np.asarray(mu, float), np.asarray(alpha, float).ravel(), [beta]])
    return -_negloglik(p, t, mark, horizon)[0]


def poisson_loglik(times: tuple[np.ndarray, np.ndarray], horizon: float) -> float:
    """Maximised log-likelihood of two independent homogeneous Poisson processes."""
    total = 0.0
    for ts in times:
        n = len(ts)
        if n:
            total += n * math.log(n / horizon) - n
    return total


# --------------------------------------------------------------------------- fitting


def _to_natural(z: np.ndarray) -> np.ndarray:
    return np.concatenate([np.exp(z[:2]), z[2:6], [math.exp(z[6])]])


def _objective(z, t, mark, horizon, scale):
    p = _to_natural(z)
    f, g = _negloglik(p, t, mark, horizon)
    g = g.copy()
    g[:2] *= p[:2]  # chain rule for the log-scale baselines and decay
    g[6] *= p[6]
    return f / scale, g / scale


def _starts(n: np.ndarray, horizon: float, n_starts: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    rate = np.maximum(n, 1) / horizon
    starts = []
    for k in range(n_starts):
        if k == 0:
            a = np.array([0.3, 0.1, 0.1, 0.3])
            beta = 1.0
        else:
            a = rng.uniform(0.02, 0.5, size=4)
            beta = math.exp(rng.uniform(math.log(0.05), math.log(5.0)))
        # Baselines chosen so that the start's expected counts match the data.
        mu = rate * 0.5
        starts.append(np.concatenate([np.log(mu), a, [math.log(beta)]]))
    return starts


def fit_hawkes(
    times: tuple[np.ndarray, np.ndarray],
    horizon: float,
    *,
    resolution: str = "day",
    seed: int = 0,
    fixed_zero: tuple[str, ...] = (),
    with_cov: bool = True,
    **continuous_options,
) -> HawkesFit | DailyHawkesFit:
    """Fit a bivariate Hawkes process to event times in days.

    Parameters
    ----------
    times
        Event times per side (days since the start), side A first.
    horizon
        Window length in days.
    resolution
        ``"day"`` (default): the daily-count model of :mod:`analysis.models.hawkes_daily`
        on ``floor(times)`` with baselines per block of about a month (use :func:`fit_dyad`
        for calendar months). ``"continuous"``: the continuous-time model
        (:func:`fit_hawkes_continuous`), for data with real event times only.
    seed
        Seed of the continuous model's random starts (the daily model's starts are fixed).
    fixed_zero, with_cov
        Entries held at zero; whether to compute the covariance.
    continuous_options
        Passed to :func:`fit_hawkes_continuous`.
    """
    if resolution == "continuous":
        return fit_hawkes_continuous(
            times,
            horizon,
            seed=seed,
            fixed_zero=fixed_zero,
            with_cov=with_cov,
            **continuous_options,
        )
    if resolution != "day":
        raise ValueError(f"resolution must be 'day' or 'continuous', not {resolution!r}")
    _, fit = hawkes_daily.fit_adaptive(
        lambda knot_days: times_to_counts(times, horizon, knot_days),
        fixed_zero=fixed_zero,
        with_cov=with_cov,
    )
    return fit


def times_to_counts(
    times: tuple[np.ndarray, np.ndarray], horizon: float, knot_days: float | None = None
) -> DailyCounts:
    """Daily counts (day = ``floor(time)``) with a linear-spline baseline."""
    n_days = int(math.ceil(horizon))
    days = [np.minimum(np.floor(np.asarray(t, float)).astype(np.int64), n_days - 1) for t in times]
    return hawkes_daily.counts_from_days(days[0], days[1], n_days, knot_days=knot_days)


def dyad_counts(dyad: Dyad, knot_days: float | None = None) -> DailyCounts:
    """The dyad's daily counts with a linear-spline baseline
    (:func:`analysis.models.hawkes_daily.counts_from_dyad`)."""
    return hawkes_daily.counts_from_dyad(dyad, knot_days=knot_days)


def fit_dyad(dyad: Dyad) -> tuple[DailyCounts, DailyHawkesFit]:
    """Daily counts of a dyad and the daily-count Hawkes fit, its baseline a linear spline
    with knots spaced by the fitted decay (:func:`analysis.models.hawkes_daily.fit_adaptive`)."""
    return hawkes_daily.fit_adaptive(lambda knot_days: dyad_counts(dyad, knot_days))


def fit_hawkes_continuous(
    times: tuple[np.ndarray, np.ndarray],
    horizon: float,
    *,
    n_starts: int = 4,
    n_polish: int = 2,
    seed: int = 0,
    fixed_zero: tuple[str, ...] = (),
    with_cov: bool = True,
    method: str = "L-BFGS-B",
) -> HawkesFit:
    """Fit a bivariate exponential Hawkes process by maximum likelihood.

    Parameters
    ----------
    times
        Event times per side (days), side A first.
    horizon
        Window length in days (events lie in ``[0, horizon)``).
    n_starts
        Starting points: a fixed one plus ``n_starts - 1`` seeded random ones. Each is
        scored by its likelihood and the best ``n_polish`` are optimised (L-BFGS-B with the
        analytic gradient); the best optimum wins.
    seed
        Seed of the random starts.
    fixed_zero
        Direction labels (``"A->B"``, ...) whose branching entry is held at 0.
    with_cov
        Compute the observed-information covariance (numerical Hessian of the analytic
        gradient); skipped in bootstrap refits.
    method
        Bounded optimiser of ``scipy.optimize.minimize``: ``"L-BFGS-B"`` or ``"TNC"``
        (same optimum; TNC calls no BLAS, which helps on oversubscribed machines).

    Returns
    -------
    HawkesFit
    """
    t, mark = _merge(times)
    n = np.bincount(mark, minlength=2)
    if min(n) == 0:
        raise ValueError("each side needs at least one event to fit a bivariate Hawkes process")
    scale = float(len(t))
    bounds = [(math.log(1e-10), None), (math.log(1e-10), None)]
    fixed = {2 + 2 * i + j for lab, (i, j) in DIRECTIONS.items() if lab in fixed_zero}
    bounds += [(0.0, 0.0) if 2 + k in fixed else (0.0, ALPHA_MAX) for k in range(4)]
    bounds += [(math.log(BETA_BOUNDS[0]), math.log(BETA_BOUNDS[1]))]
    starts = _starts(n, horizon, n_starts, seed)
    for z in starts:
        z[sorted(fixed)] = 0.0
    scored = sorted(
        ((_objective(z, t, mark, horizon, scale)[0], k) for k, z in enumerate(starts)),
        key=lambda s: (s[0], s[1]),
    )
    best = None
    for _, k in scored[:n_polish]:
        res = optimize.minimize(
            _objective,
            starts[k],
            args=(t, mark, horizon, scale),
            jac=True,
            method=method,
            bounds=bounds,
            options=_OPTIONS[method],
        )
        if best is None or res.fun < best.fun:
            best = res
    p = _to_natural(best.x)
    cov = _observed_cov(p, t, mark, horizon, fixed) if with_cov else np.full((7, 7), np.nan)
    alpha = p[2:6].reshape(2, 2)
    return HawkesFit(
        mu=(float(p[0]), float(p[1])),
        alpha=tuple(tuple(float(v) for v in row) for row in alpha),
        beta=float(p[6]),
        loglik=-float(best.fun) * scale,
        n_events=(int(n[0]), int(n[1])),
        horizon=float(horizon),
        cov=tuple(tuple(float(v) for v in row) for row in cov),
        converged=bool(best.success),
        n_iter=int(getattr(best, "nit", 0)),
        fixed_zero=tuple(sorted(fixed_zero)),
    )


def _observed_cov(p, t, mark, horizon, fixed) -> np.ndarray:
    """Inverse of the observed information, by central differences of the gradient."""
    free = [k for k in range(7) if k not in fixed]
    hess = np.zeros((7, 7))
    for k in free:
        h = 1e-5 * max(abs(p[k]), 1e-3)
        up, dn = p.copy(), p.copy()
        up[k] += h
        dn[k] = max(dn[k] - h, 0.0) if k >= 2 else dn[k] - h
        hess[:, k] = (_negloglik(up, t, mark, horizon)[1] - _negloglik(dn, t, mark, horizon)[1]) / (
            up[k] - dn[k]
        )
    hess = 0.5 * (hess + hess.T)
    cov = np.full((7, 7), np.nan)
    sub = hess[np.ix_(free, free)]
    try:
        inv = np.linalg.inv(sub)
    except np.linalg.LinAlgError:
        return cov
    if np.any(np.diag(inv) <= 0):
        return cov
    cov[np.ix_(free, free)] = inv
    for k in fixed:
        cov[k, k] = 0.0
    return cov


# --------------------------------------------------------------------------- tests


def lr_test_poisson(
    times: tuple[np.ndarray, np.ndarray],
    horizon: float,
    fit: HawkesFit,
    *,
    reps: int = 49,
    seed: int = 0,
) -> dict:
    """Likelihood-ratio test of the Hawkes fit against independent homogeneous Poisson
    processes (no excitation at all), with a parametric-bootstrap null.

    The statistic sits on the boundary of the parameter space, so its chi-square
    approximation is poor; instead the null is simulated: ``reps`` pairs of Poisson
    processes at the fitted rates, each refitted. ``p = (1 + #{stat_b >= stat}) / (reps + 1)``.
    For a daily-count fit the null is Poisson counts with the fit's baseline periods
    (:func:`analysis.models.hawkes_daily.excitation_test`).
    """
    if isinstance(fit, DailyHawkesFit):
        return hawkes_daily.excitation_test(
            times_to_counts(times, horizon, fit.knot_days), fit, reps=reps, seed=seed
        )
    stat = max(0.0, 2.0 * (fit.loglik - poisson_loglik(times, horizon)))
    rng = np.random.default_rng(seed)
    rates = [len(ts) / horizon for ts in times]
    null = np.empty(reps)
    for r in range(reps):
        sim = tuple(
            np.sort(rng.uniform(0.0, horizon, size=rng.poisson(rate * horizon))) for rate in rates
        )
        if min(len(s) for s in sim) == 0:
            null[r] = 0.0
            continue
        refit = fit_hawkes_continuous(sim, horizon, n_starts=3, n_polish=1, seed=r, with_cov=False)
        null[r] = max(0.0, 2.0 * (refit.loglik - poisson_loglik(sim, horizon)))
    p_value = (1.0 + np.sum(null >= stat - 1e-9)) / (reps + 1.0)
    return {"stat": stat, "p_value_bootstrap": float(p_value), "reps": int(reps)}


def cross_excitation_tests(
    times: tuple[np.ndarray, np.ndarray] | DailyCounts,
    horizon: float | None,
    fit: HawkesFit | DailyHawkesFit,
    seed: int = 0,
    reps: int = 99,
) -> dict:
    """Test of each cross-excitation entry against zero.

    For a daily-count fit (the default) the statistic is the quasi-likelihood ratio and
    its p-value comes from ``reps`` parametric-bootstrap replicates of the constrained fit
    (:func:`analysis.models.hawkes_daily.cross_test`); ``times`` may then be the
    :class:`~analysis.models.hawkes_daily.DailyCounts` the fit was made on (``horizon``
    ignored). For a continuous-time fit the statistic is the likelihood ratio and the
    p-value the chi-bar-square mixture ``0.5 chi2_0 + 0.5 chi2_1`` (Self & Liang 1987),
    which holds its size only for real event times.

    Returns
    -------
    ``{"A->B": {"estimate", "ci_low", "ci_high", "stat", "p_value", ...}, "B->A": ...}``;
    daily fits add ``reps``, ``p_value_asymptotic`` and ``converged``.
    """
    table = fit.to_dict()["branching"]
    if isinstance(fit, DailyHawkesFit):
        data = (
            times
            if isinstance(times, DailyCounts)
            else times_to_counts(times, horizon, fit.knot_days)
        )
        out = {}
        for k, label in enumerate(("A->B", "B->A")):
            test = hawkes_daily.cross_test(data, label, reps=reps, seed=seed + k)
            row = table[label]
            out[label] = {
                "estimate": row["estimate"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                **test,
            }
        return out
    out = {}
    for label in ("A->B", "B->A"):
        constrained = fit_hawkes_continuous(
            times, horizon, fixed_zero=(label,), seed=seed, with_cov=False
        )
        stat = max(0.0, 2.0 * (fit.loglik - constrained.loglik))
        p_value = 0.5 * float(stats.chi2.sf(stat, 1)) if stat > 0 else 1.0
        row = table[label]
        out[label] = {
            "estimate": row["estimate"],
            "ci_low": row["ci_low"],
            "ci_high": row["ci_high"],
            "stat": stat,
            "p_value": p_value,
        }
    return out


def rescaled_intervals(
    times: tuple[np.ndarray, np.ndarray], horizon: float, fit: HawkesFit
) -> tuple[np.ndarray, np.ndarray]:
    """Compensator increments between consecutive events of each side.

    By the time-rescaling theorem they are independent Exp(1) draws when the model is right.
    For a daily-count fit: the randomised PIT residuals of the daily counts on the Exp(1)
    scale (:func:`analysis.models.hawkes_daily.goodness_of_fit`).
    """
    if isinstance(fit, DailyHawkesFit):
        gof = hawkes_daily.goodness_of_fit(times_to_counts(times, horizon, fit.knot_days), fit)
        return gof["A"]["residuals"], gof["B"]["residuals"]
    t, mark = _merge(times)
    if len(t) == 0:
        return np.empty(0), np.empty(0)
    x, _ = _kernel_sums(t, mark, fit.beta)
    before = np.vstack([np.cumsum(mark == j) - (mark == j) for j in (0, 1)])  # events < t_m
    alpha = np.asarray(fit.alpha)
    out = []
    for i in (0, 1):
        comp = fit.mu[i] * t + alpha[i, 0] * (before[0] - x[0]) + alpha[i, 1] * (before[1] - x[1])
        own = comp[mark == i]
        out.append(np.diff(own, prepend=0.0))
    return out[0], out[1]


def goodness_of_fit(times: tuple[np.ndarray, np.ndarray], horizon: float, fit: HawkesFit) -> dict:
    """Time-rescaling goodness of fit: Kolmogorov-Smirnov test of the rescaled intervals
    against Exp(1), per side. The p-value ignores that the parameters were estimated, so
    it is somewhat conservative. For a daily-count fit: the randomised PIT check of
    :func:`analysis.models.hawkes_daily.goodness_of_fit`."""
    if isinstance(fit, DailyHawkesFit):
        gof = hawkes_daily.goodness_of_fit(times_to_counts(times, horizon, fit.knot_days), fit)
        return {side: {k: v for k, v in gof[side].items() if k != "residuals"} for side in "AB"}
    out = {}
    for side, inc in zip(("A", "B"), rescaled_intervals(times, horizon, fit), strict=True):
        if len(inc) < 2:
            out[side] = {"n": int(len(inc)), "ks_stat": None, "ks_p_value": None}
            continue
        ks = stats.kstest(inc, "expon")
        out[side] = {
            "n": int(len(inc)),
            "ks_stat": float(ks.statistic),
            "ks_p_value": float(ks.pvalue),
            "mean_interval": float(np.mean(inc)),
        }
    return out


# --------------------------------------------------------------------------- simulation


def simulate_hawkes(
    mu: np.ndarray,
    alpha: np.ndarray,
    beta: float,
    horizon: float,
    seed: int = 0,
    trend: tuple[float, float] = (1.0, 1.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a bivariate exponential Hawkes process by its cluster representation.

    Immigrants of side ``i`` arrive as a Poisson process of rate ``mu[i]``; each event of
    side ``j`` has ``Poisson(alpha[i, j])`` children of side ``i`` after ``Exp(beta)``
    delays. Generations are drawn vectorised until none is left inside the window.

    Returns
    -------
    Sorted event times of side A and side B on ``[0, horizon)``.
    """
    mu = np.asarray(mu, float)
    alpha = np.asarray(alpha, float)
    if np.max(np.abs(np.linalg.eigvals(alpha))) >= 1:
        raise ValueError("the branching matrix must have spectral radius < 1 to simulate")
    rng = np.random.default_rng(seed)
    gen_t = []
    gen_m = []
    top = max(trend)
    for i in (0, 1):
        k = rng.poisson(mu[i] * top * horizon)
        ti = rng.uniform(0.0, horizon, size=k)
        if trend != (1.0, 1.0):
            factor = trend[0] + (trend[1] - trend[0]) * ti / horizon
            ti = ti[rng.uniform(size=k) * top < factor]
        gen_t.append(ti)
        gen_m.append(np.full(len(ti), i))
    t_gen, m_gen = np.concatenate(gen_t), np.concatenate(gen_m)
    all_t, all_m = [t_gen], [m_gen]
    while len(t_gen):
        child_t, child_m = [], []
        for i in (0, 1):
            counts = rng.poisson(alpha[i, m_gen])
            ct = np.repeat(t_gen, counts) + rng.exponential(1.0 / beta, size=int(counts.sum()))
            ct = ct[ct < horizon]
            child_t.append(ct)
            child_m.append(np.full(len(ct), i))
        t_gen, m_gen = np.concatenate(child_t), np.concatenate(child_m)
        all_t.append(t_gen)
        all_m.append(m_gen)
    t, m = np.concatenate(all_t), np.concatenate(all_m)
    return np.sort(t[m == 0]), np.sort(t[m == 1])
