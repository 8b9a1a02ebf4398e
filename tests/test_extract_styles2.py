"""Ways of telling an event found in national agencies, state agencies, press releases,
live blogs and situation reports: "martyred" and "neutralised" as deaths, a gloss on an
official word, "destroyed" told of a force, an agency's names for the sides ("the Israeli
enemy", "the American-British aggression", "the Yemeni Armed Forces"), "X say they have
launched", and a closing speaker after an apposition.

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

import pytest

from analysis.events.blocks import cluster_mentions_fast
from analysis.events.reconcile import cluster_mentions
from analysis.extract.casualties import find_casualties
from analysis.extract.clauses import content_span
from analysis.records import Mention

from own_texts import mentions_of

PUBLISHED = dt.date(2025, 3, 12)  # a Wednesday


def _killed(text: str, lexicon):
    found = find_casualties(text, lexicon).killed
    return None if found is None else (found.low, found.high)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Three fighters were martyred in the raid", (3, 3)),
        ("the air strikes neutralised six militants in the mountains", (6, 6)),
        ("nine terrorists were neutralized in the operation", (9, 9)),
        # The official word in quotes.
        ('the air strikes "neutralised" five militants near the border', (5, 5)),
        # Drones and mines "neutralised" are made harmless, not killed.
        ("air defences neutralised two drones over the port", None),
    ],
)
def test_martyred_and_neutralised_are_deaths(lexicon, text, killed):
    assert _killed(text, lexicon) == killed


def test_a_gloss_on_an_official_word_is_no_event(lexicon):
    text = (
        "Officials in Ankara use the word neutralised to mean that militants were killed, "
        "captured or surrendered."
    )
    assert mentions_of(text, lexicon, PUBLISHED) == []


def test_destroyed_by_a_force_is_a_strike_but_not_after_a_pronoun(lexicon):
    told = mentions_of(
        "Fighter jets destroyed a dozen depots in the mountains of northern Iraq on Monday.",
        lexicon,
        PUBLISHED,
    )
    assert len(told) == 1
    assert (told[0].country, told[0].date_start) == ("Iraq", "2025-03-10")
    said = mentions_of(
        "The commander said on Monday that they had destroyed a warehouse in the city.",
        lexicon,
        PUBLISHED,
    )
    assert said == []


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("An Israeli enemy drone struck a motorcycle near Tyre on Monday.", "ISRAEL"),
        ("The US-British aggression carried out four raids on Hodeidah on Monday.", "US_COALITION"),
        (
            "The Yemeni Armed Forces fired two missiles at a tanker in the Red Sea on Monday.",
            "HOUTHIS",
        ),
        ("Iran's Revolutionary Guards say they have fired drones at a base in Erbil.", "IRAN"),
    ],
)
def test_an_agencys_names_for_the_sides(lexicon, text, side):
    (m,) = mentions_of(text, lexicon, PUBLISHED)
    assert m.actor1_side == side


def test_raids_renewed_by_the_aggression_are_an_act(lexicon):
    (m,) = mentions_of(
        "On Sunday the aggression renewed its raids on a site near Sanaa.", lexicon, PUBLISHED
    )
    assert m.country == "Yemen"


def test_the_speaker_is_after_the_last_comma(lexicon):
    text = (
        "Four people, among them two children, were martyred when a drone struck a car in Tyre, "
        "the agency's correspondent reported."
    )
    start, end = content_span(text)
    assert text[start:end].endswith("struck a car in Tyre")
    (m,) = mentions_of(text, lexicon, PUBLISHED)
    assert (m.killed_low, m.killed_high) == (4, 4)


def test_a_live_blogs_day_heading_dates_its_time_stamped_entries(lexicon):
    text = (
        "Live: rockets over the north\n\n"
        "All times are local.\n\n"
        "Monday 10 March\n\n"
        "22:40 - Rockets struck a kibbutz near Kiryat Shmona, the army says.\n\n"
        "Tuesday 11 March\n\n"
        "06:15 - Drones hit a depot near Nabatieh, a security source says.\n"
    )
    found = {m.location: m.date_start for m in mentions_of(text, lexicon, PUBLISHED)}
    assert found["Qiryat Shmona"] == "2025-03-10"
    assert found["Nabatiye et Tahta"] == "2025-03-11"


def test_a_date_line_over_plain_paragraphs_dates_nothing(lexicon):
    text = (
        "Rockets over the north\n\nMonday 10 March\n\n"
        "Rockets struck a kibbutz near Kiryat Shmona, the army said.\n"
    )
    (m,) = mentions_of(text, lexicon, PUBLISHED)
    assert m.date_start != m.date_end  # undated: the article's frame, not the heading


def test_a_cause_placed_in_another_country_is_another_event(lexicon):
    text = (
        "An air strike hit a house in the village of Kfar Kila on Monday, killing two people. "
        "The Israeli army said it had struck Hezbollah positions in south Lebanon in response "
        "to the rocket fire on Kiryat Shmona earlier on Monday, which wounded three soldiers."
    )
    first, answer, cause = mentions_of(text, lexicon, PUBLISHED)
    assert (first.location, first.killed_low, first.injured_low) == ("Kfar Kila", 2, None)
    assert (cause.country, cause.date_start, cause.injured_low) == ("Israel", "2025-03-10", 3)
    assert answer.responds_to == (cause.mention_id,)


def test_a_running_death_toll_is_no_toll_of_the_event(lexicon):
    text = (
        "Rockets hit Metula on Monday, killing a farmer. The ministry said the death toll of "
        "the aggression since October 8 had risen to more than 300."
    )
    (m,) = mentions_of(text, lexicon, PUBLISHED)
    assert m.killed_low == 1


def test_renewed_raids_are_another_round(lexicon):
    text = (
        "The US aggression carried out four raids on Hodeidah on Monday, killing two people. "
        "On Tuesday, the aggression renewed its raids on the port, without causing casualties."
    )
    first, second = mentions_of(text, lexicon, PUBLISHED)
    assert (first.date_start, first.killed_low) == ("2025-03-10", 2)
    assert (second.date_start, second.killed_low, second.killed_high) == ("2025-03-11", 0, 0)
    assert second.actor1_side == "US_COALITION"


def test_the_enemy_is_the_side_the_agency_called_so(lexicon):
    text = (
        "An Israeli enemy drone struck a car near Tyre on Monday, killing one person. "
        "In a separate raid, the enemy targeted a house in the town of Aitaroun, killing two."
    )
    first, second = mentions_of(text, lexicon, PUBLISHED)
    assert (second.location, second.actor1_side) == ("Aitaroun", "ISRAEL")
    # Without an enemy named before, "the enemy" names no one.
    (alone,) = mentions_of(
        "On Monday, the enemy targeted a house in the town of Aitaroun, killing two.",
        lexicon,
        PUBLISHED,
    )
    assert alone.actor1_side != "ISRAEL"


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Pakistani jets struck hideouts near the town of Saravan on Thursday.", "PAKISTAN"),
        ("Turkish warplanes hit shelters of the group in northern Iraq on Sunday.", "TURKEY"),
    ],
)
def test_a_state_outside_the_three_sides_is_its_own_side(lexicon, text, side):
    (m,) = mentions_of(text, lexicon, PUBLISHED)
    assert m.actor1_side == side
    assert m.actor1_basis == "stated"


def test_the_forces_of_an_actor_are_that_actor(lexicon):
    (m,) = mentions_of(
        "The naval forces of the Houthis fired two missiles at a tanker in the Red Sea on Monday.",
        lexicon,
        PUBLISHED,
    )
    assert m.actor1_side == "HOUTHIS"


def test_the_killing_of_a_named_person_is_the_strike_that_killed_him(lexicon):
    text = (
        "On 3 March, a drone strike hit a car in Tyre, killing two people, including Ali "
        "Haidar, a senior commander. On 9 March, Hezbollah fired 30 rockets at a base in "
        "Safed, describing the salvo as a response to the killing of Haidar."
    )
    strike, salvo = mentions_of(text, lexicon, PUBLISHED)
    assert salvo.responds_to == (strike.mention_id,)
    # A name the article never tied to a death refers to nothing told before.
    other = text.replace("killing of Haidar", "killing of Nasser")
    strike2, *rest = mentions_of(other, lexicon, PUBLISHED)
    assert all(strike2.mention_id not in m.responds_to for m in rest)


def test_a_campaigns_toll_is_no_toll_of_the_event(lexicon):
    text = (
        "A car bomb exploded near a police station in Diyarbakir on Monday, wounding two "
        "officers. In its long insurgency the group has been responsible for the deaths of "
        "more than 30,000 people."
    )
    found = mentions_of(text, lexicon, PUBLISHED)
    assert [(m.killed_low, m.injured_low) for m in found] == [(None, 2)]


def _placed(mid: str, sentence: int, location: str, day: str = "") -> Mention:
    start, end, basis = (day, day, "") if day else ("2025-02-10", "2025-03-12", "frame")
    return Mention(
        mention_id=mid,
        article_id="t",
        sentence_index=sentence,
        char_start=sentence * 100,
        char_end=sentence * 100 + 50,
        sentence_text="",
        actor1_side="HEZBOLLAH",
        event_type="Explosions/Remote violence",
        location=location,
        event_date=day,
        date_start=start,
        date_end=end,
        date_basis=basis,
        killed_best=12 if not day else None,
    )


@pytest.mark.parametrize(("town", "joined"), [("Majdal Shams", True), ("Safed", False)])
def test_an_undated_attack_in_an_area_joins_the_dated_one_on_a_town_inside_it(town, joined):
    # "Israel blamed Hezbollah for a rocket strike that killed 12 children in the Golan
    # Heights. ... Saturday's rocket attack on a football pitch in <town>": a town inside
    # the area is one place with it (data/lexicon/within.csv); another town is not.
    undated = _placed("t:001:0", 1, "Golan Heights")
    dated = _placed("t:003:0", 3, town, "2025-03-08")
    for cluster in (cluster_mentions, cluster_mentions_fast):
        events = cluster([undated, dated])
        assert (len(events) == 1) is joined


def test_a_strike_on_the_cell_that_fired_answers_the_attack_told_before(lexicon):
    text = (
        "On Monday, Hezbollah fired a salvo of rockets at a kibbutz near Metula. "
        "The Israeli military said it struck the cell that fired the rockets."
    )
    salvo, answer = mentions_of(text, lexicon, PUBLISHED)
    assert answer.actor1_side == "ISRAEL"
    assert answer.responds_to == (salvo.mention_id,)
    assert (answer.date_start, answer.date_end) == ("2025-03-10", "2025-03-12")
    # A strike on something else answers nothing by itself.
    other = text.replace("the cell that fired the rockets", "a warehouse near Tyre")
    _, plain = mentions_of(other, lexicon, PUBLISHED)
    assert plain.responds_to == ()
