"""The extractor on the five seed articles and on made-up reports it has never seen."""

import csv
import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import pytest

from analysis.extract.article import extract_article
from analysis.extract.lexicon import load_lexicon
from analysis.records import Article

from own_texts import events_of, own_article

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _seed(article_id: str) -> Article:
    with open(RAW / "articles.csv", encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["article_id"] == article_id)
    text = (RAW / "articles" / row["file"]).read_text(encoding="utf-8")
    return Article(
        row["article_id"],
        row["file"],
        row["outlet"],
        row["title"],
        row["author"],
        dt.date.fromisoformat(row["published"]),
        row["url"],
        text,
    )


@pytest.fixture(scope="module")
def seeds(lexicon):
    ids = [
        "2020-03-13-rudaw-taji-strikes",
        "2023-12-26-wapo-irbil-strikes",
        "2024-01-24-dw-kh-strikes",
        "2024-07-30-antiwar-babil-strike",
        "2024-07-31-washex-babil-strike",
    ]
    return {i: (_seed(i), extract_article(_seed(i), lexicon)) for i in ids}


def _find(extraction, **conditions):
    found = [
        m
        for m in extraction.mentions
        if all(
            (value(getattr(m, key)) if callable(value) else getattr(m, key) == value)
            for key, value in conditions.items()
        )
    ]
    assert found, f"no mention with {conditions}"
    return found


# --- invariants ------------------------------------------------------------------------


def test_offsets_ids_and_determinism(seeds, lexicon):
    for article, extraction in seeds.values():
        for m in extraction.mentions:
            assert article.text[m.char_start : m.char_end] == m.sentence_text
            assert m.mention_id.startswith(f"{article.article_id}:{m.sentence_index:03d}:")
            for target in m.responds_to:
                assert target in {x.mention_id for x in extraction.mentions}
        assert extract_article(article, lexicon) == extraction
        assert pickle.loads(pickle.dumps(extraction)) == extraction


def test_boilerplate_yields_nothing(seeds):
    for _, extraction in seeds.values():
        for m in extraction.mentions:
            lower = m.sentence_text.lower()
            assert "disqus" not in lower and "click here" not in lower
            assert "bosnia" not in lower and "follow him" not in lower


# --- Rudaw, 13 March 2020 ------------------------------------------------------------


def test_rudaw_taji_rocket_attack(seeds):
    _, ex = seeds["2020-03-13-rudaw-taji-strikes"]
    taji = _find(ex, location="Camp Taji", event_date="2020-03-11", weapon="rocket")
    assert {m.actor2_side for m in taji} == {"US_COALITION"}
    assert {m.admin1 for m in taji} == {"Baghdad"}
    assert max(m.killed_low for m in taji if m.killed_low is not None) == 3
    assert max(m.injured_low for m in taji if m.injured_low is not None) == 14


def test_rudaw_us_airstrikes_answer_taji(seeds):
    _, ex = seeds["2020-03-13-rudaw-taji-strikes"]
    [first_taji] = [m for m in ex.mentions if m.location == "Camp Taji"][:1]
    strikes = _find(
        ex, actor1_side="US_COALITION", actor2="Kataib Hezbollah", event_date="2020-03-13"
    )
    assert strikes[0].weapon == "manned airstrike"
    assert strikes[0].responds_to == (first_taji.mention_id,)
    assert "in response to" in strikes[0].link_text
    babil = _find(ex, admin1="Babil", event_date="2020-03-13")
    assert babil[0].actor1_side == "US_COALITION" and babil[0].killed_low == 5
    karbala = _find(ex, location="Karbala")
    assert (karbala[0].killed_low, karbala[0].injured_low) == (1, 1)
    assert karbala[0].actor1_side == "US_COALITION"


