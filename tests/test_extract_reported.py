"""Tolls and dates told about an event rather than with it: a zero toll in a sentence of
its own or a clause after the event.

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

import pytest

from analysis.events.reconcile import cluster_mentions
from analysis.extract.casualties import find_casualties
from analysis.extract.clauses import content_span
from analysis.records import Mention

from own_texts import mentions_of

PUBLISHED = dt.date(2025, 3, 12)  # a Wednesday


def _extract(text: str, lexicon, published: dt.date = PUBLISHED) -> list[Mention]:
    return mentions_of(text, lexicon, published)


def _tolls(mentions: list[Mention]) -> list[tuple]:
    return [
        (m.killed_low, m.killed_high, m.injured_low, m.injured_high)
        for m in mentions
        if m.killed_low is not None or m.injured_low is not None
    ]


@pytest.mark.parametrize(
    "after",
    [
        "The frigate's gun destroyed the incoming threat, and neither injuries nor damage "
        "were reported.",
        "The missile fell into the sea, and no casualties were reported.",
        "No damage or injuries were reported.",
        "There were no injuries.",
        "Nobody aboard was hurt.",
    ],
)
def test_a_zero_toll_after_the_event_is_the_events(lexicon, after):
    text = f"Houthi forces fired a missile at a tanker in the Gulf of Aden on Monday. {after}"
    mentions = _extract(text, lexicon)
    assert {m.event_date for m in mentions} == {"2025-03-10"}
    assert _tolls(mentions) == [(0, 0, 0, 0)]


def test_a_passive_report_after_a_comma_is_no_attribution():
    sentence = "Rockets hit the depot, and no injuries were reported."
    assert content_span(sentence) == (0, len(sentence))
    # A speaker named before the verb is still set aside.
    sentence = "Rockets hit the depot on Monday, a spokesman for the coalition said."
    assert content_span(sentence) == (0, sentence.index(", a spokesman"))


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        ("No one was injured in the blast", (0, 0), (0, 0)),
        ("Nobody was hurt", (0, 0), (0, 0)),
        # Only the others, or only some people, were spared: nothing said of the dead.
        ("no one else was hurt", None, (0, 0)),
        ("no soldiers were wounded", None, (0, 0)),
        ("the drone struck the hangar without causing casualties", (0, 0), (0, 0)),
        ("the gunboats withdrew without warning", None, None),
    ],
)
def test_no_one_hurt_at_all_is_no_one_killed(lexicon, clause, killed, injured):
    found = find_casualties(clause, lexicon)
    got = tuple(None if c is None else (c.low, c.high) for c in (found.killed, found.injured))
    assert got == (killed, injured)


@pytest.mark.parametrize(
    "text",
    [
        "Central Command confirmed on Tuesday that the frigate had shot down a drone "
        "launched by the Houthis over the Red Sea.",
        "Militias fired rockets at a base in eastern Syria, the Pentagon said on Tuesday.",
    ],
)
def test_an_event_told_only_through_a_statement_ends_on_its_day(lexicon, text):
    (mention,) = _extract(text, lexicon)
    # Tuesday before Wednesday 12 March 2025 is the 11th: on or before it.
    assert (mention.event_date, mention.date_end) == ("2025-03-11", "2025-03-11")
    assert mention.date_start < "2025-03-11" and mention.date_basis == "frame"
    assert "statement" in mention.date_text


def test_a_statement_does_not_date_an_event_the_text_dates(lexicon):
    text = "The Pentagon said on Tuesday that militias had fired rockets at a base on Saturday."
    (mention,) = _extract(text, lexicon)
    assert (mention.date_start, mention.date_end) == ("2025-03-08", "2025-03-08")


def test_supporters_storming_an_embassy_attack_it(lexicon):
    text = "Militia supporters stormed the US embassy compound in Baghdad on Tuesday."
    (mention,) = _extract(text, lexicon)
    assert (mention.actor2_side, mention.event_date) == ("US_COALITION", "2025-03-11")


def _undated(mid: str, article: str, date: tuple[str, str, str], basis: str = "") -> Mention:
    start, end, best = date
    return Mention(
        mention_id=mid,
        article_id=article,
        sentence_index=1,
        char_start=0,
        char_end=10,
        sentence_text="",
        actor1_side="IRAN_ALIGNED",
        actor2_side="US_COALITION",
        event_type="Explosions/Remote violence",
        country="Iraq",
        date_start=start,
        date_end=end,
        event_date=best,
        date_basis=basis,
        killed_best=1,
    )


def test_an_undated_mention_joins_the_event_of_its_articles_time(lexicon):
    # Two rocket attacks in Iraq that each killed one, years apart; a report dated only by
    # its article (to a statement of 29 December 2019) that one was killed is the first.
    old = _undated("a:001:0", "a", ("2019-12-27", "2019-12-27", "2019-12-27"))
    later = _undated("b:001:0", "b", ("2021-02-15", "2021-02-15", "2021-02-15"))
    told = _undated("c:001:0", "c", ("2019-11-30", "2019-12-29", "2019-12-29"), "frame")
    clusters = cluster_mentions([old, later, told])
    homes = {m.mention_id: c.event_id for c in clusters for m in c.members}
    assert homes["c:001:0"] == homes["a:001:0"] != homes["b:001:0"]


FIRST_HURT = (
    "A rocket attack on Tuesday wounded three US soldiers at Harir air base. "
    "Tuesday's attack was the fourth on the base this month, but the first to cause "
    "casualties. In early March, two drones struck Harir air base. "
    "Harir air base had also been targeted the previous week by rockets."
)


def test_the_first_attack_to_hurt_anyone_leaves_the_earlier_ones_without_victims(lexicon):
    mentions = _extract(FIRST_HURT, lexicon)
    tolls = {m.date_text: (m.killed_low, m.injured_low) for m in mentions}
    # Tuesday 11 March keeps its toll; the two earlier attacks on the base hurt no one.
    assert tolls["Tuesday"] == (None, 3)
    assert tolls["early March"] == (0, 0)
    assert tolls["the previous week"] == (0, 0)


def test_a_date_counted_back_from_an_events_interval_is_another_event(lexicon):
    mentions = _extract(FIRST_HURT, lexicon)
    early = next(m for m in mentions if m.date_text == "early March")
    before = next(m for m in mentions if m.date_text == "the previous week")
    # The two loose intervals share days, but one attack came a week before the other.
    assert before.date_start < early.date_start <= before.date_end
    assert before.apart_from == (early.mention_id,)
    clusters = cluster_mentions(mentions)
    homes = {m.mention_id: c.event_id for c in clusters for m in c.members}
    assert homes[early.mention_id] != homes[before.mention_id]


def test_an_attack_on_another_place_keeps_its_unknown_toll(lexicon):
    text = FIRST_HURT + " Two days before, a drone attack hit a US outpost in Syria."
    mentions = _extract(text, lexicon)
    outpost = next(m for m in mentions if m.country == "Syria")
    assert (outpost.killed_low, outpost.injured_low) == (None, None)


def test_following_by_a_few_days_dates_the_earlier_event(lexicon):
    text = (
        "Drones hit a US patrol base in Syria on Friday. The patrol base attack follows by "
        "only a few days an attack on Harir air base in Iraq."
    )
    mentions = _extract(text, lexicon)
    harir = next(m for m in mentions if m.country == "Iraq")
    # Some days before Friday 7 March 2025: 1 to 5 March.
    assert (harir.date_start, harir.date_end) == ("2025-03-01", "2025-03-05")


def _events_of(mentions: list[Mention]) -> list[list[str]]:
    return [[m.mention_id for m in c.members] for c in cluster_mentions(mentions)]


@pytest.mark.parametrize(
    "second",
    [
        "Later on the same day, US jets carried out further air strikes on radar sites.",
        "On Monday afternoon US jets launched another round of strikes on radar sites.",
        "US jets carried out fresh strikes on radar sites later on Monday.",
    ],
)
def test_strikes_told_as_additional_are_another_event_of_the_day(lexicon, second):
    first = "The first round of US strikes on Houthi targets in Yemen came on Monday."
    mentions = _extract(f"{first} {second}", lexicon)
    assert [m.event_date for m in mentions] == ["2025-03-10", "2025-03-10"]
    assert mentions[1].apart_from == (mentions[0].mention_id,)
    assert len(_events_of(mentions)) == 2


def test_the_additional_strikes_named_again_are_still_that_event(lexicon):
    text = (
        "US jets struck Houthi targets in Yemen on Monday. Later that day US jets carried "
        "out further air strikes on radar sites. The further strikes destroyed two radars."
    )
    mentions = _extract(text, lexicon)
    # The definite description adds nothing new here: two events, the second told once.
    events = _events_of(mentions)
    assert len(events) == 2
    # Without "further" nothing tells the second strikes apart from the first.
    plain = _extract(text.replace("further ", ""), lexicon)
    assert all(m.apart_from == () for m in plain)


def test_new_strikes_told_twice_are_not_told_apart(lexicon):
    text = (
        "US jets launched new strikes on Houthi radar sites in Yemen on Monday. "
        "Officials said US jets launched new strikes on Houthi radar sites on Monday."
    )
    mentions = _extract(text, lexicon)
    assert all(m.apart_from == () for m in mentions)


@pytest.mark.parametrize(
    ("text", "side", "day"),
    [
        (
            "The latest attack came on Saturday, when militants fired rockets at a base "
            "in western Iraq.",
            "IRAN_ALIGNED",
            "2025-03-08",
        ),
        (
            "The deadliest raid took place on Monday, when Israeli jets bombed a building "
            "in Khiam.",
            "ISRAEL",
            "2025-03-10",
        ),
    ],
)
def test_an_act_announced_by_a_noun_is_told_by_its_when_clause(lexicon, text, side, day):
    # The noun before "came ... when" announces the act; the doer is the when-clause's
    # subject, not a target of "the attack".
    (mention,) = _extract(text, lexicon)
    assert (mention.actor1_side, mention.actor2_side, mention.event_date) == (side, "", day)


def test_a_closing_according_to_is_the_source_not_the_event(lexicon):
    text = (
        "Two civilians were killed when missiles hit Erbil late on Monday, the council said. "
        "Among the dead was a shopkeeper, whose house near the airport was hit, according "
        "to the council's statement issued early Tuesday."
    )
    assert content_span(text.split(". ")[1]) == (0, text.split(". ")[1].index(", according"))
    mentions = _extract(text, lexicon)
    # The statement's day dates nothing: one event, on Monday.
    assert {m.event_date for m in mentions} == {"2025-03-10"}
    assert len(cluster_mentions(mentions)) == 1
