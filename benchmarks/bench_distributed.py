"""Time extraction of a synthetic corpus: in-process against a local cluster of 2 workers.

The corpus recombines the seed articles' real sentences (``shards.recombined_corpus``)
and is written as JSON-lines shards that the workers read themselves. Default: 1,000
articles; ``--full``: 100,000. Prints wall times, articles per second, the speed-up (goal
>= 1.7x) and whether both paths gave byte-identical tables.

    python benchmarks/bench_distributed.py [--articles N] [--full]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.events.build import csv_bytes, tables_from_extractions  # noqa: E402
from analysis.extract.corpus import load_corpus  # noqa: E402
from analysis.extract.lexicon import load_lexicon  # noqa: E402
from analysis.scale import distributed  # noqa: E402
from analysis.scale.cluster import make_options, open_client  # noqa: E402
from analysis.scale.shards import recombined_corpus, write_shards  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-shard", type=int, default=250)
    parser.add_argument("--full", action="store_true", help="100,000 articles")
    parser.add_argument("--tables", action="store_true", help="also reconcile and compare tables")
    args = parser.parse_args(argv)
    n = 100_000 if args.full else args.articles
    seed = load_corpus(ROOT / "data" / "raw" / "articles", ROOT / "data" / "raw" / "articles.csv")
    lexicon = load_lexicon()
    articles = recombined_corpus(seed, n, seed=1)
    work = Path(tempfile.mkdtemp(prefix="bench-extract-"))
    try:
        shards = write_shards(articles, work, per_shard=args.per_shard, fmt="jsonl")
        t0 = time.perf_counter()
        local = distributed.extract_shards(shards, lexicon)
        t_local = time.perf_counter() - t0
        print(f"in-process: {n:,} articles in {t_local:.1f} s ({n / t_local:,.0f} articles/s)")
        with open_client(make_options("local", 2)) as client:
            t0 = time.perf_counter()
            remote = distributed.extract_shards(shards, lexicon, client)
            t_remote = time.perf_counter() - t0
        print(f"2 workers:  {n:,} articles in {t_remote:.1f} s ({n / t_remote:,.0f} articles/s)")
        print(f"speed-up: {t_local / t_remote:.2f}x (goal >= 1.7x)")
        print(f"identical extractions: {local == remote}")
        if args.tables:
            a, b = tables_from_extractions(local), tables_from_extractions(remote)
            print(f"identical events.csv: {csv_bytes(a.events) == csv_bytes(b.events)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