def test_rudaw_december_k1_and_january(seeds):
    _, ex = seeds["2020-03-13-rudaw-taji-strikes"]
    [k1] = _find(ex, location="K-1 Air Base")
    assert (k1.admin1, k1.killed_low, k1.date_start[:7]) == ("Kirkuk", 1, "2019-12")
    [december] = _find(ex, actor1_side="US_COALITION", date_precision="month")
    assert december.date_start == "2019-12-01" and december.responds_to == (k1.mention_id,)
    [soleimani] = _find(ex, event_date="2020-01-03")
    assert soleimani.weapon == "armed drone"
    assert soleimani.location == "Baghdad International Airport"
    assert soleimani.killed_low == 2 and soleimani.actor2_side in ("IRAN", "IRAN_ALIGNED")
    january8 = _find(ex, event_date="2020-01-08")
    assert {m.actor1_side for m in january8} == {"IRAN"}
    assert all(m.weapon == "ballistic missile" for m in january8)
    assert all(m.responds_to == (soleimani.mention_id,) for m in january8)
    assert any(m.killed_low == 0 and m.injured_low == 101 for m in january8)


# --- Washington Post, 26 December 2023 ---------------------------------------------


def test_wapo_irbil(seeds):
    _, ex = seeds["2023-12-26-wapo-irbil-strikes"]
    [drone] = _find(ex, location="Erbil Air Base")
    assert (drone.actor1, drone.event_date, drone.injured_low) == (
        "Kataib Hezbollah",
        "2023-12-25",
        3,
    )
    assert drone.weapon == "one-way drone"
    strikes = _find(ex, actor1_side="US_COALITION", event_date="2023-12-25")
    assert strikes[0].responds_to == (drone.mention_id,)
    assert any(m.killed_low is None and m.killed_best is None for m in strikes[1:])
    assert any((m.killed_low, m.injured_low) == (1, 18) for m in strikes)


# --- DW, 24 January 2024 -------------------------------------------------------------


def test_dw_strikes_count_people_not_facilities(seeds):
    _, ex = seeds["2024-01-24-dw-kh-strikes"]
    strikes = _find(ex, actor1_side="US_COALITION", event_date="2024-01-23")
    # "in response to drone and missile attacks on American troops" names a series, not
    # one event: no mention for it and no link.
    assert not any(m.responds_to for m in strikes)
    assert not any(m.actor2_side == "US_COALITION" and not m.event_date for m in ex.mentions)
    assert any((m.killed_low, m.injured_low) == (2, 4) for m in strikes)
    assert all(m.killed_low != 3 for m in strikes)
    assert any(m.actor2 == "Kataib Hezbollah" for m in strikes)
    leader = _find(ex, location="Baghdad", date_precision="month")
    assert leader[0].killed_low == 1 and leader[0].date_start == "2024-01-01"
    [aggregate] = ex.aggregates
    assert (aggregate.count_low, aggregate.period_start) == (151, "2023-10-01")


# --- Antiwar 30 July and Washington Examiner 31 July 2024 ---------------------------


def test_babil_strike_july_2024(seeds):
    _, antiwar = seeds["2024-07-30-antiwar-babil-strike"]
    assert any(
        m.admin1 == "Babil" and m.event_date == "2024-07-30" and m.killed_low == 4
        for m in antiwar.mentions
    )
    rockets = _find(antiwar, location="Ain al-Asad Air Base")
    assert rockets[0].actor1 == "" and rockets[0].actor2_side == "US_COALITION"
    tower = _find(antiwar, location="Tower 22")
    assert (tower[0].country, tower[0].killed_low) == ("Jordan", 3)
    _, washex = seeds["2024-07-31-washex-babil-strike"]
    babil = _find(washex, admin1="Babil", killed_low=4)
    assert babil[0].injured_low == 4 and babil[0].event_date == "2024-07-30"
    assert babil[0].weapon == "manned airstrike"


