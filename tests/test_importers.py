"""Importers of external event data: ACLED, UCDP GED, mapped CSV and the Iraq 2007-08 files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.commands import main
from analysis.errors import UsageError
from analysis.events import checks
from analysis.importers.dispatch import acled, import_events, iraq, mapped
from analysis.io import parquet_bytes, read_events, write_events
from analysis.schema import EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "importers"
IRAQ_FILES = iraq.shipped_paths(ROOT)
PROCESSED = ROOT / "data" / "processed" / "iraq_2007_2008_events.parquet"


def by_id(events: pd.DataFrame) -> pd.DataFrame:
    return events.set_index("event_id")


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- ACLED ---------------------------------------------------------------------------------


def test_acled_iso_dates_precision_and_sides():
    events = import_events("acled", [DATA / "acled_iso.csv"], mapping=DATA / "acled_sides.yaml")
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert list(events["event_id"]) == [
        "acled:IRQ12003",
        "acled:IRQ12002",
        "acled:IRQ12001",
        "acled:IRQ12004",
    ]
    rows = by_id(events)
    strike = rows.loc["acled:IRQ12001"]
    assert strike["event_date"] == day("2024-01-23")
    assert (strike["date_start"], strike["date_end"]) == (day("2024-01-23"), day("2024-01-23"))
    assert strike["date_precision"] == "day"
    assert (strike["actor1_side"], strike["actor2_side"]) == ("US_COALITION", "IRAN_ALIGNED")
    assert strike["event_type"] == "Explosions/Remote violence"
    assert strike["sub_event_type"] == "Air/drone strike"
    assert strike["cameo_code"] == ""
    assert strike["fatalities_best"] == 2
    assert pd.isna(strike["fatalities_low"]) and pd.isna(strike["fatalities_high"])
    assert pd.isna(strike["injured_best"])
    assert strike["sources"] == "Reuters;Al Jazeera"
    assert strike["number_of_sources"] == 2
    assert (strike["latitude"], strike["longitude"]) == (34.3686, 41.0892)
    assert strike["origin"] == "acled"

    week = rows.loc["acled:IRQ12003"]
    assert week["date_precision"] == "week"
    assert (week["date_start"], week["date_end"]) == (day("2024-01-07"), day("2024-01-13"))
    assert week["actor2"] == "" and week["actor2_side"] == ""
    assert pd.isna(week["fatalities_best"])

    month = rows.loc["acled:IRQ12004"]
    assert month["date_precision"] == "month"
    assert (month["date_start"], month["date_end"]) == (day("2024-02-01"), day("2024-02-29"))


def test_acled_old_date_style_and_derived_side_codes():
    events = import_events("acled", [DATA / "acled_old_dates.csv"], lexicon=None)
    rows = by_id(events)
    first = rows.loc["acled:SYR5001"]
    assert first["event_date"] == day("2019-03-05")
    assert first["date_text"] == "05 March 2019"
    assert first["actor1_side"] == "MILITARY_FORCES_OF_RUSSIA_2000"
    assert first["actor2_side"] == "HAYAT_TAHRIR_AL_SHAM"
    assert rows.loc["acled:SYR5002", "event_date"] == day("2020-02-29")


def test_chunked_reading_gives_the_same_table():
    whole = import_events("acled", [DATA / "acled_iso.csv"], mapping=DATA / "acled_sides.yaml")
    chunked = import_events(
        "acled", [DATA / "acled_iso.csv"], mapping=DATA / "acled_sides.yaml", chunksize=1
    )
    pd.testing.assert_frame_equal(whole, chunked)


def test_convert_chunk_is_pure_and_keeps_row_order():
    frame = pd.read_csv(DATA / "acled_old_dates.csv", dtype=str, keep_default_na=False)
    spec = acled.AcledSpec(source="x.csv")
    before = frame.copy()
    out = acled.convert_chunk(frame, spec)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out["event_id"]) == ["acled:SYR5001", "acled:SYR5002"]


# --- UCDP GED ------------------------------------------------------------------------------


def test_ucdp_fatality_range_and_date_precision():
    events = import_events("ucdp", [DATA / "ucdp_ged.csv"], lexicon=None)
    rows = by_id(events)
    bombing = rows.loc["ucdp:101234"]
    assert (bombing["actor1"], bombing["actor2"]) == ("Government of Iraq", "ISI")
    assert bombing["actor1_side"] == "GOVERNMENT_OF_IRAQ"
    assert [bombing[f"fatalities_{k}"] for k in ("low", "best", "high")] == [10, 12, 15]
    assert bombing["date_precision"] == "day"
    assert bombing["event_type"] == "State-based conflict"
    assert bombing["sources"] == "Reuters;AFP" and bombing["number_of_sources"] == 2
    assert bombing["admin1"] == "Al Anbar province" and bombing["location"] == "Ramadi town"
    assert bombing["origin"] == "ucdp-ged"

    market = rows.loc["ucdp:101235"]
    assert market["date_precision"] == "month"
    assert (market["date_start"], market["date_end"]) == (day("2007-04-01"), day("2007-04-30"))
    assert market["event_date"] == day("2007-04-15")
    assert market["event_type"] == "One-sided violence"
    assert [market[f"fatalities_{k}"] for k in ("low", "best", "high")] == [20, 25, 40]

    span = rows.loc["ucdp:101236"]
    assert span["date_precision"] == "days"
    assert (span["date_start"], span["date_end"]) == (day("2007-05-03"), day("2007-05-06"))
    assert span["event_date"] == day("2007-05-04")
    assert pd.isna(span["number_of_sources"]) and span["sources"] == ""


# --- mapped CSV ----------------------------------------------------------------------------


def test_mapped_side_map_and_constants():
    events = import_events(
        "mapped", [DATA / "incidents.csv"], mapping=DATA / "incidents_mapping.yaml"
    )
    rows = by_id(events)
    assert list(events["event_id"]) == [
        "example-incidents:17",
        "example-incidents:18",
        "example-incidents:19",
    ]
    first = rows.loc["example-incidents:17"]
    assert first["event_date"] == day("2007-02-23")
    assert (first["actor1"], first["actor1_side"]) == ("Coalition", "US_COALITION")
    assert first["actor2_side"] == "CONTESTED"
    assert (first["fatalities_best"], first["injured_best"]) == (0, 1)
    assert first["country"] == "Iraq" and first["event_type"] == "Violence"
    assert first["origin"] == "example-incidents"
    assert rows.loc["example-incidents:18", "actor1_side"] == "INSURGENTS"
    assert pd.isna(rows.loc["example-incidents:18", "injured_best"])
    assert pd.isna(rows.loc["example-incidents:19", "fatalities_best"])


def test_example_mappings_are_valid():
    folder = ROOT / "data" / "mappings"
    checked = mapped.load_mapping(folder / "incidents.example.yaml")
    assert checked.columns["actor2"] == "target"
    for name in ("acled_sides.example.yaml", "ucdp_sides.example.yaml"):
        data = yaml.safe_load((folder / name).read_text())
        assert all(side.isupper() for side in data["sides"].values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(colums=m.pop("columns")), "colums: unknown key"),
        (lambda m: m["columns"].pop("date"), "columns.date: missing required key"),
        (lambda m: m["columns"].update(actor1="x"), "one of 'side' or 'actor1', not both"),
        (lambda m: m["constants"].update(actor2_side=False), "constants.actor2_side: expected"),
        (lambda m: m["constants"].update(actor1_side="US"), "actor1_side also come"),
        (lambda m: m["sides"].update(Coalition="coalition"), "is not an upper-case side code"),
    ],
)
def test_mapping_validation_names_the_problem(change, message):
    data = yaml.safe_load((DATA / "incidents_mapping.yaml").read_text())
    change(data)
    with pytest.raises(UsageError, match="invalid mapping") as err:
        mapped.check_mapping(data, "m.yaml")
    assert message in str(err.value)


# --- Iraq 2007-2008 ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iraq_events() -> pd.DataFrame:
    return import_events("iraq", IRAQ_FILES)


def test_iraq_counts_and_dates_match_the_source(iraq_events):
    sides = iraq_events["actor1_side"].value_counts()
    assert sides["US_COALITION"] == 3938
    assert sides["INSURGENTS"] == 68573
    kinds = iraq_events["sub_event_type"].value_counts().to_dict()
    assert kinds == {
        "Other": 37292,
        "Armed clash": 15680,
        "Remote explosive/landmine/IED": 15601,
        "Air/drone strike": 2446,
        "Show of force": 1492,
    }
    assert iraq_events["event_date"].min() == day("2007-02-23")
    assert iraq_events["event_date"].max() == day("2008-07-05")
    assert iraq_events["event_id"].is_unique
    assert (iraq_events["date_precision"] == "day").all()
    assert iraq_events[["fatalities_best", "injured_best"]].isna().all().all()
    coalition = iraq_events[iraq_events["actor1_side"] == "US_COALITION"]
    assert (coalition["actor2_side"] == "INSURGENTS").all()
    assert set(coalition["event_type"]) == {
        "Explosions/Remote violence",
        "Strategic developments",
    }


def test_iraq_event_ids_are_row_based(iraq_events):
    first = iraq_events.iloc[0]
    assert first["event_id"] == "iraq:2007-02-23:A:000001"
    assert first["sub_event_type"] == "Air/drone strike"
    assert (first["longitude"], first["latitude"]) == (43.4594, 33.4442)
    assert "iraq:2007-02-23:I:000001" in set(iraq_events["event_id"])


def test_committed_iraq_table_is_not_stale(iraq_events, tmp_path):
    fresh = tmp_path / "fresh.parquet"
    write_events(iraq_events, fresh)
    assert fresh.read_bytes() == PROCESSED.read_bytes(), (
        "data/processed/iraq_2007_2008_events.parquet is stale: rebuild it with "
        "escalation import --format iraq (see data/external/iraq-2007-2008/README.md)"
    )
    pd.testing.assert_frame_equal(read_events(PROCESSED), read_events(fresh))


def test_outputs_are_byte_identical_on_rewrite(iraq_events, tmp_path):
    sample = iraq_events.iloc[::500]
    assert parquet_bytes(sample) == parquet_bytes(sample.copy())
    for suffix in ("csv", "csv.gz"):
        one, two = tmp_path / f"one.{suffix}", tmp_path / f"two.{suffix}"
        write_events(sample, one)
        write_events(sample, two)
        assert one.read_bytes() == two.read_bytes()
    assert (
        gzip.decompress((tmp_path / "one.csv.gz").read_bytes())
        == (tmp_path / "one.csv").read_bytes()
    )


def test_csv_output_reads_back_with_read_events(tmp_path):
    events = import_events("ucdp", [DATA / "ucdp_ged.csv"])
    out = tmp_path / "events.csv"
    write_events(events, out)
    back = read_events(out)
    assert list(back["event_id"]) == list(events["event_id"])
    assert list(back["fatalities_high"]) == [15, 40, 3]
    assert back["date_end"].iloc[1] == day("2007-04-30")


# --- the command and its errors ------------------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = main(["import", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_cli_writes_the_table(tmp_path, capsys):
    out = tmp_path / "acled.parquet"
    code, text = run_cli(
        capsys, "--format", "acled", DATA / "acled_old_dates.csv", "--out", out,
        "--mapping", DATA / "acled_sides.yaml", "--origin", "acled-syria",
    )  # fmt: skip
    assert code == 0 and "wrote 2 events (2019-03-05 to 2020-02-29)" in text
    back = read_events(out)
    assert set(back["origin"]) == {"acled-syria"}
    assert list(back["actor1_side"]) == ["RUSSIA", "HTS"]
    assert back["event_date"].is_monotonic_increasing


def test_cli_keeps_date_intervals(tmp_path, capsys):
    out = tmp_path / "acled.csv"
    code, text = run_cli(
        capsys, "--format", "acled", DATA / "acled_iso.csv", "--out", out,
        "--mapping", DATA / "acled_sides.yaml",
    )  # fmt: skip
    assert code == 0 and "wrote 4 events (2024-01-10 to 2024-02-15)" in text
    back = read_events(out)
    assert list(back["date_precision"]) == ["week", "day", "day", "month"]
    assert back["date_end"].iloc[-1] == day("2024-02-29")


@pytest.mark.parametrize(
    ("fmt", "inputs", "mapping"),
    [
        ("acled", ["acled_iso.csv"], "acled_sides.yaml"),
        ("acled", ["acled_old_dates.csv"], None),
        ("ucdp", ["ucdp_ged.csv"], None),
        ("mapped", ["incidents.csv"], "incidents_mapping.yaml"),
    ],
)
def test_imports_pass_the_event_schema(fmt, inputs, mapping):

    events = import_events(
        fmt, [DATA / name for name in inputs], mapping=DATA / mapping if mapping else None
    )
    checks.validate_events(events)


def test_iraq_table_passes_the_event_schema(iraq_events):

    checks.validate_events(iraq_events)


def test_without_a_side_map_the_lexicon_decides_sides(tmp_path):
    lexicon = write(
        tmp_path / "actors.csv",
        "# actors\nactor,side,role,specific,aliases\n"
        "Kataib Hezbollah,IRAN_ALIGNED,any,yes,Kataib Hezbollah;KH\n"
        "United States,US_COALITION,any,yes,United States;US forces\n",
    )
    events = by_id(import_events("acled", [DATA / "acled_iso.csv"], lexicon=lexicon))
    strike = events.loc["acled:IRQ12001"]
    assert strike["actor2_side"] == "IRAN_ALIGNED"
    assert strike["actor1_side"] == "MILITARY_FORCES_OF_THE_UNITED_STATES_2021"
    bare = by_id(import_events("acled", [DATA / "acled_iso.csv"], lexicon=None))
    assert bare.loc["acled:IRQ12001", "actor2_side"] == "KATAIB_HEZBOLLAH"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


IRAQ_HEADER = "date,longitude,latitude,type\n"


def ged_text() -> str:
    return (DATA / "ucdp_ged.csv").read_text(encoding="utf-8")


def acled_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA / "acled_iso.csv").read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path / "acled_bad.csv", text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("make_input", "fmt", "extra", "expected"),
    [
        (
            lambda d: acled_with(d, ",fatalities,", ",deaths,"),
            "acled",
            [],
            ["acled_bad.csv", "missing column(s) fatalities", "--format acled"],
        ),
        (
            lambda d: acled_with(d, "IRQ12002,2024-01-20", "IRQ12002,2024-01-32"),
            "acled",
            [],
            ["acled_bad.csv, line 3, column event_date", "'2024-01-32'"],
        ),
        (
            lambda d: DATA / "acled_iso.csv",
            "acled",
            ["--mapping", DATA / "acled_sides_partial.yaml"],
            ["no side", "'Kataib Hezbollah'", "'Unidentified Armed Group (Iraq)'", "add them"],
        ),
        (
            lambda d: write(d / "empty.csv", ""),
            "acled",
            [],
            ["empty.csv: the file is empty"],
        ),
        (
            lambda d: write(d / "header.csv", IRAQ_HEADER),
            "iraq",
            [],
            ["header.csv: the file has a header but no rows"],
        ),
        (
            lambda d: DATA / "ucdp_ged.csv",
            "acled",
            [],
            ["ucdp_ged.csv: missing column(s)", "looks like --format ucdp"],
        ),
        (
            lambda d: write(d / "iraq.csv", IRAQ_HEADER + "2007-02-30,44,33,IED\n"),
            "iraq",
            [],
            ["iraq.csv, line 2, column date", "'2007-02-30'"],
        ),
        (
            lambda d: write(d / "iraq.csv", IRAQ_HEADER + "2007-02-23,44,33,VBIED\n"),
            "iraq",
            [],
            ["iraq.csv, line 2, column type", "'VBIED'"],
        ),
        (
            lambda d: write(d / "ged.csv", ged_text().replace(",12,15,10,", ",12,15,x,")),
            "ucdp",
            [],
            ["ged.csv, line 2, column low", "'x'", "whole number"],
        ),
    ],
    ids=[
        "missing-column",
        "bad-date",
        "unmapped-side",
        "empty-file",
        "header-only",
        "wrong-format",
        "impossible-date",
        "unknown-type",
        "bad-number",
    ],
)  # fmt: skip
def test_bad_inputs_exit_2_and_write_nothing(tmp_path, capsys, make_input, fmt, extra, expected):
    source = make_input(tmp_path)
    out = tmp_path / "out.parquet"
    code, text = run_cli(capsys, "--format", fmt, source, "--out", out, *extra)
    assert code == 2
    assert text.startswith("escalation import: error:")
    for fragment in expected:
        assert fragment in text
    assert not out.exists()
    assert not list(tmp_path.glob(".out.parquet.*"))


def test_unmapped_sides_are_collected_over_all_chunks(tmp_path):
    side_file = tmp_path / "sides.yaml"
    side_file.write_text(
        yaml.safe_dump({"sides": {"Kataib Hezbollah": "IRAN_ALIGNED"}}), encoding="utf-8"
    )
    with pytest.raises(UsageError) as err:
        import_events("acled", [DATA / "acled_iso.csv"], mapping=side_file, chunksize=1)
    message = str(err.value)
    assert "2 value(s)" in message
    assert "'Military Forces of the United States (2021-)'" in message
    assert "'Unidentified Armed Group (Iraq)'" in message


def test_mapped_needs_a_mapping_and_its_columns(tmp_path):
    with pytest.raises(UsageError, match="needs --mapping"):
        import_events("mapped", [DATA / "incidents.csv"])
    data = yaml.safe_load((DATA / "incidents_mapping.yaml").read_text())
    data["columns"]["location"] = "town"
    bad = tmp_path / "m.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(UsageError, match=r"incidents.csv: missing column\(s\) town"):
        import_events("mapped", [DATA / "incidents.csv"], mapping=bad)


def test_unknown_output_suffix_is_refused_before_reading(tmp_path, capsys):
    out = tmp_path / "events.txt"
    code, text = run_cli(capsys, "--format", "ucdp", tmp_path / "absent.csv", "--out", out)
    assert code == 2
    assert "events.txt: the output must end in .parquet, .csv.gz, .csv" in text
    assert not out.exists()


def test_same_file_twice_is_refused():
    with pytest.raises(UsageError, match="occur more than once"):
        import_events("ucdp", [DATA / "ucdp_ged.csv", DATA / "ucdp_ged.csv"])
