"""Sharded corpus input: round trip, validation shard by shard, clear errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analysis.errors import UsageError
from analysis.records import Article
from analysis.scale.shards import find_shards, iter_shard_articles, read_shard, write_shards


def _articles(n: int) -> list[Article]:
    return [
        Article(
            article_id=f"art-{i:04d}",
            file="",
            outlet="Outlet",
            title=f"Title {i}",
            author="",
            published=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            url="",
            text=f"Rockets hit the base on day {i}. Ünïcode stays.",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_round_trip_keeps_every_field(tmp_path, fmt):
    articles = _articles(7)
    paths = write_shards(articles, tmp_path, per_shard=3, fmt=fmt)
    assert [p.name for p in paths] == [f"part-0000{i}.{fmt}" for i in range(3)]
    assert find_shards(tmp_path) == paths
    back = list(iter_shard_articles(paths))
    strip = [(a.article_id, a.outlet, a.title, a.published, a.text) for a in articles]
    assert [(a.article_id, a.outlet, a.title, a.published, a.text) for a in back] == strip
    assert back[4].file == f"part-00001.{fmt}#2"


def test_writing_twice_gives_the_same_bytes(tmp_path):
    one = write_shards(_articles(5), tmp_path / "a", per_shard=2, fmt="parquet")
    two = write_shards(_articles(5), tmp_path / "b", per_shard=2, fmt="parquet")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


GOOD = {
    "article_id": "a1",
    "outlet": "o",
    "title": "t",
    "author": "",
    "published": "2024-02-03",
    "url": "",
    "text": "Some text.",
}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**GOOD, "published": "03/02/2024"}, "line 2: published '03/02/2024' is not an ISO date"),
        ({**GOOD, "text": ""}, "line 2: text is empty"),
        ({k: v for k, v in GOOD.items() if k != "url"}, "line 2: missing field(s) url"),
        ({**GOOD, "title": 5}, "line 2: title must be text, got int"),
        ({**GOOD, "article_id": "a0"}, "line 2: article_id 'a0' repeats row 1"),
    ],
)
def test_bad_jsonl_row_names_shard_and_line(tmp_path, row, message):
    path = tmp_path / "part-00003.jsonl"
    _jsonl(path, [{**GOOD, "article_id": "a0"}, row])
    with pytest.raises(UsageError) as err:
        read_shard(path)
    assert str(err.value).startswith("part-00003.jsonl ")
    assert message in str(err.value)


def test_broken_json_and_binary_files_are_usage_errors(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text(json.dumps(GOOD) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"x.jsonl line 2: not valid JSON"):
        read_shard(bad)
    junk = tmp_path / "y.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(UsageError, match=r"y.parquet: not a readable Parquet file"):
        read_shard(junk)


def test_parquet_without_a_column_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"article_id": ["a"], "text": ["t"]}), path)
    with pytest.raises(UsageError, match=r"p.parquet: missing column\(s\) outlet, title"):
        read_shard(path)


def test_id_in_two_shards_is_refused(tmp_path):
    _jsonl(tmp_path / "a.jsonl", [GOOD])
    _jsonl(tmp_path / "b.jsonl", [GOOD])
    with pytest.raises(UsageError, match=r"b.jsonl: article_id 'a1' is also in a.jsonl"):
        list(iter_shard_articles(find_shards(tmp_path)))


def test_find_shards_refuses_missing_and_empty(tmp_path):
    with pytest.raises(UsageError, match="shards not found"):
        find_shards(tmp_path / "nope")
    with pytest.raises(UsageError, match="no shard files"):
        find_shards(tmp_path)
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(UsageError, match="not a shard"):
        find_shards(other)


def test_events_command_reads_shards_and_matches_the_articles_folder(tmp_path, capsys):
    from pathlib import Path

    from analysis.commands import main
    from analysis.extract.corpus import load_corpus

    root = Path(__file__).resolve().parents[1]
    seed = load_corpus(root / "data/raw/articles", root / "data/raw/articles.csv")
    write_shards(seed, tmp_path / "shards", per_shard=2, fmt="jsonl")
    assert main(["events", "--shards", str(tmp_path / "shards"), "--out", str(tmp_path / "a")]) == 0
    assert main(["events", "--out", str(tmp_path / "b")]) == 0
    for name in ("events.csv", "mentions.csv", "aggregates.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_events_command_names_a_bad_shard_and_writes_nothing(tmp_path, capsys):
    from analysis.commands import main

    shards = tmp_path / "shards"
    write_shards(_articles(3), shards, per_shard=2, fmt="jsonl")
    (shards / "part-99999.jsonl").write_text('{"article_id": "x"}\n', encoding="utf-8")
    status = main(["events", "--shards", str(shards), "--out", str(tmp_path / "out")])
    assert status == 2
    assert "part-99999.jsonl line 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