def test_washex_tower22_last_week_and_aggregate(seeds):
    _, ex = seeds["2024-07-31-washex-babil-strike"]
    [jordan] = _find(ex, country="Jordan")
    assert (jordan.killed_low, jordan.date_start) == (3, "2024-01-01")
    [february] = _find(ex, responds_to=(jordan.mention_id,))
    assert february.actor1_side == "US_COALITION" and february.date_start == "2024-02-01"
    last_week = _find(ex, date_precision="week", actor1_side="IRAN_ALIGNED")
    assert last_week[0].date_start == "2024-07-22"
    assert any(m.injured_low == 0 for m in last_week)
    [aggregate] = ex.aggregates
    assert (aggregate.count_low, aggregate.period_start) == (170, "2023-10-07")
    assert aggregate.actor1_side == "IRAN_ALIGNED"
    # The drone threat is not an event: no link from the strike to it.
    assert not any("threat" in m.link_text for m in ex.mentions)
    # The Houthi sentence is habitual: no mention.
    assert not any(m.actor1_side == "HOUTHIS" for m in ex.mentions)


# --- made-up reports: other actors, places, grammar ----------------------------------


def test_passive_voice_with_agent_and_number_words(lexicon):
    text = (
        "Rockets hit Balad air base north of Baghdad\n\n"
        "Balad air base was struck by Asaib Ahl al-Haq on Sunday with a barrage of rockets. "
        "Seven contractors were wounded and two dozen vehicles were damaged."
    )
    ex = extract_article(own_article(text, dt.date(2021, 6, 8)), lexicon)
    # The headline adds no event; the casualty sentence continues the attack.
    attack, follow = ex.mentions
    for m in (attack, follow):
        assert (m.actor1, m.actor1_side) == ("Asaib Ahl al-Haq", "IRAN_ALIGNED")
        assert (m.location, m.admin1, m.event_date) == (
            "Balad Air Base",
            "Salah ad Din",
            "2021-06-06",
        )
        assert m.weapon == "rocket"
    assert (attack.injured_low, follow.injured_low, follow.killed_low) == (None, 7, None)


def test_retaliation_link_with_other_sides(lexicon):
    text = (
        "Israeli jets struck Hezbollah positions near Beirut on 12 May 2022 in retaliation for "
        "a rocket attack by Hezbollah on Haifa the day before that killed a civilian."
    )
    ex = extract_article(own_article(text, dt.date(2022, 5, 14)), lexicon)
    response, cause = ex.mentions
    assert (response.actor1_side, response.actor2_side) == ("ISRAEL", "HEZBOLLAH")
    assert (response.location, cause.location) == ("Beirut", "Haifa")
    assert response.event_date == "2022-05-12" and response.responds_to == (cause.mention_id,)
    assert (cause.actor1_side, cause.weapon, cause.killed_low) == ("HEZBOLLAH", "rocket", 1)


def test_casualty_follow_up_continues_the_event(lexicon):
    text = (
        "Houthi rebels fired ballistic missiles at a tanker in the Red Sea on Thursday. "
        "Three sailors were killed and four others injured, the operator said."
    )
    ex = extract_article(own_article(text, dt.date(2024, 3, 8)), lexicon)
    first, follow = ex.mentions
    assert (first.actor1_side, first.weapon, first.event_date) == (
        "HOUTHIS",
        "ballistic missile",
        "2024-03-07",
    )
    assert (follow.actor1_side, follow.killed_low, follow.injured_low) == ("HOUTHIS", 3, 4)
    assert follow.event_date == first.event_date


def test_generic_hypothetical_and_aggregate_statements(lexicon):
    text = (
        "Militias have repeatedly attacked convoys. The army could strike militia camps. "
        "Iranian proxies have targeted U.S. bases more than 60 times since January 2024."
    )
    ex = extract_article(own_article(text, dt.date(2024, 5, 1)), lexicon)
    assert ex.mentions == ()
    [aggregate] = ex.aggregates
    assert (aggregate.count_low, aggregate.period_start, aggregate.period_end) == (
        61,
        "2024-01-01",
        "2024-05-01",
    )
    assert (aggregate.actor1_side, aggregate.actor2_side) == ("IRAN_ALIGNED", "US_COALITION")


