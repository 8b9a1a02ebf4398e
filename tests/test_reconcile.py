"""Merging mentions into events: each clause of the rule, blocking and the merged fields."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from analysis.events.reconcile import (
    Cluster,
    candidate_blocks,
    cluster_mentions,
    combine_counts,
    event_fields,
    event_id_for,
    reconcile,
    why_different,
    why_not_anchored,
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
    caplog.set_level(logging.INFO, logger="analysis.events.reconcile")
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
    assert by_side["UNKNOWN"]["retaliation_for"] == ""


def test_events_sorted_by_date_then_id():
    late = mention("a1-1", date_start="2020-05-01", date_end="2020-05-01", event_date="2020-05-01")
    early = mention("b1-1", "b1", admin1="Anbar")
    rows = reconcile(cluster_mentions([late, early]))
    assert [r["event_date"] for r in rows] == ["2020-03-13", "2020-05-01"]


def test_events_of_one_day_in_the_order_they_are_told():
    told = [
        mention("a1-9", "a1", 1, admin1="Anbar"),
        mention("a1-5", "a1", 2, admin1="Basra"),
        mention("a1-1", "a1", 3, admin1="Nineveh"),
    ]
    ids = [event_id_for(m.mention_id) for m in told]
    assert sorted(ids) != ids  # sorting by id alone would not give the telling
    rows = reconcile(cluster_mentions(list(reversed(told))))
    assert [r["admin1"] for r in rows] == ["Anbar", "Basra", "Nineveh"]


# --- anchoring undated mentions -------------------------------------------------------

UNDATED = dict(date_start="", date_end="", event_date="", date_precision="")
#: An attack on US troops at a Jordanian site, dated to January by one article only.
JANUARY = dict(
    actor1_side="IRAN_ALIGNED",
    actor2_side="US_COALITION",
    country="Jordan",
    admin1="",
    event_type="",
    date_start="2024-01-01",
    date_end="2024-01-31",
    event_date="2024-01-15",
    date_precision="month",
    killed_best=3,
)
DATED = mention("d1-1", "d1", 2, **JANUARY)
UNDATED_SITE = mention(
    "u1-1",
    "u1",
    7,
    **{**JANUARY, **UNDATED, "actor1_side": "", "admin1": "Mafraq", "location": "Tower 22"},
)


def test_an_undated_report_with_the_same_toll_anchors_to_the_one_dated_event(caplog):
    caplog.set_level(logging.INFO, logger="analysis.events.reconcile")
    assert why_not_anchored(UNDATED_SITE, [DATED]) is None
    [event] = cluster_mentions([DATED, UNDATED_SITE])
    assert {m.mention_id for m in event.members} == {"d1-1", "u1-1"}
    [row] = reconcile([event])
    # The interval comes from the dated mention only; the place from the specific one.
    assert (row["date_start"], row["date_end"], row["location"]) == (
        "2024-01-01",
        "2024-01-31",
        "Tower 22",
    )
    assert row["number_of_sources"] == 2 and row["fatalities_best"] == 3
    assert "anchor undated u1-1 to event of d1-1" in caplog.text
    assert "3 killed" in caplog.text


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        (
            {"event_date": "2024-01-20", "date_start": "2024-01-20", "date_end": "2024-01-20"},
            "dated",
        ),
        ({"actor2_side": ""}, "both sides unknown"),
        ({"actor2_side": "IRAQ_GOV"}, "actor2_side differs"),
        ({"actor1_side": "IRAN"}, "actor1_side differs"),
        ({"country": ""}, "no country"),
        ({"country": "Syria"}, "countries differ"),
        ({"killed_best": 2}, "no identifying evidence"),
        ({"killed_best": None, "injured_best": 3}, "no identifying evidence"),
        ({"killed_best": 0}, "no identifying evidence"),
        ({"responds_to": ("d1-1",)}, "one answers the other"),
    ],
)
def test_each_anchoring_clause_keeps_an_undated_report_apart(change, clause):
    assert clause in why_not_anchored(replace(UNDATED_SITE, **change), [DATED])


def test_anchoring_places_and_the_same_sentence():
    placed = replace(DATED, admin1="Mafraq", location="Rukban")
    assert "locations differ" in why_not_anchored(UNDATED_SITE, [placed])
    assert "admin1 differ" in why_not_anchored(UNDATED_SITE, [replace(DATED, admin1="Irbid")])
    protest = replace(UNDATED_SITE, event_type="Protests")
    assert "event types differ" in why_not_anchored(protest, [replace(DATED, event_type=STRIKE)])
    same_sentence = replace(UNDATED_SITE, article_id="d1", sentence_index=2)
    assert why_not_anchored(same_sentence, [DATED]) == "two items of one sentence"
    # A dated event with no known side in common (only an unknown initiator) is not enough.
    blind = replace(DATED, actor2_side="", actor1_side="IRAN_ALIGNED")
    assert why_not_anchored(replace(UNDATED_SITE, actor1_side=""), [blind]) == (
        "no known side in common"
    )


def test_an_undated_lead_joins_the_event_its_article_dates():
    lead = mention("w1-0", "w1", 0, admin1="", **UNDATED)
    dated = mention("w1-1", "w1", 1)
    other_article = replace(lead, mention_id="x1-0", article_id="x1")
    assert why_not_anchored(lead, [dated]) is None
    assert "no identifying evidence" in why_not_anchored(other_article, [dated])
    # The initiator's side is enough: "US forces had mounted strikes", undated, in the
    # article that dates the one US strike; even with no country of its own.
    no_target = replace(lead, actor2_side="")
    assert why_not_anchored(no_target, [dated]) is None
    assert why_not_anchored(replace(no_target, country=""), [dated]) is None
    assert "no country" in why_not_anchored(replace(other_article, country=""), [dated])
    # Only the target's side: an attack by someone unnamed is not identified by its article.
    target_only = replace(lead, actor1_side="")
    assert "no identifying evidence" in why_not_anchored(target_only, [dated])
    clusters = cluster_mentions([lead, dated, other_article])
    assert sorted(len(c.members) for c in clusters) == [1, 2]


def test_an_undated_report_without_country_joins_the_one_event_of_its_article():
    dated = mention("w2-1", "w2", 1)
    lead = mention("w2-0", "w2", 0, admin1="", country="", actor2_side="", **UNDATED)
    [event] = cluster_mentions([lead, dated])
    assert sorted(m.mention_id for m in event.members) == ["w2-0", "w2-1"]
    # Two dated US strikes in the article: the undated report could be either.
    second = mention(
        "w2-2",
        "w2",
        2,
        admin1="Anbar",
        date_start="2020-03-20",
        date_end="2020-03-20",
        event_date="2020-03-20",
    )
    assert len(cluster_mentions([lead, dated, second])) == 3


def test_an_undated_report_fitting_two_events_stays_alone(caplog):
    caplog.set_level(logging.INFO, logger="analysis.events.reconcile")
    february = mention(
        "d2-1",
        "d2",
        3,
        **{**JANUARY, "date_start": "2024-02-01", "date_end": "2024-02-29", "event_date": ""},
    )
    clusters = cluster_mentions([DATED, february, UNDATED_SITE])
    assert len(clusters) == 3
    assert "u1-1 fits 2 events" in caplog.text
    # Undated reports never anchor to each other.
    twin = replace(UNDATED_SITE, mention_id="u2-1", article_id="u2")
    assert len(cluster_mentions([UNDATED_SITE, twin])) == 2


def test_attribution_of_an_event_claim_outranks_blame_and_denials_are_kept():
    blamed = mention(
        "a1-1", actor1_side="IRAN_ALIGNED", actor1_basis="blamed", attributed_by="United States"
    )
    claimed = mention(
        "b1-1",
        "b1",
        actor1_side="IRAN_ALIGNED",
        actor1_basis="claimed",
        attributed_by="Islamic Resistance in Iraq",
        denied_by="Kataib Hezbollah",
    )
    [cluster] = cluster_mentions([blamed, claimed])
    row = event_fields(cluster, {})
    assert row["actor1_basis"] == "claimed"
    assert row["attributed_by"] == "Islamic Resistance in Iraq; United States"
    assert row["denied_by"] == "Kataib Hezbollah"


def test_no_side_is_unknown_and_unattributed():
    alone = mention("a1-1", actor1="", actor1_side="", actor1_basis="unattributed")
    [cluster] = cluster_mentions([alone])
    row = event_fields(cluster, {})
    assert (row["actor1_side"], row["actor1_basis"]) == ("UNKNOWN", "unattributed")


def test_a_frame_dated_mention_joins_only_the_one_event_in_its_frame():
    def framed(start, end):
        return dict(
            date_start=start,
            date_end=end,
            event_date=end,
            date_precision="week",
            date_basis="frame",
            date_text="undated; article frame",
        )

    dated = mention("a1-1", admin1="")  # 13 March 2020
    # A frame that ends before the event: nothing identifies it; it keeps its frame.
    early = mention("b1-1", "b1", admin1="", **framed("2020-03-01", "2020-03-08"))
    clusters = cluster_mentions([dated, early])
    assert len(clusters) == 2
    rows = {r["event_id"]: r for r in reconcile(clusters)}
    row = rows[event_id_for("b1-1")]
    assert (row["date_start"], row["date_end"]) == ("2020-03-01", "2020-03-08")
    assert row["date_text"] == "undated; article frame"
    # A frame holding the event: it joins it and adds no date.
    late = mention("b1-1", "b1", admin1="", **framed("2020-03-07", "2020-03-14"))
    [cluster] = cluster_mentions([dated, late])
    row = event_fields(cluster, {})
    assert (row["date_start"], row["date_end"]) == ("2020-03-13", "2020-03-13")
    # Two events in the frame: which one is not identified; it stays alone.
    other = mention(
        "c1-1",
        "c1",
        admin1="",
        date_start="2020-03-10",
        date_end="2020-03-10",
        event_date="2020-03-10",
        killed_best=7,
    )
    assert len(cluster_mentions([dated, other, late])) == 3


def test_an_event_no_mention_places_takes_an_undated_report_of_its_article():
    # The dated report names two countries ("in Syria and Iraq") and so none; the undated
    # lead of the same article places the strikes in Iraq.
    dated = mention("w3-1", "w3", 1, country="", admin1="")
    lead = mention("w3-0", "w3", 0, admin1="", **UNDATED)
    [event] = cluster_mentions([lead, dated])
    assert len(event.members) == 2
    # An event placed in another country does not.
    syria = replace(dated, country="Syria")
    assert "countries differ" in why_not_anchored(lead, [syria])
