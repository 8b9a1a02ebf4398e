"""The build step: mentions -> ``events``, ``mentions`` and ``aggregates`` tables.

The work is a pure function, :func:`tables_from_extractions` (and :func:`build_tables`,
which first runs the per-article extractor); :func:`write_tables` validates the tables and
replaces the three files together. ``escalation events``
(:mod:`analysis.commands.events`) adds the I/O at the edges. The output is byte-identical
on every run (sorted rows, fixed number formats, ``\\n`` line ends, no time stamps).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import UsageError
from analysis.events.block_cache import ClusterCache
from analysis.events.blocks import cluster_mentions_fast
from analysis.events.checks import validate_tables
from analysis.events.overrides import Overrides, apply_fields, apply_structure
from analysis.events.plausible import implausible_mentions, set_aside
from analysis.events.reconcile import Cluster, cluster_mentions, mention_bytes, reconcile
from analysis.extract.article import extract_article
from analysis.extract.cache import ExtractionCache
from analysis.extract.corpus import Problem
from analysis.files import replace_files
from analysis.io import csv_bytes
from analysis.records import Aggregate, Article, Extraction, Mention
from analysis.schema import (
    AGGREGATE_COLUMNS,
    DATE_COLUMNS,
    EVENT_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LIST_SEP,
    MENTION_COLUMNS,
)

DEFAULT_ARTICLES = "data/raw/articles"
DEFAULT_METADATA = "data/raw/articles.csv"
DEFAULT_OUT = "data/processed"
DEFAULT_OVERRIDES = "data/codings/overrides.csv"
FILES = ("events.csv", "mentions.csv", "aggregates.csv")
#: Report progress on stderr every this many articles.
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class Tables:
    """The three output tables (see ``data/README.md`` for every column)."""

    events: pd.DataFrame
    mentions: pd.DataFrame
    aggregates: pd.DataFrame


# --- building -----------------------------------------------------------------------


@contextmanager
def cycle_collection(enabled: bool) -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector on or off, then restore it.

    The build holds every mention of the corpus and makes hundreds of thousands of small
    objects without reference cycles (rows, tuples, sets of ids), which reference counting
    frees; the collector would scan the whole growing heap again and again, about half of
    an incremental build's time at 10,000 articles. Extraction runs with it on (parsers may
    leave cycles); whatever cycles the rest leaves are collected once it is back on.

    Every object made with it off is young to it: turned on again, its next collection
    would scan all of them at once (a twentieth of a second after a build of 10,000
    articles, every mention read before the first article not in the cache). So they are
    first moved to its oldest generation (``gc.freeze`` then ``gc.unfreeze``, which moves
    without scanning): their cycles, if any, are collected by its next full collection.
    """
    before = gc.isenabled()

    def switch(on: bool) -> None:
        if on:
            if not gc.isenabled():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
        else:
            gc.disable()

    switch(enabled)
    try:
        yield
    finally:
        switch(before)


