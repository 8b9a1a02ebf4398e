"""Regressions of a daily series with autocorrelation-robust (HAC) inference, in numpy.

The reaction functions fit one regression per direction and then test the other side's
lags against hundreds of time shifts of its series. Refitting a statsmodels model per
shift costs seconds per dyad; here the model without the other side's lags (the null
model) is fitted once, and each shift is tested by a robust **score** (Lagrange
multiplier) test, which needs only the null fit: the fixed effects and the side's own lags
are projected out once, and a shifted series costs one projection and one Newey-West sum.

- :func:`fit_loglinear`: log-linear count regression, Poisson or NB2 with a given
  dispersion, by iteratively reweighted least squares, checked for convergence;
- :func:`nb2_alpha`: the NB2 dispersion by maximum profile likelihood;
- :func:`fit_linear`: least squares (the linear probability model);
- :func:`hac_meat`, :func:`sandwich_cov`: Newey-West (Bartlett kernel) covariance, the
  same numbers as statsmodels' ``cov_type="HAC"`` without small-sample correction;
- :class:`ScoreTest`: the HAC-robust score test that extra regressors have zero
  coefficients (Wooldridge 1991, *Journal of Econometrics* 47), for many candidate
  regressor sets at once.

Rows may be left out of a fit (a month in which the side never acts has no finite fixed
effect); ``positions`` then gives each kept row's place in time, so that the Newey-West
sums pair rows by their distance in days, not by their order in the kept rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import gammaln

from analysis.models.fitting import FitFailed

#: Largest change of the linear predictor between iterations accepted as converged.
IRLS_TOL = 1e-9
#: Iteration limit of IRLS.
IRLS_MAXITER = 100
#: Iterations after which a likelihood that no longer rises while the linear predictor
#: still moves is taken as separation (an estimate at infinity).
SEPARATION_AFTER = 15
#: Search range of the NB2 dispersion (the profile is maximised over its logarithm).
ALPHA_BOUNDS = (1e-6, 100.0)
#: Below this dispersion the counts are treated as Poisson.
POISSON_BELOW = 1e-4


@dataclass
class Fit:
    """A fitted regression: coefficients, fitted means, ``weights`` (minus the second
    derivative of each row's log-likelihood with respect to its linear predictor, the
    observed information: ``mu (1 + alpha y) / (1 + alpha mu)^2`` for counts, 1 for least
    squares) and ``scores`` (the first derivative: ``(y - mu) / (1 + alpha mu)``; the
    residual for least squares)."""

    params: np.ndarray
    mu: np.ndarray
    weights: np.ndarray
    scores: np.ndarray
    alpha: float
    iterations: int


def hac_meat(g: np.ndarray, maxlags: int, positions: np.ndarray | None = None) -> np.ndarray:
    """Newey-West sum ``sum_t g_t g_t' + sum_l (1 - l / (L + 1)) (G_l + G_l')`` with
    ``G_l = sum_t g_t g_{t-l}'``.

    Parameters
    ----------
    g
        Score contributions, shape ``(n, k)``, or ``(m, n, k)`` for ``m`` sets at once.
    maxlags
        Truncation lag ``L``.
    positions
        Time index of each row (increasing integers); rows between them count as zeros.

    Returns
    -------
    Array ``(k, k)`` (or ``(m, k, k)``).
    """
    g = np.asarray(g, float)
    if positions is not None:
        positions = np.asarray(positions, int)
        full = np.zeros(g.shape[:-2] + (int(positions[-1] - positions[0]) + 1, g.shape[-1]))
        full[..., positions - positions[0], :] = g
        g = full
    gt = np.swapaxes(g, -1, -2)
    meat = gt @ g
    for lag in range(1, min(int(maxlags), g.shape[-2] - 1) + 1):
        cross = gt[..., :, lag:] @ g[..., :-lag, :]
        meat += (1.0 - lag / (maxlags + 1.0)) * (cross + np.swapaxes(cross, -1, -2))
    return meat


def sandwich_cov(
    exog: np.ndarray, fit: Fit, maxlags: int, positions: np.ndarray | None = None
) -> np.ndarray:
    """HAC covariance ``H^-1 S H^-1`` of ``fit.params``: ``H = X' W X`` the observed
    information, ``S`` the Newey-West sum of the score contributions ``x_t * scores_t``."""
    bread = np.linalg.inv(exog.T @ (exog * fit.weights[:, None]))
    meat = hac_meat(exog * fit.scores[:, None], maxlags, positions)
    return bread @ meat @ bread


def _nb2_loglik(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    if alpha <= 0:
        return float(np.sum(y * np.log(np.where(mu > 0, mu, 1.0)) - mu - gammaln(y + 1)))
    inv = 1.0 / alpha
    return float(
        np.sum(
            gammaln(y + inv)
            - gammaln(inv)
            - gammaln(y + 1)
            + y * np.log(alpha * mu)
            - (y + inv) * np.log1p(alpha * mu)
        )
    )


def fit_loglinear(
    y: np.ndarray, exog: np.ndarray, alpha: float = 0.0, start: np.ndarray | None = None
) -> Fit:
    """Log-linear count regression with variance ``mu + alpha mu^2`` (Poisson when
    ``alpha`` is 0), by Newton's method as iteratively reweighted least squares, with
    step halving.

    With a fixed ``alpha`` the estimates are quasi-maximum-likelihood: consistent for the
    mean whatever the true variance, so their covariance should be a sandwich
    (:func:`sandwich_cov`).

    Raises
    ------
    FitFailed
        When IRLS does not converge in :data:`IRLS_MAXITER` iterations or gives
        non-finite estimates.
    """
    y = np.asarray(y, float)
    if start is None:
        beta = np.linalg.lstsq(exog, np.log(y + 0.5), rcond=None)[0]
    else:
        beta = np.asarray(start, float).copy()
    eta = exog @ beta
    ll = _nb2_loglik(y, np.exp(eta), alpha)
    history = [ll]
    for it in range(1, IRLS_MAXITER + 1):
        mu = np.exp(eta)
        # Newton steps with the observed information, -d2l/deta2 = mu (1 + alpha y) /
        # (1 + alpha mu)^2, positive for every y: the log link is not canonical for the
        # NB2, and Fisher scoring would converge only linearly.
        w = mu * (1.0 + alpha * y) / (1.0 + alpha * mu) ** 2
        z = eta + (y - mu) / (1.0 + alpha * mu) / w
        xw = exog * w[:, None]
        try:
            new = np.linalg.solve(exog.T @ xw, xw.T @ z)
        except np.linalg.LinAlgError as err:
            raise FitFailed(f"count regression failed: {err}") from None
        # Step halving keeps every step an ascent of the likelihood.
        for _ in range(30):
            new_eta = exog @ new
            new_ll = _nb2_loglik(y, np.exp(np.minimum(new_eta, 700.0)), alpha)
            if np.isfinite(new_ll) and new_ll >= ll - 1e-10 * abs(ll):
                break
            new = 0.5 * (new + beta)
        else:
            raise FitFailed("count regression did not converge (no ascent step)")
        change = float(np.max(np.abs(new_eta - eta)))
        beta, eta, ll = new, new_eta, new_ll
        history.append(ll)
        if it >= SEPARATION_AFTER and change >= IRLS_TOL and ll - history[-6] < 1e-10 * abs(ll):
            # The likelihood has stopped rising while the predictor still moves: some
            # fitted means run off to zero (a regressor is positive only on days without
            # events), and that coefficient has no finite estimate.
            raise FitFailed(
                "count regression has no finite estimate (a regressor is positive only on "
                "periods without events)"
            )
        if change < IRLS_TOL:
            mu = np.exp(eta)
            if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(mu))):
                break
            return Fit(
                params=beta,
                mu=mu,
                weights=mu * (1.0 + alpha * y) / (1.0 + alpha * mu) ** 2,
                scores=(y - mu) / (1.0 + alpha * mu),
                alpha=float(alpha),
                iterations=it,
            )
    raise FitFailed(f"count regression did not converge in {IRLS_MAXITER} iterations")


def nb2_alpha(y: np.ndarray, exog: np.ndarray) -> tuple[float, Fit]:
    """NB2 dispersion maximising the profile likelihood (the mean refitted by IRLS at
    each ``alpha``), and the fit at that dispersion.

    An estimate at the lower end of :data:`ALPHA_BOUNDS` or below :data:`POISSON_BELOW`
    means no overdispersion: ``alpha`` is returned as 0 with the Poisson fit.

    Raises
    ------
    FitFailed
        When a fit does not converge or the search fails.
    """
    y = np.asarray(y, float)
    pois = fit_loglinear(y, exog, 0.0)
    # Overdispersion is tested against the Poisson fit first: when the Pearson variance
    # does not exceed the mean, the profile likelihood peaks at alpha = 0.
    if np.sum((y - pois.mu) ** 2 - y) <= 0:
        return 0.0, pois
    state = {"beta": pois.params}

    def negll(log_alpha: float) -> float:
        alpha = float(np.exp(log_alpha))
        fit = fit_loglinear(y, exog, alpha, start=state["beta"])
        state["beta"] = fit.params
        return -_nb2_loglik(y, fit.mu, alpha)

    lo, hi = np.log(ALPHA_BOUNDS[0]), np.log(ALPHA_BOUNDS[1])
    opt = optimize.minimize_scalar(negll, bounds=(lo, hi), method="bounded")
    if not opt.success or not np.isfinite(opt.fun):
        raise FitFailed("profile likelihood of the NB dispersion did not converge")
    alpha = float(np.exp(opt.x))
    if alpha < POISSON_BELOW:
        return 0.0, pois
    if alpha > 0.999 * ALPHA_BOUNDS[1]:
        raise FitFailed(f"NB dispersion reached the top of its range ({ALPHA_BOUNDS[1]:g})")
    return alpha, fit_loglinear(y, exog, alpha, start=state["beta"])


def fit_linear(y: np.ndarray, exog: np.ndarray) -> Fit:
    """Least squares, as a :class:`Fit` (weights 1, scores the residuals)."""
    y = np.asarray(y, float)
    beta, *_ = np.linalg.lstsq(exog, y, rcond=None)
    fitted = exog @ beta
    return Fit(
        params=beta,
        mu=fitted,
        weights=np.ones(len(y)),
        scores=y - fitted,
        alpha=float("nan"),
        iterations=1,
    )


class ScoreTest:
    """HAC-robust score test that regressors ``Z`` added to a fitted null model have zero
    coefficients.

    With ``X`` the null model's regressors, ``W`` its weights and ``r`` its scores, each
    column of ``Z`` is projected off ``X`` in the ``W`` metric, ``Z~ = Z - X (X'WX)^-1
    X'W Z``; the score is ``U = Z~' r`` and its Newey-West covariance ``S`` the sum over
    ``z~_t r_t``. The statistic is ``U' S^-1 U / k``, asymptotically chi-square with ``k``
    degrees of freedom divided by ``k``, whatever the true variance and autocorrelation of
    the counts, as long as the null model's mean is right.
    """

    def __init__(
        self,
        exog: np.ndarray,
        fit: Fit,
        maxlags: int,
        positions: np.ndarray | None = None,
    ) -> None:
        self.exog = exog
        self.scores = fit.scores
        self.maxlags = int(maxlags)
        self.positions = positions
        xw = exog * fit.weights[:, None]
        # (X'WX)^-1 X'W, computed once: projecting a candidate off the null model's
        # regressors (the fixed effects and the own lags) is then one product.
        self.projector = np.linalg.solve(exog.T @ xw, xw.T)

    def statistics(self, candidates: np.ndarray) -> np.ndarray:
        """Statistic of each candidate set.

        Parameters
        ----------
        candidates
            ``(n, k)`` for one set of ``k`` regressors, or ``(m, n, k)`` for ``m`` sets.

        Returns
        -------
        Array of ``m`` statistics (NaN where the score covariance is singular).
        """
        z = np.asarray(candidates, float)
        if z.ndim == 2:
            z = z[None]
        resid = z - self.exog @ (self.projector @ z)
        g = resid * self.scores[None, :, None]
        u = g.sum(axis=1)
        meat = hac_meat(g, self.maxlags, self.positions)
        out = np.full(len(z), np.nan)
        # A candidate that the null model already explains has no score to test.
        ok = np.linalg.cond(meat) < 1e12
        if ok.any():
            sol = np.linalg.solve(meat[ok], u[ok][..., None])[..., 0]
            out[ok] = np.einsum("mk,mk->m", u[ok], sol) / z.shape[-1]
        return out
