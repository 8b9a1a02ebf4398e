"""Tables, figure and plain words of the validation study (``data/validation/``).

The study (:mod:`analysis.models.validation`) measures how often each test rejects at
nominal 5% when there is no effect (its *size*) under several null scenarios and sample
sizes, and how often it finds a planted effect (its *power*). This module reads the
committed results, never recomputes them, and says which tests hold where.
"""

from __future__ import annotations

import json
import math
import os

import matplotlib.pyplot as plt
import pandas as pd

from analysis.models import routing, validation
from analysis.models.dyad import Dyad
from analysis.present.labels import side_label
from analysis.present.style import PALETTE, source_line
from analysis.present.tables import number

#: Plain name of each test of the study.
TEST_NAMES = {
    "reaction_events_joint": "Reaction function, events",
    "reaction_incidence_joint": "Reaction function, incidence",
    "granger_weekly": "Granger test, weekly counts",
    "var_granger": "Granger test in the vector autoregression",
    "hawkes_cross_bootstrap": "Hawkes cross-excitation, bootstrap",
    "hawkes_cross_asymptotic": "Hawkes cross-excitation, asymptotic",
    "changepoint_scan": "Change-point scan",
    "rate_block": "Rate before and after, long-run variance",
    "rate_exact_poisson": "Rate before and after, exact Poisson",
    "lag_surrogate": "Response lags against chance",
    "pairing_surrogate": "Tit-for-tat pairs against chance",
    "oracle_cross_score": "Ceiling for a cross-excitation: a test that knows the truth",
}
#: Short plain name of each scenario (the study's module doc describes them).
SCENARIO_NAMES = {
    "independent_poisson": "independent steady sides",
    "shared_trend": "shared trend",
    "shared_daily_shocks": "shared daily shocks",
    "autocorrelated_rates": "slowly drifting rates",
    "self_excitation_only": "self-excitation only",
    "planted_cross_0.2": "planted cross-excitation 0.2",
    f"planted_step_{validation.STEP_RATIO}": f"planted {validation.STEP_RATIO:g}-fold step",
}
#: The model of the reports each test decides (see :data:`routing.MODEL_TESTS`).
MODEL_OF_TEST = {test: model for model, test in routing.MODEL_TESTS.items()}
LOW, HIGH = validation.SIZE_BAND


def test_name(code: str) -> str:
    """Plain name of a test (its code when it has none)."""
    return TEST_NAMES.get(code, code.replace("_", " "))


def scenario_name(code: str) -> str:
    """Plain name of a scenario."""
    return SCENARIO_NAMES.get(code, code.replace("_", " "))


def read_study(directory: str) -> pd.DataFrame:
    """Every cell of the study under ``directory`` that has replicates, with plain names
    (``test_name``, ``scenario_name``) added; one row per test, scenario, size and span."""
    results = validation.read_results(directory)
    if results.empty:
        return results
    results = results[results["reps_done"] > 0].copy()
    results["test_name"] = results["test"].map(test_name)
    results["scenario_name"] = results["scenario"].map(scenario_name)
    order = {t: k for k, t in enumerate(TEST_NAMES)}
    scenarios = {s: k for k, s in enumerate(SCENARIO_NAMES)}
    results["_t"] = results["test"].map(order).fillna(len(order))
    results["_s"] = results["scenario"].map(scenarios).fillna(len(scenarios))
    results = results.sort_values(["_t", "test", "_s", "n_days", "events_per_side"])
    return results.drop(columns=["_t", "_s"]).reset_index(drop=True)


