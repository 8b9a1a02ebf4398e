"""Hostile and broken inputs: every one ends in exit status 2 with one message naming the
file, the line and the field and saying what to do, never a traceback, and earlier outputs
stay byte-identical; under ``--skip-bad`` the same inputs are set aside in a rejected table
while the rest is built."""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
from pathlib import Path

import pytest

from analysis.commands import main
from analysis.events.build import FILES

ROOT = Path(__file__).resolve().parents[1]
IMPORTERS = ROOT / "tests" / "data" / "importers"
HEADER = "article_id,file,outlet,title,author,published,url\n"
GOOD_TEXT = "Headline\n\nA US drone strike killed three fighters in Baghdad on Tuesday.\n"
GOOD_ROW = "good,good.txt,Outlet,Title,Author,2024-07-31,"


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (relative path -> bytes)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def run(capsys, *args: str) -> tuple[int, str]:
    """Run the command line in this process; return the status and stderr."""
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("escalation ")]


def assert_one_message(err: str, command: str, *parts: str) -> None:
    """One error message from ``command`` holding every part (file, line, field, remedy)."""
    messages = error_lines(err)
    assert len(messages) == 1, err
    assert messages[0].startswith(f"escalation {command}: error: ")
    for part in parts:
        assert part in err, (part, err)


