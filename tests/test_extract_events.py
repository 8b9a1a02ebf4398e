"""Which events the extractor finds, how its mentions merge and who is said to act: sentences
written for these tests, one class of report per test."""

import datetime as dt

import pytest

from own_texts import events_of

#: A Wednesday: "on Monday" is 5 Aug 2024, "on Sunday" 4 Aug.
PUBLISHED = dt.date(2024, 8, 7)


def _extract(lexicon, text: str, title: str = ""):
    return events_of(text, lexicon, PUBLISHED, title)


def test_a_statement_date_before_that_leaves_the_response_clause_whole(lexicon):
    # "said on Sunday that, in response to Y, X": the opening phrase is Y, X answers it.
    ex, events = _extract(
        lexicon,
        "Officials said on Sunday that, in response to a rocket attack that killed a "
        "contractor at a base near Kirkuk, US jets had struck Kataib Hezbollah depots in "
        "Anbar.",
    )
    answer = next(m for m in ex.mentions if m.actor1_side == "US_COALITION")
    cause = next(m for m in ex.mentions if m is not answer)
    assert answer.actor2_side == "IRAN_ALIGNED" and answer.admin1 == "Al Anbar"
    assert answer.responds_to == (cause.mention_id,)
    assert cause.killed_best == 1 and cause.admin1 == "Kirkuk"


@pytest.mark.parametrize(
    "sentence",
    [
        "Rockets struck an Iraqi military base near Kirkuk on Monday, wounding two soldiers.",
        "Two drones hit Iraqi bases where coalition forces are hosted on Monday.",
    ],
)
def test_an_iraqi_base_is_a_place_not_an_iraqi_target(lexicon, sentence):
    ex, _ = _extract(lexicon, sentence)
    [m] = ex.mentions
    assert m.actor2_side != "IRAQ_GOV"
    # The Iraqi army itself is still a target when it is what was hit.
    ex, _ = _extract(lexicon, "Militants attacked the Iraqi army near Kirkuk on Monday.")
    assert ex.mentions[0].actor2_side == "IRAQ_GOV"


def test_the_group_said_it_launched_is_a_claim_by_the_group_named_before(lexicon):
    ex, events = _extract(
        lexicon,
        "Israeli jets struck a house in Bint Jbeil on Monday. Hezbollah mourned two of its "
        "fighters. The group said it launched a salvo of rockets at a barracks in Safed in "
        "reprisal for the strike.",
    )
    claim = next(m for m in ex.mentions if m.sentence_index == 2)
    assert (claim.actor1, claim.actor1_side) == ("Hezbollah", "HEZBOLLAH")
    assert (claim.actor1_basis, claim.attributed_by) == ("claimed", "Hezbollah")
    strike = next(m for m in ex.mentions if m.actor1_side == "ISRAEL")
    assert claim.responds_to == (strike.mention_id,)
    assert len(events) == 2


def test_a_victim_of_the_speaker_is_not_the_speaker_acting(lexicon):
    # "X said its deputy leader had died in an attack": X was hit, it did not attack.
    ex, _ = _extract(
        lexicon,
        "The militia said on Monday that its deputy leader had died in an air strike near "
        "Baghdad airport.",
    )
    [m] = ex.mentions
    assert m.actor1_side != "IRAN_ALIGNED"
    # Its own forces acting is the speaker acting.
    ex, _ = _extract(
        lexicon, "The Israeli army said its jets had struck a depot in Tyre on Monday."
    )
    assert ex.mentions[0].actor1_side == "ISRAEL"
    assert ex.mentions[0].actor1_basis == "claimed"


def test_an_undated_report_without_place_joins_the_one_strike_its_article_dates(lexicon):
    _, events = _extract(
        lexicon,
        "US jets struck Kataib Hezbollah depots in Anbar on Sunday. "
        "The Pentagon said that US forces had mounted precise defensive strikes.",
    )
    assert len(events) == 1
    assert events.iloc[0]["number_of_sources"] == 1


