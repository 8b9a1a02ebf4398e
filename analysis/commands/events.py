"""``escalation events``: articles -> events.csv, mentions.csv, aggregates.csv.

Reads the corpus, runs the per-article extractor and the pure build step
(:func:`analysis.events.build.build_tables`) in this process or on a Dask cluster, and
replaces the three tables together.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from analysis.commands.checks import check_out_dir, refuse_overwrite, rejected_bytes
from analysis.errors import UsageError
from analysis.events.block_cache import ClusterCache
from analysis.events.build import (
    DEFAULT_ARTICLES,
    DEFAULT_METADATA,
    DEFAULT_OUT,
    DEFAULT_OVERRIDES,
    FILES,
    Tables,
    build_tables,
    write_tables,
)
from analysis.events.overrides import load_overrides
from analysis.extract.cache import ExtractionCache
from analysis.extract.corpus import Problem, article_of, scan_corpus
from analysis.extract.lexicon import load_lexicon
from analysis.scale.cluster import add_cluster_arguments, open_client, options_from_args
from analysis.scale.distributed import add_shard_arguments, build_tables_distributed
from analysis.scale.shards import find_shards

#: File of the articles set aside by ``--skip-bad``.
REJECTED = "rejected.csv"

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
    parser.add_argument(
        "--skip-bad",
        action="store_true",
        help="set bad articles aside in OUT/rejected.csv and build the rest (exit 0)",
    )
    add_shard_arguments(parser)
    add_cluster_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Build and write the tables; return 0 (bad input raises ``UsageError``).

    Without ``--scheduler`` or ``--shards`` everything runs in this process; with them the
    same extraction and reconciliation run through :mod:`analysis.scale.distributed`, giving
    byte-identical tables. With ``--skip-bad`` a bad article is set aside in
    ``OUT/rejected.csv`` (file, line, field, reason) and the rest is built.
    """
    out = check_out_dir(args.out)
    outputs = [out / name for name in (*FILES, REJECTED)]
    refuse_overwrite(
        outputs,
        [args.metadata, None if args.no_overrides else args.overrides],
        [args.articles, args.lexicon, args.shards],
    )
    cluster = options_from_args(args)
    overrides = None if args.no_overrides else load_overrides(args.overrides)
    lexicon = load_lexicon(args.lexicon)
    rejected: list[Problem] = []
    # Articles with implausible mentions are set aside by the build step itself.
    found: list[Problem] | None = [] if args.skip_bad else None
    if args.shards:
        tables = _build_distributed(args, cluster, lexicon, overrides, None, found)
        rejected.extend(found or ())
    else:
        checked, problems = scan_corpus(Path(args.articles), Path(args.metadata))
        _stop_or_skip(problems, rejected, args.skip_bad)
        tables = _build(args, cluster, lexicon, overrides, checked, found)
        # Name each set-aside article by its file, as the corpus problems do.
        paths = {values["article_id"]: str(path) for values, path in checked}
        rejected.extend(replace(p, file=paths.get(p.article_id, p.file)) for p in found or ())
    extra = {}
    if args.skip_bad:
        extra[REJECTED] = rejected_bytes((p.file, p.line, p.field, p.reason) for p in rejected)
    changed = write_tables(tables, out, extra)
    print(
        f"events: {len(tables.events)} events, {len(tables.mentions)} mentions, "
        f"{len(tables.aggregates)} aggregates -> {args.out} ({len(changed)} file(s) changed)",
        file=sys.stderr,
    )
    if args.skip_bad:
        print(
            f"events: {len(rejected)} bad input(s) set aside in {out / REJECTED}",
            file=sys.stderr,
        )
    return 0


def _stop_or_skip(problems: list[Problem], rejected: list[Problem], skip_bad: bool) -> None:
    """Raise one message listing ``problems``; with ``--skip-bad`` set them aside instead."""
    if not problems:
        return
    if not skip_bad:
        raise UsageError(
            "\n".join(map(str, problems))
            + "\nfix these inputs, or pass --skip-bad to set bad articles aside in rejected.csv"
        )
    rejected.extend(problems)


def _build(args, cluster, lexicon, overrides, checked, found) -> Tables:
    articles = (article_of(values, path) for values, path in checked)
    if not cluster.in_process:
        return _build_distributed(args, cluster, lexicon, overrides, list(articles), found)

    def progress(done: int) -> None:
        print(f"events: {done} articles extracted", file=sys.stderr)

    cache = None if args.no_cache else ExtractionCache(args.cache, lexicon.directory)
    # The clusters of unchanged groups of mentions are kept in the same directory.
    clusters = None if args.no_cache else ClusterCache(args.cache)
    tables = build_tables(articles, lexicon, overrides, progress, cache, found, clusters)
    if cache is not None and clusters is not None:
        print(
            f"events: {cache.hits} article(s) from the cache, {cache.misses} extracted; "
            f"{clusters.hits} group(s) of mentions from the cache, {clusters.misses} clustered",
            file=sys.stderr,
        )
    return tables


def _build_distributed(args, cluster, lexicon, overrides, articles, found) -> Tables:
    shards = find_shards(args.shards) if args.shards else None
    where = cluster.scheduler or "this process"
    print(f"events: extracting on {where}", file=sys.stderr)
    with open_client(cluster) as client:
        return build_tables_distributed(
            articles, lexicon, client, overrides, shards=shards, rejected=found
        )
