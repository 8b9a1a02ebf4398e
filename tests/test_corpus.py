"""Loading the corpus: every problem is found before any work and reported together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.errors import UsageError
from analysis.extract.corpus import iter_articles, load_corpus

HEADER = "article_id,file,outlet,title,author,published,url\n"
TODAY = dt.date(2024, 8, 1)


def make_corpus(tmp_path: Path, rows: list[str], files: dict[str, bytes], header=HEADER):
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, data in files.items():
        (articles / name).write_bytes(data)
    metadata = tmp_path / "articles.csv"
    metadata.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return articles, metadata


def good(tmp_path: Path):
    return make_corpus(
        tmp_path,
        ["a1,one.txt,Outlet,Title,Author,2024-07-30,", 'a2,two.txt,Other,"T, two",,2024-07-31,u'],
        {"one.txt": "First line.\r\nSecond – line.".encode(), "two.txt": b"Text two."},
    )


def problems(tmp_path, rows, files, header=HEADER) -> str:
    articles, metadata = make_corpus(tmp_path, rows, files, header)
    with pytest.raises(UsageError) as err:
        load_corpus(articles, metadata, today=TODAY)
    return str(err.value)


def test_loads_articles_in_metadata_order_with_text_unedited(tmp_path):
    articles = load_corpus(*good(tmp_path), today=TODAY)
    assert [a.article_id for a in articles] == ["a1", "a2"]
    assert articles[0].text == "First line.\r\nSecond – line."
    assert articles[0].published == dt.date(2024, 7, 30)
    assert articles[1].title == "T, two"
    assert articles[1].author == ""


def test_streaming_variant_yields_the_same_articles(tmp_path):
    articles_dir, metadata = good(tmp_path)
    stream = iter_articles(articles_dir, metadata, today=TODAY)
    assert not isinstance(stream, list)
    assert list(stream) == load_corpus(articles_dir, metadata, today=TODAY)


def test_streaming_variant_checks_before_yielding(tmp_path):
    articles_dir, metadata = make_corpus(
        tmp_path,
        ["a1,one.txt,O,T,A,2024-07-30,", "a2,two.txt,O,T,A,2024-07-30,"],
        {"one.txt": b"x"},
    )
    with pytest.raises(UsageError, match="two.txt"):
        iter_articles(articles_dir, metadata, today=TODAY)


def test_row_without_file(tmp_path):
    msg = problems(tmp_path, ["a1,missing.txt,O,T,A,2024-07-30,"], {})
    assert "line 2" in msg and "'missing.txt' not found" in msg and "add the file" in msg


def test_file_without_row(tmp_path):
    msg = problems(tmp_path, ["a1,one.txt,O,T,A,2024-07-30,"], {"one.txt": b"x", "x.txt": b"y"})
    assert "x.txt line 1, field file: no row in" in msg


def test_duplicate_id(tmp_path):
    msg = problems(
        tmp_path,
        ["a1,one.txt,O,T,A,2024-07-30,", "a1,two.txt,O,T,A,2024-07-30,"],
        {"one.txt": b"x", "two.txt": b"y"},
    )
    assert "line 3, field article_id: duplicate article_id 'a1' (first on line 2)" in msg


@pytest.mark.parametrize("value", ["2024-02-30", "30/07/2024", "2024-7-30", ""])
def test_bad_date(tmp_path, value):
    msg = problems(tmp_path, [f"a1,one.txt,O,T,A,{value},"], {"one.txt": b"x"})
    assert "line 2, field published: published" in msg and "date" in msg


def test_future_date(tmp_path):
    msg = problems(tmp_path, ["a1,one.txt,O,T,A,2024-08-02,"], {"one.txt": b"x"})
    assert "in the future" in msg


def test_non_utf8_text(tmp_path):
    msg = problems(tmp_path, ["a1,one.txt,O,T,A,2024-07-30,"], {"one.txt": b"caf\xe9"})
    assert "one.txt line 1, field text: not UTF-8 (byte 3)" in msg


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_text(tmp_path, data):
    msg = problems(tmp_path, ["a1,one.txt,O,T,A,2024-07-30,"], {"one.txt": data})
    assert "one.txt line 1, field text: the text is empty" in msg


def test_missing_column(tmp_path):
    msg = problems(
        tmp_path,
        ["a1,one.txt,O,T,2024-07-30,"],
        {"one.txt": b"x"},
        header="article_id,file,outlet,title,published,url\n",
    )
    assert "line 1, field header: missing column(s) author" in msg


def test_extra_columns_are_allowed(tmp_path):
    articles, metadata = make_corpus(
        tmp_path,
        ["a1,one.txt,O,T,A,2024-07-30,,inferred"],
        {"one.txt": b"x"},
        header=HEADER.strip() + ",published_basis\n",
    )
    assert [a.article_id for a in load_corpus(articles, metadata, today=TODAY)] == ["a1"]


def test_all_problems_are_reported_together(tmp_path):
    msg = problems(
        tmp_path,
        ["a1,one.txt,O,T,A,2024-13-01,", "a1,gone.txt,O,T,A,2024-07-30,"],
        {"one.txt": b"", "extra.txt": b"y"},
    )
    lines = msg.splitlines()
    assert len(lines) == 5
    assert any("published" in line for line in lines)
    assert any("duplicate" in line for line in lines)
    assert any("gone.txt" in line for line in lines)
    assert any("empty" in line for line in lines)
    assert any("extra.txt" in line for line in lines)


def test_real_seed_corpus_loads():
    root = Path(__file__).resolve().parents[1]
    articles = load_corpus(root / "data/raw/articles", root / "data/raw/articles.csv")
    assert len(articles) == 5
    assert {a.article_id for a in articles} >= {"2020-03-13-rudaw-taji-strikes"}