def test_also_hit_elsewhere_is_another_event_and_also_hit_there_is_the_same(lexicon):
    ex, events = _extract(
        lexicon,
        "Israeli jets struck a house in Bint Jbeil on Monday. The area was also hit by "
        "artillery shells. Israeli artillery also hit Khiam, a town on the border.",
    )
    assert sorted(events["location"]) == ["Bent Jbail", "Khiam"]
    # The shelling of the same area is the same event, not a third one.
    assert {m.location for m in ex.mentions} == {"Bent Jbail", "Khiam"}


def test_what_a_group_answers_was_done_to_it_not_by_it(lexicon):
    ex, events = _extract(
        lexicon,
        "Hezbollah said it fired rockets at Israeli soldiers in Metula in reprisal for an "
        "overnight strike that wounded five people in the town of Hanaway, in the Tyre "
        "district.",
    )
    answer = next(m for m in ex.mentions if m.location == "Metula")
    cause = next(m for m in ex.mentions if m.location == "Hanaway")
    assert (answer.actor1_side, answer.actor1_basis) == ("HEZBOLLAH", "claimed")
    assert answer.responds_to == (cause.mention_id,)
    # The strike hit the side that answers it, and is by the state the article reports
    # fighting that side; it lies in Lebanon (the Tyre district), not where the answer hit.
    assert (cause.actor1_side, cause.actor2_side) == ("ISRAEL", "HEZBOLLAH")
    assert (cause.country, answer.country) == ("Lebanon", "Israel")
    assert cause.injured_best == 5 and answer.injured_best is None


def test_a_place_of_the_cause_is_not_the_place_of_the_answer(lexicon):
    ex, _ = _extract(
        lexicon,
        "Hezbollah fired drones at a barracks on Monday in response to the strikes on Naqoura.",
    )
    answer = next(m for m in ex.mentions if m.actor1_side == "HEZBOLLAH")
    assert answer.country == ""


def test_habitual_exchanges_of_fire_are_no_event(lexicon):
    ex, _ = _extract(
        lexicon,
        "Hezbollah has traded fire with Israeli forces almost every day since the October 7 "
        "attack on Israel.",
    )
    assert ex.mentions == ()


def test_a_speaker_with_an_apposition_is_set_aside(lexicon):
    # "X, a militia, said that its leader died in an attack": X is the speaker (and the
    # victim's side), not the attacker.
    ex, _ = _extract(
        lexicon,
        "Kataib Hezbollah, an Iraqi militia, said that its commander had died in an attack "
        "near Baghdad airport on Monday.",
    )
    [m] = ex.mentions
    assert m.actor1_side != "IRAN_ALIGNED"


def test_a_named_group_claiming_the_event_under_discussion_names_its_doer(lexicon):
    _, events = _extract(
        lexicon,
        "Iranian-backed militias fired rockets at Ain al-Asad air base on Monday. The "
        "Islamic Resistance in Iraq, an alliance of militias, claimed it had fired the "
        "rockets.",
    )
    [row] = events.to_dict("records")
    assert (row["actor1"], row["actor1_basis"]) == ("Islamic Resistance in Iraq", "claimed")
    assert row["attributed_by"] == "Islamic Resistance in Iraq"


def test_a_dated_description_dates_only_the_event_under_discussion(lexicon):
    # The undated strike of the first sentence is not "Thursday's strikes" three sentences
    # and another event later.
    ex, _ = _extract(
        lexicon,
        "A US strike hit a convoy on the airport road in Baghdad. Protesters stormed the "
        "embassy compound on Tuesday. They burned a gate. Thursday's US strikes on Kataib "
        "Hezbollah in Anbar had angered them.",
    )
    convoy = next(m for m in ex.mentions if m.sentence_index == 0)
    assert convoy.date_basis == "frame"
    # Named in the sentence just before, it is dated.
    ex, _ = _extract(
        lexicon,
        "A US strike hit a convoy on the airport road in Baghdad. Thursday's US strike on "
        "the convoy killed two men.",
    )
    assert ex.mentions[0].event_date == "2024-08-01"


