"""Plain records passed between the stages of the pipeline.

They are frozen dataclasses of built-in types so that they pickle cheaply, compare by
value and can be shipped to other processes (or cluster workers) unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One source article: metadata from ``articles.csv`` and the raw text, unedited."""

    article_id: str
    file: str
    outlet: str
    title: str
    author: str
    published: dt.date
    url: str
    text: str


@dataclass(frozen=True)
class Mention:
    """One mention of an event in one sentence of one article.

    ``actor1`` is always the initiator. Empty strings mean "not stated"; ``None`` for a
    number means unknown. Dates are ISO strings (``YYYY-MM-DD``). ``responds_to`` holds
    the ``mention_id`` of mentions in the same article that the text states this event
    answers ("in response to ...", "in retaliation for ...").
    """

    mention_id: str
    article_id: str
    sentence_index: int
    char_start: int
    char_end: int
    sentence_text: str
    actor1: str = ""
    actor1_side: str = ""
    #: How actor1 is known (``analysis.schema.ACTOR1_BASES``), who claimed or blamed, who denied.
    actor1_basis: str = ""
    attributed_by: str = ""
    denied_by: str = ""
    actor2: str = ""
    actor2_side: str = ""
    event_type: str = ""
    sub_event_type: str = ""
    cameo_code: str = ""
    weapon: str = ""
    country: str = ""
    admin1: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    date_text: str = ""
    date_start: str = ""
    date_end: str = ""
    event_date: str = ""
    date_precision: str = ""
    #: ``""``: the dates are read from the text; ``"frame"``: the text gives none, and the
    #: interval is the article's time frame (see :mod:`analysis.extract.completion`).
    date_basis: str = ""
    killed_low: int | None = None
    killed_best: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_best: int | None = None
    injured_high: int | None = None
    #: How many sites the sentence says the operation hit ("strikes on three sites": 3);
    #: ``None`` when it names no such count.
    sites: int | None = None
    responds_to: tuple[str, ...] = field(default_factory=tuple)
    link_text: str = ""
    #: Mentions of the same article that the text tells as another event than this one
    #: ("Later on the same day, further strikes hit ..."): never merged with it.
    apart_from: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Aggregate:
    """A claim about many events at once ("targeted at least 170 times since Oct. 7")."""

    article_id: str
    sentence_index: int
    char_start: int
    char_end: int
    sentence_text: str
    actor1: str = ""
    actor1_side: str = ""
    actor2: str = ""
    actor2_side: str = ""
    period_text: str = ""
    period_start: str = ""
    period_end: str = ""
    count_low: int | None = None
    count_high: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article_id: str
    mentions: tuple[Mention, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
