"""Hand corrections: reading the file, and set, drop and merge_into on a built table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.events.build import tables_from_extractions
from analysis.events.overrides import load_overrides
from analysis.events.reconcile import event_id_for
from analysis.records import Extraction, Mention

HEADER = "target_id,field,value,reason\n"


def mention(mid, article, sentence, **kw) -> Mention:
    values = dict(
        actor1_side="US_COALITION",
        actor2_side="IRAN_ALIGNED",
        event_type="Explosions/Remote violence",
        country="Iraq",
        admin1="Babil",
        date_start="2024-07-30",
        date_end="2024-07-30",
        event_date="2024-07-30",
        date_precision="day",
    )
    values.update(kw)
    return Mention(mid, article, sentence, sentence * 10, sentence * 10 + 9, "s", **values)


STRIKE = mention("a-1", "a", 1, killed_best=4, weapon="armed drone")
OTHER = mention("b-1", "b", 2, admin1="Anbar", killed_best=1)
EARLIER = mention(
    "a-0",
    "a",
    0,
    actor1_side="IRAN_ALIGNED",
    actor2_side="US_COALITION",
    admin1="Anbar",
    date_start="2024-07-25",
    date_end="2024-07-29",
    event_date="",
    date_precision="days",
)
ANSWER = replace(STRIKE, responds_to=("a-0",))
S, OTH, E = event_id_for("a-1"), event_id_for("b-1"), event_id_for("a-0")


def write(tmp_path, body: str):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def build(tmp_path, body: str, mentions=(STRIKE, OTHER)):
    extractions = [
        Extraction(a, tuple(m for m in mentions if m.article_id == a)) for a in ("a", "b")
    ]
    overrides = load_overrides(write(tmp_path, body)) if body is not None else None
    return tables_from_extractions(extractions, overrides)


def row(events: pd.DataFrame, event_id: str) -> pd.Series:
    return events.set_index("event_id").loc[event_id]


def test_empty_file_changes_nothing(tmp_path):
    raw, empty = build(tmp_path, None), build(tmp_path, "")
    pd.testing.assert_frame_equal(raw.events, empty.events)


def test_set_fields_with_types_and_mark_review_status(tmp_path):
    body = (
        f"{S},fatalities_best,5,later toll\n{S},fatalities_high,6,later toll\n"
        f"{S},weapon,,unclear\n{S},event_date,2024-07-30,x\n"
    )
    events = build(tmp_path, body).events
    strike = row(events, S)
    assert (strike["fatalities_low"], strike["fatalities_best"], strike["fatalities_high"]) == (
        4,
        5,
        6,
    )
    assert strike["weapon"] == ""
    assert strike["event_date"] == pd.Timestamp("2024-07-30")
    assert strike["review_status"] == "override"
    assert row(events, OTH)["review_status"] == "auto"


def test_an_override_that_breaks_the_schema_is_an_error(tmp_path):
    with pytest.raises(UsageError, match="fatalities_best <= fatalities_high"):
        build(tmp_path, f"{S},fatalities_best,9,typo\n")


def test_drop_removes_the_event_and_links_to_it(tmp_path):
    tables = build(tmp_path, f"{E},drop,,not an attack\n", mentions=(EARLIER, ANSWER, OTHER))
    assert E not in set(tables.events["event_id"])
    assert row(tables.events, S)["retaliation_for"] == ""
    mentions = tables.mentions.set_index("mention_id")
    assert mentions.loc["a-0", "event_id"] == ""


def test_merge_into_recomputes_the_event_and_keeps_the_target_id(tmp_path):
    tables = build(tmp_path, f"{OTH},merge_into,{S},same strike per local press\n")
    assert list(tables.events["event_id"]) == [S]
    merged = row(tables.events, S)
    assert merged["sources"] == "a;b" and merged["number_of_sources"] == 2
    assert (merged["fatalities_low"], merged["fatalities_best"], merged["fatalities_high"]) == (
        1,
        1,
        4,
    )
    assert merged["review_status"] == "override"
    assert set(tables.mentions["event_id"]) == {S}


def test_merging_a_trigger_into_its_answer_drops_the_self_link(tmp_path):
    events = build(tmp_path, f"{E},merge_into,{S},x\n", mentions=(EARLIER, ANSWER, OTHER)).events
    assert row(events, S)["retaliation_for"] == ""
    assert "date_conflict" in row(events, S)["review_status"]


def test_unknown_event_id_names_file_and_line(tmp_path):
    with pytest.raises(UsageError, match=r"overrides.csv line 3: unknown event id 'EV-nope'"):
        build(tmp_path, f"{S},weapon,rocket,x\nEV-nope,weapon,rocket,x\n")
    with pytest.raises(UsageError, match="unknown event id 'EV-gone'"):
        build(tmp_path, f"{S},merge_into,EV-gone,x\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("EV-1,colour,red,x\n", "line 2: unknown field 'colour'"),
        ("EV-1,sources,a,x\n", "line 2: unknown field 'sources'"),
        ("EV-1,weapon,rocket,\n", "line 2: reason is empty"),
        ("EV-1,fatalities_best,four,x\n", "line 2: bad value 'four' for fatalities_best"),
        ("EV-1,event_date,30/07/2024,x\n", "line 2: bad value '30/07/2024' for event_date"),
        ("EV-1,actor1_side,us,x\n", "line 2: bad value 'us' for actor1_side"),
        ("EV-1,merge_into,,x\n", "merge_into needs the id"),
        ("EV-1,weapon,a,x\nEV-1,weapon,b,y\n", "line 3: EV-1 weapon already set on line 2"),
        (",weapon,a,x\n", "line 2: target_id is empty"),
    ],
)
def test_bad_rows(tmp_path, body, message):
    with pytest.raises(UsageError, match=message):
        load_overrides(write(tmp_path, body))


def test_bad_header_and_missing_file(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("target_id,field,value\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 1: missing column"):
        load_overrides(path)
    with pytest.raises(UsageError, match="not found"):
        load_overrides(tmp_path / "absent.csv")


def test_shipped_overrides_file_reads():
    overrides = load_overrides("data/codings/overrides.csv")
    assert all(r.reason for r in overrides.rows)
