"""``escalation import``: convert external event files into the project's event table.

Example::

    escalation import --format iraq data/external/iraq-2007-2008/*.csv.gz \\
        --out data/processed/iraq_2007_2008_events.parquet
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from analysis.commands.checks import check_out_dir, check_out_file, refuse_overwrite, rejected_bytes
from analysis.errors import UsageError
from analysis.files import replace_files
from analysis.importers.common import skipping_bad_rows, validated
from analysis.importers.dispatch import FORMATS, import_events, stream_events
from analysis.importers.parquet_sink import write_dataset
from analysis.io import output_kind, table_bytes


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
        "--skip-bad",
        action="store_true",
        help="set bad records aside in OUT.rejected.csv and import the rest (exit 0)",
    )
    parser.add_argument(
        "--chunksize", type=int, default=None, help="rows read at a time (default 100000)"
    )


def run(args: argparse.Namespace) -> int:
    """Import, validate against the event schema, then write the table atomically.

    Any error leaves ``--out`` untouched. With ``--skip-bad`` bad records are set aside in
    ``OUT.rejected.csv`` (file, line, field, reason) and the rest is imported.
    """
    out = Path(args.out)
    dataset = out.suffix == ""
    if dataset:
        check_out_dir(out)
    else:
        output_kind(out)
        check_out_file(out)
    rejected_path = rejected_path_of(out)
    refuse_overwrite([out, rejected_path], [*args.inputs, args.mapping])
    for path in args.inputs:
        if dataset and Path(path).resolve().is_relative_to(out.resolve()):
            raise UsageError(
                f"--out {out}: the input {path} lies inside it and would be replaced; "
                "choose another output"
            )
    with skipping_bad_rows() if args.skip_bad else contextlib.nullcontext() as rejected:
        if dataset:
            return _run_dataset(args, rejected)
        events = import_events(
            args.format,
            args.inputs,
            mapping=args.mapping,
            origin=args.origin,
            chunksize=args.chunksize,
        )
    files = {out: table_bytes(validated(events), output_kind(out))}
    if args.skip_bad:
        files[rejected_path] = rejected_bytes(rejected)
    replace_files(files)
    first, last = events["event_date"].min(), events["event_date"].max()
    print(
        f"escalation import: wrote {len(events)} events "
        f"({first:%Y-%m-%d} to {last:%Y-%m-%d}) to {args.out}"
    )
    _report_rejected(args, rejected, rejected_path)
    return 0


def rejected_path_of(out: Path) -> Path:
    """Where ``--skip-bad`` lists the records set aside: next to ``out``."""
    return out.with_name(out.name + ".rejected.csv")


def _report_rejected(args, rejected, path: Path) -> None:
    if args.skip_bad:
        print(
            f"escalation import: {len(rejected)} bad record(s) set aside in {path}", file=sys.stderr
        )


def _run_dataset(args: argparse.Namespace, rejected) -> int:
    """Stream the inputs into a year-partitioned Parquet dataset at ``--out``."""

    chunks = stream_events(
        args.format,
        args.inputs,
        mapping=args.mapping,
        origin=args.origin,
        chunksize=args.chunksize,
    )
    path = rejected_path_of(Path(args.out))
    # The list of records set aside is complete only once every chunk is read; it replaces
    # the old list together with the dataset.
    counts = write_dataset(
        chunks,
        args.out,
        extra=(lambda: {path: rejected_bytes(rejected)}) if args.skip_bad else None,
    )
    years = ", ".join(f"{year}: {n}" for year, n in sorted(counts.items()))
    print(
        f"escalation import: wrote {sum(counts.values())} events to the dataset {args.out} "
        f"({years})",
        file=sys.stderr,
    )
    _report_rejected(args, rejected, path)
    return 0
