"""Count-regression fits that are checked for convergence before anyone reads them.

A maximum-likelihood fit that stops at its iteration limit returns whatever point it had
reached, often the optimiser's start (for the negative binomial dispersion that is
``alpha = exp(0.05)``). Every fit here is checked: the optimiser must report convergence,
the parameters and standard errors must be finite and the score must be close to zero.
A fit that fails is refitted with another optimiser; if every attempt fails the caller
gets :class:`FitFailed` with the reason, never the numbers.
"""

from __future__ import annotations

import warnings

import numpy as np
import statsmodels.api as sm
from scipy import optimize
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationWarning,
)

#: Largest score (gradient of the mean log-likelihood) norm accepted as converged.
SCORE_TOL = 1e-3
#: Optimisers tried in turn for the discrete negative binomial.
NB_METHODS = ("newton", "bfgs")
_QUIET = (ConvergenceWarning, HessianInversionWarning, PerfectSeparationWarning, RuntimeWarning)


class FitFailed(Exception):
    """A model fit that did not converge; the message says which model and why."""


def converged(result) -> bool:
    """True when a statsmodels result reports convergence and has finite estimates."""
    retvals = getattr(result, "mle_retvals", None)
    if retvals is not None and not retvals.get("converged", False):
        return False
    if retvals is None and not getattr(result, "converged", True):
        return False
    params = np.asarray(result.params, float)
    if not np.all(np.isfinite(params)):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _QUIET)
        bse = np.asarray(result.bse, float)
    return bool(np.all(np.isfinite(bse)))


def fit_discrete_negbin(y: np.ndarray, exog: np.ndarray, maxiter: int = 500):
    """Discrete NB2 model by maximum likelihood, checked and refitted on failure.

    Tries :data:`NB_METHODS` in turn, starting from the Poisson estimates; a fit counts
    only when the optimiser reports convergence, the estimates and standard errors are
    finite and the mean score is below :data:`SCORE_TOL`.

    Returns
    -------
    The statsmodels result of the first fit that converged.

    Raises
    ------
    FitFailed
        When no optimiser converged.
    """
    y = np.asarray(y, float)
    model = NegativeBinomial(y, exog, loglike_method="nb2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _QUIET)
        try:
            pois = sm.GLM(y, exog, family=sm.families.Poisson()).fit()
            start = np.append(np.asarray(pois.params, float), 0.5)
        except (ValueError, np.linalg.LinAlgError):
            start = None
        reasons = []
        for method in NB_METHODS:
            try:
                res = model.fit(
                    start_params=start,
                    method=method,
                    maxiter=maxiter,
                    disp=0,
                )
            except (ValueError, np.linalg.LinAlgError) as err:
                reasons.append(f"{method}: {err}")
                continue
            score = np.asarray(model.score(res.params), float) / max(len(y), 1)
            if converged(res) and np.linalg.norm(score) < SCORE_TOL:
                return res
            reasons.append(f"{method}: no convergence")
    raise FitFailed("negative binomial did not converge (" + "; ".join(reasons) + ")")


def _glm(y, exog, family, **fit_kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _QUIET)
        return sm.GLM(y, exog, family=family).fit(maxiter=200, **fit_kwargs)


def profile_alpha(y: np.ndarray, exog: np.ndarray) -> float:
    """NB2 dispersion maximising the profile likelihood of the negative binomial GLM.

    Each evaluation is an IRLS fit at a fixed ``alpha``, which converges reliably where the
    joint optimiser does not; ``alpha`` is searched on the log scale in ``[1e-6, 100]``.

    Raises
    ------
    FitFailed
        When the IRLS fits do not converge.
    """

    def negll(log_alpha: float) -> float:
        try:
            res = _glm(y, exog, sm.families.NegativeBinomial(alpha=float(np.exp(log_alpha))))
        except (ValueError, np.linalg.LinAlgError) as err:
            raise FitFailed(f"NB GLM failed: {err}") from None
        if not res.converged:
            raise FitFailed(f"NB GLM at alpha = {np.exp(log_alpha):.3g} did not converge")
        return -float(res.llf)

    opt = optimize.minimize_scalar(negll, bounds=(np.log(1e-6), np.log(100.0)), method="bounded")
    if not opt.success:
        raise FitFailed("profile likelihood of the NB dispersion did not converge")
    return float(np.exp(opt.x))


def negbin_alpha(y: np.ndarray, exog: np.ndarray) -> tuple[float, str]:
    """Dispersion ``alpha`` of an NB2 model of ``y`` on ``exog``, and how it was found.

    The discrete negative binomial is tried first (:func:`fit_discrete_negbin`); when it
    fails, the profile likelihood (:func:`profile_alpha`). An ``alpha`` below ``1e-4``
    means no overdispersion.

    Returns
    -------
    ``(alpha, method)`` with ``method`` ``"ml"`` or ``"profile"``.

    Raises
    ------
    FitFailed
        When both fail.
    """
    try:
        res = fit_discrete_negbin(y, exog)
        return float(res.params[-1]), "ml"
    except FitFailed as first:
        try:
            return profile_alpha(y, exog), "profile"
        except FitFailed as second:
            raise FitFailed(f"{first}; {second}") from None


def fit_glm_checked(y: np.ndarray, exog: np.ndarray, family, **fit_kwargs):
    """GLM fit (IRLS) that raises :class:`FitFailed` unless it converged with finite
    estimates and standard errors."""
    try:
        res = _glm(y, exog, family, **fit_kwargs)
    except (ValueError, np.linalg.LinAlgError) as err:
        raise FitFailed(f"GLM failed: {err}") from None
    if not converged(res):
        raise FitFailed("GLM did not converge")
    return res
