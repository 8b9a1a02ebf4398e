"""The most power any test of a reaction at lags of one day or more can have against a
planted day-dated Hawkes cross-excitation: an oracle that knows the truth, and its
analytic approximation.

The validation study plants a cross-excitation in a bivariate exponential Hawkes
process: each event of side A triggers ``theta`` events of side B after delays drawn from
an exponential distribution of rate ``beta`` a day. The data are daily counts and every
test of a reaction in the suite looks at lags of one day or more (a same-day association
is also what two sides reacting to the same news produce, so no valid test can use it).

**Kernel masses.** An A event at a uniform time within day ``d - l`` triggers, in
expectation, ``theta * w(l)`` B events on day ``d`` with (for ``l >= 1``)

    w(l) = (1 - exp(-beta))**2 * exp(-beta * (l - 1)) / beta,

and ``1 - (1 - exp(-beta)) / beta`` of its offspring fall on its own day (21% at
``beta = 0.5``), out of reach of every test of lags of one day or more.

**The oracle** (:func:`oracle_score_test`) is the one-sided score test of ``theta = 0``
in B's daily Poisson model given the past days,

    E[b_d | past days] = c + s * sum_l w(l) b_{d-l} + theta * sum_l w(l) a_{d-l},

that knows the decay ``beta``, the kernel's shape and B's self-excitation ``s``, and
estimates only B's baseline level ``c`` (its maximum-likelihood value under the null).
It does not know ``c``: with B's level known, a test would "find" the effect from B's
total count alone (a triggered share of 20% raises B's total by a quarter over what the
baseline gives), which is a change in level, not a reaction; every test of the suite
takes B's level (and more) from the data. By the Neyman-Pearson lemma no test that uses
no more than this can have more power against this alternative to first order, so the
oracle is a ceiling for the study's tests, not a method for data.

**The analytic bound** (:func:`power_bound`): the efficient Fisher information for
``theta`` per day is ``Var(X_d) / m_B`` with ``X_d = sum_l w(l) a_{d-l}`` and ``m_B`` B's
daily rate, so over ``n_days`` the score statistic is about normal with mean

    z = theta * sqrt(n_days * Var(X) / m_B)

and unit variance, and the one-sided test at level ``alpha`` has power
``Phi(z - z_{1-alpha})``. For Poisson A, ``Var(X) = r_A * sum_l w(l)**2`` (0.152 ``r_A``
at ``beta = 0.5``): with equal rates the information does not depend on the rate, only
on the span, which is why more events over the same days do not help. A self-exciting A
(the study's planted scenario has 0.2) has positively correlated daily counts and a
larger ``Var(X)``, which :func:`lagged_variance` computes from the exact covariance of a
day-binned exponential Hawkes process (Hawkes 1971). The formula is exact to first order
when B is Poisson given its past days; in a day-dated Hawkes process B's events also
trigger B events on their own day, which raises the score's mean by about 15% and
its spread a little (the validation study's README gives the numbers), so the simulated
oracle, not the formula, is the study's ceiling.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr, ndtri

#: Longest lag in days the oracle sums over (the kernel's mass beyond it is below 1e-8 at
#: a decay of 0.5 a day).
MAX_LAG = 40


def kernel_masses(beta: float, max_lag: int = MAX_LAG) -> np.ndarray:
    """Expected offspring on day ``d`` of one parent at a uniform time in day ``d - l``,
    per unit branching ratio, for ``l = 1 .. max_lag`` (exponential kernel of rate
    ``beta`` a day)."""
    if beta <= 0:
        raise ValueError("the decay beta must be positive")
    lags = np.arange(1, max_lag + 1)
    return (1.0 - math.exp(-beta)) ** 2 * np.exp(-beta * (lags - 1)) / beta


def same_day_share(beta: float) -> float:
    """Share of a parent's offspring that falls on the parent's own day."""
    return 1.0 - (1.0 - math.exp(-beta)) / beta


def lagged_sum(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_l weights[l-1] * counts[d - l]`` for each day ``d`` (days before the first
    count as none, as in a process that starts empty)."""
    counts = np.asarray(counts, float)
    full = np.convolve(counts, np.concatenate([[0.0], weights]))
    return full[: len(counts)]


