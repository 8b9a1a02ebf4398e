"""Speed of the bivariate Hawkes maximum-likelihood fit on 100k simulated events.

Run: ``python benchmarks/bench_hawkes.py [n_events]``. Prints the time, the optimiser's
iterations and the recovered parameters next to the true ones (target: under 5 s).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from analysis.models.hawkes import fit_hawkes, simulate_hawkes

MU = np.array([0.5, 0.4])
ALPHA = np.array([[0.3, 0.1], [0.4, 0.2]])
BETA = 1.5


def main(n_events: int = 100_000) -> None:
    rate = np.linalg.solve(np.eye(2) - ALPHA, MU).sum()
    horizon = n_events / rate
    times = simulate_hawkes(MU, ALPHA, BETA, horizon, seed=0)
    n = len(times[0]) + len(times[1])
    for with_cov in (False, True):
        t0 = time.perf_counter()
        fit = fit_hawkes(times, horizon, with_cov=with_cov)
        elapsed = time.perf_counter() - t0
        label = "fit + observed information" if with_cov else "fit"
        print(f"{label}: {n:,} events in {elapsed:.2f} s, {fit.n_iter} iterations")
    print(f"mu    true {MU.round(3).tolist()}  fitted {np.round(fit.mu, 3).tolist()}")
    print(f"alpha true {ALPHA.round(3).tolist()}  fitted {np.round(fit.alpha, 3).tolist()}")
    print(f"beta  true {BETA:.3f}  fitted {fit.beta:.3f}  (half-life {fit.half_life_days:.3f} d)")
    print(f"standard errors {np.round(fit.se(), 4).tolist()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
