"""``escalation events``: articles -> events.csv, mentions.csv, aggregates.csv.

Reads the corpus, runs the per-article extractor and the pure build step
(:func:`analysis.events.build.build_tables`) in this process or on a Dask cluster, and
replaces the three tables together.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.events.build import (
    DEFAULT_ARTICLES,
    DEFAULT_METADATA,
    DEFAULT_OUT,
    DEFAULT_OVERRIDES,
    Tables,
    build_tables,
    write_tables,
)
from analysis.events.overrides import load_overrides
from analysis.extract.cache import ExtractionCache
from analysis.extract.corpus import iter_articles, load_corpus
from analysis.extract.lexicon import load_lexicon
from analysis.scale.cluster import add_cluster_arguments, open_client, options_from_args
from analysis.scale.distributed import add_shard_arguments, build_tables_distributed
from analysis.scale.shards import find_shards

#: Where extractions are kept between runs (ignored by git).
DEFAULT_CACHE = ".cache/extraction"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``escalation events``."""
    parser.add_argument("--articles", default=DEFAULT_ARTICLES, help="directory of .txt files")
    parser.add_argument("--metadata", default=DEFAULT_METADATA, help="articles.csv file")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--lexicon", default=None, help="lexicon directory (default: shipped)")
    parser.add_argument("--overrides", default=DEFAULT_OVERRIDES, help="overrides CSV file")
    parser.add_argument(
        "--no-overrides", action="store_true", help="write the raw output, without overrides"
    )
    parser.add_argument(
        "--cache",
        default=DEFAULT_CACHE,
        metavar="DIR",
        help=f"keep each article's extraction here; unchanged articles are not read again "
        f"(default {DEFAULT_CACHE})",
    )
    parser.add_argument("--no-cache", action="store_true", help="extract every article afresh")
    add_shard_arguments(parser)
    add_cluster_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Build and write the tables; return 0 (bad input raises ``UsageError``).

    Without ``--scheduler`` or ``--shards`` everything runs in this process; with them the
    same extraction and reconciliation run through :mod:`analysis.scale.distributed`, giving
    byte-identical tables.
    """
    cluster = options_from_args(args)
    overrides = None if args.no_overrides else load_overrides(args.overrides)
    lexicon = load_lexicon(args.lexicon)
    if args.shards or not cluster.in_process:
        tables = _build_distributed(args, cluster, lexicon, overrides)
    else:

        def progress(done: int) -> None:
            print(f"events: {done} articles extracted", file=sys.stderr)

        articles = iter_articles(Path(args.articles), Path(args.metadata))
        cache = None if args.no_cache else ExtractionCache(args.cache, lexicon.directory)
        tables = build_tables(articles, lexicon, overrides, progress, cache)
        if cache is not None:
            print(
                f"events: {cache.hits} article(s) from the cache, {cache.misses} extracted",
                file=sys.stderr,
            )
    changed = write_tables(tables, Path(args.out))
    print(
        f"events: {len(tables.events)} events, {len(tables.mentions)} mentions, "
        f"{len(tables.aggregates)} aggregates -> {args.out} ({len(changed)} file(s) changed)",
        file=sys.stderr,
    )
    return 0


def _build_distributed(args, cluster, lexicon, overrides) -> Tables:
    shards = find_shards(args.shards) if args.shards else None
    articles = None if shards else load_corpus(Path(args.articles), Path(args.metadata))
    where = cluster.scheduler or "this process"
    print(f"events: extracting on {where}", file=sys.stderr)
    with open_client(cluster) as client:
        return build_tables_distributed(articles, lexicon, client, overrides, shards=shards)
