"""Fields of the events found: casualty counts, dates and stated links.

Every sentence here is written for the test; the expected values are read off the sentence
by hand.
"""

import datetime as dt

import pytest

from analysis.extract.article import extract_article
from analysis.extract.casualties import find_casualties
from analysis.extract.dates import find_dates, recalled_date, resolve_date, resolve_match
from analysis.extract.lexicon import load_lexicon
from analysis.extract.numbers import Count, parse_count

from own_texts import own_article


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _counts(count: Count | None) -> tuple[int | None, int | None] | None:
    return None if count is None else (count.low, count.high)


# --- casualties -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        # Intransitive deaths; a second subject after "and" is its own group.
        (
            "Medics said at least 12 guards died and at least 30 were wounded",
            (12, None),
            (30, None),
        ),
        ("Four sailors lost their lives in the blast", (4, 4), None),
        ("Two people died on Sunday when a drone hit a car", (2, 2), None),
        ("in which five Marines died", (5, 5), None),
        ("the colonel is thought to be one of four people who died in the strike", (4, 4), None),
        # Present tense of live reporting and "took the life of".
        # One victim described, not counted: at least one ("a soldier", "the driver").
        ("a rocket wounds a soldier, who is treated on site", None, (1, None)),
        ("the raid took the life of senior commander Omar Saleh", (1, None), None),
        # A digit group is one number, not two groups.
        ("the shelling killed about 2,300, the ministry said", (None, None), None),
        # "Another nine": nine more.
        ("Another nine were wounded", None, (9, 9)),
        # Injuries received, treated or left.
        ("Sixteen sailors were left with minor injuries after the drones struck", None, (16, 16)),
        ("three more guards received minor injuries in a second attack", None, (3, 3)),
        (
            "seven airmen are being treated for smoke inhalation and concussion injuries",
            None,
            (7, 7),
        ),
        ("the barrage left more than 40 U.S. troops with concussion injuries", None, (41, None)),
        # "left ... dead" with a named victim set off by commas.
        ("a strike on Friday left a senior commander, Omar Saleh, dead", (1, None), None),
        # Explicit "no casualties" in the present tense.
        ("there are no casualties and the damage is slight", (0, 0), (0, 0)),
        ("No injuries or damage, however, were reported", (0, 0), (0, 0)),
    ],
)
def test_casualty_phrasing(lexicon, clause, killed, injured):
    found = find_casualties(clause, lexicon)
    assert _counts(found.killed) == killed
    assert _counts(found.injured) == injured


def test_about_a_digit_group_is_its_best_estimate(lexicon):
    found = find_casualties("the shelling killed about 2,300, the ministry said", lexicon)
    assert found.killed.best == 2300


def test_a_subset_of_a_running_total_is_the_events_toll(lexicon):
    clause = (
        "Since the war began, the army has killed more than 90 militants, among them four "
        "who died in a strike on a village on Monday"
    )
    assert _counts(find_casualties(clause, lexicon).killed) == (4, 4)


def test_no_preposition_phrase_counts_as_a_named_victim(lexicon):
    clause = "Two guards were killed and several more injured in Basra, it said."
    found = find_casualties(clause, lexicon)
    assert _counts(found.killed) == (2, 2)
    assert found.injured.vague and found.injured.low is None


def test_another_with_a_number_counts_the_number():
    assert parse_count("another eleven") == Count(11, 11, 11)
    assert parse_count("another") == Count(1, 1, 1)


def test_a_toll_stated_before_after_goes_to_the_event_after_it(lexicon):
    text = (
        "Militias fired rockets at a base in Anbar on Monday. "
        "Nine soldiers were wounded after drones struck a base in Deir ez-Zor on Tuesday."
    )
    ex = extract_article(own_article(text, dt.date(2023, 10, 19)), lexicon)
    tuesday = [m for m in ex.mentions if m.injured_best == 9]
    assert [m.event_date for m in tuesday] == ["2023-10-17"]
    monday = [m for m in ex.mentions if m.event_date == "2023-10-16"]
    assert monday and all(m.injured_best is None for m in monday)


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "day"),
    [
        ("A day earlier, a drone was downed", "2022-03-09"),
        ("the previous day", "2022-03-09"),
        ("two days before the talks", "2022-03-08"),
        ("the next day", "2022-03-11"),
        ("a day later", "2022-03-11"),
    ],
)
def test_day_offsets_count_from_the_previous_date(expression, day):
    got = resolve_date(expression, dt.date(2022, 3, 12), dt.date(2022, 3, 10))
    assert (got.date_start, got.date_end, got.precision) == (day, day, "day")
    assert resolve_date(expression, dt.date(2022, 3, 12)) is None


