"""Run the escalation models of one dyad under its inference route and put the results in
words and tables.

:func:`escalation_models` is the one call a notebook (or a cluster worker) makes: it fits
the reaction functions, Granger tests, bivariate Hawkes process and change points that the
route allows and returns a JSON-ready dict. A model that is not fitted is ``None`` and
``reasons[model]`` says why. The other functions turn that dict into tables and plain
words and never refit anything.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.models import changepoints, granger, hawkes, hawkes_daily, reaction
from analysis.models.dyad import Dyad
from analysis.models.routing import Route

MODELS = ("reaction", "granger", "hawkes", "changepoints")
#: Quantiles kept for the goodness-of-fit QQ plot (the JSON stays small on large tables).
QQ_POINTS = 200


def _qq(intervals: np.ndarray) -> dict:
    if len(intervals) == 0:
        return {"theoretical": [], "observed": []}
    probs = (np.arange(min(QQ_POINTS, len(intervals))) + 0.5) / min(QQ_POINTS, len(intervals))
    return {
        "theoretical": (-np.log1p(-probs)).tolist(),
        "observed": np.quantile(intervals, probs).tolist(),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def hawkes_section(dyad: Dyad, *, reps: int = 49, seed: int = 0) -> dict:
    """Fit the daily-count bivariate Hawkes process (spline baseline, triggering from
    earlier days) and run its tests: any excitation against none and each cross entry
    against zero, both by parametric bootstrap, and a randomised-PIT goodness of fit.

    A fit that did not converge from any start comes back as ``{"converged": False,
    "reason": ...}`` and is reported as failed."""
    data, fit = hawkes.fit_dyad(dyad)
    if not fit.converged:
        return {
            "converged": False,
            "reason": f"the Hawkes fit did not converge from {fit.n_starts} starting points",
        }
    out = fit.to_dict()
    out["lr_test"] = hawkes_daily.excitation_test(data, fit, reps=reps, seed=seed)
    out["cross_tests"] = hawkes.cross_excitation_tests(data, None, fit, seed=seed, reps=reps)
    gof = hawkes_daily.goodness_of_fit(data, fit, seed=seed)
    out["gof"] = {side: {k: v for k, v in gof[side].items() if k != "residuals"} for side in "AB"}
    out["gof"]["qq"] = {side: _qq(gof[side]["residuals"]) for side in "AB"}
    out["gof"]["method"] = "randomised PIT of daily counts, on the Exp(1) scale"
    frame = hawkes_daily.attribution(data, fit)
    out["attribution"] = hawkes_daily.attribution_summary(frame)
    # Per day: the probability that an event of that day was triggered by the other side.
    out["attribution"]["by_day"] = {
        "day": [pd.Timestamp(d).date().isoformat() for d in frame["day"]],
        "p_other_A": frame["p_other_A"].round(6).tolist(),
        "p_other_B": frame["p_other_B"].round(6).tolist(),
    }
    out["ties"] = (
        "daily counts: triggering from earlier days only; same-day co-occurrence is not "
        "counted as a reaction"
    )
    return out


def reaction_section(
    dyad: Dyad,
    *,
    freq: str = "D",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
) -> dict:
    """Reaction functions on event counts, and on fatalities when they are mostly known.

    ``buckets`` are the lag windows ``(first, last)`` in periods (default
    :data:`analysis.models.reaction.DEFAULT_BUCKETS` of ``freq``) and ``maxlags`` the HAC
    truncation lag (default: the Newey-West rule of thumb)."""
    buckets = tuple(tuple(b) for b in buckets) if buckets else reaction.DEFAULT_BUCKETS[freq]
    out = {}
    for value in ("events", "fatalities"):
        if value == "fatalities":
            coverage = reaction.fatality_coverage(dyad)
            if coverage < reaction.FATALITY_COVERAGE:
                out[value] = None
                out["fatalities_reason"] = (
                    f"fatalities are known for {coverage:.0%} of one side's events "
                    f"(< {reaction.FATALITY_COVERAGE:.0%}): no fatality model"
                )
                continue
        fits = reaction.reaction_functions(
            dyad, freq=freq, value=value, buckets=buckets, maxlags=maxlags
        )
        out[value] = {
            label: {
                "table": _records(fits[label]["table"]),
                "family": fits[label]["family"],
                "alpha": fits[label]["alpha"],
                "n_periods": fits[label]["n_periods"],
                "hac_maxlags": fits[label]["maxlags"],
                "wald_other": fits[label]["wald_other"],
            }
            for label in ("A->B", "B->A")
        }
    out["freq"] = freq
    out["buckets"] = [list(b) for b in buckets]
    return out


def escalation_models(
    dyad: Dyad,
    route: Route,
    *,
    reaction_freq: str = "D",
    reaction_lags: list | tuple | None = None,
    hac_lags: int | None = None,
    granger_freq: str = "W",
    granger_lags: int = 2,
    hawkes_reps: int = 49,
    changepoint_penalty: float = 2.0,
    seed: int = 0,
) -> dict:
    """Fit every model the route allows.

    Parameters
    ----------
    dyad
        The dyad.
    route
        From :func:`analysis.models.routing.choose_route`; the models are parametric, so they run
        on the ``"parametric"`` route only.
    reaction_freq, granger_freq
        ``"D"`` or ``"W"`` for the reaction functions and the Granger tests.
    reaction_lags
        Lag windows ``[first, last]`` of the reaction functions, in periods; empty or
        ``None`` for 1, 2-7, 8-14 days (1, 2, 3-4 weeks).
    hac_lags
        Newey-West truncation lag of the reaction functions; ``None`` for the rule of thumb
        ``floor(4 (n/100)^(2/9))``.
    granger_lags
        Periods of each side's past in the Granger regressions.
    hawkes_reps
        Bootstrap replications of the Hawkes likelihood-ratio test.
    changepoint_penalty
        Multiplier of ``log(n)`` in the change-point penalty.
    seed
        Seed of the within-day jitter, the optimiser starts and the bootstrap.

    Returns
    -------
    ``{"reaction", "granger", "hawkes", "changepoints", "reasons"}``.
    """
    out: dict = {"reasons": {}}
    if not route.allows_parametric:
        reason = f"not fitted: {route.reason}"
        for model in MODELS:
            out[model] = None
            out["reasons"][model] = reason
        return out
    out["reaction"] = reaction_section(
        dyad, freq=reaction_freq, buckets=reaction_lags or None, maxlags=hac_lags
    )
    g = granger.granger_tests(dyad, freq=granger_freq, lags=granger_lags)
    if any(math.isnan(g[k]["stat"]) for k in ("A->B", "B->A")):
        out["granger"] = None
        out["reasons"]["granger"] = (
            f"too few {granger_freq} periods or no variation in the counts for {granger_lags} lags"
        )
    else:
        out["granger"] = g
    out["hawkes"] = hawkes_section(dyad, reps=hawkes_reps, seed=seed)
    if not out["hawkes"].get("converged", False):
        out["reasons"]["hawkes"] = out["hawkes"].get("reason", "the Hawkes fit failed")
        out["hawkes"] = None
    out["changepoints"] = changepoints.change_points(dyad, penalty=changepoint_penalty)
    return out


# --------------------------------------------------------------------------- tables


def irr_table(models: dict, value: str = "events") -> pd.DataFrame:
    """Reaction-function IRRs to the other side's lags, both directions (short table)."""
    section = (models.get("reaction") or {}).get(value)
    if not section:
        return pd.DataFrame(columns=["direction", "term", "IRR", "95% CI", "p_value"])
    rows = []
    for label in ("A->B", "B->A"):
        source = label[0]
        for row in section[label]["table"]:
            if row["source"] != source:
                continue
            rows.append(
                {
                    "direction": label,
                    "term": row["term"],
                    "IRR": round(row["irr"], 4),
                    "95% CI": f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]",
                    "p_value": row["p_value"],
                }
            )
    return pd.DataFrame(rows)


