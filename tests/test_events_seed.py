"""The real events of the five seed articles, end to end through ``build_tables``.

These assertions are the target the extractor and the reconciliation must meet; they run
with and without the shipped overrides.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.schema import split_list

ROOT = Path(__file__).resolve().parents[1]
#: Measured figures of the raw output (no overrides), minus a small margin for harmless drift.
MIN_RECALL_REQUIRED = 0.93  # measured 1.00 (16/16) on the seed corpus
MIN_RECALL = 0.85  # measured 0.90 (19/21): G20 and G21 (optional) are not found
MIN_PRECISION = 0.94  # measured 1.00 (19/19)
MIN_LINK_PRECISION = 0.83  # measured 1.00 (6/6)


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus():
    from analysis.extract.corpus import load_corpus

    return load_corpus(ROOT / "data/raw/articles", ROOT / "data/raw/articles.csv")


@pytest.fixture(scope="module", params=["raw", "with-overrides"])
def tables(request, corpus):
    pytest.importorskip("analysis.extract.article")
    from analysis.events.build import build_tables
    from analysis.events.overrides import load_overrides
    from analysis.extract.lexicon import load_lexicon

    overrides = None
    if request.param == "with-overrides":
        overrides = load_overrides(ROOT / "data/codings/overrides.csv")
    return build_tables(corpus, load_lexicon(), overrides)


def day(value: str) -> pd.Timestamp:
    return pd.Timestamp(value)


def within(events: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Events whose interval lies inside [start, end]."""
    return (events["date_start"] >= day(start)) & (events["date_end"] <= day(end))


def one(frame: pd.DataFrame, what: str) -> pd.Series:
    assert len(frame) == 1, f"expected one {what}, found {len(frame)}:\n{frame.T}"
    return frame.iloc[0]


def links(event: pd.Series) -> list[str]:
    return split_list(event["retaliation_for"])


def test_taji_rocket_attack_and_the_strikes_answering_it(tables):
    ev = tables.events
    taji = one(
        ev[(ev["event_date"] == day("2020-03-11")) & (ev["actor2_side"] == "US_COALITION")],
        "Taji attack",
    )
    assert taji["location"] == "Taji" or taji["admin1"] == "Baghdad"
    assert (taji["fatalities_best"], taji["injured_best"]) == (3, 14)
    strikes = ev[
        (ev["actor1_side"] == "US_COALITION")
        & within(ev, "2020-03-12", "2020-03-13")
        & ev["admin1"].isin(["Babil", "Karbala"])
    ]
    assert sorted(strikes["admin1"]) == ["Babil", "Karbala"]
    assert all(taji["event_id"] in links(s) for _, s in strikes.iterrows())
    assert strikes["fatalities_best"].sum() == 6  # Joint Operations Command: 5 + 1


def test_k1_attack_and_the_december_strikes(tables):
    ev = tables.events
    december = within(ev, "2019-12-01", "2019-12-31")
    k1 = one(ev[december & (ev["actor2_side"] == "US_COALITION")], "K-1 attack")
    assert k1["location"] == "K-1" or k1["admin1"] == "Kirkuk"
    strikes = one(ev[december & (ev["actor1_side"] == "US_COALITION")], "December strikes")
    assert links(strikes) == [k1["event_id"]]


def test_baghdad_airport_and_irans_ballistic_missiles(tables):
    ev = tables.events
    airport = one(
        ev[(ev["event_date"] == day("2020-01-03")) & (ev["actor1_side"] == "US_COALITION")],
        "3 Jan 2020 strike",
    )
    assert airport["fatalities_best"] == 2
    missiles = one(
        ev[(ev["event_date"] == day("2020-01-08")) & (ev["actor1_side"] == "IRAN")],
        "8 Jan 2020 missiles",
    )
    assert missiles["weapon"] == "ballistic missile"
    assert airport["event_id"] in links(missiles)


def test_irbil_drone_attack_and_the_strikes_the_same_day(tables):
    ev = tables.events
    same_day = ev["event_date"] == day("2023-12-25")
    drone = one(ev[same_day & (ev["actor2_side"] == "US_COALITION")], "Irbil drone attack")
    assert drone["injured_best"] == 3 and drone["weapon"] == "one-way drone"
    strikes = one(ev[same_day & (ev["actor1_side"] == "US_COALITION")], "25 Dec strikes")
    assert drone["event_id"] in links(strikes)


def test_strikes_of_23_january_2024(tables):
    ev = tables.events
    strikes = one(
        ev[(ev["event_date"] == day("2024-01-23")) & (ev["actor1_side"] == "US_COALITION")],
        "23 Jan 2024 strikes",
    )
    assert (strikes["fatalities_best"], strikes["injured_best"]) == (2, 4)


def test_tower_22_and_the_february_response(tables):
    ev = tables.events
    tower = one(
        ev[within(ev, "2024-01-01", "2024-01-31") & (ev["location"] == "Tower 22")], "Tower 22"
    )
    assert tower["fatalities_best"] == 3 and tower["actor2_side"] == "US_COALITION"
    response = one(
        ev[within(ev, "2024-02-01", "2024-02-29") & (ev["actor1_side"] == "US_COALITION")],
        "February response",
    )
    assert tower["event_id"] in links(response)