def test_unknown_initiator_is_not_guessed(lexicon):
    text = "Two mortar rounds landed near Camp Victory in Baghdad on Monday, injuring one guard."
    ex = extract_article(own_article(text, dt.date(2019, 9, 25)), lexicon)
    [m] = ex.mentions
    assert m.actor1 == "" and m.weapon == "artillery" and m.location == "Victory Base Complex"


def test_intent_threat_and_deliberation_give_no_event(lexicon):
    text = (
        "Iraqi officials said the U.S. is preparing strikes against Kataib Hezbollah in Iraq. "
        "Hezbollah threatened a massive attack on Haifa. "
        "The Pentagon was considering a strike on Iran-backed militias in Syria. "
        "Houthi rebels vowed further missile attacks on ships in the Red Sea."
    )
    ex = extract_article(own_article(text, dt.date(2022, 5, 14)), lexicon)
    assert ex.mentions == ()


def test_an_undated_series_named_by_its_target_is_no_event(lexicon):
    series = (
        "The Iraqi army shelled militia positions in Diyala on Sunday in response to rocket "
        "attacks on its bases."
    )
    [strike] = extract_article(own_article(series, dt.date(2022, 5, 14)), lexicon).mentions
    assert strike.event_date == "2022-05-08" and strike.responds_to == ()
    # Named by a place and a toll, the same grammar reports one event and the link holds.
    located = (
        "The Iraqi army shelled militia positions in Diyala on Sunday in response to rocket "
        "attacks on Balad air base that wounded two soldiers."
    )
    strike, cause = extract_article(own_article(located, dt.date(2022, 5, 14)), lexicon).mentions
    assert strike.responds_to == (cause.mention_id,)
    assert (cause.location, cause.injured_low) == ("Balad Air Base", 2)


def test_a_measured_interval_is_chronology_not_a_response(lexicon):
    linked = (
        "Israeli jets struck Hezbollah positions in Tyre on Friday after a rocket attack by "
        "Hezbollah on Haifa."
    )
    response, cause = extract_article(own_article(linked, dt.date(2022, 5, 14)), lexicon).mentions
    assert response.responds_to == (cause.mention_id,)
    dated = (
        "Israeli jets struck Hezbollah positions in Tyre on Friday, two days after a rocket "
        "attack by Hezbollah on Haifa."
    )
    response, cause = extract_article(own_article(dated, dt.date(2022, 5, 14)), lexicon).mentions
    assert response.responds_to == () and response.link_text == ""
    # The interval still dates the earlier attack: two days before Friday 13 May.
    assert (cause.location, cause.date_start, cause.date_end) == (
        "Haifa",
        "2022-05-11",
        "2022-05-11",
    )


def test_coinciding_events_take_the_stated_date(lexicon):
    text = (
        "Houthi rebels fired a ballistic missile at Sanaa airport on Monday. "
        "The missile strike coincided with an air raid on Hodeidah and another strike in "
        "Tehran that killed two guards."
    )
    ex = extract_article(own_article(text, dt.date(2022, 5, 14)), lexicon)
    hodeidah = _find(ex, location="Al Hudaydah")[0]
    tehran = _find(ex, location="Tehran")[0]
    for m in (hodeidah, tehran):
        assert (m.event_date, m.date_precision, m.date_text) == (
            "2022-05-09",
            "day",
            "coincided with",
        )
        assert m.actor1_side != "HOUTHIS"  # a coinciding event is another event
    assert tehran.killed_low == 2
    # Without a dated event to coincide with, the text dates nothing: only the article's
    # time frame bounds the events (a week before publication, none dated in the text).
    undated = "An air raid on Hodeidah coincided with a strike in Tehran."
    ex = extract_article(own_article(undated, dt.date(2022, 5, 14)), lexicon)
    assert ex.mentions
    for m in ex.mentions:
        assert (m.date_basis, m.date_start, m.date_end) == ("frame", "2022-04-13", "2022-05-14")


