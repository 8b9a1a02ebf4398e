"""Events the text tells without saying everything: who is implied, when a timeline entry or
an interval dates them, what turns to another event or matter. Sentences written for these
tests, one class of report per test."""

import pytest
from test_extract_events import _extract


def test_a_bullet_item_after_a_colon_is_read(lexicon):
    ex, _ = _extract(
        lexicon,
        "The strikes answered a run of drone attacks that officials attributed to Iraqi "
        "militias. Among those attacks:\n\n  • On July 12, an armed drone went after a depot "
        "near Erbil",
    )
    [m] = [m for m in ex.mentions if m.event_date == "2024-07-12"]
    assert m.actor1_side == "IRAN_ALIGNED"
    # A bullet line with no list before it stays a heading.
    ex, _ = _extract(
        lexicon, "Rockets hit Erbil on Monday.\n\n• On July 12, an armed drone went after a depot"
    )
    assert not [m for m in ex.mentions if m.event_date == "2024-07-12"]


def test_another_matter_takes_no_culprit_from_before_it(lexicon):
    text = (
        "On Monday US jets struck a depot in Syria in response to rocket attacks carried out "
        "by Kataib Hezbollah. In a separate matter, officials said a US surveillance drone "
        "was shot down on Monday over the sea."
    )
    ex, _ = _extract(lexicon, text)
    [drone] = [m for m in ex.mentions if "surveillance" in m.sentence_text]
    assert drone.actor1_side == ""
    assert drone.actor2_side == "US_COALITION"
    # Without the turn, the culprit named before is still the nearest one.
    ex, _ = _extract(lexicon, text.replace("In a separate matter, officials", "Officials"))
    [drone] = [m for m in ex.mentions if "surveillance" in m.sentence_text]
    assert drone.actor1_side == "IRAN_ALIGNED"


def test_forces_that_down_drones_are_attacked_not_attacking(lexicon):
    ex, _ = _extract(lexicon, "On Monday, US troops in Syria down three drones aimed at them.")
    [m] = ex.mentions
    assert m.actor1_side != "US_COALITION"
    assert m.actor2_side == "US_COALITION" and m.event_date == "2024-08-05"
    ex, _ = _extract(lexicon, "Oil prices went down two percent as drones struck a depot.")
    assert all(m.actor2_side != "US_COALITION" for m in ex.mentions)


def test_a_timeline_entry_dates_its_paragraph_and_separately_starts_another_event(lexicon):
    ex, events = _extract(
        lexicon,
        "Below are the main attacks:\n\n"
        "JULY 30 – In Syria, coalition troops come under rocket fire. Separately, a base in "
        "Iraq hosting US forces is targeted with drones.\n\n"
        "AUG. 2 – In Iraq, a drone attack hurts two US soldiers.",
    )
    dated = sorted((m.event_date, m.country) for m in ex.mentions)
    assert dated == [("2024-07-30", "Iraq"), ("2024-07-30", "Syria"), ("2024-08-02", "Iraq")]
    assert len(events) == 3


def test_the_groups_behind_the_attacks_backed_by_a_state_are_its_proxies(lexicon):
    ex, _ = _extract(
        lexicon,
        "Drones struck a base housing US troops in Syria on Monday, officials said. Two "
        "soldiers were hurt. According to the Pentagon, the groups behind the attacks get "
        "backing from Iran.",
    )
    assert ex.mentions[0].actor1_side == "IRAN_ALIGNED"
    assert ex.mentions[0].actor1 == "Iran-aligned militias"


def test_a_campaign_named_with_its_doer_implies_the_culprit(lexicon):
    ex, _ = _extract(
        lexicon,
        "Rockets were fired at a base hosting US troops in western Iraq on Monday. It was "
        "the first such attack since March, when militias in Iraq backed by Iran halted "
        "their attacks on US forces.",
    )
    m = ex.mentions[0]
    assert m.actor1_side == "IRAN_ALIGNED" and m.actor1_basis == "suspected"