def test_babil_strike_of_30_july_2024_is_one_event_from_both_articles(tables):
    ev = tables.events
    babil = one(
        ev[
            (ev["event_date"] == day("2024-07-30"))
            & (ev["admin1"] == "Babil")
            & (ev["actor1_side"] == "US_COALITION")
        ],
        "Babil strike",
    )
    assert (babil["fatalities_best"], babil["injured_best"]) == (4, 4)
    assert babil["number_of_sources"] == 2
    assert babil["sources"] == "2024-07-30-antiwar-babil-strike;2024-07-31-washex-babil-strike"
    us_on_that_day = ev[
        (ev["actor1_side"] == "US_COALITION") & within(ev, "2024-07-30", "2024-07-30")
    ]
    assert len(us_on_that_day) == 1


def test_boilerplate_gives_no_mention(tables):
    text = " ".join(tables.mentions["sentence_text"]).lower()
    for phrase in ("disqus", "click here", "check also", "bosnia", "last updated", "follow him"):
        assert phrase not in text


def test_period_claims_are_aggregates_only(tables):
    claims = " ".join(tables.aggregates["sentence_text"])
    assert "at least 170 times" in claims and "more than 150 times" in claims
    counts = sorted(int(c) for c in tables.aggregates["count_low"].dropna())
    assert 170 in counts and (150 in counts or 151 in counts)
    for sentence in tables.mentions["sentence_text"]:
        assert not re.search(r"170 times|150 times", sentence)


def test_every_mention_quotes_its_article(tables, corpus):
    texts = {a.article_id: " ".join(a.text.split()) for a in corpus}
    for _, m in tables.mentions.iterrows():
        assert " ".join(m["sentence_text"].split()) in texts[m["article_id"]]


def test_evaluation_recall_on_required_gold_events():
    pytest.importorskip("analysis.extract.article")
    script = load_script("evaluate_extraction")
    result = script.evaluate(
        script.system_events(ROOT / "data/raw/articles", ROOT / "data/raw/articles.csv", None),
        script.read_gold(script.GOLD),
    )
    assert result["recall_required"]["share"] >= MIN_RECALL_REQUIRED
    assert result["recall"]["share"] >= MIN_RECALL
    assert result["precision"]["share"] >= MIN_PRECISION, result["unmatched_system"]
    assert result["link_precision"]["share"] >= MIN_LINK_PRECISION


def test_evaluation_matches_one_to_one_on_sides_dates_and_place():
    script = load_script("evaluate_extraction")
    gold = pd.DataFrame(
        {
            "gold_id": ["G1", "G2", "G3"],
            "article_ids": ["a;b", "a", "a"],
            "event_date": ["2020-03-11", "2020-03-13", ""],
            "date_start": ["2020-03-11", "2020-03-12", "2019-12-01"],
            "date_end": ["2020-03-11", "2020-03-13", "2019-12-31"],
            "actor1_side": ["", "US_COALITION", "IRAN|IRAN_ALIGNED"],
            "actor2_side": ["US_COALITION", "IRAN_ALIGNED", "US_COALITION"],
            "weapon": ["rocket", "", ""],
            "location": ["Taji", "", ""],
            "admin1": ["Baghdad", "Babil", ""],
            "country": ["Iraq", "Iraq", "Iraq"],
            "fatalities_best": ["3", "5", ""],
            "injured_best": ["14", "", ""],
            "responds_to_gold_id": ["", "G1", ""],
            "required": [True, True, False],
            "note": ["", "", ""],
        }
    )
    events = pd.DataFrame(
        {
            "event_id": ["EV-1", "EV-2", "EV-3", "EV-4"],
            "event_date": pd.to_datetime(["2020-03-11", "2020-03-13", "2020-03-13", "2020-03-11"]),
            "date_start": pd.to_datetime(["2020-03-11", "2020-03-12", "2020-03-13", "2020-03-11"]),
            "date_end": pd.to_datetime(["2020-03-11", "2020-03-13", "2020-03-13", "2020-03-11"]),
            "actor1_side": ["", "US_COALITION", "US_COALITION", ""],
            "actor2_side": ["US_COALITION", "IRAN_ALIGNED", "", "US_COALITION"],
            "weapon": ["rocket", "", "", ""],
            "location": ["Taji", "", "", ""],
            "admin1": ["Baghdad", "Babil", "Karbala", "Baghdad"],
            "country": ["Iraq"] * 4,
            "fatalities_best": pd.array([3, 4, 1, None], dtype="Int64"),
            "injured_best": pd.array([14, None, None, None], dtype="Int64"),
            "retaliation_for": ["", "EV-1", "EV-1", ""],
            "number_of_sources": pd.array([2, 1, 1, 1], dtype="Int64"),
        }
    )
    result = script.evaluate(events, gold)
    assert result["matched"] == {"G1": "EV-1", "G2": "EV-2"}  # EV-4 loses to the stronger EV-1
    assert result["precision"]["share"] == 0.5 and result["recall_required"]["share"] == 1.0
    assert result["killed_accuracy"]["hits"] == 1 and result["killed_accuracy"]["total"] == 2
    assert result["injured_accuracy"]["share"] == 1.0
    assert (result["link_precision"]["hits"], result["link_precision"]["total"]) == (1, 2)
    assert result["link_recall"]["share"] == 1.0
    assert result["source_count_accuracy"]["share"] == 1.0