def test_the_latest_strike_is_the_newest_by_date(lexicon):
    text = (
        "U.S. jets struck Kataib Hezbollah in Anbar on 3 May 2022. "
        "In February, militias attacked Balad air base, prompting a U.S. strike in March. "
        "The latest U.S. strike killed four militants, officials said."
    )
    ex = extract_article(own_article(text, dt.date(2022, 5, 14)), lexicon)
    four = _find(ex, killed_low=4)
    assert [m.event_date for m in four] == ["2022-05-03"]
    assert four[0].admin1 == "Al Anbar"


# --- wire leads, casualty phrasing, adjectives, definite references, places -----------


def test_a_wire_dateline_gives_no_date_and_no_place(lexicon):
    text = (
        "Strikes on Hodeidah\n\n"
        "SANAA, June 2 (Reuters) - Israeli warplanes on Thursday bombed the port of Hodeidah."
    )
    ex = extract_article(own_article(text, dt.date(2022, 6, 4)), lexicon)
    (m,) = ex.mentions
    assert (m.event_date, m.date_text) == ("2022-06-02", "Thursday")
    assert m.location == "Al Hudaydah" and m.actor1_side == "ISRAEL"
    text = "Strike in Yemen\n\nSANAA (AP) — An Israeli air strike hit Hodeidah on Monday."
    (m,) = extract_article(own_article(text, dt.date(2022, 6, 4)), lexicon).mentions
    assert m.event_date == "2022-05-30" and m.location == "Al Hudaydah"
    assert text[m.char_start : m.char_end] == m.sentence_text


@pytest.mark.parametrize(
    ("follow_up", "killed", "injured"),
    [
        ("Nine people, among them two children, were killed and 31 wounded in the raids.", 9, 31),
        ("The raids left 5 dead and 17 injured, medics said.", 5, 17),
        ("A senior Houthi commander was killed in the raids.", 1, None),
        ("Four guards were among the dead.", 4, None),
        ("No casualties were reported.", 0, 0),
        ("The ministry said no sailors were hurt.", None, 0),
    ],
)
def test_casualty_follow_ups_continue_the_event(lexicon, follow_up, killed, injured):
    text = "U.S. jets bombed Houthi positions in Hodeidah on Sunday. " + follow_up
    ex = extract_article(own_article(text, dt.date(2022, 6, 8)), lexicon)
    first, second = ex.mentions
    assert (second.killed_best, second.injured_best) == (killed, injured)
    assert (second.actor1_side, second.actor2_side) == ("US_COALITION", "HOUTHIS")
    assert second.event_date == first.event_date == "2022-06-05"


def test_no_immediate_reports_of_casualties_is_not_zero(lexicon):
    text = (
        "Hezbollah fired rockets at Metula on Friday. "
        "There were no immediate reports of casualties."
    )
    ex = extract_article(own_article(text, dt.date(2022, 6, 8)), lexicon)
    assert len(ex.mentions) == 1 and ex.mentions[0].killed_best is None
    assert all(m.actor1_side for m in ex.mentions)


def test_killing_and_wounding_after_the_action(lexicon):
    text = "Iranian missiles struck Sulaymaniyah on Friday, killing at least 7 and wounding 12."
    (m,) = extract_article(own_article(text, dt.date(2022, 6, 8)), lexicon).mentions
    assert (m.actor1_side, m.weapon) == ("IRAN", "missile")
    assert (m.killed_low, m.killed_high, m.injured_best) == (7, None, 12)


@pytest.mark.parametrize(
    ("sentence", "initiator", "target"),
    [
        ("An Israeli drone strike hit a car in Tyre on Monday.", "ISRAEL", ""),
        ("Iranian drones attacked Kurdish camps near Erbil on Monday.", "IRAN", ""),
        (
            "Hezbollah fired rockets at Israeli soldiers near Shlomi on Monday.",
            "HEZBOLLAH",
            "ISRAEL",
        ),
        ("American warplanes struck a depot in Mayadin on Monday.", "US_COALITION", ""),
        # Air defences defend their side: the jets fired at made the attack (data/README.md).
        ("Syrian air defences fired at Israeli jets over Qusayr on Monday.", "ISRAEL", "SYRIA_GOV"),
        (
            "The Israeli army said it had struck Hezbollah sites in Khiam on Monday.",
            "ISRAEL",
            "HEZBOLLAH",
        ),
        ("A drone attack hit the Iraqi city of Duhok on Monday.", "", ""),
    ],
)
def test_nationality_adjectives(lexicon, sentence, initiator, target):
    (m,) = extract_article(own_article(sentence, dt.date(2022, 6, 8)), lexicon).mentions
    assert (m.actor1_side, m.actor2_side) == (initiator, target)


