"""Seeded mutations of real inputs: whatever is done to the bytes, every command ends with
exit status 0 or 2 and a message, never a traceback.

The mutations (byte flips, truncations, huge numbers, odd dates, other encodings, control
characters, extra fields) are applied with a fixed seed to the seed corpus and to each
importer's fixture, and the command line runs in this process, so a few hundred cases take
seconds rather than minutes.
"""

from __future__ import annotations

import gzip
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.commands import main
from analysis.importers import gdelt

ROOT = Path(__file__).resolve().parents[1]
IMPORTERS = ROOT / "tests" / "data" / "importers"
SEED = 20261130
CORPUS_CASES = 120
IMPORT_CASES = 30  # per format

_NUMBER = re.compile(rb"\d+")
_DATE = re.compile(rb"\d{4}-\d{2}-\d{2}|\d{8}|\d{2}/\d{2}/\d{4}")
HUGE = [b"99999999999999999999", b"18446744073709551616", b"-9223372036854775809", b"1e308"]
DATES = [b"2999-01-01", b"0000-00-00", b"1850-02-30", b"1677-09-21", b"29990101", b"31/02/2999"]


def flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def huge_number(data: bytes, rng: random.Random) -> bytes:
    found = list(_NUMBER.finditer(data))
    if not found:
        return data + b" " + rng.choice(HUGE)
    m = rng.choice(found)
    return data[: m.start()] + rng.choice(HUGE) + data[m.end() :]


def odd_date(data: bytes, rng: random.Random) -> bytes:
    found = list(_DATE.finditer(data))
    if not found:
        return flip(data, rng)
    m = rng.choice(found)
    return data[: m.start()] + rng.choice(DATES) + data[m.end() :]


def encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    choice = rng.randrange(5)
    if choice == 0:
        return text.encode("utf-16")
    if choice == 1:
        return text.replace("e", "é").encode("latin-1", errors="replace")
    if choice == 2:
        return b"\xef\xbb\xbf" + data
    if choice == 3:
        return data.replace(b"\n", b"\r\n")
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"\xc3\x28\xa0\xa1" + data[i:]


def control(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"\x00", b"\x07", b"\x1b[0m", b"\x0c", b"\x7f"]) + data[i:]


def extra_field(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + rng.choice([b",surplus", b",,", b'"', b"\t1"])
    return b"\n".join(lines)


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    flip,
    truncate,
    huge_number,
    odd_date,
    encoding,
    control,
    extra_field,
]


def call(args: list[str], capsys) -> tuple[int, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exit_:  # argparse, before any work
        code = exit_.code
    err = capsys.readouterr().err
    return code, err


def assert_clean(code, err, label):
    assert code in (0, 2), (label, code, err[-2000:])
    assert "Traceback" not in err, label
    if code == 2:
        assert "error: " in err, (label, err)


def test_mutated_corpus_never_gives_a_traceback(tmp_path, capsys):
    rng = random.Random(SEED)
    seed_articles = sorted((ROOT / "data" / "raw" / "articles").glob("*.txt"))
    statuses = []
    for case in range(CORPUS_CASES):
        work = tmp_path / f"case{case}"
        articles = work / "articles"
        shutil.copytree(ROOT / "data" / "raw" / "articles", articles)
        metadata = work / "articles.csv"
        shutil.copy2(ROOT / "data" / "raw" / "articles.csv", metadata)
        target = metadata if rng.random() < 0.4 else articles / rng.choice(seed_articles).name
        mutation = rng.choice(MUTATIONS)
        target.write_bytes(mutation(target.read_bytes(), rng))
        skip = rng.random() < 0.5
        args = ["events", "--articles", articles, "--metadata", metadata]
        args += ["--out", work / "out", "--no-overrides", "--no-cache"]
        args += ["--skip-bad"] if skip else []
        code, err = call(args, capsys)
        assert_clean(code, err, f"case {case}: {mutation.__name__} of {target.name}")
        statuses.append(code)
        shutil.rmtree(work)
    # Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert statuses.count(0) > 10 and statuses.count(2) > 10


def gdelt_export() -> bytes:
    rows = []
    for event_id, date in ((101, "20071231"), (102, "20080103"), (103, "20080104")):
        values = dict.fromkeys(gdelt.GDELT_COLUMNS, "")
        values.update(
            GLOBALEVENTID=str(event_id),
            SQLDATE=date,
            EventCode="190",
            EventBaseCode="190",
            EventRootCode="19",
            QuadClass="4",
            NumSources="2",
            Actor1Name="UNITED STATES",
            Actor1CountryCode="USA",
            Actor1Type1Code="MIL",
            Actor2Name="IRAQ",
            Actor2CountryCode="IRQ",
            ActionGeo_FullName="Baghdad, Baghdad, Iraq",
            ActionGeo_CountryCode="IZ",
            ActionGeo_Lat="33.34",
            ActionGeo_Long="44.39",
            DATEADDED="20080106000000",
        )
        rows.append("\t".join(values[c] for c in gdelt.GDELT_COLUMNS))
    return ("\n".join(rows) + "\n").encode()


def iraq_export() -> bytes:
    with gzip.open(ROOT / "data/external/iraq-2007-2008/airstrikes.csv.gz", "rb") as handle:
        return b"".join(handle.readline() for _ in range(40))


FIXTURES = {
    "acled": ("acled.csv", lambda: (IMPORTERS / "acled_iso.csv").read_bytes(), []),
    "ucdp": ("ucdp.csv", lambda: (IMPORTERS / "ucdp_ged.csv").read_bytes(), []),
    "mapped": (
        "incidents.csv",
        lambda: (IMPORTERS / "incidents.csv").read_bytes(),
        ["--mapping", IMPORTERS / "incidents_mapping.yaml"],
    ),
    "iraq": ("airstrikes.csv.gz", iraq_export, []),
    "gdelt": ("20080106.export.CSV", gdelt_export, []),
}


@pytest.mark.parametrize("fmt", sorted(FIXTURES))
def test_mutated_imports_never_give_a_traceback(tmp_path, capsys, fmt):
    name, fixture, extra = FIXTURES[fmt]
    original = fixture()
    rng = random.Random(f"{SEED}-{fmt}")
    for case in range(IMPORT_CASES):
        mutation = rng.choice(MUTATIONS)
        data = mutation(original, rng)
        path = tmp_path / name
        path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
        if name.endswith(".gz") and rng.random() < 0.3:
            path.write_bytes(mutation(path.read_bytes(), rng))  # damage the archive itself
        out = tmp_path / ("dataset" if fmt == "gdelt" and case % 2 else "events.parquet")
        skip = ["--skip-bad"] if rng.random() < 0.5 else []
        code, err = call(["import", "--format", fmt, path, "--out", out, *extra, *skip], capsys)
        assert_clean(code, err, f"{fmt} case {case}: {mutation.__name__}")
