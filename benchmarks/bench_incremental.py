"""Incremental build: adding one article to a large corpus, against a full build.

Builds the tables of a synthetic corpus (the seed texts recombined sentence by sentence)
from empty caches (extractions, and clusters per group of mentions), then adds one article
and builds again with both caches. Goal: the rebuild takes under 5% of the full build at
10,000 articles. Both wall-clock and processor times are printed: on a machine shared with
other jobs the processor time of this process is the steadier ratio. ``--profile`` prints
where the rebuild spends its time (cProfile). The article added has no undated mention;
``--undated`` then adds, to the same caches, another one (of another recombination) whose
undated mentions must be anchored, and prints that rebuild too.
Run: ``python benchmarks/bench_incremental.py [--articles N] [--profile] [--undated]``
(default 10,000).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from analysis.events.block_cache import ClusterCache
from analysis.events.build import build_tables
from analysis.extract.cache import ExtractionCache
from analysis.extract.corpus import load_corpus
from analysis.extract.lexicon import load_lexicon
from analysis.scale.shards import recombined_corpus

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="profile the rebuild")
    parser.add_argument(
        "--undated", action="store_true", help="also add an article with undated mentions"
    )
    args = parser.parse_args()
    lexicon = load_lexicon()
    seed = load_corpus(ROOT / "data/raw/articles", ROOT / "data/raw/articles.csv")
    corpus = recombined_corpus(seed, args.articles + 1, seed=11, sentences_per_article=(4, 12))
    base, extra = corpus[:-1], corpus[-1]
    extra = dataclasses.replace(extra, article_id="added-1")
    with tempfile.TemporaryDirectory() as tmp:
        cache = ExtractionCache(Path(tmp), lexicon.directory)
        start, cpu = time.perf_counter(), time.process_time()
        full = build_tables(base, lexicon, cache=cache, clusters_cache=ClusterCache(tmp))
        full_s, full_cpu = time.perf_counter() - start, time.process_time() - cpu
        kept = Path(tmp) / "clusters.kept"
        shutil.copy(Path(tmp) / "clusters.json", kept)
        start, cpu = time.perf_counter(), time.process_time()
        cache = ExtractionCache(Path(tmp), lexicon.directory)
        clusters = ClusterCache(tmp)
        open_s, open_cpu = time.perf_counter() - start, time.process_time() - cpu
        profile = cProfile.Profile() if args.profile else None
        start, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        again = build_tables([*base, extra], lexicon, cache=cache, clusters_cache=clusters)
        if profile is not None:
            profile.disable()
        again_s, again_cpu = time.perf_counter() - start, time.process_time() - cpu
        if args.undated:
            other = recombined_corpus(seed, 8, seed=99, sentences_per_article=(4, 12))[7]
            other = dataclasses.replace(other, article_id="added-2")
            shutil.copy(kept, Path(tmp) / "clusters.json")
            other_clusters = ClusterCache(tmp)
            cache = ExtractionCache(Path(tmp), lexicon.directory)
            cpu = time.process_time()
            build_tables([*base, other], lexicon, cache=cache, clusters_cache=other_clusters)
            other_cpu = time.process_time() - cpu
    print(f"articles: {len(base):,}; events: {len(full.events):,} -> {len(again.events):,}")
    print(f"full build, empty caches: {full_s:.1f} s ({len(base) / full_s:.0f} articles/s)")
    print(
        f"one article added: {again_s:.2f} s ({cache.misses} extracted, {cache.hits:,} cached;"
        f" {clusters.misses:,} group(s) of mentions clustered, {clusters.hits:,} cached;"
        f" {clusters.pairs_kept:,} class pairs cached;"
        f" {clusters.anchors_kept:,} anchoring decisions kept)"
        f" = {100 * again_s / full_s:.1f}% of the full build (goal < 5%)"
    )
    print(
        f"processor time: full build {full_cpu:.1f} s, one article added {again_cpu:.2f} s"
        f" = {100 * again_cpu / full_cpu:.1f}%"
    )
    print(
        f"opening the caches before the rebuild (not counted above): {open_s:.2f} s,"
        f" {open_cpu:.2f} s processor; counted: {100 * (again_s + open_s) / full_s:.1f}%,"
        f" processor {100 * (again_cpu + open_cpu) / full_cpu:.1f}%"
    )
    if args.undated:
        print(
            f"another article added, {other_clusters.anchors_decided} undated mention(s) anchored"
            f" again ({other_clusters.anchors_kept:,} decisions kept): processor time"
            f" {other_cpu:.2f} s = {100 * other_cpu / full_cpu:.1f}% of the full build"
        )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
