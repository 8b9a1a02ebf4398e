"""The validation study: scenarios produce what they claim, the registry and the cell
logic count rejections correctly, and a reduced study of the Hawkes cross-excitation test
holds its size under the null scenarios (wide bands: a few dozen replicates)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.models import validation


def test_wilson_interval_known_values():
    # Wilson interval of 5/100 (textbook value 0.0215 to 0.1118).
    lo, hi = validation.wilson(5, 100)
    assert lo == pytest.approx(0.0215, abs=5e-4) and hi == pytest.approx(0.1118, abs=5e-4)
    assert all(math.isnan(v) for v in validation.wilson(0, 0))


@pytest.mark.parametrize("scenario", validation.NULL_SCENARIOS + validation.POWER_SCENARIOS)
def test_scenarios_have_the_requested_events_per_side(scenario):
    rng = np.random.default_rng(0)
    totals = np.array(
        [validation.simulate(scenario, 1000, rng).counts.sum(axis=0) for _ in range(10)]
    )
    np.testing.assert_allclose(totals.mean(axis=0), [1000, 1000], rtol=0.12)


def test_shared_trend_declines_by_sixty_percent():
    rng = np.random.default_rng(1)
    counts = sum(validation.simulate("shared_trend", 5000, rng).counts for _ in range(20))
    first, last = counts[:50].mean(axis=0), counts[-50:].mean(axis=0)
    np.testing.assert_allclose(last / first, 0.4 * 1.0 / (1 - 0.6 * 25 / 499), rtol=0.1)


def test_sample_as_dyad_keeps_every_event():
    sample = validation.Sample(np.array([[2, 0], [0, 1], [1, 3]]))
    dyad = sample.dyad
    assert dyad.counts() == {"A": 3, "B": 4}
    assert dyad.start == validation.START and len(dyad.events) == 7
    assert sample.daily().counts.tolist() == [[2, 0], [0, 1], [1, 3]]


def test_pvalue_test_registered_from_outside_is_counted(tmp_path):
    # A test whose p-value is uniform under any scenario rejects 5% of the time.
    validation.register("uniform", lambda sample, rng: float(rng.uniform()), "pvalue", "U(0,1)")
    try:
        frame = validation.run_study(
            str(tmp_path),
            tests=("uniform",),
            scenarios=("independent_poisson",),
            sizes=(50,),
            reps=400,
            seed=3,
            name="uniform",
        )
    finally:
        del validation.REGISTRY["uniform"]
    row = frame.iloc[0]
    assert row["reps_done"] == 400 and row["role"] == "size"
    assert 0.025 <= row["rejection_rate"] <= 0.08
    written = pd.read_csv(tmp_path / "uniform.csv")
    assert written["rejections"].iloc[0] == row["rejections"]
    meta = json.loads((tmp_path / "uniform.json").read_text())
    assert meta["reps_target"] == 400 and meta["cells_complete"] == 1


def test_warp_cells_use_the_bootstrap_quantile():
    calls = iter(range(1000))

    def fake(sample, rng):
        k = next(calls)
        return (float(k % 20 == 0) * 10.0, 1.0)  # 1 in 20 statistics above every bootstrap

    test = validation.RegisteredTest("fake", fake, "warp")
    row = validation.run_cell(test, "independent_poisson", 50, 100, 0, math.inf)
    assert row["critical_value"] == 1.0
    assert row["rejections"] == 5


def test_budget_stops_cells_and_says_so(tmp_path):
    frame = validation.run_study(
        str(tmp_path),
        scenarios=("independent_poisson",),
        sizes=(50,),
        reps=5,
        budget_seconds=0.0,
        name="none",
    )
    assert frame["reps_done"].iloc[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["independent_poisson", "shared_trend", "shared_daily_shocks"])
def test_hawkes_cross_test_size_reduced_study(scenario):
    test = validation.REGISTRY["hawkes_cross_bootstrap"]
    row = validation.run_cell(test, scenario, 200, 40, 11, math.inf)
    assert row["reps_done"] == 40
    # 40 replicates: at a true 5% the count of rejections is below 7 with probability 0.99.
    assert row["rejections"] <= 6


@pytest.mark.slow
def test_hawkes_cross_test_is_not_conservative_under_shared_daily_shocks():
    # Ten events a day on each side under one shared Gamma(1, 1) factor a day: with a
    # Poisson bootstrap world the test rejected 0.2% of 500 here (at most 1 of 100 with
    # probability 0.98); at a true 5%, 2 or more of 100 with probability 0.96.
    test = validation.REGISTRY["hawkes_cross_bootstrap"]
    row = validation.run_cell(test, "shared_daily_shocks", 5000, 100, 13, math.inf)
    assert row["reps_done"] == 100
    assert 2 <= row["rejections"] <= 12


@pytest.mark.slow
def test_hawkes_cross_test_power_reduced_study():
    test = validation.REGISTRY["hawkes_cross_bootstrap"]
    row = validation.run_cell(test, "planted_cross_0.2", 1000, 30, 12, math.inf, n_days=2000)
    assert row["rejection_rate"] >= 0.6


def test_planted_step_raises_the_rate_by_its_ratio_halfway():
    rng = np.random.default_rng(4)
    counts = sum(
        validation.simulate(f"planted_step_{validation.STEP_RATIO}", 2000, rng).counts
        for _ in range(10)
    )
    half = validation.N_DAYS // 2
    ratio = counts[half:].mean(axis=0) / counts[:half].mean(axis=0)
    np.testing.assert_allclose(ratio, [1.5, 1.5], rtol=0.05)


def test_a_rate_test_is_measured_under_its_own_scenarios(tmp_path):
    validation.register(
        "uniform_rate",
        lambda sample, rng: float(rng.uniform()),
        "pvalue",
        "U(0,1)",
        null_scenarios=validation.RATE_NULL_SCENARIOS,
        power_scenarios=(f"planted_step_{validation.STEP_RATIO}",),
    )
    try:
        frame = validation.run_study(
            str(tmp_path), tests=("uniform_rate",), sizes=(50,), reps=3, name="rate"
        )
    finally:
        del validation.REGISTRY["uniform_rate"]
    # Four nulls (no shared trend: a trend is a change in rate) and the planted step.
    assert set(frame["scenario"]) == {
        *validation.RATE_NULL_SCENARIOS,
        f"planted_step_{validation.STEP_RATIO}",
    }
    assert (frame.set_index("scenario")["role"] == "power").sum() == 1
    assert (tmp_path / "routes.csv").exists()


def test_resume_keeps_finished_cells_and_shared_budget_runs_every_cell(tmp_path):
    calls = []

    def counting(sample, rng):
        calls.append(1)
        return float(rng.uniform())

    validation.register("counting", counting, "pvalue", "U(0,1)")
    try:
        kwargs = dict(
            tests=("counting",), scenarios=("independent_poisson",), sizes=(50, 200), name="c"
        )
        validation.run_study(str(tmp_path), reps=5, **kwargs)
        assert len(calls) == 10
        frame = validation.run_study(str(tmp_path), reps=5, resume=True, **kwargs)
        assert len(calls) == 10 and frame["reps_done"].tolist() == [5, 5]
        frame = validation.run_study(
            str(tmp_path), reps=5, budget_seconds=60.0, share_budget=True, **kwargs
        )
        assert frame["reps_done"].tolist() == [5, 5]
    finally:
        del validation.REGISTRY["counting"]


# Reduced studies of each registered test: fixed seeds, a few dozen replicates, two
# independent Poisson sides (the simplest null). At a true 5%, 40 replicates give 7 or more
# rejections with probability 0.003.
CHEAP_TESTS = [
    "granger_weekly",
    "rate_block",
    "changepoint_scan",
    "reaction_incidence_joint",
]


@pytest.mark.parametrize("name", CHEAP_TESTS)
def test_registered_test_size_reduced_study(name):
    row = validation.run_cell(
        validation.REGISTRY[name], "independent_poisson", 200, 40, 21, math.inf
    )
    assert row["reps_done"] >= 38
    assert row["rejections"] <= 6


@pytest.mark.parametrize(("name", "floor"), [("rate_block", 0.8), ("changepoint_scan", 0.45)])
def test_rate_tests_find_a_planted_step(name, floor):
    # A 1.5-fold step at 1,000 events per side: roughly 12 events a week before, 18 after.
    # The rate comparison compares the two halves directly; the scan must also find the date,
    # and its sieve null loses power on moderate shifts (the full study has its power).
    test = validation.REGISTRY[name]
    step = f"planted_step_{validation.STEP_RATIO}"
    row = validation.run_cell(test, step, 1000, 20, 22, math.inf)
    assert row["role"] == "power" and row["rejection_rate"] >= floor


def test_exact_poisson_rate_test_over_rejects_on_drifting_rates():
    # Why the long-run variance is needed: a slowly drifting rate (log-rate AR(1), 0.9 a day, sd
    # 0.5) makes each half's total about ten times as variable as Poisson at 2 events a
    # day; the exact test ignores that and rejects about half the time.
    test = validation.REGISTRY["rate_exact_poisson"]
    row = validation.run_cell(test, "autocorrelated_rates", 1000, 30, 23, math.inf)
    assert row["rejection_rate"] >= 0.3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["reaction_events_joint", "var_granger"])
def test_model_tests_size_reduced_study(name):
    row = validation.run_cell(
        validation.REGISTRY[name], "shared_daily_shocks", 1000, 40, 24, math.inf
    )
    assert row["reps_done"] >= 38
    assert row["rejections"] <= 6


def test_resume_goes_on_from_the_next_replicate_of_a_pvalue_cell(tmp_path):
    # The p-value of replicate r depends on r only: a cell stopped after 3 replicates and
    # resumed to 8 must count exactly what one run of 8 counts.
    def by_replicate(sample, rng):
        return float(rng.uniform())

    validation.register("by_replicate", by_replicate, "pvalue", "U(0,1)")
    try:
        kwargs = dict(
            tests=("by_replicate",), scenarios=("independent_poisson",), sizes=(50,), seed=5
        )
        whole = validation.run_study(str(tmp_path / "a"), reps=40, name="w", **kwargs)
        validation.run_study(str(tmp_path / "b"), reps=15, name="p", **kwargs)
        frame = pd.read_csv(tmp_path / "b" / "p.csv")
        frame["reps_target"] = 40
        frame.to_csv(tmp_path / "b" / "p.csv", index=False)
        resumed = validation.run_study(
            str(tmp_path / "b"), reps=40, name="p", resume=True, **kwargs
        )
    finally:
        del validation.REGISTRY["by_replicate"]
    assert resumed["reps_done"].iloc[0] == whole["reps_done"].iloc[0] == 40
    assert resumed["rejections"].iloc[0] == whole["rejections"].iloc[0]


def test_several_spans_run_every_cell_at_each_into_one_file(tmp_path):
    seen = []

    def span_of(sample, rng):
        seen.append(len(sample.counts))
        return float(rng.uniform())

    validation.register("span_of", span_of, "pvalue", "U(0,1)")
    try:
        kwargs = dict(
            tests=("span_of",),
            scenarios=("independent_poisson", "planted_cross_0.2"),
            sizes=(200,),
            name="spans",
            n_days=(100, 300),
        )
        frame = validation.run_study(str(tmp_path), reps=4, **kwargs)
        again = validation.run_study(str(tmp_path), reps=4, resume=True, **kwargs)
    finally:
        del validation.REGISTRY["span_of"]
    # Two scenarios at two spans: four cells of four replicates, simulated at their span.
    assert sorted(frame["n_days"]) == [100, 100, 300, 300]
    assert sorted(seen) == [100] * 8 + [300] * 8  # the resumed run kept every cell
    assert (frame["reps_done"] == 4).all()
    assert len(again) == 4
    saved = pd.read_csv(tmp_path / "spans.csv")
    assert sorted(saved["n_days"]) == [100, 100, 300, 300]
    assert json.loads((tmp_path / "spans.json").read_text())["n_days"] == [100, 300]
    # The two spans' cells have their own seeds.
    assert saved["cell_seed"].nunique() == 4
    assert (tmp_path / "power.csv").exists()


def _power_cell(test, n_days, k, reps=500, n=1000, scenario="planted_cross_0.2"):
    lo, hi = validation.wilson(k, reps)
    return {
        "test": test,
        "scenario": scenario,
        "role": "power",
        "events_per_side": n,
        "n_days": n_days,
        "reps_done": reps,
        "rejection_rate": k / reps,
        "ci_low": lo,
        "ci_high": hi,
    }


def test_power_by_span_gives_the_shortest_span_from_which_power_reaches_80_percent():
    results = pd.DataFrame(
        [
            _power_cell("hawkes_cross_bootstrap", 500, 300),  # 60%
            _power_cell("hawkes_cross_bootstrap", 1000, 420),  # 84%
            _power_cell("hawkes_cross_bootstrap", 2000, 480),  # 96%
            # Reaches 80% at 1,000 days but not at 2,000: no span from which it holds.
            _power_cell("var_granger", 500, 100),
            _power_cell("var_granger", 1000, 410),
            _power_cell("var_granger", 2000, 390),
            # Other sizes and thin cells are not the power table's.
            _power_cell("granger_weekly", 500, 450, n=200),
            _power_cell("granger_weekly", 1000, 36, reps=40),
            # A cell run twice: the one with more replicates counts.
            _power_cell("changepoint_scan", 500, 90, reps=100, scenario="planted_step_1.5"),
            _power_cell("changepoint_scan", 500, 450, reps=500, scenario="planted_step_1.5"),
        ]
    )
    table = validation.derive_power(results)
    hawkes = table[table["test"] == "hawkes_cross_bootstrap"]
    assert hawkes["n_days"].tolist() == [500, 1000, 2000]
    assert hawkes["power"].tolist() == [0.6, 0.84, 0.96]
    assert set(hawkes["span_needed"]) == {1000}
    assert table.loc[table["test"] == "var_granger", "span_needed"].isna().all()
    assert "granger_weekly" not in set(table["test"])
    step = table[table["test"] == "changepoint_scan"].iloc[0]
    assert (step["reps"], step["power"], step["span_needed"]) == (500, 0.9, 500)
    assert step["effect_words"] == validation.SCENARIO_WORDS["planted_step_1.5"]


def test_resumed_run_of_one_test_keeps_the_other_tests_cells_of_its_file(tmp_path):
    def uniform(sample, rng):
        return float(rng.uniform())

    for name in ("first", "second"):
        validation.register(name, uniform, "pvalue", "U(0,1)")
    try:
        kwargs = dict(scenarios=("independent_poisson",), sizes=(50,), name="shared")
        validation.run_study(str(tmp_path), reps=3, tests=("first", "second"), **kwargs)
        validation.run_study(str(tmp_path), reps=6, tests=("second",), resume=True, **kwargs)
    finally:
        for name in ("first", "second"):
            del validation.REGISTRY[name]
    saved = pd.read_csv(tmp_path / "shared.csv").set_index("test")
    # The second test went on to 6 replicates; the first test's cell is still in the file.
    assert saved.loc["second", "reps_done"] == 6
    assert saved.loc["first", "reps_done"] == 3


def test_a_bound_gives_the_ceiling_beside_each_test_and_stays_out_of_the_routes():
    cells = [
        _power_cell("hawkes_cross_bootstrap", 500, 300),  # 60%
        _power_cell("hawkes_cross_bootstrap", 1000, 420),  # 84%
        {**_power_cell("oracle_cross_score", 500, 320), "kind": "bound"},  # 64%
        {**_power_cell("oracle_cross_score", 1000, 460), "kind": "bound"},  # 92%
        _power_cell("changepoint_scan", 500, 450, scenario="planted_step_1.5"),
    ]
    results = pd.DataFrame(cells)
    results["kind"] = results["kind"].fillna("pvalue")
    table = validation.derive_power(results).set_index(["test", "n_days"])
    assert table.loc[("hawkes_cross_bootstrap", 500), "ceiling"] == 0.64
    assert table.loc[("hawkes_cross_bootstrap", 1000), "ceiling"] == 0.92
    assert table.loc[("oracle_cross_score", 1000), "kind"] == "bound"
    assert table.loc[("hawkes_cross_bootstrap", 1000), "kind"] == "test"
    # No ceiling for a planted step; the analytic one is for the cross-excitation only.
    assert math.isnan(table.loc[("changepoint_scan", 500), "ceiling"])
    assert math.isnan(table.loc[("changepoint_scan", 500), "ceiling_analytic"])
    # 0.2 * sqrt(500 * Var(X) / 2) with A self-exciting (0.2): z = 1.951, power 62.0%.
    assert table.loc[("hawkes_cross_bootstrap", 500), "ceiling_analytic"] == pytest.approx(
        0.620, abs=1e-3
    )
    size = pd.DataFrame(
        [
            {**_power_cell("oracle_cross_score", 500, 250), "kind": "bound"},
            {**_power_cell("var_granger", 500, 25), "kind": "pvalue"},
        ]
    ).assign(role="size", scenario="independent_poisson", events_per_side=200)
    assert set(validation.derive_routes(size)["test"]) == {"var_granger"}


def test_a_bound_cell_pools_every_null_draw_for_its_critical_value():
    # Each replicate gives its statistic then 9 null draws 0..8; the 95% quantile of the
    # pooled draws is 8, and statistics of 10 every fifth replicate reject 20%.
    calls = iter(range(1000))

    def fake(sample, rng):
        k = next(calls)
        return np.array([10.0 if k % 5 == 0 else 0.0, *range(9)])

    test = validation.RegisteredTest("fake_bound", fake, "bound")
    row = validation.run_cell(test, "independent_poisson", 50, 100, 0, math.inf)
    assert row["critical_value"] == 8.0 and row["rejection_rate"] == 0.2


def test_oracle_bound_reduced_study():
    # The oracle on 60 planted samples over 1,000 days finds the effect most of the time
    # (about 92% on 500); on independent sides it seldom rejects.
    test = validation.REGISTRY["oracle_cross_score"]
    power = validation.run_cell(test, "planted_cross_0.2", 1000, 60, 5, math.inf, 1000)
    assert power["rejection_rate"] >= 0.75 and power["kind"] == "bound"
    size = validation.run_cell(test, "independent_poisson", 1000, 60, 5, math.inf, 1000)
    assert size["rejection_rate"] <= 0.12