def sample_dict(dyad: Dyad) -> dict:
    """Events per side and the period, for the results JSON."""
    return {
        "side_a": dyad.side_a,
        "side_b": dyad.side_b,
        "n_a": len(dyad.a),
        "n_b": len(dyad.b),
        "start": dyad.start,
        "end": dyad.end,
    }


def granger_frame(models: dict) -> pd.DataFrame:
    """Granger tests both ways, or a one-row table saying why there are none."""
    if not models.get("granger"):
        why = models["reasons"].get("granger", "not fitted")
        return pd.DataFrame({"Granger tests": [why]})
    return granger.granger_table(models["granger"])


def hawkes_tests_frame(models: dict) -> pd.DataFrame:
    """Likelihood-ratio test against 'no excitation' and goodness of fit, one row each."""
    h = models.get("hawkes")
    if not h:
        why = models["reasons"].get("hawkes", "not fitted")
        return pd.DataFrame({"Hawkes tests": [why]})
    lr = h["lr_test"]
    rows = [
        {
            "test": "excitation vs none (likelihood ratio)",
            "statistic": lr["stat"],
            "p_value": lr["p_value_bootstrap"],
            "note": f"parametric bootstrap, {lr['reps']} replications",
        }
    ]
    for side in ("A", "B"):
        g = h["gof"][side]
        rows.append(
            {
                "test": f"fit of side {side} daily counts (KS, randomised PIT)",
                "statistic": g["ks_stat"],
                "p_value": g["ks_p_value"],
                "note": f"{g['n']} events",
            }
        )
    return pd.DataFrame(rows)


