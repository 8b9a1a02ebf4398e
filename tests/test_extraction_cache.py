"""Incremental extraction: unchanged articles come from the cache, and the tables are the
same with or without it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from analysis.commands import main
from analysis.events.build import build_tables
from analysis.extract import cache as cache_module
from analysis.extract.article import extract_article
from analysis.extract.cache import ExtractionCache, extractor_fingerprint, from_json, to_json
from analysis.extract.corpus import load_corpus
from analysis.extract.lexicon import DEFAULT_DIRECTORY, load_lexicon
from analysis.io import csv_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "data/raw/articles", ROOT / "data/raw/articles.csv")


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def table_bytes(tables) -> list[bytes]:
    return [csv_bytes(t) for t in (tables.events, tables.mentions, tables.aggregates)]


def test_an_extraction_survives_the_round_trip(corpus, lexicon):
    for article in corpus:
        extraction = extract_article(article, lexicon)
        assert from_json(to_json(extraction)) == extraction


def test_second_build_reads_nothing_and_gives_the_same_tables(corpus, lexicon, tmp_path):
    plain = build_tables(corpus, lexicon)
    first = ExtractionCache(tmp_path / "cache", lexicon.directory)
    cached = build_tables(corpus, lexicon, cache=first)
    assert (first.hits, first.misses) == (0, len(corpus))
    again = ExtractionCache(tmp_path / "cache", lexicon.directory)
    reread = build_tables(corpus, lexicon, cache=again)
    assert (again.hits, again.misses) == (len(corpus), 0)
    assert table_bytes(plain) == table_bytes(cached) == table_bytes(reread)


def test_only_the_changed_article_is_read_again(corpus, lexicon, tmp_path):
    build_tables(corpus, lexicon, cache=ExtractionCache(tmp_path, lexicon.directory))
    edited = list(corpus)
    edited[2] = dataclasses.replace(edited[2], text=edited[2].text + "\nA closing line.\n")
    cache = ExtractionCache(tmp_path, lexicon.directory)
    build_tables(edited, lexicon, cache=cache)
    assert (cache.hits, cache.misses) == (len(corpus) - 1, 1)


def test_new_vocabularies_or_rules_are_a_new_extractor(tmp_path, monkeypatch):
    copy = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    base = extractor_fingerprint(DEFAULT_DIRECTORY)
    assert extractor_fingerprint(copy) == base
    places = copy / "places.csv"
    places.write_bytes(places.read_bytes() + b"\n")
    assert extractor_fingerprint(copy) != base
    rules = tmp_path / "rules"
    shutil.copytree(cache_module.PACKAGE_DIR, rules)
    (rules / "reading.py").write_text((rules / "reading.py").read_text() + "\n# edited\n")
    monkeypatch.setattr(cache_module, "PACKAGE_DIR", rules)
    assert extractor_fingerprint(DEFAULT_DIRECTORY) != base


def test_a_damaged_entry_is_a_miss_and_is_replaced(corpus, lexicon, tmp_path):
    article = corpus[0]
    cache = ExtractionCache(tmp_path, lexicon.directory)
    expected = cache.extract(article, lambda a: extract_article(a, lexicon))
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.write_text('{"article_id": ', encoding="utf-8")
    again = ExtractionCache(tmp_path, lexicon.directory)
    assert again.extract(article, lambda a: extract_article(a, lexicon)) == expected
    assert (again.hits, again.misses) == (0, 1)
    assert from_json(entry.read_text(encoding="utf-8")) == expected


def test_events_command_reports_what_came_from_the_cache(tmp_path, capsys):
    args = [
        "events",
        "--articles",
        str(ROOT / "data/raw/articles"),
        "--metadata",
        str(ROOT / "data/raw/articles.csv"),
        "--cache",
        str(tmp_path / "cache"),
    ]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    assert "0 article(s) from the cache, 5 extracted" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "two")]) == 0
    assert "5 article(s) from the cache, 0 extracted" in capsys.readouterr().err
    for name in ("events.csv", "mentions.csv", "aggregates.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
        assert (tmp_path / "one" / name).read_bytes() == (
            ROOT / "data/processed" / name
        ).read_bytes()


def test_article_key_reads_every_field_and_only_the_content(corpus):
    article = corpus[0]
    key = cache_module.article_key(article, "f")
    assert cache_module.article_key(dataclasses.replace(article), "f") == key
    assert cache_module.article_key(article, "g") != key
    changed = {
        "article_id": "other",
        "file": "other.txt",
        "outlet": article.outlet + "x",
        "title": article.title + "x",
        "author": article.author + "x",
        "published": article.published.replace(year=article.published.year - 1),
        "url": article.url + "x",
        "text": article.text + "\n",
    }
    assert set(changed) == {f.name for f in dataclasses.fields(article)}
    keys = {
        cache_module.article_key(dataclasses.replace(article, **{k: v}), "f")
        for k, v in changed.items()
    }
    assert len(keys) == len(changed) and key not in keys
    # A value moved from one field to the next is another article, another key.
    a = dataclasses.replace(article, outlet="ab", title="c")
    b = dataclasses.replace(article, outlet="a", title="bc")
    assert cache_module.article_key(a, "f") != cache_module.article_key(b, "f")


def test_rebuild_with_both_caches_gives_the_tables_of_a_build_from_scratch(
    corpus, lexicon, tmp_path
):
    """Extractions, clusters, class pairs, anchoring decisions and event rows kept from a
    smaller corpus give, after articles are added, again after one is edited, and again
    after one is removed, the bytes of a build without any cache."""
    from analysis.events.block_cache import ClusterCache
    from analysis.scale.shards import recombined_corpus

    grown = recombined_corpus(corpus, 160, seed=5, sentences_per_article=(4, 12))
    before = grown[:150]
    build_tables(
        before,
        lexicon,
        cache=ExtractionCache(tmp_path, lexicon.directory),
        clusters_cache=ClusterCache(tmp_path),
    )
    edited = list(grown)
    edited[3] = dataclasses.replace(grown[3], text=grown[0].text)
    removed = edited[:100] + edited[101:]
    for articles in (grown, edited, removed):
        clusters = ClusterCache(tmp_path)
        again = build_tables(
            articles,
            lexicon,
            cache=ExtractionCache(tmp_path, lexicon.directory),
            clusters_cache=clusters,
        )
        assert clusters.hits > 0 and clusters.row_hits > 100 and clusters.pairs_kept > 100
        assert clusters.anchors_kept > 50
        assert table_bytes(again) == table_bytes(build_tables(articles, lexicon))


def test_objects_made_with_the_collector_off_are_not_young_when_it_is_back_on():
    """The build runs with the cyclic collector off: what it made is moved to the oldest
    generation when the collector is back on (its next young collection does not scan it
    all), the collector's state is restored, and a cycle made meanwhile is still
    collected by a full collection."""
    import gc
    import weakref

    from analysis.events.build import cycle_collection

    class Node:
        pass

    was = gc.isenabled()
    gc.enable()
    try:
        with cycle_collection(False):
            assert not gc.isenabled()
            kept = [[n] for n in range(5000)]
            node = Node()
            node.self = node
            gone = weakref.ref(node)
            del node
            with cycle_collection(True):
                assert gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_count()[0] < 100
        oldest = {id(x) for x in gc.get_objects(generation=2)}
        assert all(id(x) in oldest for x in kept[::500])
        assert gone() is not None
        gc.collect()
        assert gone() is None
    finally:
        if not was:
            gc.disable()


def test_an_entry_of_other_record_fields_is_never_read(corpus, lexicon, monkeypatch):
    """Entries list values without field names: records with other fields are another
    extractor (another key), and an entry of another layout read alone is refused."""
    import json

    extraction = extract_article(corpus[0], lexicon)
    text = to_json(extraction)
    base = extractor_fingerprint(DEFAULT_DIRECTORY)
    monkeypatch.setattr(cache_module, "_LAYOUT", "0" * 16)
    assert extractor_fingerprint(DEFAULT_DIRECTORY) != base
    with pytest.raises(KeyError):
        from_json(text)
    monkeypatch.undo()
    assert from_json(text) == extraction
    data = json.loads(text)
    data["mentions"] = [values[:-1] for values in data["mentions"]]
    with pytest.raises(KeyError):
        from_json(json.dumps(data))
