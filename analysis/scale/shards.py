"""A corpus stored as shards: Parquet or JSON-lines files of articles with their text.

A large corpus does not fit the one-file-per-article layout of ``data/raw/``. Each shard
holds rows with the columns :data:`SHARD_COLUMNS`; a shard is read and validated on its
own, so that a cluster worker can read its shards without seeing the others. A bad shard
raises :class:`analysis.errors.UsageError` naming the shard (and the line of a JSON-lines
file) and the problem; the commands check every shard before writing anything.

A bad *row* (a field missing, empty or malformed, a bad text, a repeated id, a line that
is not a JSON object) can instead be set aside: :func:`read_shard` with a ``rejected`` list
appends a :class:`~analysis.extract.corpus.Problem` (shard, line or row, field) and reads
on. A shard that cannot be read at all always raises.

Shard names sort in the order their articles are read; the extraction output does not
depend on that order (events are sorted by id), only the error reported first does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from analysis.errors import UsageError
from analysis.extract.corpus import Problem, check_published, text_problem
from analysis.records import Article

#: Columns of a shard, in this order when written.
SHARD_COLUMNS = ("article_id", "outlet", "title", "author", "published", "url", "text")
#: Columns that must hold a non-empty value.
REQUIRED_NONEMPTY = ("article_id", "published", "text")
#: File name endings recognised as shards.
SHARD_SUFFIXES = (".parquet", ".jsonl", ".ndjson")


def find_shards(path: str | os.PathLike) -> list[Path]:
    """Return the shard files at ``path`` (one shard, or a directory of them), sorted.

    Raises
    ------
    analysis.errors.UsageError
        When ``path`` does not exist, is a file of another kind, or is a directory
        without shards.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"shards not found: {path}")
    if path.is_file():
        if path.suffix not in SHARD_SUFFIXES:
            raise UsageError(f"{path}: not a shard (expected {', '.join(SHARD_SUFFIXES)})")
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SHARD_SUFFIXES)
    if not found:
        raise UsageError(f"{path}: no shard files ({', '.join(SHARD_SUFFIXES)}) in directory")
    return found


class BadRow(UsageError):
    """A bad row of a shard: ``str()`` is the whole message; ``field`` and ``reason`` its parts."""

    def __init__(self, where: str, field: str, reason: str, message: str | None = None):
        super().__init__(message or f"{where}, field {field}: {reason}")
        self.field, self.reason = field, reason


def read_shard(path: str | os.PathLike, rejected: list[Problem] | None = None) -> list[Article]:
    """Read and validate one shard.

    Parameters
    ----------
    path
        A ``.parquet`` file or a JSON-lines file (``.jsonl``/``.ndjson``, one JSON object
        per line, UTF-8).
    rejected
        ``None``: a bad row raises. A list: each bad row is appended to it as a
        :class:`~analysis.extract.corpus.Problem` (file ``<shard name>``, its line or row
        number, the field) and left out.

    Returns
    -------
    The shard's articles in file order. ``Article.file`` holds ``"<shard name>#<row>"`` (row
    counted from 1) so that every extracted event can be traced to its source row.

    Raises
    ------
    analysis.errors.UsageError
        On unreadable files, missing columns, empty ids, texts or dates, dates that are
        not ISO ``YYYY-MM-DD``, non-text values, or an id repeated within the shard.
    """
    path = Path(path)
    rows = _parquet_rows(path) if path.suffix == ".parquet" else _jsonl_rows(path)
    articles: list[Article] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        where = _where(path, number)
        try:
            if isinstance(row, BadRow):
                raise row
            article = _to_article(row, where, f"{path.name}#{number}")
            if article.article_id in seen:
                raise BadRow(
                    where,
                    "article_id",
                    f"repeats row {seen[article.article_id]}; ids must be unique",
                    f"{where}: article_id {article.article_id!r} repeats row "
                    f"{seen[article.article_id]}",
                )
        except BadRow as err:
            if rejected is None:
                raise
            article_id = row.get("article_id") if isinstance(row, dict) else ""
            rejected.append(
                Problem(
                    path.name,
                    number,
                    err.field,
                    err.reason,
                    article_id if isinstance(article_id, str) else "",
                )
            )
            continue
        seen[article.article_id] = number
        articles.append(article)
    return articles


def iter_shard_articles(paths: Iterable[str | os.PathLike]) -> Iterator[Article]:
    """Yield the articles of each shard in turn, validating shard by shard.

    Article ids must be unique across shards too; a repeat raises ``UsageError`` naming
    both shards.
    """
    first_seen: dict[str, str] = {}
    for path in paths:
        for article in read_shard(path):
            shard = Path(path).name
            if article.article_id in first_seen:
                raise UsageError(
                    f"{shard}: article_id {article.article_id!r} is also in "
                    f"{first_seen[article.article_id]}"
                )
            first_seen[article.article_id] = shard
            yield article


