"""Validation study: size of each test under null scenarios shaped like event data, and its
power against planted effects, by simulation.

Scenarios (two sides over :data:`N_DAYS` days, ``n`` events per side on average):

- ``independent_poisson``: two independent Poisson processes with constant rates;
- ``shared_trend``: both rates decline by 60% over the span, no triggering;
- ``shared_daily_shocks``: one Gamma(1, 1) shock per day multiplies both sides' rates (the
  same news, the same operation), no triggering;
- ``autocorrelated_rates``: each side's log-rate follows its own AR(1) (coefficient 0.9 a
  day, standard deviation 0.5), no link between the sides;
- ``self_excitation_only``: a day-dated Hawkes process with self-excitation 0.3 on each
  side and no cross term (the null of a cross-excitation test);
- ``planted_cross_0.2`` (power of the A->B tests): a day-dated Hawkes process where each A
  event triggers 0.2 B events (decay 0.5 a day), with self-excitation 0.2 on each side;
- ``planted_step_1.5`` (power of the tests of one side's rate): independent Poisson
  sides whose rates step up 1.5-fold at the midpoint of the span.

Tests (each calls the library's own function on the simulated sample):

- ``hawkes_cross_bootstrap`` / ``hawkes_cross_asymptotic``: the daily-count Hawkes
  cross-excitation test for A->B (:mod:`analysis.models.hawkes_daily`), parametric
  bootstrap (warp-speed) or chi-bar-square p-value;
- ``reaction_events_joint`` / ``reaction_incidence_joint``: the joint test that A's lag
  buckets are zero in B's reaction function (:func:`analysis.models.reaction.fit_reaction`,
  daily counts, fixed effects, HAC score test), outcome events or incidence; its p-value
  is the library's, from 99 time shifts of A's series (purged of its same-day
  association with B's);
- ``granger_weekly``: the Granger F test of A->B on weekly counts with 2 lags
  (:func:`analysis.models.granger.granger_tests`, the models report's default);
- ``var_granger``: the Granger F test of A->B inside the daily VAR
  (:func:`analysis.models.var.fit_var`), its p-value from time shifts of A's series;
- ``changepoint_scan``: the calibrated change-point scan of side B's weekly counts
  (:func:`analysis.models.changepoints.scan_segment`, 199 sieve-bootstrap replicates);
  "A->B" does not apply: a replicate rejects when the scan finds a change in B's series;
- ``rate_block`` / ``rate_exact_poisson``: B's event rate after vs before the midpoint
  (:func:`analysis.models.casualties.dyad_rate_tests`): the rate ratio with each side's
  long-run variance from its slowest cosine waves, as the reports use it
  (:func:`analysis.models.casualties.rate_change_test`), and the exact Poisson test kept
  for comparison. The code keeps its name ``rate_block`` from the test's earlier form
  (quasi-Poisson on 28-day blocks) so its results stay in the same files.

The two tests of one side's rate (change points, rate comparison) are measured on side B
under every null scenario except ``shared_trend`` (a trend is a change in rate, so it is
not a null for them), and their power against ``planted_step_1.5``; the others are tests
of the direction ``A->B`` (does A's activity raise B's?), measured under all five null
scenarios and against ``planted_cross_0.2``. A test is registered with :func:`register`
as either

- ``kind="pvalue"``: ``f(sample, rng) -> p-value``, where ``sample`` is a :class:`Sample`
  (daily counts, and a :class:`~analysis.models.dyad.Dyad` built from them on demand);
  a replicate rejects when ``p < 0.05``; or
- ``kind="warp"``: ``f(sample, rng) -> (stat, bootstrap_stat)`` for tests calibrated by a
  bootstrap: the "warp-speed" design of Giacomini, Politis & White (2013) draws one
  bootstrap replicate per Monte Carlo replicate and rejects when the statistic exceeds
  the 95% quantile of the cell's bootstrap statistics; or
- ``kind="bound"``: a warp-speed test that is not a method but a ceiling (its function
  may return several null draws after the statistic): it knows the truth of the planted
  scenario (``oracle_cross_score``, :mod:`analysis.models.cross_bound`).
  It is left out of the routes, and ``power.csv`` gives its power as ``ceiling`` beside
  each test of the same planted effect.

A replicate whose fit fails (the library raises, or the statistic is not finite) is
counted under ``failures`` and not in the rejection rate.

Run ``python -m analysis.models.validation --help`` (or ``make validate``); results go to
``data/validation/`` as one CSV row per cell (rejections, replicates, Wilson interval,
failures, seconds, seed) and a JSON file with the design and timings. The study writes
after every cell, so a run stopped by its time budget keeps what it finished. After each
cell it also rewrites ``routes.csv`` (:func:`derive_routes`), the table from which
:mod:`analysis.models.routing` decides where each model runs, and ``power.csv``
(:func:`derive_power`), each test's power at 1,000 events per side by span and the span it
needs for 80%, which the pages quote when a test finds nothing.

Spans: ``--n-days`` takes one span or several (500 days by default, the Iraq table's
length); with several, every cell is run at each span into the same files. Sizes are
measured over 500 days; power over 500, 1,000 and 2,000 days, since for a test of a
reaction the span, not the number of events, decides it (a busier period has more
background events as well as more triggered ones), and over 4,000 days for the tests that
need it (the reaction functions and the VAR, whose sizes are measured there too).

``oracle_cross_score`` is the ceiling: the power against ``planted_cross_0.2`` of a test
that knows the planted kernel (:mod:`analysis.models.cross_bound`); no test of lags of one
day or more can do better, and over 500 days it stays below 80%.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.files import atomic_write_text
from analysis.models import (
    calendar,
    casualties,
    chance,
    changepoints,
    cross_bound,
    granger,
    hawkes_daily,
    pairing,
    reaction,
    surrogates,
    var,
)
from analysis.models.dyad import Dyad, select_dyad
from analysis.models.fitting import FitFailed
from analysis.models.hawkes import simulate_hawkes

N_DAYS = 500
SIZES = (50, 200, 1000, 5000)
NULL_SCENARIOS = (
    "independent_poisson",
    "shared_trend",
    "shared_daily_shocks",
    "autocorrelated_rates",
    "self_excitation_only",
)
#: Null scenarios of a test of one side's rate over time (change points, rate comparison):
#: a shared trend IS a change in rate, so it is not a null for them.
RATE_NULL_SCENARIOS = (
    "independent_poisson",
    "shared_daily_shocks",
    "autocorrelated_rates",
    "self_excitation_only",
)
#: Factor of the planted step in rate (after the midpoint over before).
STEP_RATIO = 1.5
#: The planted cross-excitation (``planted_cross_0.2``): A events trigger this many B
#: events each, every kernel decays at this rate a day, and each side excites itself this
#: much. The oracle of :mod:`analysis.models.cross_bound` is told the same numbers.
PLANTED_CROSS = 0.2
PLANTED_DECAY = 0.5
PLANTED_SELF = 0.2
POWER_SCENARIOS = ("planted_cross_0.2", f"planted_step_{STEP_RATIO}")
#: Band a test's size at 5% must stay in (inclusive) for the study to call it held.
SIZE_BAND = (0.02, 0.08)
LEVEL = 0.05
START = pd.Timestamp("2007-01-01")


@dataclass
class Sample:
    """One simulated dyad: daily counts (side A first) from :data:`START`."""

    counts: np.ndarray

    def daily(self, knot_days: float | None = None) -> hawkes_daily.DailyCounts:
        """Daily counts with a linear-spline baseline, as the Hawkes model uses them."""
        days = [np.repeat(np.arange(len(self.counts)), self.counts[:, i]) for i in (0, 1)]
        return hawkes_daily.counts_from_days(
            days[0], days[1], len(self.counts), knot_days=knot_days
        )

    @cached_property
    def hawkes_data(self) -> hawkes_daily.DailyCounts:
        """The design the Hawkes fit settles on (:func:`hawkes_daily.fit_adaptive`)."""
        return hawkes_daily.fit_adaptive(self.daily, with_cov=False)[0]

    @property
    def frame(self) -> pd.DataFrame:
        """Daily counts as :func:`calendar.period_counts` gives them (``period, A, B``)."""
        days = START + pd.to_timedelta(np.arange(len(self.counts)), unit="D")
        return pd.DataFrame(
            {"period": days, "A": self.counts[:, 0] * 1.0, "B": self.counts[:, 1] * 1.0}
        )

    @cached_property
    def dyad(self) -> Dyad:
        """The counts as an event table of a dyad ``A`` / ``B`` (one row per event)."""
        rows = []
        for i, side in enumerate(("A", "B")):
            days = np.repeat(np.arange(len(self.counts)), self.counts[:, i])
            rows.append(
                pd.DataFrame(
                    {
                        "event_date": START + pd.to_timedelta(days, unit="D"),
                        "actor1_side": side,
                        "actor2_side": "B" if side == "A" else "A",
                    }
                )
            )
        events = pd.concat(rows, ignore_index=True)
        events["event_id"] = [f"e{k:07d}" for k in range(len(events))]
        end = (START + pd.Timedelta(days=len(self.counts) - 1)).date().isoformat()
        return select_dyad(events, "A", "B", START.date().isoformat(), end)


# --------------------------------------------------------------------------- scenarios


def hawkes_day_counts(mu, alpha, beta, n_days, rng) -> np.ndarray:
    """Daily counts ``(n_days, sides)`` of a multivariate Hawkes process with exponential
    kernels (:func:`analysis.models.hawkes.simulate_hawkes`: baselines ``mu`` per day,
    branching ``alpha[target, source]``, decay ``beta`` per day), seeded from ``rng``."""
    times = simulate_hawkes(mu, alpha, beta, float(n_days), seed=int(rng.integers(2**31)))
    return np.stack(
        [np.bincount(np.floor(t).astype(np.int64), minlength=n_days)[:n_days] for t in times],
        axis=1,
    )


def simulate(scenario: str, n: int, rng: np.random.Generator, n_days: int = N_DAYS) -> Sample:
    """Simulate one dyad of ``scenario`` with ``n`` expected events per side."""
    rate = n / n_days
    t = np.arange(n_days)
    if scenario == "independent_poisson":
        return Sample(rng.poisson(rate, size=(n_days, 2)))
    if scenario == "shared_trend":
        factor = 1.0 - 0.6 * t / (n_days - 1)
        lam = rate * factor / factor.mean()
        return Sample(rng.poisson(np.stack([lam, lam], axis=1)))
    if scenario == "shared_daily_shocks":
        shock = rng.gamma(1.0, 1.0, size=n_days)
        return Sample(rng.poisson(rate * np.stack([shock, shock], axis=1)))
    if scenario == "autocorrelated_rates":
        phi, sd = 0.9, 0.5
        z = np.empty((n_days, 2))
        z[0] = rng.normal(0.0, sd, size=2)
        eps = rng.normal(0.0, sd * math.sqrt(1 - phi**2), size=(n_days, 2))
        for k in range(1, n_days):
            z[k] = phi * z[k - 1] + eps[k]
        return Sample(rng.poisson(rate * np.exp(z - sd**2 / 2)))
    if scenario == "self_excitation_only":
        alpha = np.array([[0.3, 0.0], [0.0, 0.3]])
        return Sample(hawkes_day_counts([rate * 0.7, rate * 0.7], alpha, 0.5, n_days, rng))
    if scenario == "planted_cross_0.2":
        # alpha[target, source]: the A->B entry is the planted cross-excitation.
        alpha = np.array([[PLANTED_SELF, 0.0], [PLANTED_CROSS, PLANTED_SELF]])
        # Baselines giving n events per side in the stationary regime: r = (I - alpha)^-1 mu.
        mu = (np.eye(2) - alpha) @ np.array([rate, rate])
        return Sample(hawkes_day_counts(mu, alpha, PLANTED_DECAY, n_days, rng))
    if scenario == f"planted_step_{STEP_RATIO}":
        # Both sides' rates step up by STEP_RATIO at the midpoint, n events on average.
        after = t >= n_days // 2
        level = np.where(after, STEP_RATIO, 1.0)
        lam = rate * level / level.mean()
        return Sample(rng.poisson(np.stack([lam, lam], axis=1)))
    raise ValueError(f"unknown scenario {scenario!r}")


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class RegisteredTest:
    """A test in the study: ``func(sample, rng)`` returns a p-value or, for ``"warp"``,
    ``(statistic, one bootstrap statistic)``. ``null_scenarios`` are the scenarios its
    size is measured under, ``power_scenarios`` those with its planted effect."""

    name: str
    func: Callable
    kind: str = "pvalue"
    description: str = ""
    null_scenarios: tuple[str, ...] = NULL_SCENARIOS
    power_scenarios: tuple[str, ...] = ("planted_cross_0.2",)

    def role(self, scenario: str) -> str | None:
        """``"size"``, ``"power"``, or None when the scenario does not apply to the test."""
        if scenario in self.null_scenarios:
            return "size"
        if scenario in self.power_scenarios:
            return "power"
        return None


REGISTRY: dict[str, RegisteredTest] = {}
#: Kinds whose function returns ``(statistic, bootstrap statistic)`` (warp-speed design).
WARP_KINDS = ("warp", "bound")


def register(
    name: str,
    func: Callable,
    kind: str = "pvalue",
    description: str = "",
    *,
    null_scenarios: tuple[str, ...] = NULL_SCENARIOS,
    power_scenarios: tuple[str, ...] = ("planted_cross_0.2",),
) -> None:
    """Add a test to the study (``kind`` ``"pvalue"`` or ``"warp"``; see the module doc).

    By default a test is of the direction A->B: its size is measured under
    :data:`NULL_SCENARIOS` and its power against ``planted_cross_0.2``; a test of one
    side's rate passes :data:`RATE_NULL_SCENARIOS` and the planted step instead.
    """
    if kind not in ("pvalue", "warp", "bound"):
        raise ValueError(f"kind must be 'pvalue', 'warp' or 'bound', not {kind!r}")
    REGISTRY[name] = RegisteredTest(
        name, func, kind, description, tuple(null_scenarios), tuple(power_scenarios)
    )


def _hawkes_warp(sample: Sample, rng: np.random.Generator) -> tuple[float, float]:
    return hawkes_daily.warp_cross_statistics(sample.hawkes_data, "A->B", rng)


def _hawkes_asymptotic(sample: Sample, rng: np.random.Generator) -> float:
    stat, *_ = hawkes_daily.cross_statistic(sample.hawkes_data, "A->B")
    # Chi-bar-square 0.5 chi2_0 + 0.5 chi2_1; P(chi2_1 > s) = erfc(sqrt(s / 2)).
    return 0.5 * math.erfc(math.sqrt(stat / 2.0)) if stat > 0 else 1.0


#: Time shifts per replicate of the reaction-function test (the library's default, which
#: the reports use).
REACTION_SHIFTS = reaction.SHIFT_REPS


def _reaction_test(outcome: str) -> Callable:
    """The joint test of A's lag buckets in B's reaction function (daily, fixed effects),
    p-value from :data:`REACTION_SHIFTS` time shifts of A's series."""

    def test(sample: Sample, rng: np.random.Generator) -> float:
        fit = reaction.fit_reaction(
            sample.frame,
            "B",
            outcome=outcome,
            shift_reps=REACTION_SHIFTS,
            seed=int(rng.integers(2**31)),
        )
        return fit["wald_other"]["p_value"]

    return test


