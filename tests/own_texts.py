"""Articles made of the tests' own sentences, and what the extractor reads from them.

The extraction tests write their sentences themselves (never a source's text) and read
them as one article of a test outlet published on a given day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.events.build import tables_from_extractions
from analysis.extract.article import extract_article
from analysis.records import Article, Extraction, Mention


def own_article(text: str, published: dt.date, title: str = "") -> Article:
    """``text`` as an article (id ``t``) published on ``published``."""
    return Article("t", "t.txt", "Test", title, "", published, "", text)


def mentions_of(text: str, lexicon, published: dt.date, title: str = "") -> list[Mention]:
    """The mentions the extractor reads from ``text`` published on ``published``."""
    return list(extract_article(own_article(text, published, title), lexicon).mentions)


def events_of(
    text: str, lexicon, published: dt.date, title: str = ""
) -> tuple[Extraction, pd.DataFrame]:
    """The extraction of ``text`` and the events table built from it alone."""
    extraction = extract_article(own_article(text, published, title), lexicon)
    return extraction, tables_from_extractions([extraction]).events
