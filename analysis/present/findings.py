"""One short sentence per report saying what it found, for the index page.

Built from a notebook's results file (the same numbers as the page), in plain names. A
results file may carry its own sentence under ``summary``; otherwise the sentence is
written here from the known sections of each notebook. Standard library only: the index
is rewritten on every build, including one with nothing to do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from analysis.present.labels import plain_text, side_label


def _num(value: Any) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value


def _count(value: Any) -> str:
    value = _num(value)
    return "–" if math.isnan(value) else f"{round(value):,}"


def _pct(value: Any) -> str:
    value = _num(value)
    return "–" if math.isnan(value) else f"{100 * value:.0f}%"


def _est(value: Any) -> str:
    value = _num(value)
    return "–" if math.isnan(value) else f"{value:.2g}"


def _plural(value: Any, word: str) -> str:
    return word if _num(value) == 1 else word + "s"


def _month(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%b %Y")
    except ValueError:
        return "?"


def _sides(results: Mapping) -> tuple[str, str, str, str]:
    params = results.get("parameters") or {}
    sample = results.get("sample") or {}
    a = params.get("side_a") or sample.get("side_a") or "side A"
    b = params.get("side_b") or sample.get("side_b") or "side B"
    return a, b, side_label(a), side_label(b)


def finding(results: Mapping, labels: Mapping[str, str] | None = None) -> str:
    """The sentence for one report; empty when nothing can be said."""
    if not isinstance(results, Mapping):
        return ""
    if isinstance(results.get("summary"), str) and results["summary"].strip():
        return plain_text(results["summary"].strip(), labels)
    writer = _WRITERS.get(str(results.get("notebook", "")))
    try:
        text = writer(results) if writer else ""
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        text = ""  # a results file of another shape: the index shows its numbers only
    return plain_text(text, labels)


def _event_table(r: Mapping) -> str:
    a, b, la, lb = _sides(r)
    sample = r.get("sample") or {}
    events = sample.get("events") or {}
    text = (
        f"{_count(events.get(a))} events by {la} and {_count(events.get(b))} by {lb}, "
        f"{_month(sample.get('start'))} to {_month(sample.get('end'))}"
    )
    if r.get("day_precision_share") is not None:
        text += f"; {_pct(r['day_precision_share'])} dated to the day"
    return text + "."


def _lags(r: Mapping) -> str:
    _, _, la, lb = _sides(r)
    window = str((r.get("parameters") or {}).get("window_days", 7))
    shares = r.get("share_answered") or {}
    ab = ((shares.get("A->B") or {}).get(window) or {}).get("share")
    ba = ((shares.get("B->A") or {}).get(window) or {}).get("share")
    return (
        f"Within {window} days, {lb} acted after {_pct(ab)} of attacks by {la}, and {la} "
        f"after {_pct(ba)} of attacks by {lb} (timing only)."
    )


def _tit_for_tat(r: Mapping) -> str:
    window = (r.get("parameters") or {}).get("window_days", 7)
    stated = (r.get("agreement") or {}).get("n_stated")
    pairs = r.get("pairs") or []
    timed = sum(1 for p in pairs if isinstance(p, Mapping) and p.get("basis") == "window")
    episodes = (r.get("episodes") or {}).get("n_episodes")
    text = f"{_count(stated)} {_plural(stated, 'response')} stated by the sources and "
    text += (
        f"{_count(timed)} more {_plural(timed, 'pair')} of attack and answer within {window} days"
    )
    if episodes is not None:
        text += f", in {_count(episodes)} {_plural(episodes, 'episode')}"
    perm = r.get("permutation") or {}
    tested = [d for d in ("A->B", "B->A") if (perm.get(d) or {}).get("p_value") is not None]
    if not tested:
        text += "; too few events to test against chance"
    return text + "."


def _casualties(r: Mapping) -> str:
    a, b, la, lb = _sides(r)
    totals = r.get("totals") or {}
    killed = {s: ((totals.get(s) or {}).get("killed") or {}) for s in (a, b)}
    unknown = sum(_num(k.get("n_unknown")) for k in killed.values() if k)
    if all(math.isnan(_num(k.get("best"))) for k in killed.values()):
        return f"Deaths are not known for any of the {_count(unknown)} events."
    return (
        f"At least {_count(killed[a].get('best'))} killed in attacks by {la} and "
        f"{_count(killed[b].get('best'))} in attacks by {lb}; deaths unknown for "
        f"{_count(unknown)} events."
    )


def _models(r: Mapping) -> str:
    _, _, la, lb = _sides(r)
    hawkes = r.get("hawkes")
    if isinstance(hawkes, Mapping) and isinstance(hawkes.get("branching"), Mapping):
        ab, ba = hawkes["branching"].get("A->B", {}), hawkes["branching"].get("B->A", {})
        return (
            f"Each attack by {la} is followed by {_est(ab.get('estimate'))} more attacks by {lb} "
            f"(95% interval {_est(ab.get('ci_low'))} to {_est(ab.get('ci_high'))}); each by {lb} "
            f"by {_est(ba.get('estimate'))} by {la} ({_est(ba.get('ci_low'))} to "
            f"{_est(ba.get('ci_high'))})."
        )
    reason = str((r.get("route") or {}).get("reason", "")).split(": ")[0].strip().rstrip(".")
    return "The escalation models were not fitted" + (f": {reason}." if reason else ".")


def _atlas(r: Mapping) -> str:
    headline = r.get("headline") or {}
    dyads = headline.get("dyads in the atlas")
    top = headline.get("most reciprocal dyad")
    text = f"{_count(dyads)} pairs of sides compared"
    if top:
        text += f"; the most reciprocal: {top}"
    return text + "."


_WRITERS = {
    "01_event_table": _event_table,
    "02_response_lags": _lags,
    "03_tit_for_tat": _tit_for_tat,
    "04_casualty_trends": _casualties,
    "05_escalation_models": _models,
    "06_atlas": _atlas,
}
