"""``escalation import``: convert external event files into the project's event table.

Example::

    escalation import --format iraq data/external/iraq-2007-2008/*.csv.gz \\
        --out data/processed/iraq_2007_2008_events.parquet
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.importers.common import validated
from analysis.importers.dispatch import FORMATS, import_events, stream_events
from analysis.importers.parquet_sink import write_dataset
from analysis.io import output_kind, write_events


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``escalation import``."""
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="input CSV file(s)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="format of the inputs")
    parser.add_argument(
        "--out",
        required=True,
        help="event table to write: .parquet, .csv or .csv.gz, or a directory (no suffix) "
        "for a Parquet dataset partitioned by year; written only if all inputs read",
    )
    parser.add_argument(
        "--mapping",
        help="YAML file: side map for acled/ucdp, column mapping for mapped (required there)",
    )
    parser.add_argument("--origin", help="value of the origin column (default: per format)")
    parser.add_argument(
        "--chunksize", type=int, default=None, help="rows read at a time (default 100000)"
    )


def run(args: argparse.Namespace) -> int:
    """Import, validate against the event schema, then write the table atomically.

    Any error leaves ``--out`` untouched.
    """
    if Path(args.out).suffix == "":
        return _run_dataset(args)
    output_kind(args.out)
    events = import_events(
        args.format,
        args.inputs,
        mapping=args.mapping,
        origin=args.origin,
        chunksize=args.chunksize,
    )
    write_events(validated(events), args.out)
    first, last = events["event_date"].min(), events["event_date"].max()
    print(
        f"escalation import: wrote {len(events)} events "
        f"({first:%Y-%m-%d} to {last:%Y-%m-%d}) to {args.out}"
    )
    return 0


def _run_dataset(args: argparse.Namespace) -> int:
    """Stream the inputs into a year-partitioned Parquet dataset at ``--out``."""

    chunks = stream_events(
        args.format,
        args.inputs,
        mapping=args.mapping,
        origin=args.origin,
        chunksize=args.chunksize,
    )
    counts = write_dataset(chunks, args.out)
    years = ", ".join(f"{year}: {n}" for year, n in sorted(counts.items()))
    print(
        f"escalation import: wrote {sum(counts.values())} events to the dataset {args.out} "
        f"({years})",
        file=sys.stderr,
    )
    return 0
