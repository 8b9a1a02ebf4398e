"""An attack on two named ships is two attacks, even when both items are undated.

Every sentence here is written for the test.
"""

import datetime as dt

import pytest

from analysis.events.blocks import cluster_mentions_fast
from analysis.events.reconcile import cluster_mentions
from analysis.extract.article import extract_article
from analysis.extract.lexicon import load_lexicon

from own_texts import own_article

TEXT = (
    "On March 5, a Houthi anti-ship missile hit M/V Sea Star, a tanker sailing through the "
    "Gulf of Aden. The Houthis have fired four anti-ship missiles in the past two days, "
    "Central Command said. Two of those missiles struck two tankers - M/V Sea Star and "
    "M/V Blue Harbor - while one more missile was downed by USS Mason."
)


@pytest.fixture(scope="module")
def mentions():
    article = own_article(TEXT, dt.date(2024, 3, 6))
    return extract_article(article, load_lexicon()).mentions


def test_each_named_ship_is_an_item_of_its_own(mentions):
    last = [m for m in mentions if m.sentence_index == 2]
    assert len(last) == 3  # Sea Star, Blue Harbor, the missile downed
    assert all(m.actor1_side == "HOUTHIS" for m in mentions)


def test_the_first_ship_joins_its_dated_event_and_the_second_stays_apart(mentions):
    dated = next(m for m in mentions if m.sentence_index == 0)
    first, second, downed = sorted(
        (m for m in mentions if m.sentence_index == 2), key=lambda m: m.mention_id
    )
    for clusters in (cluster_mentions(mentions), cluster_mentions_fast(mentions)):
        events = sorted(sorted(m.mention_id for m in c.members) for c in clusters)
        # Each item alone fits the dated Sea Star event; only the first named joins it.
        assert sorted([dated.mention_id, first.mention_id]) in events
        assert [second.mention_id] in events and [downed.mention_id] in events
