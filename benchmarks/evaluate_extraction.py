"""Score the raw event table (no overrides) against hand-coded gold events.

Run ``python benchmarks/evaluate_extraction.py`` for the seed articles (``data/raw/`` against
``tests/data/gold_events.csv``), or ``--corpus DIR`` for a corpus made of parts (each part a
folder with ``articles/``, ``articles.csv`` and ``gold_events.csv``, as in the development
corpus): one report per part. Add ``--json`` for machine-readable output.

Gold tables follow the development corpus's conventions: one row per real-world event,
``actor_side`` and ``target_side`` among ``US``, ``IRAN`` (Iran and Iran-aligned groups),
``ISRAEL`` and ``OTHER`` (an unattributed attack is ``OTHER``), the tightest date interval
the text supports with its ``precision``, killed and injured ranges (an empty high means
"at least"), ``responds_to`` and ``required`` (0: context, not counted against recall).

Matching: a system side is mapped to a gold side by name (:func:`gold_side`); a system event
may be a gold event when the initiator sides agree, the date intervals overlap (one day of
slack) and the countries agree when both are known. Pairs are matched one to one, nearest
date first. An unmatched system event compatible with a matched gold event is a *split*
(one event reported as several), not a false positive. Reported figures: recall over the
required gold events, precision (matched and split system events over all), F1, false
positives, splits, exact dates (best day within the gold interval, day-precision gold),
casualty ranges, stated links found, and dates and killed counts right over every required
gold event (an unmatched one counts as wrong).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "tests" / "data" / "gold_events.csv"
SLACK = dt.timedelta(days=1)
_IRAN_WORDS = ("IRAN", "MILITIA", "PMF", "HEZBOLLAH", "KATA", "HOUTHI", "ANSAR", "NUJABA")


def gold_side(side: str) -> str:
    """The gold side of a system side code (``IRAN_ALIGNED`` -> ``IRAN``, ``UNKNOWN`` ->
    ``OTHER``); ``""`` for an empty one."""
    value = (side or "").upper()
    if not value:
        return ""
    if any(w in value for w in _IRAN_WORDS):
        return "IRAN"
    if value.startswith("US") or "COALITION" in value or "UNITED STATES" in value:
        return "US"
    if "ISRAEL" in value:
        return "ISRAEL"
    return "OTHER"


def _day(value) -> dt.date | None:
    text = str(value or "").strip()[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def read_gold(path: Path) -> list[dict]:
    """The gold events of ``path`` (development corpus format)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            {
                "id": r["gold_id"],
                "side": r["actor_side"],
                "country": r["country"].strip().lower(),
                "start": _day(r["date_start"]),
                "end": _day(r["date_end"]),
                "precision": r["precision"],
                "killed": (_int(r["fat_low"]), _int(r["fat_high"])),
                "injured": (_int(r["inj_low"]), _int(r["inj_high"])),
                "link": r["responds_to"],
                "required": r["required"] == "1",
            }
            for r in csv.DictReader(handle)
        ]


def system_rows(events) -> list[dict]:
    """The rows of an event table (a DataFrame) in the form :func:`evaluate` compares."""
    rows = []
    for r in events.to_dict("records"):
        start = _day(r["date_start"]) or _day(r["event_date"])
        rows.append(
            {
                "id": r["event_id"],
                "side": gold_side(r["actor1_side"]),
                "country": str(r["country"] or "").strip().lower(),
                "start": start,
                "end": _day(r["date_end"]) or _day(r["event_date"]) or start,
                "best": _day(r["event_date"]) or start,
                "killed": (_int(r["fatalities_low"]), _int(r["fatalities_high"])),
                "injured": (_int(r["injured_low"]), _int(r["injured_high"])),
                "links": [x for x in str(r["retaliation_for"] or "").split(";") if x],
            }
        )
    return rows


def _compatible(p: dict, g: dict) -> bool:
    if p["side"] != g["side"] or p["start"] is None or g["start"] is None:
        return False
    if p["country"] and g["country"] and p["country"] != g["country"]:
        return False
    return p["start"] <= g["end"] + SLACK and p["end"] >= g["start"] - SLACK


def _in_range(pred: tuple, gold: tuple) -> bool:
    low, high = gold
    plow, phigh = pred
    if plow is None:
        return False
    if high is None:  # "at least"
        return plow >= low
    return plow >= low and (phigh if phigh is not None else plow) <= high


def _date_right(p: dict, g: dict) -> bool:
    return p["best"] is not None and g["start"] - SLACK <= p["best"] <= g["end"] + SLACK


