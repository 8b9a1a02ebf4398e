"""Tolls and dates told about an event rather than with it: a zero toll in a sentence of
its own or a clause after the event.

Every sentence here is written for the test; the expected values are read off the
sentences by hand.
"""

import datetime as dt

import pytest

from analysis.extract.article import extract_article
from analysis.extract.casualties import find_casualties
from analysis.extract.clauses import content_span
from analysis.records import Article, Mention

PUBLISHED = dt.date(2025, 3, 12)  # a Wednesday


def _extract(text: str, lexicon, published: dt.date = PUBLISHED) -> list[Mention]:
    article = Article("t", "t.txt", "Test", "", "", published, "", text)
    return list(extract_article(article, lexicon).mentions)


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
