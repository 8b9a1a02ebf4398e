"""``escalation describe EVENTS``: what an event table holds and the parameter values to use.

Example::

    escalation describe data/processed/iraq_2007_2008_events.parquet
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.errors import UsageError
from analysis.io import read_events
from analysis.present.describe import describe_events, describe_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``escalation describe``."""
    parser.add_argument(
        "events", type=Path, metavar="EVENTS", help="event table (CSV, Parquet file or dataset)"
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    """Print the description of the table; 0 when done."""
    if not args.events.exists():
        raise UsageError(f"{args.events}: event table not found")
    try:
        events = read_events(args.events)
    except (ValueError, OSError) as err:
        raise UsageError(f"{args.events}: cannot read the event table: {err}") from err
    missing = [c for c in ("event_date", "actor1_side", "actor2_side") if c not in events]
    if missing:
        raise UsageError(
            f"{args.events}: not an event table: missing column(s) {', '.join(missing)}"
        )
    description = describe_events(events)
    if args.json:
        print(json.dumps(description, indent=2, ensure_ascii=False))
    else:
        print(describe_text(description, str(args.events)), end="")
    return 0
