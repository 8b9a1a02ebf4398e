"""One operation on several sites is one event with a site count; an undated sentence
joins the event its own article dates before one that only its time frame fits. Sentences
and mentions written for these tests."""

import datetime as dt

import pytest

from analysis.events.blocks import cluster_mentions_fast
from analysis.events.reconcile import cluster_mentions, one_operation, why_different
from analysis.extract.lexicon import load_lexicon
from analysis.extract.sites import site_count
from analysis.records import Mention

from own_texts import events_of

#: A Wednesday: "on Sunday" is 4 Aug 2024, "on Friday" 2 Aug.
PUBLISHED = dt.date(2024, 8, 7)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _events(lexicon, text: str):
    return events_of(text, lexicon, PUBLISHED)[1]


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("US jets struck three sites used by the militia", 3),
        ("the airstrikes that targeted five weapons facilities in Iraq", 5),
        ("bombers hit more than 85 targets at seven locations", 85),
        ("strikes on two U.S. bases in Syria", 2),
        # Counts of people, weapons or attacks are no sites.
        ("Two soldiers were wounded at the base", None),
        ("militias fired 14 rockets at the base", None),
        ("more than 150 attacks on US bases since October", None),
        ("Three soldiers and two police officers were killed at the depot", None),
        # One site is no operation on several.
        ("a strike on one site near the border", None),
    ],
)
def test_a_site_count_is_a_number_of_places_hit(text, sites):
    assert site_count(text) == sites


def test_an_operation_on_stated_sites_is_one_event_with_the_victims_of_each_site(lexicon):
    events = _events(
        lexicon,
        "US jets struck Kataib Hezbollah depots at four sites in Iraq on Sunday. Two "
        "fighters were killed in the strike on a depot in Anbar. In Babil, one militiaman "
        "was killed in a US airstrike on a warehouse.",
    )
    assert len(events) == 1
    row = events.iloc[0]
    # Different victims at two sites: 2 + 1.
    assert row["sites"] == 4 and row["fatalities_best"] == 3 and row["country"] == "Iraq"


def test_strikes_in_two_provinces_without_a_site_count_stay_two_events(lexicon):
    events = _events(
        lexicon,
        "US jets struck Kataib Hezbollah depots in Iraq on Sunday. Two fighters were killed "
        "in the strike on a depot in Anbar. In Babil, one militiaman was killed in a US "
        "airstrike on a warehouse.",
    )
    # First-level units by their gazetteer names (data/lexicon/admin1.csv).
    assert sorted(events["admin1"]) == ["Al Anbar", "Babil"]
    assert list(events["sites"]) == [1, 1]


def test_an_operation_in_two_countries_is_placed_in_neither(lexicon):
    events = _events(
        lexicon,
        "US bombers hit more than 85 targets at seven locations in Iraq and Syria on Friday "
        "night. In Anbar, four militiamen died in the strike on a command post. Syrian "
        "state media said two soldiers were killed in an American strike near Deir ez-Zor "
        "on Friday.",
    )
    assert len(events) == 1
    row = events.iloc[0]
    assert row["sites"] == 85 and row["fatalities_best"] == 6
    assert row["country"] == "" and row["admin1"] == ""


def _m(mid: str, article: str, sentence: int, **fields) -> Mention:
    base = dict(
        actor1_side="US_COALITION",
        actor2_side="IRAN_ALIGNED",
        event_type="Explosions/Remote violence",
        country="Iraq",
        event_date="2024-08-04",
        date_start="2024-08-04",
        date_end="2024-08-04",
        date_precision="day",
    )
    base.update(fields)
    return Mention(mid, article, sentence, sentence * 100, sentence * 100 + 50, "", **base)


