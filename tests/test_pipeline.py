"""``escalation events``: bad inputs, atomic writes, determinism, committed outputs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

import analysis.io
from analysis.commands import main
from analysis.events.build import FILES, csv_bytes, tables_from_extractions, write_tables
from analysis.records import Aggregate, Extraction, Mention

ROOT = Path(__file__).resolve().parents[1]
HEADER = "article_id,file,outlet,title,author,published,url\n"
GOOD_ROW = "a1,one.txt,Outlet,Title,Author,2024-07-30,"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def out(tmp_path) -> Path:
    """An output directory holding earlier results that a failed run must not touch."""
    directory = tmp_path / "out"
    directory.mkdir()
    for name in FILES:
        (directory / name).write_bytes(f"old {name}\n".encode())
    (directory / "other.parquet").write_bytes(b"not ours")
    return directory


def corpus(tmp_path, rows, files, header=HEADER):
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, data in files.items():
        (articles / name).write_bytes(data)
    metadata = tmp_path / "articles.csv"
    metadata.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return articles, metadata


def run_cli(articles, metadata, out, *extra) -> int:
    args = ["events", "--articles", str(articles), "--metadata", str(metadata), "--out", str(out)]
    return main([*args, *extra])


FUTURE = (dt.date.today() + dt.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("rows", "files", "header", "message"),
    [
        ([GOOD_ROW], {}, HEADER, "file 'one.txt' not found"),
        (
            [GOOD_ROW],
            {"one.txt": b"x", "two.txt": b"y"},
            HEADER,
            "two.txt line 1, field file: no row in",
        ),
        (
            [GOOD_ROW, "a1,two.txt,O,T,A,2024-07-30,"],
            {"one.txt": b"x", "two.txt": b"y"},
            HEADER,
            "line 3, field article_id: duplicate article_id 'a1'",
        ),
        (["a1,one.txt,O,T,A,2024-02-30,"], {"one.txt": b"x"}, HEADER, "not a real calendar date"),
        ([f"a1,one.txt,O,T,A,{FUTURE},"], {"one.txt": b"x"}, HEADER, "is in the future"),
        ([GOOD_ROW], {"one.txt": b"\xff\xfe"}, HEADER, "one.txt line 1, field text: not UTF-8"),
        ([GOOD_ROW], {"one.txt": b" \n "}, HEADER, "one.txt line 1, field text: the text is empty"),
        (
            ["a1,one.txt,O,T,2024-07-30,"],
            {"one.txt": b"x"},
            "article_id,file,outlet,title,published,url\n",
            "missing column(s) author",
        ),
    ],
    ids=["no-file", "no-row", "dup-id", "bad-date", "future", "not-utf8", "empty", "no-column"],
)
def test_bad_corpus_exits_2_and_leaves_out_untouched(
    tmp_path, out, capsys, rows, files, header, message
):
    before = snapshot(out)
    assert run_cli(*corpus(tmp_path, rows, files, header), out) == 2
    err = capsys.readouterr().err
    assert err.startswith("escalation events: error: ") and message in err
    assert snapshot(out) == before


def test_bad_overrides_row_exits_2_and_leaves_out_untouched(tmp_path, out, capsys):
    articles, metadata = corpus(tmp_path, [GOOD_ROW], {"one.txt": b"Text."})
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("target_id,field,value,reason\nEV-1,colour,red,x\n", encoding="utf-8")
    before = snapshot(out)
    assert run_cli(articles, metadata, out, "--overrides", str(overrides)) == 2
    assert f"{overrides} line 2: unknown field 'colour'" in capsys.readouterr().err
    assert snapshot(out) == before


def hand_built() -> list[Extraction]:
    def m(mid, article, sentence, **kw):
        return Mention(
            mid,
            article,
            sentence,
            sentence * 50,
            sentence * 50 + 40,
            f"Sentence, {sentence}.",
            actor1_side="US_COALITION",
            actor2_side="IRAN_ALIGNED",
            event_type="Explosions/Remote violence",
            country="Iraq",
            admin1="Babil",
            date_start="2024-07-30",
            date_end="2024-07-30",
            event_date="2024-07-30",
            date_precision="day",
            cameo_code="0190",
            latitude=32.4812345,
            longitude=44.4,
            **kw,
        )

    return [
        Extraction("b", (m("b-2", "b", 2, killed_best=4, injured_best=4),)),
        Extraction(
            "a",
            (m("a-1", "a", 1, killed_low=4, killed_high=5),),
            (Aggregate("a", 3, 150, 190, 'He said "170 times"', count_low=170),),
        ),
    ]


def test_output_format_integers_floats_codes_and_line_ends():
    tables = tables_from_extractions(hand_built())
    text = csv_bytes(tables.events).decode()
    assert "\r" not in text and text.endswith("\n")
    header, row = text.splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["cameo_code"] == "0190"
    assert values["latitude"] == "32.48123" and values["longitude"] == "44.40000"
    assert (values["fatalities_low"], values["fatalities_best"], values["fatalities_high"]) == (
        "4",
        "4",
        "5",
    )
    assert values["injured_low"] == "4" and values["number_of_sources"] == "2"
    assert values["sources"] == "a;b" and values["review_status"] == "auto"
    assert '"He said ""170 times"""' in csv_bytes(tables.aggregates).decode()


def test_byte_identical_whatever_the_input_order(tmp_path):
    first = tables_from_extractions(hand_built())
    second = tables_from_extractions(list(reversed(hand_built())))
    for name in ("events", "mentions", "aggregates"):
        assert csv_bytes(getattr(first, name)) == csv_bytes(getattr(second, name))
    changed = write_tables(first, tmp_path)
    assert [p.name for p in changed] == list(FILES)
    before = snapshot(tmp_path)
    assert write_tables(second, tmp_path) == []
    assert snapshot(tmp_path) == before


def test_write_leaves_other_files_and_no_temporary_files(out):
    write_tables(tables_from_extractions(hand_built()), out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "other.parquet"])
    assert (out / "other.parquet").read_bytes() == b"not ours"


def test_a_failed_move_puts_the_old_files_back(out, monkeypatch):
    real_replace = os.replace

    def failing(src, dst):
        if Path(dst).name == "mentions.csv":
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(analysis.io.os, "replace", failing)
    before = snapshot(out)
    with pytest.raises(OSError, match="disk full"):
        write_tables(tables_from_extractions(hand_built()), out)
    assert snapshot(out) == before


# --- with the extractor ---------------------------------------------------------------


def real_build(out: Path, *extra: str) -> int:
    pytest.importorskip("analysis.extract.article")
    return main(
        [
            "events",
            "--articles",
            str(ROOT / "data/raw/articles"),
            "--metadata",
            str(ROOT / "data/raw/articles.csv"),
            "--overrides",
            str(ROOT / "data/codings/overrides.csv"),
            "--out",
            str(out),
            *extra,
        ]
    )


def test_real_build_is_byte_identical_on_rerun(tmp_path):
    assert real_build(tmp_path / "one") == 0
    assert real_build(tmp_path / "two") == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_committed_outputs_are_up_to_date(tmp_path):
    assert real_build(tmp_path) == 0
    for name in FILES:
        committed = ROOT / "data/processed" / name
        assert committed.exists(), f"{committed} missing: run `make events`"
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), (
            f"{committed} is stale: run `make events` and commit the result"
        )
