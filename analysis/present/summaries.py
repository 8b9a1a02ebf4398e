"""Plain-words summaries for policy readers, built from a notebook's results dict.

Each function reads only the results dict (the same one written to JSON), so the summary
can never say something the results do not hold. Every number comes with its interval or
with the count it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    value = float(value)
    return f"{value:.0f}" if value == int(value) else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _ci(entry: Mapping, pct: bool = False) -> str:
    lo, hi = entry.get("ci_low"), entry.get("ci_high")
    if lo is None or hi is None:
        return "interval not available"
    fmt = _pct if pct else _num
    return f"95% CI {fmt(lo)}–{fmt(hi)}"


def _date(value: object) -> str:
    # Results hold Timestamps in the notebook and ISO strings once read back from JSON.
    return "n/a" if value is None or str(value) in ("NaT", "nan") else str(value)[:10]


def _sides(results: Mapping) -> tuple[str, str]:
    params = results.get("parameters", {})
    return params.get("side_a", "side A"), params.get("side_b", "side B")


def _route_sentence(results: Mapping) -> str:
    route = results.get("route", {})
    if route.get("name") == "descriptive":
        return (
            "The sample is small, so these are descriptions of what was coded, not tested findings."
        )
    return ""


def event_table_summary(results: Mapping) -> str:
    """Summary of notebook 01 (the event table at a glance)."""
    a, b = _sides(results)
    sample = results.get("sample", {})
    counts = sample.get("events", {})
    n_a, n_b = counts.get(a, 0), counts.get(b, 0)
    lines = [
        f"- The table holds **{n_a}** events initiated by {a} and **{n_b}** by {b} "
        f"({_date(sample.get('start'))} to {_date(sample.get('end'))})."
    ]
    deaths = results.get("deaths_known", {})
    if deaths:
        known = sum(deaths.values())
        lines.append(f"- Deaths are known for {known} of {n_a + n_b} events; the rest are unknown.")
    day = results.get("day_precision_share")
    if day is not None:
        lines.append(f"- {_pct(day)} of the events are dated to the day.")
    cov = results.get("coverage", {})
    if cov.get("n_claims"):
        lines.append(
            f"- The articles make {cov['n_claims']} aggregate claims about this dyad; the "
            f"table codes a median of {_pct(cov.get('median_coded_share'))} of the events "
            "claimed, so it is a sample of the events, not a census."
        )
    elif cov.get("reason"):
        lines.append(f"- Coverage against the articles' claims cannot be shown: {cov['reason']}.")
    return "\n".join(lines)


def lags_summary(results: Mapping, horizon: str = "7") -> str:
    """Summary of notebook 02 (response lags)."""
    a, b = _sides(results)
    names = {"A->B": (a, b), "B->A": (b, a)}
    lines = []
    for direction, (prov, resp) in names.items():
        share = results.get("share_answered", {}).get(direction, {}).get(horizon, {})
        median = results.get("median_lag_days", {}).get(direction, {})
        n = share.get("n", 0)
        if not n:
            lines.append(f"- {prov} has no coded attacks to follow.")
            continue
        km = share.get("km_share")
        km_text = (
            f"; allowing for follow-up cut short, {_pct(km)}"
            + (
                f" ({_pct(share['km_ci_low'])}–{_pct(share['km_ci_high'])})"
                if share.get("km_ci_low") is not None
                else ""
            )
            if km is not None
            else ""
        )
        lines.append(
            f"- After {n} attacks by {prov}, {resp} acted within {horizon} days after "
            f"{_pct(share.get('share'))} of them ({_ci(share, pct=True)}){km_text}. "
            f"Median time to {resp}'s next action: {_num(median.get('estimate'))} days "
            f"({_ci(median)})."
        )
    dropped = results.get("dropped_coarse", 0)
    if dropped:
        lines.append(f"- {dropped} events with coarse dates were left out of the lags.")
    lines.append(
        "- A next action is not necessarily an answer: timing alone does not show retaliation."
    )
    route = _route_sentence(results)
    if route:
        lines.append(f"- {route}")
    return "\n".join(lines)


def tit_for_tat_summary(results: Mapping) -> str:
    """Summary of notebook 03 (tit-for-tat pairing and episodes)."""
    a, b = _sides(results)
    window = results.get("parameters", {}).get("window_days", "?")
    names = {"A->B": (a, b), "B->A": (b, a)}
    lines = []
    for direction, (prov, resp) in names.items():
        perm = results.get("permutation", {}).get(direction, {})
        if not perm:
            continue
        lo, hi = perm.get("null_ci", [None, None])
        text = (
            f"- {resp} acted within {window} days of {perm.get('observed', 0)} attacks by "
            f"{prov}; chance timing alone gives about {_num(perm.get('null_mean'))} "
            f"(95% of surrogates: {_num(lo)}–{_num(hi)})"
        )
        if perm.get("p_value") is not None:
            text += f", permutation p = {perm['p_value']:.3f}"
        lines.append(text + ".")
    agreement = results.get("agreement", {})
    if agreement.get("n_stated"):
        rec = agreement.get("recall", {})
        lines.append(
            f"- The sources state {agreement['n_stated']} links; the time window recovers "
            f"{_pct(rec.get('share'))} of them ({_ci(rec, pct=True)})."
        )
    else:
        lines.append(
            "- The sources state no links between these sides to check the window against."
        )
    prop = results.get("proportionality", {})
    if prop.get("ratio") is not None:
        lines.append(
            f"- Over {prop['n_known']} pairs with known deaths on both sides, answers killed "
            f"{prop['ratio']:.2f} times as many as the attacks they followed ({_ci(prop)})."
        )
    elif prop.get("reason"):
        lines.append(f"- Proportionality cannot be measured: {prop['reason']}.")
    ep = results.get("episodes", {})
    if ep.get("n_episodes"):
        # Episodes both sides open (or close) on the same day have no single starter.
        starts = ", ".join(f"{k} {v}" for k, v in ep.get("started_by", {}).items())
        if ep.get("started_by_both"):
            starts += f", both on the same day {ep['started_by_both']}"
        ends = ", ".join(f"{k} {v}" for k, v in ep.get("ended_by", {}).items())
        if ep.get("ended_by_both"):
            ends += f", both on the same day {ep['ended_by_both']}"
        lines.append(
            f"- {ep['n_episodes']} episodes; started by {starts}; last word: {ends}; "
            f"{_pct(ep.get('one_sided', {}).get('share'))} involve one side only."
        )
    route = _route_sentence(results)
    if route:
        lines.append(f"- {route}")
    return "\n".join(lines)


def casualty_summary(results: Mapping) -> str:
    """Summary of notebook 04 (casualty trends)."""
    lines = []
    for code, tot in results.get("totals", {}).items():
        killed = tot.get("killed", {})
        if killed.get("best") is None:
            lines.append(f"- Attacks by {code}: deaths unknown for all {tot.get('n_events', 0)}.")
            continue
        span = ""
        if killed.get("low") is not None and killed.get("high") is not None:
            span = f" (range {_num(killed['low'])}–{_num(killed['high'])})"
        lines.append(
            f"- Attacks by {code} killed at least **{_num(killed['best'])}**{span} over "
            f"{killed.get('n_known', 0)} events with known deaths; "
            f"{killed.get('n_unknown', 0)} events have unknown deaths."
        )
    rate = results.get("rate_test", {})
    for code, tests in rate.items():
        if not isinstance(tests, Mapping) or "events" not in tests:
            continue
        ev = tests["events"]
        if ev.get("rate_ratio") is None:
            continue
        text = (
            f"- {code}'s daily rate of events after {rate.get('split_date')} was "
            f"{_num(ev['rate_ratio'], 2)} times the rate before ({_ci(ev)})"
        )
        if ev.get("p_value") is not None:
            text += f", p = {ev['p_value']:.3f} (bursts and slow drifts in the rate allowed)"
        lines.append(text + ".")
    route = _route_sentence(results)
    if route:
        lines.append(f"- {route}")
    return "\n".join(lines)


def median_markdown(by_direction: Mapping) -> str:
    """Bullet list of the observed (bootstrap) and Kaplan-Meier median lags per direction."""
    lines = []
    for direction, res in by_direction.items():
        obs, km = res["median_lag_days"], res["km_median_lag_days"]
        lines.append(
            f"- **{direction}**: observed median {_num(obs['estimate'])} days "
            f"(bootstrap {_ci(obs)}, n = {obs['n']}); Kaplan–Meier median "
            f"{_num(km['estimate'])} days ({_ci(km)})"
        )
    return "\n".join(lines)


def agreement_markdown(agreement: Mapping) -> str:
    """Bullet list of the recall and precision of window pairing against stated links."""
    if not agreement.get("n_stated"):
        return "*No stated links between these sides: agreement cannot be measured.*"
    return "\n".join(
        f"- **{key}**: {_pct(agreement[key]['share'])} ({_ci(agreement[key], pct=True)}, "
        f"n = {agreement[key]['n']})"
        for key in ("recall", "precision")
    )


def permutation_markdown(permutation: Mapping) -> str:
    """Bullet list of observed window pairs against the permutation null, per direction."""
    lines = []
    for direction, res in permutation.items():
        lo, hi = res["null_ci"]
        text = (
            f"- **{direction}**: observed {res['observed']} pairs; chance mean "
            f"{_num(res['null_mean'])}, 95% of surrogates {_num(lo)}–{_num(hi)}; "
        )
        if res["p_value"] is not None:
            text += f"permutation p = {res['p_value']:.3f} ({res['n_perm']} surrogates)"
        else:
            text += f"no p-value: {res['p_value_reason']}"
        if res.get("warning"):
            text += f". **Warning:** {res['warning']}"
        lines.append(text)
    return "\n".join(lines)


def proportionality_markdown(prop: Mapping) -> str:
    """One sentence on the casualty ratio of answers to attacks."""
    if prop.get("ratio") is None:
        return f"*Not measured:* {prop.get('reason')} ({prop.get('n_pairs', 0)} pairs)."
    return (
        f"Answers killed **{prop['ratio']:.2f}** times as many as the attacks they followed "
        f"({_ci(prop)}), over {prop['n_known']} of {prop['n_pairs']} pairs with deaths known "
        "on both sides."
    )
