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
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.models import changepoints, granger, hawkes, hawkes_daily, reaction, var
from analysis.models.dyad import Dyad
from analysis.models.multiple import bh_qvalues
from analysis.models.routing import Route, model_route
from analysis.present import reader_tables
from analysis.present.labels import side_label
from analysis.present.tables import DASH, count, p_value

MODELS = ("reaction", "granger", "hawkes", "changepoints", "var")
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
    shift_reps: int = 99,
    seed: int = 0,
) -> dict:
    """Reaction functions (Jaeger & Paserman 2008) on events, incidence and, when deaths
    are mostly known and some occur, fatalities.

    ``buckets`` are the lag windows ``(first, last)`` in periods (default
    :data:`analysis.models.reaction.DEFAULT_BUCKETS` of ``freq``) and ``maxlags`` the HAC
    truncation lag (default: the Newey-West rule of thumb). Each outcome is
    ``{"A->B": fit, "B->A": fit}`` or ``None`` with ``"<outcome>_reason"``; a direction
    whose fit failed is ``{"failed": reason}`` and is never shown as numbers.
    """
    buckets = tuple(tuple(b) for b in buckets) if buckets else reaction.DEFAULT_BUCKETS[freq]
    out: dict = {}
    for value in reaction.OUTCOMES:
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
            dyad,
            freq=freq,
            value=value,
            buckets=buckets,
            maxlags=maxlags,
            shift_reps=shift_reps,
            seed=seed,
        )
        section = {}
        for label in ("A->B", "B->A"):
            fit = fits[label]
            if "failed" in fit:
                section[label] = {"failed": fit["failed"]}
                continue
            section[label] = {
                "table": _records(fit["table"]),
                "family": fit["family"],
                "alpha": fit["alpha"],
                "alpha_method": fit["alpha_method"],
                "scale": fit["scale"],
                "n_periods": fit["n_periods"],
                "hac_maxlags": fit["maxlags"],
                "fixed_effects": fit["fixed_effects"],
                "wald_other": fit["wald_other"],
            }
        if all("failed" in section[k] for k in ("A->B", "B->A")):
            out[value] = None
            out[f"{value}_reason"] = "; ".join(
                f"{k}: {section[k]['failed']}" for k in ("A->B", "B->A")
            )
        else:
            out[value] = section
    out["freq"] = freq
    out["buckets"] = [list(b) for b in buckets]
    return out


def var_section(dyad: Dyad, *, criterion: str = "bic") -> dict:
    """VAR of both sides' daily counts (see :mod:`analysis.models.var`)."""
    return var.dyad_var(dyad, criterion=criterion)


def add_q_values(models: dict) -> list[dict]:
    """Benjamini-Hochberg q-values across every test of the report, written next to each
    ``p_value`` (in place). Returns the list of tests in the family, each
    ``{"test": name, "p_value", "q_value"}``."""
    entries: list[tuple[str, dict, str]] = []
    r = models.get("reaction") or {}
    for value in reaction.OUTCOMES:
        for label in ("A->B", "B->A"):
            fit = (r.get(value) or {}).get(label) or {}
            if "wald_other" in fit:
                entries.append((f"reaction {value} {label}", fit["wald_other"], "p_value"))
    for label in ("A->B", "B->A"):
        g = (models.get("granger") or {}).get(label)
        if g:
            entries.append((f"Granger {label}", g, "p_value"))
        v = ((models.get("var") or {}).get("granger") or {}).get(label)
        if v:
            entries.append((f"VAR Granger {label}", v, "p_value"))
        c = ((models.get("hawkes") or {}).get("cross_tests") or {}).get(label)
        if c and "p_value" in c:
            entries.append((f"Hawkes cross-excitation {label}", c, "p_value"))
    cp = models.get("changepoints") or {}
    for side in ("A", "B"):
        for k, point in enumerate((cp.get(side) or {}).get("changepoints", [])):
            if point.get("p_value") is not None:
                entries.append((f"change point {side} {k + 1}", point, "p_value"))
    qs = bh_qvalues([e[1].get(key) for e in entries for key in [e[2]]])
    family = []
    for (name, entry, key), q in zip(entries, qs, strict=True):
        entry["q_value"] = q
        family.append({"test": name, "p_value": entry.get(key), "q_value": q})
    return family