def _pct(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def verdict(rate: float) -> str:
    """``"too often"`` above the band, ``"too rarely"`` below it, ``""`` inside."""
    if rate > HIGH:
        return "too often"
    if rate < LOW:
        return "too rarely"
    return ""


def size_table(results: pd.DataFrame, n_days: int = validation.N_DAYS) -> pd.DataFrame:
    """Size at 5% of each test under each null scenario (rows) at each size (columns):
    ``"5.2% (3.5-7.6%), 500"`` is the rejection rate, its Wilson 95% interval and the
    replicates; a rate outside the band is marked ``rejects too often`` or ``too rarely``."""
    part = results[(results["role"] == "size") & (results["n_days"] == n_days)]
    rows = []
    for (test, scenario), cells in part.groupby(["test", "scenario"], sort=False):
        row = {"Test": test_name(test), "No effect, but": scenario_name(scenario)}
        for _, cell in cells.iterrows():
            mark = verdict(cell["rejection_rate"])
            text = (
                f"{_pct(cell['rejection_rate'])} ({_pct(cell['ci_low'])}–"
                f"{_pct(cell['ci_high'])}), {int(cell['reps_done'])}"
            )
            row[f"{int(cell['events_per_side']):,} events"] = (
                f"{text}, rejects {mark}" if mark else text
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    sizes = sorted(
        {int(c.split()[0].replace(",", "")) for c in table.columns if c.endswith(" events")}
    )
    cols = ["Test", "No effect, but", *[f"{n:,} events" for n in sizes]]
    return table.reindex(columns=cols).fillna("not run")


def power_table(results: pd.DataFrame) -> pd.DataFrame:
    """Power of each test against its planted effect, by size and span."""
    part = results[results["role"] == "power"]
    rows = []
    for _, cell in part.iterrows():
        rows.append(
            {
                "Test": test_name(cell["test"]),
                "Planted effect": scenario_name(cell["scenario"]),
                "Days": int(cell["n_days"]),
                "Events per side": int(cell["events_per_side"]),
                "Power": _pct(cell["rejection_rate"]),
                "95% interval": f"{_pct(cell['ci_low'])}–{_pct(cell['ci_high'])}",
                "Replicates": int(cell["reps_done"]),
            }
        )
    return pd.DataFrame(rows)


def read_power(directory: str) -> pd.DataFrame:
    """The study's ``power.csv`` under ``directory`` (power at 1,000 events per side by
    span); derived from the results when the file is missing."""
    path = os.path.join(directory, validation.POWER_FILE)
    if os.path.exists(path):
        return pd.read_csv(path)
    return validation.derive_power(validation.read_results(directory))


def _is_bound(part: pd.DataFrame) -> bool:
    return "kind" in part and (part["kind"] == "bound").any()


def _ceiling(cell: pd.Series) -> float:
    value = cell.get("ceiling", math.nan)
    return math.nan if pd.isna(value) else float(value)


def power_span_table(power: pd.DataFrame) -> pd.DataFrame:
    """Power of each test at 1,000 events per side by span (one column per span measured:
    power, Wilson 95% interval and replicates, and the ceiling, the power of a test that
    knows the truth, where the study has one), and the span it needs to reach 80%. The
    ceiling's own row comes last."""
    spans = sorted(power["n_days"].unique()) if len(power) else []
    rows = []
    groups = list(power.groupby("test", sort=False))
    groups.sort(key=lambda item: _is_bound(item[1]))
    for test, part in groups:
        row = {"Test": test_name(test), "Planted effect": scenario_name(part["scenario"].iloc[0])}
        bound = _is_bound(part)
        for _, cell in part.iterrows():
            text = (
                f"{_pct(cell['power'])} ({_pct(cell['ci_low'])}–{_pct(cell['ci_high'])}), "
                f"{int(cell['reps'])}"
            )
            if not bound and not math.isnan(_ceiling(cell)):
                text += f"; ceiling {_pct(_ceiling(cell))}"
            row[f"{int(cell['n_days']):,} days"] = text
        longest = int(part["n_days"].max())
        needed = part["span_needed"].iloc[0]
        row["Span for 80% power"] = (
            f"{int(needed):,} days"
            if not pd.isna(needed)
            else f"not reached (up to {longest:,} days measured)"
        )
        rows.append(row)
    cols = ["Test", "Planted effect", *[f"{d:,} days" for d in spans], "Span for 80% power"]
    return pd.DataFrame(rows).reindex(columns=cols).fillna("not run")


def power_figure(power: pd.DataFrame) -> plt.Figure:
    """Power at 1,000 events per side against the span, one line per test, with Wilson
    95% intervals and the 80% line."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    k = 0
    for test, part in power.groupby("test", sort=False):
        part = part.sort_values("n_days")
        bound = _is_bound(part)
        ax.errorbar(
            part["n_days"],
            part["power"],
            yerr=[part["power"] - part["ci_low"], part["ci_high"] - part["power"]],
            marker="s" if bound else "o",
            ms=4,
            capsize=3,
            color="#222222" if bound else PALETTE[k % len(PALETTE)],
            lw=2.5 if bound else 1.5,
            ls=":" if bound else ("-" if k < len(PALETTE) else "--"),
            label=test_name(test),
            zorder=1 if bound else 2,
        )
        k += 0 if bound else 1
    ax.axhline(validation.POWER_TARGET, color="#555555", lw=0.8, ls=":")
    ax.text(
        ax.get_xlim()[0] if len(power) else 0,
        validation.POWER_TARGET + 0.01,
        " 80% wanted",
        fontsize=8,
        color="#555555",
        va="bottom",
    )
    ax.set_xscale("log")
    spans = sorted(power["n_days"].unique()) if len(power) else []
    ax.set_xticks(spans, [f"{int(d):,}" for d in spans])
    ax.minorticks_off()
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days in the simulated dyad (log scale)")
    ax.set_ylabel("share of simulations that find the effect")
    ax.set_title(
        f"Power at {validation.POWER_EVENTS:,} events per side by span (bars: 95% intervals)",
        loc="left",
        fontsize=11,
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    fig.tight_layout()
    source_line(fig, "validation study (data/validation/power.csv)")
    return fig


def power_markdown(power: pd.DataFrame) -> str:
    """One bullet per test: its power at 1,000 events per side at each span measured and
    the span it needs to reach 80%."""
    lines = []
    for test, part in power.groupby("test", sort=False):
        part = part.sort_values("n_days")
        bound = _is_bound(part)
        at = ", ".join(
            f"{_pct(c['power'])} over {int(c['n_days']):,} days"
            + (
                f" (ceiling {_pct(_ceiling(c))})"
                if not bound and not math.isnan(_ceiling(c))
                else ""
            )
            for _, c in part.iterrows()
        )
        if bound:
            lines.append(
                f"- **{test_name(test)}** (the ceiling, not a method: the most any test of "
                f"lags of one day or more can find): {at}."
            )
            continue
        needed = part["span_needed"].iloc[0]
        if pd.isna(needed):
            longest = int(part["n_days"].max())
            tail = f"it does not reach 80% at any span measured (up to {longest:,} days)"
        else:
            tail = f"it needs {int(needed):,} days to reach 80%"
        lines.append(f"- **{test_name(test)}**: {at}; {tail}.")
    return "\n".join(lines)


def routes_table(routes: pd.DataFrame) -> pd.DataFrame:
    """For each test, from how many events per side it holds its size (the table
    :mod:`analysis.models.routing` reads), and the worst size measured below that."""
    rows = []
    for test, part in routes.groupby("test", sort=False):
        first = part["min_events"].iloc[0]
        failed = part[~part["held"].astype(bool)]
        worst = failed.loc[failed["worst_rate"].idxmax()] if len(failed) else None
        rows.append(
            {
                "Test": test_name(test),
                "Decides": routing.MODEL_NAMES.get(MODEL_OF_TEST.get(test, ""), "").removeprefix(
                    "the "
                )
                or "no report model (comparison)",
                "Holds from": "no size measured"
                if pd.isna(first)
                else f"{int(first):,} events per side",
                "Worst size where it does not hold": ""
                if worst is None
                else f"{_pct(worst['worst_rate'])} at {int(worst['events_per_side']):,} "
                f"events per side ({worst['worst_words']})",
            }
        )
    return pd.DataFrame(rows)


def read_routes(directory: str) -> pd.DataFrame:
    """The study's ``routes.csv`` under ``directory``."""
    return pd.read_csv(os.path.join(directory, validation.ROUTES_FILE))


def study_figure(results: pd.DataFrame, n_days: int = validation.N_DAYS) -> plt.Figure:
    """Size by events per side under each null scenario, with the 2-8% band, and power
    against each test's planted effect beside them (one line per test)."""
    part = results[results["n_days"] == n_days]
    nulls = list(validation.NULL_SCENARIOS)
    fig, axes = plt.subplots(2, 3, figsize=(12, 7.5), sharex=True)
    tests = list(dict.fromkeys(part["test"]))
    colours = {t: PALETTE[k % len(PALETTE)] for k, t in enumerate(tests)}
    styles = {t: ("-" if k < len(PALETTE) else "--") for k, t in enumerate(tests)}
    for ax, scenario in zip(axes.flat, [*nulls, "power"], strict=True):
        if scenario == "power":
            cells = part[part["role"] == "power"]
            ax.set_title("Power against the planted effect")
            ax.axhline(0.8, color="#555555", lw=0.8, ls=":")
            ax.set_ylim(0, 1.02)
        else:
            cells = part[(part["role"] == "size") & (part["scenario"] == scenario)]
            ax.set_title(f"No effect: {scenario_name(scenario)}")
            ax.axhspan(LOW, HIGH, color="#009E73", alpha=0.15, lw=0)
            ax.axhline(validation.LEVEL, color="#555555", lw=0.8, ls=":")
            ax.set_ylim(0, 0.2)
        for test, sub in cells.groupby("test", sort=False):
            sub = sub.sort_values("events_per_side")
            ax.plot(
                sub["events_per_side"],
                sub["rejection_rate"].clip(upper=0.2 if scenario != "power" else 1.0),
                marker="o",
                ms=3,
                color=colours[test],
                ls=styles[test],
                label=test_name(test),
            )
        ax.set_xscale("log")
        ax.set_xlabel("events per side (log scale)")
        ax.set_ylabel("rejection rate at 5%")
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.08))
    fig.suptitle(
        "Which tests reject about 5% of the time when there is no effect (green band: 2-8%; "
        "rates above 20% drawn at 20%)",
        x=0.01,
        ha="left",
        fontsize=11,
    )
    fig.tight_layout()
    source_line(fig, f"validation study, {n_days}-day simulated dyads (data/validation)")
    return fig