def test_strikes_in_two_countries_are_placed_in_neither(lexicon):
    ex, _ = _extract(
        lexicon, "The protest followed Sunday's US strikes in Syria and Iraq on Kataib Hezbollah."
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.country) == ("US_COALITION", "")


@pytest.mark.parametrize(
    "culprit",
    ["Iran-based fighters", "Iranian-linked militants", "an Iran-backed faction"],
)
def test_descriptions_of_iran_backed_groups_name_the_side(lexicon, culprit):
    _, events = _extract(
        lexicon,
        "Three drones hit the Conoco gas field on Monday. Activists said the attack was "
        f"carried out by {culprit}.",
    )
    [row] = events.to_dict("records")
    assert (row["actor1_side"], row["actor1_basis"]) == ("IRAN_ALIGNED", "stated")


def test_its_own_jets_are_the_speakers_and_an_opening_adverb_is_no_speaker(lexicon):
    ex, _ = _extract(
        lexicon,
        "Afterwards, the Israeli military claimed that its fighter jets had struck a "
        "Hezbollah commander in Beirut.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.actor1_basis, m.actor2_side) == ("ISRAEL", "claimed", "HEZBOLLAH")


def test_a_toll_that_claimed_lives_is_no_claim_of_responsibility(lexicon):
    ex, _ = _extract(
        lexicon,
        "A missile hit a bulk carrier in the Gulf of Aden on Wednesday. British officials "
        "confirmed that the attack had claimed two lives.",
    )
    assert all(m.actor1_basis != "claimed" for m in ex.mentions)
    assert all(m.actor1_side != "US_COALITION" for m in ex.mentions)


def test_responded_to_y_with_strikes_is_a_strike_answering_y(lexicon):
    ex, _ = _extract(
        lexicon,
        "Militias fired rockets at Camp Taji on Wednesday. The US responded to that attack "
        "with four airstrikes, hitting depots held by Kataib Hezbollah near Karbala.",
    )
    attack = next(m for m in ex.mentions if m.sentence_index == 0)
    strike = next(m for m in ex.mentions if m.sentence_index == 1)
    assert (strike.actor1_side, strike.actor2_side) == ("US_COALITION", "IRAN_ALIGNED")
    assert strike.location == "Karbala" and strike.responds_to == (attack.mention_id,)
    assert attack.location == "Camp Taji"


def test_fired_from_areas_held_by_x_is_fired_by_x(lexicon):
    ex, _ = _extract(
        lexicon,
        "On Wednesday a missile was fired from areas of Yemen held by the Houthis toward a "
        "bulk carrier in the Gulf of Aden.",
    )
    [m] = ex.mentions
    assert m.actor1_side == "HOUTHIS"


def test_sending_a_weapon_at_a_target_is_an_attack(lexicon):
    ex, _ = _extract(
        lexicon,
        "Answering recent raids, Hezbollah on Tuesday sent explosive-laden drones against an "
        "army base in Safed.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.event_date, m.weapon) == ("HEZBOLLAH", "2024-08-06", "one-way drone")
    # A launch verb with no weapon after it is no act of force.
    ex, _ = _extract(lexicon, "Hezbollah on Tuesday sent a delegation to Beirut.")
    assert ex.mentions == ()


def test_undated_strikes_with_a_toll_at_a_named_place_and_additional_strikes(lexicon):
    ex, _ = _extract(
        lexicon,
        "Israeli strikes in Beirut killed a Hamas leader, and additional strikes on Monday "
        "killed a Hezbollah commander in Tyre.",
    )
    assert [(m.location, m.date_basis) for m in ex.mentions] == [
        ("Beirut", "frame"),
        ("Tyre", ""),
    ]
    # An undated series named only by its target is still no event.
    ex, _ = _extract(lexicon, "Israeli strikes have hit Hezbollah for months.")
    assert ex.mentions == ()


def test_the_actor_naming_the_action_is_its_doer_not_a_victim_named_before(lexicon):
    ex, _ = _extract(
        lexicon,
        "Iran fired missiles at Ain al-Asad on Monday in revenge for the killing of the "
        "Iranian general who died in a US drone strike near Baghdad airport on January 3.",
    )
    cause = next(m for m in ex.mentions if m.location == "Baghdad International Airport")
    assert cause.actor1_side == "US_COALITION"


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials said every attack on the coalition erodes the rule of law.",
        "These attacks are being conducted by Kataib Hezbollah, a militia of the PMF.",
    ],
)
def test_statements_about_attacks_in_general_are_no_event(lexicon, sentence):
    ex, _ = _extract(lexicon, sentence)
    assert ex.mentions == ()


