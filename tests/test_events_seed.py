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
#: Measured F1 of the raw output (no overrides) on the seed gold, minus a small margin for
#: harmless drift: measured 0.94 (recall 14/15 required, precision 18/19).
MIN_F1 = 0.92


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
    # "airstrikes that targeted five weapons facilities": one operation, whose sites in
    # Babil and Karbala are one event.
    strikes = one(
        ev[(ev["actor1_side"] == "US_COALITION") & within(ev, "2020-03-12", "2020-03-13")],
        "13 Mar 2020 strikes",
    )
    assert strikes["admin1"] in ("Babil", "Karbala") and strikes["sites"] == 5
    assert taji["event_id"] in links(strikes)
    assert strikes["fatalities_best"] == 6  # Joint Operations Command: 5 + 1


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


def test_evaluation_on_the_seed_gold_events():
    pytest.importorskip("analysis.extract.article")
    script = load_script("evaluate_extraction")
    result = script.score_part(
        ROOT / "data/raw/articles", ROOT / "data/raw/articles.csv", script.GOLD
    )
    assert result["f1"] >= MIN_F1, result["missed"]
    assert result["links_ok"] == "5/5"
    a, b = map(int, result["dates_right_all_required"].split("/"))
    assert a == b


def _gold_row(gold_id, side, start, end, precision="day", **extra):
    row = {
        "gold_id": gold_id,
        "articles": "a",
        "actor_side": side,
        "actor": "",
        "target_side": "",
        "target": "",
        "kind": "",
        "country": "Iraq",
        "location": "",
        "date_start": start,
        "date_end": end,
        "precision": precision,
        "fat_low": "",
        "fat_high": "",
        "inj_low": "",
        "inj_high": "",
        "responds_to": "",
        "required": "1",
    }
    row.update(extra)
    return row


def test_evaluation_matches_one_to_one_on_side_date_and_country(tmp_path):
    script = load_script("evaluate_extraction")
    rows = [
        _gold_row("G1", "IRAN", "2020-03-11", "2020-03-11", fat_low="3", fat_high="3"),
        _gold_row("G2", "US", "2020-03-13", "2020-03-13", fat_low="5", responds_to="G1"),
        _gold_row("G3", "OTHER", "2019-12-01", "2019-12-31", "month", required="0"),
    ]
    path = tmp_path / "gold.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    gold = script.read_gold(path)
    events = pd.DataFrame(
        {
            "event_id": ["EV-1", "EV-2", "EV-3", "EV-4", "EV-5"],
            "event_date": ["2020-03-11", "2020-03-13", "2020-03-13", "2020-03-12", "2020-03-11"],
            "date_start": ["2020-03-11", "2020-03-12", "2020-03-13", "2020-03-12", "2020-03-11"],
            "date_end": ["2020-03-11", "2020-03-13", "2020-03-13", "2020-03-12", "2020-03-11"],
            # IRAN_ALIGNED counts as IRAN, US_COALITION as US, UNKNOWN as OTHER.
            "actor1_side": ["IRAN_ALIGNED", "US_COALITION", "US_COALITION", "UNKNOWN", "IRAN"],
            "country": ["Iraq", "Iraq", "Iraq", "Iraq", "Syria"],
            "fatalities_low": [3, 4, None, None, None],
            "fatalities_high": [3, 6, None, None, None],
            "injured_low": [None] * 5,
            "injured_high": [None] * 5,
            "retaliation_for": ["", "EV-1", "", "", ""],
        }
    )
    result = script.evaluate(script.system_rows(events), gold)
    # EV-3 is a second US event on G2's day: a split. EV-4 (OTHER, March) matches nothing;
    # EV-5 is in another country.
    assert result["matched"] == {"G1": "EV-1", "G2": "EV-2"}
    assert (result["splits"], result["false_positives"]) == (1, 2)
    assert result["recall_required"] == 1.0 and result["precision"] == 0.6
    assert result["f1"] == 0.75  # 2 * 0.6 * 1.0 / 1.6
    # G2 has "at least 5" killed: a range of 4-6 starts below it.
    assert result["fatalities_ok"] == "1/2" and result["links_ok"] == "1/1"
    assert result["dates_right_all_required"] == "2/2"
