"""Schemas of the three tables: what they accept and what they refuse."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.events.build import tables_from_extractions
from analysis.events.checks import (
    AGGREGATES,
    EVENTS,
    MENTIONS,
    InvalidTable,
    _holds,
    validate_events,
    validate_tables,
)
from analysis.records import Aggregate, Extraction, Mention
from analysis.schema import EVENT_COLUMNS


def built():
    trigger = Mention(
        "a-1",
        "a",
        0,
        0,
        10,
        "s0",
        actor2_side="US_COALITION",
        event_type="Battles",
        country="Iraq",
        admin1="Baghdad",
        date_start="2020-03-11",
        date_end="2020-03-11",
        event_date="2020-03-11",
        date_precision="day",
        killed_best=3,
    )
    answer = Mention(
        "a-2",
        "a",
        1,
        11,
        30,
        "s1",
        actor1_side="US_COALITION",
        actor2_side="IRAN_ALIGNED",
        event_type="Explosions/Remote violence",
        country="Iraq",
        date_start="2020-03-12",
        date_end="2020-03-13",
        event_date="2020-03-13",
        date_precision="days",
        responds_to=("a-1",),
    )
    claim = Aggregate("a", 2, 31, 40, "s2", actor1_side="IRAN_ALIGNED", count_low=170)
    return tables_from_extractions([Extraction("a", (trigger, answer), (claim,))])


def imported() -> pd.DataFrame:
    """Two rows as an importer of an external data set builds them."""
    frame = pd.DataFrame({c: ["", ""] for c in EVENT_COLUMNS})
    frame["event_id"] = ["IQ-A-1", "IQ-I-2"]
    for col in ("event_date", "date_start", "date_end"):
        frame[col] = pd.to_datetime(["2007-01-02", "2007-01-03"])
    frame["date_precision"] = "day"
    frame["actor1_side"] = ["COALITION", "INSURGENTS"]
    frame["actor2_side"] = ["INSURGENTS", "COALITION"]
    frame["event_type"] = ["State-based conflict", "Other"]
    frame["latitude"], frame["longitude"] = [33.3, float("nan")], [44.4, float("nan")]
    for col in EVENT_COLUMNS:
        if col.startswith(("fatalities", "injured")) or col in ("number_of_sources", "sites"):
            frame[col] = pd.array([pd.NA, 2], dtype="Int64")
    frame["origin"] = "iraq-2006-2008"
    frame["review_status"] = "imported"
    return frame


def test_built_tables_pass():
    tables = built()
    assert list(tables.events.columns) == list(EVENT_COLUMNS)
    assert len(tables.events) == 2 and len(tables.mentions) == 2 and len(tables.aggregates) == 1


def test_an_imported_table_passes_with_empty_sources_and_free_side_codes():
    out = validate_events(imported())
    assert out["event_date"].dtype == "datetime64[ns]"
    assert list(out["actor1_side"]) == ["COALITION", "INSURGENTS"]


def test_imported_iso_date_strings_are_coerced():
    frame = imported()
    frame["event_date"] = frame["date_start"] = frame["date_end"] = ["2007-01-02", ""]
    out = validate_events(frame)
    assert out["event_date"].iloc[0] == pd.Timestamp("2007-01-02")
    assert pd.isna(out["event_date"].iloc[1])


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("actor1_side", "us coalition", "str_matches"),
        ("date_precision", "fortnight", "isin"),
        ("cameo_code", "19x", "str_matches"),
        ("latitude", 95.0, "in_range"),
        ("fatalities_best", -1, "greater_than_or_equal_to"),
        ("origin", "", "str_matches"),
        ("review_status", "", "str_length"),
    ],
)
def test_bad_values_are_refused(column, value, check):
    frame = imported()
    frame.loc[0, column] = value
    assert not _holds(EVENTS, frame)  # the quick check leaves it to pandera
    with pytest.raises(InvalidTable, match=check) as err:
        validate_events(frame)
    assert column in str(err.value) and "row 0" in str(err.value)


def test_date_order_and_casualty_ranges():
    frame = imported()
    frame.loc[0, "date_start"] = pd.Timestamp("2007-01-01")
    frame.loc[0, "date_end"] = pd.Timestamp("2007-01-31")
    validate_events(frame)  # a day inside a month-long interval is fine
    frame.loc[0, "event_date"] = pd.Timestamp("2007-02-01")
    with pytest.raises(InvalidTable, match="date_start <= event_date <= date_end"):
        validate_events(frame)
    frame = imported()
    frame.loc[1, "date_end"] = pd.Timestamp("2007-01-02")
    with pytest.raises(InvalidTable, match="date_start <= event_date <= date_end"):
        validate_events(frame)
    frame = imported()
    frame.loc[1, "date_start"] = pd.Timestamp("2007-01-04")
    with pytest.raises(InvalidTable, match="date_start <= event_date <= date_end"):
        validate_events(frame)
    frame = imported()
    frame.loc[1, "fatalities_low"] = 3
    with pytest.raises(InvalidTable, match="fatalities_low <= fatalities_best"):
        validate_events(frame)


def test_unique_ids_and_existing_links():
    frame = imported()
    frame.loc[1, "event_id"] = "IQ-A-1"
    with pytest.raises(InvalidTable, match="unique"):
        validate_events(frame)
    frame = imported()
    frame.loc[1, "retaliation_for"] = "IQ-A-1;IQ-X-9"
    with pytest.raises(InvalidTable, match="retaliation_for ids exist"):
        validate_events(frame)


def test_article_rows_must_count_their_sources_and_use_the_article_event_types():
    events = built().events
    events.loc[0, "number_of_sources"] = 2
    with pytest.raises(InvalidTable, match="number_of_sources"):
        validate_events(events)
    events = built().events
    events.loc[0, "event_type"] = "Other"
    with pytest.raises(InvalidTable, match="event_type in ARTICLE_EVENT_TYPES"):
        validate_events(events)


def test_column_order_is_enforced():
    frame = imported()
    cols = list(EVENT_COLUMNS)
    cols[1], cols[2] = cols[2], cols[1]
    with pytest.raises(InvalidTable, match="leading columns"):
        validate_events(frame[cols])


def test_every_mention_names_an_existing_event():
    tables = built()
    mentions = tables.mentions.copy()
    mentions.loc[0, "event_id"] = "EV-0000000000"
    with pytest.raises(InvalidTable, match="EV-0000000000"):
        validate_tables(tables.events, mentions, tables.aggregates)


def test_aggregate_and_mention_checks():
    tables = built()
    aggregates = tables.aggregates.copy()
    aggregates.loc[0, "count_high"] = 100
    with pytest.raises(InvalidTable, match="count_low <= count_high"):
        validate_tables(tables.events, tables.mentions, aggregates)
    mentions = tables.mentions.copy()
    mentions.loc[0, "date_start"] = "11/03/2020"
    with pytest.raises(InvalidTable, match="date_start"):
        validate_tables(tables.events, mentions, tables.aggregates)


# --- one definition ----------------------------------------------------------------------


def test_a_precision_added_in_the_schema_reaches_checks_lags_and_overview(tmp_path):
    """Add a precision in ``analysis.schema`` alone; the checks accept it, the lag code
    ranks it between its neighbours and the overview lists it in order."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import analysis.schema as s
        s.DATE_PRECISIONS = ("day", "days", "week", "fortnight", "month", "quarter", "year")
        import pandas as pd
        from analysis.events.checks import ALLOWED_PRECISIONS
        from analysis.models.lags import filter_precision
        from analysis.present.overview import precision_counts
        assert "fortnight" in ALLOWED_PRECISIONS
        events = pd.DataFrame({"date_precision": ["day", "fortnight", "month", ""]})
        kept, dropped = filter_precision(events, "week")
        assert list(kept["date_precision"]) == ["day", ""] and dropped == 2, kept
        kept, dropped = filter_precision(events, "fortnight")
        assert list(kept["date_precision"]) == ["day", "fortnight", ""], kept
        counts = precision_counts(events)
        print(list(counts.iloc[:, 0]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "fortnight" in out.stdout
    assert out.stdout.index("fortnight") < out.stdout.index("month")


def test_quarter_and_year_are_never_ranked_as_days():
    from analysis.models.lags import filter_precision

    events = pd.DataFrame({"date_precision": ["day", "quarter", "year", "days", "bogus"]})
    kept, dropped = filter_precision(events, "days")
    assert list(kept["date_precision"]) == ["day", "days"]
    assert dropped == 3


def test_writers_and_reader_follow_the_column_kinds(tmp_path):
    from analysis.io import arrow_schema, read_events, write_events
    from analysis.schema import EVENT_FIELDS

    kinds = {"text": "string", "date": "date32[day]", "int": "int64", "float": "double"}
    schema = arrow_schema()
    assert [f.name for f in schema] == list(EVENT_FIELDS)
    assert [str(f.type) for f in schema] == [kinds[k] for k in EVENT_FIELDS.values()]
    events = validate_events(built().events)
    for name in ("t.csv", "t.parquet", "t.csv.gz"):
        write_events(events, tmp_path / name)
        back = read_events(tmp_path / name)
        assert list(back.columns) == list(EVENT_FIELDS)
        assert back["event_date"].dtype.kind == "M"
        assert (
            back["fatalities_best"].dropna().tolist() == events["fatalities_best"].dropna().tolist()
        )
        assert back["actor1_side"].tolist() == events["actor1_side"].tolist()


def test_the_quick_check_passes_what_pandera_passes_unchanged_and_nothing_else():
    tables = built()
    for schema, frame in (
        (EVENTS, tables.events),
        (MENTIONS, tables.mentions),
        (AGGREGATES, tables.aggregates),
    ):
        assert _holds(schema, frame)
        pd.testing.assert_frame_equal(schema.validate(frame, lazy=True), frame)
    # Text that pandera would coerce (an imported column of objects), a null in a column
    # that may not have one, a duplicate id, a link to no event: pandera decides.
    assert not _holds(EVENTS, imported())
    assert _holds(EVENTS, validate_events(imported()))
    events = validate_events(imported())
    for column, value in (("sources", None), ("event_id", "IQ-I-2"), ("retaliation_for", "X")):
        broken = events.copy()
        broken.loc[0, column] = value
        assert not _holds(EVENTS, broken), column
    mentions = tables.mentions.copy()
    mentions["char_start"] = mentions["char_start"].astype("float64")
    assert not _holds(MENTIONS, mentions)
