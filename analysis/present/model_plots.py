"""Figures of the escalation models, in the house style.

Every function takes the results of :func:`analysis.present.model_summaries.escalation_models`
(and the dyad where counts are drawn), returns a matplotlib figure and copes with models
that were not fitted: it then draws what it can and says so in the title.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from analysis.models.calendar import period_counts
from analysis.models.dyad import Dyad
from analysis.present.labels import side_label
from analysis.present.style import SIDE_COLOURS, source_line

SOURCE = "event table; models in analysis/ (reaction, granger, hawkes, changepoints)"


def _names(dyad: Dyad) -> dict[str, str]:
    return {"A": side_label(dyad.side_a), "B": side_label(dyad.side_b)}


def plot_counts_changepoints(dyad: Dyad, models: dict) -> plt.Figure:
    """Weekly counts per side with the fitted segment rates and change-point dates."""
    names = _names(dyad)
    counts = period_counts(dyad, freq="W")
    cp = models.get("changepoints")
    fig, ax = plt.subplots()
    if len(counts) == 0:
        ax.set_title("No complete week of events to plot")
    for side in ("A", "B"):
        colour = SIDE_COLOURS[side]
        ax.step(
            counts["period"],
            counts[side],
            where="post",
            color=colour,
            alpha=0.5,
            lw=1,
            label=f"{names[side]} (events per week)",
        )
        if cp:
            for seg in cp[side]["segments"]:
                ax.hlines(seg["rate"], seg["start"], seg["end"], color=colour, lw=2.5)
            for p in cp[side]["changepoints"]:
                ax.axvline(p["date"], color=colour, ls="--", lw=1)
                # Shade the bootstrap interval of the date.
                ax.axvspan(p["date_low"], p["date_high"], color=colour, alpha=0.1)
    if len(counts):
        n_cp = sum(len(cp[s]["changepoints"]) for s in ("A", "B")) if cp else None
        if n_cp is None:
            title = "Weekly events (change points not estimated: sample too small)"
        elif n_cp == 0:
            title = "Weekly activity shows no clear change in rate"
        else:
            title = f"Weekly activity changes rate {n_cp} time{'s' if n_cp > 1 else ''}"
        ax.set_title(title)
    ax.set_xlabel("Week starting")
    ax.set_ylabel("Events per week")
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    source_line(fig, SOURCE + "; thick lines are segment rates, dashed lines change points")
    return fig


def plot_irr(models: dict, dyad: Dyad, value: str = "events") -> plt.Figure:
    """Incidence-rate ratios of each side's reaction to the other's lagged events."""
    names = _names(dyad)
    section = (models.get("reaction") or {}).get(value)
    fig, ax = plt.subplots()
    if not section:
        ax.set_title("Reaction functions not fitted (sample too small)")
        ax.set_axis_off()
        return fig
    joint = []
    for k, label in enumerate(("A->B", "B->A")):
        src, dst = label[0], label[-1]
        if "failed" in section[label]:
            continue
        joint.append(section[label]["wald_other"]["p_value"])
        rows = [r for r in section[label]["table"] if r["source"] == src]
        x = np.arange(len(rows)) + (k - 0.5) * 0.25
        irr = np.array([r["irr"] for r in rows])
        lo = np.array([r["ci_low"] for r in rows])
        hi = np.array([r["ci_high"] for r in rows])
        ax.errorbar(
            x,
            irr,
            yerr=[irr - lo, hi - irr],
            fmt="o",
            capsize=3,
            color=SIDE_COLOURS[dst],
            label=f"{names[dst]} reacting to {names[src]}",
        )
        ax.set_xticks(np.arange(len(rows)), [r["term"][2:] for r in rows])
    ax.axhline(1.0, color="#555555", lw=1)
    # The title follows the joint test of all the other side's lags, never one bucket.
    ax.set_title(
        "At least one side reacts to the other's recent events (joint test)"
        if any(p < 0.05 for p in joint)
        else "Neither side's activity moves clearly with the other's recent events"
    )
    ax.set_xlabel("Lag bucket of the other side's events")
    ax.set_ylabel("Rate ratio per extra event (95% CI)")
    ax.legend(loc="best")
    source_line(
        fig,
        SOURCE + "; negative binomial GLM, month and weekday fixed effects, Newey-West errors",
    )
    return fig


def plot_irf(models: dict, dyad: Dyad) -> plt.Figure:
    """VAR impulse responses across the sides: one extra event by one side and the other
    side's expected extra events on each following day, with 95% bands."""
    names = _names(dyad)
    v = models.get("var")
    fig, ax = plt.subplots()
    if not v:
        ax.set_title("VAR not fitted (see the reasons below)")
        ax.set_axis_off()
        return fig
    clear = False
    for label in ("A->B", "B->A"):
        src, dst = label[0], label[-1]
        irf = v["irf"][label]
        h = np.arange(len(irf["response"]))
        lo, hi = np.array(irf["ci_low"]), np.array(irf["ci_high"])
        clear |= bool(np.any((lo[1:] > 0) | (hi[1:] < 0)))
        ax.plot(
            h,
            irf["response"],
            color=SIDE_COLOURS[dst],
            label=f"{names[dst]} after one {names[src]} event",
        )
        ax.fill_between(h, lo, hi, color=SIDE_COLOURS[dst], alpha=0.2)
    ax.axhline(0.0, color="#555555", lw=1)
    ax.set_title(
        "One side's events move the other's on some later day"
        if clear
        else "Neither side's events move the other's clearly"
    )
    ax.set_xlabel("Days after the event")
    ax.set_ylabel("Extra events of the other side (95% band)")
    ax.legend(loc="best")
    source_line(fig, SOURCE + f"; VAR({v['order']}) of daily counts, calendar fixed effects")
    return fig