def test_a_day_earlier_in_an_article(lexicon):
    text = (
        "On May 4, a drone struck Erbil airport, officials said. "
        "A day earlier, rockets hit Ain al-Asad air base."
    )
    ex = extract_article(own_article(text, dt.date(2022, 5, 6)), lexicon)
    assert sorted(m.event_date for m in ex.mentions) == ["2022-05-03", "2022-05-04"]


def test_a_day_offset_from_a_month_is_not_a_day(lexicon):
    text = (
        "Militias attacked Ain al-Asad air base in early March. "
        "Two days before that, rockets hit a base in Erbil."
    )
    ex = extract_article(own_article(text, dt.date(2022, 4, 20)), lexicon)
    assert all(m.date_precision != "day" for m in ex.mentions)


def test_anniversary_pieces_look_back_to_the_year_they_recall():
    published = dt.date(2019, 6, 20)
    assert recalled_date("Two years on: the tanker attacks", "", published) == dt.date(2017, 7, 4)
    assert recalled_date("", "On the first anniversary of the raid ...", published) == dt.date(
        2018, 7, 4
    )
    assert recalled_date("Tanker attacked in the Gulf", "A drone hit a tanker.", published) is None
    recalled = dt.date(2018, 7, 4)
    assert resolve_date("on June 13", published).event_date == "2019-06-13"
    (match,) = find_dates("on June 13")
    assert resolve_match(match, published, recalled=recalled).event_date == "2018-06-13"
    # Weekdays still count from publication.
    (match,) = find_dates("on Tuesday")
    assert resolve_match(match, published, recalled=recalled).event_date == "2019-06-18"


def test_an_anniversary_piece_dates_its_events_in_the_recalled_year(lexicon):
    text = (
        "A year ago on March 2, militias fired rockets at Ain al-Asad air base. "
        "U.S. jets struck Kataib Hezbollah in Anbar on March 4."
    )
    ex = extract_article(own_article(text, dt.date(2022, 3, 10)), lexicon)
    dated = sorted(m.event_date for m in ex.mentions if m.date_precision == "day")
    assert dated and all(d.startswith("2021-03-0") for d in dated)


@pytest.mark.parametrize(
    "follow_up",
    ["Neither casualties nor damage were reported.", "No casualties resulted, officials said."],
)
def test_no_casualties_in_other_word_orders(lexicon, follow_up):
    found = find_casualties(follow_up, lexicon)
    assert (_counts(found.killed), _counts(found.injured)) == ((0, 0), (0, 0))


def test_a_sentence_capital_or_an_irregular_plural_names_no_one(lexicon):
    found = find_casualties("The guards who lost their lives in the blast", lexicon)
    assert found.killed.vague and found.killed.low is None
    found = find_casualties("The children were killed in the strike", lexicon)
    assert found.killed.vague and found.killed.low is None


def test_an_undated_events_toll_stays_on_its_first_mention(lexicon):
    text = "Militias fired rockets at Ain al-Asad air base, officials said. Nine soldiers died."
    ex = extract_article(own_article(text, dt.date(2024, 8, 7)), lexicon)
    (m,) = ex.mentions
    assert m.date_precision == "month" and (m.killed_low, m.killed_high) == (9, 9)


def test_an_overnight_strike_is_the_night_before_publication(lexicon):
    got = resolve_date("an overnight strike", dt.date(2024, 8, 9))
    # Dated by the evening it began, as "Thursday night" would be.
    assert (got.date_start, got.date_end, got.event_date) == (
        "2024-08-08",
        "2024-08-09",
        "2024-08-08",
    )
    night = resolve_date("Thursday night", dt.date(2024, 8, 9))
    assert (night.date_start, night.event_date) == (got.date_start, got.event_date)
    # With a day named, the day is the date.
    assert resolve_date("overnight Friday", dt.date(2024, 8, 12)).event_date == "2024-08-09"


