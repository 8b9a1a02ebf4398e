"""The one definition of the tables: events, mentions and aggregates.

Everything else derives from here: the column order, each column's kind (text, date,
whole number, decimal), the allowed date precisions and their order, the dtypes of
:func:`analysis.io.read_events`, the Arrow schema and the CSV/Parquet writers of
:mod:`analysis.io`, and the validation checks of :mod:`analysis.events.checks`. Importers,
``escalation events`` and the atlas all write through those writers.

In memory the tables use: ``datetime64[ns]`` for event dates, nullable ``Int64`` for
counts, ``float64`` for coordinates and ``str`` (``""`` when unknown) for text. Mention and
aggregate dates stay ISO strings, as read from the sentence.

This module imports nothing but the standard library, so that anything may read it.
"""

from __future__ import annotations

TEXT = "text"
DATE = "date"
INT = "int"
FLOAT = "float"

#: Columns of the event table, in order, with their kinds. Importers build their tables
#: with these, and every writer and reader takes its types from here.
EVENT_FIELDS: dict[str, str] = {
    "event_id": TEXT,
    "event_date": DATE,
    "date_start": DATE,
    "date_end": DATE,
    "date_precision": TEXT,
    "date_text": TEXT,
    "actor1": TEXT,
    "actor1_side": TEXT,
    "actor1_basis": TEXT,
    "attributed_by": TEXT,
    "denied_by": TEXT,
    "actor2": TEXT,
    "actor2_side": TEXT,
    "event_type": TEXT,
    "sub_event_type": TEXT,
    "cameo_code": TEXT,
    "weapon": TEXT,
    "country": TEXT,
    "admin1": TEXT,
    "location": TEXT,
    "latitude": FLOAT,
    "longitude": FLOAT,
    "fatalities_low": INT,
    "fatalities_best": INT,
    "fatalities_high": INT,
    "injured_low": INT,
    "injured_best": INT,
    "injured_high": INT,
    #: Sites one operation hit: the largest count its sources state ("strikes on five
    #: facilities"), else the number of first-level units its mentions place it in, at
    #: least 1; missing for imports that do not say.
    "sites": INT,
    "retaliation_for": TEXT,
    "number_of_sources": INT,
    "sources": TEXT,
    "origin": TEXT,
    "review_status": TEXT,
}
EVENT_COLUMNS = tuple(EVENT_FIELDS)


def columns_of(kind: str, fields: dict[str, str] = EVENT_FIELDS) -> tuple[str, ...]:
    """The columns of ``fields`` whose kind is ``kind`` (one of text, date, int, float)."""
    return tuple(name for name, k in fields.items() if k == kind)


TEXT_COLUMNS = columns_of(TEXT)
DATE_COLUMNS = columns_of(DATE)
INT_COLUMNS = columns_of(INT)
FLOAT_COLUMNS = columns_of(FLOAT)

#: Date precisions from finest to coarsest; ``""`` means unknown.
DATE_PRECISIONS = ("day", "days", "week", "month", "quarter", "year")


def precision_rank(precision: str) -> int | None:
    """Rank of a date precision (0 = day, finest); ``None`` when unknown or empty."""
    try:
        return DATE_PRECISIONS.index(precision)
    except ValueError:
        return None


#: How the initiator (``actor1``) is known: named as the actor by the text (``stated``),
#: claimed by itself, blamed by someone else, suspected ("likely", "believed to be"), or
#: not at all (``unattributed``, side ``UNKNOWN``). Empty for imported rows, whose
#: publishers do not say.
ACTOR1_BASES = ("stated", "claimed", "blamed", "suspected", "unattributed")
#: How a mention's dates were set: ``""`` read from the text, ``frame`` bounded by the
#: article's time frame because the text gives none.
DATE_BASES = ("frame",)


#: Separator of list-valued fields (``sources``, ``retaliation_for``) in CSV files.
LIST_SEP = ";"


def split_list(value: str) -> list[str]:
    """Split a list-valued field (``"a;b"``) into its items; ``""`` gives ``[]``."""
    return [item for item in str(value).split(LIST_SEP) if item] if value else []


#: Largest casualty count (killed or injured) of one event accepted from any source: no
#: single event of the conflicts studied comes near it, so a larger count is an error.
MAX_COUNT = 1_000_000
#: Earliest event or publication date accepted from any source.
EARLIEST_DATE = "1900-01-01"

#: Casualty counts read from a sentence (mentions), each a low, best and high figure.
MENTION_COUNT_COLUMNS = tuple(
    f"{kind}_{part}" for kind in ("killed", "injured") for part in ("low", "best", "high")
)
#: Leading columns of the mentions table; the values read from the sentence follow.
MENTION_COLUMNS = (
    "mention_id",
    "event_id",
    "article_id",
    "sentence_index",
    "char_start",
    "char_end",
    "sentence_text",
    "actor1",
    "actor1_side",
    "actor1_basis",
    "attributed_by",
    "denied_by",
    "actor2",
    "actor2_side",
    "event_type",
    "sub_event_type",
    "cameo_code",
    "weapon",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "date_text",
    "date_start",
    "date_end",
    "event_date",
    "date_precision",
    "date_basis",
    "killed_low",
    "killed_best",
    "killed_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "sites",
    "responds_to",
    "link_text",
    "also_event_ids",
    "apart_from",
)
AGGREGATE_COLUMNS = (
    "aggregate_id",
    "article_id",
    "sentence_index",
    "char_start",
    "char_end",
    "actor1",
    "actor1_side",
    "actor2",
    "actor2_side",
    "period_text",
    "period_start",
    "period_end",
    "count_low",
    "count_high",
    "sentence_text",
)
#: Event types of rows coded from articles (ACLED's vocabulary); imports keep their own.
ARTICLE_EVENT_TYPES = (
    "",
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
SIDE_PATTERN = r"^([A-Z][A-Z0-9_]*)?$"
ISO_DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"
ARTICLES = "articles"
