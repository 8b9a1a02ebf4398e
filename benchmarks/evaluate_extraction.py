"""Score the raw event table (no overrides) against the hand-checked gold events.

Run ``python benchmarks/evaluate_extraction.py`` (add ``--json`` for machine-readable
output). System events are matched one-to-one to gold events, greedily, strongest pairs
first; a pair is allowed when the sides agree (a gold side may list alternatives with
``|``; an empty side on either row matches anything), the date intervals overlap and the
places agree (same country and admin1, or one of them empty). Reported figures:

- precision: matched system events / system events; recall: matched gold events / gold
  events, also on the ``required`` gold events alone;
- date accuracy: ``event_date`` exact, over matched pairs whose gold date is a day;
- casualty accuracy: killed and injured ``*_best`` exact, over matched pairs with a gold
  value;
- link precision and recall: ``retaliation_for`` links whose both ends match gold events
  linked by ``responds_to_gold_id``;
- source-count accuracy: ``number_of_sources`` equals the number of gold ``article_ids``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.schema import split_list  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_events.csv"


def read_gold(path: Path) -> pd.DataFrame:
    """The gold table with text columns as ``str`` (``""`` when empty)."""
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    gold["required"] = gold["required"] == "1"
    return gold


def _side_ok(system: str, gold: str) -> bool:
    return not system or not gold or system in gold.split("|")


def _day(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).date().isoformat() if value != "" else ""


def _interval(row) -> tuple[str, str]:
    start = _day(row["date_start"]) or _day(row["event_date"])
    end = _day(row["date_end"]) or _day(row["event_date"]) or start
    return start, end


def compatible(event: pd.Series, gold: pd.Series) -> bool:
    """Whether a system event may be the gold event (sides, dates, place)."""
    if not (
        _side_ok(event["actor1_side"], gold["actor1_side"])
        and _side_ok(event["actor2_side"], gold["actor2_side"])
    ):
        return False
    (es, ee), (gs, ge) = _interval(event), _interval(gold)
    if not es or not gs or es > ge or gs > ee:
        return False
    for col in ("country", "admin1"):
        if event[col] and gold[col] and event[col] != gold[col]:
            return False
    return True


def _strength(event: pd.Series, gold: pd.Series) -> int:
    pairs = [
        (event["actor1_side"], gold["actor1_side"]),
        (event["actor2_side"], gold["actor2_side"]),
        (event["admin1"], gold["admin1"]),
        (event["location"], gold["location"]),
        (event["weapon"], gold["weapon"]),
        (_day(event["event_date"]), gold["event_date"]),
        (_day(event["date_start"]), gold["date_start"]),
    ]
    return sum(1 for s, g in pairs if s and s == g)


def match_events(events: pd.DataFrame, gold: pd.DataFrame) -> dict[str, str]:
    """Greedy one-to-one matching, strongest pairs first: gold_id -> event_id."""
    pairs = []
    for _, g in gold.iterrows():
        for _, e in events.iterrows():
            if compatible(e, g):
                pairs.append((-_strength(e, g), g["gold_id"], e["event_id"]))
    matched: dict[str, str] = {}
    used: set[str] = set()
    for _, gold_id, event_id in sorted(pairs):
        if gold_id not in matched and event_id not in used:
            matched[gold_id] = event_id
            used.add(event_id)
    return dict(sorted(matched.items()))


def _share(hits: int, total: int) -> dict:
    return {"hits": hits, "total": total, "share": round(hits / total, 4) if total else None}


def _count(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def evaluate(events: pd.DataFrame, gold: pd.DataFrame) -> dict:
    """All the figures listed in the module docstring, as a plain dict."""
    matched = match_events(events, gold)
    ev = events.set_index("event_id")
    gd = gold.set_index("gold_id")
    required = gd.index[gd["required"]]
    pairs = [(gd.loc[g], ev.loc[e]) for g, e in matched.items()]
    dated = [(g, e) for g, e in pairs if g["event_date"]]
    killed = [(g, e) for g, e in pairs if g["fatalities_best"]]
    injured = [(g, e) for g, e in pairs if g["injured_best"]]
    gold_links = {
        (g, t) for g, row in gd.iterrows() for t in row["responds_to_gold_id"].split("|") if t
    }
    to_gold = {e: g for g, e in matched.items()}
    system_links = [(e, t) for e, row in ev.iterrows() for t in split_list(row["retaliation_for"])]
    correct = {
        (to_gold[e], to_gold[t])
        for e, t in system_links
        if e in to_gold and t in to_gold and (to_gold[e], to_gold[t]) in gold_links
    }
    return {
        "system_events": len(events),
        "gold_events": len(gold),
        "matched": matched,
        "unmatched_gold": sorted(set(gd.index) - set(matched)),
        "unmatched_system": sorted(set(ev.index) - set(matched.values())),
        "precision": _share(len(matched), len(events)),
        "recall": _share(len(matched), len(gold)),
        "recall_required": _share(sum(1 for g in required if g in matched), len(required)),
        "date_accuracy": _share(
            sum(1 for g, e in dated if _day(e["event_date"]) == g["event_date"]), len(dated)
        ),
        "killed_accuracy": _share(
            sum(1 for g, e in killed if _count(e["fatalities_best"]) == g["fatalities_best"]),
            len(killed),
        ),
        "injured_accuracy": _share(
            sum(1 for g, e in injured if _count(e["injured_best"]) == g["injured_best"]),
            len(injured),
        ),
        "link_precision": _share(
            sum(
                1
                for e, t in system_links
                if e in to_gold and t in to_gold and (to_gold[e], to_gold[t]) in gold_links
            ),
            len(system_links),
        ),
        "link_recall": _share(len(correct), len(gold_links)),
        "source_count_accuracy": _share(
            sum(
                1
                for g, e in pairs
                if int(e["number_of_sources"]) == len(split_list(g["article_ids"]))
            ),
            len(pairs),
        ),
    }


def system_events(articles: Path, metadata: Path, lexicon: Path | None) -> pd.DataFrame:
    """The raw event table (no overrides) of a corpus."""
    from analysis.events.build import build_tables
    from analysis.extract.corpus import load_corpus
    from analysis.extract.lexicon import load_lexicon

    return build_tables(load_corpus(articles, metadata), load_lexicon(lexicon)).events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--articles", type=Path, default=ROOT / "data/raw/articles")
    parser.add_argument("--metadata", type=Path, default=ROOT / "data/raw/articles.csv")
    parser.add_argument("--lexicon", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    result = evaluate(
        system_events(args.articles, args.metadata, args.lexicon), read_gold(args.gold)
    )
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    for key in (
        "precision",
        "recall",
        "recall_required",
        "date_accuracy",
        "killed_accuracy",
        "injured_accuracy",
        "link_precision",
        "link_recall",
        "source_count_accuracy",
    ):
        r = result[key]
        share = "n/a" if r["share"] is None else f"{r['share']:.2f}"
        print(f"{key:<24} {share:>5}  ({r['hits']}/{r['total']})")
    print(f"{'unmatched gold':<24} {', '.join(result['unmatched_gold']) or '-'}")
    print(f"{'unmatched system':<24} {', '.join(result['unmatched_system']) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
