"""``escalation events``: from the articles to ``events.csv``, ``mentions.csv`` and
``aggregates.csv``.

The work is a pure function, :func:`build_tables`; :func:`run` adds the I/O at the edges:
check the corpus and the overrides before any work, validate the tables before anything is
written, then replace the three files together. The output is byte-identical on every run
(sorted rows, fixed number formats, ``\\n`` line ends, no time stamps).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.cli import UsageError
from analysis.corpus import iter_articles, load_corpus
from analysis.io import LIST_SEP
from analysis.overrides import Overrides, apply_fields, apply_structure, load_overrides
from analysis.reconcile import Cluster, cluster_mentions, reconcile
from analysis.records import Aggregate, Article, Extraction, Mention
from analysis.schema import AGGREGATE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS, validate_tables

DEFAULT_ARTICLES = "data/raw/articles"
DEFAULT_METADATA = "data/raw/articles.csv"
DEFAULT_OUT = "data/processed"
DEFAULT_OVERRIDES = "data/codings/overrides.csv"
FILES = ("events.csv", "mentions.csv", "aggregates.csv")
#: Report progress on stderr every this many articles.
PROGRESS_EVERY = 100
_DATES = ("event_date", "date_start", "date_end")
_FLOATS = ("latitude", "longitude")


@dataclass(frozen=True)
class Tables:
    """The three output tables (see ``data/README.md`` for every column)."""

    events: pd.DataFrame
    mentions: pd.DataFrame
    aggregates: pd.DataFrame


# --- building -----------------------------------------------------------------------


def _ints(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = pd.array(list(frame[col]), dtype="Int64")
    return frame


def _floats(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _FLOATS:
        frame[col] = pd.array(
            [float("nan") if v is None else v for v in frame[col]], dtype="float64"
        )
    return frame


def events_frame(rows: list[dict]) -> pd.DataFrame:
    """Event rows (dicts from :func:`analysis.reconcile.reconcile`) as a typed DataFrame."""
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col in _DATES:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d")
        frame[col] = frame[col].astype("datetime64[ns]")
    frame = _ints(frame, [c for c in EVENT_COLUMNS if c.startswith(("fatalities", "injured"))])
    frame = _ints(frame, ["number_of_sources"])
    return _floats(frame)


def mentions_frame(mentions: Iterable[Mention], clusters: Iterable[Cluster]) -> pd.DataFrame:
    """One row per mention with its event; sorted by article, sentence and position."""
    home, also = {}, {}
    for c in clusters:
        for m in c.members:
            home[m.mention_id] = c.event_id
        for m in c.shared:
            also.setdefault(m.mention_id, []).append(c.event_id)
    rows = []
    for m in mentions:
        row = {col: getattr(m, col, None) for col in MENTION_COLUMNS}
        row["event_id"] = home.get(m.mention_id, "")
        row["responds_to"] = LIST_SEP.join(sorted(m.responds_to))
        row["also_event_ids"] = LIST_SEP.join(sorted(also.get(m.mention_id, [])))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    frame = frame.sort_values(
        ["article_id", "sentence_index", "char_start", "mention_id"], kind="mergesort"
    ).reset_index(drop=True)
    counts = [f"{k}_{p}" for k in ("killed", "injured") for p in ("low", "best", "high")]
    return _floats(_ints(frame, ["sentence_index", "char_start", "char_end", *counts]))


def aggregate_id(a: Aggregate) -> str:
    """Stable id of an aggregate claim: ``AG-`` and 10 hex digits of its position's sha1."""
    key = f"{a.article_id}:{a.sentence_index}:{a.char_start}:{a.char_end}"
    return "AG-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def aggregates_frame(aggregates: Iterable[Aggregate]) -> pd.DataFrame:
    """One row per aggregate claim, sorted by article, sentence and position."""
    rows = []
    for a in aggregates:
        row = {col: getattr(a, col, None) for col in AGGREGATE_COLUMNS}
        row["aggregate_id"] = aggregate_id(a)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))
    frame = frame.sort_values(
        ["article_id", "sentence_index", "char_start", "aggregate_id"], kind="mergesort"
    ).reset_index(drop=True)
    return _ints(frame, ["sentence_index", "char_start", "char_end", "count_low", "count_high"])


def tables_from_extractions(
    extractions: Iterable[Extraction], overrides: Overrides | None = None
) -> Tables:
    """Reconcile the extractions of many articles into the three validated tables.

    Parameters
    ----------
    extractions
        One :class:`~analysis.records.Extraction` per article.
    overrides
        Hand corrections to apply last; ``None`` gives the raw output.

    Raises
    ------
    UsageError
        Duplicate mention ids, an override naming an unknown event, or a table that breaks
        its schema (e.g. after an override).
    """
    mentions: list[Mention] = []
    aggregates: list[Aggregate] = []
    for extraction in extractions:
        mentions.extend(extraction.mentions)
        aggregates.extend(extraction.aggregates)
    counts = Counter(m.mention_id for m in mentions)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        raise UsageError(f"mention ids occur more than once: {', '.join(dupes[:10])}")
    clusters = cluster_mentions(mentions)
    if overrides is not None:
        clusters = apply_structure(clusters, overrides)
    events = events_frame(reconcile(clusters))
    if overrides is not None:
        events = apply_fields(events, overrides)
    tables = validate_tables(
        events, mentions_frame(mentions, clusters), aggregates_frame(aggregates)
    )
    return Tables(*tables)


