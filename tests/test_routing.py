"""Routing from the validation study: a results table written here (rates chosen by hand)
gives the routes, and the routes decide where each model runs, saying why in plain words."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.models import routing, validation


def _cell(test: str, scenario: str, n: int, rate: float, reps: int = 500) -> dict:
    k = round(rate * reps)
    lo, hi = validation.wilson(k, reps)
    return {
        "test": test,
        "kind": "pvalue",
        "scenario": scenario,
        "role": "power" if scenario in validation.POWER_SCENARIOS else "size",
        "events_per_side": n,
        "n_days": validation.N_DAYS,
        "reps_target": 500,
        "reps_done": reps,
        "failures": 0,
        "rejections": k,
        "rejection_rate": k / reps,
        "ci_low": lo,
        "ci_high": hi,
    }


def _results() -> pd.DataFrame:
    rows = []
    # The VAR test: 12% under one null at 50 events, in band from 200 on.
    for n, bad in ((50, 0.12), (200, 0.06), (1000, 0.05), (5000, 0.05)):
        for scenario in validation.NULL_SCENARIOS:
            rate = bad if scenario == "shared_trend" else 0.05
            rows.append(_cell("var_granger", scenario, n, rate))
        rows.append(_cell("var_granger", "planted_cross_0.2", n, 0.9))
    # The Granger test: fine at 50 and 200, 30% under a shared trend at 1,000 and 5,000.
    for n, bad in ((50, 0.05), (200, 0.07), (1000, 0.3), (5000, 0.6)):
        for scenario in validation.NULL_SCENARIOS:
            rate = bad if scenario == "shared_trend" else 0.04
            rows.append(_cell("granger_weekly", scenario, n, rate))
    # The Hawkes test: in band except 1% (conservative) under shared shocks at 5,000.
    for n in (200, 1000, 5000):
        for scenario in validation.NULL_SCENARIOS:
            rate = 0.01 if (n == 5000 and scenario == "shared_daily_shocks") else 0.05
            rows.append(_cell("hawkes_cross_bootstrap", scenario, n, rate))
    # The change-point scan: one null scenario missing at 200 (not measured there).
    for n in (200, 1000):
        for scenario in validation.RATE_NULL_SCENARIOS:
            if n == 200 and scenario == "self_excitation_only":
                continue
            rows.append(_cell("changepoint_scan", scenario, n, 0.05))
    # The reaction test: a cell with too few replicates does not count.
    for n in (200, 1000):
        for scenario in validation.NULL_SCENARIOS:
            rows.append(
                _cell("reaction_events_joint", scenario, n, 0.05, reps=40 if n == 200 else 500)
            )
    # The rate test, 100 replicates a cell: 9% at 200 events is too uncertain to stop it
    # (Wilson 95% interval 4.8% to 16.2%); 16% at 1,000 is not (9.9% to 24.6%).
    for n, bad in ((200, 0.09), (1000, 0.16)):
        for scenario in validation.RATE_NULL_SCENARIOS:
            rate = bad if scenario == "autocorrelated_rates" else 0.05
            rows.append(_cell("rate_block", scenario, n, rate, reps=100))
    return pd.DataFrame(rows)


@pytest.fixture
def routes(tmp_path):
    _results().to_csv(tmp_path / "study.csv", index=False)
    table = validation.write_routes(str(tmp_path))
    assert (tmp_path / "routes.csv").exists()
    return table, routing.read_routes(tmp_path / "routes.csv")


def test_routes_give_the_smallest_size_that_holds_from_there_on(routes):
    table, _ = routes
    first = table.groupby("test")["min_events"].first()
    assert first["var_granger"] == 200
    assert pd.isna(first["granger_weekly"])  # fails at the largest size measured
    # Conservative (1% of 500) at the largest size: no size is inside the band from there on.
    assert pd.isna(first["hawkes_cross_bootstrap"])
    assert first["changepoint_scan"] == 1000  # a null scenario missing at 200
    assert first["reaction_events_joint"] == 1000  # 40 replicates at 200: not counted
    row = table[(table["test"] == "var_granger") & (table["events_per_side"] == 50)].iloc[0]
    assert not row["held"] and row["worst_scenario"] == "shared_trend"
    assert row["worst_rate"] == pytest.approx(0.12)
    hawkes = table[table["test"] == "hawkes_cross_bootstrap"].set_index("events_per_side")
    assert hawkes.loc[5000, "conservative"] and not hawkes.loc[1000, "conservative"]
    assert hawkes.loc[5000, "lowest_rate"] == pytest.approx(0.01)


def test_few_replicates_stop_a_test_only_when_clearly_too_often(routes):
    table, _ = routes
    rate = table[table["test"] == "rate_block"].set_index("events_per_side")
    assert rate.loc[200, "held"] and rate.loc[200, "provisional"]
    assert not rate.loc[1000, "held"] and rate.loc[1000, "worst_rate"] == pytest.approx(0.16)
    var = table[table["test"] == "var_granger"]
    assert not var["provisional"].any()


def test_a_model_below_its_size_says_the_rejection_rate(routes):
    _, table = routes
    runs, why = routing.model_route("var", 120, 900, 500, routes=table)
    assert not runs
    assert "at 50 events per side" in why and "rejects 12% of the time" in why
    assert "no effect" in why and "120 events" in why
    runs, why = routing.model_route("var", 300, 5000, 500, routes=table)
    assert runs and "at 200 and 1,000 events per side" in why
    runs, why = routing.model_route("var", 5000, 9000, 500, routes=table)
    assert runs and "at 5,000 events per side" in why


def test_a_test_runs_only_between_sizes_where_it_held(routes):
    _, table = routes
    runs, why = routing.model_route("granger", 68573, 3938, 499, routes=table)
    assert not runs
    assert "at 1,000 events per side" in why and "30%" in why and "same trend" in why
    # Held at 50 and 200: runs between them; not between 200 and a failure at 1,000.
    runs, why = routing.model_route("granger", 100, 100, 499, routes=table)
    assert runs and "at 50 and 200 events per side" in why
    runs, why = routing.model_route("granger", 500, 500, 499, routes=table)
    assert not runs and "at 1,000 events per side" in why
    # Below the smallest size measured nothing says it holds.
    runs, why = routing.model_route("granger", 20, 500, 499, routes=table)
    assert not runs and "only from 50 events per side" in why


def test_conservative_sizes_run_and_say_so(routes):
    _, table = routes
    runs, why = routing.model_route("hawkes", 68573, 6000, 499, routes=table)
    assert runs and "conservative" in why and "1.0%" in why
    runs, why = routing.model_route("hawkes", 3000, 3000, 499, routes=table)
    assert runs and "conservative" not in why


def test_below_the_smallest_size_measured(routes):
    _, table = routes
    runs, why = routing.model_route("hawkes", 120, 120, 499, routes=table)
    assert not runs and "only from 200 events per side" in why


def test_span_floor_and_fallback_still_apply(routes):
    _, table = routes
    runs, why = routing.model_route("var", 5000, 5000, 150, routes=table)
    assert not runs and "150 days" in why
    # No row for the test: the hand-set floor of events.
    runs, why = routing.model_route("var", 150, 150, 499, routes={})
    assert not runs and "150 events" in why
    assert routing.model_route("var", 250, 250, 499, routes={})[0]


def test_committed_routes_on_the_iraq_table():
    # 68,573 and 3,938 events over 499 days: the Hawkes fit, the change points, the
    # reaction functions and the VAR run there by the committed study (each held its size
    # at 1,000 and at 5,000 events per side, the sizes around the smaller side's 3,938).
    # The weekly Granger test does not; the reason must say so with the measured rate.
    assert routing.ROUTES_PATH.exists()
    for model in ("hawkes", "changepoints", "reaction", "var"):
        runs, why = routing.model_route(model, 68573, 3938, 499)
        assert runs, why
        assert "1,000 and 5,000 events per side" in why
    runs, why = routing.model_route("granger", 68573, 3938, 499)
    assert not runs and "rejects" in why and "no effect" in why


@pytest.fixture
def power(tmp_path):
    rows = []
    for days, rate in ((500, 0.6), (1000, 0.84), (2000, 0.96)):
        rows.append(
            _cell("hawkes_cross_bootstrap", "planted_cross_0.2", 1000, rate) | {"n_days": days}
        )
    rows.append(_cell("var_granger", "planted_cross_0.2", 1000, 0.3))
    pd.DataFrame(rows).to_csv(tmp_path / "study.csv", index=False)
    validation.write_routes(str(tmp_path))
    return routing.read_power(tmp_path / "power.csv")


def test_power_at_a_dyads_span_is_the_longest_span_measured_within_it(power):
    # 1,500 days: the 1,000-day cell (84%), not the 2,000-day one.
    check, words = routing.power_at_span("hawkes", 1500, power)
    assert (check.n_days, check.power, check.span_needed) == (1000, 0.84, 1000)
    assert "over 1,000 days" in words and "84%" in words and "enough" in words
    assert "it reaches 80% from 1,000 days" in words
    # A 499-day table counts as 500 days (within 5% of the span).
    assert routing.power_at_span("hawkes", 499, power)[0].n_days == 500
    check, words = routing.power_at_span("hawkes", 700, power)
    assert check.power == 0.6 and "below the 80% wanted" in words
    # Shorter than every span measured: no number, the shortest span's power as a bound.
    check, words = routing.power_at_span("hawkes", 300, power)
    assert check is None and "not known" in words and "60%" in words
    assert routing.power_short("hawkes", 300, power) == (
        "the Hawkes cross-excitation test at most 60% (60% over 500 days, less over a "
        "shorter span; 80% from 1,000 days)",
        0.6,
    )
    assert routing.has_power("hawkes", 2500, power) is True
    assert routing.has_power("var", 2500, power) is False
    _, words = routing.power_at_span("var", 2500, power)
    assert "does not reach 80% at any span measured, up to 500 days" in words
    assert routing.power_short("reaction", 900, power) is None
    assert routing.has_power("reaction", 900, power) is None