def evaluate(pred: list[dict], gold: list[dict]) -> dict:
    """Every figure listed in the module docstring, as a plain dict."""

    def distance(p: dict, g: dict) -> int:
        middle = g["start"] + (g["end"] - g["start"]) / 2
        return abs((p["best"] - middle).days)

    pairs = sorted(
        (distance(p, g), i, j)
        for i, p in enumerate(pred)
        for j, g in enumerate(gold)
        if _compatible(p, g)
    )
    to_gold: dict[int, int] = {}
    to_pred: dict[int, int] = {}
    for _, i, j in pairs:
        if i not in to_gold and j not in to_pred:
            to_gold[i], to_pred[j] = j, i
    splits = sum(
        1
        for i, p in enumerate(pred)
        if i not in to_gold and any(_compatible(p, gold[j]) for j in to_pred)
    )
    required = [j for j, g in enumerate(gold) if g["required"]]
    found = [j for j in required if j in to_pred]
    recall = len(found) / len(required) if required else 1.0
    precision = (len(to_gold) + splits) / len(pred) if pred else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def share(hits: int, total: int) -> str:
        return f"{hits}/{total}"

    matched = list(to_pred)
    day_gold = [j for j in matched if gold[j]["precision"] == "day"]
    killed = [j for j in matched if gold[j]["killed"][0] is not None]
    injured = [j for j in matched if gold[j]["injured"][0] is not None]
    day_all = [j for j in required if gold[j]["precision"] == "day"]
    killed_all = [j for j in required if gold[j]["killed"][0] is not None]
    by_id = {g["id"]: j for j, g in enumerate(gold)}
    links = [(j, by_id.get(g["link"])) for j, g in enumerate(gold) if g["link"]]
    links_ok = sum(
        1
        for j, k in links
        if j in to_pred and k in to_pred and pred[to_pred[k]]["id"] in pred[to_pred[j]]["links"]
    )
    return {
        "predicted": len(pred),
        "required_gold": len(required),
        "recall_required": round(recall, 3),
        "precision": round(precision, 3),
        "f1": round(f1, 3),
        "false_positives": len(pred) - len(to_gold) - splits,
        "splits": splits,
        "missed": [gold[j]["id"] for j in required if j not in to_pred],
        "matched": {gold[j]["id"]: pred[i]["id"] for j, i in sorted(to_pred.items())},
        "date_exact": share(
            sum(_date_right(pred[to_pred[j]], gold[j]) for j in day_gold), len(day_gold)
        ),
        "fatalities_ok": share(
            sum(_in_range(pred[to_pred[j]]["killed"], gold[j]["killed"]) for j in killed),
            len(killed),
        ),
        "injured_ok": share(
            sum(_in_range(pred[to_pred[j]]["injured"], gold[j]["injured"]) for j in injured),
            len(injured),
        ),
        "links_ok": share(links_ok, len(links)),
        "dates_right_all_required": share(
            sum(j in to_pred and _date_right(pred[to_pred[j]], gold[j]) for j in day_all),
            len(day_all),
        ),
        "killed_right_all_required": share(
            sum(
                j in to_pred and _in_range(pred[to_pred[j]]["killed"], gold[j]["killed"])
                for j in killed_all
            ),
            len(killed_all),
        ),
    }


def system_events(articles: Path, metadata: Path, lexicon: Path | None):
    """The raw event table (no overrides) of a corpus."""
    # Imported here so that --help answers without loading pandas (benchmark script).
    from analysis.events.build import build_tables
    from analysis.extract.corpus import load_corpus
    from analysis.extract.lexicon import load_lexicon

    return build_tables(load_corpus(articles, metadata), load_lexicon(lexicon)).events


def score_part(articles: Path, metadata: Path, gold: Path, lexicon: Path | None = None) -> dict:
    """:func:`evaluate` of one corpus (or part) against its gold table."""
    return evaluate(system_rows(system_events(articles, metadata, lexicon)), read_gold(gold))


def _parts(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if (p / "gold_events.csv").is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="a corpus of parts")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--articles", type=Path, default=ROOT / "data/raw/articles")
    parser.add_argument("--metadata", type=Path, default=ROOT / "data/raw/articles.csv")
    parser.add_argument("--lexicon", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        results = {
            p.name: score_part(
                p / "articles", p / "articles.csv", p / "gold_events.csv", args.lexicon
            )
            for p in _parts(args.corpus)
        }
    else:
        results = {"seeds": score_part(args.articles, args.metadata, args.gold, args.lexicon)}
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
        return 0
    for name, result in results.items():
        print(f"== {name}")
        for key, value in result.items():
            if key != "matched":
                print(f"{key:<28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