def _granger(sample: Sample, rng: np.random.Generator) -> float:
    p = granger.granger_tests(sample.dyad, freq="W", lags=2)["A->B"]["p_value"]
    if not np.isfinite(p):
        raise ValueError("degenerate Granger regression")
    return float(p)


def _var_granger(sample: Sample, rng: np.random.Generator) -> float:
    tests = var.var_granger_tests(sample.frame, seed=int(rng.integers(2**31)))
    return float(tests["granger"]["A->B"]["p_value"])


def _changepoint_scan(sample: Sample, rng: np.random.Generator) -> float:
    # Side B's weekly counts; the first scan of calibrated_segmentation finds a change
    # exactly when its p-value is below the level. Too few events: no scan, no change.
    y = calendar.period_counts(sample.dyad, freq="W")["B"].to_numpy(float)
    found = changepoints.scan_segment(y, reps=199, seed=int(rng.integers(2**31)))
    return 1.0 if found is None else float(found["p_value"])


def _rate_test(method: str) -> Callable:
    def test(sample: Sample, rng: np.random.Generator) -> float:
        # Side B's events, after vs before the midpoint of the span.
        res = casualties.dyad_rate_tests(sample.dyad)["B"]["events"]
        p = res["p_value"] if method == "block" else res["exact_poisson"]["p_value"]
        if p is None:
            raise ValueError(res.get("p_value_reason") or "no p-value")
        return float(p)

    return test