def plot_branching(models: dict, dyad: Dyad) -> plt.Figure:
    """Branching-matrix entries (events triggered per event) with 95% intervals."""
    names = _names(dyad)
    h = models.get("hawkes")
    fig, ax = plt.subplots()
    if not h:
        ax.set_title("Hawkes model not fitted (sample too small)")
        ax.set_axis_off()
        return fig
    labels = list(h["branching"])
    est = np.array([h["branching"][k]["estimate"] for k in labels])
    lo = np.array([h["branching"][k]["ci_low"] for k in labels])
    hi = np.array([h["branching"][k]["ci_high"] for k in labels])
    colours = [SIDE_COLOURS[k[-1]] for k in labels]
    ax.bar(np.arange(4), est, color=colours, alpha=0.8)
    ax.errorbar(np.arange(4), est, yerr=[est - lo, hi - est], fmt="none", color="black", capsize=4)
    ax.set_xticks(np.arange(4), [f"{names[k[0]]}\n→ {names[k[-1]]}" for k in labels], fontsize=8)
    cross = h["branching"]["A->B"]["estimate"] + h["branching"]["B->A"]["estimate"]
    own = h["branching"]["A->A"]["estimate"] + h["branching"]["B->B"]["estimate"]
    ax.set_title(
        "Events trigger more events on the other side than on their own"
        if cross > own
        else "Events trigger more events on their own side than on the other"
    )
    ax.set_ylabel("Events triggered per event (95% CI)")
    hl = h["half_life_days"].get("estimate")
    hl_text = f"{hl:.2f} days" if hl is not None else "not resolved at day level"
    ax.set_xlabel(f"Source → target (half-life {hl_text})")
    source_line(fig, SOURCE + "; daily-count bivariate Hawkes process, monthly baselines")
    return fig


def plot_gof(models: dict, dyad: Dyad) -> plt.Figure:
    """QQ plot of the Hawkes residuals (randomised PIT of the daily counts) against Exp(1)."""
    names = _names(dyad)
    h = models.get("hawkes")
    fig, ax = plt.subplots(figsize=(5, 5))
    if not h:
        ax.set_title("Goodness of fit not computed (no Hawkes model)")
        ax.set_axis_off()
        return fig
    top = 0.0
    for side in ("A", "B"):
        qq = h["gof"]["qq"][side]
        if qq["theoretical"]:
            ax.plot(
                qq["theoretical"],
                qq["observed"],
                ".",
                color=SIDE_COLOURS[side],
                label=f"{names[side]} (KS p = {h['gof'][side]['ks_p_value']:.2g})",
            )
            top = max(top, max(qq["theoretical"]), max(qq["observed"]))
    ax.plot([0, top], [0, top], color="#555555", lw=1)
    worst = min(h["gof"][s]["ks_p_value"] or 1.0 for s in ("A", "B"))
    ax.set_title(
        "The Hawkes model fits the timing"
        if worst >= 0.05
        else "The Hawkes model misses part of the timing"
    )
    ax.set_xlabel("Exp(1) quantile")
    ax.set_ylabel("Residual quantile")
    ax.legend(loc="upper left")
    source_line(fig, SOURCE + "; randomised probability-integral transform")
    return fig
