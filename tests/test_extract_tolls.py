"""Tolls and dates told in pieces: victims listed or added in several phrases, partial
counts across sources, a date that heads a sentence of several clauses.

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

import pytest

from analysis.events.reconcile import Cluster, _article_counts, reconcile
from analysis.extract.article import extract_article
from analysis.extract.casualties import find_casualties
from analysis.extract.dates import find_dates, resolve_match
from analysis.extract.lexicon import load_lexicon
from analysis.extract.sentences import split_sentences
from analysis.records import Mention

from own_texts import mentions_of, own_article


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _extract(text: str, published: dt.date, lexicon) -> list[Mention]:
    return mentions_of(text, lexicon, published)


def _range(count) -> tuple[int | None, int | None] | None:
    return None if count is None else (count.low, count.high)


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        # "as well as" joins two groups of one list of victims: 3 + 2.
        (
            "the shelling wounded three Marines as well as two local guards near the gate",
            None,
            (5, 5),
        ),
        ("Four medics as well as a driver were hurt", None, (5, None)),
        # Not a list: "as" of time still ends the victims' phrase.
        ("a drone hit the depot, wounding two guards as they slept", None, (2, 2)),
        # One victim described, not counted: at least one.
        ("an engineer was killed when the shell landed", (1, None), None),
        # A numeral is a count: exactly one.
        ("one engineer was killed when the shell landed", (1, 1), None),
        # Any adverb between the auxiliary and the participle.
        ("Two airmen were slightly wounded when the rockets landed", None, (2, 2)),
        ("three guards were critically injured", None, (3, 3)),
        # Companions and possessives: each person counts.
        ("the drone killed a senior commander and his driver", (2, None), None),
        ("the strike killed the commander along with two bodyguards", (3, None), None),
        ("the shelling killed their two sons", (2, 2), None),
        # One toll over two places.
        (
            "the jets struck on Friday, killing 18 fighters in Syria and 16 people in Iraq",
            (34, 34),
            None,
        ),
        # Part of a toll already told is not more victims.
        ("the blast wounded four; two of the wounded were later flown to Germany", None, (4, 4)),
        ("Three of the dead were fighters, the group said", None, None),
        # A toll whose event is named between "death toll" and its verb.
        ("the death toll from the drone attack on the depot has risen to four", (4, 4), None),
    ],
)
def test_victims_listed_and_described(lexicon, clause, killed, injured):
    found = find_casualties(clause, lexicon)
    assert _range(found.killed) == killed
    assert _range(found.injured) == injured


@pytest.mark.parametrize(
    ("clause", "additional"),
    [
        ("A fourth sailor later died of burns", True),
        ("Two more airmen were wounded", True),
        ("another guard was hurt", True),
        ("three other contractors were injured", True),
        ("Two airmen were wounded", False),
        ("two airmen were killed and another wounded", False),
    ],
)
def test_victims_added_to_a_toll_told_before(lexicon, clause, additional):
    assert find_casualties(clause, lexicon).additional is additional


def _toll(mentions: list[Mention], kind: str) -> int | None:
    values = [getattr(m, f"{kind}_best") for m in mentions if getattr(m, f"{kind}_best")]
    return max(values) if values else None


def test_a_later_sentence_adds_victims_to_the_toll(lexicon):
    text = (
        "Rockets struck a US outpost in eastern Syria on Thursday, killing two soldiers. "
        "A third soldier died of his wounds, a spokesman said."
    )
    mentions = _extract(text, dt.date(2024, 3, 9), lexicon)
    assert _toll(mentions, "killed") == 3


def test_a_second_clause_adds_victims_to_the_toll(lexicon):
    text = (
        "A drone hit a barracks in northern Iraq on Sunday, wounding four troops; two more "
        "were hurt later."
    )
    mentions = _extract(text, dt.date(2024, 3, 12), lexicon)
    assert _toll(mentions, "injured") == 6


def test_a_new_victim_of_another_event_is_not_added(lexicon):
    text = (
        "Israeli jets struck a house in Khiam on Tuesday, killing two fighters. "
        "On Wednesday a drone strike in Bint Jbeil killed another commander."
    )
    mentions = _extract(text, dt.date(2024, 3, 14), lexicon)
    tolls = sorted(m.killed_best for m in mentions if m.killed_best)
    assert tolls == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "MARCH 4 – Iran-backed militants fired drones at a US base in eastern Syria, while "
        "Houthi forces fired a missile at a tanker in the Red Sea.",
        "On March 4, Iran-backed militants fired drones at a US base in eastern Syria, while "
        "Houthi forces fired a missile at a tanker in the Red Sea.",
    ],
)
def test_a_date_heading_the_sentence_dates_each_clause(lexicon, text):
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    assert len(mentions) == 2
    assert {m.event_date for m in mentions} == {"2024-03-04"}
    assert {m.date_precision for m in mentions} == {"day"}


def test_a_date_inside_the_first_clause_dates_only_that_clause(lexicon):
    text = (
        "Iran-backed militants fired drones at a US base in eastern Syria on March 4, while "
        "Houthi forces fired a missile at a tanker in the Red Sea."
    )
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    dated = [m for m in mentions if m.date_precision == "day"]
    assert [m.event_date for m in dated] == ["2024-03-04"]
    assert len(mentions) == 2


def test_an_opening_day_is_not_set_aside_as_attribution(lexicon):
    # Wednesday 20 March 2024: "On Monday" is 18 March.
    text = "On Monday, Houthi forces fired a missile at a tanker in the Red Sea."
    (mention,) = _extract(text, dt.date(2024, 3, 20), lexicon)
    assert mention.event_date == "2024-03-18"
    # The day of a statement is not the day of the event.
    text = "On Monday, the Pentagon said militias fired rockets at a base in Syria."
    (mention,) = _extract(text, dt.date(2024, 3, 20), lexicon)
    assert mention.date_basis == "frame"


def _mention(mid: str, article: str, **counts) -> Mention:
    counts.setdefault("sentence_text", "Militias fired rockets at a base.")
    return Mention(
        mention_id=mid,
        article_id=article,
        sentence_index=0,
        char_start=0,
        char_end=10,
        actor1="Kataib Hezbollah",
        actor1_side="IRAN_ALIGNED",
        actor2="US troops",
        actor2_side="US_COALITION",
        event_type="Explosions/Remote violence",
        country="Iraq",
        date_start="2024-01-20",
        date_end="2024-01-20",
        event_date="2024-01-20",
        date_precision="day",
        **counts,
    )


def test_a_partial_count_does_not_lower_another_sources_toll():
    # Source a: "a contractor was wounded" (at least one); source b: "six were wounded".
    partial = _mention("a:000:0", "a", injured_low=1, injured_best=1)
    full = _mention("b:000:0", "b", injured_low=6, injured_best=6, injured_high=6)
    (row,) = reconcile([Cluster((partial, full))])
    assert (row["injured_low"], row["injured_best"], row["injured_high"]) == (6, 6, 6)


def test_conflicting_counts_across_sources_keep_their_range():
    four = _mention("a:000:0", "a", killed_low=4, killed_best=4, killed_high=4)
    six = _mention("b:000:0", "b", killed_low=6, killed_best=6, killed_high=6)
    (row,) = reconcile([Cluster((four, six))])
    assert (row["fatalities_low"], row["fatalities_high"]) == (4, 6)


_TAJI_LIKE = (
    "Rockets Strike Balad Base Again, More Guards Hurt\n\n"
    "posted on May 2, 2024, by staff\n\n"
    "A fresh salvo of rockets slammed into Balad air base, leaving at least four guards "
    "wounded and one contractor dead.\n\n"
    "The salvo came only days after a similar attack on the same base killed three "
    "soldiers.\n\n"
    "The US responded to that first attack with four airstrikes, hitting depots held by "
    "Iran-backed militias near Jurf al-Sakhar.\n"
)


def test_a_byline_under_the_headline_leaves_the_lead_in_the_body(lexicon):
    title = "Rockets Strike Balad Base Again, More Guards Hurt"
    roles = [s.role for s in split_sentences(_TAJI_LIKE, title, lexicon.boilerplate)]
    assert roles[:3] == ["headline", "heading", "body"]
    article = own_article(_TAJI_LIKE, dt.date(2024, 5, 2), title)
    lead = extract_article(article, lexicon).mentions[0]
    assert (lead.killed_low, lead.killed_high) == (1, 1)
    assert (lead.injured_low, lead.injured_high) == (4, None)


def test_that_first_attack_is_the_one_told_as_earlier(lexicon):
    title = "Rockets Strike Balad Base Again, More Guards Hurt"
    article = own_article(_TAJI_LIKE, dt.date(2024, 5, 2), title)
    mentions = extract_article(article, lexicon).mentions
    by_id = {m.mention_id: m for m in mentions}
    (answer,) = [m for m in mentions if m.actor1_side == "US_COALITION"]
    (cause,) = answer.responds_to
    assert by_id[cause].killed_best == 3


def test_an_undated_recent_event_is_placed_before_the_report(lexicon):
    # Published Friday 10 May 2024, no date in the text: the frame runs from 9 April.
    (recent,) = _extract(
        "Recent Israeli strikes in Tyre took the life of a senior commander, Hadi Nasser.",
        dt.date(2024, 5, 10),
        lexicon,
    )
    assert (recent.date_start, recent.date_end) == ("2024-04-09", "2024-05-09")
    assert recent.event_date == "2024-04-24"  # 15 days into the 30-day interval
    (news,) = _extract(
        "Israeli strikes in Tyre took the life of a senior commander, Hadi Nasser.",
        dt.date(2024, 5, 10),
        lexicon,
    )
    assert (news.date_end, news.event_date) == ("2024-05-10", "2024-05-10")


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        # The attackers' own dead, told in a later sentence, are not the attack's victims.
        (
            "Militants attacked a US patrol near Deir Ezzor on Monday. Two of the attackers "
            "were killed and one US soldier was wounded.",
            None,
            1,
        ),
        # Nor in the same sentence, beside the victims.
        (
            "Gunmen stormed a checkpoint near Deir Ezzor on Monday, killing two guards; three "
            "of the attackers died in the firefight.",
            2,
            None,
        ),
        # The victims of the other side's return fire are not the attack's either.
        (
            "Militants attacked a US patrol near Deir Ezzor on Monday; US troops returned "
            "fire, killing four of the gunmen.",
            None,
            None,
        ),
    ],
)
def test_the_attackers_losses_are_not_the_attacks_victims(lexicon, text, killed, injured):
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    attack = [m for m in mentions if m.actor1_side == "IRAN_ALIGNED" or not m.actor1_side]
    assert attack
    assert _toll(attack, "killed") == killed
    assert _toll(attack, "injured") == injured


def test_a_killing_of_the_attackers_by_another_side_counts_for_that_killing(lexicon):
    (mention,) = _extract(
        "US forces killed three of the attackers near Deir Ezzor on Monday.",
        dt.date(2024, 3, 20),
        lexicon,
    )
    assert mention.actor1_side == "US_COALITION"
    assert (mention.killed_low, mention.killed_high) == (3, 3)


def test_a_toll_of_another_days_act_does_not_join_the_event(lexicon):
    text = (
        "Israeli jets struck a building in Beirut on Tuesday, killing a senior Hezbollah "
        "commander. Hezbollah retaliated on Wednesday with rockets on Safed, wounding four "
        "soldiers."
    )
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    strike = [m for m in mentions if m.actor1_side == "ISRAEL"]
    assert strike and _toll(strike, "injured") is None
    # A later death from the wounds still counts for the event.
    text = (
        "Israeli jets struck a building in Beirut on Tuesday, killing a senior Hezbollah "
        "commander. A second commander died of his wounds on Wednesday."
    )
    mentions = _extract(text, dt.date(2024, 3, 21), lexicon)
    assert _toll(mentions, "killed") == 2


@pytest.mark.parametrize(
    "text",
    [
        "Israel struck Hezbollah positions on Tuesday in response to a rocket barrage that "
        "wounded six soldiers the day before.",
        "Hezbollah fired rockets at northern Israel on Tuesday, a day after an Israeli strike "
        "wounded six of its fighters.",
    ],
)
def test_a_cause_dated_from_its_answers_day(lexicon, text):
    # Published Wednesday 20 March 2024: Tuesday is 19 March, the day before 18 March.
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    (cause,) = [m for m in mentions if m.injured_best == 6]
    assert (cause.date_start, cause.date_end, cause.date_precision) == (
        "2024-03-18",
        "2024-03-18",
        "day",
    )


def test_a_possessive_day_after_from_dates_the_event(lexicon):
    # "from Sunday's attack" names the attack's day, not the start of a period.
    (mention,) = _extract(
        "The death toll from Sunday's drone attack on the depot in Erbil has risen to four.",
        dt.date(2024, 3, 20),
        lexicon,
    )
    assert (mention.event_date, mention.date_precision) == ("2024-03-17", "day")
    assert mention.killed_best == 4


@pytest.mark.parametrize(
    ("text", "event_date"),
    [
        # The statement's day, told with "in a statement", is set aside with the speaker.
        (
            "Kataib Hezbollah said in a statement on Tuesday that its fighters had attacked a "
            "US base in Syria with drones.",
            None,
        ),
        # The day of a claim is not the event's when the clause gives another.
        (
            "Houthi forces claimed responsibility on Tuesday for a missile attack on a tanker in "
            "the Red Sea on Monday.",
            "2024-03-18",
        ),
    ],
)
def test_the_day_of_a_statement_does_not_date_the_event(lexicon, text, event_date):
    # Published Wednesday 20 March 2024.
    (mention,) = _extract(text, dt.date(2024, 3, 20), lexicon)
    if event_date is None:
        assert mention.date_basis == "frame"
    else:
        assert (mention.event_date, mention.date_precision) == (event_date, "day")


def test_a_toll_that_rose_is_read_in_its_own_sentence(lexicon):
    text = (
        "Israeli warplanes struck a house in the village of Aita al-Shaab on Monday, killing "
        "two fighters. The toll later rose to four."
    )
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    assert _toll(mentions, "killed") == 4


def test_a_later_higher_toll_replaces_an_earlier_one_across_sources():
    early = _mention("a:000:0", "a", killed_low=2, killed_best=2, killed_high=2)
    later = _mention(
        "b:000:0",
        "b",
        killed_low=4,
        killed_best=4,
        killed_high=4,
        sentence_text="The death toll from the rocket attack on the base has risen to four.",
    )
    (row,) = reconcile([Cluster((early, later))])
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (4, 4, 4)


@pytest.mark.parametrize(
    ("phrase", "published", "start", "end"),
    [
        ("in late July", dt.date(2024, 8, 6), "2024-07-21", "2024-07-31"),
        ("in early February", dt.date(2024, 8, 6), "2024-02-01", "2024-02-10"),
        ("in mid-March", dt.date(2024, 8, 6), "2024-03-11", "2024-03-20"),
        ("late last month", dt.date(2024, 3, 20), "2024-02-21", "2024-02-29"),
        # Only the part that has passed: the whole month up to publication.
        ("in late March", dt.date(2024, 3, 20), "2024-03-01", "2024-03-20"),
        # "Last night" is the night before publication, like "overnight".
        ("last night", dt.date(2024, 3, 20), "2024-03-19", "2024-03-20"),
    ],
)
def test_parts_of_a_month_and_last_night(phrase, published, start, end):
    (match,) = find_dates(f"Rockets were fired at the base {phrase}.")
    found = resolve_match(match, published)
    assert (found.date_start, found.date_end) == (start, end)


def test_a_speakerless_report_of_no_injuries_is_read(lexicon):
    text = (
        "Two rockets struck the perimeter of Harir air base on Monday. No injuries or "
        "damage, however, were reported from that attack."
    )
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    assert [m.injured_best for m in mentions if m.injured_best is not None] == [0]


def test_a_cause_dated_from_its_answer_keeps_the_sides_the_answer_implies(lexicon):
    text = (
        "US jets struck militia sites in Iraq on Monday evening, a day after a drone attack "
        "wounded two soldiers in Syria."
    )
    mentions = _extract(text, dt.date(2024, 3, 20), lexicon)
    (cause,) = [m for m in mentions if m.injured_best == 2]
    assert (cause.event_date, cause.date_precision) == ("2024-03-17", "day")
    assert (cause.actor1_side, cause.actor2_side) == ("IRAN_ALIGNED", "US_COALITION")


def test_an_operations_sum_over_sites_stays_open_when_a_site_count_is():
    # One article, an operation on two sites: "three soldiers were killed in Babil" and
    # "a worker was killed at Karbala airport" (at least one): at least four.
    babil = _mention("a:000:0", "a", killed_low=3, killed_best=3, killed_high=3)
    karbala = _mention("a:001:0", "a", killed_low=1, killed_best=1)
    babil = Mention(**{**vars(babil), "admin1": "Babil", "sites": 2})
    karbala = Mention(**{**vars(karbala), "admin1": "Karbala"})
    assert _article_counts([babil, karbala], "killed") == [(4, 4, None)]