# --- stated answers -------------------------------------------------------------------


def test_an_answer_whose_cause_the_article_omits_keeps_its_words(lexicon):
    text = (
        "U.S. jets struck Kataib Hezbollah sites in Anbar on Tuesday. "
        "This attack was carried out in retaliation for the recent rocket attacks on troops."
    )
    (m,) = extract_article(own_article(text, dt.date(2024, 1, 25)), lexicon).mentions
    assert m.responds_to == () and m.link_text == "in retaliation for"


def test_a_general_remark_or_a_promise_states_no_answer(lexicon):
    text = (
        "U.S. jets struck Kataib Hezbollah sites in Anbar on Tuesday. "
        "The US has launched many strikes in retaliation over the years."
    )
    (m,) = extract_article(own_article(text, dt.date(2024, 1, 25)), lexicon).mentions
    assert m.link_text == ""
    text = "Israeli jets struck Hezbollah sites in Tyre on Tuesday, and Hezbollah vowed a response."
    ex = extract_article(own_article(text, dt.date(2024, 1, 25)), lexicon)
    assert all(m.link_text == "" for m in ex.mentions)


def test_a_headline_answer_whose_cause_the_article_omits(lexicon):
    title = "US hits militia sites after rocket attack on base"
    text = title + "\n\nU.S. jets struck Kataib Hezbollah sites in Anbar on Tuesday."
    (m,) = extract_article(own_article(text, dt.date(2024, 1, 25), title), lexicon).mentions
    assert m.responds_to == () and m.link_text == "after"


def test_a_date_taken_from_the_answer_says_so(lexicon):
    text = (
        "U.S. jets struck Kataib Hezbollah depots in Anbar on Tuesday. Tuesday's strikes come "
        "days after a militia drone attack on Ain al-Asad air base wounded two U.S. soldiers."
    )
    ex = extract_article(own_article(text, dt.date(2024, 1, 24)), lexicon)
    assert ex.mentions and all(m.date_text and m.date_precision for m in ex.mentions)
    caused = [m for m in ex.mentions if m.date_precision == "days"]
    assert [(m.date_start, m.date_end) for m in caused] == [("2024-01-17", "2024-01-21")]
    assert caused[0].date_text.startswith("days before its answer")


WED_17_APR_2024 = dt.date(2024, 4, 17)


@pytest.mark.parametrize(
    ("expression", "start", "end", "precision"),
    [
        ("on the night of April 13", "2024-04-13", "2024-04-14", "day"),
        ("on the night of Saturday", "2024-04-13", "2024-04-14", "day"),
        ("on April 13-14", "2024-04-13", "2024-04-14", "day"),
        ("April 3-6, 2023", "2023-04-03", "2023-04-06", "days"),
        ("over the weekend", "2024-04-13", "2024-04-14", "days"),
        ("last weekend", "2024-04-13", "2024-04-14", "days"),
        ("earlier today", "2024-04-17", "2024-04-17", "day"),
        ("this morning", "2024-04-17", "2024-04-17", "day"),
        ("two weeks ago", "2024-03-31", "2024-04-06", "week"),
    ],
)
def test_more_relative_dates(expression, start, end, precision):
    got = resolve_date(expression, WED_17_APR_2024)
    assert (got.date_start, got.date_end, got.precision) == (start, end, precision)
    assert start <= got.event_date <= end


def test_last_weekend_read_on_a_sunday_is_the_one_before():
    got = resolve_date("last weekend", dt.date(2024, 4, 14))
    assert (got.date_start, got.date_end) == ("2024-04-06", "2024-04-07")


def test_offsets_from_the_previous_date_never_pass_publication():
    anchor = dt.date(2024, 4, 13)
    got = resolve_date("hours later", WED_17_APR_2024, anchor)
    assert (got.date_start, got.date_end) == ("2024-04-13", "2024-04-13")
    got = resolve_date("a week earlier", WED_17_APR_2024, anchor)
    assert (got.date_start, got.event_date, got.date_end) == (
        "2024-04-05",
        "2024-04-06",
        "2024-04-07",
    )
    assert resolve_date("a week later", WED_17_APR_2024, anchor) is None
    assert resolve_date("the next day", dt.date(2024, 4, 13), anchor) is None


