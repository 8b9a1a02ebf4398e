"""Implausible mentions: counts and dates that no single real event can have.

The build step checks every article's mentions right after extraction, in this process
(:func:`analysis.events.build.build_tables`) and on Dask workers alike, so that library
users and ``escalation events`` (with or without ``--shards``) get the same behaviour: by
default a :class:`~analysis.errors.UsageError` naming each article's file, line and field;
with a list to collect them, the articles are set aside and the rest is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from analysis.errors import UsageError
from analysis.extract.article import extract_article
from analysis.extract.corpus import Problem
from analysis.records import Article, Extraction
from analysis.schema import EARLIEST_DATE, MAX_COUNT

_DAY = dt.timedelta(days=1)
_COUNTS = tuple(f"{k}_{p}" for k in ("killed", "injured") for p in ("low", "best", "high"))


def implausible_mentions(article: Article, extraction: Extraction) -> list[Problem]:
    """Problems of one article's mentions: a count above :data:`analysis.schema.MAX_COUNT`,
    or a date before :data:`analysis.schema.EARLIEST_DATE` or more than a day after the
    article's publication date (a dateline in another time zone may run a day ahead of the
    publication date recorded in the metadata).

    Each (field) is reported once, at the article's file (``Article.file``, or its id when
    it has none) and the line of the first sentence it was read from, in text order.
    """
    earliest = dt.date.fromisoformat(EARLIEST_DATE)
    problems: dict[str, Problem] = {}
    order = sorted(
        extraction.mentions, key=lambda m: (m.sentence_index, m.char_start, m.mention_id)
    )
    for m in order:
        field = reason = None
        for col in _COUNTS:
            value = getattr(m, col)
            if value is not None and value > MAX_COUNT:
                field = col
                reason = (
                    f"count {value} is above {MAX_COUNT}, more than any single event; "
                    "correct the text or set the article aside"
                )
                break
        for col in ("date_start", "date_end"):
            if reason is None and getattr(m, col):
                day = dt.date.fromisoformat(getattr(m, col)[:10])
                if day < earliest or day > article.published + _DAY:
                    field = col
                    reason = (
                        f"date {day} is before {EARLIEST_DATE} or more than a day after the "
                        f"publication date {article.published}; correct the text or the "
                        "published date"
                    )
        if field is not None and field not in problems:
            line = article.text.count("\n", 0, m.char_start) + 1
            problems[field] = Problem(
                article.file or article.article_id, line, field, reason, article.article_id
            )
    return list(problems.values())


def extract_checked(article: Article, lexicon: Any) -> tuple[Extraction, list[Problem]]:
    """The article's extraction and its implausible mentions (a task for a worker)."""
    extraction = extract_article(article, lexicon)
    return extraction, implausible_mentions(article, extraction)


def set_aside(
    checked: Iterable[tuple[Extraction, list[Problem]]], rejected: list[Problem] | None
) -> Iterator[Extraction]:
    """Yield the extractions without problems.

    Parameters
    ----------
    checked
        ``(extraction, problems)`` per article, in article order.
    rejected
        ``None``: raise once every article is seen if any had a problem. A list: append the
        problems to it and leave those articles out.

    Raises
    ------
    UsageError
        Listing every problem (file, line, field, what to do), when ``rejected`` is ``None``.
    """
    found: list[Problem] = []
    for extraction, problems in checked:
        if problems:
            found.extend(problems)
            continue
        yield extraction
    if found and rejected is None:
        raise UsageError(
            "\n".join(map(str, found)) + "\nfix these inputs, or set the articles aside "
            "(escalation events --skip-bad writes them to rejected.csv)"
        )
    if rejected is not None:
        rejected.extend(found)
