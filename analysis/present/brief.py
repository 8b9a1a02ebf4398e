"""The brief: a report set's bottom line, generated from its results files.

The brief reads the ``*.results.json`` files that the other notebooks of its set wrote
(:func:`load_results`), collects every calibrated test of "one side's events are followed
by more events of the other side than chance and trends explain" (:func:`collect_tests`),
adjusts them for multiple testing (Benjamini–Hochberg q-values across the set), and states
a verdict for each direction by a fixed rule (:func:`verdict`; the rule is also written in
``data/README.md``):

``established``
    At least two model *families* (:data:`FAMILIES`) each have a test with q < 0.05 whose
    interval excludes no effect, in the same direction.
``suggestive``
    Exactly one family does.
``not established``
    No family does, yet the sample is large enough to see an effect: at least
    :data:`MIN_EVENTS` events on each side and tests from at least two families.
``not tested enough``
    No family does and there are enough events, but tests of only one family could be
    run; the brief says which, and why the others could not (:func:`untested`).
``too few events to say``
    Otherwise, when some test ran or the sample is small.
``not tested``
    The set runs no test of a response effect although it has enough events (a set that
    only describes or compares, such as the atlas).

A results file may list its tests itself under ``tests`` (a list of mappings with
``family``, ``direction`` (``"A->B"``: B's events follow A's), ``estimate``, ``ci_low``,
``ci_high``, ``null`` (the value of no effect), ``p_value``, optional ``q_value``,
``label``); without that list the tests are read from the known sections of notebooks 03
(pairing against chance) and 05 (reaction functions, Granger tests, Hawkes process).
Every sentence of the brief is built from these numbers, so the words change when the
evidence does.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.models import routing
from analysis.models.multiple import bh_qvalues
from analysis.present.labels import side_label
from analysis.present.tables import count, number, p_value, share

Q_LEVEL = 0.05
#: Events per side below which "not established" cannot be said.
MIN_EVENTS = 50
#: The initiator code of an attack that no source attributes.
UNKNOWN_SIDE = "UNKNOWN"
VERDICTS = (
    "established",
    "suggestive",
    "not established",
    "not tested enough",
    "too few events to say",
    "not tested",
)
DIRECTIONS = ("A->B", "B->A")
#: Test kind -> model family; two tests of one family do not count as two agreeing families.
FAMILIES = {
    "hawkes": "self-exciting point process (Hawkes)",
    "reaction": "count regression",
    "granger": "count regression",
    "var": "count regression",
    "pairing": "pairing against chance",
}
#: Plain names of the test kinds.
KIND_NAMES = {
    "hawkes": "Hawkes process: events triggered per event",
    "reaction": "reaction function: joint test of the other side's lags",
    "granger": "Granger test: summed effect on weekly counts",
    "var": "vector autoregression",
    "pairing": "responses within the window beyond chance",
}


# --------------------------------------------------------------------------- inputs


def load_results(directory: str | os.PathLike, exclude: str = "") -> dict[str, dict]:
    """The results files of one report set: notebook stem -> parsed JSON.

    Parameters
    ----------
    directory
        Where the set's ``*.results.json`` files are (a built set's output directory).
    exclude
        A stem to leave out (the brief's own).
    """
    out = {}
    directory = Path(directory)
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.results.json")):
        stem = path.name[: -len(".results.json")]
        if stem == exclude:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out[stem] = data
    return out


def _f(value: Any) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value


def _test(kind, direction, estimate, lo, hi, null, p, source, excludes=None) -> dict:
    lo, hi, null = _f(lo), _f(hi), _f(null)
    if excludes is None:
        excludes = (not math.isnan(lo) and lo > null) or (not math.isnan(hi) and hi < null)
    return {
        "kind": kind,
        "family": FAMILIES.get(kind, kind),
        "direction": direction,
        "estimate": _f(estimate),
        "ci_low": lo,
        "ci_high": hi,
        "null": null,
        "p_value": _f(p),
        "q_value": math.nan,
        "excludes_null": bool(excludes),
        "positive": bool(_f(estimate) > null) if not math.isnan(_f(estimate)) else False,
        "source": source,
        "label": KIND_NAMES.get(kind, kind),
    }


def collect_tests(results: Mapping[str, Mapping]) -> list[dict]:
    """Every test of a response effect in the results of a set, one dict per test and
    direction (see the module docstring for the fields)."""
    tests: list[dict] = []
    for stem, data in sorted(results.items()):
        listed = data.get("tests")
        # A list of tests with directions and families is taken as it is; a plain list of
        # p- and q-values (no direction) says nothing about effects, so the sections of
        # the results are read instead.
        if isinstance(listed, list) and any(
            isinstance(t, Mapping) and t.get("direction") in DIRECTIONS for t in listed
        ):
            for t in listed:
                if not isinstance(t, Mapping) or t.get("direction") not in DIRECTIONS:
                    continue
                kind = str(t.get("family") or t.get("kind") or "other")
                entry = _test(
                    kind,
                    t["direction"],
                    t.get("estimate"),
                    t.get("ci_low"),
                    t.get("ci_high"),
                    t.get("null", 0.0),
                    t.get("p_value"),
                    stem,
                )
                entry["q_value"] = _f(t.get("q_value"))
                if t.get("label"):
                    entry["label"] = str(t["label"])
                tests.append(entry)
            continue
        tests += _known_sections(stem, data)
    return [t for t in tests if not math.isnan(t["p_value"])]


def _known_sections(stem: str, data: Mapping) -> list[dict]:
    out = []
    permutation = data.get("permutation")
    if isinstance(permutation, Mapping):
        for d in DIRECTIONS:
            r = permutation.get(d) or {}
            null_ci = r.get("null_ci") or [math.nan, math.nan]
            observed = _f(r.get("observed"))
            out.append(
                _test(
                    "pairing",
                    d,
                    observed,
                    null_ci[0],
                    null_ci[1],
                    r.get("null_mean"),
                    r.get("p_value"),
                    stem,
                    excludes=observed > _f(null_ci[1]),
                )
            )
    hawkes = data.get("hawkes")
    if isinstance(hawkes, Mapping) and isinstance(hawkes.get("branching"), Mapping):
        cross = hawkes.get("cross_tests") or {}
        for d in DIRECTIONS:
            b = hawkes["branching"].get(d) or {}
            out.append(
                _test(
                    "hawkes",
                    d,
                    b.get("estimate"),
                    b.get("ci_low"),
                    b.get("ci_high"),
                    0.0,
                    (cross.get(d) or {}).get("p_value"),
                    stem,
                )
            )
    granger = data.get("granger")
    if isinstance(granger, Mapping):
        for d in DIRECTIONS:
            g = granger.get(d) or {}
            if isinstance(g, Mapping):
                out.append(
                    _test(
                        "granger",
                        d,
                        g.get("sum_coef"),
                        g.get("sum_ci_low"),
                        g.get("sum_ci_high"),
                        0.0,
                        g.get("p_value"),
                        stem,
                    )
                )
    reaction = (data.get("reaction") or {}).get("events") if data.get("reaction") else None
    if isinstance(reaction, Mapping):
        for d in DIRECTIONS:
            r = reaction.get(d) or {}
            rows = [row for row in r.get("table", []) if row.get("source") == d[0]]
            first = rows[0] if rows else {}
            out.append(
                _test(
                    "reaction",
                    d,
                    first.get("irr"),
                    first.get("ci_low"),
                    first.get("ci_high"),
                    1.0,
                    (r.get("wald_other") or {}).get("p_value"),
                    stem,
                )
            )
    return out


def sample_sizes(results: Mapping[str, Mapping]) -> dict[str, Any]:
    """Events per side (A, B), the period and the side codes, from the first results file
    that states them."""
    for data in results.values():
        sample = data.get("sample") or {}
        params = data.get("parameters") or {}
        side_a, side_b = params.get("side_a"), params.get("side_b")
        if "n_a" in sample:
            return {
                "side_a": sample.get("side_a", side_a),
                "side_b": sample.get("side_b", side_b),
                "n_a": int(sample["n_a"]),
                "n_b": int(sample["n_b"]),
                "start": sample.get("start"),
                "end": sample.get("end"),
            }
        events = sample.get("events")
        if isinstance(events, Mapping) and side_a in events and side_b in events:
            return {
                "side_a": side_a,
                "side_b": side_b,
                "n_a": int(events[side_a]),
                "n_b": int(events[side_b]),
                "start": sample.get("start"),
                "end": sample.get("end"),
            }
    return {"side_a": "", "side_b": "", "n_a": 0, "n_b": 0, "start": None, "end": None}


# --------------------------------------------------------------------------- verdict


def verdict(results: Mapping[str, Mapping], min_events: int = MIN_EVENTS) -> dict:
    """Apply the rule of the module docstring to a set's results.

    Returns
    -------
    ``{"verdict", "direction", "directions": {d: {"verdict", "families", "tried"}},
    "tests", "sample"}``; ``verdict`` is the stronger of the two directions and
    ``direction`` the direction it belongs to.
    """
    tests = collect_tests(results)
    missing = [k for k, t in enumerate(tests) if math.isnan(t["q_value"])]
    if missing:
        qs = bh_qvalues([t["p_value"] for t in tests])
        for k in missing:
            tests[k]["q_value"] = float(qs[k])
    sample = sample_sizes(results)
    enough = min(sample["n_a"], sample["n_b"]) >= min_events
    directions = {}
    for d in DIRECTIONS:
        mine = [t for t in tests if t["direction"] == d]
        for t in mine:
            t["supports"] = bool(t["q_value"] < Q_LEVEL and t["excludes_null"] and t["positive"])
        families = sorted({t["family"] for t in mine if t["supports"]})
        tried = sorted({t["family"] for t in mine})
        if len(families) >= 2:
            word = "established"
        elif len(families) == 1:
            word = "suggestive"
        elif enough and len(tried) >= 2:
            word = "not established"
        elif enough and not tests:
            word = "not tested"
        elif enough and len(tried) == 1:
            word = "not tested enough"
        else:
            word = "too few events to say"
        directions[d] = {"verdict": word, "families": families, "tried": tried}
        if word == "not tested enough":
            directions[d]["untested"] = untested(results, tried)
    best = min(DIRECTIONS, key=lambda d: (VERDICTS.index(directions[d]["verdict"]), d))
    return {
        "verdict": directions[best]["verdict"],
        "direction": best,
        "directions": directions,
        "tests": tests,
        "sample": sample,
    }


#: Which notebook's results carry each family's tests, and which models of notebook 05.
_FAMILY_SOURCES = {
    FAMILIES["hawkes"]: ("05_escalation_models", ("hawkes",)),
    FAMILIES["reaction"]: ("05_escalation_models", ("reaction", "granger", "var")),
    FAMILIES["pairing"]: ("03_tit_for_tat", ()),
}


def untested(results: Mapping[str, Mapping], tried: list[str]) -> dict[str, str]:
    """Why the families not in ``tried`` gave no test: family -> reason, from the results
    files (the reasons notebook 05 gives for a model it did not fit, the reason notebook
    03 gives for a pairing without p-value) or the absence of the notebook from the set."""
    out = {}
    for family, (stem, models) in _FAMILY_SOURCES.items():
        if family in tried:
            continue
        data = results.get(stem)
        if not isinstance(data, Mapping):
            out[family] = f"the set has no {page_title(stem).lower()} report"
            continue
        reasons = data.get("reasons") if isinstance(data.get("reasons"), Mapping) else {}
        why = next((str(reasons[m]) for m in models if reasons.get(m)), "")
        if not why and isinstance(data.get("permutation"), Mapping):
            why = next(
                (
                    str(r.get("p_value_reason"))
                    for r in data["permutation"].values()
                    if isinstance(r, Mapping) and r.get("p_value_reason")
                ),
                "",
            )
        out[family] = why.removeprefix("not fitted: ") or "its results hold no test"
    return out


def _untested_text(entry: Mapping) -> str:
    tried = " and ".join(entry.get("tried") or []) or "one kind of model"
    reasons = "; ".join(f"{k}: {v}" for k, v in (entry.get("untested") or {}).items())
    return f"only {tried} could be run" + (f" ({reasons})" if reasons else "")


# --------------------------------------------------------------------------- words


def _names(sample: Mapping, labels: Mapping[str, str] | None) -> dict[str, str]:
    return {
        "A": side_label(sample.get("side_a") or "side A", labels),
        "B": side_label(sample.get("side_b") or "side B", labels),
    }


def _day(value: Any) -> str:
    if not value:
        return "an unknown date"
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d %B %Y").lstrip("0")
    except ValueError:
        return str(value)


def _span_days(sample: Mapping) -> int | None:
    """Days from the sample's first to its last day, both included (None when unknown)."""
    try:
        start = dt.date.fromisoformat(str(sample.get("start"))[:10])
        end = dt.date.fromisoformat(str(sample.get("end"))[:10])
    except ValueError:
        return None
    return (end - start).days + 1


def _power_words(kinds: list[str], n_days: int | None) -> str:
    """How much "not established" says: the power the validation study measured for the
    tests that ran, at the longest span it measured within the sample's span."""
    found = [routing.power_short(k, n_days) for k in kinds] if n_days else []
    found = [f for f in found if f is not None]
    if not found:
        return (
            "how much that says depends on each test's power at this span, given in the "
            "validation report"
        )
    parts = [words for words, _ in found]
    powers = [value for _, value in found]
    if max(powers) < routing.POWER_TARGET:
        meaning = "so a reaction of that size could well have been missed"
    elif min(powers) >= routing.POWER_TARGET:
        meaning = "so a reaction of that size would most likely have been found"
    else:
        meaning = "so only some of them would most likely have found one of that size"
    return (
        "over a period this long the tests that ran find a planted reaction (0.2 attacks "
        "triggered per attack, 1,000 events per side) this often in the validation study: "
        f"{'; '.join(parts)}, {meaning}"
    )


def _direction_sentence(
    d: str,
    entry: Mapping,
    names: Mapping[str, str],
    kinds: list[str] | None = None,
    n_days: int | None = None,
) -> str:
    first, second = (names["A"], names["B"]) if d == "A->B" else (names["B"], names["A"])
    word = entry["verdict"]
    if word == "established":
        return (
            f"It is established that attacks by {first} are followed by more attacks by "
            f"{second} than chance and shared trends explain: "
            f"{len(entry['families'])} independent kinds of model agree."
        )
    if word == "suggestive":
        return (
            f"The evidence suggests, but does not establish, that {second} answer attacks by "
            f"{first}: only one kind of model ({entry['families'][0]}) finds it."
        )
    if word == "not established":
        return (
            f"The data do not show that {second} answer attacks by {first}; "
            f"{_power_words(kinds or [], n_days)}."
        )
    if word == "not tested enough":
        return (
            f"Whether {second} answer attacks by {first} is not tested enough: "
            f"{_untested_text(entry)}."
        )
    return f"There are too few events to say whether {second} answer attacks by {first}."


def bottom_line(
    results: Mapping[str, Mapping],
    labels: Mapping[str, str] | None = None,
    judged: Mapping | None = None,
) -> list[str]:
    """The bottom line: at most five plain sentences."""
    judged = judged or verdict(results)
    sample = judged["sample"]
    names = _names(sample, labels)
    a, b = judged["directions"]["A->B"], judged["directions"]["B->A"]
    sentences = []
    if a["verdict"] == b["verdict"] == "not tested":
        sentences.append(
            f"This set runs no test of whether {names['A']} and {names['B']} answer each "
            "other's attacks; it describes and compares, and the detailed reports of a pair "
            "of sides carry the tests."
        )
    elif a["verdict"] == b["verdict"] == "not tested enough" and a.get("untested") == b.get(
        "untested"
    ):
        sentences.append(
            f"Whether {names['A']} and {names['B']} answer each other's attacks is not tested "
            f"enough: {_untested_text(a)}."
        )
    elif a["verdict"] == b["verdict"] == "too few events to say":
        sentences.append(
            f"There are too few events to say whether {names['A']} and {names['B']} answer "
            "each other's attacks."
        )
    else:
        n_days = _span_days(sample)
        for d, entry in (("A->B", a), ("B->A", b)):
            kinds = sorted(
                {t["kind"] for t in judged["tests"] if t["direction"] == d}
                & set(routing.MODEL_TESTS)
            )
            sentence = _direction_sentence(d, entry, names, kinds, n_days)
            said = _power_words(kinds, n_days)
            if d == "B->A" and a["verdict"] == "not established" and said in sentences[-1]:
                # The same tests with the same power: said once.
                sentence = sentence.replace(said, "the tests that ran had the power given above")
            sentences.append(sentence)
    period = (
        f", from {_day(sample['start'])} to {_day(sample['end'])}"
        if sample.get("start") and sample.get("end")
        else ""
    )
    sentences.append(
        f"The table holds {count(sample['n_a'])} events initiated by {names['A']} and "
        f"{count(sample['n_b'])} by {names['B']}{period}."
    )
    stated = _stated_links(results)
    if a["verdict"] == b["verdict"] == "not tested":
        pass
    elif stated is not None:
        sentences.append(
            f"The sources state a response explicitly for {count(stated)} "
            f"event{'s' if stated != 1 else ''}; everything else is inferred from timing, "
            "which shows association, not motive."
        )
    else:
        sentences.append("These are associations in timing, not proof of motive.")
    return sentences[:5]


def _stated_links(results: Mapping[str, Mapping]) -> int | None:
    for data in results.values():
        agreement = data.get("agreement")
        if isinstance(agreement, Mapping) and "n_stated" in agreement:
            return int(agreement["n_stated"])
    return None


def key_numbers(
    results: Mapping[str, Mapping],
    labels: Mapping[str, str] | None = None,
    judged: Mapping | None = None,
    limit: int = 4,
) -> list[dict]:
    """The three or four numbers that carry the verdict, each with its interval: the
    tests of the verdict's direction, supporting ones first, then the share answered
    within the window when notebook 02 has it."""
    judged = judged or verdict(results)
    names = _names(judged["sample"], labels)
    d = judged["direction"]
    first, second = (names["A"], names["B"]) if d == "A->B" else (names["B"], names["A"])
    rows = []
    mine = [t for t in judged["tests"] if t["direction"] == d]
    mine.sort(key=lambda t: (not t.get("supports"), t["q_value"]))
    seen = set()
    for t in mine:
        if t["kind"] in seen:
            continue
        seen.add(t["kind"])
        if t["kind"] == "pairing":
            value = (
                f"{count(t['estimate'])} pairs (chance: {count(t['ci_low'])} to "
                f"{count(t['ci_high'])})"
            )
        else:
            value = f"{number(t['estimate'])} [{number(t['ci_low'])} to {number(t['ci_high'])}]"
        rows.append(
            {
                "What": f"{t['label']}, {first} → {second}",
                "Value [95% interval]": value,
                "q-value": p_value(t["q_value"]),
                "Supports": "yes" if t.get("supports") else "no",
            }
        )
    answered = _share_answered(results, d)
    if answered is not None:
        horizon, entry = answered
        rows.append(
            {
                "What": f"Attacks by {first} followed by an action of {second} within "
                f"{horizon} days",
                "Value [95% interval]": f"{share(entry.get('share'))} "
                f"[{share(entry.get('ci_low'))} to {share(entry.get('ci_high'))}]",
                "q-value": "–",
                "Supports": "timing only",
            }
        )
    return rows[:limit]


def _share_answered(results: Mapping[str, Mapping], d: str) -> tuple[str, Mapping] | None:
    for data in results.values():
        shares = data.get("share_answered")
        if isinstance(shares, Mapping) and isinstance(shares.get(d), Mapping):
            window = str((data.get("parameters") or {}).get("window_days", 7))
            entry = shares[d].get(window)
            if isinstance(entry, Mapping) and entry.get("share") is not None:
                return window, entry
    return None


def limits(
    results: Mapping[str, Mapping],
    unattributed: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """What the data cannot show: coverage against the articles' own counts, attacks with
    no known initiator, date precision."""
    out = []
    for data in results.values():
        coverage = data.get("coverage")
        if isinstance(coverage, Mapping) and coverage.get("n_claims"):
            median = coverage.get("median_coded_share")
            out.append(
                f"Coverage: where the articles give their own counts "
                f"({count(coverage['n_claims'])} claim{'s' if coverage['n_claims'] != 1 else ''}),"
                f" the table codes a median {share(median)} of the events they claim; counts "
                "and rates here are lower bounds."
            )
        if "day_precision_share" in data:
            out.append(
                f"Dates: {share(data['day_precision_share'])} of the events are dated to the "
                "day; the rest are known only to a range, week or month and are left out of "
                "the timing analyses."
            )
    if unattributed is not None:
        out.append(
            f"Attribution: {count(unattributed)} event{'s' if unattributed != 1 else ''} "
            "against these sides have no known initiator and are not counted for either side."
        )
    if not out:
        out.append("The results files say nothing about coverage or date precision.")
    out.append(
        "The table holds reported events only: what was not reported, or not coded, is missing."
    )
    return out


def page_title(stem: str) -> str:
    """A readable title for a sibling page from its file stem (``02_response_lags`` ->
    ``Response lags``)."""
    words = stem.split("_", 1)[-1].replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def brief_markdown(
    results: Mapping[str, Mapping],
    labels: Mapping[str, str] | None = None,
    unattributed: int | None = None,
) -> str:
    """The whole brief in markdown: verdict, bottom line, key numbers, limits, links."""
    judged = verdict(results)
    if not results:
        return (
            "**No results yet.** The brief is written from the results of the other reports "
            "of this set; build the set with `escalation reports` first."
        )
    lines = [f"**Verdict: {judged['verdict']}.**", ""]
    lines.append(" ".join(bottom_line(results, labels, judged)))
    lines += ["", "### The numbers behind it", ""]
    rows = key_numbers(results, labels, judged)
    if rows:
        header = list(rows[0])
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(str(r[h]) for h in header) + " |" for r in rows]
    else:
        lines.append("No test could be run on this sample.")
    lines += ["", "### What the data cannot show", ""]
    lines += [f"- {item}" for item in limits(results, unattributed, labels)]
    lines += ["", "### The detailed reports", ""]
    lines += [f"- [{page_title(stem)}]({stem}.html)" for stem in sorted(results)]
    lines += ["", "### How the verdict is decided", "", RULE_TEXT]
    return "\n".join(lines)


RULE_TEXT = (
    "*Established*: at least two independent kinds of model (Hawkes process; count "
    "regressions, i.e. reaction functions and Granger tests; pairing against chance) each "
    f"find the effect with q < {Q_LEVEL} (Benjamini–Hochberg across the set's tests) and an "
    "interval that excludes no effect. *Suggestive*: one kind does. *Not established*: none "
    f"does, with at least {MIN_EVENTS} events on each side and tests from two kinds. *Not "
    "tested enough*: none does and there are enough events, but only one kind of test could "
    "be run (the brief says why not the others). *Too few events to say*: otherwise, unless "
    "the set runs no test at all (*not tested*)."
)


def results_summary(
    results: Mapping[str, Mapping], labels: Mapping[str, str] | None = None
) -> dict:
    """The brief's own results file: the verdict, per direction, and the tests it used."""
    judged = verdict(results)
    names = _names(judged["sample"], labels)
    return {
        "notebook": "00_brief",
        "verdict": judged["verdict"],
        "direction": judged["direction"],
        "directions": judged["directions"],
        "tests": [{k: v for k, v in t.items()} for t in judged["tests"]],
        "sample": judged["sample"],
        "summary": bottom_line(results, labels, judged)[0],
        "headline": {"Verdict": judged["verdict"], "Sides": f"{names['A']} / {names['B']}"},
    }


def unattributed_count(
    events: pd.DataFrame,
    side_a: str,
    side_b: str,
    start: str | None = None,
    end: str | None = None,
) -> int:
    """Events against ``side_a`` or ``side_b`` in the period whose initiator is unknown
    (empty ``actor1_side`` or :data:`UNKNOWN_SIDE`): attacks that count for neither side."""
    if not {"actor1_side", "actor2_side", "event_date"} <= set(events.columns):
        return 0
    when = pd.to_datetime(events["event_date"], errors="coerce")
    initiator = events["actor1_side"].fillna("").astype(str).str.strip()
    keep = events["actor2_side"].isin([side_a, side_b]) & initiator.isin(["", UNKNOWN_SIDE])
    if start:
        keep &= when >= pd.Timestamp(start)
    if end:
        keep &= when <= pd.Timestamp(end)
    return int(keep.sum())
