"""PDFs to circulate: each set's brief and each whole set, printed from the same HTML.

Headless Chromium prints the pages (``--print-to-pdf``) with networking off, so the PDF
shows exactly what the page shows. A set's PDF is one document made of the ``<main>`` of
each of its pages in reading order, under the pages' own stylesheet. Without Chromium
nothing is printed and :func:`build_pdfs` says so; the HTML reports are unaffected.

A PDF is printed again only when one of its pages is newer than it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from analysis.files import atomic_write_text
from analysis.reporting.config import ReportSet, load_config

#: Tried in this order; ``ESCALATION_CHROMIUM`` names another binary.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)
PRINT_TIMEOUT = 120
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_MAIN = re.compile(r"<main[^>]*>(.*?)</main>", re.S)


def find_chromium() -> Path | None:
    """The Chromium binary: ``$ESCALATION_CHROMIUM`` if set, else the first of
    :data:`BROWSERS` on the PATH; ``None`` when there is none."""
    named = os.environ.get("ESCALATION_CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def print_pdf(page: Path, pdf: Path, chromium: Path) -> None:
    """Print the HTML file ``page`` to ``pdf`` (written atomically).

    Raises
    ------
    RuntimeError
        When Chromium fails or writes nothing.
    """
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="escalation-pdf-") as tmp:
        target = Path(tmp) / "out.pdf"
        command = [
            str(chromium),
            *FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            Path(page).resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
        if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            raise RuntimeError(f"chromium could not print {page}: {done.stderr[-500:]}")
        partial = pdf.with_name(f".{pdf.name}.tmp")
        shutil.copyfile(target, partial)
        os.replace(partial, pdf)


def combined_page(pages: Sequence[Path], title: str) -> str:
    """One printable HTML document holding the ``<main>`` of each page in order, under the
    first page's stylesheet, with a page break between reports and no script."""
    first = pages[0].read_text(encoding="utf-8")
    style = _STYLE.search(first)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{html.escape(title)}</title>",
        style.group(0) if style else "",
        "<style>.print-report { break-before: page; } .print-report:first-of-type "
        "{ break-before: auto; }</style>",
        "</head><body>",
    ]
    for page in pages:
        found = _MAIN.search(page.read_text(encoding="utf-8"))
        if found:
            parts.append(f'<section class="print-report">{found.group(1)}</section>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _stale(pdf: Path, sources: Sequence[Path]) -> bool:
    if not pdf.is_file():
        return True
    made = pdf.stat().st_mtime
    return any(s.stat().st_mtime > made for s in sources)


def set_pages(out: Path, report_set: ReportSet) -> list[Path]:
    """The set's rendered pages in reading order (those that exist)."""
    pages = [out / report_set.name / f"{nb.stem}.html" for nb in report_set.notebooks]
    return [p for p in pages if p.is_file()]


def build_pdfs(
    config: Path, out: Path, only: Sequence[str] | None = None, force: bool = False
) -> int:
    """Print each set's brief (``OUT/SET/NN_brief.pdf``) and the whole set
    (``OUT/SET.pdf``). Returns 0, also when Chromium is absent (a message says the PDFs
    were skipped), 1 when a page could not be printed."""
    chromium = find_chromium()
    if chromium is None:
        print(
            "escalation reports: --pdf skipped: no Chromium found (install the 'chromium' "
            "package, e.g. `make browser`, or set ESCALATION_CHROMIUM); the HTML reports "
            "are complete",
            file=sys.stderr,
        )
        return 0
    out = Path(out).resolve()
    sets = load_config(Path(config).resolve(), only=only)
    failed = 0
    for report_set in sets:
        pages = set_pages(out, report_set)
        if not pages:
            continue
        jobs = [(p, p.with_suffix(".pdf"), [p]) for p in pages if p.stem.endswith("brief")]
        combined = out / report_set.name / ".print.html"
        jobs.append((combined, out / f"{report_set.name}.pdf", pages))
        for source, pdf, inputs in jobs:
            if not force and not _stale(pdf, inputs):
                continue
            if source == combined:
                atomic_write_text(combined, combined_page(pages, report_set.title))
            try:
                print_pdf(source, pdf, chromium)
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as err:
                failed += 1
                print(f"escalation reports: PDF failed: {err}", file=sys.stderr)
                continue
            print(f"escalation reports: {pdf}", file=sys.stderr)
    return 1 if failed else 0