def read_rejected(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- events ----------------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path):
    """A one-article corpus that builds, and an output folder holding its tables."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    metadata = tmp_path / "articles.csv"
    metadata.write_text(HEADER + GOOD_ROW + "\n", encoding="utf-8")
    out = tmp_path / "out"
    return articles, metadata, out


def events(capsys, articles, metadata, out, *extra):
    return run(
        capsys,
        "events",
        "--articles",
        articles,
        "--metadata",
        metadata,
        "--out",
        out,
        "--no-overrides",
        "--no-cache",
        *extra,
    )


def add_article(articles: Path, metadata: Path, row: str, name: str, data: bytes) -> None:
    if name:
        (articles / name).write_bytes(data)
    with metadata.open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")


def check_events_case(
    capsys, corpus, row, name, data, field, hint, line="line 3", setup=lambda: None
):
    """Exit 2 with one message, outputs unchanged; then ``--skip-bad`` sets it aside."""
    articles, metadata, out = corpus
    code, err = events(capsys, articles, metadata, out)
    assert code == 0, err
    before = snapshot(out)
    setup()
    add_article(articles, metadata, row, name, data)
    code, err = events(capsys, articles, metadata, out)
    assert code == 2
    assert_one_message(err, "events", line, f"field {field}", hint)
    assert snapshot(out) == before

    code, err = events(capsys, articles, metadata, out, "--skip-bad")
    assert code == 0, err
    assert "1 bad input(s) set aside" in err
    rejected = read_rejected(out / "rejected.csv")
    assert [(r["field"], f"line {r['line']}") for r in rejected] == [(field, line)]
    assert hint in rejected[0]["reason"]
    # The good article is still built, exactly as before.
    assert {k: v for k, v in snapshot(out).items() if k != "rejected.csv"} == before


OUTSIDE_CASES = {
    "parent": ("bad,../secret.txt,O,T,A,2024-07-31,", "", b""),
    "absolute": ("bad,{secret},O,T,A,2024-07-31,", "", b""),
    "nested-parent": ("bad,sub/../../secret.txt,O,T,A,2024-07-31,", "", b""),
}


@pytest.mark.parametrize("case", sorted(OUTSIDE_CASES))
def test_class1_article_paths_cannot_leave_the_folder(capsys, corpus, case):
    articles, metadata, _ = corpus
    secret = articles.parent / "secret.txt"
    secret.write_text("Headline\n\nA US airstrike killed 7 people in Erbil on Monday.\n")
    row, name, data = OUTSIDE_CASES[case]
    check_events_case(
        capsys, corpus, row.format(secret=secret), name, data, "file", "inside the articles"
    )


def test_class1_a_symlink_out_of_the_folder_is_refused(capsys, corpus):
    articles, metadata, _ = corpus
    secret = articles.parent / "secret.txt"
    secret.write_text("Headline\n\nA US airstrike killed 7 people in Erbil on Monday.\n")
    check_events_case(
        capsys,
        corpus,
        "bad,link.txt,O,T,A,2024-07-31,",
        "",
        b"",
        "file",
        "inside the articles",
        setup=lambda: (articles / "link.txt").symlink_to(secret),
    )


def test_seed_corpus_with_a_file_outside_leaks_nothing(capsys, tmp_path):
    """The seed corpus, one row pointing outside: nothing of that file in any output."""
    articles = tmp_path / "raw" / "articles"
    shutil.copytree(ROOT / "data" / "raw" / "articles", articles)
    metadata = tmp_path / "raw" / "articles.csv"
    shutil.copy2(ROOT / "data" / "raw" / "articles.csv", metadata)
    marker = "Zanzibarian"
    secret = tmp_path / "secret.txt"
    secret.write_text(
        f"Headline\n\nA US airstrike killed 9 {marker} fighters in Baghdad on Tuesday.\n"
    )
    with metadata.open("a", encoding="utf-8") as handle:
        handle.write(f"leak,{secret},O,{marker} title,A,2024-07-31,,\n")
        handle.write(f"leak2,../../secret.txt,O,{marker} title,A,2024-07-31,,\n")
    out = tmp_path / "out"
    code, _ = events(capsys, articles, metadata, out)
    assert code == 2
    assert not out.exists() or snapshot(out) == {}
    code, err = events(capsys, articles, metadata, out, "--skip-bad")
    assert code == 0, err
    outputs = snapshot(out)
    assert set(outputs) == {*FILES, "rejected.csv"}
    for name in FILES:
        assert marker.encode() not in outputs[name]
        assert b"leak" not in outputs[name]
    # The rest of the seed corpus is built as if the rows were not there.
    for name in FILES:
        assert outputs[name] == (ROOT / "data" / "processed" / name).read_bytes() or (
            name != "events.csv"
        )


CONTENT_CASES = {
    # class 4: numbers beyond 64 bits in the text
    "huge-number": (
        b"Headline\n\nA US airstrike killed 99999999999999999999 people in Baghdad on Tuesday.\n",
        "text",
        "line 3",
        "64 bits",
    ),
    # class 5: control and NUL characters
    "nul": (
        b"Headline\n\nA US airstrike\x00 killed 3 in Baghdad.\n",
        "text",
        "line 3",
        "remove it",
    ),
    "bell": (b"Headline\n\nA US \x07airstrike killed 3.\n", "text", "line 3", "remove it"),
    "escape": (b"Headline\n\x1b[31mred\n", "text", "line 2", "remove it"),
    # class 5: implausible counts and dates read from the text
    "count": (
        b"Headline\n\nA US airstrike killed 2000000 people in Baghdad on Tuesday.\n",
        "killed_low",
        "line 3",
        "correct the text",
    ),
    "future-date": (
        b"Headline\n\nA US drone strike killed 3 Kataib Hezbollah fighters in Baghdad on "
        b"March 5, 2031.\n",
        "date_start",
        "line 3",
        "correct the text",
    ),
    "not-utf8": (b"Headline\n\nA US strike \xff\xfe killed 3.\n", "text", "line 3", "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CONTENT_CASES))
def test_class4_5_bad_article_text(capsys, corpus, case):
    data, field, line, hint = CONTENT_CASES[case]
    articles, metadata, out = corpus
    code, err = events(capsys, articles, metadata, out)
    assert code == 0, err
    before = snapshot(out)
    add_article(articles, metadata, "bad,bad.txt,O,T,A,2024-07-31,", "bad.txt", data)
    code, err = events(capsys, articles, metadata, out)
    assert code == 2
    assert_one_message(err, "events", "bad.txt", line, f"field {field}", hint)
    assert snapshot(out) == before
    code, err = events(capsys, articles, metadata, out, "--skip-bad")
    assert code == 0, err
    rejected = read_rejected(out / "rejected.csv")
    assert len(rejected) == 1 and rejected[0]["field"] == field
    assert rejected[0]["file"].endswith("bad.txt")
    assert {k: v for k, v in snapshot(out).items() if k != "rejected.csv"} == before


ROW_CASES = {
    "extra-field": ("bad,bad.txt,O,T,A,2024-07-31,,surplus,more", "row", "quote values"),
    "before-1900": ("bad,bad.txt,O,T,A,1850-01-01,", "published", "correct the date"),
    "future": ("bad,bad.txt,O,T,A,2999-01-01,", "published", "in the future"),
    "duplicate-id": ("good,bad.txt,O,T,A,2024-07-31,", "article_id", "must be unique"),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_class5_bad_metadata_rows(capsys, corpus, case):
    row, field, hint = ROW_CASES[case]
    check_events_case(capsys, corpus, row, "bad.txt", GOOD_TEXT.encode(), field, hint)


def test_class5_byte_order_mark_is_not_a_missing_column(capsys, corpus):
    articles, metadata, out = corpus
    metadata.write_bytes(b"\xef\xbb\xbf" + metadata.read_bytes())
    code, err = events(capsys, articles, metadata, out)
    assert code == 0, err


def test_class4_huge_number_in_overrides(capsys, corpus, tmp_path):
    articles, metadata, out = corpus
    code, err = events(capsys, articles, metadata, out)
    assert code == 0
    before = snapshot(out)
    event_id = (out / "events.csv").read_text().splitlines()[1].split(",")[0]
    overrides = tmp_path / "overrides.csv"
    for value in ("99999999999999999999", "2000000"):
        overrides.write_text(
            f"target_id,field,value,reason\n{event_id},fatalities_best,{value},typo\n"
        )
        code, err = run(
            capsys,
            "events",
            "--articles",
            articles,
            "--metadata",
            metadata,
            "--out",
            out,
            "--overrides",
            overrides,
            "--no-cache",
        )
        assert code == 2
        assert "overrides.csv" in err and "fatalities_best" in err and "from 0 to" in err
        assert snapshot(out) == before


def test_class2_events_never_write_over_inputs(capsys, corpus, tmp_path):
    articles, metadata, out = corpus
    # A metadata file named like an output, in the output folder.
    out.mkdir()
    own = out / "events.csv"
    shutil.copy2(metadata, own)
    before = own.read_bytes()
    code, err = events(capsys, articles, own, out)
    assert code == 2
    assert_one_message(err, "events", "would write over the input", "choose another output")
    assert own.read_bytes() == before
    # Into the articles folder itself.
    code, err = events(capsys, articles, metadata, articles)
    assert code == 2
    assert "inside the input folder" in err
    assert sorted(p.name for p in articles.iterdir()) == ["good.txt"]


@pytest.mark.parametrize("command", ["events", "atlas", "reports", "import"])
def test_class4_out_that_is_a_file(capsys, tmp_path, corpus, command):
    articles, metadata, _ = corpus
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"keep me")
    args = {
        "events": ["events", "--articles", articles, "--metadata", metadata, "--out", blocker],
        "atlas": ["atlas", "--events", ROOT / "tests/data/reporting/events.csv", "--out", blocker],
        "reports": ["reports", "--config", ROOT / "reports.yml", "--out", blocker],
        "import": [
            "import",
            "--format",
            "acled",
            IMPORTERS / "acled_iso.csv",
            "--out",
            blocker / "x.csv",
        ],
    }[command]
    code, err = run(capsys, *args)
    assert code == 2
    assert_one_message(err, command, str(blocker), "is a file")
    assert blocker.read_bytes() == b"keep me"


# --- import ----------------------------------------------------------------------------


def acled_lines() -> list[str]:
    return (IMPORTERS / "acled_iso.csv").read_text(encoding="utf-8").splitlines()


def spoil(line: str, column: str, value: str, header: str) -> str:
    """``line`` with the CSV value of ``column`` replaced by ``value``."""
    names = next(csv.reader([header]))
    values = next(csv.reader([line]))
    values[names.index(column)] = value
    sink = io.StringIO()
    csv.writer(sink, lineterminator="").writerow(values)
    return sink.getvalue()


IMPORT_CASES = {
    "year-2999": ("event_date", "2999-01-23", "from 1900-01-01 to today"),
    "year-1850": ("event_date", "1850-01-23", "from 1900-01-01 to today"),
    "huge-count": ("fatalities", "99999999999999999999", "<= 1e+06"),
    "count-above-bound": ("fatalities", "2000000", "<= 1e+06"),
    "latitude": ("latitude", "91.5", "<= 90"),
    "not-a-date": ("event_date", "2024-02-30", "expected a date"),
}


def write_acled(path: Path, lines: list[str], gz: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


@pytest.mark.parametrize("case", sorted(IMPORT_CASES))
def test_class4_5_import_bad_values(capsys, tmp_path, case):
    column, value, hint = IMPORT_CASES[case]
    lines = acled_lines()
    out = tmp_path / "events.csv"
    good = write_acled(tmp_path / "good.csv", lines)
    assert run(capsys, "import", "--format", "acled", good, "--out", out)[0] == 0
    before = snapshot(tmp_path)
    lines[2] = spoil(lines[2], column, value, lines[0])
    bad = write_acled(tmp_path / "bad.csv", lines)
    before["bad.csv"] = bad.read_bytes()
    code, err = run(capsys, "import", "--format", "acled", bad, "--out", out)
    assert code == 2
    assert_one_message(err, "import", "bad.csv", "line 3", f"column {column}", hint, "--skip-bad")
    assert snapshot(tmp_path) == before

    code, err = run(capsys, "import", "--format", "acled", bad, "--out", out, "--skip-bad")
    assert code == 0, err
    assert "1 bad record(s) set aside" in err
    rejected = read_rejected(tmp_path / "events.csv.rejected.csv")
    assert [(r["line"], r["field"]) for r in rejected] == [("3", column)]
    assert len((tmp_path / "events.csv").read_text().splitlines()) == len(lines) - 1


def test_class4_5_import_broken_files(capsys, tmp_path):
    lines = acled_lines()
    out = tmp_path / "events.csv"
    out.write_bytes(b"earlier output")
    cases = {
        "bad-utf8.csv": ("\n".join(lines[:2]) + "\n").encode() + b"X\xff,\xfe\n",
        "extra-field.csv": (
            "\n".join([*lines[:2], lines[2] + ",surplus", *lines[3:]]) + "\n"
        ).encode(),
        "truncated.csv.gz": gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)[:-20],
        "nul.csv": ("\n".join(lines[:2]) + "\n").encode() + lines[2].encode().replace(b"2", b"\0"),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        code, err = run(capsys, "import", "--format", "acled", path, "--out", out)
        assert code == 2, name
        assert_one_message(err, "import", name, "line")
        assert out.read_bytes() == b"earlier output"
    # The ones that leave good records set the bad one aside.
    for name in ("bad-utf8.csv", "extra-field.csv"):
        code, err = run(
            capsys, "import", "--format", "acled", tmp_path / name, "--out", out, "--skip-bad"
        )
        assert code == 0, (name, err)
        rejected = read_rejected(tmp_path / "events.csv.rejected.csv")
        assert [r["line"] for r in rejected] == ["3"], name


def test_class2_import_never_writes_over_its_input(capsys, tmp_path):
    source = write_acled(tmp_path / "export.csv", acled_lines())
    before = source.read_bytes()
    code, err = run(capsys, "import", "--format", "acled", source, "--out", source)
    assert code == 2
    assert_one_message(err, "import", "would write over the input", "choose another output")
    assert source.read_bytes() == before
    # A dataset folder that holds the input would be replaced as a whole.
    folder = tmp_path / "dataset"
    folder.mkdir()
    inside = write_acled(folder / "export.csv", acled_lines())
    code, err = run(capsys, "import", "--format", "acled", inside, "--out", folder)
    assert code == 2
    assert "lies inside it" in err
    assert inside.read_bytes() == before


# --- atlas and reports -----------------------------------------------------------------


def events_table(tmp_path: Path, edit=None) -> Path:
    lines = (ROOT / "tests/data/reporting/events.csv").read_text().splitlines()
    if edit:
        lines = edit(lines)
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def atlas(capsys, events_path, out):
    return run(
        capsys,
        "atlas",
        "--events",
        events_path,
        "--out",
        out,
        "--no-hawkes",
        "--n-perm",
        "9",
        "--n-boot",
        "9",
        "--min-events",
        "1",
    )


ATLAS_CASES = {
    "bad-date": (
        lambda ls: [ls[0], ls[1].replace("2024-01-02", "2024-13-45"), *ls[2:]],
        "line 2, field event_date",
    ),
    "year-2999": (
        lambda ls: [ls[0], ls[1].replace("2024-01-02", "2999-01-02"), *ls[2:]],
        "line 2, field event_date",
    ),
    "no-sides": (
        lambda ls: [",".join(c for c in ls[0].split(",") if "side" not in c)] + ls[1:2],
        "line 1, field header",
    ),
}


@pytest.mark.parametrize("case", sorted(ATLAS_CASES))
def test_class4_5_atlas_bad_event_tables(capsys, tmp_path, case):
    edit, where = ATLAS_CASES[case]
    out = tmp_path / "out"
    good = events_table(tmp_path)
    assert atlas(capsys, good, out)[0] == 0
    before = snapshot(out)
    bad = events_table(tmp_path, edit)
    code, err = atlas(capsys, bad, out)
    assert code == 2
    assert_one_message(err, "atlas", "events.csv", where)
    assert snapshot(out) == before


def test_class2_atlas_never_writes_over_its_input(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    source = out / "atlas.csv"
    shutil.copy2(ROOT / "tests/data/reporting/events.csv", source)
    before = source.read_bytes()
    code, err = atlas(capsys, source, out)
    assert code == 2
    assert "would write over the input" in err
    assert source.read_bytes() == before


def test_class4_reports_events_without_columns(capsys, tmp_path):
    events_path = tmp_path / "events.csv"
    events_path.write_text("event_id,when\ne1,2024-01-01\n")
    config = tmp_path / "reports.yml"
    notebook = ROOT / "tests/data/reporting/notebooks/02_toy_gaps.ipynb"
    config.write_text(
        f"- name: toy\n  title: Toy\n  events: {events_path}\n  notebooks: [{notebook}]\n"
        "  labels: {A: Side A, B: Side B}\n  parameters: {side_a: A, side_b: B}\n"
    )
    out = tmp_path / "out"
    code, err = run(capsys, "reports", "--config", config, "--out", out)
    assert code == 2
    assert_one_message(err, "reports", "events.csv", "line 1, field header", "event_date")


def test_class2_reports_never_write_over_the_config(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    config = out / "index.html"
    config.write_text("- name: x\n")
    code, err = run(capsys, "reports", "--config", config, "--out", out)
    assert code == 2
    assert "would write over the input" in err
    assert config.read_text() == "- name: x\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_class4_out_not_writable(capsys, tmp_path, corpus):
    articles, metadata, _ = corpus
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, err = events(capsys, articles, metadata, locked / "out")
        assert code == 2
        assert "is not writable" in err
    finally:
        locked.chmod(0o700)


SHARD_CASES = {
    "year-2999": ({"published": "2999-01-01"}, "field published", "in the future"),
    "year-1850": ({"published": "1850-01-01"}, "field published", "correct the date"),
    "nul": ({"text": "A US airstrike\u0000 killed 3 in Baghdad."}, "field text", "remove it"),
    "huge": (
        {"text": "A US airstrike killed 99999999999999999999 in Baghdad."},
        "field text",
        "64 bits",
    ),
}


@pytest.mark.parametrize("case", sorted(SHARD_CASES))
def test_class4_5_bad_shard_rows(capsys, tmp_path, case):
    import json

    change, field, hint = SHARD_CASES[case]
    row = {
        "article_id": "a1",
        "outlet": "O",
        "title": "T",
        "author": "",
        "published": "2024-07-31",
        "url": "",
        "text": GOOD_TEXT,
    }
    shard = tmp_path / "part-0.jsonl"
    shard.write_text(json.dumps(row) + "\n" + json.dumps({**row, "article_id": "a2", **change}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.csv").write_bytes(b"earlier")
    code, err = run(
        capsys, "events", "--shards", shard, "--out", out, "--no-overrides", "--no-cache"
    )
    assert code == 2
    assert_one_message(err, "events", "part-0.jsonl line 2", field, hint)
    assert snapshot(out) == {"events.csv": b"earlier"}


@pytest.mark.slow
def test_skip_bad_on_a_local_dask_cluster(capsys, corpus, tmp_path):
    """The same bad article is set aside on Dask, giving the in-process bytes."""
    articles, metadata, out = corpus
    add_article(articles, metadata, "bad,bad.txt,O,T,A,2024-07-31,", "bad.txt", b"A\x00B.\n")
    code, err = events(capsys, articles, metadata, out, "--skip-bad")
    assert code == 0, err
    in_process = snapshot(out)
    dask_out = tmp_path / "dask"
    code, err = events(
        capsys, articles, metadata, dask_out, "--skip-bad", "--scheduler", "local", "--workers", "1"
    )
    assert code == 0, err
    assert "1 bad input(s) set aside" in err
    assert snapshot(dask_out) == in_process
    assert [r["field"] for r in read_rejected(dask_out / "rejected.csv")] == ["text"]


def test_class5_overrides_extra_fields_and_byte_order_mark(capsys, corpus, tmp_path):
    articles, metadata, out = corpus
    assert events(capsys, articles, metadata, out)[0] == 0
    before = snapshot(out)
    event_id = (out / "events.csv").read_text().splitlines()[1].split(",")[0]
    overrides = tmp_path / "overrides.csv"
    common = ["events", "--articles", articles, "--metadata", metadata, "--out", out]
    common += ["--overrides", overrides, "--no-cache"]
    overrides.write_text(f"target_id,field,value,reason\n{event_id},weapon,rocket,a, b\n")
    code, err = run(capsys, *common)
    assert code == 2
    assert_one_message(err, "events", "overrides.csv line 2", "more than the header", "quote")
    assert snapshot(out) == before
    overrides.write_bytes(
        b"\xef\xbb\xbf" + f"target_id,field,value,reason\n{event_id},weapon,rocket,seen\n".encode()
    )
    code, err = run(capsys, *common)
    assert code == 0, err
    assert ",rocket," in (out / "events.csv").read_text()