register(
    "hawkes_cross_bootstrap",
    _hawkes_warp,
    "warp",
    "daily-count Hawkes, quasi-likelihood ratio for A->B, parametric bootstrap from the "
    "constrained fit with its daily shocks",
)
register(
    "hawkes_cross_asymptotic",
    _hawkes_asymptotic,
    "pvalue",
    "daily-count Hawkes, quasi-likelihood ratio for A->B, chi-bar-square p-value",
)
register(
    "reaction_events_joint",
    _reaction_test("events"),
    "pvalue",
    "reaction function of B's daily event counts (negative binomial, month-year and "
    "day-of-week fixed effects): HAC-robust score test of A's lag buckets 1, 2-7, 8-14 "
    "days, p-value from 99 time shifts of A's series (purged of its same-day association "
    "with B's)",
)
register(
    "reaction_incidence_joint",
    _reaction_test("incidence"),
    "pvalue",
    "reaction function of whether B acts each day (linear probability, same design): "
    "HAC-robust score test of A's lag buckets, p-value from 99 time shifts of A's series "
    "(purged of its same-day association with B's)",
)
register(
    "granger_weekly",
    _granger,
    "pvalue",
    "Granger F test that A's weekly counts (2 lags) predict B's",
)
register(
    "var_granger",
    _var_granger,
    "pvalue",
    "Granger F test of A->B in the daily VAR (lag order by BIC, month-year and day-of-week "
    "fixed effects), p-value from 99 time shifts of A's series",
)
#: Draws of the oracle's statistic under its exact null per replicate: the bound is cheap,
#: and 9 draws a replicate (4,500 a cell) hold the critical value's own noise to about
#: 0.03 in z, a point of power, against about 3 points with one draw.
ORACLE_NULL_DRAWS = 9


