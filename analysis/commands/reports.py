"""``escalation reports``: render every report set of ``reports.yml`` to offline HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.commands.checks import check_out_dir, refuse_overwrite
from analysis.reporting.build import build_reports
from analysis.reporting.pdf import build_pdfs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``escalation reports``."""
    parser.add_argument(
        "--config", type=Path, default=Path("reports.yml"), help="report sets (reports.yml)"
    )
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output directory")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="build only this set (repeatable)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="parallel notebooks (default: cores + 1)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even unchanged reports")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each set's brief and the whole set to PDF (needs Chromium; "
        "skipped with a message when it is absent)",
    )


def run(args: argparse.Namespace) -> int:
    """Build the reports; 0 when all succeeded, 1 when any notebook or PDF failed, 2 on bad
    input."""
    out = check_out_dir(args.out)
    refuse_overwrite([out / "index.html"], [args.config])
    status = build_reports(args.config, out, args.only, args.jobs, args.force)
    if args.pdf:
        status = max(status, build_pdfs(args.config, out, args.only, args.force))
    return status