def check_unique_ids(ids_by_shard: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Raise ``UsageError`` when an article id appears in two shards.

    ``ids_by_shard`` pairs each shard name with its article ids; used by the distributed
    path, where each worker validates its own shards and only the ids travel back.
    """
    first_seen: dict[str, str] = {}
    for shard, ids in ids_by_shard:
        for article_id in ids:
            if article_id in first_seen:
                raise UsageError(
                    f"{shard}: article_id {article_id!r} is also in {first_seen[article_id]}"
                )
            first_seen[article_id] = shard


def write_shards(
    articles: Sequence[Article],
    out_dir: str | os.PathLike,
    per_shard: int,
    fmt: str = "jsonl",
) -> list[Path]:
    """Write ``articles`` as shards of ``per_shard`` rows into ``out_dir``.

    File names are ``part-00000.<fmt>`` onwards, so they sort in write order. Written
    with sorted keys and no timestamps: the same articles give the same bytes.

    Parameters
    ----------
    fmt
        ``"jsonl"`` or ``"parquet"``.
    """
    if per_shard < 1:
        raise ValueError("per_shard must be positive")
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"unknown shard format {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, begin in enumerate(range(0, len(articles), per_shard)):
        chunk = [_to_row(a) for a in articles[begin : begin + per_shard]]
        path = out / f"part-{index:05d}.{fmt}"
        if fmt == "jsonl":
            lines = (json.dumps(row, ensure_ascii=False, sort_keys=True) for row in chunk)
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        else:
            # pyarrow loads lazily: JSON-lines shards never need it.
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.table({col: [row[col] for row in chunk] for col in SHARD_COLUMNS})
            pq.write_table(table, path)
        paths.append(path)
    return paths


def _to_row(article: Article) -> dict[str, str]:
    return {
        "article_id": article.article_id,
        "outlet": article.outlet,
        "title": article.title,
        "author": article.author,
        "published": article.published.isoformat(),
        "url": article.url,
        "text": article.text,
    }


def _where(path: Path, number: int) -> str:
    return (
        f"{path.name} line {number}" if path.suffix != ".parquet" else f"{path.name} row {number}"
    )


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path.name}: cannot read shard ({err.strerror})") from err
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                where = f"{path.name} line {number}"
                if not line.strip():
                    yield number, BadRow(where, "row", "empty line", f"{where}: empty line")
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    reason = f"not valid JSON ({err.msg})"
                    yield number, BadRow(where, "row", reason, f"{where}: {reason}")
                    continue
                if not isinstance(row, dict):
                    reason = "expected a JSON object"
                    yield number, BadRow(where, "row", reason, f"{where}: {reason}")
                    continue
                yield number, row
        except UnicodeDecodeError as err:
            raise UsageError(f"{path.name}: not UTF-8 text ({err.reason})") from err


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict]]:
    # pyarrow loads lazily: JSON-lines shards never need it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise UsageError(f"{path.name}: not a readable Parquet file ({err})") from err
    missing = [c for c in SHARD_COLUMNS if c not in table.column_names]
    if missing:
        raise UsageError(f"{path.name}: missing column(s) {', '.join(missing)}")
    columns = {c: table.column(c).to_pylist() for c in SHARD_COLUMNS}
    for index in range(table.num_rows):
        yield index + 1, {c: columns[c][index] for c in SHARD_COLUMNS}


def _to_article(row: dict, where: str, file_ref: str) -> Article:
    missing = [c for c in SHARD_COLUMNS if c not in row]
    if missing:
        reason = f"missing field(s) {', '.join(missing)}"
        raise BadRow(where, missing[0], reason, f"{where}: {reason}")
    values: dict[str, str] = {}
    for col in SHARD_COLUMNS:
        value = row[col]
        if value is None:
            value = ""
        if col == "published" and isinstance(value, dt.date):
            value = value.isoformat()
        if not isinstance(value, str):
            reason = f"must be text, got {type(value).__name__}"
            raise BadRow(where, col, reason, f"{where}: {col} {reason}")
        values[col] = value
    for col in REQUIRED_NONEMPTY:
        if not values[col].strip():
            raise BadRow(where, col, "is empty", f"{where}: {col} is empty")
    try:
        published = dt.date.fromisoformat(values["published"][:10])
    except ValueError as err:
        reason = f"{values['published']!r} is not an ISO date (YYYY-MM-DD)"
        raise BadRow(where, "published", reason, f"{where}: published {reason}") from err
    problem = check_published(published.isoformat())
    if problem:
        raise BadRow(where, "published", problem)
    found = text_problem(values["text"])
    if found:
        reason = f"{found[1]} (line {found[0]} of the text)"
        raise BadRow(
            where,
            "text",
            reason,
            f"{where}, field text (line {found[0]} of the text): {found[1]}",
        )
    return Article(
        article_id=values["article_id"],
        file=file_ref,
        outlet=values["outlet"],
        title=values["title"],
        author=values["author"],
        published=published,
        url=values["url"],
        text=values["text"],
    )


def recombined_corpus(
    seed_articles: Sequence[Article],
    n: int,
    seed: int = 0,
    sentences_per_article: tuple[int, int] = (3, 9),
    places: Sequence[str] = ("Baghdad", "Anbar", "Babil", "Kirkuk", "Erbil", "Karbala", "Nineveh"),
) -> list[Article]:
    """A synthetic corpus of ``n`` articles made of the seed articles' real sentences.

    Each article takes a seeded random run of sentences from one seed article (so that
    relative dates and references keep their context), a publication date shifted by up
    to two years and, where a known place name occurs, another place. Used to test and
    time extraction at scale; the same arguments give the same articles.
    """

    rng = random.Random(seed)
    pattern = re.compile("|".join(re.escape(p) for p in places))
    split = [re.split(r"(?<=[.!?])\s+", a.text.strip()) for a in seed_articles]
    out = []
    for i in range(n):
        k = rng.randrange(len(seed_articles))
        source, sentences = seed_articles[k], split[k]
        size = min(len(sentences), rng.randint(*sentences_per_article))
        first = rng.randrange(len(sentences) - size + 1)
        place = rng.choice(list(places))
        text = " ".join(sentences[first : first + size])
        text = pattern.sub(place, text)
        shift = dt.timedelta(days=rng.randrange(-365, 365))
        out.append(
            Article(
                article_id=f"syn-{i:06d}",
                file="",
                outlet=source.outlet,
                title=source.title,
                author=source.author,
                published=source.published + shift,
                url="",
                text=text + "\n",
            )
        )
    return out