def test_what_a_strike_coincides_with_is_not_its_target(lexicon):
    ex, events = _extract(
        lexicon,
        "US jets struck militia depots in Syria on Thursday. The strike coincides with "
        "efforts to revive talks with Iran.",
    )
    assert len(events) == 1
    assert all(m.actor2_side != "IRAN" for m in ex.mentions)


def test_a_closing_speaker_after_a_long_report_is_set_aside(lexicon):
    ex, _ = _extract(
        lexicon,
        "A gas field in eastern Syria where American troops are stationed, together with a "
        "smaller US outpost in an area nearby, came under a drone attack on Monday, Syrian "
        "opposition activists say.",
    )
    [m] = ex.mentions
    assert m.event_date == "2024-08-05"
    # A relative clause with a reporting verb is part of the report.
    ex, _ = _extract(
        lexicon,
        "Rockets hit Ain al-Asad air base on Monday, which officials said wounded two.",
    )
    assert ex.mentions[0].injured_best == 2


def test_drones_that_went_after_a_base_attacked_it(lexicon):
    ex, _ = _extract(
        lexicon, "On Monday three drones also went after the US base at Tanf, in eastern Syria."
    )
    [m] = ex.mentions
    assert (m.location, m.actor2_side, m.event_date) == ("Al-Tanf", "US_COALITION", "2024-08-05")


def test_the_subject_of_a_relative_clause_mounted_the_attack_and_quoted_officials_did_not(
    lexicon,
):
    ex, _ = _extract(
        lexicon,
        "Israel struck a radar site near Isfahan on Friday, US media said, quoting US "
        "officials, in reprisal for the air assault that Tehran mounted last weekend.",
    )
    answer = next(m for m in ex.mentions if m.actor1_side == "ISRAEL")
    cause = next(m for m in ex.mentions if m is not answer)
    assert answer.actor2_side != "US_COALITION"
    assert cause.actor1_side == "IRAN" and answer.responds_to == (cause.mention_id,)


@pytest.mark.parametrize(
    "sentence",
    [
        "President Biden ordered no strikes within Iran on Friday.",
        "The president gave no order for strikes inside Iran on Friday.",
        "US forces did not strike the militia's depots on Friday.",
    ],
)
def test_negated_actions_are_no_event(lexicon, sentence):
    ex, _ = _extract(lexicon, sentence)
    assert ex.mentions == ()


def test_the_side_hurt_before_after_is_the_side_attacked(lexicon):
    ex, _ = _extract(
        lexicon,
        "Twenty American personnel were left with minor injuries after two drones struck "
        "the al-Tanf base on Monday.",
    )
    [m] = ex.mentions
    assert (m.actor2_side, m.injured_best, m.location) == ("US_COALITION", 20, "Al-Tanf")


