"""Plain names on the page: side codes in an executed notebook's prose and outputs become
their labels before the page is rendered.

The notebooks and the library already say labels where they can (figures, tables); this
pass is the guarantee for text written from results (summaries, captions), so that a code
never reaches page prose, titles or column headers. Direction keys (``A->B``: the second
side's events after the first's) become the two sides' names with an arrow, when the
notebook's sides are known. Source code is not shown on the pages
and is left alone; the provenance block, which quotes the parameters as code, is rendered
from the build's own record and not touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from analysis.present.labels import plain_text, side_label

#: Output types whose text is rewritten; images and JSON are left as they are.
TEXT_TYPES = {"text/markdown": False, "text/plain": False, "text/html": True}


_DIRECTION = re.compile(r"\b([AB])(?:->|-&gt;)([AB])\b")


def plain_directions(
    text: str, sides: Mapping[str, str] | None, labels: Mapping[str, str], is_html: bool
) -> str:
    """Replace each direction key ``A->B`` / ``B->A`` in ``text`` by the sides' names
    (``sides`` maps ``"A"`` and ``"B"`` to codes); unchanged without ``sides``."""
    if not sides or not text or "-" not in text:
        return text
    names = {k: side_label(sides.get(k) or f"side {k}", labels) for k in ("A", "B")}
    if is_html:
        names = {k: html.escape(v, quote=False) for k, v in names.items()}
    return _DIRECTION.sub(lambda m: f"{names[m.group(1)]} → {names[m.group(2)]}", text)


def _one(value: str, labels: Mapping[str, str], is_html: bool, sides: Any) -> str:
    return plain_directions(plain_text(value, labels, is_html=is_html), sides, labels, is_html)


def _rewrite(
    value: Any, labels: Mapping[str, str], is_html: bool, sides: Mapping[str, str] | None = None
) -> Any:
    if isinstance(value, list):
        return [_one(v, labels, is_html, sides) for v in value]
    if isinstance(value, str):
        return _one(value, labels, is_html, sides)
    return value


def relabel_notebook(
    notebook: Any,
    labels: Mapping[str, str] | None = None,
    sides: Mapping[str, str] | None = None,
) -> Any:
    """Rewrite side codes to labels in the markdown cells and the text outputs of
    ``notebook`` (an nbformat node, changed in place and returned); with ``sides``
    (``{"A": code, "B": code}``), direction keys in outputs too."""
    labels = dict(labels or {})
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _rewrite(cell.source, labels, False)
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if "text" in output and output.get("output_type") == "stream":
                continue  # logs and warnings are shown as written
            data = output.get("data")
            if not data:
                continue
            for mime, is_html in TEXT_TYPES.items():
                if mime in data:
                    data[mime] = _rewrite(data[mime], labels, is_html, sides)
            if "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/html"] = drop_range_index(text)
    return notebook


_INDEX_HEAD = re.compile(r"(<thead>\s*<tr[^>]*>)\s*<th></th>")
_INDEX_CELL = re.compile(r"(<tr[^>]*>)\s*<th>(\d+)</th>")


def drop_range_index(table: str) -> str:
    """Remove the index column of a pandas ``DataFrame.to_html`` table when the index is
    just the row number (0, 1, 2, ...): it means nothing to a reader. Other tables are
    returned unchanged."""
    if 'class="dataframe' not in table or not _INDEX_HEAD.search(table):
        return table
    numbers = [int(m.group(2)) for m in _INDEX_CELL.finditer(table)]
    if numbers != list(range(len(numbers))):
        return table
    return _INDEX_CELL.sub(r"\1", _INDEX_HEAD.sub(r"\1", table))
