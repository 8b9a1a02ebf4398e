"""Ways of telling an event found in briefing transcripts, newsletters and features: a blame
that names the act by reference ("held X responsible for this aggression"), "Separately,"
before another event, an answer told "shortly after" or "later ... in response", whoever
assessed a weapon's origin, officials named as the doers, "engaged the vehicle", and "without
hurting anyone".

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

from analysis.extract.casualties import find_casualties
from analysis.extract.sentences import split_sentences

from own_texts import events_of, mentions_of

PUBLISHED = dt.date(2025, 3, 12)  # a Wednesday; Monday is March 10, Sunday March 9


def _counts(text, lexicon):
    found = find_casualties(text, lexicon)
    return [None if c is None else (c.low, c.high) for c in (found.killed, found.injured)]


def test_a_blame_naming_the_act_by_reference_reaches_back_to_it(lexicon):
    text = (
        "Dozens of handheld radios carried by members of the group blew up across southern "
        "Lebanon on Monday, killing at least five people. Rescue teams worked through the "
        'night. Hospitals in Tyre asked for blood. Hezbollah said it held "the Zionist enemy '
        'entirely responsible for this treacherous aggression".'
    )
    [blast] = [m for m in mentions_of(text, lexicon, PUBLISHED) if m.killed_low == 5]
    assert (blast.actor1_side, blast.actor1_basis) == ("ISRAEL", "blamed")
    assert "Hezbollah" in blast.attributed_by


def test_separately_opens_another_event_of_the_same_day_and_country(lexicon):
    text = (
        "Explosions tore through a market in Nabatieh on Monday, killing four people. "
        "Separately, an Israeli drone strike on a car near Khiam killed one man on Monday."
    )
    _, events = events_of(text, lexicon, PUBLISHED)
    assert sorted(events["fatalities_low"].tolist()) == [1, 4]


def test_without_hurting_anyone_is_a_toll_of_zero(lexicon):
    assert _counts("Five rockets hit the base on Monday without hurting anyone.", lexicon) == [
        (0, 0),
        (0, 0),
    ]
    assert _counts("The shells landed in an orchard, hurting no one.", lexicon) == [
        (0, 0),
        (0, 0),
    ]


def test_an_answer_told_shortly_after_its_cause_takes_the_causes_day(lexicon):
    text = (
        "Militants fired rockets at a US base near Deir ez-Zor on Sunday. Shortly after the "
        "attack, US helicopters struck the launch site, killing two militants."
    )
    [answer] = [m for m in mentions_of(text, lexicon, PUBLISHED) if m.actor1_side == "US_COALITION"]
    assert (answer.date_start, answer.date_end) == ("2025-03-09", "2025-03-09")


def test_an_answer_told_later_in_response_comes_on_or_after_its_cause(lexicon):
    text = (
        "An Israeli drone strike killed a man on a motorcycle in Aitaroun on Monday. "
        "Hezbollah later said its fighters had fired rockets at Israeli troops near Kiryat "
        "Shmona in response."
    )
    [answer] = [m for m in mentions_of(text, lexicon, PUBLISHED) if m.actor1_side == "HEZBOLLAH"]
    assert (answer.date_start, answer.date_end) == ("2025-03-10", "2025-03-12")
    assert answer.responds_to


def test_who_assessed_a_weapons_origin_did_not_use_it(lexicon):
    text = (
        "A drone that U.S. officials assessed to be of Iranian design crashed into a depot "
        "near Erbil on Sunday, wounding two guards."
    )
    [drone] = mentions_of(text, lexicon, PUBLISHED)
    assert drone.actor1_side != "US_COALITION"


def test_a_named_defense_secretary_is_the_doer_and_no_part_of_the_attack_he_answers(lexicon):
    text = (
        "A drone hit a coalition base near Hasakah on Sunday, wounding three soldiers. "
        "Within hours, Defense Secretary Lloyd Austin ordered airstrikes on facilities near "
        "Hasakah used by groups tied to Iran."
    )
    mentions = mentions_of(text, lexicon, PUBLISHED)
    strikes = [m for m in mentions if m.actor1_side == "US_COALITION"]
    assert strikes and all(m.injured_low is None for m in strikes)
    _, events = events_of(text, lexicon, PUBLISHED)
    assert len(events) == 2


def test_engaged_the_vehicle_is_a_strike(lexicon):
    text = "A U.S. gunship engaged the launch truck near Qaim on Monday, killing two militants."
    [strike] = mentions_of(text, lexicon, PUBLISHED)
    assert (strike.actor1_side, strike.killed_low) == ("US_COALITION", 2)


def test_a_newsletters_capital_labels_are_headings_not_part_of_the_sentence(lexicon):
    text = (
        "Security brief\n\n"
        "• IRAQ: Three U.S. soldiers were wounded when a drone struck a base near Erbil on "
        "Monday.\n\n"
        "• THE RESPONSE: Hours later, U.S. jets struck two depots used by Kataib Hezbollah, "
        "killing one fighter.\n\n"
        "MS. LEE: We will protect our forces.\n"
    )
    sentences = [s for s in split_sentences(text) if s.role == "body"]
    assert [s.text[:5] for s in sentences] == ["Three", "Hours", "We wi"]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    mentions = mentions_of(text, lexicon, PUBLISHED)
    [strike] = [m for m in mentions if m.actor1_side == "US_COALITION"]
    assert (strike.killed_low, strike.injured_low) == (1, None)
    [drone] = [m for m in mentions if m.injured_low == 3]
    assert drone.actor1_side != "US_COALITION"


def test_an_indefinite_subject_that_also_acts_is_another_event(lexicon):
    text = (
        "On Sunday evening, four rockets were fired at a patrol base near Shaddadi, officials "
        "said, without hurting anyone. A small drone also struck near an outpost at Tal "
        "Baydar, where two soldiers suffered light wounds."
    )
    mentions = mentions_of(text, lexicon, PUBLISHED)
    assert sorted((m.injured_low is None, m.injured_low) for m in mentions) == [
        (False, 0),
        (False, 2),
    ]


def test_victims_after_where_are_counted_from_their_own_number(lexicon):
    assert _counts(
        "A drone struck near an outpost, where two US soldiers suffered light wounds.", lexicon
    ) == [None, (2, 2)]


def test_in_the_same_area_is_where_the_event_under_discussion_was(lexicon):
    text = (
        "A drone struck a car near Sinjar on Sunday, killing three men. A similar strike "
        "in the same area on Thursday wounded two fighters."
    )
    first, second = mentions_of(text, lexicon, PUBLISHED)
    assert first.country == "Iraq"
    assert (second.location, second.country) == (first.location, first.country)


def test_within_hours_takes_the_day_under_discussion(lexicon):
    text = (
        "A drone hit a coalition base near Hasakah on Sunday, wounding three soldiers. "
        "Within hours, Defense Secretary Lloyd Austin ordered airstrikes on depots near "
        "Mayadin used by groups tied to Iran, killing six fighters."
    )
    [strike] = [m for m in mentions_of(text, lexicon, PUBLISHED) if m.actor1_side == "US_COALITION"]
    assert (strike.date_start, strike.date_end) == ("2025-03-09", "2025-03-09")


def test_a_question_reports_no_event(lexicon):
    text = "Q: Was the drone attack on the base in Erbil on Monday carried out by Kataib Hezbollah?"
    assert mentions_of(text, lexicon, PUBLISHED) == []


def test_a_number_of_attacks_since_a_day_is_an_aggregate_not_an_event(lexicon):
    text = (
        "Since February 2, there have been 41 attacks on U.S. forces, 20 in Iraq and 21 in Syria."
    )
    extraction, events = events_of(text, lexicon, PUBLISHED)
    assert len(events) == 0
    [tally] = extraction.aggregates
    assert (tally.count_low, tally.period_start) == (41, "2025-02-02")


def test_a_sides_air_defences_defend_it_they_do_not_attack(lexicon):
    text = "Syrian air defences fired at drones over Homs early on Monday, state media said."
    [m] = mentions_of(text, lexicon, PUBLISHED)
    assert (m.actor1_side, m.actor2_side) == ("", "SYRIA_GOV")
    text = (
        "Iran's air defences fired at suspicious objects over Isfahan early on Monday. "
        "A U.S. official said Israel had carried out a strike on Iran."
    )
    _, events = events_of(text, lexicon, PUBLISHED)
    [strike] = events.itertuples()
    assert (strike.actor1_side, strike.actor2_side) == ("ISRAEL", "IRAN")
    assert str(strike.date_start)[:10] == "2025-03-10"