def _oracle_cross(sample: Sample, rng: np.random.Generator) -> np.ndarray:
    # The score statistic, then draws of it under the planted scenario's exact null: the
    # observed A with a B simulated from B's own law without the cross term (a Hawkes
    # process with the true self-excitation and decay, at B's observed rate). Under no
    # reaction B is independent of A, so these follow the statistic's null distribution.
    a, b = sample.counts[:, 0], sample.counts[:, 1]
    out = [cross_bound.oracle_score_test(a, b, PLANTED_DECAY, PLANTED_SELF)["z"]]
    alpha = np.array([[0.0, 0.0], [0.0, PLANTED_SELF]])
    mu = [1e-12, b.mean() * (1.0 - PLANTED_SELF)]
    for _ in range(ORACLE_NULL_DRAWS):
        null = hawkes_day_counts(mu, alpha, PLANTED_DECAY, len(b), rng)[:, 1]
        out.append(cross_bound.oracle_score_test(a, null, PLANTED_DECAY, PLANTED_SELF)["z"])
    return np.array(out)


register(
    "oracle_cross_score",
    _oracle_cross,
    "bound",
    "a ceiling, not a method: one-sided score test of A->B at lags of one day or more in "
    f"B's daily Poisson model that knows the planted kernel (decay {PLANTED_DECAY:g} a day) "
    f"and B's self-excitation ({PLANTED_SELF:g}), B's baseline level estimated; critical "
    "value from the exact null (B simulated without the cross term, warp-speed)",
    null_scenarios=("independent_poisson", "self_excitation_only"),
)
register(
    "changepoint_scan",
    _changepoint_scan,
    "pvalue",
    "change-point scan of B's weekly counts (sieve-bootstrap p-value of the best split, 199 "
    "replicates): rejects when it finds a change",
    null_scenarios=RATE_NULL_SCENARIOS,
    power_scenarios=(f"planted_step_{STEP_RATIO}",),
)
register(
    "rate_block",
    _rate_test("block"),
    "pvalue",
    "B's event rate after vs before the midpoint: rate ratio with each side's long-run "
    "variance from its slowest cosine waves (half-periods of 56 days or more), t test",
    null_scenarios=RATE_NULL_SCENARIOS,
    power_scenarios=(f"planted_step_{STEP_RATIO}",),
)
register(
    "rate_exact_poisson",
    _rate_test("exact"),
    "pvalue",
    "B's event rate after vs before the midpoint: exact conditional Poisson test (kept "
    "for comparison; assumes independent events)",
    null_scenarios=RATE_NULL_SCENARIOS,
    power_scenarios=(f"planted_step_{STEP_RATIO}",),
)


#: Horizon of the lag test and window of the pairing test (days), and their surrogates.
CHANCE_DAYS = 3
CHANCE_SURROGATES = 99


def _event_days(sample: Sample) -> tuple[np.ndarray, np.ndarray, float, float]:
    """A's and B's event days and the span's first and last day, in days since 1970."""
    n_days = len(sample.counts)
    first = float((START - pd.Timestamp("1970-01-01")).days)
    x, y = (first + np.repeat(np.arange(n_days), sample.counts[:, i]) for i in (0, 1))
    return x.astype(float), y.astype(float), first, first + n_days - 1


def _lag_surrogate(sample: Sample, rng: np.random.Generator) -> float:
    x, y, first, last = _event_days(sample)
    _, blocks = surrogates.span_blocks(first, last)
    return chance.followed_test(x, y, CHANCE_DAYS, first, blocks, CHANCE_SURROGATES, rng)


