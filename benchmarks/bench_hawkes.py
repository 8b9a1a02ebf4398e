"""Speed of the Hawkes fits on 100k simulated events (target: under 5 s for the default).

Run: ``python benchmarks/bench_hawkes.py [n_events]``. Times

- the default daily-count model (linear-spline baseline, knots spaced by the fitted
  decay: two fits) on day-dated events from a continuous-time Hawkes process with a shared
  trend (baselines from 1.6x to 0.4x), over 8,000 days: its cost grows with days, not
  events;
- one fit on the final design, with and without the sandwich covariance;
- one parametric-bootstrap replicate of a cross-excitation test (two refits);
- the continuous-time fit on the same events (for comparison; cost grows with events),

and prints the recovered parameters next to the true ones.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from analysis.models import hawkes, hawkes_daily

ALPHA = np.array([[0.3, 0.1], [0.4, 0.2]])  # alpha[target, source]
BETA = 0.25
N_DAYS = 8000


def main(n_events: int = 100_000) -> None:
    rate = np.linalg.solve(np.eye(2) - ALPHA, [1.0, 1.0]).sum()
    mu = np.array([1.0, 1.0]) * n_events / (rate * N_DAYS)
    times = hawkes.simulate_hawkes(mu, ALPHA, BETA, float(N_DAYS), seed=0, trend=(1.6, 0.4))
    n = len(times[0]) + len(times[1])
    days = [np.floor(t).astype(np.int64) for t in times]
    t0 = time.perf_counter()
    data, fit = hawkes_daily.fit_adaptive(
        lambda k: hawkes_daily.counts_from_days(days[0], days[1], N_DAYS, knot_days=k)
    )
    print(
        f"default fit (two stages, covariance): {n:,} events, {N_DAYS:,} days in "
        f"{time.perf_counter() - t0:.2f} s (target < 5 s), converged {fit.converged}"
    )
    for with_cov in (False, True):
        t0 = time.perf_counter()
        fit = hawkes_daily.fit_daily_hawkes(data, with_cov=with_cov)
        elapsed = time.perf_counter() - t0
        label = "daily fit + sandwich covariance" if with_cov else "daily fit"
        print(
            f"{label}: {n:,} events, {N_DAYS:,} days, {data.n_baseline} spline knots "
            f"in {elapsed:.2f} s (target < 5 s), converged {fit.converged}"
        )
    print(f"alpha true {ALPHA.round(3).tolist()}  fitted {np.round(fit.alpha, 3).tolist()}")
    print(f"beta  true {BETA:.3f}  fitted {fit.beta:.3f}")
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    hawkes_daily.warp_cross_statistics(data, "A->B", rng)
    print(f"cross statistic + one bootstrap replicate: {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    cont = hawkes.fit_hawkes_continuous(times, float(N_DAYS), with_cov=False)
    print(
        f"continuous-time fit (constant baseline) on the same events: "
        f"{time.perf_counter() - t0:.2f} s, alpha {np.round(cont.alpha, 3).tolist()}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