def test_both_clustering_paths_join_the_sites_of_one_operation():
    mentions = [
        _m("a:1", "a", 1, sites=2),
        _m("a:2", "a", 2, admin1="Anbar", killed_best=2),
        _m("a:3", "a", 3, admin1="Babil", killed_best=1),
        # Another day in Babil: not a site of the operation.
        _m(
            "a:4",
            "a",
            4,
            admin1="Babil",
            event_date="2024-08-01",
            date_start="2024-08-01",
            date_end="2024-08-01",
        ),
    ]
    assert one_operation(mentions[0], 2) and not one_operation(mentions[0], 3)
    assert why_different(mentions[1], mentions[2]) is not None
    assert why_different(mentions[1], mentions[2], across_sites=True) is None
    shapes = [
        sorted(tuple(m.mention_id for m in c.members) for c in clusters)
        for clusters in (cluster_mentions(mentions), cluster_mentions_fast(mentions))
    ]
    assert shapes[0] == shapes[1] == [("a:1", "a:2", "a:3"), ("a:4",)]


def test_a_stated_count_smaller_than_the_sites_found_joins_none():
    mentions = [
        _m("a:1", "a", 1, sites=2),
        _m("a:2", "a", 2, admin1="Anbar"),
        _m("a:3", "a", 3, admin1="Babil"),
        _m("a:5", "a", 5, admin1="Karbala"),
    ]
    clusters = cluster_mentions(mentions)
    # Three provinces for two stated sites: the count does not describe them; the report
    # stays an umbrella over three events.
    assert len(clusters) == 3
    assert [len(c.shared) for c in clusters].count(1) == 2


def test_an_undated_claim_joins_its_articles_event_before_one_its_frame_fits():
    frame = dict(
        event_date="2024-08-07",
        date_start="2024-07-07",
        date_end="2024-08-07",
        date_precision="month",
        date_basis="frame",
    )
    mentions = [
        _m(
            "a:1",
            "a",
            1,
            actor1_side="IRAN_ALIGNED",
            actor2_side="US_COALITION",
            admin1="Anbar",
            event_date="2024-08-03",
            date_start="2024-08-03",
            date_end="2024-08-03",
        ),
        # "The Islamic Resistance in Iraq claimed it had fired the missiles": undated.
        _m("a:5", "a", 5, actor1_side="IRAN_ALIGNED", actor2_side="", **frame),
        # Another article's attack in Iraq in the same weeks.
        _m(
            "b:1",
            "b",
            1,
            actor1_side="IRAN_ALIGNED",
            actor2_side="US_COALITION",
            admin1="Erbil",
            event_date="2024-07-20",
            date_start="2024-07-20",
            date_end="2024-07-20",
        ),
    ]
    for clusters in (cluster_mentions(mentions), cluster_mentions_fast(mentions)):
        shape = sorted(tuple(m.mention_id for m in c.members) for c in clusters)
        assert shape == [("a:1", "a:5"), ("b:1",)]


def test_nearby_places_in_two_provinces_are_one_place_and_far_ones_are_not():
    # A city (its own province) and a suburb across the boundary, 5 km apart, reported on
    # one day by two articles: one event. A town 40 km away stays another event.
    city = dict(admin1="Capital", location="City", latitude=33.89, longitude=35.50)
    suburb = dict(admin1="Mount", location="Suburb", latitude=33.85, longitude=35.52)
    far = dict(admin1="South", location="Far Town", latitude=33.60, longitude=35.70)
    israel = dict(actor1_side="ISRAEL", actor2_side="HEZBOLLAH", country="Lebanon")
    mentions = [
        _m("a:1", "a", 1, **israel, **city),
        _m("b:1", "b", 1, **israel, **suburb),
        _m("c:1", "c", 1, **israel, **far),
    ]
    assert why_different(mentions[0], mentions[1]) is None
    assert why_different(mentions[0], mentions[2]).startswith("admin1 differ")
    for clusters in (cluster_mentions(mentions), cluster_mentions_fast(mentions)):
        shape = sorted(tuple(m.mention_id for m in c.members) for c in clusters)
        assert shape == [("a:1", "b:1"), ("c:1",)]
