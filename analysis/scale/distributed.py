"""Extraction and reconciliation on a Dask cluster, giving the same tables as in-process.

Extraction is a pure function of one article and the lexicon, so it maps over articles
in partitions: from a list of articles (``dask.bag.from_sequence``) or from shards, each
partition reading its own shard on the worker (:mod:`analysis.scale.shards`). The lexicon is
shipped to every worker once (``client.scatter(..., broadcast=True)``), not once per
task. Results come back in input order.

Reconciliation runs once on the gathered extractions, with the clustering and table
assembly of :func:`analysis.events.build.tables_from_extractions`
(:func:`analysis.events.blocks.cluster_mentions_fast`, which never lists compatible pairs:
one long article's thousands of compatible pairs made shipping them from the workers
quadratic), so the tables are byte-identical to :func:`analysis.events.build.build_tables`.
:func:`compatible_pairs` still checks the candidate blocks in parallel on the workers for
callers that want the pairs themselves.

A worker that dies mid-run is replaced and its tasks rerun (Dask retries a task whose
worker died up to ``distributed.scheduler.allowed-failures`` times); past that the run
fails with :class:`DistributedRunError` and nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from analysis.errors import UsageError
from analysis.events.build import tables_from_extractions
from analysis.events.plausible import extract_checked, set_aside
from analysis.events.reconcile import candidate_blocks, why_different
from analysis.extract.article import extract_article
from analysis.extract.corpus import Problem
from analysis.records import Article, Extraction, Mention
from analysis.scale.shards import check_unique_ids, read_shard

#: Articles per partition: large enough to amortise task overhead (about a millisecond),
#: small enough that a lost worker costs little to redo.
DEFAULT_PARTITION_SIZE = 200


class DistributedRunError(RuntimeError):
    """A cluster run failed for a reason other than bad input (e.g. workers kept dying)."""


# --------------------------------------------------------------------------- adapters


def _extract_function() -> Callable[[Article, Any], Extraction]:
    """The one extraction function of the project."""

    return extract_article


def _tables_from_extractions(extractions: Sequence[Extraction], overrides: Any, client: Any):
    """The one reconciliation and table assembly of the project, in this process."""
    return tables_from_extractions(extractions, overrides)


# --------------------------------------------------------------------------- mapping


def map_articles(
    func: Callable[[Article, Any], Any],
    articles: Sequence[Article],
    shared: Any,
    client: Any = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> list[Any]:
    """``[func(article, shared) for article in articles]``, on a cluster when given one.

    Parameters
    ----------
    func
        A pure function of one article and a shared object (the lexicon).
    articles
        The articles, in the order the results are wanted.
    shared
        Sent to each worker once.
    client
        A ``distributed.Client``, or ``None`` to run in this process.
    partition_size
        Articles per task.
    """
    if client is None:
        return [func(article, shared) for article in articles]
    # dask loads lazily: in-process runs never need it.
    import dask.bag as db

    shared_future = client.scatter(shared, broadcast=True, hash=False)
    bag = db.from_sequence(list(articles), partition_size=max(1, partition_size))
    mapped = bag.map_partitions(_apply_partition, func, shared_future)
    return _compute(client, mapped)


def _apply_partition(articles: Iterable[Article], func, shared) -> list[Any]:
    return [func(article, shared) for article in articles]


def map_shards(
    func: Callable[[Article, Any], Any],
    shard_paths: Sequence[str | os.PathLike],
    shared: Any,
    client: Any = None,
    rejected: list[Problem] | None = None,
) -> list[Any]:
    """Apply ``func`` to every article of every shard, one task per shard.

    Each shard is read and validated where its task runs. Article ids must be unique
    across shards (checked when the results are gathered, before anything is returned).
    With a ``rejected`` list, bad rows are appended to it (in shard order) and left out
    instead of raising (see :func:`analysis.scale.shards.read_shard`).

    Raises
    ------
    analysis.errors.UsageError
        A bad shard (named, with its line) or an id found in two shards.
    """

    paths = [str(p) for p in shard_paths]
    skip = rejected is not None
    if client is None:
        parts = [_shard_task(path, func, shared, skip) for path in paths]
    else:
        # dask loads lazily: in-process runs never need it.
        import dask.bag as db

        shared_future = client.scatter(shared, broadcast=True, hash=False)
        bag = db.from_sequence(paths, npartitions=max(1, len(paths)))
        parts = _compute(client, bag.map(_shard_task, func, shared_future, skip))
    check_unique_ids([(Path(p).name, ids) for p, (ids, _, _) in zip(paths, parts, strict=True)])
    if rejected is not None:
        rejected.extend(problem for _, _, problems in parts for problem in problems)
    return [result for _, results, _ in parts for result in results]


def _shard_task(path: str, func, shared, skip: bool = False):
    """``(ids, results, problems)`` of one shard, read where the task runs."""
    problems: list[Problem] = []
    articles = read_shard(path, problems if skip else None)
    return [a.article_id for a in articles], [func(a, shared) for a in articles], problems


def _compute(client: Any, collection) -> list[Any]:
    # distributed loads lazily: in-process runs never need it.
    from distributed import KilledWorker

    try:
        return list(client.compute(collection).result())
    except KilledWorker as err:
        raise DistributedRunError(
            f"a task failed on {err.last_worker.address if err.last_worker else 'a worker'} "
            "after its workers died repeatedly (out of memory?); nothing was written. "
            "Give the workers more memory (--memory-limit) or fewer articles per task."
        ) from err


# --------------------------------------------------------------------------- extraction


def extract_articles(
    articles: Sequence[Article], lexicon: Any, client: Any = None
) -> list[Extraction]:
    """Extract every article (``analysis.extract.article.extract_article``), in input order."""
    return map_articles(_extract_function(), articles, lexicon, client)


def extract_shards(
    shard_paths: Sequence[str | os.PathLike], lexicon: Any, client: Any = None
) -> list[Extraction]:
    """Extract every article of the shards, in shard order then row order."""
    return map_shards(_extract_function(), shard_paths, lexicon, client)


# --------------------------------------------------------------------------- reconciliation


def compatible_pairs(mentions: Sequence[Mention], client: Any = None) -> list[tuple[str, str]]:
    """Pairs of mention ids that the merge rule allows, checked block by block.

    Uses :func:`analysis.events.reconcile.candidate_blocks` and
    :func:`analysis.events.reconcile.why_different`; blocks are checked in parallel on a cluster.

    Returns
    -------
    Sorted ``(id, id)`` pairs (smaller id first), each once.
    """

    blocks = [block for block in candidate_blocks(mentions) if len(block) > 1]
    if client is None:
        found = [_block_pairs(block) for block in blocks]
    else:
        # dask loads lazily: in-process runs never need it.
        import dask.bag as db

        bag = db.from_sequence(blocks, partition_size=max(1, len(blocks) // 64 or 1))
        found = _compute(client, bag.map(_block_pairs))
    return sorted({pair for pairs in found for pair in pairs})


def _block_pairs(block: Sequence[Mention]) -> list[tuple[str, str]]:

    out = []
    for a, b in combinations(block, 2):
        if why_different(a, b) is None:
            out.append(tuple(sorted((a.mention_id, b.mention_id))))
    return out


# --------------------------------------------------------------------------- tables


def build_tables_distributed(
    articles: Sequence[Article] | None,
    lexicon: Any,
    client: Any = None,
    overrides: Any = None,
    shards: Sequence[str | os.PathLike] | None = None,
    rejected: list[Problem] | None = None,
):
    """Distributed :func:`analysis.events.build.build_tables`: same inputs, same tables.

    Parameters
    ----------
    articles
        The articles (``None`` when reading ``shards``).
    lexicon
        From :func:`analysis.extract.lexicon.load_lexicon`.
    client
        A ``distributed.Client``; ``None`` runs everything in this process.
    overrides
        Hand corrections, as for ``build_tables``.
    shards
        Shard files to read on the workers instead of ``articles``.
    rejected
        As for ``build_tables``: ``None`` stops on an implausible mention (checked on the
        workers, :mod:`analysis.events.plausible`) or a bad shard row; a list collects the
        problems (bad rows first, shard by shard) and those articles are left out.

    Returns
    -------
    ``analysis.events.build.Tables`` (events, mentions, aggregates).
    """
    if (articles is None) == (shards is None):
        raise UsageError("give either articles or shards")
    if shards is not None:
        checked = map_shards(extract_checked, shards, lexicon, client, rejected)
    else:
        checked = map_articles(extract_checked, articles, lexicon, client)
    extractions = list(set_aside(checked, rejected))
    return _tables_from_extractions(extractions, overrides, client)


def add_shard_arguments(parser) -> None:
    """Add ``--shards PATH`` (a shard file or directory) to ``escalation events``."""
    parser.add_argument(
        "--shards",
        default=None,
        metavar="PATH",
        help="read the articles from Parquet or JSON-lines shards (file or directory) "
        "instead of --articles/--metadata",
    )