def drop_failed(models: dict, model: str) -> None:
    """Replace a fit that did not converge by ``None`` and its reason (in place): a failed
    fit is reported as failed, never printed."""
    fit = models.get(model)
    if fit is not None and not fit.get("converged", True):
        models["reasons"][model] = fit.get("reason", f"the {model} fit failed")
        models[model] = None


def start_models(dyad: Dyad, route: Route) -> dict:
    """The results dict before any model is fitted: every model ``None``, ``runs[model]``
    says whether the sample allows it and ``reasons[model]`` why not.

    A notebook fills in one model per section (``if models["runs"]["var"]: ...``) and
    finishes with :func:`add_q_values`.
    """
    out: dict = {m: None for m in MODELS}
    out["runs"], out["reasons"], out["tests"] = {}, {}, []
    # The tables name the directions after the sides.
    out["sides"] = {"A": dyad.side_a, "B": dyad.side_b}
    if not route.allows_parametric:
        for model in MODELS:
            out["runs"][model] = False
            out["reasons"][model] = f"not fitted: {route.reason}"
        return out
    n_a, n_b = len(dyad.a), len(dyad.b)
    n_days = int((dyad.end.normalize() - dyad.start.normalize()).days) + 1
    for model in ("reaction", "granger", "var", "changepoints", "hawkes"):
        ok, why = model_route(model, n_a, n_b, n_days)
        out["runs"][model] = ok
        if not ok:
            out["reasons"][model] = f"not fitted: {why}"
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
    var_criterion: str = "bic",
    reaction_shift_reps: int = 99,
    changepoint_reps: int = 199,
) -> dict:
    """Fit every model the route allows.

    Parameters
    ----------
    dyad
        The dyad.
    route
        From :func:`analysis.models.routing.choose_route`; the models are parametric, so
        they run on the ``"parametric"`` route only, and each also needs the days and
        events of :func:`analysis.models.routing.model_route`.
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
        Penalty of the older change-point rule (kept for comparison; not used by the
        calibrated scan).
    seed
        Seed of the within-day jitter, the optimiser starts, the shifts and bootstraps.
    var_criterion
        ``"aic"`` or ``"bic"``: the criterion choosing the VAR lag order.
    reaction_shift_reps
        Time shifts calibrating the joint reaction-function test.
    changepoint_reps
        Bootstrap replicates of each change-point scan.

    Returns
    -------
    ``{"reaction", "granger", "hawkes", "changepoints", "var", "runs", "reasons",
    "tests"}``;
    ``tests`` lists every p-value of the report with its Benjamini-Hochberg q-value.
    """
    out = start_models(dyad, route)
    runs = {m: (out["runs"][m], "") for m in MODELS}
    if not route.allows_parametric:
        return out
    if runs["reaction"][0]:
        out["reaction"] = reaction_section(
            dyad,
            freq=reaction_freq,
            buckets=reaction_lags or None,
            maxlags=hac_lags,
            shift_reps=reaction_shift_reps,
            seed=seed,
        )
    if runs["granger"][0]:
        g = granger.granger_tests(dyad, freq=granger_freq, lags=granger_lags)
        if any(math.isnan(g[k]["stat"]) for k in ("A->B", "B->A")):
            out["reasons"]["granger"] = (
                f"too few {granger_freq} periods or no variation in the counts for "
                f"{granger_lags} lags"
            )
        else:
            out["granger"] = g
    if runs["var"][0]:
        out["var"] = var_section(dyad, criterion=var_criterion)
    if runs["hawkes"][0]:
        out["hawkes"] = hawkes_section(dyad, reps=hawkes_reps, seed=seed)
        drop_failed(out, "hawkes")
    if runs["changepoints"][0]:
        out["changepoints"] = changepoints.change_points(
            dyad, penalty=changepoint_penalty, reps=changepoint_reps, seed=seed
        )
    out["tests"] = add_q_values(out)
    return out


# --------------------------------------------------------------------------- tables
# Reader tables: plain side names, directions in words, numbers rounded for reading,
# estimates with their intervals; the raw numbers stay in ``models``.


