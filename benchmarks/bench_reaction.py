"""Seconds per replicate of the reaction-function test in the validation study, and of the
earlier form of the test for comparison.

Run: ``python benchmarks/bench_reaction.py [--reps N]`` (CPU seconds, one thread; set
``OMP_NUM_THREADS=1`` as ``make`` does). For each size of the study it simulates ``N``
replicates of every null scenario and times, on the same samples:

- ``now``: :func:`analysis.models.reaction.fit_reaction` as the study and the reports run
  it: negative binomial dispersion in the null model, numpy fits, the robust score test
  and its p-value from 99 time shifts of the other side's series (purged of its same-day
  association);
- ``now, 1 shift``: the same with one shift (the cost of the fits alone);
- ``earlier``: the form the study used before, rebuilt here from statsmodels: the
  dispersion by the discrete negative binomial (profile likelihood when that fails), a
  GLM with HAC covariance, its Wald F test, and one refit on a shifted series (the
  warp-speed design: one shift per replicate).

Target: 500 replicates of every reaction cell of the study (40 cells, 20,000 replicates)
within an hour of one core, i.e. below 0.18 s per replicate.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm

from analysis.models import reaction, validation
from analysis.models.fitting import FitFailed, fit_glm_checked, negbin_alpha

TARGET_SECONDS = 3600.0 / 20_000


def earlier_form(counts, seed: int) -> float:
    """The earlier test on B's events: NB GLM with HAC, Wald F, one shifted refit."""
    buckets = reaction.DEFAULT_BUCKETS["D"]
    y_all = counts["B"].to_numpy(float)
    other = counts["A"].to_numpy(float)
    x_other = reaction.bucket_sums(other, buckets)
    keep = ~np.isnan(x_other).any(axis=1)
    y = y_all[keep]
    fe, _ = reaction.calendar_effects(counts["period"][keep], "D")
    own = reaction.bucket_sums(y_all, buckets)[keep]
    exog = np.column_stack([np.ones(len(y)), x_other[keep], own, fe])
    cov = {"cov_type": "HAC", "cov_kwds": {"maxlags": reaction.newey_west_lags(len(y))}}
    alpha, _ = negbin_alpha(y, exog)
    family = sm.families.NegativeBinomial(alpha=alpha) if alpha >= 1e-4 else sm.families.Poisson()
    block = np.zeros((3, exog.shape[1]))
    block[:, 1:4] = np.eye(3)
    stats = []
    shift = np.random.default_rng(seed).integers(15, len(other) - 14)
    for design in (exog, None):
        if design is None:
            design = exog.copy()
            design[:, 1:4] = reaction.bucket_sums(np.roll(other, int(shift)), buckets)[keep]
        res = fit_glm_checked(y, design, family, **cov)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats.append(float(np.squeeze(res.wald_test(block, scalar=True, use_f=True).statistic)))
    return stats[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args(argv)
    methods = {
        "now": lambda c, s: reaction.fit_reaction(c, "B", seed=s),
        "now, 1 shift": lambda c, s: reaction.fit_reaction(c, "B", shift_reps=1, seed=s),
        "earlier": earlier_form,
    }
    totals = {m: [0.0, 0] for m in methods}
    print(f"CPU seconds per replicate (mean over {args.reps} replicates x 5 null scenarios)")
    print(f"{'events/side':>12} " + " ".join(f"{m:>14}" for m in methods))
    for n in validation.SIZES:
        row = {m: [0.0, 0] for m in methods}
        for scenario in validation.NULL_SCENARIOS:
            for r in range(args.reps):
                rng = np.random.default_rng([n, r, len(scenario)])
                sample = validation.simulate(scenario, n, rng)
                for name, method in methods.items():
                    t0 = time.process_time()
                    counts = sample.frame
                    with contextlib.suppress(FitFailed):
                        method(counts, r)
                    row[name][0] += time.process_time() - t0
                    row[name][1] += 1
        for name in methods:
            totals[name][0] += row[name][0]
            totals[name][1] += row[name][1]
        print(f"{n:>12,} " + " ".join(f"{row[m][0] / row[m][1]:>14.3f}" for m in methods))
    means = {m: totals[m][0] / totals[m][1] for m in methods}
    print(f"{'all':>12} " + " ".join(f"{means[m]:>14.3f}" for m in methods))
    ok = means["now"] < TARGET_SECONDS
    print(
        f"target (< {TARGET_SECONDS:.2f} s per replicate with 99 shifts):",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
