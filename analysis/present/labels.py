"""Display labels: the plain names a reader sees instead of side codes.

Side codes (``IRAN_ALIGNED``, ``US_COALITION``) stay in the event tables, the CSVs and the
results files; pages, titles, legends and column headers show labels. Labels come from
two places:

- the ``label`` column of ``data/lexicon/sides.csv`` for the sides of extracted tables;
- the ``labels:`` mapping of a report set in ``reports.yml`` for imported tables, which
  may also override a vocabulary label.

A report set whose sides have no label fails validation before any kernel starts
(:func:`missing_labels`). Inside a notebook, :func:`use` registers the set's mapping so
that the plots and tables of :mod:`analysis.present` say :func:`side_label` of a code.

This module imports only the standard library: ``reports.yml`` validation loads it on the
fast path of a build with nothing to do.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

SIDES_FILE = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "sides.csv"
#: A side code: capitals, digits and underscores, starting with a capital.
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")

_registered: dict[str, str] = {}


@lru_cache(maxsize=4)
def lexicon_labels(path: str | Path = SIDES_FILE) -> dict[str, str]:
    """Map side code -> label from the ``label`` column of a ``sides.csv``.

    Parameters
    ----------
    path
        The vocabulary file; lines starting with ``#`` are comments.

    Returns
    -------
    Codes with a non-empty label (empty when the file or the column is absent).
    """
    path = Path(path)
    if not path.is_file():
        return {}
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    out = {}
    for row in csv.DictReader(lines):
        code, label = (row.get("side") or "").strip(), (row.get("label") or "").strip()
        if code and label:
            out[code] = label
    return out


def label_map(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The vocabulary labels, overridden by ``extra`` and by those registered with :func:`use`."""
    return {**lexicon_labels(), **_registered, **(extra or {})}


def use(mapping: Mapping[str, str] | None) -> None:
    """Register a report set's labels for this process (a notebook calls it once, after
    its parameters cell)."""
    _registered.clear()
    _registered.update({str(k): str(v) for k, v in (mapping or {}).items()})


def side_label(code: object, mapping: Mapping[str, str] | None = None) -> str:
    """The plain name of side ``code``; a subtype key ``CODE:Armed clash`` becomes
    ``"<label>: armed clash"``. Text that is not a known code is returned unchanged."""
    text = "" if code is None else str(code)
    labels = label_map(mapping)
    if text in labels:
        return labels[text]
    side, sep, subtype = text.partition(":")
    if sep and side in labels:
        return f"{labels[side]}: {subtype[:1].lower()}{subtype[1:]}".rstrip(": ")
    return text


def missing_labels(codes: Iterable[str], mapping: Mapping[str, str] | None = None) -> list[str]:
    """The codes among ``codes`` that have no label (vocabulary or ``mapping``), sorted."""
    labels = {**lexicon_labels(), **(mapping or {})}
    return sorted({c for c in codes if c and c.partition(":")[0] not in labels})


def _pattern(codes: Iterable[str]) -> re.Pattern | None:
    codes = sorted((c for c in codes if CODE.match(c)), key=len, reverse=True)
    if not codes:
        return None
    # A code is a whole token: not part of a longer name, a path or an identifier.
    # A subtype key CODE:Subtype keeps its subtype text; only the first letter after the
    # colon is captured (to lower-case it), since where the subtype ends is not known.
    return re.compile(
        r"(?<![A-Za-z0-9_./-])("
        + "|".join(map(re.escape, codes))
        + r")(?![A-Za-z0-9_])(?::([A-Za-z]))?"
    )


def plain_text(
    text: str, mapping: Mapping[str, str] | None = None, *, is_html: bool = False
) -> str:
    """Replace every side code (and subtype key) in ``text`` by its label.

    Parameters
    ----------
    text
        Markdown, plain text or HTML (set ``is_html`` so that labels are escaped).
    mapping
        Labels added to the vocabulary's and the registered ones.
    """
    labels = label_map(mapping)
    pattern = _pattern(labels)
    if pattern is None or not text:
        return text

    def swap(match: re.Match) -> str:
        name = side_label(match.group(1), labels)
        if match.group(2):
            name = f"{name}: {match.group(2).lower()}"
        return html.escape(name, quote=False) if is_html else name

    return pattern.sub(swap, text)
