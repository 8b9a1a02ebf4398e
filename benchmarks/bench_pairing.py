"""Speed and memory of window pairing on one million events (two sides, 500k each).

Run: ``python benchmarks/bench_pairing.py [--events N]``. Prints wall time of the pairing,
of the response lags, and the peak memory (tracemalloc, in a second untimed run: Python
allocations including NumPy buffers; and the peak RSS of the whole
process). Targets: pairing < 5 s, memory < 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np

from analysis.models.lags import next_response
from analysis.models.pairing import window_pairs


def simulate(n_events: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two independent sides of ``n_events / 2`` events each, over about 27 years of days."""
    rng = np.random.default_rng(seed)
    half = n_events // 2
    span = 10_000.0
    x = np.sort(np.floor(rng.uniform(0, span, half)))
    y = np.sort(np.floor(rng.uniform(0, span, half)))
    return x, y


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--window", type=float, default=7.0)
    args = parser.parse_args(argv)

    x, y = simulate(args.events)
    # Time first, without tracing: tracemalloc slows every allocation of the scan.
    t0 = time.perf_counter()
    ix, _ = window_pairs(x, y, args.window)
    t_pair = time.perf_counter() - t0
    t0 = time.perf_counter()
    lag, censored, _ = next_response(x, y, end=float(max(x[-1], y[-1])))
    t_lags = time.perf_counter() - t0
    del lag
    tracemalloc.start()
    window_pairs(x, y, args.window)
    next_response(x, y, end=float(max(x[-1], y[-1])))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"events: {args.events:,} (two sides of {args.events // 2:,})")
    print(f"window pairing ({args.window:g} days): {t_pair:.2f} s, {ix.size:,} pairs")
    print(f"response lags: {t_lags:.2f} s, {int((~censored).sum()):,} answered")
    print(f"peak traced memory: {peak / 2**20:.0f} MiB")
    print(f"peak RSS of the process: {rss_kib / 2**10:.0f} MiB")
    ok = t_pair < 5.0 and peak < 2**30 and rss_kib * 1024 < 2**30
    print("targets (pairing < 5 s, memory < 1 GiB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
