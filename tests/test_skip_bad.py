"""Bad articles are stopped or set aside by the build step, the same way in this process,
through the distributed path and from shards; ``import --skip-bad`` replaces a dataset and
its list of rejected records together."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from analysis.commands import main
from analysis.errors import UsageError
from analysis.events.build import build_tables, write_tables
from analysis.extract.corpus import Problem
from analysis.extract.lexicon import load_lexicon
from analysis.records import Article
from analysis.scale.distributed import build_tables_distributed

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Headline\n\nA US drone strike killed three fighters in Baghdad on Tuesday.\n"
# The count is on the fourth line of the text.
HUGE = "Headline\n\nSecond line.\nA US airstrike killed 2000000 people in Baghdad on Tuesday.\n"
FUTURE = "Headline\n\nA US drone strike hit a depot in Baghdad on March 5, 2031.\n"


def article(article_id: str, text: str, file: str = "") -> Article:
    return Article(article_id, file, "Outlet", "Title", "", dt.date(2024, 7, 31), "", text)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def table_bytes(tables, tmp_path: Path, name: str) -> dict[str, bytes]:
    out = tmp_path / name
    write_tables(tables, out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_build_stops_at_an_implausible_count_naming_file_line_and_field(lexicon):
    with pytest.raises(UsageError) as err:
        build_tables([article("good", GOOD), article("bad", HUGE, "bad.txt")], lexicon)
    assert "bad.txt line 4, field killed_low: count 2000000 is above" in str(err.value)


def test_build_sets_the_article_aside_and_builds_the_rest(lexicon, tmp_path):
    rejected: list[Problem] = []
    tables = build_tables(
        [article("good", GOOD), article("bad", HUGE, "bad.txt"), article("late", FUTURE)],
        lexicon,
        rejected=rejected,
    )
    assert [(p.file, p.line, p.field, p.article_id) for p in rejected] == [
        ("bad.txt", 4, "killed_low", "bad"),
        ("late", 3, "date_start", "late"),  # no file: named by its id
    ]
    assert "2031-03-05" in rejected[1].reason
    alone = build_tables([article("good", GOOD)], lexicon)
    assert table_bytes(tables, tmp_path, "with") == table_bytes(alone, tmp_path, "alone")


def test_distributed_path_stops_and_sets_aside_the_same_way(lexicon, tmp_path):
    articles = [article("good", GOOD), article("bad", HUGE, "bad.txt")]
    with pytest.raises(UsageError, match="bad.txt line 4, field killed_low"):
        build_tables_distributed(articles, lexicon)
    here: list[Problem] = []
    there: list[Problem] = []
    local = build_tables(articles, lexicon, rejected=here)
    remote = build_tables_distributed(articles, lexicon, rejected=there)
    assert here == there and len(here) == 1
    assert table_bytes(local, tmp_path, "local") == table_bytes(remote, tmp_path, "remote")


def _row(article_id: str, text: str, **change) -> str:
    values = dict(
        article_id=article_id,
        outlet="O",
        title="T",
        author="",
        published="2024-07-31",
        url="",
        text=text,
    )
    return json.dumps({**values, **change})


def _events(capsys, *args) -> tuple[int, str]:
    code = main(["events", *map(str, args), "--no-overrides", "--no-cache"])
    return code, capsys.readouterr().err


def _rejected(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["file"], r["line"], r["field"]) for r in csv.DictReader(handle)]


def test_shards_skip_bad_sets_bad_rows_and_implausible_articles_aside(capsys, tmp_path):
    shard = tmp_path / "part-0.jsonl"
    shard.write_text(
        "\n".join(
            [
                _row("a1", GOOD),
                _row("a2", HUGE),
                _row("a3", GOOD, published="31/07/2024"),
                "[1, 2]",
            ]
        )
        + "\n"
    )
    clean = tmp_path / "clean.jsonl"
    clean.write_text(_row("a1", GOOD) + "\n")
    out, expected = tmp_path / "out", tmp_path / "expected"
    out.mkdir()
    (out / "events.csv").write_bytes(b"earlier")
    code, err = _events(capsys, "--shards", shard, "--out", out)
    assert code == 2 and "part-0.jsonl line 3: published" in err
    assert sorted(p.name for p in out.iterdir()) == ["events.csv"]
    assert (out / "events.csv").read_bytes() == b"earlier"

    code, err = _events(capsys, "--shards", shard, "--out", out, "--skip-bad")
    assert code == 0, err
    assert "3 bad input(s) set aside" in err
    # Bad rows first (shard, line, field), then the article whose count is implausible
    # (its row, the line of the text).
    assert _rejected(out / "rejected.csv") == [
        ("part-0.jsonl", "3", "published"),
        ("part-0.jsonl", "4", "row"),
        ("part-0.jsonl#2", "4", "killed_low"),
    ]
    expected.mkdir()
    assert _events(capsys, "--shards", clean, "--out", expected)[0] == 0
    for name in ("events.csv", "mentions.csv", "aggregates.csv"):
        assert (out / name).read_bytes() == (expected / name).read_bytes()


ACLED = ROOT / "tests" / "data" / "importers" / "acled_iso.csv"


@pytest.fixture
def fail_replace(monkeypatch):
    """Make the ``n``-th ``os.replace`` after arming fail, as a full disk would."""
    real = os.replace
    state = {"n": 0, "fail_at": None}

    def replace(src, dst, *args, **kwargs):
        if state["fail_at"] is not None:
            state["n"] += 1
            if state["n"] == state["fail_at"]:
                raise OSError(28, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return state


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_import_dataset_and_rejected_list_are_replaced_together(capsys, tmp_path, fail_replace):
    work = tmp_path / "work"
    work.mkdir()
    out = work / "dataset"
    args = ["import", "--format", "acled", "--out", str(out), "--skip-bad"]
    assert main([*args[:3], str(ACLED), *args[3:]]) == 0
    before = _snapshot(work)
    assert (work / "dataset.rejected.csv").read_text().count("\n") == 1  # header only
    lines = ACLED.read_text().splitlines()
    spoiled = tmp_path / "spoiled.csv"
    spoiled.write_text("\n".join([*lines[:2], lines[2].replace("2024-", "1850-", 1), *lines[3:]]))
    # Whichever replacement fails (old dataset aside, new one in, the rejected list), the
    # dataset and the list stay as they were, and no staging file is left behind.
    for fail_at in (1, 2, 3):
        fail_replace.update(n=0, fail_at=fail_at)
        assert main([*args[:3], str(spoiled), *args[3:]]) == 2, fail_at
        assert "No space left on device" in capsys.readouterr().err
        assert _snapshot(work) == before, fail_at
        assert sorted(p.name for p in work.iterdir()) == ["dataset", "dataset.rejected.csv"]
    fail_replace.update(fail_at=None)
    assert main([*args[:3], str(spoiled), *args[3:]]) == 0
    rows = (work / "dataset.rejected.csv").read_text().splitlines()
    assert len(rows) == 2 and ",3," in rows[1]
    assert _snapshot(work) != before


@pytest.mark.slow
def test_a_local_dask_cluster_sets_the_same_articles_and_shard_rows_aside(lexicon, tmp_path):
    from analysis.scale.cluster import make_options, open_client

    articles = [article("good", GOOD), article("bad", HUGE, "bad.txt")]
    shard = tmp_path / "part-0.jsonl"
    shard.write_text(_row("a1", GOOD) + "\n" + _row("a2", HUGE) + "\n" + "[1]\n")
    here: list[Problem] = []
    local = build_tables(articles, lexicon, rejected=here)
    with open_client(make_options("local", 1)) as client:
        with pytest.raises(UsageError, match="bad.txt line 4, field killed_low"):
            build_tables_distributed(articles, lexicon, client)
        there: list[Problem] = []
        remote = build_tables_distributed(articles, lexicon, client, rejected=there)
        from_shard: list[Problem] = []
        build_tables_distributed(None, lexicon, client, shards=[shard], rejected=from_shard)
    assert here == there
    assert table_bytes(local, tmp_path, "local") == table_bytes(remote, tmp_path, "remote")
    assert [(p.file, p.line, p.field) for p in from_shard] == [
        ("part-0.jsonl", 3, "row"),
        ("part-0.jsonl#2", 4, "killed_low"),
    ]
