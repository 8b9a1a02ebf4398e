"""Figures of the event table, response lags, pairing, episodes and casualty trends.

Each function takes results (tables or dicts from the analysis modules) and returns a
matplotlib Figure in the house style (:mod:`analysis.present.style`): a title that states the
finding, labelled axes with units and a source line. They cope with tiny samples, a side
without events and unknown casualties.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.models.dyad import Dyad
from analysis.present.labels import side_label
from analysis.present.style import SIDE_COLOURS, source_line

SOURCE = "event table of this project"
_EMPTY = "no events to show"


def _names(dyad: Dyad) -> dict[str, str]:
    return {"A": side_label(dyad.side_a), "B": side_label(dyad.side_b)}


def _empty_note(ax: plt.Axes, text: str = _EMPTY) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def timeline(dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Both sides' events over time; deaths on the y-axis with low-high error bars.

    Marker area grows with the best estimate of deaths. Events whose deaths are unknown
    are drawn as open markers below zero, never as zero.
    """
    fig, ax = plt.subplots()
    events = dyad.events
    unknown_total = 0
    for side, name in _names(dyad).items():
        part = events[events["side"] == side]
        best = _column(part, "fatalities_best")
        low = _column(part, "fatalities_low").fillna(best)
        high = _column(part, "fatalities_high").fillna(best)
        known = best.notna()
        unknown_total += int((~known).sum())
        colour = SIDE_COLOURS[side]
        if known.any():
            b = best[known].to_numpy(dtype=float)
            yerr = np.vstack(
                [
                    np.clip(b - low[known].to_numpy(dtype=float), 0, None),
                    np.clip(high[known].to_numpy(dtype=float) - b, 0, None),
                ]
            )
            ax.errorbar(
                part["event_date"][known], b, yerr=yerr, fmt="none", ecolor=colour, alpha=0.5
            )
            ax.scatter(
                part["event_date"][known],
                b,
                s=20 + 8 * np.sqrt(b),
                color=colour,
                alpha=0.7,
                label=f"{name} ({len(part)} events)",
            )
        if (~known).any():
            offset = -0.5 if side == "A" else -1.0
            ax.scatter(
                part["event_date"][~known],
                np.full(int((~known).sum()), offset),
                s=20,
                facecolors="none",
                edgecolors=colour,
                label=f"{name}: deaths unknown",
            )
    if events.empty:
        _empty_note(ax)
    else:
        ax.legend(loc="upper left", fontsize=8)
        fig.autofmt_xdate()
    ax.set_ylabel("deaths per event (best, low–high)")
    ax.set_xlabel("date of event")
    counts = dyad.counts()
    ax.set_title(
        f"{counts[dyad.side_a]} events by {side_label(dyad.side_a)}, {counts[dyad.side_b]} by "
        f"{side_label(dyad.side_b)}; deaths unknown for {unknown_total}"
    )
    source_line(fig, source)
    return fig


