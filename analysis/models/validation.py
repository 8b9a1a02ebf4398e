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
- ``planted_cross_0.2`` (power): a day-dated Hawkes process where each A event triggers
  0.2 B events (decay 0.5 a day), with self-excitation 0.2 on each side.

Every test is for the direction ``A->B`` (does A's activity raise B's?). A test is
registered with :func:`register` as either

- ``kind="pvalue"``: ``f(sample, rng) -> p-value``, where ``sample`` is a :class:`Sample`
  (daily counts, and a :class:`~analysis.models.dyad.Dyad` built from them on demand);
  a replicate rejects when ``p < 0.05``; or
- ``kind="warp"``: ``f(sample, rng) -> (stat, bootstrap_stat)`` for tests calibrated by a
  bootstrap: the "warp-speed" design of Giacomini, Politis & White (2013) draws one
  bootstrap replicate per Monte Carlo replicate and rejects when the statistic exceeds
  the 95% quantile of the cell's bootstrap statistics.

Run ``python -m analysis.models.validation --help`` (or ``make validate``); results go to
``data/validation/`` as one CSV row per cell (rejections, replicates, Wilson interval,
failures, seconds, seed) and a JSON file with the design and timings. The study writes
after every cell, so a run stopped by its time budget keeps what it finished.
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
from analysis.models import chance, hawkes_daily, pairing, surrogates
from analysis.models.dyad import Dyad, select_dyad
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
POWER_SCENARIOS = ("planted_cross_0.2",)
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


def _hawkes_counts(mu, alpha, beta, n_days, rng) -> np.ndarray:
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
        return Sample(_hawkes_counts([rate * 0.7, rate * 0.7], alpha, 0.5, n_days, rng))
    if scenario == "planted_cross_0.2":
        alpha = np.array([[0.2, 0.0], [0.2, 0.2]])  # alpha[target, source]: A->B = 0.2
        # Baselines giving n events per side in the stationary regime: r = (I - alpha)^-1 mu.
        mu = (np.eye(2) - alpha) @ np.array([rate, rate])
        return Sample(_hawkes_counts(mu, alpha, 0.5, n_days, rng))
    raise ValueError(f"unknown scenario {scenario!r}")


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class RegisteredTest:
    """A test in the study: ``func(sample, rng)`` returns a p-value or, for ``"warp"``,
    ``(statistic, one bootstrap statistic)``."""

    name: str
    func: Callable
    kind: str = "pvalue"
    description: str = ""


REGISTRY: dict[str, RegisteredTest] = {}


def register(name: str, func: Callable, kind: str = "pvalue", description: str = "") -> None:
    """Add a test to the study (``kind`` ``"pvalue"`` or ``"warp"``; see the module doc)."""
    if kind not in ("pvalue", "warp"):
        raise ValueError(f"kind must be 'pvalue' or 'warp', not {kind!r}")
    REGISTRY[name] = RegisteredTest(name, func, kind, description)


def _hawkes_warp(sample: Sample, rng: np.random.Generator) -> tuple[float, float]:
    return hawkes_daily.warp_cross_statistics(sample.hawkes_data, "A->B", rng)


def _hawkes_asymptotic(sample: Sample, rng: np.random.Generator) -> float:
    stat, *_ = hawkes_daily.cross_statistic(sample.hawkes_data, "A->B")
    # Chi-bar-square 0.5 chi2_0 + 0.5 chi2_1; P(chi2_1 > s) = erfc(sqrt(s / 2)).
    return 0.5 * math.erfc(math.sqrt(stat / 2.0)) if stat > 0 else 1.0


register(
    "hawkes_cross_bootstrap",
    _hawkes_warp,
    "warp",
    "daily-count Hawkes, quasi-likelihood ratio for A->B, parametric bootstrap from the "
    "constrained fit",
)
register(
    "hawkes_cross_asymptotic",
    _hawkes_asymptotic,
    "pvalue",
    "daily-count Hawkes, quasi-likelihood ratio for A->B, chi-bar-square p-value",
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
    cseed = cell_seed(seed, test.name, scenario, n) + n_days
    t0 = time.monotonic()
    values, boots, failures = [], [], 0
    for r in range(reps):
        if time.monotonic() > deadline:
            break
        rng = np.random.default_rng([cseed, r])
        sample = simulate(scenario, n, rng, n_days)
        if min(sample.counts.sum(axis=0)) == 0:
            failures += 1
            continue
        try:
            out = test.func(sample, rng)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):
            failures += 1
            continue
        if test.kind == "warp":
            values.append(out[0])
            boots.append(out[1])
        else:
            values.append(out)
    done = len(values)
    if test.kind == "warp" and done:
        crit = float(np.quantile(boots, 1 - LEVEL))
        rejections = int(np.sum(np.asarray(values) > crit))
    else:
        crit = math.nan
        rejections = int(np.sum(np.asarray(values) < LEVEL)) if done else 0
    lo, hi = wilson(rejections, done)
    return {
        "test": test.name,
        "kind": test.kind,
        "scenario": scenario,
        "role": "power" if scenario in POWER_SCENARIOS else "size",
        "events_per_side": n,
        "n_days": n_days,
        "reps_target": reps,
        "reps_done": done,
        "failures": failures,
        "rejections": rejections,
        "rejection_rate": rejections / done if done else math.nan,
        "ci_low": lo,
        "ci_high": hi,
        "critical_value": crit,
        "seconds": round(time.monotonic() - t0, 2),
        "cell_seed": cseed,
    }


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
    n_days: int = N_DAYS,
) -> pd.DataFrame:
    """Run every (test, scenario, size) cell and write ``{name}.csv`` and ``{name}.json``
    under ``out_dir`` after each cell. Cells not started before the budget runs out are
    listed with ``reps_done = 0``."""
    os.makedirs(out_dir, exist_ok=True)
    start = time.monotonic()
    deadline = start + budget_seconds
    rows = []
    for tname in tests:
        test = REGISTRY[tname]
        for n in sizes:
            for scenario in scenarios:
                rows.append(run_cell(test, scenario, n, reps, seed, deadline, n_days))
                _write(out_dir, name, rows, tests, scenarios, sizes, reps, seed, start, n_days)
    return pd.DataFrame(rows)


def _write(out_dir, name, rows, tests, scenarios, sizes, reps, seed, start, n_days) -> None:
    frame = pd.DataFrame(rows)
    atomic_write_text(os.path.join(out_dir, f"{name}.csv"), frame.to_csv(index=False))
    meta = {
        "design": __doc__.split("\n\n")[0],
        "level": LEVEL,
        "n_days": n_days,
        "tests": {t: REGISTRY[t].description for t in tests},
        "scenarios": list(scenarios),
        "sizes": list(sizes),
        "reps_target": reps,
        "seed": seed,
        "replicate_seed": "numpy.random.default_rng([cell_seed, replicate])",
        "elapsed_hours": round((time.monotonic() - start) / 3600.0, 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores shared, niced",
        "cells_complete": int(sum(r["reps_done"] == reps for r in rows)),
        "cells": len(rows),
    }
    atomic_write_text(os.path.join(out_dir, f"{name}.json"), json.dumps(meta, indent=2) + "\n")


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
    parser.add_argument("--n-days", type=int, default=N_DAYS)
    args = parser.parse_args(argv)
    run_study(
        args.out,
        tests=tuple(args.tests),
        scenarios=tuple(args.scenarios),
        sizes=tuple(args.sizes),
        reps=args.reps,
        seed=args.seed,
        budget_seconds=args.budget_hours * 3600.0,
        name=args.name,
        n_days=args.n_days,
    )


if __name__ == "__main__":
    main()