def test_relative_dates_count_from_an_interval_when_no_day_is_discussed(lexicon):
    ex, events = _extract(
        lexicon,
        "In late July, rockets were fired at a base in western Iraq that hosts US troops. "
        "The base had also been attacked the previous week by two drones, the first attack "
        "since early February, when the militias announced a halt. Two days before that "
        "announcement, a drone attack in Jordan had killed three US soldiers.",
    )
    rockets, drones, jordan = ex.mentions
    # The week before late July: it begins before late July and ends before July does.
    assert "2024-06-24" <= drones.date_start <= "2024-07-14"
    assert drones.date_end <= "2024-07-28"
    # Two days before early February: late January to February, in Jordan.
    assert "2024-01-29" <= jordan.date_start <= "2024-01-31"
    assert "2024-02-01" <= jordan.date_end <= "2024-02-29"
    assert jordan.country == "Jordan" and jordan.killed_best == 3
    assert len(events) == 3


def test_that_same_day_is_the_day_under_discussion(lexicon):
    ex, _ = _extract(
        lexicon,
        "Drones struck a base in Syria on July 18, wounding two US soldiers. That same day, "
        "four more US soldiers were hurt in a rocket attack on a base in western Iraq.",
    )
    assert [m.event_date for m in ex.mentions] == ["2024-07-18", "2024-07-18"]


def test_the_incident_refers_back_to_the_event_under_discussion(lexicon):
    ex, events = _extract(
        lexicon,
        "Two sailors died after a Houthi missile hit a cargo ship in the Gulf of Aden. "
        "Besides killing two of the crew, the incident on Monday forced the others to "
        "abandon the vessel.",
    )
    assert {m.actor1_side for m in ex.mentions} == {"HOUTHIS"}
    assert len(events) == 1 and str(events.iloc[0]["event_date"])[:10] == "2024-08-05"