def _holds_words(test: str, routes: pd.DataFrame) -> str:
    part = routes[routes["test"] == test].sort_values("events_per_side")
    if part.empty:
        return "has no complete measurement yet"
    first = part["min_events"].iloc[0]
    failed = part[~part["held"].astype(bool)]
    if pd.isna(first):
        worst = failed.loc[failed["worst_rate"].idxmax()]
        return (
            f"does not hold its error rate: it rejects {_pct(worst['worst_rate'])} of the "
            f"time at {int(worst['events_per_side']):,} events per side when "
            f"{worst['worst_words']}"
        )
    words = f"holds its error rate from {int(first):,} events per side"
    below = failed[failed["events_per_side"] < first]
    if len(below):
        worst = below.loc[below["worst_rate"].idxmax()]
        words += (
            f" (below that it rejects up to {_pct(worst['worst_rate'])} of the time, when "
            f"{worst['worst_words']})"
        )
    timid = part[part["conservative"].astype(bool) & (part["events_per_side"] < first)]
    if len(timid) and not len(below):
        cell = timid.loc[timid["lowest_rate"].idxmin()]
        words += (
            f" (below that it rejects as little as {_pct(cell['lowest_rate'])} of the time, "
            f"when {validation.SCENARIO_WORDS[cell['lowest_scenario']]})"
        )
    low = part[part["conservative"].astype(bool) & (part["events_per_side"] >= first)]
    if len(low):
        cell = low.iloc[-1]
        words += (
            f"; it is conservative at {int(cell['events_per_side']):,} events per side "
            f"({_pct(cell['lowest_rate'])} when "
            f"{validation.SCENARIO_WORDS[cell['lowest_scenario']]})"
        )
    return words