def _ints(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = pd.array(list(frame[col]), dtype="Int64")
    return frame


def _floats(frame: pd.DataFrame) -> pd.DataFrame:
    for col in FLOAT_COLUMNS:
        frame[col] = pd.array(
            [float("nan") if v is None else v for v in frame[col]], dtype="float64"
        )
    return frame


def events_frame(rows: list[dict]) -> pd.DataFrame:
    """Event rows (dicts from :func:`analysis.events.reconcile.reconcile`) as a typed DataFrame."""
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col in DATE_COLUMNS:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d")
        frame[col] = frame[col].astype("datetime64[ns]")
    frame = _ints(frame, INT_COLUMNS)
    return _floats(frame)


_MENTION_FIELDS = frozenset(f.name for f in dataclasses.fields(Mention))
#: Columns of the mentions table filled per row (the attrgetter reads the mention id in
#: their place), and columns that are no field of a mention (empty).
_FILLED = ("event_id", "responds_to", "also_event_ids", "apart_from")
_EVENT_AT, _RESPONDS_AT, _ALSO_AT, _APART_AT = (MENTION_COLUMNS.index(c) for c in _FILLED)
_NONE_AT = [
    n for n, c in enumerate(MENTION_COLUMNS) if c not in _MENTION_FIELDS and c not in _FILLED
]
_mention_row = operator.attrgetter(
    *(c if c in _MENTION_FIELDS and c not in _FILLED else "mention_id" for c in MENTION_COLUMNS)
)


def _joined(items: Sequence[str]) -> str:
    """The items sorted and joined by :data:`LIST_SEP` (most lists have one item or none)."""
    return LIST_SEP.join(sorted(items) if len(items) > 1 else items)


def mentions_frame(mentions: Iterable[Mention], clusters: Iterable[Cluster]) -> pd.DataFrame:
    """One row per mention with its event; sorted by article, sentence and position."""
    home, also = {}, {}
    for c in clusters:
        for m in c.members:
            home[m.mention_id] = c.event_id
        for m in c.shared:
            also.setdefault(m.mention_id, []).append(c.event_id)
    # Rows as lists in column order (read with one attrgetter): what a dict per row gives,
    # at a fraction of the cost on a large corpus.
    rows = []
    for m in mentions:
        row = list(_mention_row(m))
        row[_EVENT_AT] = home.get(m.mention_id, "")
        row[_RESPONDS_AT] = _joined(m.responds_to)
        row[_ALSO_AT] = _joined(also.get(m.mention_id, ()))
        row[_APART_AT] = _joined(m.apart_from)
        for n in _NONE_AT:
            row[n] = None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    frame = frame.sort_values(
        ["article_id", "sentence_index", "char_start", "mention_id"], kind="mergesort"
    ).reset_index(drop=True)
    counts = [f"{k}_{p}" for k in ("killed", "injured") for p in ("low", "best", "high")]
    return _floats(_ints(frame, ["sentence_index", "char_start", "char_end", *counts, "sites"]))


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
    extractions: Iterable[Extraction],
    overrides: Overrides | None = None,
    checked: Callable[[list[Mention]], Iterable[tuple[str, str]]] | None = None,
    clusters_cache: ClusterCache | None = None,
    article_keys: Mapping[str, tuple[str, Extraction]] | None = None,
) -> Tables:
    """Reconcile the extractions of many articles into the three validated tables.

    Parameters
    ----------
    extractions
        One :class:`~analysis.records.Extraction` per article.
    overrides
        Hand corrections to apply last; ``None`` gives the raw output.
    checked
        Finds the pairs of mention ids the merge rule allows (for example block by block on
        a cluster); ``None`` finds them in this process
        (:func:`analysis.events.blocks.cluster_mentions_fast`).
    clusters_cache
        Clustering results of earlier builds, per group of mentions
        (:class:`analysis.events.block_cache.ClusterCache`, saved here); only groups whose
        mentions changed are clustered again, and only events whose mentions or links
        changed are merged again. The tables are the same with or without it.
    article_keys
        ``article_id -> (key, extraction)`` of the extractions read through an
        :class:`~analysis.extract.cache.ExtractionCache` (its ``keys``, filled as they are
        read): the keys of the clusters cache then name each mention of such an extraction
        by the extraction's key and its place in it (its values are a function of the key)
        rather than by its values, which would cost more to write out.

    Raises
    ------
    UsageError
        Duplicate mention ids, an override naming an unknown event, or a table that breaks
        its schema (e.g. after an override).
    """
    with cycle_collection(False):
        return _tables(extractions, overrides, checked, clusters_cache, article_keys)


