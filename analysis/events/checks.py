"""Validation of the three tables against :mod:`analysis.schema` (pandera).

Every build validates its tables before writing anything, and importers of external data
sets validate their event tables against the same :data:`EVENTS` checks (with their own
``origin``; their ``sources`` may be empty and their sides are any upper-case codes).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.errors import UsageError
from analysis.schema import (
    ACTOR1_BASES,
    AGGREGATE_COLUMNS,
    ARTICLE_EVENT_TYPES,
    ARTICLES,
    DATE,
    DATE_BASES,
    DATE_PRECISIONS,
    EVENT_COLUMNS,
    EVENT_FIELDS,
    FLOAT,
    INT,
    ISO_DATE_PATTERN,
    LIST_SEP,
    MENTION_COLUMNS,
    MENTION_COUNT_COLUMNS,
    SIDE_PATTERN,
    split_list,
)

_INT = pd.Int64Dtype()
#: ``""`` is an unknown precision.
ALLOWED_PRECISIONS = ("", *DATE_PRECISIONS)


def _text(*checks: pa.Check, **kwargs) -> pa.Column:
    # coerce: importers build text columns as object, pandas 3 infers str.
    return pa.Column(str, checks=list(checks), coerce=True, **kwargs)


def _count(**kwargs) -> pa.Column:
    return pa.Column(_INT, checks=[pa.Check.ge(0)], nullable=True, coerce=True, **kwargs)


def _ordered(frame: pd.DataFrame, low: str, best: str, high: str) -> pd.Series:
    """Row-wise ``low <= best <= high`` where both sides of each comparison are known."""
    lo, mid, hi = frame[low], frame[best], frame[high]
    ok = (lo.isna() | mid.isna() | (lo <= mid)).fillna(True)
    ok &= (mid.isna() | hi.isna() | (mid <= hi)).fillna(True)
    ok &= (lo.isna() | hi.isna() | (lo <= hi)).fillna(True)
    return ok.astype(bool)


def _dates_ordered(frame: pd.DataFrame) -> pd.Series:
    start, day, end = frame["date_start"], frame["event_date"], frame["date_end"]
    ok = (start.isna() | day.isna() | (start <= day)) & (day.isna() | end.isna() | (day <= end))
    return ok & (start.isna() | end.isna() | (start <= end))


def _links_exist(frame: pd.DataFrame) -> pd.Series:
    ids = set(frame["event_id"])
    return frame["retaliation_for"].map(lambda v: all(i in ids for i in split_list(v)))


def _article_rows_sourced(frame: pd.DataFrame) -> pd.Series:
    """Rows coded from articles name their sources and count them."""
    articles = frame["origin"] == ARTICLES
    counted = frame["sources"].map(lambda v: len(split_list(v))) == frame["number_of_sources"]
    return (~articles | (counted.fillna(False) & (frame["sources"] != ""))).astype(bool)


def _article_event_types(frame: pd.DataFrame) -> pd.Series:
    return (frame["origin"] != ARTICLES) | frame["event_type"].isin(ARTICLE_EVENT_TYPES)


def _leading_columns(names: tuple[str, ...]):
    def check(frame: pd.DataFrame) -> bool:
        return tuple(frame.columns[: len(names)]) == names

    return pa.Check(check, name=f"leading columns are {','.join(names[:3])},...")


def _by_kind(kind: str) -> pa.Column:
    if kind == DATE:
        return pa.Column("datetime64[ns]", nullable=True, coerce=True)
    if kind == INT:
        return _count()
    if kind == FLOAT:
        return pa.Column(float, nullable=True, coerce=True)
    return _text()


EVENTS = pa.DataFrameSchema(
    {
        **{name: _by_kind(kind) for name, kind in EVENT_FIELDS.items()},
        "event_id": _text(pa.Check.str_length(min_value=1), unique=True),
        "date_precision": _text(pa.Check.isin(ALLOWED_PRECISIONS)),
        "actor1_side": _text(pa.Check.str_matches(SIDE_PATTERN)),
        "actor1_basis": _text(pa.Check.isin(("", *ACTOR1_BASES))),
        "actor2_side": _text(pa.Check.str_matches(SIDE_PATTERN)),
        "cameo_code": _text(pa.Check.str_matches(r"^(\d{2,4})?$")),
        "latitude": pa.Column(float, pa.Check.in_range(-90, 90), nullable=True, coerce=True),
        "longitude": pa.Column(float, pa.Check.in_range(-180, 180), nullable=True, coerce=True),
        "origin": _text(pa.Check.str_matches(r"^[a-z0-9][a-z0-9._-]*$")),
        "review_status": _text(pa.Check.str_length(min_value=1)),
    },
    checks=[
        _leading_columns(EVENT_COLUMNS),
        pa.Check(_dates_ordered, name="date_start <= event_date <= date_end"),
        pa.Check(
            lambda f: _ordered(f, "fatalities_low", "fatalities_best", "fatalities_high"),
            name="fatalities_low <= fatalities_best <= fatalities_high",
        ),
        pa.Check(
            lambda f: _ordered(f, "injured_low", "injured_best", "injured_high"),
            name="injured_low <= injured_best <= injured_high",
        ),
        pa.Check(_links_exist, name="retaliation_for ids exist"),
        pa.Check(_article_rows_sourced, name="article rows: number_of_sources = len(sources)"),
        pa.Check(_article_event_types, name="article rows: event_type in ARTICLE_EVENT_TYPES"),
    ],
    name="events",
)

_MENTION_TEXT = set(MENTION_COLUMNS) - {
    "sentence_index",
    "char_start",
    "char_end",
    "latitude",
    "longitude",
    *MENTION_COUNT_COLUMNS,
    "sites",
}


def _sentence_source(id_column: str) -> dict[str, pa.Column]:
    """Checks shared by every row read from one sentence: its own id, the article, the
    sentence and character offsets, and the sides."""
    return {
        id_column: _text(pa.Check.str_length(min_value=1), unique=True),
        "article_id": _text(pa.Check.str_length(min_value=1)),
        "sentence_index": _count(),
        "char_start": _count(),
        "char_end": _count(),
        "actor1_side": _text(pa.Check.str_matches(SIDE_PATTERN)),
        "actor2_side": _text(pa.Check.str_matches(SIDE_PATTERN)),
    }


MENTIONS = pa.DataFrameSchema(
    {
        **{name: _text() for name in sorted(_MENTION_TEXT)},
        **_sentence_source("mention_id"),
        "date_start": _text(pa.Check.str_matches(ISO_DATE_PATTERN)),
        "date_end": _text(pa.Check.str_matches(ISO_DATE_PATTERN)),
        "event_date": _text(pa.Check.str_matches(ISO_DATE_PATTERN)),
        "date_precision": _text(pa.Check.isin(ALLOWED_PRECISIONS)),
        "date_basis": _text(pa.Check.isin(("", *DATE_BASES))),
        "latitude": pa.Column(float, nullable=True, coerce=True),
        "longitude": pa.Column(float, nullable=True, coerce=True),
        **{name: _count() for name in MENTION_COUNT_COLUMNS},
        "sites": _count(),
    },
    checks=[
        _leading_columns(MENTION_COLUMNS),
        pa.Check(lambda f: f["char_start"] <= f["char_end"], name="char_start <= char_end"),
        pa.Check(lambda f: _ordered(f, "killed_low", "killed_best", "killed_high"), name="killed"),
        pa.Check(
            lambda f: _ordered(f, "injured_low", "injured_best", "injured_high"), name="injured"
        ),
    ],
    name="mentions",
)

AGGREGATES = pa.DataFrameSchema(
    {
        **{name: _text() for name in AGGREGATE_COLUMNS},
        **_sentence_source("aggregate_id"),
        "period_start": _text(pa.Check.str_matches(ISO_DATE_PATTERN)),
        "period_end": _text(pa.Check.str_matches(ISO_DATE_PATTERN)),
        "count_low": _count(),
        "count_high": _count(),
    },
    checks=[
        _leading_columns(AGGREGATE_COLUMNS),
        pa.Check(
            lambda f: (
                (f["count_low"].isna() | f["count_high"].isna())
                | (f["count_low"] <= f["count_high"]).fillna(True)
            ),
            name="count_low <= count_high",
        ),
    ],
    name="aggregates",
)


class InvalidTable(UsageError):
    """A table breaks its schema; the message lists the failing checks and rows."""


def _holds(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> bool:
    """Whether ``frame`` passes ``schema`` as it is: every column present with the schema's
    dtype already (so coercing changes nothing), not null where it may not be, unique
    where it must be, and every check of the schema passing (run by pandera's own check
    backend, as validation runs it). ``False`` means only "not shown here": the schema's
    own validation then decides and words the errors.

    The same checks as :meth:`pandera.DataFrameSchema.validate`, without its per-check
    overhead (most of the time to validate the tables of a large corpus). Any schema
    option this does not read sends the frame to pandera.
    """
    if (
        schema.strict
        or schema.ordered
        or schema.unique
        or schema.index is not None
        or schema.add_missing_columns
        or schema.drop_invalid_rows
        or schema.dtype is not None
        or schema.parsers
        or not frame.columns.is_unique
    ):
        return False
    for name, column in schema.columns.items():
        if (
            column.regex
            or column.parsers
            or not column.required
            or column.drop_invalid_rows
            or name not in frame.columns
        ):
            return False
        series = frame[name]
        if column.dtype is None or series.dtype != column.dtype.type:
            return False
        if not column.nullable and series.isna().any():
            return False
        if column.unique and series.duplicated().any():
            return False
        if not all(_passed(check, series) for check in column.checks):
            return False
    return all(_passed(check, frame) for check in schema.checks)


def _passed(check: pa.Check, data) -> bool:
    if check.element_wise or check.groupby is not None or check.raise_warning:
        return False
    return bool(check(data).check_passed)


def _validate(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    if _holds(schema, frame):
        # A new frame, as validation returns (the columns are shared: copy on write).
        return frame.copy(deep=False)
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        lines, seen = [], set()
        for _, case in cases.iterrows():
            whole_row = case.get("schema_context") == "DataFrameSchema"
            key = (case.get("check"), case.get("index")) if whole_row else tuple(case)
            if key in seen:
                continue
            seen.add(key)
            if whole_row:
                # A whole-row check reports every cell; the first one is the row's id.
                lines.append(
                    f"  {case.get('check')} fails at row {case.get('index')} "
                    f"(id {case.get('failure_case')!r})"
                )
            else:
                lines.append(
                    f"  {case.get('column')}: {case.get('check')} fails at row "
                    f"{case.get('index')} (value {case.get('failure_case')!r})"
                )
        more = f"\n  ... and {len(lines) - 10} more" if len(lines) > 10 else ""
        lines = lines[:10]
        raise InvalidTable(
            f"the {schema.name} table breaks its schema:\n" + "\n".join(lines) + more
        ) from None


def validate_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate an event table (built here or imported); return it with coerced dtypes.

    Raises
    ------
    InvalidTable
        Naming each failing check, column and row.
    """
    return _validate(EVENTS, frame)


def validate_tables(events: pd.DataFrame, mentions: pd.DataFrame, aggregates: pd.DataFrame):
    """Validate the three tables and their cross references.

    Every mention's ``event_id`` (when not empty: an event dropped by an override leaves
    it empty) and ``also_event_ids`` must name an event.

    Returns
    -------
    The three validated tables, dtypes coerced.
    """
    events = validate_events(events)
    mentions = _validate(MENTIONS, mentions)
    aggregates = _validate(AGGREGATES, aggregates)
    ids = set(events["event_id"])
    # The items of every cell at once: joined by the separator, the cells split into the
    # same items as split one by one (empty items dropped either way).
    cells = [*mentions["event_id"].tolist(), *mentions["also_event_ids"].tolist()]
    named = set(split_list(LIST_SEP.join(map(str, cells))))
    missing = sorted(named - ids)
    if missing:
        raise InvalidTable(
            f"the mentions table names {len(missing)} event id(s) not in the events table: "
            + ", ".join(missing[:10])
        )
    return events, mentions, aggregates
