"""What an event table holds, in the words the notebooks' parameters use.

:func:`describe_events` counts the sides, actors, event types and subtypes, the date span
and the mix of date precisions; :func:`describe_text` prints them with the exact values to
give ``side_a``, ``side_b``, ``types_a``, ``types_b``, ``start`` and ``end`` in a notebook
or in ``reports.yml``. ``escalation describe EVENTS`` prints that text.
"""

from __future__ import annotations

import json

import pandas as pd

from analysis.models.dyad import KEY_SEP, table_vocabulary

#: Actors listed per side (the most frequent first).
TOP_ACTORS = 10


def _counts(values: pd.Series) -> dict[str, int]:
    values = values.astype(str)
    counted = values.value_counts()
    order = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    return {str(k): int(v) for k, v in order}


def describe_events(events: pd.DataFrame) -> dict:
    """Count what ``events`` holds.

    Returns
    -------
    JSON-ready ``{"n_events", "n_dated", "start", "end", "precision", "sides", "targets",
    "dyads", "actors", "types", "subtypes"}``: ``sides`` counts events initiated per side,
    ``targets[side]`` the targets of its events (``""`` unstated), ``dyads`` the directed
    pairs ``"A -> B"``, and ``actors``, ``types``, ``subtypes`` are per initiating side.
    """
    vocab = table_vocabulary(events)
    dated = events["event_date"].dropna()
    out: dict = {
        "n_events": int(len(events)),
        "n_dated": int(len(dated)),
        "start": dated.min().date().isoformat() if len(dated) else None,
        "end": dated.max().date().isoformat() if len(dated) else None,
        "precision": _counts(events["date_precision"]) if "date_precision" in events else {},
        "sides": vocab.sides,
        "types": vocab.types,
        "subtypes": vocab.subtypes,
        "targets": {},
        "actors": {},
    }
    by_side = events["actor1_side"].astype(str)
    for side in vocab.sides:
        mine = events[by_side == side]
        out["targets"][side] = _counts(mine["actor2_side"])
        if "actor1" in mine:
            out["actors"][side] = dict(list(_counts(mine["actor1"]).items())[:TOP_ACTORS])
    pairs = events["actor1_side"].astype(str) + " -> " + events["actor2_side"].astype(str)
    out["dyads"] = {
        k.removesuffix(" -> ") + (" -> (unstated)" if k.endswith(" -> ") else ""): v
        for k, v in _counts(pairs[by_side != ""]).items()
    }
    return out


def suggested_dyad(description: dict) -> tuple[str, str] | None:
    """The two sides with most events between them (either way), or ``None``."""
    pairs: dict[frozenset, int] = {}
    for side, targets in description["targets"].items():
        for target, n in targets.items():
            if target and target != side:
                key = frozenset((side, target))
                pairs[key] = pairs.get(key, 0) + n
    if not pairs:
        return None
    best = max(pairs.items(), key=lambda kv: (kv[1], sorted(kv[0])))[0]
    a, b = sorted(best, key=lambda s: (-description["sides"].get(s, 0), s))
    return a, b


def _example_type(description: dict, side: str) -> str:
    """The side's most frequent subtype, else its most frequent event type, else ``""``."""
    for table in ("subtypes", "types"):
        found = next(iter(description[table].get(side, {})), "")
        if found:
            return found
    return ""


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def describe_text(description: dict, source: str = "") -> str:
    """The description as plain text, ending with parameter values ready to copy."""
    d = description
    lines = [f"Event table: {source}" if source else "Event table"]
    lines.append(
        f"  {d['n_events']:,} events, {d['n_dated']:,} with a date"
        + (f", from {d['start']} to {d['end']}" if d["start"] else "")
    )
    if d["precision"]:
        mix = ", ".join(f"{k or '(unknown)'} {v:,}" for k, v in d["precision"].items())
        lines.append(f"  date precision: {mix}")
    lines += ["", "Sides (events initiated; use as side_a / side_b):"]
    for side, n in d["sides"].items():
        lines.append(f"  {side:<24} {n:>9,}")
    lines += ["", "Who acts against whom (initiator -> target):"]
    for pair, n in d["dyads"].items():
        lines.append(f"  {pair:<48} {n:>9,}")
    for side, n in d["sides"].items():
        if not n:
            continue
        lines += ["", f"{side}: event types and subtypes (use in types_a / types_b)"]
        for kind, count in d["types"].get(side, {}).items():
            lines.append(f"  type     {kind:<40} {count:>9,}")
        for kind, count in d["subtypes"].get(side, {}).items():
            lines.append(f"  subtype  {kind:<40} {count:>9,}")
        actors = d["actors"].get(side, {})
        if actors:
            shown = ", ".join(f"{k or '(unnamed)'} ({v:,})" for k, v in actors.items())
            lines.append(f"  actors (most frequent first): {shown}")
    pair = suggested_dyad(d)
    lines += ["", "Parameters (notebook parameters cell, or a set's parameters in reports.yml):"]
    if pair is None:
        lines.append("  no two sides act against each other in this table")
        return "\n".join(lines) + "\n"
    a, b = pair
    sub_a = _example_type(d, a)
    sub_b = _example_type(d, b)
    lines += [
        f"  side_a = {_q(a)}",
        f"  side_b = {_q(b)}",
        "  types_a = []  # every type" + (f"; or e.g. [{_q(sub_a)}]" if sub_a else ""),
        "  types_b = []  # every type" + (f"; or e.g. [{_q(sub_b)}]" if sub_b else ""),
        f"  start = {_q(d['start'] or '')}  # full ISO dates; '' for the whole span",
        f"  end = {_q(d['end'] or '')}",
        "  (in reports.yml write name: value, e.g. side_a: " + _q(a) + ")",
    ]
    if sub_a:
        lines.append(
            f"  (an atlas key such as {_q(a + KEY_SEP + sub_a)} as side_a means the same as "
            f"side_a = {_q(a)} with types_a = [{_q(sub_a)}])"
        )
    return "\n".join(lines) + "\n"