def hawkes_table(models: dict) -> pd.DataFrame:
    """Branching matrix with intervals and cross-excitation tests."""
    h = models.get("hawkes")
    if not h:
        return pd.DataFrame(columns=["direction", "events triggered", "95% CI", "p_value"])
    rows = []
    for label, est in h["branching"].items():
        test = h["cross_tests"].get(label)
        rows.append(
            {
                "direction": label,
                "events triggered": round(est["estimate"], 3),
                "95% CI": f"[{est['ci_low']:.3f}, {est['ci_high']:.3f}]",
                "p_value": test["p_value"] if test else np.nan,
            }
        )
    return pd.DataFrame(rows)


def changepoint_table(models: dict, side_names: dict[str, str]) -> pd.DataFrame:
    """Change points per side: date with interval, rate before and after."""
    cp = models.get("changepoints")
    cols = ["side", "date", "date 95% CI", "rate before", "rate after"]
    if not cp:
        return pd.DataFrame(columns=cols)
    unit = "/wk" if cp["freq"] == "W" else "/day"
    rows = []
    for side in ("A", "B"):
        for p in cp[side]["changepoints"]:
            rows.append(
                {
                    "side": side_names[side],
                    "date": _iso(p["date"]),
                    "date 95% CI": f"{_iso(p['date_low'])} to {_iso(p['date_high'])}",
                    "rate before": _rate(p["rate_before"], p["rate_before_ci"], unit),
                    "rate after": _rate(p["rate_after"], p["rate_after_ci"], unit),
                }
            )
    return pd.DataFrame(rows, columns=cols)


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _rate(rate: float, ci: list[float], unit: str) -> str:
    return f"{rate:.1f}{unit} [{ci[0]:.1f}, {ci[1]:.1f}]"


# --------------------------------------------------------------------------- words


def _strongest_bucket(section: dict, label: str) -> dict | None:
    source = label[0]
    rows = [r for r in section[label]["table"] if r["source"] == source]
    clear = [r for r in rows if r["ci_low"] > 1 or r["ci_high"] < 1]
    if not clear:
        return None
    return max(clear, key=lambda r: abs(math.log(r["irr"])))


def summary_markdown(models: dict, side_a: str, side_b: str) -> str:
    """Plain-words summary of the fitted models for readers who skip the methods."""
    names = {"A": side_a, "B": side_b}
    if all(models.get(m) is None for m in MODELS):
        reason = next(iter(models["reasons"].values()), "")
        return (
            "**Summary.** The sample is too small for the escalation models in this report, "
            f"so none is fitted ({reason.removeprefix('not fitted: ')}) Read the counts and "
            "timelines in the other reports instead."
        )
    lines = ["**Summary.**", ""]
    h = models.get("hawkes")
    if h:
        for label in ("A->B", "B->A"):
            src, dst = names[label[0]], names[label[-1]]
            b = h["branching"][label]
            test = h["cross_tests"][label]
            lines.append(
                f"- Each event by **{src}** is followed by about {_num(b['estimate'])} extra "
                f"events by **{dst}** (95% interval {_num(b['ci_low'])} to "
                f"{_num(b['ci_high'])}): "
                f"{_excitation_verdict(test['p_value'], b['ci_low'])} that {dst} responds to "
                f"{src} soon after."
            )
        hl = h["half_life_days"]
        if hl.get("estimate") is not None:
            lines.append(
                f"- The effect of an event on the rate of later events halves in about "
                f"{hl['estimate']:.2g} days (95% interval {hl['ci_low']:.2g} to "
                f"{hl['ci_high']:.2g})."
            )
        else:
            lines.append(
                "- How fast the effect of an event fades cannot be told: its half-life is "
                "not clearly longer than a day, the resolution of the dates."
            )
    r = (models.get("reaction") or {}).get("events")
    r_freq = (models.get("reaction") or {}).get("freq", "D")
    if r:
        r_unit = "day" if r_freq == "D" else "week"
        buckets = models["reaction"].get("buckets") or reaction.DEFAULT_BUCKETS[r_freq]
        last = max(hi for _, hi in buckets)
        for label in ("A->B", "B->A"):
            src, dst = names[label[0]], names[label[-1]]
            best = _strongest_bucket(r, label)
            if best is None:
                lines.append(
                    f"- In the reaction function, {dst}'s activity does not move clearly with "
                    f"{src}'s activity over the previous {last} {r_unit}{'' if last == 1 else 's'}."
                )
            else:
                pct = (best["irr"] - 1) * 100
                when = f"{best['lags']} {r_unit}{'' if best['lags'] == '1' else 's'} earlier"
                lines.append(
                    f"- In the reaction function, each extra {src} event {when} changes "
                    f"{dst}'s expected events by {pct:+.1f}% "
                    f"(95% interval {(best['ci_low'] - 1) * 100:+.1f}% to "
                    f"{(best['ci_high'] - 1) * 100:+.1f}%)."
                )
    g = models.get("granger")
    if g:
        for label in ("A->B", "B->A"):
            src, dst = names[label[0]], names[label[-1]]
            t = g[label]
            unit = ("week" if g["freq"] == "W" else "day") + ("" if t["lags"] == 1 else "s")
            verdict = "helps" if t["p_value"] < 0.05 else "does not clearly help"
            lines.append(
                f"- {src}'s activity in the previous {t['lags']} {unit} {verdict} predict "
                f"{dst}'s (Granger test p = {t['p_value']:.2g}; summed effect "
                f"{t['sum_coef']:+.2f} events, 95% interval {t['sum_ci_low']:+.2f} to "
                f"{t['sum_ci_high']:+.2f})."
            )
    cp = models.get("changepoints")
    if cp:
        for side in ("A", "B"):
            pts = cp[side]["changepoints"]
            if pts:
                p = (
                    pts[0]
                    if len(pts) == 1
                    else max(pts, key=lambda q: abs(q["rate_after"] - q["rate_before"]))
                )
                lines.append(
                    f"- {names[side]}'s weekly activity changed around {_iso(p['date'])}, from "
                    f"{p['rate_before']:.1f} to {p['rate_after']:.1f} events a week"
                    + (f" ({len(pts)} changes in all)." if len(pts) > 1 else ".")
                )
    return "\n".join(lines)