def _names(models: dict, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    sides = models.get("sides") or {}
    return reader_tables.side_names(sides.get("A"), sides.get("B"), labels)


def _why(models: dict, model: str, title: str) -> pd.DataFrame:
    why = (models.get("reasons") or {}).get(model, "not fitted")
    return reader_tables.plain([{title: why}])


OUTCOME_NAMES = {
    "events": "Events per {unit}",
    "incidence": "{unit}s with any event",
    "fatalities": "Deaths per {unit}",
}


def _outcome(value: str, freq: str) -> str:
    text = OUTCOME_NAMES.get(value, value).format(unit="day" if freq == "D" else "week")
    return text[:1].upper() + text[1:]


def irr_table(
    models: dict, value: str = "events", labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Reaction functions: the effect of each lag window of the other side's events, both
    directions (incidence-rate ratios, or changes in probability for incidence)."""
    section = (models.get("reaction") or {}).get(value)
    scale = "Change in probability" if value == "incidence" else "Rate ratio (IRR)"
    columns = ["Direction", "Lag", f"{scale} [95% interval]", "p-value"]
    if not section:
        return reader_tables.plain([], columns)
    names = _names(models, labels)
    unit = "day" if models["reaction"].get("freq", "D") == "D" else "week"
    rows = []
    for label in ("A->B", "B->A"):
        source = label[0]
        if "failed" in section[label]:
            continue
        for row in section[label]["table"]:
            if row["source"] != source:
                continue
            lag = str(row.get("lags") or "")
            rows.append(
                {
                    "Direction": reader_tables.direction_text(label, names),
                    "Lag": f"{lag.replace('-', '–')} {unit}{'' if lag == '1' else 's'}",
                    columns[2]: reader_tables.with_interval(
                        row["estimate"], row["ci_low"], row["ci_high"], _irr
                    ),
                    "p-value": p_value(row["p_value"]),
                }
            )
    return reader_tables.plain(rows, columns)


def _irr(value: object) -> str:
    return reader_tables.ratio(value)


def reaction_tests_frame(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The joint test of the other side's lags, per outcome and direction: the headline
    of the reaction functions (single lag buckets are described, not tested one by one)."""
    r = models.get("reaction")
    cols = ["Outcome", "Direction", "Score statistic", "p-value", "q-value", "Note"]
    if not r:
        return _why(models, "reaction", "Reaction functions")
    names = _names(models, labels)
    freq = r.get("freq", "D")
    rows = []
    for value in reaction.OUTCOMES:
        section = r.get(value)
        blank = {"Score statistic": DASH, "p-value": DASH, "q-value": DASH}
        if section is None:
            note = r.get(f"{value}_reason", "not fitted")
            rows.append(
                {"Outcome": _outcome(value, freq), "Direction": DASH, **blank, "Note": note}
            )
            continue
        for label in ("A->B", "B->A"):
            fit = section[label]
            row = {
                "Outcome": _outcome(value, freq),
                "Direction": reader_tables.direction_text(label, names),
            }
            if "failed" in fit:
                rows.append({**row, **blank, "Note": f"fit failed: {fit['failed']}"})
                continue
            w = fit["wald_other"]
            family = {"negbin": "negative binomial", "poisson": "Poisson"}.get(
                fit["family"], fit["family"]
            )
            rows.append(
                {
                    **row,
                    "Score statistic": reader_tables.estimate(w["stat"], 3),
                    "p-value": p_value(w["p_value"]),
                    "q-value": p_value(w.get("q_value")),
                    "Note": f"{family}; fixed effects: {fit['fixed_effects']}; p-value from "
                    f"{count(w.get('shift_reps', 0))} time shifts",
                }
            )
    return reader_tables.drop_empty(reader_tables.plain(rows, cols))


def var_frame(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """VAR summary: lag orders by AIC and BIC, stability, Granger tests, ADF tests."""
    v = models.get("var")
    if not v:
        return _why(models, "var", "VAR")
    names = _names(models, labels)
    rows = []
    for label in ("A->B", "B->A"):
        g = v["granger"][label]
        rows.append(
            {
                "Test": f"Granger test from the VAR, {reader_tables.direction_text(label, names)}",
                "Statistic": reader_tables.estimate(g["stat"], 3),
                "p-value": p_value(g["p_value"]),
                "q-value": p_value(g.get("q_value")),
                "Note": f"lag order {v['order']} by {v['criterion'].upper()} "
                f"(AIC {v['orders']['aic']}, BIC {v['orders']['bic']})"
                + (
                    f"; p-value from {count(g['shift_reps'])} time shifts"
                    if g.get("shift_reps")
                    else ""
                ),
            }
        )
    for side in ("A", "B"):
        a = v["adf"][side]
        rows.append(
            {
                "Test": f"Unit root (augmented Dickey-Fuller), {names[side]}",
                "Statistic": reader_tables.estimate(a["stat"], 3),
                "p-value": p_value(a["p_value"]),
                "q-value": DASH,
                "Note": "looks stationary" if a["stationary"] else "a unit root is not rejected",
            }
        )
    rows.append(
        {
            "Test": "Stability: largest root modulus",
            "Statistic": reader_tables.estimate(v["max_root_modulus"], 3),
            "p-value": DASH,
            "q-value": DASH,
            "Note": "stable (below 1)" if v["stable"] else "NOT stable",
        }
    )
    return reader_tables.drop_empty(reader_tables.plain(rows))


_TEST_NAMES = (
    (re.compile(r"^reaction (\w+) ([AB]->[AB])$"), "Reaction function ({0}), {1}"),
    (re.compile(r"^VAR Granger ([AB]->[AB])$"), "Granger test from the VAR, {0}"),
    (re.compile(r"^Granger ([AB]->[AB])$"), "Granger test, {0}"),
    (re.compile(r"^Hawkes cross-excitation ([AB]->[AB])$"), "Hawkes cross-excitation, {0}"),
    (re.compile(r"^change point ([AB]) (\d+)$"), "Change point {1} of {0}"),
)


def plain_test_name(name: str, names: Mapping[str, str]) -> str:
    """A test of :func:`add_q_values` in words (``"Granger A->B"`` ->
    ``"Granger test, <A> → <B>"``)."""
    for pattern, words in _TEST_NAMES:
        found = pattern.match(str(name))
        if found:
            parts = [
                names.get(g, g) if g in ("A", "B") else reader_tables.direction_text(g, names)
                for g in found.groups()
            ]
            return words.format(*parts)
    return reader_tables.direction_text(name, names)


def tests_frame(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every p-value of the report with its Benjamini-Hochberg q-value."""
    names = _names(models, labels)
    rows = [
        {
            "Test": plain_test_name(t.get("test", ""), names),
            "p-value": p_value(t.get("p_value")),
            "q-value": p_value(t.get("q_value")),
        }
        for t in models.get("tests") or []
    ]
    return reader_tables.plain(rows, ["Test", "p-value", "q-value"])


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


def granger_frame(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Granger tests both ways, or a one-row table saying why there are none."""
    g = models.get("granger")
    if not g:
        return _why(models, "granger", "Granger tests")
    names = _names(models, labels)
    unit = "week" if g.get("freq", "W") == "W" else "day"
    rows = []
    for label in ("A->B", "B->A"):
        r = g[label]
        rows.append(
            {
                "Direction": reader_tables.direction_text(label, names),
                "F statistic": reader_tables.estimate(r["stat"], 3),
                "p-value": p_value(r["p_value"]),
                "q-value": p_value(r.get("q_value")),
                "Past periods": f"{count(r['lags'])} {unit}{'' if r['lags'] == 1 else 's'}",
                "Summed effect [95% interval]": reader_tables.with_interval(
                    r["sum_coef"], r["sum_ci_low"], r["sum_ci_high"]
                ),
                "Partial R²": reader_tables.estimate(r["partial_r2"]),
            }
        )
    return reader_tables.drop_empty(reader_tables.plain(rows))


def hawkes_tests_frame(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Likelihood-ratio test against 'no excitation' and goodness of fit, one row each."""
    h = models.get("hawkes")
    if not h:
        return _why(models, "hawkes", "Hawkes tests")
    names = _names(models, labels)
    lr = h["lr_test"]
    rows = [
        {
            "Test": "Excitation against none (likelihood ratio)",
            "Statistic": reader_tables.estimate(lr["stat"], 3),
            "p-value": p_value(lr["p_value_bootstrap"]),
            "Note": f"parametric bootstrap, {count(lr['reps'])} replications",
        }
    ]
    for side in ("A", "B"):
        g = h["gof"][side]
        rows.append(
            {
                "Test": f"Fit of the daily counts of {names[side]} (KS, randomised PIT)",
                "Statistic": reader_tables.estimate(g["ks_stat"], 3),
                "p-value": p_value(g["ks_p_value"]),
                "Note": f"{count(g['n'])} days",
            }
        )
    return reader_tables.plain(rows)


def hawkes_table(models: dict, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Events triggered per event of the other side (branching matrix) with intervals
    and the cross-excitation tests."""
    cols = ["Direction", "Events triggered per event [95% interval]", "p-value", "q-value"]
    h = models.get("hawkes")
    if not h:
        return reader_tables.plain([], cols)
    names = _names(models, labels)
    rows = []
    for label, est in h["branching"].items():
        test = (h.get("cross_tests") or {}).get(label) or {}
        source, target = label[0], label[-1]
        rows.append(
            {
                "Direction": reader_tables.direction_text(label, names)
                if source != target
                else f"{names[source]}, after its own events",
                cols[1]: reader_tables.with_interval(
                    est["estimate"], est["ci_low"], est["ci_high"], _num
                ),
                "p-value": p_value(test.get("p_value")),
                "q-value": p_value(test.get("q_value")),
            }
        )
    return reader_tables.drop_empty(reader_tables.plain(rows, cols))


def changepoint_table(
    models: dict, side_names: dict[str, str], labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Change points per side: date with interval, rate before and after with intervals.

    ``side_names`` maps ``"A"`` and ``"B"`` to side codes (or names); codes are shown by
    their labels."""
    cp = models.get("changepoints")
    cols = ["Side", "Date", "Date, 95% interval", "Rate before", "Rate after"]
    cols += ["p-value", "q-value"]
    if not cp:
        return reader_tables.plain([], cols)
    unit = "a week" if cp["freq"] == "W" else "a day"
    rows = []
    for side in ("A", "B"):
        for p in cp[side]["changepoints"]:
            rows.append(
                {
                    "Side": side_label(side_names[side], labels),
                    "Date": _day(p["date"]),
                    "Date, 95% interval": f"{_day(p['date_low'])} to {_day(p['date_high'])}",
                    "Rate before": _rate(p["rate_before"], p["rate_before_ci"], unit),
                    "Rate after": _rate(p["rate_after"], p["rate_after_ci"], unit),
                    "p-value": p_value(p.get("p_value")),
                    "q-value": p_value(p.get("q_value")),
                }
            )
    return reader_tables.drop_empty(reader_tables.plain(rows, cols))


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%d %b %Y").lstrip("0")


def _rate(rate: float, ci: list[float], unit: str) -> str:
    return f"{reader_tables.with_interval(rate, ci[0], ci[1], _rate_number)} {unit}"


def _rate_number(value: object) -> str:
    return reader_tables.estimate(value, 3)


# --------------------------------------------------------------------------- words


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
            fit = r[label]
            if "failed" in fit:
                lines.append(
                    f"- The reaction function of {dst} to {src} could not be fitted "
                    f"({fit['failed']})."
                )
                continue
            w = fit["wald_other"]
            q = w.get("q_value")
            q_text = f", q = {q:.2g} across this report's tests" if q is not None else ""
            verdict = "moves clearly" if w["p_value"] < 0.05 else "does not move clearly"
            lines.append(
                f"- In the reaction function (month and weekday fixed effects), {dst}'s "
                f"{'daily' if r_freq == 'D' else 'weekly'} activity {verdict} with {src}'s "
                f"activity over the previous {last} {r_unit}{'' if last == 1 else 's'} "
                f"(joint test of all lags, p = {w['p_value']:.2g}{q_text})."
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
    v = models.get("var")
    if v:
        for label in ("A->B", "B->A"):
            src, dst = names[label[0]], names[label[-1]]
            t = v["granger"][label]
            verdict = "helps" if t["p_value"] < 0.05 else "does not clearly help"
            lines.append(
                f"- In the VAR of daily counts ({v['order']} lags, "
                f"{'stable' if v['stable'] else 'NOT stable'}), {src}'s past {verdict} "
                f"predict {dst}'s (p = {t['p_value']:.2g})."
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
