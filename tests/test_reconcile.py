"""Merging mentions into events: each clause of the rule, blocking and the merged fields."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from analysis.reconcile import (
    Cluster,
    candidate_blocks,
    cluster_mentions,
    combine_counts,
    event_fields,
    event_id_for,
    reconcile,
    why_different,
)
from analysis.records import Mention

STRIKE = "Explosions/Remote violence"


def mention(mid: str, article: str = "a1", sentence: int = 0, **kw) -> Mention:
    """A US strike on Iran-aligned groups in Babil on 13 Mar 2020 unless told otherwise."""
    values = dict(
        actor1="US forces",
        actor1_side="US_COALITION",
        actor2="Kataeb Hezbollah",
        actor2_side="IRAN_ALIGNED",
        event_type=STRIKE,
        country="Iraq",
        admin1="Babil",
        date_start="2020-03-13",
        date_end="2020-03-13",
        event_date="2020-03-13",
        date_precision="day",
    )
    values.update(kw)
    return Mention(
        mention_id=mid,
        article_id=article,
        sentence_index=sentence,
        char_start=sentence * 100,
        char_end=sentence * 100 + 50,
        sentence_text=f"sentence {sentence}",
        **values,
    )


A = mention("a1-1", "a1", 1)
B = mention("b1-1", "b1", 4)


def test_same_event_in_two_articles_merges():
    assert why_different(A, B) is None


def test_one_unknown_initiator_or_target_merges():
    assert why_different(A, replace(B, actor1_side="")) is None
    assert why_different(A, replace(B, actor2_side="")) is None


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        ({"actor1_side": "", "actor2_side": ""}, "both sides unknown"),
        ({"actor1_side": "IRAN"}, "initiator sides differ"),
        ({"actor2_side": "IRAQ"}, "target sides differ"),
        ({"date_start": "2020-03-14", "date_end": "2020-03-15"}, "dates do not overlap"),
        ({"date_start": "", "date_end": "", "event_date": ""}, "undated"),
        ({"event_type": "Protests"}, "event types differ"),
        ({"country": "Syria"}, "countries differ"),
        ({"admin1": "Karbala"}, "admin1 differ"),
    ],
)
def test_each_clause_of_the_rule_keeps_events_apart(change, clause):
    assert clause in why_different(A, replace(B, **change))
    assert clause in why_different(replace(B, **change), A)


def test_attack_and_strike_types_are_one_family():
    assert why_different(A, replace(B, event_type="Battles")) is None
    assert why_different(A, replace(B, event_type="")) is None


def test_country_level_place_is_compatible_with_a_province():
    assert why_different(A, replace(B, admin1="")) is None
    assert why_different(A, replace(B, admin1="", country="")) is None


def test_a_response_never_merges_with_its_trigger():
    answer = replace(B, article_id="a1", sentence_index=9, responds_to=("a1-1",))
    assert why_different(A, answer) == "one answers the other"


def test_same_article_merges_only_across_sentences():
    later = mention("a1-2", "a1", 5)
    same_sentence = mention("a1-3", "a1", 1)
    assert why_different(A, later) is None
    assert why_different(A, same_sentence) == "two items of one sentence"


def test_blocks_split_by_month_and_sides_and_cover_spanning_intervals():
    march = mention("m1")
    april = mention("m2", date_start="2020-04-02", date_end="2020-04-02", event_date="")
    spanning = mention("m3", date_start="2020-03-30", date_end="2020-04-03", event_date="")
    other_dyad = mention("m4", actor1_side="ISRAEL", actor2_side="HEZBOLLAH")
    unknown_target = mention("m5", actor2_side="")
    undated = mention("m6", date_start="", date_end="", event_date="")
    to_iran = mention("m7", actor2_side="IRAN")
    found = [march, april, spanning, other_dyad, unknown_target, undated, to_iran]
    blocks = [[m.mention_id for m in b] for b in candidate_blocks(found)]
    assert ["m1", "m3", "m5"] in blocks  # March, US vs Iran-aligned, wildcard target
    assert ["m2", "m3"] in blocks  # April
    assert ["m5", "m7"] in blocks  # the unknown target may be Iran
    assert ["m4"] in blocks  # Israel vs Hezbollah: nobody else
    assert ["m6"] in blocks  # undated: alone
    assert len(blocks) == len({tuple(b) for b in blocks})  # no block twice
    assert not any({"m1", "m2"} <= set(b) for b in blocks)
    assert not any({"m1", "m4"} <= set(b) for b in blocks)


def test_blocking_compares_far_fewer_pairs_than_all_pairs():
    mentions = [
        mention(f"m{i:03d}", f"art{i}", date_start=d, date_end=d, event_date=d)
        for i, d in enumerate(f"2020-{mo:02d}-{day:02d}" for mo in range(1, 13) for day in (3, 17))
    ]
    pairs = sum(len(b) * (len(b) - 1) // 2 for b in candidate_blocks(mentions))
    assert pairs == 12  # one pair per month
    assert len(mentions) * (len(mentions) - 1) // 2 == 276


def test_provinces_are_never_joined_through_a_country_level_mention(caplog):
    caplog.set_level(logging.INFO, logger="analysis.reconcile")
    umbrella = mention("a1-0", "a1", 1, admin1="", responds_to=("a1-9",), killed_best=6)
    babil = mention("a1-2", "a1", 3, actor1_side="US_COALITION", actor2_side="", killed_best=5)
    karbala = mention("a1-3", "a1", 4, admin1="Karbala", actor2_side="", killed_best=1)
    taji = mention(
        "a1-9",
        "a1",
        1,
        actor1_side="",
        actor2_side="US_COALITION",
        admin1="Baghdad",
        date_start="2020-03-11",
        date_end="2020-03-11",
        event_date="2020-03-11",
        killed_best=3,
    )
    clusters = cluster_mentions([umbrella, babil, karbala, taji])
    members = sorted(sorted(m.mention_id for m in c.members) for c in clusters)
    assert members == [["a1-0", "a1-2"], ["a1-3"], ["a1-9"]]
    rows = {r["admin1"]: r for r in reconcile(clusters)}
    taji_id = event_id_for("a1-9")
    assert rows["Babil"]["retaliation_for"] == taji_id
    assert rows["Karbala"]["retaliation_for"] == taji_id
    assert rows["Karbala"]["actor2_side"] == "IRAN_ALIGNED"  # from the umbrella
    assert rows["Babil"]["fatalities_best"] == 5 and rows["Karbala"]["fatalities_best"] == 1
    assert "merge a1-0 into event of a1-2" in caplog.text
    assert "sides US_COALITION->IRAN_ALIGNED" in caplog.text


def test_complete_linkage_blocks_a_chain_of_conflicting_targets():
    generic = mention("x0", "x", 1, actor2_side="")
    to_iran = mention("y0", "y", 1, actor2_side="IRAN")
    to_aligned = mention("z0", "z", 1, actor2_side="IRAN_ALIGNED")
    clusters = cluster_mentions([generic, to_iran, to_aligned])
    assert len(clusters) == 2
    assert all(len({m.actor2_side for m in c.members} - {""}) == 1 for c in clusters)


def test_event_ids_are_stable_when_unrelated_articles_are_added():
    first = {c.event_id for c in cluster_mentions([A, B])}
    unrelated = mention("c1-1", "c1", 2, admin1="Anbar")
    second = {c.event_id for c in cluster_mentions([unrelated, A, B])}
    assert first == {event_id_for("a1-1")}
    assert second == first | {event_id_for("c1-1")}
    assert event_id_for("a1-1").startswith("EV-") and len(event_id_for("a1-1")) == 13


def test_merged_fields_sources_dates_actors_weapon_place():
    wide = mention(
        "b1-1",
        "b1",
        2,
        date_start="2020-03-12",
        date_end="2020-03-14",
        event_date="",
        date_precision="days",
        actor2="Iran-backed militia groups",
        weapon="drone",
    )
    exact = mention("a1-1", "a1", 1, weapon="one-way drone", location="Hilla", date_text="Friday")
    third = mention("c1-1", "c1", 3, weapon="drone", location="", latitude=1.0, longitude=2.0)
    [cluster] = cluster_mentions([wide, exact, third])
    row = event_fields(cluster, {})
    assert (row["date_start"], row["event_date"], row["date_end"]) == ("2020-03-13",) * 3
    assert row["date_precision"] == "day" and row["date_text"] == "Friday"
    assert row["actor2"] == "Kataeb Hezbollah"
    assert row["weapon"] == "drone"  # most common
    assert row["location"] == "Hilla" and row["latitude"] is None
    assert row["sources"] == "a1;b1;c1" and row["number_of_sources"] == 3
    assert row["review_status"] == "auto"


def test_weapon_tie_goes_to_the_specific_one_and_conflicts_are_flagged():
    drone = mention("a1-1", "a1", 1, weapon="drone")
    one_way = mention("b1-1", "b1", 1, weapon="one-way drone")
    jets = mention("c1-1", "c1", 1, weapon="manned airstrike")
    row = event_fields(Cluster((drone, one_way)), {})
    assert row["weapon"] == "one-way drone" and row["review_status"] == "auto"
    row = event_fields(Cluster((drone, jets)), {})
    assert row["review_status"] == "auto;weapon_conflict"


def test_disjoint_dates_give_the_union_and_a_flag():
    early = mention("a1-1", date_start="2020-03-01", date_end="2020-03-02", event_date="")
    late = mention("b1-1", "b1", date_start="2020-03-10", date_end="2020-03-10")
    row = event_fields(Cluster((early, late)), {})
    assert (row["date_start"], row["event_date"], row["date_end"]) == (
        "2020-03-01",
        "2020-03-10",
        "2020-03-10",
    )
    assert row["review_status"] == "auto;date_conflict"


def test_casualty_range_across_sources():
    assert combine_counts([(None, 4, None), (None, 1, None)]) == (1, 1, 4)
    assert combine_counts([(None, 4, None), (None, None, None)]) == (4, 4, 4)
    assert combine_counts([(None, None, None)]) == (None, None, None)
    assert combine_counts([(3, None, 5), (None, 2, None), (None, 6, 8)]) == (2, 4, 8)
    assert combine_counts([(None, 0, None), (None, 3, None), (None, 2, None)]) == (0, 2, 3)


def test_within_one_article_the_fullest_count_wins_and_unknown_is_not_zero():
    first = mention("a1-1", "a1", 1, killed_best=2)
    later = mention("a1-2", "a1", 5, killed_best=3, injured_best=14)
    part = mention("a1-3", "a1", 7, killed_low=1, killed_best=1)
    other = mention("b1-1", "b1", 1, killed_best=1)
    [cluster] = cluster_mentions([first, later, part])
    row = event_fields(cluster, {})
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (3, 3, 3)
    [cluster] = cluster_mentions([first, later, part, other])
    row = event_fields(cluster, {})
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (1, 1, 3)
    assert (row["injured_low"], row["injured_best"], row["injured_high"]) == (14, 14, 14)


def test_links_resolve_to_events_and_a_self_link_is_dropped():
    trigger = mention("a1-1", "a1", 1, actor1_side="", actor2_side="US_COALITION")
    answer = mention("a1-2", "a1", 2, responds_to=("a1-1", "a1-2"))
    merged = Cluster((trigger, answer))
    row = event_fields(merged, {"a1-1": [merged.event_id], "a1-2": [merged.event_id]})
    assert row["retaliation_for"] == ""
    rows = reconcile(cluster_mentions([trigger, answer]))
    by_side = {r["actor1_side"]: r for r in rows}
    assert by_side["US_COALITION"]["retaliation_for"] == event_id_for("a1-1")
    assert by_side[""]["retaliation_for"] == ""


def test_events_sorted_by_date_then_id():
    late = mention("a1-1", date_start="2020-05-01", date_end="2020-05-01", event_date="2020-05-01")
    early = mention("b1-1", "b1", admin1="Anbar")
    rows = reconcile(cluster_mentions([late, early]))
    assert [r["event_date"] for r in rows] == ["2020-03-13", "2020-05-01"]
