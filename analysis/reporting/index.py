"""The index page: every report set and notebook in reading order, with the status of this
build, what each report found in one plain sentence (written from its results file by
:func:`analysis.present.findings.finding`) and links to the pages. The sets' parameters,
codes and all, are kept under a "Parameters" disclosure for tracing; the page itself
names the sides."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.present.findings import finding
from analysis.present.labels import plain_text
from analysis.reporting.render import lock_styles

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STYLESHEET = TEMPLATES / "escalation" / "static" / "report.css"
#: At most this many headline numbers per report (the convention of analysis.present.results).
MAX_HEADLINE = 4
#: ``stale``: this build failed, the last good page and results are kept and shown.
STATUSES = ("ok", "failed", "stale", "skipped-unchanged", "not-built")


@dataclass(frozen=True)
class IndexRow:
    """One notebook of one set."""

    title: str
    status: str
    href: str = ""
    headline: tuple[tuple[str, str], ...] = ()
    error: str = ""
    finding: str = ""


@dataclass(frozen=True)
class IndexSet:
    """One report set and its rows, in reading order."""

    name: str
    title: str
    description: str
    events: str
    parameters: tuple[tuple[str, str], ...]
    rows: tuple[IndexRow, ...]
    sides: str = ""


def notebook_title(path: str | Path) -> str:
    """The first level-1 markdown heading of a notebook, else its file stem."""
    path = Path(path)
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem


def format_number(value: Any) -> str:
    """Headline values as text: whole numbers with thousands separators, other floats to 3
    significant digits, missing as an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def read_headline(
    results_path: str | Path, labels: Mapping[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """The ``headline`` mapping of a results file as (label, text) pairs; empty when the
    file is missing or has none. Keeps the notebook's order, at most :data:`MAX_HEADLINE`;
    side codes in labels and values become plain names."""
    try:
        results = json.loads(Path(results_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    headline = results.get("headline") if isinstance(results, dict) else None
    if not isinstance(headline, dict):
        return ()
    return tuple(
        (plain_text(str(k), labels), plain_text(format_number(v), labels))
        for k, v in list(headline.items())[:MAX_HEADLINE]
    )


def read_finding(results_path: str | Path, labels: Mapping[str, str] | None = None) -> str:
    """What the report found, in one sentence (:func:`analysis.present.findings.finding`);
    for a notebook the findings do not know, its headline numbers in one plain sentence;
    empty when the results file is missing."""
    try:
        results = json.loads(Path(results_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    text = finding(results, labels)
    if text or not isinstance(results, dict):
        return text
    pairs = read_headline(results_path, labels)
    if not pairs:
        return ""
    return (
        "; ".join(
            f"{k[:1].upper() + k[1:] if i == 0 else k}: {v}" for i, (k, v) in enumerate(pairs)
        )
        + "."
    )


def sides_text(parameters: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """The sides of a report set in plain words (``"Insurgent groups (IED attacks only)
    and US-led coalition"``), and its pairing window; empty without sides."""
    parts = []
    for side, types in (("side_a", "types_a"), ("side_b", "types_b")):
        code = parameters.get(side)
        if not code:
            return ""
        kinds = parameters.get(types) or []
        name = plain_text(str(code), labels)
        if isinstance(kinds, list) and kinds:
            name += " (" + ", ".join(map(str, kinds)) + " only)"
        parts.append(name)
    text = f"Sides: {parts[0]} and {parts[1]}"
    window = parameters.get("window_days")
    if isinstance(window, int | float) and not isinstance(window, bool):
        text += (
            f"; an action of the other side within {format_number(window)} days counts as an answer"
        )
    return text + "."


def render_index(sets: Sequence[IndexSet]) -> str:
    """The index page's HTML (autoescaped: titles and numbers cannot inject markup)."""
    # jinja2 loads lazily: a build with nothing to render never needs it.
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    statuses = [row.status for s in sets for row in s.rows]
    counts = {
        "ok": statuses.count("ok"),
        # A stale report failed too: its page is the last good one.
        "failed": statuses.count("failed") + statuses.count("stale"),
        "skipped": statuses.count("skipped-unchanged"),
        "not_built": statuses.count("not-built"),
    }
    page = env.get_template("index.html.j2").render(
        sets=sets, counts=counts, css=STYLESHEET.read_text(encoding="utf-8")
    )
    return lock_styles(page)