@pytest.mark.parametrize(
    "sentence",
    [
        "Feb. 18, 2023: an F-15E Strike Eagle on a patrol flight over the Gulf.",
        "The targets supported the group's one-way attack drone capabilities.",
        "The strikes answered a string of attacks on US personnel in Iraq and Syria.",
    ],
)
def test_weapon_names_and_strings_of_attacks_are_no_event(lexicon, sentence):
    ex, _ = _extract(lexicon, sentence)
    assert all(m.actor1_side != "IRAN" for m in ex.mentions)
    assert len(ex.mentions) <= 1 and all(m.sentence_index == 0 for m in ex.mentions)
    if "string" not in sentence:
        assert ex.mentions == ()


def test_an_acknowledging_speaker_is_not_the_attacker(lexicon):
    ex, _ = _extract(
        lexicon,
        "Drones struck the al-Tanf base on Monday. Last week the Pentagon acknowledged that "
        "the attacks had happened.",
    )
    assert all(m.actor1_side != "US_COALITION" for m in ex.mentions)


def test_an_undated_interception_right_after_a_strike_is_the_same_act(lexicon):
    _, events = _extract(
        lexicon,
        "Two drones struck the al-Tanf base on Monday, wounding three soldiers. One drone "
        "was downed.",
    )
    assert len(events) == 1
    # Unless it hits the doer of the event under discussion: another event.
    _, events = _extract(
        lexicon,
        "US jets struck militia depots in Anbar on Monday. Rockets were then fired at US "
        "forces at Ain al-Asad.",
    )
    assert len(events) == 2


def test_follows_by_a_few_days_is_chronology_between_two_events(lexicon):
    ex, _ = _extract(
        lexicon,
        "Drones struck the Rumalyn base on Friday. The Rumalyn attack follows by only a few "
        "days an attack on the Asad Airbase in Iraq.",
    )
    asad = next(m for m in ex.mentions if m.location == "Ain al-Asad Air Base")
    # A few days before Friday 2 August 2024 (2 to 6 days), and no answer to it.
    assert (asad.date_start, asad.date_end) == ("2024-07-27", "2024-07-31")
    assert asad.responds_to == ()
    assert all(m.responds_to == () for m in ex.mentions)


def test_a_cleft_or_time_clause_subject_is_the_doer(lexicon):
    ex, _ = _extract(
        lexicon,
        "It was at al-Asad that Iran carried out its January 2020 ballistic missile attack.",
    )
    assert ex.mentions[0].actor1_side == "IRAN"
    ex, _ = _extract(
        lexicon,
        "A cargo plane was landing at the base at the time the Iran-affiliated militants "
        "attacked it on Monday.",
    )
    assert ex.mentions[0].actor1_side == "IRAN_ALIGNED"