@pytest.mark.parametrize("order", ["undated first", "dated first"])
def test_a_definite_description_is_the_event_named_before(lexicon, order):
    undated = (
        "Israel bombed Hodeidah on Saturday in retaliation for a drone attack on an Israeli "
        "city that killed one man."
    )
    dated = "The drone attack on Eilat on Tuesday was the first to kill anyone in the city."
    if order == "undated first":
        text = f"{undated} {dated}"
    else:
        text = (
            "A drone attack on Eilat on Tuesday killed one man. "
            "Israel bombed Hodeidah on Saturday in retaliation for the drone attack."
        )
    ex = extract_article(own_article(text, dt.date(2022, 6, 12)), lexicon)
    drones = [m for m in ex.mentions if m.weapon == "one-way drone"]
    roots = {
        m.mention_id for m in drones if m.sentence_index == min(d.sentence_index for d in drones)
    }
    strike = _find(ex, actor1_side="ISRAEL", location="Al Hudaydah")[0]
    assert set(strike.responds_to) <= roots and strike.responds_to
    # One event: every drone mention carries Tuesday's date.
    assert {m.event_date for m in drones} == {"2022-06-07"}


@pytest.mark.parametrize(
    ("sentence", "low", "start"),
    [
        (
            "Israeli troops have come under attack at least 9 times in the past week.",
            9,
            "2022-06-05",
        ),
        (
            "Coalition bases have been attacked more than 40 times since mid-March.",
            41,
            # Mid-March runs from 11 March.
            "2022-03-11",
        ),
        ("Militias have carried out dozens of attacks since March.", None, "2022-03-01"),
    ],
)
def test_counts_over_a_period_are_aggregates(lexicon, sentence, low, start):
    ex = extract_article(own_article(sentence, dt.date(2022, 6, 12)), lexicon)
    assert not ex.mentions
    (agg,) = ex.aggregates
    assert (agg.count_low, agg.period_start, agg.period_end) == (low, start, "2022-06-12")


@pytest.mark.parametrize(
    ("sentence", "weapon", "location", "target"),
    [
        (
            "On Friday a second drone struck near the Conoco gas field, causing minor "
            "injuries to coalition forces.",
            "one-way drone",
            "Mission Support Site Conoco",
            "US_COALITION",
        ),
        ("A rocket landed near the consulate in Erbil on Friday.", "rocket", "Erbil", ""),
        ("A drone hit an oil refinery in Kirkuk on Friday.", "one-way drone", "Kirkuk", ""),
        (
            "Three drones were shot down on Friday as they approached Harir air base.",
            "one-way drone",
            "Harir Air Base",
            "",
        ),
        (
            "Coalition forces shot down a drone over Hasakah on Friday.",
            "one-way drone",
            "Al Hasakah",
            "US_COALITION",
        ),
    ],
)
def test_bare_weapon_subjects_and_failed_attacks(lexicon, sentence, weapon, location, target):
    (m,) = extract_article(own_article(sentence, dt.date(2022, 6, 12)), lexicon).mentions
    assert (m.weapon, m.location, m.actor2_side, m.actor1_side) == (weapon, location, target, "")
    assert m.event_date == "2022-06-10"
    assert m.injured_best is None and m.killed_best is None