def build_tables(
    articles: Iterable[Article],
    lexicon,
    overrides: Overrides | None = None,
    progress: Callable[[int], None] | None = None,
) -> Tables:
    """Extract every article and build the three tables.

    Parameters
    ----------
    articles
        The articles (a list or a stream from :func:`analysis.corpus.iter_articles`).
    lexicon
        Vocabularies from :func:`analysis.lexicon.load_lexicon`.
    overrides
        Hand corrections (:func:`analysis.overrides.load_overrides`); ``None`` for the raw
        output.
    progress
        Called with the number of articles done, every :data:`PROGRESS_EVERY` articles and
        at the end.
    """
    from analysis.extract import extract_article

    def extractions():
        done = 0
        for article in articles:
            yield extract_article(article, lexicon)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
        if progress is not None and done % PROGRESS_EVERY:
            progress(done)

    return tables_from_extractions(extractions(), overrides)


# --- writing ------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if value != value else f"{value:.5f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV bytes of a table: UTF-8, ``\\n`` line ends, ISO dates, whole numbers without
    ``.0``, coordinates with 5 decimals, empty cells for unknown values."""
    text = frame.astype(object).map(_cell)
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_tables(tables: Tables, out: Path) -> list[Path]:
    """Write the three tables into ``out`` together.

    All three files are first written to a temporary directory inside ``out`` and only
    then moved over the old ones; if a move fails, the files already moved are put back,
    so an error leaves ``out`` as it was. Files whose bytes
    are unchanged are not touched. Other files in ``out`` are left alone.

    Returns
    -------
    The paths that changed.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    payloads = {
        "events.csv": csv_bytes(tables.events),
        "mentions.csv": csv_bytes(tables.mentions),
        "aggregates.csv": csv_bytes(tables.aggregates),
    }
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".events-"))
    try:
        staged = {}
        for name, data in payloads.items():
            target = out / name
            if target.exists() and target.read_bytes() == data:
                continue
            path = staging / name
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            staged[name] = path
        _replace_all(staged, out, staging)
        return [out / name for name in staged]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_all(staged: dict[str, Path], out: Path, staging: Path) -> None:
    """Move the staged files into ``out``, restoring the old files if any move fails."""
    backup = staging / "previous"
    backup.mkdir()
    done: list[str] = []
    try:
        for name, path in staged.items():
            if (out / name).exists():
                shutil.copy2(out / name, backup / name)
            os.replace(path, out / name)
            done.append(name)
    except BaseException:
        for name in done:
            if (backup / name).exists():
                os.replace(backup / name, out / name)
            else:
                (out / name).unlink(missing_ok=True)
        raise


# --- command ------------------------------------------------------------------------


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
    from analysis.cluster import add_cluster_arguments
    from analysis.distributed import add_shard_arguments

    add_shard_arguments(parser)
    add_cluster_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Build and write the tables; return 0 (bad input raises ``UsageError``).

    Without ``--scheduler`` or ``--shards`` everything runs in this process; with them the
    same extraction and reconciliation run through :mod:`analysis.distributed`, giving
    byte-identical tables.
    """
    from analysis.cluster import open_client, options_from_args
    from analysis.lexicon import load_lexicon

    cluster = options_from_args(args)
    overrides = None if args.no_overrides else load_overrides(args.overrides)
    lexicon = load_lexicon(args.lexicon)
    if args.shards or not cluster.in_process:
        tables = _build_distributed(args, cluster, lexicon, overrides, open_client)
    else:

        def progress(done: int) -> None:
            print(f"events: {done} articles extracted", file=sys.stderr)

        articles = iter_articles(Path(args.articles), Path(args.metadata))
        tables = build_tables(articles, lexicon, overrides, progress)
    changed = write_tables(tables, Path(args.out))
    print(
        f"events: {len(tables.events)} events, {len(tables.mentions)} mentions, "
        f"{len(tables.aggregates)} aggregates -> {args.out} ({len(changed)} file(s) changed)",
        file=sys.stderr,
    )
    return 0


def _build_distributed(args, cluster, lexicon, overrides, open_client) -> Tables:
    from analysis.distributed import build_tables_distributed
    from analysis.shards import find_shards

    shards = find_shards(args.shards) if args.shards else None
    articles = None if shards else load_corpus(Path(args.articles), Path(args.metadata))
    where = cluster.scheduler or "this process"
    print(f"events: extracting on {where}", file=sys.stderr)
    with open_client(cluster) as client:
        return build_tables_distributed(articles, lexicon, client, overrides, shards=shards)
