"""Different places of one article are different events, and an answer to strikes on
several named towns answers each of them.

Every sentence here is written for the test. Distances are checked against published
coordinates (Bint Jbeil about 33.12 N, 35.43 E; Marjayoun about 33.36 N, 35.59 E: about
30 km apart), not against the gazetteer's own numbers.
"""

import datetime as dt

from test_reconcile import mention

from analysis.events.blocks import cluster_mentions_fast
from analysis.events.reconcile import cluster_mentions, places_apart, why_different
from analysis.extract.article import extract_article
from analysis.extract.lexicon import area_names
from analysis.records import Mention

from own_texts import own_article

#: An Israeli strike in Nabatiye on 5 Mar 2024 unless told otherwise.
ISRAELI_STRIKE = dict(
    actor1="Israel",
    actor1_side="ISRAEL",
    actor2="",
    actor2_side="",
    country="Lebanon",
    admin1="Nabatiye",
    date_start="2024-03-05",
    date_end="2024-03-05",
    event_date="2024-03-05",
)


def strike(mid: str, sentence: int, article: str = "a1", **kw) -> Mention:
    """:func:`tests.test_reconcile.mention` with :data:`ISRAELI_STRIKE` as its defaults."""
    return mention(mid, article, sentence, **{**ISRAELI_STRIKE, **kw})


BINT_JBEIL = dict(location="Bint Jbeil", latitude=33.12, longitude=35.43)
MARJAYOUN = dict(location="Marjayoun", latitude=33.36, longitude=35.59)


def test_two_towns_of_one_article_and_one_day_are_two_events():
    a, b = strike("a1-0", 0, **BINT_JBEIL), strike("a1-1", 1, **MARJAYOUN)
    assert places_apart(a, b)
    assert "different places" in why_different(a, b)
    assert len(cluster_mentions([a, b])) == 2


def test_two_towns_in_two_articles_are_left_to_the_other_clauses():
    # Another outlet may name the nearest town instead: only one article's own places split.
    a, b = strike("a1-0", 0, **BINT_JBEIL), strike("b1-0", 0, article="b1", **MARJAYOUN)
    assert not places_apart(a, b)
    assert why_different(a, b) is None


def test_a_town_and_an_unplaced_village_of_one_article_are_apart():
    # A village the gazetteer lacks has no coordinates and no admin1: its name still differs.
    a = strike("a1-0", 0, **BINT_JBEIL)
    b = strike("a1-1", 1, admin1="", location="Kfar Hamam")
    assert places_apart(a, b)
    assert len(cluster_mentions([a, b])) == 2


def test_a_place_within_ten_km_or_an_area_is_the_same_event():
    town = strike("a1-0", 0, **BINT_JBEIL)
    # 0.05 degrees of latitude is about 5.6 km.
    near = strike("a1-1", 1, location="Aynata", latitude=33.17, longitude=35.43)
    area = strike("a1-2", 2, location="Nabatiye Governorate")
    assert "Nabatiye Governorate" in area_names()
    assert not places_apart(town, near)
    assert not places_apart(town, area)
    assert len(cluster_mentions([town, area])) == 1


def test_sites_of_one_operation_in_one_article_still_join():
    # "Strikes on two sites" of one operation: the place clause is waived across sites.
    a = strike("a1-0", 0, **BINT_JBEIL)
    b = strike(
        "a1-1", 1, admin1="South Governorate", location="Tyre", latitude=33.27, longitude=35.20
    )
    both = strike("a1-2", 2, admin1="", sites=2)
    assert why_different(a, b, across_sites=True) is None
    [event] = cluster_mentions([a, b, both])
    assert len(event.members) == 3
    assert [[m.mention_id for m in c.members] for c in cluster_mentions_fast([a, b, both])] == [
        [m.mention_id for m in event.members]
    ]


TEXT = (
    "An Israeli drone struck a car in Bint Jbeil on Tuesday morning, killing one man. "
    "Hours later an Israeli air strike hit a house in Marjayoun, wounding three people. "
    "Hezbollah said it fired rockets at an army post in Metula in response to the strikes "
    "on Bint Jbeil and Marjayoun."
)


def test_strikes_on_two_towns_of_one_day_stay_two_events(lexicon):
    article = own_article(TEXT, dt.date(2024, 3, 6))
    mentions = extract_article(article, lexicon).mentions
    strikes = [m for m in mentions if m.actor1_side == "ISRAEL"]
    assert len(strikes) == 2 and strikes[0].event_date == strikes[1].event_date == "2024-03-05"
    for cluster in (cluster_mentions(mentions), cluster_mentions_fast(mentions)):
        events = [[m.mention_id for m in c.members] for c in cluster]
        assert [strikes[0].mention_id] in events and [strikes[1].mention_id] in events


def test_an_answer_to_strikes_on_two_named_towns_answers_both(lexicon):
    article = own_article(TEXT, dt.date(2024, 3, 6))
    mentions = extract_article(article, lexicon).mentions
    strikes = {m.mention_id for m in mentions if m.actor1_side == "ISRAEL"}
    [answer] = [m for m in mentions if m.actor1_side == "HEZBOLLAH"]
    assert set(answer.responds_to) == strikes


def test_a_town_named_for_its_district_is_not_a_second_cause(lexicon):
    text = (
        "An Israeli drone struck a car in Bint Jbeil on Tuesday morning, killing one man. "
        "An Israeli strike hit a house in Tyre on Tuesday. "
        "Hezbollah said it fired rockets at Metula in response to the strike on a car in "
        "Bint Jbeil in the Tyre district."
    )
    article = own_article(text, dt.date(2024, 3, 6))
    mentions = extract_article(article, lexicon).mentions
    [answer] = [m for m in mentions if m.actor1_side == "HEZBOLLAH"]
    causes = [m for m in mentions if m.mention_id in answer.responds_to]
    assert [m.location for m in causes] == ["Bent Jbail"]
