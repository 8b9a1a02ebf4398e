"""Dyad selection: event types, atlas keys, strict dates and names checked against the table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.models.dyad import (
    check_selection,
    parse_date,
    select_dyad,
    table_vocabulary,
)


@pytest.fixture
def table():
    rows = [
        # (date, initiator, target, event_type, sub_event_type)
        ("2007-01-05", "INSURGENTS", "US_COALITION", "Explosions/Remote violence", "IED"),
        ("2007-01-06", "INSURGENTS", "US_COALITION", "Battles", "Armed clash"),
        ("2007-01-07", "INSURGENTS", "", "Explosions/Remote violence", "IED"),
        ("2007-12-15", "INSURGENTS", "US_COALITION", "Battles", "Armed clash"),
        ("2007-01-06", "US_COALITION", "INSURGENTS", "Explosions/Remote violence", "Air strike"),
        ("2007-12-20", "US_COALITION", "INSURGENTS", "Strategic developments", "Show of force"),
        ("2008-01-02", "US_COALITION", "INSURGENTS", "Explosions/Remote violence", "Air strike"),
        ("2007-02-01", "CIVILIANS", "INSURGENTS", "Protests", "Peaceful protest"),
    ]
    frame = pd.DataFrame(
        rows, columns=["event_date", "actor1_side", "actor2_side", "event_type", "sub_event_type"]
    )
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame.insert(0, "event_id", [f"e{k}" for k in range(len(frame))])
    return frame


def test_types_select_by_event_type_or_subtype(table):
    dyad = select_dyad(table, "INSURGENTS", "US_COALITION", types_a=["IED"], types_b="Air strike")
    assert dyad.events["event_id"].tolist() == ["e0", "e4", "e2", "e6"]
    assert dyad.counts() == {"INSURGENTS": 2, "US_COALITION": 2}
    by_type = select_dyad(table, "INSURGENTS", "US_COALITION", types_a=["Battles"])
    assert len(by_type.a) == 2 and len(by_type.b) == 3


def test_atlas_keys_mean_side_and_type(table):
    keyed = select_dyad(table, "INSURGENTS:IED", "US_COALITION:Air strike")
    plain = select_dyad(
        table, "INSURGENTS", "US_COALITION", types_a=["IED"], types_b=["Air strike"]
    )
    assert keyed.side_a == "INSURGENTS" and keyed.types_a == ("IED",)
    assert keyed.events["event_id"].tolist() == plain.events["event_id"].tolist()
    in_list = select_dyad(table, "INSURGENTS", "US_COALITION", types_a=["INSURGENTS:IED"])
    assert len(in_list.a) == 2


def test_dates_are_strict_and_inclusive(table):
    dyad = select_dyad(table, "INSURGENTS", "US_COALITION", "2007-01-06", "2007-12-15")
    assert dyad.events["event_id"].tolist() == ["e1", "e4", "e2", "e3"]
    for bad in ("2007-12", "2007", "2007-02-30", "12/31/2007"):
        with pytest.raises(UsageError, match="not a full ISO date"):
            select_dyad(table, "INSURGENTS", "US_COALITION", end=bad)
    with pytest.raises(UsageError, match="partial dates are not accepted"):
        parse_date("2007-12", "end")
    assert parse_date("", "start") is None and parse_date(None) is None


def test_vocabulary_counts_initiated_events(table):
    vocab = table_vocabulary(table)
    assert vocab.sides == {"INSURGENTS": 4, "US_COALITION": 3, "CIVILIANS": 1}
    assert vocab.subtypes["INSURGENTS"] == {"Armed clash": 2, "IED": 2}
    assert vocab.types["US_COALITION"] == {
        "Explosions/Remote violence": 2,
        "Strategic developments": 1,
    }


def test_unknown_side_lists_the_sides_with_counts(table):
    with pytest.raises(UsageError) as err:
        check_selection(table, "INSURGENT", "US_COALITION", source="t.csv")
    text = str(err.value)
    assert "INSURGENT not found" in text
    assert "sides in this table: INSURGENTS (4), US_COALITION (3), CIVILIANS (1)" in text
    assert text.startswith("t.csv: ")
    with pytest.raises(UsageError, match="did you mean INSURGENTS"):
        check_selection(table, "insurgents", "US_COALITION")


def test_unknown_type_lists_that_sides_types(table):
    with pytest.raises(UsageError) as err:
        check_selection(table, "INSURGENTS", "US_COALITION", types_b=["IED"])
    text = str(err.value)
    assert "types_b: 'IED' not found among the events of US_COALITION" in text
    assert "Air strike (2), Show of force (1)" in text


def test_every_problem_is_reported_at_once(table):
    with pytest.raises(UsageError) as err:
        check_selection(table, "INSURGENTS", "NOBODY", ["Nope"], None, "2007", "2007-12")
    text = str(err.value)
    assert "NOBODY not found" in text and "'Nope' not found" in text
    assert "start: '2007'" in text and "end: '2007-12'" in text


def test_check_returns_the_plain_selection(table):
    sel = check_selection(table, "INSURGENTS:IED", "US_COALITION", None, ["Air strike"], "", None)
    assert (sel.side_a, sel.types_a, sel.side_b, sel.types_b) == (
        "INSURGENTS",
        ["IED"],
        "US_COALITION",
        ["Air strike"],
    )
    assert (sel.start, sel.end) == ("", "")
    with pytest.raises(UsageError, match="must differ"):
        check_selection(table, "INSURGENTS:IED", "INSURGENTS:Armed clash")
    with pytest.raises(UsageError, match="is after end"):
        check_selection(table, "INSURGENTS", "US_COALITION", start="2008-01-01", end="2007-01-01")
