"""Where the reaction functions lose power against the ceiling.

The validation study measures the reaction function's power against a planted
cross-excitation and, beside it, the ceiling (:mod:`analysis.models.cross_bound`): the
power of a test that knows the planted kernel. This module walks from the one to the
other on the same samples, one change at a time, so that the loss is put where it
arises: the two-sided form, B's self-excitation estimated by its own lag buckets, A's
three lag buckets tested jointly instead of along the kernel's shape, the month-year and
day-of-week fixed effects, the HAC covariance, the negative binomial.

Each step's statistic is compared with the 95% quantile of its own values on samples of
the planted scenario without the cross term: power at a size held at exactly 5%
(*size-adjusted*), so that calibration is out of the comparison. The steps use the
reaction function's design (first 14 days dropped, B's own lag buckets 1, 2-7 and 8-14 as
controls, month-year and day-of-week effects, Newey-West lags as the library's) in a score
test written for the comparison; its negative binomial takes the dispersion from the
moments of the Poisson fit, not the library's maximum likelihood, so the last step
approximates the library's statistic.

Run: ``python -m analysis.models.power_ladder --reps 400`` (writes
``data/validation/power_ladder/samples.csv``; about a minute on one core); ``--summary``
prints the table of the validation README from a finished file.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

from analysis.files import atomic_write_text
from analysis.models import cross_bound, reaction
from analysis.models import validation as study
from analysis.models.hac_regression import fit_loglinear, hac_meat

#: Span and events per side of the samples (where the reaction function has about 40%
#: power and the ceiling about 90%).
N_DAYS = 1000
EVENTS = 1000
#: Lag buckets of the reaction function, in days.
BUCKETS = ((1, 1), (2, 7), (8, 14))
#: Days dropped at the start (the longest lag).
FIRST_DAY = 14
#: Seeds: replicate ``k`` of the planted scenario uses ``[SEED, 77, k, 0]``, of its null
#: ``[SEED, 77, k, 1]``.
SEED = 20261130

#: The steps, in order, with the words the README gives them.
STEPS = {
    "oracle_one_sided": "the ceiling: one-sided, the kernel's shape and B's self-excitation known",
    "oracle_two_sided": "the same, two-sided",
    "oracle_no_self_one_sided": "the ceiling without B's self-excitation in its model",
    "shape_1df": (
        "B's self-excitation by its own lag buckets instead (1 df along the kernel's shape)"
    ),
    "buckets_3df": "A's three lag buckets tested jointly (3 df) instead of the kernel's shape",
    "buckets_3df_fe": "+ month-year and day-of-week fixed effects",
    "buckets_3df_fe_hac": "+ HAC covariance (Poisson)",
    "buckets_3df_fe_nb": "negative binomial instead of Poisson, no HAC",
    "buckets_3df_fe_nb_hac": (
        "negative binomial + HAC + fixed effects (about the library's statistic)"
    ),
    "shape_1df_fe": "1 df along the kernel's shape with fixed effects",
    "shape_1df_fe_nb_hac": (
        "1 df along the kernel's shape with fixed effects, negative binomial and HAC"
    ),
}


def score_statistic(
    y: np.ndarray,
    base: np.ndarray,
    extra: np.ndarray,
    *,
    negative_binomial: bool = False,
    hac_lags: int | None = None,
) -> float:
    """Score (Lagrange multiplier) statistic that the columns ``extra`` have zero
    coefficients in a log-linear count regression of ``y`` on ``base``, divided by their
    number (about 1 under the null).

    The model without ``extra`` is fitted once; with ``negative_binomial`` its dispersion
    is the method-of-moments value from the Poisson fit and the mean is refitted at it.
    The information is the model's own (expected) one, or with ``hac_lags`` the
    Newey-West sum of the score contributions.
    """
    mu = fit_loglinear(y, base).mu
    alpha = 0.0
    if negative_binomial:
        alpha = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 1e-8)
        mu = fit_loglinear(y, base, alpha).mu
    weight = mu / (1.0 + alpha * mu)
    residual = (y - mu) / (1.0 + alpha * mu)
    weighted = base * weight[:, None]
    # The extra regressors with the base projected out (in the fit's weights): the
    # efficient score's regressors.
    projected = extra - base @ np.linalg.solve(weighted.T @ base, weighted.T @ extra)
    score = projected.T @ residual
    if hac_lags is None:
        information = (projected * weight[:, None]).T @ projected
    else:
        information = hac_meat(projected * residual[:, None], hac_lags)
    return float(score @ np.linalg.solve(information, score)) / extra.shape[1]


def ladder_statistics(a: np.ndarray, b: np.ndarray, calendar: np.ndarray) -> dict[str, float]:
    """Every step's statistic for A's effect on B, from daily counts ``a`` and ``b`` and
    the fixed effects ``calendar`` (one row per day, :func:`reaction.calendar_effects`)."""
    a, b = np.asarray(a), np.asarray(b)
    keep = np.arange(FIRST_DAY, len(b))
    lags = reaction.newey_west_lags(len(keep))
    decay, self_excitation = study.PLANTED_DECAY, study.PLANTED_SELF
    out = {"oracle_one_sided": cross_bound.oracle_score_test(a, b, decay, self_excitation)["z"]}
    out["oracle_two_sided"] = out["oracle_one_sided"] ** 2
    out["oracle_no_self_one_sided"] = cross_bound.oracle_score_test(a, b, decay, 0.0)["z"]
    y = b[keep].astype(float)
    own = reaction.bucket_sums(b, BUCKETS)[keep]
    other = reaction.bucket_sums(a, BUCKETS)[keep]
    shape = cross_bound.lagged_sum(a, cross_bound.kernel_masses(decay))[keep][:, None]
    plain = np.column_stack([np.ones(len(y)), own])
    fixed = np.column_stack([plain, calendar[keep]])
    out["shape_1df"] = score_statistic(y, plain, shape)
    out["buckets_3df"] = score_statistic(y, plain, other)
    out["shape_1df_fe"] = score_statistic(y, fixed, shape)
    out["buckets_3df_fe"] = score_statistic(y, fixed, other)
    out["buckets_3df_fe_hac"] = score_statistic(y, fixed, other, hac_lags=lags)
    out["buckets_3df_fe_nb"] = score_statistic(y, fixed, other, negative_binomial=True)
    out["buckets_3df_fe_nb_hac"] = score_statistic(
        y, fixed, other, negative_binomial=True, hac_lags=lags
    )
    out["shape_1df_fe_nb_hac"] = score_statistic(
        y, fixed, shape, negative_binomial=True, hac_lags=lags
    )
    return out


def ladder_sample(k: int, planted: bool) -> np.ndarray:
    """Replicate ``k``: daily counts ``(N_DAYS, 2)`` of the planted scenario, or of its
    null (the same self-excitation and decay, no cross term, :data:`EVENTS` per side)."""
    rng = np.random.default_rng([SEED, 77, k, int(not planted)])
    if planted:
        return study.simulate("planted_cross_0.2", EVENTS, rng, N_DAYS).counts
    rate = EVENTS / N_DAYS * (1.0 - study.PLANTED_SELF)
    alpha = np.diag([study.PLANTED_SELF, study.PLANTED_SELF])
    return study.hawkes_day_counts([rate, rate], alpha, study.PLANTED_DECAY, N_DAYS, rng)


def run_ladder(reps: int, progress=None) -> pd.DataFrame:
    """Statistics of every step on ``reps`` samples of the planted scenario and of its
    null (rows ``k``, ``scenario``)."""
    days = study.START + pd.to_timedelta(np.arange(N_DAYS), unit="D")
    calendar, _ = reaction.calendar_effects(pd.Series(days))
    rows = []
    for k in range(reps):
        for scenario in ("planted", "null"):
            counts = ladder_sample(k, scenario == "planted")
            row = ladder_statistics(counts[:, 0], counts[:, 1], calendar)
            rows.append({**row, "k": k, "scenario": scenario})
        if progress is not None:
            progress(k + 1, reps)
    return pd.DataFrame(rows)


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """Size-adjusted power of every step at 5% (with its Wilson interval) and at 4%: the
    share of planted samples above the 95% (96%) quantile of the step's null samples."""
    planted = frame[frame["scenario"] == "planted"]
    null = frame[frame["scenario"] == "null"]
    rows = []
    for step, words in STEPS.items():
        above = int(np.sum(planted[step] > np.quantile(null[step], 0.95)))
        low, high = study.wilson(above, len(planted))
        rows.append(
            {
                "step": step,
                "words": words,
                "power": above / len(planted),
                "ci_low": low,
                "ci_high": high,
                "power_at_4": float(np.mean(planted[step] > np.quantile(null[step], 0.96))),
                "samples": len(planted),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--out", default="data/validation/power_ladder/samples.csv")
    parser.add_argument("--summary", action="store_true", help="only summarise --out")
    args = parser.parse_args(argv)
    if not args.summary:

        def progress(done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                print(f"{done}/{total} replicates", file=sys.stderr, flush=True)

        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        atomic_write_text(args.out, run_ladder(args.reps, progress).to_csv(index=False))
    # "null" is a scenario here, not a missing value.
    table = summarise(pd.read_csv(args.out, keep_default_na=False))
    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        print(table.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
