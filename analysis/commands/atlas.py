"""``escalation atlas``: one row of escalation statistics per dyad of an event table."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from analysis.commands.checks import check_out_dir, refuse_overwrite
from analysis.errors import UsageError
from analysis.io import read_events
from analysis.scale.atlas import (
    DEFAULT_MIN_EVENTS,
    DEFAULT_N_BOOT,
    DEFAULT_N_PERM,
    DEFAULT_PAIR_WINDOW,
    DEFAULT_WINDOWS,
    LEVELS,
    AtlasConfig,
    check_event_table,
    compute_atlas,
    compute_atlas_dask,
    parse_windows,
    typed_atlas,
    write_atlas,
)
from analysis.scale.cluster import add_cluster_arguments, open_client, options_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``escalation atlas``."""
    parser.add_argument(
        "--events", required=True, help="event table (CSV, Parquet file or dataset)"
    )
    parser.add_argument("--out", required=True, help="directory for atlas.parquet and atlas.csv")
    parser.add_argument(
        "--level",
        default="side",
        help=f"what a dyad's sides are: {', '.join(LEVELS)}; several comma-separated "
        "levels give one table with a row block per level",
    )
    parser.add_argument(
        "--min-events",
        type=int,
        default=DEFAULT_MIN_EVENTS,
        metavar="N",
        help=f"events each way a dyad needs to enter (default {DEFAULT_MIN_EVENTS})",
    )
    parser.add_argument(
        "--windows",
        default=",".join(map(str, DEFAULT_WINDOWS)),
        help="windows (days) of the share answered, comma-separated",
    )
    parser.add_argument(
        "--pair-window",
        type=int,
        default=DEFAULT_PAIR_WINDOW,
        metavar="DAYS",
        help="window of the tit-for-tat pairing (days)",
    )
    parser.add_argument("--n-perm", type=int, default=DEFAULT_N_PERM, help="permutations")
    parser.add_argument("--n-boot", type=int, default=DEFAULT_N_BOOT, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0, help="seed of every resampling")
    parser.add_argument("--no-hawkes", action="store_true", help="skip the Hawkes fits")
    add_cluster_arguments(parser)


def parse_levels(text: str) -> tuple[str, ...]:
    """Parse ``"side,subtype"`` into levels, in the order given; ``UsageError`` otherwise."""
    levels = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    bad = [level for level in levels if level not in LEVELS]
    if not levels or bad:
        raise UsageError(f"--level {text!r}: choose from {', '.join(LEVELS)}")
    return levels


def config_from_args(args: argparse.Namespace) -> AtlasConfig:
    """Validate the arguments of ``escalation atlas``."""
    if args.min_events < 1:
        raise UsageError(f"--min-events {args.min_events}: give 1 or more")
    if args.pair_window < 1:
        raise UsageError(f"--pair-window {args.pair_window}: give 1 day or more")
    if args.n_perm < 1 or args.n_boot < 1:
        raise UsageError("--n-perm and --n-boot must be positive")
    return AtlasConfig(
        level=parse_levels(args.level)[0],
        min_events=args.min_events,
        windows=parse_windows(args.windows),
        pair_window=args.pair_window,
        n_perm=args.n_perm,
        n_boot=args.n_boot,
        seed=args.seed,
        hawkes=not args.no_hawkes,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``escalation atlas``: compute the atlas and write it; 0 on success."""
    config = config_from_args(args)
    options = options_from_args(args)
    source = Path(args.events)
    if not source.exists():
        raise UsageError(f"--events {source}: no such file or directory")
    levels = parse_levels(args.level)
    out = check_out_dir(args.out)
    refuse_overwrite(
        [out / "atlas.parquet", out / "atlas.csv"], [source], [source] if source.is_dir() else []
    )
    undated = check_event_table(source, levels)
    if undated:
        print(f"atlas: {undated} event(s) without event_date left out", file=sys.stderr)
    parts = []
    with open_client(options) as client:
        events = read_events(source) if client is None else None
        for level in levels:
            level_config = dataclasses.replace(config, level=level)
            if client is None:
                parts.append(compute_atlas(events, level_config))
            else:
                parts.append(compute_atlas_dask(source, level_config, client))
    atlas = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    paths = write_atlas(typed_atlas(atlas, config.windows), args.out)
    print(f"atlas: {len(atlas)} dyads at level(s) {args.level} -> {paths[0]}, {paths[1]}")
    return 0