def _pairing_surrogate(sample: Sample, rng: np.random.Generator) -> float:
    x, y, first, last = _event_days(sample)
    seed = int(rng.integers(2**31))
    res = pairing.permutation_null(x, y, CHANCE_DAYS, first, last, CHANCE_SURROGATES, seed)
    return res["p_value"]


register(
    "lag_surrogate",
    _lag_surrogate,
    "pvalue",
    f"share of A's events followed by a B event 1-{CHANCE_DAYS} days later, against "
    f"{CHANCE_SURROGATES} within-month day permutations of B",
)
register(
    "pairing_surrogate",
    _pairing_surrogate,
    "pvalue",
    f"one-to-one window pairs A->B within {CHANCE_DAYS} days, against {CHANCE_SURROGATES} "
    "within-month day permutations of B",
)


# --------------------------------------------------------------------------- study


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson 95% interval of a binomial proportion."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def cell_seed(seed: int, test: str, scenario: str, n: int) -> int:
    """Seed of one cell, recorded in the results: replicate ``r`` uses
    ``numpy.random.default_rng([cell_seed, r])``."""
    key = zlib.crc32(f"{test}|{scenario}|{n}".encode())
    return int(np.random.SeedSequence([seed, key]).generate_state(1)[0])


@dataclass
class Cell:
    """The replicates run so far of one (test, scenario, size) cell."""

    test: RegisteredTest
    scenario: str
    n: int
    reps: int
    seed: int
    n_days: int = N_DAYS
    next_rep: int = 0
    failures: int = 0
    seconds: float = 0.0
    #: Replicates and rejections carried over from an earlier run (p-value tests only).
    carried_done: int = 0
    carried_rejections: int = 0

    def __post_init__(self) -> None:
        self.cseed = cell_seed(self.seed, self.test.name, self.scenario, self.n) + self.n_days
        self.values: list[float] = []
        self.boots: list[float] = []

    @property
    def complete(self) -> bool:
        """True when every replicate has been run."""
        return self.next_rep >= self.reps

    def advance(self, upto: int, deadline: float) -> None:
        """Run replicates up to index ``upto`` (exclusive) or until ``deadline``
        (``time.monotonic()`` value). Replicate ``r`` always uses the same seed, so a cell
        run in several steps equals one run at once."""
        t0 = time.monotonic()
        for r in range(self.next_rep, min(upto, self.reps)):
            if time.monotonic() > deadline:
                break
            self.next_rep = r + 1
            rng = np.random.default_rng([self.cseed, r])
            sample = simulate(self.scenario, self.n, rng, self.n_days)
            if min(sample.counts.sum(axis=0)) == 0:
                self.failures += 1
                continue
            try:
                out = self.test.func(sample, rng)
            except (ValueError, FloatingPointError, np.linalg.LinAlgError, FitFailed):
                self.failures += 1
                continue
            if not np.all(np.isfinite(np.asarray(out, float))):
                self.failures += 1  # a degenerate statistic: counted as a failure, not a value
                continue
            if self.test.kind in WARP_KINDS:
                self.values.append(out[0])
                self.boots.extend(np.ravel(out[1:]))  # a bound may give several draws
            else:
                self.values.append(out)
        self.seconds += time.monotonic() - t0

    def row(self) -> dict:
        """The cell's results row."""
        done = len(self.values) + self.carried_done
        if self.test.kind in WARP_KINDS and done:
            crit = float(np.quantile(self.boots, 1 - LEVEL))
            rejections = int(np.sum(np.asarray(self.values) > crit))
        else:
            crit = math.nan
            rejections = int(np.sum(np.asarray(self.values) < LEVEL)) if self.values else 0
            rejections += self.carried_rejections
        lo, hi = wilson(rejections, done)
        role = self.test.role(self.scenario)
        return {
            "test": self.test.name,
            "kind": self.test.kind,
            "scenario": self.scenario,
            "role": role or ("power" if self.scenario in POWER_SCENARIOS else "size"),
            "events_per_side": self.n,
            "n_days": self.n_days,
            "reps_target": self.reps,
            "reps_done": done,
            "failures": self.failures,
            "rejections": rejections,
            "rejection_rate": rejections / done if done else math.nan,
            "ci_low": lo,
            "ci_high": hi,
            "critical_value": crit,
            "seconds": round(self.seconds, 2),
            "cell_seed": self.cseed,
        }


def run_cell(
    test: RegisteredTest,
    scenario: str,
    n: int,
    reps: int,
    seed: int,
    deadline: float,
    n_days: int = N_DAYS,
) -> dict:
    """Run up to ``reps`` replicates of one (test, scenario, size) cell before
    ``deadline`` (``time.monotonic()`` value)."""
    cell = Cell(test, scenario, n, reps, seed, n_days)
    cell.advance(reps, deadline)
    return cell.row()


#: Replicates added to every unfinished cell per round when the budget is shared.
ROUND = 50