def location_scatter(points: pd.DataFrame, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Longitude/latitude of the events with coordinates (no map background)."""
    fig, ax = plt.subplots(figsize=(6, 5))
    for side, name in _names(dyad).items():
        part = points[points["side"] == side]
        if len(part):
            ax.scatter(
                part["longitude"],
                part["latitude"],
                s=18,
                alpha=0.6,
                color=SIDE_COLOURS[side],
                label=name,
            )
    if points.empty:
        _empty_note(ax, "no event has coordinates")
    else:
        ax.legend(fontsize=8)
        ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_title(f"{len(points)} of {len(dyad.events)} events have coordinates")
    source_line(fig, source)
    return fig


def lag_histogram(lags: pd.DataFrame, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Histogram of observed (answered) response lags in days, per direction."""
    fig, ax = plt.subplots()
    answered = lags[~lags["censored"]]
    top = float(answered["lag_days"].max()) if len(answered) else 1.0
    bins = np.arange(0, max(top, 1.0) + 2) - 0.5 if top <= 60 else 30
    for direction, side in (("A->B", "B"), ("B->A", "A")):
        part = answered[answered["direction"] == direction]["lag_days"]
        if len(part):
            ax.hist(
                part,
                bins=bins,
                alpha=0.6,
                color=SIDE_COLOURS[side],
                label=f"{_names(dyad)[side]} answering ({len(part)})",
            )
    if answered.empty:
        _empty_note(ax, "no provocation was answered")
    else:
        ax.legend(fontsize=8)
    ax.set_xlabel("days from provocation to the other side's next action")
    ax.set_ylabel("answered provocations")
    med = answered["lag_days"].median() if len(answered) else np.nan
    ax.set_title(
        "No answered provocations"
        if answered.empty
        else f"Half of the answers came within {med:g} days"
    )
    source_line(fig, source)
    return fig


def lag_ecdf(lags: pd.DataFrame, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Empirical cumulative distribution of the observed lags, per direction."""
    fig, ax = plt.subplots()
    answered = lags[~lags["censored"]]
    for direction, side in (("A->B", "B"), ("B->A", "A")):
        values = np.sort(answered[answered["direction"] == direction]["lag_days"].to_numpy())
        if values.size:
            ax.step(
                np.append(0, values),
                np.append(0, np.arange(1, values.size + 1) / values.size),
                where="post",
                color=SIDE_COLOURS[side],
                label=f"{_names(dyad)[side]} answering ({values.size})",
            )
    if answered.empty:
        _empty_note(ax, "no provocation was answered")
    else:
        ax.legend(fontsize=8, loc="lower right")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days from provocation to answer")
    ax.set_ylabel("share of answered provocations")
    ax.set_title("Observed lags only: censored provocations are left out here")
    source_line(fig, source)
    return fig


def km_share_answered(
    curves: dict[str, pd.DataFrame], dyad: Dyad, source: str = SOURCE
) -> plt.Figure:
    """Kaplan-Meier share answered by day ``t`` (1 - S(t)) with its 95% band, per direction.

    Parameters
    ----------
    curves
        ``{"A->B": km_curve, "B->A": km_curve}`` from :func:`analysis.models.lags.km_curve`.
    """
    fig, ax = plt.subplots()
    drawn = False
    for direction, side in (("A->B", "B"), ("B->A", "A")):
        curve = curves.get(direction)
        if curve is None or curve.empty:
            continue
        drawn = True
        t = np.append(0, curve["time"].to_numpy())
        share = 1 - np.append(1, curve["surv"].to_numpy())
        colour = SIDE_COLOURS[side]
        ax.step(t, share, where="post", color=colour, label=f"{_names(dyad)[side]} answering")
        lo = 1 - np.append(1, curve["band_high"].to_numpy())
        hi = 1 - np.append(1, curve["band_low"].to_numpy())
        if np.isfinite(lo[1:]).any():
            ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.2, label="95% band")
    if not drawn:
        _empty_note(ax, "no provocation to follow")
    else:
        ax.legend(fontsize=8, loc="lower right")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days since provocation")
    ax.set_ylabel("share answered (Kaplan–Meier)")
    ax.set_title("Share of provocations answered by each day, censoring accounted for")
    source_line(fig, source)
    return fig


def sensitivity_plot(table: pd.DataFrame, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Share of provocations paired against the window length, per direction."""
    fig, ax = plt.subplots()
    for direction, side in (("A->B", "B"), ("B->A", "A")):
        part = table[table["direction"] == direction]
        if part["n_provocations"].sum() > 0:
            ax.plot(
                part["window_days"],
                part["share_paired"],
                marker="o",
                color=SIDE_COLOURS[side],
                label=f"{_names(dyad)[side]} answering",
            )
    ax.set_xscale("log")
    ax.set_xticks(sorted(table["window_days"].unique()) or [1])
    ax.get_xaxis().set_major_formatter(plt.ScalarFormatter())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("window (days, log scale)")
    ax.set_ylabel("share of provocations paired")
    ax.set_title("Longer windows pair more events: the window choice drives the count")
    if len(ax.lines):
        ax.legend(fontsize=8)
    source_line(fig, source)
    return fig


def permutation_plot(perm: dict[str, dict], dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Observed window pairs against the chance interval from the permutation null."""
    fig, ax = plt.subplots(figsize=(7, 3))
    labels = []
    for k, (direction, side) in enumerate((("A->B", "B"), ("B->A", "A"))):
        res = perm.get(direction, {})
        labels.append(f"{_names(dyad)[side]} answering")
        lo, hi = res.get("null_ci", [None, None])
        if lo is not None:
            ax.plot(
                [lo, hi],
                [k, k],
                color="#999999",
                linewidth=6,
                alpha=0.6,
                label="chance (95% of surrogates)" if k == 0 else None,
            )
            ax.plot(res["null_mean"], k, "|", color="#555555", markersize=14)
        ax.plot(
            res.get("observed", 0),
            k,
            "o",
            color=SIDE_COLOURS[side],
            label="observed" if k == 0 else None,
        )
    ax.set_yticks([0, 1], labels)
    ax.set_ylim(-0.7, 1.7)
    ax.set_xlabel("number of window pairs")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title("Observed pairs against what chance timing alone gives")
    source_line(fig, source)
    return fig


def episode_bars(episodes: pd.DataFrame, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Episodes as horizontal bars over time, coloured by the side that started them."""
    fig, ax = plt.subplots()
    colours = {dyad.side_a: SIDE_COLOURS["A"], dyad.side_b: SIDE_COLOURS["B"]}
    # Both sides acting on an episode's first day: the starter cannot be told at day precision.
    if (episodes.get("starter", pd.Series(dtype=object)) == f"{dyad.side_a} & {dyad.side_b}").any():
        colours[f"{dyad.side_a} & {dyad.side_b}"] = "#999999"
    for row in episodes.itertuples(index=False):
        width = (row.end - row.start) / pd.Timedelta(days=1) + 1
        ax.barh(row.episode, width, left=row.start, color=colours[row.starter], height=0.8)
    for code, colour in colours.items():
        ax.barh([], [], color=colour, label=f"started by {side_label(code)}")
    if episodes.empty:
        _empty_note(ax)
    else:
        ax.legend(fontsize=8)
        ax.invert_yaxis()
        fig.autofmt_xdate()
    ax.set_xlabel("date")
    ax.set_ylabel("episode")
    ax.set_title(f"{len(episodes)} episodes separated by quiet gaps")
    source_line(fig, source)
    return fig


def casualty_bands(
    series: pd.DataFrame,
    dyad: Dyad,
    measure: str = "killed",
    unit: str = "week",
    source: str = SOURCE,
) -> plt.Figure:
    """Known ``measure`` (killed or injured) per period and side: best with low-high band.

    Periods where every event's figure is unknown are gaps, not zeros; the lower panel
    shows how many events per period have unknown figures.
    """
    fig, (ax, ax_u) = plt.subplots(
        2, 1, sharex=True, figsize=(8, 5), gridspec_kw={"height_ratios": [3, 1]}
    )
    totals = {}
    for side, name in _names(dyad).items():
        part = series[series["side"] == side]
        colour = SIDE_COLOURS[side]
        best = part[f"{measure}_best"].to_numpy(dtype=float)
        totals[name] = np.nansum(best) if best.size else 0.0
        if part.empty:
            continue
        ax.plot(part["period"], best, color=colour, label=name, marker=".")
        lo = part[f"{measure}_low"].fillna(part[f"{measure}_best"]).to_numpy(dtype=float)
        hi = part[f"{measure}_high"].fillna(part[f"{measure}_best"]).to_numpy(dtype=float)
        ax.fill_between(part["period"], lo, hi, color=colour, alpha=0.2)
        ax_u.bar(
            part["period"],
            part[f"{measure}_unknown"],
            color=colour,
            alpha=0.6,
            width=3 if unit == "week" else 12,
        )
    if series.empty:
        _empty_note(ax)
    else:
        ax.legend(fontsize=8)
        fig.autofmt_xdate()
    ax.set_ylabel(f"{measure} per {unit} (known)")
    ax_u.set_ylabel("unknown")
    ax_u.set_xlabel(f"{unit} starting")
    parts = ", ".join(f"{name}: {total:g}" for name, total in totals.items())
    ax.set_title(f"Known {measure} by initiating side ({parts})")
    source_line(fig, source)
    return fig


def rolling_plot(
    rolling: pd.DataFrame, dyad: Dyad, window: int, unit: str = "week", source: str = SOURCE
) -> plt.Figure:
    """Rolling totals of known deaths per side."""
    fig, ax = plt.subplots()
    for side, name in _names(dyad).items():
        if side in rolling.columns and rolling[side].notna().any():
            ax.plot(rolling.index, rolling[side], color=SIDE_COLOURS[side], label=name)
    if not len(ax.lines):
        _empty_note(ax, "no known deaths")
    else:
        ax.legend(fontsize=8)
        fig.autofmt_xdate()
    ax.set_xlabel(f"{unit} starting")
    ax.set_ylabel(f"known deaths, last {window} {unit}s")
    ax.set_title(f"Rolling {window}-{unit} total of known deaths")
    source_line(fig, source)
    return fig


def rate_ratio_plot(tests: dict, dyad: Dyad, source: str = SOURCE) -> plt.Figure:
    """Rate ratios (after / before the split) with exact 95% intervals, per side and measure."""
    fig, ax = plt.subplots(figsize=(7, 3))
    rows = []
    for side, code in _names(dyad).items():
        for measure in ("events", "fatalities"):
            res = tests.get(code, {}).get(measure)
            if res is not None:
                rows.append((f"{code}: {measure}", side, res))
    for k, (_label, side, res) in enumerate(rows):
        colour = SIDE_COLOURS[side]
        if res["rate_ratio"] is not None:
            ax.plot(res["rate_ratio"], k, "o", color=colour)
        if res["ci_low"] is not None:
            hi = res["ci_high"] if res["ci_high"] is not None else res["ci_low"] * 10 + 1
            ax.plot([max(res["ci_low"], 1e-3), hi], [k, k], color=colour)
    ax.axvline(1, color="#555555", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    if not rows:
        _empty_note(ax, "no rate to compare")
    ax.set_xlabel("rate after / rate before (log scale; 1 = no change)")
    ax.set_title(f"Change in daily rates at {tests.get('split_date')}")
    source_line(fig, source)
    return fig
