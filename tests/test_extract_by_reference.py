"""Events a later sentence names by reference or through their victim: a claim of "the
barrage" told before, a cause told as "the killing of" a named person. Sentences written
for these tests, one class of report per test."""

from test_extract_events import _extract


def test_a_speaker_calling_an_earlier_event_its_response_claims_it(lexicon):
    text = (
        "A salvo of about 30 rockets was fired at an army post on Mount Hermon on Sunday. "
        "Hamas said the rocket salvo was its first response to the killing of a militia "
        "leader in an air strike in Gaza last week."
    )
    ex, _ = _extract(lexicon, text)
    [salvo] = [m for m in ex.mentions if m.event_date == "2024-08-04"]
    assert (salvo.actor1, salvo.actor1_side) == ("Hamas", "HAMAS")
    assert (salvo.actor1_basis, salvo.attributed_by) == ("claimed", "Hamas")
    [cause] = [m for m in ex.mentions if m is not salvo]
    assert salvo.responds_to == (cause.mention_id,)
    # Naming the salvo without calling it the speaker's own answer claims nothing.
    ex, _ = _extract(
        lexicon,
        text.replace("was its first response to", "came days after"),
    )
    [salvo] = [m for m in ex.mentions if m.event_date == "2024-08-04"]
    assert salvo.actor1_basis != "claimed"


def test_a_claim_by_reference_keeps_a_doer_already_named(lexicon):
    ex, _ = _extract(
        lexicon,
        "Israeli jets struck a depot near Tyre on Sunday. Hezbollah said the strike was "
        "its enemy's response to an attack on a border post.",
    )
    [strike] = [m for m in ex.mentions if m.event_date == "2024-08-04"]
    assert strike.actor1_side == "ISRAEL" and strike.actor1_basis != "claimed"


def test_the_killing_of_a_named_person_is_at_least_one_killed(lexicon):
    ex, _ = _extract(
        lexicon,
        "Hamas said it fired rockets at Ashkelon on Monday in response to the killing of "
        "Hamas commander Yusuf Karim in a drone strike in Khan Younis last week.",
    )
    [killing] = [m for m in ex.mentions if m.date_precision == "week"]
    assert (killing.killed_low, killing.killed_high) == (1, None)
    assert killing.actor2_side == "HAMAS"
    # Counted victims are counted as after "killing".
    ex, _ = _extract(
        lexicon,
        "Militias fired rockets at a base in Erbil on Monday in response to the killing of "
        "two fighters in a drone strike near Baghdad last week.",
    )
    [killing] = [m for m in ex.mentions if m.date_precision == "week"]
    assert (killing.killed_low, killing.killed_high) == (2, 2)


def test_a_state_fighting_only_another_group_is_not_implied_to_have_killed(lexicon):
    text = (
        "An Israeli air strike hit Hezbollah positions near Tyre on Monday. Hezbollah "
        "said it fired rockets at Safed on Tuesday in response to the killing of Hamas "
        "official Yusuf Karim in a drone strike in Sidon last week."
    )
    ex, _ = _extract(lexicon, text)
    [killing] = [m for m in ex.mentions if m.date_precision == "week"]
    assert killing.actor2_side == "HAMAS"
    assert killing.actor1_side == "" and killing.actor1_basis == "unattributed"


def test_one_more_weapon_with_its_own_verb_and_place_is_another_event(lexicon):
    ex, events = _extract(
        lexicon,
        "Two rockets were intercepted as they approached Erbil air base on Monday, "
        "officials said, and a third rocket landed near the Harir base, causing minor "
        "injuries.",
    )
    dated = sorted((m.event_date, m.location) for m in ex.mentions)
    assert dated == [("2024-08-05", "Erbil Air Base"), ("2024-08-05", "Harir")]
    assert len(events) == 2
    [harir] = [m for m in ex.mentions if m.location == "Harir"]
    assert harir.date_text == "the date of the act told with it"
    # The same weapon told again at no place of its own is the one event.
    ex, events = _extract(
        lexicon,
        "Two rockets were intercepted near Erbil air base on Monday, and a third rocket "
        "was downed too.",
    )
    assert len(events) == 1