def run_study(
    out_dir: str,
    *,
    tests: tuple[str, ...] = ("hawkes_cross_bootstrap",),
    scenarios: tuple[str, ...] = NULL_SCENARIOS + POWER_SCENARIOS,
    sizes: tuple[int, ...] = SIZES,
    reps: int = 500,
    seed: int = 20261130,
    budget_seconds: float = math.inf,
    name: str = "validation",
    n_days: int | tuple[int, ...] = N_DAYS,
    share_budget: bool = False,
    resume: bool = False,
) -> pd.DataFrame:
    """Run every (test, scenario, size, span) cell and write ``{name}.csv`` and
    ``{name}.json`` under ``out_dir`` after each cell. Cells not started before the budget
    runs out are listed with ``reps_done = 0``.

    ``n_days`` is one span or several (days per simulated dyad): with several, every
    (test, scenario, size) cell is run at each span, into the same files (the ``n_days``
    column tells them apart). Power is governed by the span as much as by the events: a
    Hawkes process's background grows with the rate as fast as its triggered events do,
    so at a fixed branching ratio the evidence grows with the number of days.

    With ``share_budget`` the cells are run in rounds of :data:`ROUND` replicates each,
    so that a budget too short for ``reps`` everywhere leaves every cell with about as
    many replicates as fit (the results are the same as in one go: each replicate has
    its own seed). With ``resume`` the cells of an earlier ``{name}.csv`` outside this
    run's selection are kept as they are, the cells inside it that reached ``reps`` are
    kept and not run again, and its unfinished cells of p-value tests go on
    from their next replicate (an unfinished bootstrap cell is kept as it is: its
    statistics are not stored); the hours of the earlier run are added to this one's.
    """
    spans = (int(n_days),) if np.ndim(n_days) == 0 else tuple(int(d) for d in n_days)
    os.makedirs(out_dir, exist_ok=True)
    start = time.monotonic()
    deadline = start + budget_seconds
    kept, partial, earlier, prior_hours = {}, {}, {}, 0.0
    csv_path = os.path.join(out_dir, f"{name}.csv")
    if resume and os.path.exists(csv_path):
        old = pd.read_csv(csv_path)
        for row in old.to_dict("records"):
            key = (
                row["test"],
                row["scenario"],
                int(row["events_per_side"]),
                int(row.get("n_days", N_DAYS)),
            )
            earlier[key] = row
            if row["reps_done"] >= reps:
                kept[key] = row
            elif row["kind"] == "pvalue" and row["reps_done"] > 0:
                partial[key] = row
            elif row["reps_done"] > 0:
                kept[key] = row  # a bootstrap cell's statistics are gone: kept as it is
        with open(os.path.join(out_dir, f"{name}.json"), encoding="utf-8") as handle:
            prior_hours = float(json.load(handle).get("elapsed_hours", 0.0))

    def slot(t: str, sc: str, n: int, days: int) -> dict | Cell:
        if (t, sc, n, days) in kept:
            return kept[(t, sc, n, days)]
        cell = Cell(REGISTRY[t], sc, n, reps, seed, days)
        row = partial.get((t, sc, n, days))
        if row is not None:
            # A p-value cell goes on from the replicate after the last one it tried.
            cell.carried_done = int(row["reps_done"])
            cell.carried_rejections = int(row["rejections"])
            cell.failures = int(row["failures"])
            cell.next_rep = cell.carried_done + cell.failures
            cell.seconds = float(row["seconds"])
        return cell

    slots: list[dict | Cell] = [
        slot(t, sc, n, days)
        for t in tests
        for days in spans
        for n in sizes
        for sc in scenarios
        if REGISTRY[t].role(sc) is not None
    ]

    # A resumed run of a few tests keeps the file's other cells: one results file may hold
    # cells run by several invocations.
    chosen = {
        (t, sc, n, days)
        for t in tests
        for days in spans
        for n in sizes
        for sc in scenarios
        if REGISTRY[t].role(sc) is not None
    }
    outside = [row for key, row in earlier.items() if key not in chosen]

    def write() -> None:
        rows = outside + [s if isinstance(s, dict) else s.row() for s in slots]
        _write(out_dir, name, rows, tests, scenarios, sizes, reps, seed, start, spans, prior_hours)

    cells = [s for s in slots if isinstance(s, Cell)]
    step = ROUND if share_budget else reps
    upto = 0
    while any(not c.complete for c in cells) and time.monotonic() <= deadline:
        upto += step
        for cell in cells:
            if not cell.complete:
                cell.advance(upto, deadline)
                write()
    write()
    return pd.DataFrame([s if isinstance(s, dict) else s.row() for s in slots])


#: Plain words for each scenario, as the pages say them.
SCENARIO_WORDS = {
    "independent_poisson": "the two sides are independent and steady",
    "shared_trend": "both sides follow the same trend",
    "shared_daily_shocks": "both sides react to the same daily shocks",
    "autocorrelated_rates": "each side's rate drifts slowly on its own",
    "self_excitation_only": "each side's events trigger more of its own only",
    "planted_cross_0.2": "each event of the first side triggers 0.2 of the second's",
    f"planted_step_{STEP_RATIO}": f"the rate steps up {STEP_RATIO:g}-fold halfway",
}
#: Fewest replicates in a null cell for the routes to use it.
MIN_ROUTE_REPS = 50
#: Replicates from which a cell's rate is judged against the band by itself.
DECISIVE_REPS = 200
ROUTES_FILE = "routes.csv"