@pytest.mark.parametrize(
    ("sentence", "location", "country", "coordinates"),
    [
        (
            "An Israeli strike hit a house in the southern Lebanese town of Deir Seryan on Monday.",
            "Deir Seryan",
            "Lebanon",
            False,
        ),
        (
            "Rockets hit a farm near the border town of Kiryat Shmona on Monday.",
            "Qiryat Shmona",
            "Israel",
            True,
        ),
        (
            "A drone struck a checkpoint in the northern Iraqi city of Zakho on Monday.",
            "Zaxo",  # the gazetteer's name of Zakho
            "Iraq",
            True,
        ),
        (
            "A drone struck a school in the village of Tal Hamis in Syria on Monday.",
            "Tal Hamis",
            "Syria",
            False,
        ),
        ("Hezbollah fired missiles at Mount Meron on Monday.", "Mount Meron", "Israel", True),
    ],
)
def test_places_named_with_their_kind(lexicon, sentence, location, country, coordinates):
    (m,) = extract_article(own_article(sentence, dt.date(2022, 6, 12)), lexicon).mentions
    assert (m.location, m.country) == (location, country)
    assert (m.latitude is not None) == coordinates


# --- failure classes of unseen text (one sentence-level test each) ----------------------

#: A Wednesday: Monday is 5 August 2024, Tuesday the 6th.
PUBLISHED = dt.date(2024, 8, 7)


def _events(lexicon, text: str, title: str = ""):
    return events_of(text, lexicon, PUBLISHED, title)


@pytest.mark.parametrize(
    ("text", "side", "basis", "by"),
    [
        # The attacker in a prepositional phrase of the action noun.
        (
            "A rocket attack by an Iran-backed militia hit a base housing US troops in Syria "
            "on Monday.",
            "IRAN_ALIGNED",
            "stated",
            "",
        ),
        # Blamed in the next sentence, by officials of the side attacked.
        (
            "Rockets struck Ain al-Asad air base on Monday. "
            "US officials blamed Kataib Hezbollah for the attack.",
            "IRAN_ALIGNED",
            "blamed",
            "United States",
        ),
        # Claimed by the group itself.
        (
            "Two drones hit the Conoco base on Monday. "
            "The Islamic Resistance in Iraq claimed responsibility for the attack.",
            "IRAN_ALIGNED",
            "claimed",
            "Islamic Resistance in Iraq",
        ),
        # Hedged: the doer is only suspected.
        (
            "Rockets hit Ain al-Asad air base on Monday, probably fired by Iran-backed militias.",
            "IRAN_ALIGNED",
            "suspected",
            "",
        ),
        # Nobody named: the side is UNKNOWN, never empty.
        ("Rockets hit a base housing US troops in Erbil on Monday.", "UNKNOWN", "unattributed", ""),
    ],
)
def test_attribution_outside_the_action_clause(lexicon, text, side, basis, by):
    _, events = _events(lexicon, text)
    [row] = events.to_dict("records")
    assert (row["actor1_side"], row["actor1_basis"], row["attributed_by"]) == (side, basis, by)
    assert row["event_date"] == pd.Timestamp("2024-08-05")


def test_a_denial_is_recorded_not_dropped(lexicon):
    _, events = _events(
        lexicon,
        "Rockets hit Ain al-Asad air base on Monday, probably fired by Iran-backed militias. "
        "Kataib Hezbollah denied any role in the attack.",
    )
    [row] = events.to_dict("records")
    assert (row["actor1_side"], row["denied_by"]) == ("IRAN_ALIGNED", "Kataib Hezbollah")


def test_a_response_without_a_named_actor_is_by_the_side_attacked_and_linked(lexicon):
    _, events = _events(
        lexicon,
        "Militants fired rockets at a US base in Erbil on Monday. In reply, the president "
        "ordered strikes on three sites used by Kataib Hezbollah on Tuesday.",
    )
    rows = {r["actor1_side"]: r for r in events.to_dict("records")}
    assert set(rows) == {"IRAN_ALIGNED", "US_COALITION"}
    answer = rows["US_COALITION"]
    assert (answer["actor1"], answer["actor2_side"]) == ("United States", "IRAN_ALIGNED")
    assert answer["event_date"] == pd.Timestamp("2024-08-06")
    assert answer["retaliation_for"] == rows["IRAN_ALIGNED"]["event_id"]