def _tables(extractions, overrides, checked, clusters_cache, article_keys) -> Tables:
    """:func:`tables_from_extractions` (with the collector off)."""
    mentions: list[Mention] = []
    aggregates: list[Aggregate] = []
    cached = clusters_cache is not None and checked is None
    # What the keys of the clusters cache read of each mention, made once for all of them.
    encoded: dict[str, bytes] | None = {} if cached else None
    for extraction in extractions:
        mentions.extend(extraction.mentions)
        aggregates.extend(extraction.aggregates)
        found = (
            article_keys.get(extraction.article_id)
            if encoded is not None and article_keys
            else None
        )
        if found is not None and found[1] is extraction:
            prefix = f"extraction {found[0]} "
            for n, m in enumerate(extraction.mentions):
                encoded[m.mention_id] = f"{prefix}{n}".encode()
    counts = Counter(m.mention_id for m in mentions)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        raise UsageError(f"mention ids occur more than once: {', '.join(dupes[:10])}")
    if encoded is not None:
        encoded.update(mention_bytes(m for m in mentions if m.mention_id not in encoded))
    if checked is None:
        clusters = cluster_mentions_fast(mentions, clusters_cache, encoded)
    else:
        clusters = cluster_mentions(mentions, checked(mentions))
    if overrides is not None:
        clusters = apply_structure(clusters, overrides)
    events = events_frame(reconcile(clusters, clusters_cache if checked is None else None, encoded))
    if checked is None and clusters_cache is not None:
        clusters_cache.save()
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
    cache: ExtractionCache | None = None,
    rejected: list[Problem] | None = None,
    clusters_cache: ClusterCache | None = None,
) -> Tables:
    """Extract every article, check its mentions and build the three tables.

    Parameters
    ----------
    articles
        The articles (a list or a stream from :func:`analysis.extract.corpus.iter_articles`).
    lexicon
        Vocabularies from :func:`analysis.extract.lexicon.load_lexicon`.
    overrides
        Hand corrections (:func:`analysis.events.overrides.load_overrides`); ``None`` for the raw
        output.
    progress
        Called with the number of articles done, every :data:`PROGRESS_EVERY` articles and
        at the end.
    cache
        Extractions kept from earlier runs (:class:`analysis.extract.cache.ExtractionCache`):
        an article whose text, metadata, vocabularies and extractor did not change is not
        read again. The tables are the same with or without it.
    rejected
        ``None``: an article with an implausible mention
        (:func:`analysis.events.plausible.implausible_mentions`) stops the build. A list:
        such articles are left out and their problems appended to it.
    clusters_cache
        Clustering results kept from earlier runs (see :func:`tables_from_extractions`).

    Raises
    ------
    UsageError
        Implausible mentions (every one listed with file, line and field) when
        ``rejected`` is ``None``; see also :func:`tables_from_extractions`.
    """

    def extract(article: Article) -> Extraction:
        with cycle_collection(True):
            return extract_article(article, lexicon)

    def checked():
        done = 0
        for article in articles:
            extraction = extract(article) if cache is None else cache.extract(article, extract)
            yield extraction, implausible_mentions(article, extraction)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
        if progress is not None and done % PROGRESS_EVERY:
            progress(done)

    return tables_from_extractions(
        set_aside(checked(), rejected),
        overrides,
        clusters_cache=clusters_cache,
        article_keys=None if cache is None else cache.keys,
    )


# --- writing ------------------------------------------------------------------------


def write_tables(tables: Tables, out: Path, extra: Mapping[str, bytes] | None = None) -> list[Path]:
    """Write the three tables (and any ``extra`` files, name -> bytes) into ``out`` together.

    Uses :func:`analysis.files.replace_files`: an error leaves every file in ``out`` as it
    was. Files whose bytes are unchanged are not touched. Other files in ``out`` are left
    alone.

    Returns
    -------
    The paths that changed.
    """
    out = Path(out)
    payloads = {
        out / "events.csv": csv_bytes(tables.events),
        out / "mentions.csv": csv_bytes(tables.mentions),
        out / "aggregates.csv": csv_bytes(tables.aggregates),
    }
    payloads.update({out / name: data for name, data in (extra or {}).items()})
    return replace_files(payloads)
