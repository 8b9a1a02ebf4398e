"""Stated answers whose article reports no cause are linked across the corpus."""

from __future__ import annotations

from analysis.events.reconcile import CAUSE_WINDOW_DAYS, Cluster, combine_counts, reconcile
from analysis.records import Mention


def mention(mid: str, article: str, **kw) -> Mention:
    values = dict(
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
        sentence_text="Militias fired rockets at a base.",
    )
    values.update(kw)
    return Mention(
        mention_id=mid,
        article_id=article,
        sentence_index=0,
        char_start=0,
        char_end=10,
        **values,
    )


def _answer(**kw) -> Mention:
    values = dict(
        actor1="United States",
        actor1_side="US_COALITION",
        actor2="Kataib Hezbollah",
        actor2_side="IRAN_ALIGNED",
        date_start="2024-01-24",
        date_end="2024-01-24",
        event_date="2024-01-24",
        link_text="in response to",
        sentence_text="US jets struck militia sites in response to recent attacks on troops.",
    )
    values.update(kw)
    return mention("c:000:0", "c", **values)


def _links(*mentions: Mention) -> dict[str, str]:
    rows = reconcile([Cluster((m,)) for m in mentions])
    by_id = {r["event_id"]: r for r in rows}
    return {
        r["actor1_side"] + " " + r["event_date"]: (
            by_id[r["retaliation_for"]]["event_date"] if r["retaliation_for"] else ""
        )
        for r in rows
    }


def test_an_answer_links_the_latest_attack_on_its_side_in_the_corpus():
    older = mention(
        "a:000:0", "a", **dict.fromkeys(("date_start", "date_end", "event_date"), "2024-01-10")
    )
    latest = mention("b:000:0", "b")
    links = _links(older, latest, _answer())
    assert links["US_COALITION 2024-01-24"] == "2024-01-20"


def test_the_place_the_answer_names_comes_first():
    jordan = mention(
        "a:000:0",
        "a",
        country="Jordan",
        **dict.fromkeys(("date_start", "date_end", "event_date"), "2024-01-18"),
    )
    iraq = mention("b:000:0", "b")
    answer = _answer(
        sentence_text="US jets struck militia sites in retaliation for the Jordan attack."
    )
    assert _links(jordan, iraq, answer)["US_COALITION 2024-01-24"] == "2024-01-18"


def test_no_link_without_stated_words_too_old_or_from_the_same_side():
    latest = mention("b:000:0", "b")
    assert _links(latest, _answer(link_text=""))["US_COALITION 2024-01-24"] == ""
    day = "2023-12-01"
    old = mention("b:000:0", "b", **dict.fromkeys(("date_start", "date_end", "event_date"), day))
    assert CAUSE_WINDOW_DAYS < 54
    assert _links(old, _answer())["US_COALITION 2024-01-24"] == ""
    own = mention("b:000:0", "b", actor1_side="US_COALITION", actor2_side="IRAN_ALIGNED")
    assert _links(own, _answer())["US_COALITION 2024-01-24"] == ""
    # An answer that its article already links keeps that link only.
    later = _answer(responds_to=("a:000:0",))
    first = mention(
        "a:000:0", "a", **dict.fromkeys(("date_start", "date_end", "event_date"), "2024-01-10")
    )
    assert _links(first, mention("b:000:0", "b"), later)["US_COALITION 2024-01-24"] == "2024-01-10"


def test_an_earlier_day_comes_before_an_attack_of_the_answers_own_day():
    day_before = mention(
        "a:000:0", "a", **dict.fromkeys(("date_start", "date_end", "event_date"), "2024-01-23")
    )
    same_day = mention(
        "b:000:0", "b", **dict.fromkeys(("date_start", "date_end", "event_date"), "2024-01-24")
    )
    assert _links(day_before, same_day, _answer())["US_COALITION 2024-01-24"] == "2024-01-23"


def test_open_bounds_across_sources():
    # A named victim (at least one) and a count of five agree: five.
    assert combine_counts([(1, 1, None), (5, 5, 5)]) == (5, 5, 5)
    # "At least 25" alone stays open.
    assert combine_counts([(25, 25, None)]) == (25, 25, None)
    # "Four" against "at least seven": they conflict, the range runs from four, open.
    assert combine_counts([(4, 4, 4), (7, 7, None)]) == (4, 4, None)
    # Closed counts keep their range.
    assert combine_counts([(4, None, 5), (None, 4, None)]) == (4, 4, 5)