def test_an_event_the_text_does_not_date_is_bounded_by_the_article_frame(lexicon):
    ex, events = _events(lexicon, "Militias fired rockets at Ain al-Asad air base, officials said.")
    [m] = ex.mentions
    # No date in the text: 31 days before publication to the publication date.
    assert (m.date_basis, m.date_start, m.date_end) == ("frame", "2024-07-07", "2024-08-07")
    [row] = events.to_dict("records")
    assert (row["date_start"], row["date_end"]) == (
        pd.Timestamp("2024-07-07"),
        pd.Timestamp("2024-08-07"),
    )
    assert row["date_precision"] == "month" and row["date_text"].startswith("undated")
    # A date elsewhere in the article, further back, opens the frame earlier.
    ex, _ = _events(
        lexicon,
        "US jets struck Kataib Hezbollah in Anbar on 20 June 2024. "
        "Militias fired rockets at Ain al-Asad air base, officials said.",
    )
    assert (ex.mentions[1].date_start, ex.mentions[1].date_end) == ("2024-06-20", "2024-08-07")


def test_one_operation_on_several_sites_is_one_event(lexicon):
    _, events = _events(
        lexicon,
        "On Tuesday, US jets struck three Kataib Hezbollah sites, in Jurf al-Sakhar, "
        "al-Qaim and Karbala.",
    )
    assert len(events) == 1
    assert events.iloc[0]["actor1_side"] == "US_COALITION"


def test_casualties_stay_on_their_own_event(lexicon):
    _, events = _events(
        lexicon,
        "Militias fired rockets at a US base in Erbil on Monday, wounding two soldiers. "
        "US jets struck militia sites in Anbar on Tuesday, killing five fighters.",
    )
    rows = {r["actor1_side"]: r for r in events.to_dict("records")}
    attack, strike = rows["IRAN_ALIGNED"], rows["US_COALITION"]
    assert pd.isna(attack["fatalities_best"]) and attack["injured_best"] == 2
    assert strike["fatalities_best"] == 5 and pd.isna(strike["injured_best"])


def test_a_link_stated_in_the_headline(lexicon):
    _, events = _events(
        lexicon,
        "Rockets hit a base housing US troops in Erbil on Monday, and officials blamed "
        "Kataib Hezbollah. US jets struck Kataib Hezbollah sites in Anbar on Tuesday.",
        title="US strikes militia sites after rocket attack on base",
    )
    rows = {r["actor1_side"]: r for r in events.to_dict("records")}
    assert rows["US_COALITION"]["retaliation_for"] == rows["IRAN_ALIGNED"]["event_id"]
    # Without the headline nothing states the link.
    _, events = _events(
        lexicon,
        "Rockets hit a base housing US troops in Erbil on Monday, and officials blamed "
        "Kataib Hezbollah. US jets struck Kataib Hezbollah sites in Anbar on Tuesday.",
    )
    assert set(events["retaliation_for"]) == {""}


def test_a_link_stated_in_a_later_sentence(lexicon):
    _, events = _events(
        lexicon,
        "Kataib Hezbollah fired rockets at Ain al-Asad on Sunday. US jets struck the "
        "group's depots in Anbar on Tuesday. The strikes were retaliation for the rocket "
        "fire, the Pentagon said.",
    )
    rows = {r["actor1_side"]: r for r in events.to_dict("records")}
    assert rows["US_COALITION"]["retaliation_for"] == rows["IRAN_ALIGNED"]["event_id"]


def test_a_suspected_attack_names_no_suspect(lexicon):
    # "suspected" before the action doubts the attack, not its doer: the US personnel hurt
    # are no culprit.
    _, events = _events(
        lexicon, "A suspected rocket attack on Monday hurt several US personnel at Erbil air base."
    )
    [row] = events.to_dict("records")
    assert (row["actor1_side"], row["actor1_basis"]) == ("UNKNOWN", "unattributed")
