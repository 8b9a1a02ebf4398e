"""Change points: a planted rate change is found near its date, constant series rarely
give one, and the dispersion estimate tells Poisson from overdispersed counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models import changepoints
from analysis.models.dyad import select_dyad


def test_dispersion_is_one_for_poisson_and_larger_for_negative_binomial():
    rng = np.random.default_rng(0)
    assert changepoints.dispersion(rng.poisson(8.0, 2000)) < 1.1
    assert changepoints.dispersion(rng.negative_binomial(2, 0.2, 2000)) > 3.0


def test_planted_change_is_recovered_within_two_weeks():
    rng = np.random.default_rng(1)
    y = np.concatenate([rng.poisson(5.0, 60), rng.poisson(10.0, 60)])
    changes, phi = changepoints.segment_counts(y)
    assert len(changes) == 1 and abs(changes[0] - 60) <= 2
    periods = pd.Series(pd.date_range("2020-01-06", periods=120, freq="7D"))
    out = changepoints.describe_changes(y, periods, changes, phi)
    point = out["changepoints"][0]
    assert point["date_low"] <= periods[60] <= point["date_high"]
    assert point["rate_before_ci"][0] < 5.0 < point["rate_before_ci"][1]
    assert point["rate_after_ci"][0] < 10.0 < point["rate_after_ci"][1]
    assert point["ratio"] > 1.5


def test_constant_rate_rarely_gives_a_change():
    found = [
        len(changepoints.segment_counts(np.random.default_rng(s).poisson(6.0, 104))[0]) > 0
        for s in range(100)
    ]
    assert np.mean(found) <= 0.11


def test_change_points_of_a_dyad_and_tiny_inputs():
    start = pd.Timestamp("2021-01-04")
    rng = np.random.default_rng(2)
    days = np.concatenate([rng.integers(0, 280, 200), rng.integers(280, 560, 900)])
    events = pd.DataFrame(
        {
            "event_id": [f"e{k:05d}" for k in range(len(days) + 1)],
            "event_date": list(start + pd.to_timedelta(np.sort(days), unit="D")) + [start],
            "actor1_side": ["X"] * len(days) + ["Y"],
            "actor2_side": ["Y"] * len(days) + ["X"],
        }
    )
    out = changepoints.change_points(select_dyad(events, "X", "Y"))
    dates = [p["date"] for p in out["A"]["changepoints"]]
    assert len(dates) >= 1
    assert min(abs((d - (start + pd.Timedelta(days=280))).days) for d in dates) <= 14
    assert out["B"]["changepoints"] == []
    assert changepoints.segment_counts(np.array([1.0, 2.0]))[0] == []
    assert (
        changepoints.describe_changes(np.empty(0), pd.Series([], dtype="datetime64[ns]"), [], 1.0)[
            "segments"
        ]
        == []
    )


def _ar_counts(seed: int, n: int, rho: float, step: float = 1.0) -> np.ndarray:
    """Weekly counts whose log-rate is a stationary AR(1) (sd 0.3), times ``step`` from
    the middle on."""
    rng = np.random.default_rng(seed)
    z = np.zeros(n)
    z[0] = rng.normal(0, 0.3)
    for t in range(1, n):
        z[t] = rho * z[t - 1] + rng.normal(0, 0.3 * np.sqrt(1 - rho**2))
    lam = 50.0 * np.exp(z)
    lam[n // 2 :] *= step
    return rng.poisson(lam)


def test_calibrated_scan_keeps_its_size_on_autocorrelated_stationary_counts():
    # The older BIC rule finds a change in most of these series (checked alongside).
    found, bic = [], []
    for seed in range(60):
        y = _ar_counts(seed, 70, rho=0.6)
        found.append(len(changepoints.calibrated_segmentation(y, reps=49, seed=seed)) > 0)
        bic.append(len(changepoints.segment_counts(y)[0]) > 0)
    assert np.mean(found) <= 0.1
    assert np.mean(bic) >= 0.5


def test_calibrated_scan_finds_a_clear_change_and_its_interval_covers_it():
    hits, covered = [], []
    for seed in range(20):
        y = _ar_counts(100 + seed, 70, rho=0.0, step=3.0)
        res = changepoints.calibrated_segmentation(y, reps=49, seed=seed)
        hits.append(len(res) > 0)
        if res:
            c = min(res, key=lambda c: abs(c["tau"] - 35))
            covered.append(c["tau_low"] <= 35 <= c["tau_high"])
    assert np.mean(hits) >= 0.8
    assert np.mean(covered) >= 0.8


def test_sieve_series_reproduce_the_autocorrelation():
    y = _ar_counts(7, 400, rho=0.8).astype(float)
    sims = changepoints.sieve_series(y - y.mean(), 50, np.random.default_rng(0))

    def acf1(x):
        x = x - x.mean()
        return float(x[1:] @ x[:-1] / (x @ x))

    assert abs(np.mean([acf1(s) for s in sims]) - acf1(y)) < 0.1
