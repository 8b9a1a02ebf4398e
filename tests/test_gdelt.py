"""GDELT 2.0 import and the year-partitioned Parquet sink."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.errors import UsageError
from analysis.importers import gdelt
from analysis.importers.parquet_sink import write_dataset
from analysis.io import read_events
from analysis.schema import EVENT_COLUMNS


def record(event_id: int, date: str, code: str, quad: str, **actors: str) -> str:
    values = dict.fromkeys(gdelt.GDELT_COLUMNS, "")
    values.update(
        GLOBALEVENTID=str(event_id),
        SQLDATE=date,
        EventCode=code,
        EventBaseCode=code[:3],
        EventRootCode=code[:2],
        QuadClass=quad,
        NumSources="2",
        ActionGeo_FullName="Baghdad, Baghdad, Iraq",
        ActionGeo_CountryCode="IZ",
        ActionGeo_ADM1Code="IZ07",
        ActionGeo_Lat="33.34",
        ActionGeo_Long="44.39",
        DATEADDED="20080106000000",
        SOURCEURL=f"https://example.org/{event_id}",
    )
    values.update(actors)
    return "\t".join(values[c] for c in gdelt.GDELT_COLUMNS)


def write_export(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path):
    us = {"Actor1Name": "UNITED STATES", "Actor1CountryCode": "USA", "Actor1Type1Code": "MIL"}
    irq = {"Actor2Name": "IRAQ", "Actor2CountryCode": "IRQ", "Actor2Type1Code": "REB"}
    lines = [
        record(101, "20071231", "190", "4", **us, **irq),  # fight: kept
        record(102, "20080102", "0211", "1", **us, **irq),  # verbal cooperation: dropped
        record(103, "20080103", "1823", "4", **us),  # assault, no target: kept
        record(104, "20080104", "150", "4", **irq),  # force posture, QuadClass 4: kept
        record(105, "20080105", "203", "3", **us, **irq),  # mass violence by root code: kept
    ]
    return write_export(tmp_path / "20080105.export.CSV", lines)


def test_material_conflict_rows_in_the_schema(export):
    events = pd.concat(gdelt.import_files([export]), ignore_index=True)
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events["event_id"].tolist() == ["gdelt:101", "gdelt:103", "gdelt:104", "gdelt:105"]
    assert events["cameo_code"].tolist() == ["190", "1823", "150", "203"]
    assert events["sub_event_type"].tolist() == [
        "Fight",
        "Assault",
        "Exhibit force posture",
        "Unconventional mass violence",
    ]
    assert events["actor1_side"].tolist() == ["USA_MIL", "USA_MIL", "", "USA_MIL"]
    assert events["actor2_side"].tolist() == ["IRQ_REB", "", "IRQ_REB", "IRQ_REB"]
    assert events["event_date"].iloc[0] == pd.Timestamp("2007-12-31")
    assert events["date_precision"].unique().tolist() == ["day"]
    assert events["fatalities_best"].isna().all()
    assert events["latitude"].iloc[0] == pytest.approx(33.34)
    assert events["number_of_sources"].iloc[0] == 2
    assert events["sources"].iloc[0] == "https://example.org/101"


def test_leading_zeros_survive_and_side_rule_is_configurable(tmp_path):
    actors = {"Actor1CountryCode": "USA", "Actor1Type1Code": "MIL", "Actor2Type1Code": "REB"}
    path = write_export(tmp_path / "x.csv", [record(7, "20070301", "0190", "4", **actors)])
    rule = gdelt.SideRule(use_type=True, use_country=True, rename={"USA_MIL": "US_COALITION"})
    events = pd.concat(gdelt.import_files([path], sides=rule), ignore_index=True)
    assert events["cameo_code"].tolist() == ["0190"]
    assert events["actor1_side"].tolist() == ["US_COALITION"]
    assert events["actor2_side"].tolist() == ["REB"]
    by_country = gdelt.import_files([path], sides=gdelt.SideRule(use_type=False))
    assert by_country[0]["actor1_side"].tolist() == ["USA"]
    assert gdelt.load_side_rule({"use_type": False}).use_type is False
    with pytest.raises(UsageError, match="unknown key"):
        gdelt.load_side_rule({"colour": "red"})


def test_bad_date_names_the_line(tmp_path):
    lines = [record(1, "20070101", "190", "4"), record(2, "2007-01-02", "190", "4")]
    path = write_export(tmp_path / "bad.csv", lines)
    with pytest.raises(UsageError, match=r"bad.csv, line 2, column SQLDATE"):
        gdelt.import_files([path])


def test_short_record_is_refused(tmp_path):
    path = write_export(tmp_path / "v1.csv", ["\t".join(["1"] * 57)])
    with pytest.raises(UsageError, match=r"line 1: fewer than 61 tab-separated fields"):
        gdelt.import_files([path])


def test_chunks_stream_with_the_same_result(export):
    whole = pd.concat(gdelt.import_files([export]), ignore_index=True)
    parts = list(gdelt.iter_events([export], chunksize=2))
    assert len(parts) == 3
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


def test_sink_partitions_by_year_and_reads_back(export, tmp_path):
    out = tmp_path / "gdelt"
    counts = write_dataset(gdelt.iter_events([export], chunksize=2), out)
    assert counts == {2007: 1, 2008: 3}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == [
        "2007/part-00000.parquet",
        "2008/part-00000.parquet",
        "2008/part-00001.parquet",
    ]
    events = read_events(out)
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert sorted(events["event_id"]) == ["gdelt:101", "gdelt:103", "gdelt:104", "gdelt:105"]
    assert events["cameo_code"].map(type).eq(str).all()
    assert math.isnan(events["fatalities_best"].iloc[0])
    again = tmp_path / "again"
    write_dataset(gdelt.iter_events([export], chunksize=2), again)
    for path in out.rglob("*.parquet"):
        assert path.read_bytes() == (again / path.relative_to(out)).read_bytes()


def test_failed_import_leaves_previous_dataset(export, tmp_path):
    out = tmp_path / "gdelt"
    write_dataset(gdelt.iter_events([export]), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def failing():
        yield from gdelt.iter_events([export], chunksize=2)
        raise UsageError("input broken half-way")

    with pytest.raises(UsageError, match="half-way"):
        write_dataset(failing(), out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_import_command_streams_into_a_year_partitioned_dataset(export, tmp_path, capsys):
    from analysis.commands import main

    rule = tmp_path / "rule.yaml"
    rule.write_text("rename:\n  USA_MIL: US_COALITION\n  IRQ_REB: INSURGENTS\n")
    out = tmp_path / "gdelt_events"
    status = main(
        ["import", "--format", "gdelt", str(export), "--mapping", str(rule), "--out", str(out)]
    )
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["2007", "2008"]
    events = read_events(out)
    assert sorted(events["event_id"]) == ["gdelt:101", "gdelt:103", "gdelt:104", "gdelt:105"]
    assert set(events["actor1_side"]) == {"US_COALITION", ""}
    assert "wrote 4 events" in capsys.readouterr().err


def test_import_command_rejects_a_bad_side_rule_and_writes_nothing(export, tmp_path, capsys):
    from analysis.commands import main

    rule = tmp_path / "rule.yaml"
    rule.write_text("colour: red\n")
    out = tmp_path / "gdelt_events"
    status = main(
        ["import", "--format", "gdelt", str(export), "--mapping", str(rule), "--out", str(out)]
    )
    assert status == 2
    assert "unknown key(s) colour" in capsys.readouterr().err
    assert not out.exists()
