"""Extraction and reconciliation on a local Dask cluster give the in-process tables,
byte for byte; bad shards and dying workers are handled."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from analysis.errors import UsageError
from analysis.extract.corpus import load_corpus
from analysis.records import Extraction, Mention
from analysis.scale import distributed
from analysis.scale.shards import recombined_corpus, write_shards

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed_articles():
    return load_corpus(ROOT / "data" / "raw" / "articles", ROOT / "data" / "raw" / "articles.csv")


@pytest.fixture(scope="module")
def lexicon():
    from analysis.extract.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="module")
def client():
    from analysis.scale.cluster import make_options, open_client

    with open_client(make_options("local", 2)) as c:
        yield c


def _bytes(tables) -> list[bytes]:
    from analysis.events.build import csv_bytes

    return [csv_bytes(tables.events), csv_bytes(tables.mentions), csv_bytes(tables.aggregates)]


def _sentence_count(article, shared) -> tuple[str, int, str]:
    return article.article_id, article.text.count(".") * shared["factor"], shared["tag"]


def test_map_in_process_keeps_order(seed_articles):
    got = distributed.map_articles(_sentence_count, seed_articles, {"factor": 2, "tag": "x"})
    assert [g[0] for g in got] == [a.article_id for a in seed_articles]
    assert got[0][1] == 2 * seed_articles[0].text.count(".")


def test_build_tables_needs_exactly_one_input(lexicon):
    with pytest.raises(UsageError, match="either articles or shards"):
        distributed.build_tables_distributed(None, lexicon)


@pytest.mark.slow
def test_seed_corpus_tables_are_byte_identical(seed_articles, lexicon, client):
    from analysis.events.build import build_tables

    local = build_tables(seed_articles, lexicon)
    remote = distributed.build_tables_distributed(seed_articles, lexicon, client)
    assert _bytes(remote) == _bytes(local)
    assert len(local.events) > 0


@pytest.mark.slow
def test_synthetic_corpus_from_shards_is_byte_identical(seed_articles, lexicon, client, tmp_path):
    from analysis.events.build import build_tables

    articles = recombined_corpus(seed_articles, 3000, seed=7, sentences_per_article=(2, 5))
    shards = write_shards(articles, tmp_path, per_shard=250, fmt="jsonl")
    local = build_tables(articles, lexicon)
    remote = distributed.build_tables_distributed(None, lexicon, client, shards=shards)
    assert _bytes(remote) == _bytes(local)
    assert len(local.events) > 300


@pytest.mark.slow
def test_bad_shard_is_named_on_the_cluster(seed_articles, lexicon, client, tmp_path):
    shards = write_shards(seed_articles, tmp_path, per_shard=2, fmt="jsonl")
    lines = shards[1].read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row["published"] = "yesterday"
    lines[1] = json.dumps(row)
    shards[1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"part-00001.jsonl line 2: published 'yesterday'"):
        distributed.build_tables_distributed(None, lexicon, client, shards=shards)


@pytest.mark.slow
def test_killed_worker_does_not_change_the_result(seed_articles, lexicon, client):
    articles = recombined_corpus(seed_articles, 2000, seed=11, sentences_per_article=(2, 4))
    expected = distributed.extract_articles(articles, lexicon)
    outcome: dict = {}

    def job():
        try:
            outcome["result"] = distributed.map_articles(
                distributed._extract_function(), articles, lexicon, client, partition_size=10
            )
        except Exception as err:  # noqa: BLE001 - the test inspects whatever happened
            outcome["error"] = err

    thread = threading.Thread(target=job)
    thread.start()
    deadline = time.monotonic() + 30
    while not client.processing() or not any(client.processing().values()):
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    pids = client.run(os.getpid)
    busy = sorted(addr for addr, tasks in client.processing().items() if tasks)
    os.kill(pids[busy[0]], signal.SIGKILL)
    assert thread.is_alive(), "the job ended before a worker could be killed"
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert pids[busy[0]] not in client.run(os.getpid).values()
    if "error" in outcome:
        assert isinstance(outcome["error"], distributed.DistributedRunError)
        assert "nothing was written" in str(outcome["error"])
    else:
        assert outcome["result"] == expected


def _m(mid: str, day: str, side1: str, side2: str, country: str = "Iraq", admin1: str = "Baghdad"):
    return Mention(
        mention_id=mid,
        article_id=mid.split("-")[0],
        sentence_index=0,
        char_start=0,
        char_end=10,
        sentence_text="s",
        actor1_side=side1,
        actor2_side=side2,
        event_type="Explosions/Remote violence",
        country=country,
        admin1=admin1,
        date_start=day,
        date_end=day,
        event_date=day,
        date_precision="day",
    )


#: Four mentions coded by hand: a and b report one attack (same day, sides and place), c the
#: answer by the other side, d an attack a month later. Only (a, b) may merge.
HAND = [
    _m("a-1", "2020-01-05", "IRAN_ALIGNED", "US_COALITION"),
    _m("b-1", "2020-01-05", "IRAN_ALIGNED", "US_COALITION"),
    _m("c-1", "2020-01-06", "US_COALITION", "IRAN_ALIGNED"),
    _m("d-1", "2020-02-09", "IRAN_ALIGNED", "US_COALITION"),
]


def test_compatible_pairs_are_the_hand_coded_ones():
    assert distributed.compatible_pairs(HAND) == [("a-1", "b-1")]


@pytest.mark.slow
def test_compatible_pairs_on_the_cluster_are_the_hand_coded_ones(client):
    assert distributed.compatible_pairs(HAND, client) == [("a-1", "b-1")]


def test_reconciliation_uses_the_pairs_it_is_given():
    from analysis.events.build import tables_from_extractions

    extractions = [Extraction(m.article_id, (m,), ()) for m in HAND]
    assert len(tables_from_extractions(extractions).events) == 3
    # With no pair allowed nothing merges: the pairs handed in are the ones used.
    assert len(tables_from_extractions(extractions, checked=lambda ms: []).events) == 4