def test_reprisal_strikes_for_states_the_cause(lexicon):
    text = (
        "Israeli jets struck Isfahan on Friday in what appear to be reprisal strikes for a "
        "drone attack."
    )
    ex = extract_article(own_article(text, dt.date(2024, 4, 19)), lexicon)
    answer = [m for m in ex.mentions if m.actor1_side == "ISRAEL"]
    assert answer and answer[0].responds_to and answer[0].event_date == "2024-04-19"


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        (
            "officials said its commander, Ali Hasan, had died together with a senior general",
            (2, None),
        ),
        ("the driver died alongside two bodyguards when the car was hit", (3, None)),
        ("Two guards have reportedly died.", (2, 2)),
    ],
)
def test_deaths_with_an_auxiliary_or_a_companion(lexicon, clause, killed):
    assert _counts(find_casualties(clause, lexicon).killed) == killed


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        ("The death toll rose to 15, the ministry said.", (15, 15), None),
        ("bringing the death toll to 22", (22, 22), None),
        ("with 15 killed and 40 injured.", (15, 15), (40, 40)),
        ("Officials reported 3 fatalities.", (3, 3), None),
        ("Later the number of dead rose to three, officials said.", (3, 3), None),
        ("The barrage claimed 12 lives.", (12, 12), None),
        ("the raid caused the deaths of four soldiers and two civilians in the camp", (6, 6), None),
        # A date's number before a verb is no count.
        ("the attack on May 3 killed two people", (2, 2), None),
    ],
)
def test_tolls_as_nouns_and_bare_participles(lexicon, clause, killed, injured):
    found = find_casualties(clause, lexicon)
    assert (_counts(found.killed), _counts(found.injured)) == (killed, injured)


def test_a_series_answer_links_an_attack_of_an_earlier_day(lexicon):
    text = (
        "Israeli jets struck a Hezbollah post in Tyre on Monday. Israeli drones hit Hezbollah "
        "fighters in Nabatieh on Tuesday. Responding to recent Israeli raids inside Lebanon, "
        "Hezbollah on Tuesday fired drones at an Israeli base in Safed."
    )
    ex = extract_article(own_article(text, dt.date(2024, 1, 9)), lexicon)
    by_id = {m.mention_id: m for m in ex.mentions}
    (answer,) = [m for m in ex.mentions if m.actor1_side == "HEZBOLLAH"]
    assert [by_id[c].event_date for c in answer.responds_to] == ["2024-01-08"]


def test_a_headline_answer_by_an_armed_group_links_no_state_strike(lexicon):
    title = "Hezbollah hits back after commander killed in drone strike"
    text = (
        title + "\n\nIsraeli jets struck a Hezbollah post in Tyre on Monday, killing a commander. "
        "Israeli drones hit a depot in Nabatieh on Tuesday."
    )
    ex = extract_article(own_article(text, dt.date(2024, 1, 10), title), lexicon)
    assert all(not m.responds_to and not m.link_text for m in ex.mentions)


def test_a_discussed_answer_is_the_event_of_the_doer_it_names(lexicon):
    text = (
        "Hezbollah fired drones at an Israeli base in Safed on Tuesday. Israeli jets had "
        "struck a Hezbollah post in Tyre on Monday. With this response, Hezbollah for the "
        "first time hit the base directly."
    )
    ex = extract_article(own_article(text, dt.date(2024, 1, 10)), lexicon)
    israeli = [m for m in ex.mentions if m.actor1_side == "ISRAEL"]
    assert israeli and all(not m.responds_to for m in israeli)


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        (
            "its crew reports three dead, at least four injured, two of them critically",
            (3, 3),
            (4, None),
        ),
        ("Three dead in Basra blast", (3, 3), None),
        ("The raids left 5 dead and 17 injured, medics said.", (5, 5), (17, 17)),
    ],
)
def test_bare_dead_in_a_list_of_figures(lexicon, clause, killed, injured):
    found = find_casualties(clause, lexicon)
    assert (_counts(found.killed), _counts(found.injured)) == (killed, injured)


def test_a_second_subject_after_lost_their_lives_is_counted_alone(lexicon):
    found = find_casualties("four sailors lost their lives and several others were hurt", lexicon)
    assert _counts(found.killed) == (4, 4)
    assert found.injured.vague and found.injured.low is None
