"""Ways of telling an event found in wire, regional and defence reporting: ages after
names, victims after an apposition, places that stand for authorities or wars, datelines
naming two cities, answers told as punishment, hedged doers and a spokesman's own forces.

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

import pytest

from analysis.events.reconcile import cluster_mentions
from analysis.extract.article import extract_article
from analysis.extract.casualties import find_casualties
from analysis.extract.clauses import content_span
from analysis.records import Mention

from own_texts import mentions_of, own_article

PUBLISHED = dt.date(2025, 3, 12)  # a Wednesday


def _extract(text: str, lexicon, published: dt.date = PUBLISHED) -> list[Mention]:
    return mentions_of(text, lexicon, published)


def _killed(text: str, lexicon):
    found = find_casualties(text, lexicon).killed
    return None if found is None else (found.low, found.high)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # An age after a name is no count of victims.
        ("Sgt. Ana Ruiz, 31, died in the attack on the outpost", (1, None)),
        ("Two soldiers, aged 19 and 22, were killed", (2, 2)),
        # A count after a comma that follows no name is still a count.
        ("the strike killed 12, including two children", (12, 12)),
        # Victims added after an apposition.
        (
            "the raid killed Omar Haddad, the head of the group's rocket unit, along with "
            "two other fighters",
            (3, None),
        ),
    ],
)
def test_counts_of_the_dead_around_names(lexicon, text, killed):
    assert _killed(text, lexicon) == killed


def test_a_place_standing_for_its_authorities_is_not_where_it_happened(lexicon):
    text = (
        "A drone hit a gas plant near Chamchamal on Friday evening. The region's prime "
        "minister condemned the attack and urged the federal government in Baghdad to act. "
        "The Kurdistan Region's President also condemned the attack."
    )
    mentions = _extract(text, lexicon)
    assert not {m.location for m in mentions} & {"Baghdad", "Kurdistan Region"}
    assert len(cluster_mentions(mentions)) == 1


def test_a_place_inside_a_war_named_as_a_period_is_not_the_acts(lexicon):
    text = (
        "A drone killed three US soldiers at an outpost in Jordan on Sunday. It was the first "
        "time US troops had been killed by enemy fire since the war in Gaza began."
    )
    mentions = _extract(text, lexicon, dt.date(2025, 3, 11))
    assert {m.country for m in mentions} == {"Jordan"}
    assert len(cluster_mentions(mentions)) == 1


def test_a_dateline_of_two_cities_is_not_the_events_date_or_place(lexicon):
    text = (
        "BEIRUT/JERUSALEM, March 12 (Wire) - Hezbollah fired rockets at a base in northern "
        "Israel late on Monday."
    )
    (mention,) = _extract(text, lexicon)
    assert mention.event_date == "2025-03-10"
    assert mention.location != "Beirut"


def test_punishment_for_an_act_names_the_act_answered(lexicon):
    text = (
        "Houthi forces fired missiles at a tanker on Tuesday. The group said it had fired "
        "the missiles to punish the United States for the March 2 strike, which killed four "
        "of its fighters."
    )
    mentions = _extract(text, lexicon)
    answered = [m for m in mentions if m.event_date == "2025-03-02"]
    assert answered and answered[0].killed_low == 4
    assert answered[0].actor1_side != "HOUTHIS"


def test_a_hedge_before_a_doers_adjective_makes_the_doer_suspected(lexicon):
    text = (
        "Iran fired missiles at Israel on Saturday in retaliation for a suspected Israeli "
        "strike on its consulate in Damascus."
    )
    clusters = cluster_mentions(_extract(text, lexicon))
    doers = {(c.members[0].actor1_side, c.members[0].actor1_basis) for c in clusters}
    assert ("ISRAEL", "suspected") in doers


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # A state's army telling of jets it does not name tells of its own.
        (
            "Hezbollah fired rockets at northern Israel on Tuesday. The Israeli army said "
            "fighter jets later struck the launchers in southern Lebanon.",
            "ISRAEL",
        ),
        # Fighter jets alone belong to no one state.
        (
            "Hezbollah fired rockets at northern Israel on Tuesday. Fighter jets struck the "
            "launchers in southern Lebanon, residents said.",
            "",
        ),
    ],
)
def test_whose_fighter_jets(lexicon, text, side):
    mentions = _extract(text, lexicon)
    strike = [m for m in mentions if m.country == "Lebanon"]
    assert strike and strike[0].actor1_side != "US_COALITION"
    if side:
        assert strike[0].actor1_side == side


def test_a_spokesman_telling_of_an_attack_on_his_own_side_is_not_its_doer(lexicon):
    text = "The Israeli army said drones struck a base in northern Israel on Tuesday."
    (mention,) = _extract(text, lexicon)
    assert mention.actor1_side != "ISRAEL"


@pytest.mark.parametrize(
    ("text", "zero"),
    [
        ("There were no reports of casualties.", True),
        ("There were no reports of injuries.", True),
        # Too early to say: nothing is known.
        ("There were no immediate reports of casualties.", False),
    ],
)
def test_no_reports_of_casualties(lexicon, text, zero):
    found = find_casualties(text, lexicon)
    assert (found.injured is not None and found.injured.high == 0) is zero


def test_a_hedge_on_the_victims_names_no_doer(lexicon):
    text = (
        "Rockets hit a base housing US troops in Syria on Monday. On Tuesday, a US drone "
        "strike near Mayadin killed two suspected Iran-backed militants."
    )
    rockets = next(m for m in _extract(text, lexicon) if m.actor2_side == "US_COALITION")
    # "suspected" says who the dead were, not who fired the rockets.
    assert (rockets.actor1_side, rockets.actor1_basis) == ("", "unattributed")


UNCLAIMED = (
    "Rockets struck two bases housing US troops in eastern Syria on Monday, wounding two "
    "service members. In response, US attack helicopters fired on a truck used to launch "
    "them, killing three suspected Iran-backed militants, according to Central Command."
)


def test_an_answer_names_the_doer_of_an_unclaimed_attack_and_is_dated_from_it(lexicon):
    mentions = _extract(UNCLAIMED, lexicon)
    attack = next(m for m in mentions if m.actor2_side == "US_COALITION")
    answer = next(m for m in mentions if m.actor1_side == "US_COALITION")
    assert answer.responds_to == (attack.mention_id,)
    # The answer was struck at Iran-backed militants: the attack was theirs, as far as
    # the answer tells.
    assert (attack.actor1_side, attack.actor1_basis) == ("IRAN_ALIGNED", "suspected")
    # Undated, on or after Monday 10 March.
    assert (answer.date_start, answer.event_date, answer.date_end) == (
        "2025-03-10",
        "2025-03-10",
        "2025-03-12",
    )


def test_a_reference_dated_by_its_own_day_is_the_event_of_that_day(lexicon):
    text = (
        "Rockets struck a base housing US troops in Syria on Wednesday, a day after "
        "Washington ordered air strikes on depots used by Iran-backed groups. In response, "
        "US helicopters destroyed a rocket launcher. The Tuesday night strikes hit nine "
        "bunkers near Deir ez-Zor. A spokesman said they were a response to a drone attack "
        "on the al-Tanf garrison on March 1."
    )
    mentions = _extract(text, lexicon)
    tuesday = [m for m in mentions if m.event_date == "2025-03-11"]
    assert tuesday and {m.actor1_side for m in tuesday} == {"US_COALITION"}
    drone = next(m for m in mentions if m.event_date == "2025-03-01")
    # "they were a response to ...": the strikes discussed answer the drone attack.
    assert any(drone.mention_id in m.responds_to for m in tuesday)


@pytest.mark.parametrize(
    "text",
    [
        "Two Katyusha rockets fell near the air base at 11:30 pm on Monday.",
        "At least three rockets landed inside the airport compound late on Monday.",
    ],
)
def test_rockets_that_fell_or_landed_are_an_attack(lexicon, text):
    (mention,) = _extract(text, lexicon)
    assert mention.event_date == "2025-03-10"
    assert mention.event_type == "Explosions/Remote violence"


@pytest.mark.parametrize(
    ("text", "zero"),
    [
        ("The cell said the attack caused no human or material losses.", True),
        ("Militias fired rockets at the base, with no reports of casualties so far.", False),
    ],
)
def test_no_human_losses_and_no_reports_so_far(lexicon, text, zero):
    found = find_casualties(text, lexicon)
    assert (found.killed is not None and found.killed.high == 0) is zero


def test_an_act_blamed_on_a_person_in_a_relative_clause_is_its_own_event(lexicon):
    text = (
        "An Israeli airstrike hit a building in Beirut on Tuesday evening, targeting a "
        "Hezbollah commander whom Israel blamed for a rocket strike that killed 12 children "
        "in the Golan Heights. The health ministry said the strike killed five people."
    )
    mentions = _extract(text, lexicon)
    strike = [m for m in mentions if m.actor1_side == "ISRAEL"]
    blamed = [m for m in mentions if m.killed_low == 12]
    # The twelve dead are the rocket strike's, not the airstrike's.
    assert {m.killed_low for m in strike} <= {None, 5}
    assert strike and all(m.actor1_basis == "stated" for m in strike)
    # Hezbollah's, blamed by Israel; on disputed ground, so in no country.
    assert [(m.actor1_side, m.actor1_basis, m.attributed_by, m.country) for m in blamed] == [
        ("HEZBOLLAH", "blamed", "Israel", "")
    ]


def test_unidentified_drones_take_no_side_from_the_article(lexicon):
    text = (
        "US forces struck militia depots near Mayadin on Sunday. At dawn on Monday, "
        "unidentified drones targeted a vehicle carrying militia members near Albu Kamal, "
        "killing four of them."
    )
    vehicle = next(m for m in _extract(text, lexicon) if m.event_date == "2025-03-10")
    assert (vehicle.actor1_side, vehicle.actor1_basis) == ("", "unattributed")


def test_a_claim_told_sentences_later_outweighs_a_tally_of_claims(lexicon):
    text = (
        "A drone launched toward Eilat early on Monday was intercepted by the navy. It fell "
        "in an open area near a naval base. No one was hurt. The Islamic Resistance in Iraq, "
        "an umbrella of Iran-backed militias, claimed responsibility, saying it had launched "
        "the drone at a target in Eilat. The group has claimed dozens of attacks on Israel."
    )
    (drone,) = [m for m in _extract(text, lexicon, dt.date(2025, 3, 10)) if m.sentence_index == 0]
    # The named group, not its description nor the target of a tally of its claims.
    assert (drone.actor1, drone.actor1_basis) == ("Islamic Resistance in Iraq", "claimed")


@pytest.mark.parametrize(
    ("text", "day", "injured", "killed"),
    [
        (
            "Damascus, SANA – Two soldiers were wounded as air defenses confronted an Israeli "
            "air aggression on points in the Damascus countryside at dawn on Sunday.",
            "2025-03-09",
            2,
            None,
        ),
        (
            "Last Thursday, an Israeli aggression on a site in the Homs countryside caused "
            "material damage only, the source said.",
            "2025-03-06",
            0,
            0,
        ),
    ],
)
def test_a_state_agencys_aggression(lexicon, text, day, injured, killed):
    (mention,) = _extract(text, lexicon)
    assert (mention.actor1_side, mention.event_date) == ("ISRAEL", day)
    assert (mention.injured_low, mention.killed_low) == (injured, killed)


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("an Israeli aggression on a site near Homs", True),
        ("an air aggression on points in the Damascus countryside", True),
        # Rhetoric, not a report of an act: "we hold X responsible for this aggression".
        ("the consequences of this flagrant aggression", False),
    ],
)
def test_which_aggression_is_an_act(lexicon, text, act):
    assert bool(lexicon.actions.find(text)) is act


def test_the_group_of_the_standfirst_claims_the_same_day_as_its_statement(lexicon):
    title = "Militia group targets US base in Hasakah"
    text = (
        f"{title}\n\nThe Islamic Resistance in Iraq says it has targeted a US base in Syria's "
        "Hasakah province with drones.\n\nIn a statement released on Sunday, the group said its "
        "fighters had hit the al-Shaddadi base with a drone the same day."
    )
    article = own_article(text, PUBLISHED, title)
    mentions = list(extract_article(article, lexicon).mentions)
    hit = [m for m in mentions if m.sentence_index == 2 or "al-Shaddadi" in m.sentence_text]
    assert [(m.actor1, m.actor1_basis, m.event_date, m.date_start) for m in hit] == [
        ("Islamic Resistance in Iraq", "claimed", "2025-03-09", "2025-03-09")
    ]


def test_an_anniversary_sentence_counts_its_days_back_and_forward(lexicon):
    text = (
        "Five years ago this week, a US drone strike near the airport in Baghdad killed a "
        "general, along with a militia leader, the deputy head of a paramilitary force, and "
        "eight others. The strike, on January 3, 2020, came days after militia supporters "
        "stormed the US embassy in Baghdad. Five days later, Iran fired ballistic missiles at "
        "Ain al-Asad in what it called retaliation for the killing."
    )
    mentions = _extract(text, lexicon, dt.date(2025, 1, 5))
    strike = [m for m in mentions if m.actor1_side == "US_COALITION"]
    # "this week" five years back, narrowed by "The strike, on January 3, 2020".
    assert {m.event_date for m in strike} == {"2020-01-03"}
    assert max(m.killed_low or 0 for m in strike) == 10
    missiles = [m for m in mentions if m.actor1_side == "IRAN"]
    assert {m.event_date for m in missiles} == {"2020-01-08"}
    # "the killing" is the strike told before.
    assert all(m.responds_to == (strike[0].mention_id,) for m in missiles)


def test_an_attack_told_by_an_in_which_clause_and_a_cause_with_its_own_doer(lexicon):
    text = (
        "Israeli warplanes struck military targets in Iran early on Saturday in retaliation "
        "for the barrage of ballistic missiles that the Islamic Republic fired at Israel on "
        "March 1. The March 1 attack, in which Iran fired some 180 missiles, was itself a "
        "response to a killing in Beirut."
    )
    mentions = _extract(text, lexicon, dt.date(2025, 3, 15))
    barrage = [m for m in mentions if m.event_date == "2025-03-01"]
    assert barrage and {m.actor1_side for m in barrage} == {"IRAN"}
    strike = next(m for m in mentions if m.actor1_side == "ISRAEL")
    assert strike.responds_to == (barrage[0].mention_id,)


def test_a_list_introduced_as_some_of_the_attacks_is_no_event(lexicon):
    text = (
        "Here are some of the attacks this month:\n\n"
        "• March 2: Rockets were fired at a base in western Iraq.\n\n"
        "• March 4: A drone struck an outpost in Jordan."
    )
    mentions = _extract(text, lexicon)
    assert sorted(m.event_date for m in mentions) == ["2025-03-02", "2025-03-04"]


def test_a_word_in_quotes_is_no_quotation(lexicon):
    text = (
        'Turkish air strikes "neutralised" four militants in northern Iraq on Wednesday, the '
        "defence ministry said on Thursday."
    )
    assert content_span(text) == (0, text.index(", the defence"))
    (mention,) = _extract(text, lexicon, dt.date(2025, 3, 14))
    assert mention.event_date == "2025-03-12"


def test_a_dateline_of_a_city_and_a_day(lexicon):
    text = "Beirut, March 12 -- An Israeli drone struck a car near Naqoura on Tuesday afternoon."
    (mention,) = _extract(text, lexicon)
    assert (mention.event_date, mention.location) == ("2025-03-11", "En Naqoura")


def test_an_opening_in_retaliation_is_no_act_of_its_own(lexicon):
    text = (
        "An Israeli drone strike killed two Hezbollah members on Tuesday afternoon. In "
        "retaliation, the group said it fired a barrage of rockets at an Israeli army "
        "position on Tuesday evening."
    )
    mentions = _extract(text, lexicon)
    barrage = [m for m in mentions if m.actor1_side == "HEZBOLLAH"]
    strike = next(m for m in mentions if m.actor1_side == "ISRAEL")
    assert [(m.actor1_basis, m.responds_to) for m in barrage] == [("claimed", (strike.mention_id,))]


def test_the_day_a_group_said_it_struck_is_the_days_statement(lexicon):
    text = "The Houthis said on Tuesday they had targeted a cargo ship in the Red Sea with drones."
    (mention,) = _extract(text, lexicon)
    # On or before Tuesday 11 March, not on it for certain.
    assert (mention.event_date, mention.date_end, mention.date_basis) == (
        "2025-03-11",
        "2025-03-11",
        "frame",
    )
    assert mention.date_start < "2025-03-11"