def oracle_score_test(
    a: np.ndarray,
    b: np.ndarray,
    beta: float,
    self_excitation: float,
    max_lag: int = MAX_LAG,
) -> dict:
    """One-sided score test that A's past days raise B's daily counts, knowing the true
    kernel (decay ``beta``) and B's ``self_excitation``; B's baseline level estimated.

    Parameters
    ----------
    a, b
        Daily counts of side A and side B over the same days.
    beta
        Decay of the exponential kernel (a day).
    self_excitation
        B's branching ratio on its own events (known to the oracle).

    Returns
    -------
    ``{"z", "p_value", "information", "baseline"}``: the standardised score, its one-sided
    normal p-value, the efficient information for the cross coefficient and the fitted
    baseline (events a day).
    """
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be daily counts over the same days")
    if b.sum() == 0 or a.sum() == 0:
        raise ValueError("a side has no events")
    w = kernel_masses(beta, max_lag)
    x = lagged_sum(a, w)
    s = self_excitation * lagged_sum(b, w)
    # Baseline c: the Poisson likelihood equation sum(b / (c + s)) = n_days is monotone
    # in c; Newton from the moment estimate, kept positive.
    c = max(b.mean() - s.mean(), 1e-3 * max(b.mean(), 1e-9))
    for _ in range(100):
        m = c + s
        g = np.sum(b / m) - len(b)
        h = -np.sum(b / m**2)
        step = g / h
        c_new = c - step
        c = c_new if c_new > 0 else c / 2
        if abs(step) < 1e-10 * c:
            break
    m = c + s
    u = np.sum((b / m - 1.0) * x)
    i_xx, i_xc, i_cc = np.sum(x * x / m), np.sum(x / m), np.sum(1.0 / m)
    info = i_xx - i_xc**2 / i_cc
    if not info > 0:
        raise ValueError("A's lagged counts do not vary: no information on the reaction")
    z = u / math.sqrt(info)
    return {"z": z, "p_value": float(ndtr(-z)), "information": info, "baseline": c}


def hawkes_day_covariance(rate: float, self_excitation: float, beta: float, lags: int):
    """Autocovariance of the daily counts of a stationary univariate exponential Hawkes
    process (rate ``rate`` a day, branching ratio ``self_excitation``, decay ``beta``), at
    lags ``0 .. lags``.

    The covariance density at ``u > 0`` is ``C exp(-kappa u)`` with ``kappa = beta (1 - a)``
    and ``C = rate a beta (2 - a) / (2 (1 - a))`` (Hawkes 1971); day bins integrate it.
    """
    a = self_excitation
    if not 0 <= a < 1:
        raise ValueError("the branching ratio must lie in [0, 1)")
    out = np.zeros(lags + 1)
    out[0] = rate
    if a == 0:
        return out
    kappa = beta * (1.0 - a)
    big_c = rate * a * beta * (2.0 - a) / (2.0 * (1.0 - a))
    # Same day: rate + 2 * integral_0^1 (1 - u) C exp(-kappa u) du.
    out[0] += 2.0 * big_c * (kappa - 1.0 + math.exp(-kappa)) / kappa**2
    k = np.arange(1, lags + 1)
    out[1:] = big_c * np.exp(-kappa * k) * (2.0 * math.cosh(kappa) - 2.0) / kappa**2
    return out


def lagged_variance(
    rate_a: float, beta: float, self_excitation_a: float = 0.0, max_lag: int = MAX_LAG
) -> float:
    """Variance of ``X_d = sum_l w(l) a_{d-l}`` when A is a stationary exponential Hawkes
    process (Poisson when ``self_excitation_a`` is 0) with the same decay as the kernel."""
    w = kernel_masses(beta, max_lag)
    gamma = hawkes_day_covariance(rate_a, self_excitation_a, beta, max_lag)
    lag_diff = np.abs(np.subtract.outer(np.arange(max_lag), np.arange(max_lag)))
    return float(w @ gamma[lag_diff] @ w)


def power_bound(
    theta: float,
    n_days: int,
    beta: float,
    rate_a: float,
    rate_b: float | None = None,
    self_excitation_a: float = 0.0,
    level: float = 0.05,
) -> dict:
    """Analytic power of the oracle score test (the normal approximation above).

    Parameters
    ----------
    theta
        The cross branching ratio planted (each A event triggers ``theta`` B events).
    n_days
        Span in days.
    beta
        Decay of the kernel (a day).
    rate_a, rate_b
        Daily event rates of A and B (``rate_b`` defaults to ``rate_a``).
    self_excitation_a
        A's own branching ratio (0: Poisson A).
    level
        One-sided level of the test.

    Returns
    -------
    ``{"information", "z", "power"}``.
    """
    rate_b = rate_a if rate_b is None else rate_b
    info = n_days * lagged_variance(rate_a, beta, self_excitation_a) / rate_b
    z = theta * math.sqrt(info)
    return {"information": info, "z": z, "power": float(ndtr(z - ndtri(1.0 - level)))}