def headline(models: dict, route: Route) -> dict:
    """At most four label -> value items for the report index."""
    out = {"Route": route.name}
    h = models.get("hawkes")
    if h:
        for label in ("A->B", "B->A"):
            b = h["branching"][label]
            out[f"Triggered {label}"] = (
                f"{_num(b['estimate'])} [{_num(b['ci_low'])}, {_num(b['ci_high'])}]"
            )
        hl = h["half_life_days"].get("estimate")
        out["Half-life (days)"] = round(hl, 2) if hl is not None else "not resolved at day level"
    else:
        out["Models"] = "not fitted (sample too small)"
    return out


def caveats_markdown(models: dict) -> str:
    """The limits of the models, in plain words."""
    items = [
        "Counts are events **reported** in the sources; changes in coverage look like changes "
        "in activity.",
        "Granger tests and excitation estimates measure whether one side's events predict the "
        "other's, not why: both sides may respond to a third factor.",
        "Dates are known to the day at best. The Hawkes model counts events per day and "
        "lets only earlier days trigger later ones: a same-day answer cannot be told from a "
        "shared shock, so it is not counted, and a half-life under a day is not reported.",
        "Events dated only to a week or month are placed at their central date, which blurs "
        "short lags.",
        "The Hawkes goodness-of-fit p-values ignore that the parameters were estimated; the "
        "likelihood-ratio test against 'no excitation' uses a parametric bootstrap with few "
        "replications, so its smallest possible p-value is 1/(reps+1).",
        "The Hawkes baseline rate follows a smooth curve (a linear spline with knots many "
        "kernel lengths apart), so a trend is not read as excitation; swings between the "
        "knots can still be. Its tests are calibrated by simulating the fitted model "
        "without the tested effect.",
    ]
    if models.get("reasons"):
        items += [f"*{m}*: {why}" for m, why in sorted(models["reasons"].items())]
    return "**Caveats.**\n\n" + "\n".join(f"- {item}" for item in items)


def _num(value: float) -> str:
    """A branching figure with enough digits that rounding never turns it into 0:
    two decimals from 0.1 up, two significant digits below (0.0023, not 0.00)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0 or abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.2g}"


def _excitation_verdict(p_value: float, ci_low: float) -> str:
    """Words for one direction of cross-excitation; "clear" needs the test and the interval
    to agree, so a reader never sees "clear" next to an interval that reaches zero. The
    interval is read as estimated, not as rounded for print: [0.002, 0.009] excludes 0."""
    if p_value >= 0.05:
        return "no clear sign"
    if ci_low > 0 and ci_low < 0.01:
        return (
            f"a clear but very small sign (test against no effect p = {p_value:.2g}; the "
            f"interval starts at {_num(ci_low)})"
        )
    if ci_low > 0:
        return f"a clear sign (test against no effect p = {p_value:.2g})"
    return (
        f"a weak sign (the test rejects no effect, p = {p_value:.2g}, but the interval reaches 0)"
    )