def read_results(out_dir: str) -> pd.DataFrame:
    """Every results table of the study under ``out_dir`` (all ``*.csv`` but the routes),
    one row per cell."""
    frames = [
        pd.read_csv(os.path.join(out_dir, f))
        for f in sorted(os.listdir(out_dir))
        if f.endswith(".csv") and f not in (ROUTES_FILE, POWER_FILE)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def test_kinds(results: pd.DataFrame) -> pd.Series:
    """Each row's test kind (``"pvalue"`` where a table has no ``kind`` column)."""
    if "kind" in results:
        return results["kind"]
    return pd.Series("pvalue", index=results.index)


def derive_routes(results: pd.DataFrame, n_days: int = N_DAYS) -> pd.DataFrame:
    """Smallest size at which each test holds its size, from the study's results.

    A test **holds** at a size when every null scenario it is measured under has a cell
    with at least :data:`MIN_ROUTE_REPS` replicates and none rejects more often than the
    top of :data:`SIZE_BAND`. A cell with fewer than :data:`DECISIVE_REPS` replicates has
    a rate too uncertain to judge by itself against 8% (about 5 points either way at 100
    replicates): it stops the test only when its whole Wilson interval lies above 8%, and
    the size is marked **provisional**. A size below the bottom of the band is
    **conservative**: the test rejects less often than it says (it loses power, not trust).
    ``min_events`` is the smallest size measured from which the test holds, and is not
    conservative in a cell of :data:`DECISIVE_REPS` replicates or more, at every larger
    size measured (empty when that fails at the largest): a route then allows only sizes
    at which the size was measured inside the band.

    Returns
    -------
    One row per test and size: ``test, n_days, events_per_side, reps, scenarios,
    held, provisional, conservative, worst_scenario, worst_rate, worst_words,
    lowest_scenario, lowest_rate, min_events``; the worst scenario is the one that stops
    the test when one does, else the one with the highest rate.
    """
    cols = [
        "test",
        "n_days",
        "events_per_side",
        "reps",
        "scenarios",
        "held",
        "provisional",
        "conservative",
        "worst_scenario",
        "worst_rate",
        "worst_words",
        "lowest_scenario",
        "lowest_rate",
        "min_events",
    ]
    if results.empty:
        return pd.DataFrame(columns=cols)
    done = results[
        (results["role"] == "size")
        & (results["n_days"] == n_days)
        & (results["reps_done"] >= MIN_ROUTE_REPS)
        & (test_kinds(results) != "bound")  # a ceiling, not a model a dyad runs
    ]
    rows = []
    for (tname, n), cell in done.groupby(["test", "events_per_side"], sort=True):
        expected = REGISTRY[tname].null_scenarios if tname in REGISTRY else ()
        measured = set(cell["scenario"])
        too_high = (cell["rejection_rate"] > SIZE_BAND[1]) & (
            (cell["reps_done"] >= DECISIVE_REPS) | (cell["ci_low"] > SIZE_BAND[1])
        )
        failing = cell[too_high]
        pool = failing if len(failing) else cell
        worst = pool.loc[pool["rejection_rate"].idxmax()]
        lowest = cell.loc[cell["rejection_rate"].idxmin()]
        complete = all(sc in measured for sc in expected)
        rows.append(
            {
                "test": tname,
                "n_days": n_days,
                "events_per_side": int(n),
                "reps": int(cell["reps_done"].min()),
                "scenarios": len(measured),
                "held": bool(complete and not len(failing)),
                "provisional": bool(cell["reps_done"].min() < DECISIVE_REPS),
                "conservative": bool(lowest["rejection_rate"] < SIZE_BAND[0]),
                "worst_scenario": worst["scenario"],
                "worst_rate": round(float(worst["rejection_rate"]), 4),
                "worst_words": SCENARIO_WORDS.get(worst["scenario"], worst["scenario"]),
                "lowest_scenario": lowest["scenario"],
                "lowest_rate": round(float(lowest["rejection_rate"]), 4),
            }
        )
    table = pd.DataFrame(rows, columns=cols[:-1])
    table["min_events"] = pd.array([pd.NA] * len(table), dtype="Int64")
    for tname, part in table.groupby("test"):
        part = part.sort_values("events_per_side")
        inside = part["held"] & ~(part["conservative"] & ~part["provisional"])
        held = inside.to_numpy()
        sizes = part["events_per_side"].to_numpy()
        # Smallest size from which every larger size measured holds.
        first = None
        for k in range(len(sizes) - 1, -1, -1):
            if not held[k]:
                break
            first = int(sizes[k])
        if first is not None:
            table.loc[table["test"] == tname, "min_events"] = first
    return table[cols]


#: Events per side at which power is required, and the power required there.
POWER_EVENTS = 1000
POWER_TARGET = 0.8
#: Fewest replicates in a power cell for the power table to use it.
MIN_POWER_REPS = 50
POWER_FILE = "power.csv"


def derive_power(results: pd.DataFrame, events: int = POWER_EVENTS) -> pd.DataFrame:
    """Power of each test against its planted effect at ``events`` per side, by span,
    and the span it needs to reach :data:`POWER_TARGET`.

    ``span_needed`` is the shortest span measured from which the test's power reaches the
    target at every longer span measured (empty when it does not reach it at the longest);
    it is the same on each row of a test. When a cell was run in more than one results
    file, the one with the most replicates is used.

    ``ceiling`` is the power of a ``kind="bound"`` entry (the oracle that knows the truth)
    against the same planted effect at the same span, and ``ceiling_analytic`` its
    analytic approximation (:func:`analysis.models.cross_bound.power_bound`, for the
    planted cross-excitation); empty where there is none. The bound has rows of its own
    too (its ``kind`` column says ``bound``; the tests' say ``test``).

    Returns
    -------
    One row per test and span: ``test, kind, scenario, effect_words, events_per_side,
    n_days, reps, power, ci_low, ci_high, span_needed, ceiling, ceiling_analytic``.
    """
    cols = [
        "test",
        "kind",
        "scenario",
        "effect_words",
        "events_per_side",
        "n_days",
        "reps",
        "power",
        "ci_low",
        "ci_high",
        "span_needed",
        "ceiling",
        "ceiling_analytic",
    ]
    if results.empty:
        return pd.DataFrame(columns=cols)
    part = results[
        (results["role"] == "power")
        & (results["events_per_side"] == events)
        & (results["reps_done"] >= MIN_POWER_REPS)
    ]
    part = part.sort_values("reps_done", kind="stable").drop_duplicates(
        ["test", "scenario", "events_per_side", "n_days"], keep="last"
    )
    table = pd.DataFrame(
        {
            "test": part["test"],
            "kind": np.where(test_kinds(part) == "bound", "bound", "test"),
            "scenario": part["scenario"],
            "effect_words": part["scenario"].map(lambda sc: SCENARIO_WORDS.get(sc, sc)),
            "events_per_side": part["events_per_side"].astype(int),
            "n_days": part["n_days"].astype(int),
            "reps": part["reps_done"].astype(int),
            "power": part["rejection_rate"].round(4),
            "ci_low": part["ci_low"].round(4),
            "ci_high": part["ci_high"].round(4),
        }
    ).sort_values(["test", "n_days"])
    table["span_needed"] = pd.array([pd.NA] * len(table), dtype="Int64")
    for tname, rows in table.groupby("test"):
        needed = None
        for days, power in zip(rows["n_days"][::-1], rows["power"][::-1], strict=True):
            if power < POWER_TARGET:
                break
            needed = int(days)
        if needed is not None:
            table.loc[table["test"] == tname, "span_needed"] = needed
    bound = table[table["kind"] == "bound"].set_index(["scenario", "n_days"])["power"]
    keys = list(zip(table["scenario"], table["n_days"], strict=True))
    table["ceiling"] = [bound.get(k, math.nan) for k in keys]
    table["ceiling_analytic"] = [
        round(planted_cross_bound(int(d), events)["power"], 4)
        if sc == "planted_cross_0.2"
        else math.nan
        for sc, d in keys
    ]
    return table[cols].reset_index(drop=True)


def planted_cross_bound(n_days: int, events: int = POWER_EVENTS) -> dict:
    """The analytic ceiling (:func:`analysis.models.cross_bound.power_bound`) on the power
    of a test of lags of one day or more against ``planted_cross_0.2`` with ``events`` per
    side over ``n_days``: A self-exciting (0.2), B Poisson given its past days."""
    return cross_bound.power_bound(
        PLANTED_CROSS,
        n_days,
        PLANTED_DECAY,
        events / n_days,
        self_excitation_a=PLANTED_SELF,
        level=LEVEL,
    )


def write_routes(out_dir: str) -> pd.DataFrame:
    """Derive the routes and the power by span from every results table under ``out_dir``
    and write ``routes.csv`` and ``power.csv`` there (what
    :mod:`analysis.models.routing` reads)."""
    results = read_results(out_dir)
    table = derive_routes(results)
    atomic_write_text(os.path.join(out_dir, ROUTES_FILE), table.to_csv(index=False))
    power = derive_power(results)
    atomic_write_text(os.path.join(out_dir, POWER_FILE), power.to_csv(index=False))
    return table


def _write(
    out_dir, name, rows, tests, scenarios, sizes, reps, seed, start, spans, prior_hours=0.0
) -> None:
    frame = pd.DataFrame(rows)
    atomic_write_text(os.path.join(out_dir, f"{name}.csv"), frame.to_csv(index=False))
    # The file may hold cells of earlier runs (resume): the design lists what it holds.
    tests = list(dict.fromkeys([*tests, *(r["test"] for r in rows)]))
    scenarios = list(dict.fromkeys([*scenarios, *(r["scenario"] for r in rows)]))
    sizes = sorted({*map(int, sizes), *(int(r["events_per_side"]) for r in rows)})
    spans = sorted({*map(int, spans), *(int(r["n_days"]) for r in rows)})
    meta = {
        "design": __doc__.split("\n\n")[0],
        "level": LEVEL,
        "n_days": spans[0] if len(spans) == 1 else list(spans),
        "tests": {t: REGISTRY[t].description if t in REGISTRY else "" for t in tests},
        "scenarios": list(scenarios),
        "sizes": list(sizes),
        "reps_target": reps,
        "seed": seed,
        "replicate_seed": "numpy.random.default_rng([cell_seed, replicate])",
        "elapsed_hours": round(prior_hours + (time.monotonic() - start) / 3600.0, 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores shared, niced",
        "cells_complete": int(sum(r["reps_done"] == reps for r in rows)),
        "cells": len(rows),
    }
    atomic_write_text(os.path.join(out_dir, f"{name}.json"), json.dumps(meta, indent=2) + "\n")
    write_routes(out_dir)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``python -m analysis.models.validation``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data/validation")
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--tests", nargs="+", default=["hawkes_cross_bootstrap"])
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--scenarios", nargs="+", default=list(NULL_SCENARIOS + POWER_SCENARIOS))
    parser.add_argument("--budget-hours", type=float, default=math.inf)
    parser.add_argument("--name", default="validation")
    parser.add_argument(
        "--n-days",
        nargs="+",
        type=int,
        default=[N_DAYS],
        help="span of each simulated dyad in days; several spans run every cell at each",
    )
    parser.add_argument(
        "--share-budget",
        action="store_true",
        help="give each cell its share of the budget left (every cell gets replicates)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the finished cells of an earlier run"
    )
    parser.add_argument(
        "--routes-only", action="store_true", help="only rewrite routes.csv from the results"
    )
    args = parser.parse_args(argv)
    if args.routes_only:
        write_routes(args.out)
        return
    run_study(
        args.out,
        tests=tuple(args.tests),
        scenarios=tuple(args.scenarios),
        sizes=tuple(args.sizes),
        reps=args.reps,
        seed=args.seed,
        budget_seconds=args.budget_hours * 3600.0,
        name=args.name,
        n_days=tuple(args.n_days),
        share_budget=args.share_budget,
        resume=args.resume,
    )


if __name__ == "__main__":
    main()