def _power_words(test: str, results: pd.DataFrame) -> str:
    power = validation.derive_power(results)
    cells = power[power["test"] == test].sort_values("n_days")
    if cells.empty:
        return "its power was not measured at 1,000 events per side"
    what = scenario_name(cells["scenario"].iloc[0])
    parts = [
        f"{_pct(c['power'])} of the time over {int(c['n_days']):,} days"
        for _, c in cells.iterrows()
    ]
    at = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    needed = cells["span_needed"].iloc[0]
    if pd.isna(needed):
        enough = (
            "below the 80% a study would want at every span measured, up to "
            f"{int(cells['n_days'].max()):,} days"
        )
    else:
        enough = f"80% or more from {int(needed):,} days"
    return f"at 1,000 events per side it finds a {what} {at} ({enough})"


def summary_markdown(results: pd.DataFrame, routes: pd.DataFrame) -> str:
    """One bullet per test: where it holds its size and what power it has, in words."""
    lines = []
    bounds = set(results.loc[validation.test_kinds(results) == "bound", "test"])
    for test in dict.fromkeys(results["test"]):
        if test in bounds:
            lines.append(
                f"- **{test_name(test)}** is a ceiling, not a method (it knows the planted "
                f"truth); {_power_words(test, results)}."
            )
            continue
        lines.append(
            f"- **{test_name(test)}** {_holds_words(test, routes)}; {_power_words(test, results)}."
        )
    return "\n".join(lines)