def test_a_warship_downing_a_missile_fired_by_a_group_was_attacked_by_it(lexicon):
    ex, _ = _extract(
        lexicon,
        "Officials said on Monday that the destroyer USS Mason had intercepted a cruise "
        "missile fired by the Houthis over the Red Sea.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.actor2_side) == ("HOUTHIS", "US_COALITION")
    # Downed "by" a warship: the warship intercepted, it does not own the missile.
    ex, _ = _extract(lexicon, "On Monday a Houthi missile was downed by USS Mason.")
    [m] = ex.mentions
    assert (m.actor1_side, m.actor2_side) == ("HOUTHIS", "US_COALITION")


def test_an_opening_date_dates_the_clauses_after_it_and_what_they_answer_while(lexicon):
    ex, events = _extract(
        lexicon,
        "On July 14, while responding to a large Houthi attack, HMS Kent, a Royal Navy "
        "frigate, shot down six drones.",
    )
    [m] = ex.mentions
    assert m.actor1_side == "HOUTHIS" and m.actor2_side == "US_COALITION"
    assert m.event_date == "2024-07-14" and not m.responds_to
    assert len(events) == 1


def test_a_leader_who_ordered_a_killing_is_his_state(lexicon):
    ex, _ = _extract(
        lexicon,
        "He did not go after Iranian officials, the way Donald Trump did in 2020 by ordering "
        "a general assassinated in Baghdad.",
    )
    [m] = ex.mentions
    assert m.actor1_side == "US_COALITION" and m.location == "Baghdad"


def test_the_strike_a_leader_ordered_is_his_states_strike(lexicon):
    ex, events = _extract(
        lexicon,
        "US jets struck a militia depot in eastern Syria on Thursday. The strike Biden "
        "ordered coincides with talks with Iran.",
    )
    assert {m.actor1_side for m in ex.mentions} == {"US_COALITION"}
    assert len(events) == 1


def test_a_strike_on_a_group_is_by_the_state_the_headline_shows_striking_it(lexicon):
    text = "Strikes hit Hezbollah positions near Tyre on Monday, killing two fighters."
    ex, _ = _extract(lexicon, text, title="Israel strikes Hezbollah sites in south Lebanon")
    [m] = ex.mentions
    assert (m.actor1_side, m.actor1_basis) == ("ISRAEL", "suspected")
    ex, _ = _extract(lexicon, text, title="Two fighters killed near Tyre")
    assert ex.mentions[0].actor1_side == ""


def test_a_strike_on_a_group_is_by_the_one_state_the_article_shows_fighting_groups(lexicon):
    ex, _ = _extract(
        lexicon,
        "An Israeli drone struck a car near Tyre on Monday. Later, strikes hit Hezbollah "
        "positions near Nabatieh, killing two fighters.",
    )
    assert ex.mentions[1].actor1_side == "ISRAEL"
    # A state that only fights another state is no opponent of the group.
    ex, _ = _extract(
        lexicon,
        "Iran fired missiles at Israel on Sunday. Strikes hit Hezbollah positions near "
        "Nabatieh on Monday, killing two fighters.",
    )
    assert ex.mentions[1].actor1_side == ""


def test_in_a_separate_incident_the_act_told_is_read(lexicon):
    ex, events = _extract(
        lexicon,
        "Rockets hit a US base in Syria on Sunday. In a separate incident, a drone hit a "
        "base in Erbil on Monday.",
    )
    assert [m.event_date for m in ex.mentions] == ["2024-08-04", "2024-08-05"]
    assert ex.mentions[1].location == "Erbil" and len(events) == 2


def test_who_denies_being_behind_an_attack_is_not_its_doer(lexicon):
    ex, _ = _extract(lexicon, "Iran denied being behind the attacks on US bases on Monday.")
    [m] = ex.mentions
    assert m.actor1_side == "" and m.country == ""
    assert m.actor2_side == "US_COALITION"


@pytest.mark.parametrize(
    "sentence",
    [
        "Hezbollah said in a statement that its fighters attacked an Israeli post near Metula "
        "on Monday.",
        "Hezbollah said on Monday in a statement it had attacked an Israeli post near Metula.",
    ],
)
def test_an_event_reported_through_the_doers_statement_is_its_claim(lexicon, sentence):
    ex, _ = _extract(lexicon, sentence)
    [m] = ex.mentions
    assert (m.actor1_side, m.actor1_basis) == ("HEZBOLLAH", "claimed")
    assert m.actor2_side == "ISRAEL" and m.location == "Metula"


def test_who_is_held_responsible_is_blamed(lexicon):
    ex, _ = _extract(
        lexicon,
        "A rocket hit a football pitch in the Golan Heights on Saturday, killing ten "
        "children. Israel held Hezbollah responsible for the attack.",
    )
    m = ex.mentions[0]
    assert (m.actor1_side, m.actor1_basis, m.attributed_by) == ("HEZBOLLAH", "blamed", "Israel")


def test_the_act_someone_is_blamed_for_is_not_by_a_place_named_after_the_blame(lexicon):
    ex, _ = _extract(
        lexicon,
        "The army said the commander was to blame for the killing of ten children on "
        "Saturday in a village in northern Israel.",
    )
    assert all(m.actor1_side != "ISRAEL" for m in ex.mentions)


def test_a_series_told_with_its_doer_implies_the_culprit(lexicon):
    ex, _ = _extract(
        lexicon,
        "A missile was shot down over the Red Sea by USS Mason on Monday. It was the third "
        "missile the Houthis have fired this week.",
    )
    m = ex.mentions[0]
    assert (m.actor1_side, m.actor1_basis) == ("HOUTHIS", "suspected")
    assert m.actor2_side == "US_COALITION"


def test_a_killing_of_a_groups_fighter_is_by_the_state_that_accuses_the_group(lexicon):
    # The article names no doer of the killing: the one state that blames the group for its
    # answer is the group's opponent in the article (suspected, not stated).
    text = (
        "A drone exploded on Monday on a crowded market in the town of Metula, wounding "
        "four shoppers. According to the Israeli army, Hezbollah bears responsibility for "
        "the attack. The army said the attack came in retaliation for the killing, near "
        "the village of Aitaroun, of a Hezbollah field commander."
    )
    ex, _ = _extract(lexicon, text)
    [killing] = [m for m in ex.mentions if m.actor2_side == "HEZBOLLAH"]
    assert (killing.actor1_side, killing.actor1_basis) == ("ISRAEL", "suspected")
    # Without the accusation the article shows no opponent: the killing keeps no doer.
    ex, _ = _extract(
        lexicon,
        text.replace(
            "According to the Israeli army, Hezbollah bears responsibility for the attack. ",
            "Hezbollah fired the drone. ",
        ).replace("The army said the", "The"),
    )
    [killing] = [m for m in ex.mentions if m.actor2_side == "HEZBOLLAH"]
    assert killing.actor1_side == ""


def test_a_claim_to_have_fired_the_weapons_named_before_is_that_attack(lexicon):
    ex, events = _extract(
        lexicon,
        "Militias fired ballistic missiles at Ain al-Asad air base on Saturday, wounding two "
        "US soldiers. The Islamic Resistance in Iraq claimed it had fired the missiles.",
    )
    assert len(events) == 1
    assert events.iloc[0]["actor1"] == "Islamic Resistance in Iraq"