def test_hit_by_parenthesised_warplanes_after_midnight_in_a_bordering_area(lexicon):
    ex, events = _extract(
        lexicon,
        "SANA said the area bordering Iraq in Deir Ezzor’s countryside was hit from the air "
        "by (U.S.) warplanes after midnight on Monday, killing a child.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.country, m.killed_best) == ("US_COALITION", "Syria", 1)


def test_made_in_iran_and_local_time_in_baghdad_name_neither_doer_nor_place(lexicon):
    ex, _ = _extract(
        lexicon,
        "Militias fired Iranian-made rockets at Ain al-Asad on Saturday, at about 6:30 p.m. "
        "local time in Baghdad.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.location) == ("IRAN_ALIGNED", "Ain al-Asad Air Base")


def test_a_claim_by_a_group_with_iranian_backing_is_the_groups(lexicon):
    ex, _ = _extract(
        lexicon,
        "Ballistic missiles were fired at Ain al-Asad on Saturday. The Islamic Resistance in "
        "Iraq, a militia group with Iranian backing, claimed the attack.",
    )
    m = ex.mentions[0]
    assert (m.actor1_side, m.actor1_basis) == ("IRAN_ALIGNED", "claimed")
    # A lone adjective still names the suspect.
    ex, _ = _extract(
        lexicon,
        "An air strike, suspected to be Israeli, hit a compound in Damascus on Monday.",
    )
    assert ex.mentions[0].actor1_side == "ISRAEL"


def test_a_definite_series_before_any_event_is_told_is_no_event(lexicon):
    ex, _ = _extract(
        lexicon,
        "Last week the Pentagon acknowledged that the attacks had happened. Two drones "
        "struck the al-Tanf base on Monday.",
    )
    [m] = ex.mentions
    assert m.location == "Al-Tanf"


def test_further_strikes_are_news_and_a_modal_in_a_relative_clause_is_not_theirs(lexicon):
    ex, _ = _extract(
        lexicon,
        "Later on Monday, the US carried out further air strikes on missiles which officials "
        "said could pose a threat to shipping.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.event_date) == ("US_COALITION", "2024-08-05")
    # A modal governing the action itself still makes it no event.
    ex, _ = _extract(lexicon, "The US could carry out further air strikes on the Houthis.")
    assert ex.mentions == ()


def test_one_verb_with_two_sites_and_two_weapons_is_two_events(lexicon):
    ex, events = _extract(
        lexicon,
        "Hezbollah hit an army post in Metula with anti-tank missiles and a barracks in "
        "Shlomi with a swarm of drones on Monday in response to an Israeli strike on Khiam "
        "on Sunday.",
    )
    answers = [m for m in ex.mentions if m.actor1_side == "HEZBOLLAH"]
    [cause] = [m for m in ex.mentions if m.actor1_side == "ISRAEL"]
    assert [(m.location, m.event_date) for m in answers] == [
        ("Metula", "2024-08-05"),
        ("Shlomi", "2024-08-05"),
    ]
    assert answers[0].weapon != answers[1].weapon
    assert all(m.responds_to == (cause.mention_id,) for m in answers)
    assert (cause.location, cause.event_date) == ("Khiam", "2024-08-04")
    assert len(events) == 3


def test_two_objects_without_their_own_weapons_stay_one_event(lexicon):
    ex, _ = _extract(lexicon, "Israel struck a house in Khiam and a car in Bint Jbeil on Monday.")
    [m] = ex.mentions
    assert m.actor1_side == "ISRAEL"


def test_an_undated_cause_is_none_of_the_sites_that_answer_it(lexicon):
    ex, _ = _extract(
        lexicon,
        "Hezbollah hit an army post in Metula with anti-tank missiles and a barracks in "
        "Shlomi with a swarm of drones in response to the Israeli strike on Khiam.",
    )
    assert [m.location for m in ex.mentions] == ["Metula", "Shlomi"]
    assert all(m.responds_to == () for m in ex.mentions)


def test_where_a_weapon_was_manufactured_is_not_where_it_struck(lexicon):
    ex, _ = _extract(
        lexicon,
        "Hezbollah fired a rocket manufactured in Iran at a kibbutz on Monday, police said.",
    )
    [m] = ex.mentions
    assert (m.actor1_side, m.country, m.event_date) == ("HEZBOLLAH", "", "2024-08-05")
    # A place after "in" with no verb of making before it is still the event's.
    ex, _ = _extract(lexicon, "Hezbollah fired a rocket at a kibbutz in Israel on Monday.")
    assert ex.mentions[0].country == "Israel"


def test_a_second_site_after_as_well_as_is_a_second_event(lexicon):
    ex, events = _extract(
        lexicon,
        "On Monday Hezbollah attacked a post in the Shebaa Farms as well as soldiers in "
        "Metula and Shlomi in northern Israel.",
    )
    assert [(m.actor1_side, m.location, m.event_date) for m in ex.mentions] == [
        ("HEZBOLLAH", "Shebaa Farms", "2024-08-05"),
        ("HEZBOLLAH", "Metula", "2024-08-05"),
    ]
    # The disputed farms are placed in no country; northern Israel is the second site's.
    assert [m.country for m in ex.mentions] == ["", "Israel"]
    assert len(events) == 2