def dyad_markdown(dyad: Dyad) -> str:
    """One sentence: the dyad's events per side (plain names) and its period."""
    n_days = int((dyad.end.normalize() - dyad.start.normalize()).days) + 1
    return (
        f"**{side_label(dyad.side_a)}**: {len(dyad.a):,} events; "
        f"**{side_label(dyad.side_b)}**: {len(dyad.b):,} events; {n_days:,} days, from "
        f"{dyad.start:%d %b %Y} to {dyad.end:%d %b %Y}."
    )


def dyad_routes(dyad: Dyad) -> pd.DataFrame:
    """For the report set's dyad, whether each model runs and why, and the power the
    study measured for its test over the dyad's span, in plain words."""
    n_a, n_b = len(dyad.a), len(dyad.b)
    n_days = int((dyad.end.normalize() - dyad.start.normalize()).days) + 1
    rows = []
    for model in routing.MODEL_TESTS:
        runs, why = routing.model_route(model, n_a, n_b, n_days)
        _, power = routing.power_at_span(model, n_days)
        rows.append(
            {
                "Model": routing.MODEL_NAMES[model].removeprefix("the ").capitalize(),
                "Runs": "yes" if runs else "no",
                "Why": why[0].upper() + why[1:],
                "Power over this span": power[0].upper() + power[1:],
            }
        )
    return pd.DataFrame(rows)


def study_hours(directory: str) -> pd.DataFrame:
    """Replicates and hours of each run of the study (from its JSON files)."""
    rows = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            meta = json.load(handle)
        rows.append(
            {
                "Run": name.removesuffix(".json"),
                "Days": meta.get("n_days"),
                "Cells": meta.get("cells"),
                "Cells with every replicate": meta.get("cells_complete"),
                "Replicates targeted": meta.get("reps_target"),
                # Shown as text: a Styler would print the float with six decimals.
                "Hours": number(meta.get("elapsed_hours")),
            }
        )
    return pd.DataFrame(rows)
