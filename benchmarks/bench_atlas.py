"""Time the escalation atlas on a synthetic GDELT-like table, in-process and on a local cluster.

Default run (about a minute): 300k events over 300 dyads. ``--full``: 50M events over
20k dyads as a Parquet dataset, computed out of core on 2 workers with 4 GiB each, and
in-process on 5M events for comparison. Prints wall time, events per second, peak memory
per worker, the 1- vs 2-worker speed-up, and whether all runs gave identical bytes.

    python benchmarks/bench_atlas.py [--events N] [--dyads K] [--full] [--hawkes]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.scale import atlas
from analysis.scale.cluster import make_options, open_client  # noqa: E402


def write_table(out: Path, n_events: int, n_dyads: int, seed: int = 0, per_file: int = 250_000):
    """Write ``n_events`` events over ``n_dyads`` dyads as a Parquet dataset at ``out``.

    Each dyad is two sides ``Dnnnnn_A``/``Dnnnnn_B`` (GDELT-like country_type codes) acting
    against each other over two years; written in files of ``per_file`` rows so that the
    table never has to fit in memory.
    """
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    start = np.datetime64("2015-01-01", "ns")
    written = 0
    for part, begin in enumerate(range(0, n_events, per_file)):
        n = min(per_file, n_events - begin)
        dyad = rng.integers(0, n_dyads, n)
        side_b = rng.random(n) < 0.4
        day = rng.integers(0, 730, n)
        left = np.char.add(np.char.add("D", np.char.zfill(dyad.astype(str), 5)), "_A")
        right = np.char.add(np.char.add("D", np.char.zfill(dyad.astype(str), 5)), "_B")
        actor1 = np.where(side_b, right, left)
        actor2 = np.where(side_b, left, right)
        ids = np.char.add("g:", (np.arange(n) + begin).astype(str))
        table = pa.table(
            {
                "event_id": ids,
                "event_date": start + day.astype("timedelta64[D]"),
                "date_precision": np.full(n, "day"),
                "actor1": actor1,
                "actor1_side": actor1,
                "actor2": actor2,
                "actor2_side": actor2,
                "event_type": np.full(n, "Material conflict"),
                "sub_event_type": np.full(n, "Fight"),
            }
        )
        pq.write_table(table, out / f"part-{part:05d}.parquet", row_group_size=500_000)
        written += n
    return written


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_cluster(path: Path, config: atlas.AtlasConfig, workers: int, memory: str):
    with open_client(make_options("local", workers, memory)) as client:
        t0 = time.perf_counter()
        result = atlas.compute_atlas_dask(path, config, client)
        wall = time.perf_counter() - t0
        peaks = sorted(client.run(peak_rss_mb).values())
    return result, wall, peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--dyads", type=int, default=300)
    parser.add_argument("--in-process-events", type=int, default=None)
    parser.add_argument("--memory-limit", default="4GiB")
    parser.add_argument("--full", action="store_true", help="50M events, 20k dyads")
    parser.add_argument("--hawkes", action="store_true", help="fit Hawkes too (slow)")
    parser.add_argument("--skip-one-worker", action="store_true")
    args = parser.parse_args(argv)
    if args.full:
        args.events, args.dyads = 50_000_000, 20_000
        args.in_process_events = args.in_process_events or 5_000_000
    in_process_events = args.in_process_events or args.events
    config = atlas.AtlasConfig(min_events=10, n_perm=99, n_boot=200, hawkes=args.hawkes)
    work = Path(tempfile.mkdtemp(prefix="bench-atlas-"))
    try:
        t0 = time.perf_counter()
        big = work / "events"
        write_table(big, args.events, args.dyads)
        print(
            f"table: {args.events:,} events, {args.dyads:,} dyads, "
            f"written in {time.perf_counter() - t0:.1f} s"
        )
        figures = {}
        res2, wall2, peaks2 = run_cluster(big, config, 2, args.memory_limit)
        figures[2] = wall2
        print(
            f"2 workers: {wall2:.1f} s, {args.events / wall2:,.0f} events/s, "
            f"{len(res2)} dyads, peak RSS per worker {', '.join(f'{p:,.0f}' for p in peaks2)} MB"
        )
        if not args.skip_one_worker:
            res1, wall1, peaks1 = run_cluster(big, config, 1, args.memory_limit)
            figures[1] = wall1
            print(
                f"1 worker:  {wall1:.1f} s, {args.events / wall1:,.0f} events/s, "
                f"peak RSS {peaks1[0]:,.0f} MB"
            )
            print(f"speed-up 2 vs 1 workers: {wall1 / wall2:.2f}x (goal >= 1.7x)")
            print(
                f"identical 1 vs 2 workers: "
                f"{atlas.atlas_csv_bytes(res1) == atlas.atlas_csv_bytes(res2)}"
            )
        small = work / "small"
        if in_process_events != args.events:
            write_table(
                small, in_process_events, max(1, args.dyads * in_process_events // args.events)
            )
        else:
            small = big
        t0 = time.perf_counter()
        events = pd.read_parquet(small)
        local = atlas.compute_atlas(events, config)
        wall = time.perf_counter() - t0
        print(
            f"in-process on {in_process_events:,} events: {wall:.1f} s, "
            f"{in_process_events / wall:,.0f} events/s, peak RSS {peak_rss_mb():,.0f} MB"
        )
        if small == big:
            print(
                f"identical in-process vs 2 workers: "
                f"{atlas.atlas_csv_bytes(local) == atlas.atlas_csv_bytes(res2)}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
