"""Route each analysis by sample size, so that no test runs on data that cannot support it.

- fewer than 10 events on either side: descriptive statistics only;
- fewer than 50: exact, permutation or bootstrap inference;
- otherwise: parametric models as well.
"""

from __future__ import annotations

from dataclasses import dataclass

DESCRIPTIVE_BELOW = 10
EXACT_BELOW = 50


@dataclass(frozen=True)
class Route:
    """The inference route a sample allows, with the reason in plain words."""

    name: str  # "descriptive", "exact", "parametric"
    reason: str

    @property
    def allows_tests(self) -> bool:
        """True when any hypothesis test may be reported."""
        return self.name != "descriptive"

    @property
    def allows_parametric(self) -> bool:
        """True when parametric models (regressions, Hawkes, Granger) may be reported."""
        return self.name == "parametric"


def choose_route(n_a: int, n_b: int) -> Route:
    """Choose the route for a dyad with ``n_a`` and ``n_b`` events per side."""
    n = min(n_a, n_b)
    if n < DESCRIPTIVE_BELOW:
        return Route(
            "descriptive",
            f"the smaller side has {n} events (< {DESCRIPTIVE_BELOW}): "
            "only descriptive statistics are shown; no test or p-value.",
        )
    if n < EXACT_BELOW:
        return Route(
            "exact",
            f"the smaller side has {n} events (< {EXACT_BELOW}): exact, permutation and "
            "bootstrap inference only; parametric models are not fitted.",
        )
    return Route(
        "parametric",
        f"the smaller side has {n} events (>= {EXACT_BELOW}): parametric models are fitted "
        "alongside exact and resampling methods.",
    )


#: Fewest periods and events per side each model needs to hold its size (from the
#: simulations in the tests: reaction functions and VAR on daily counts, change points on
#: weekly counts). Below these the model is not run and the page says why.
MODEL_NEEDS = {
    "reaction": {"days": 120, "events": EXACT_BELOW},
    "granger": {"days": 70, "events": EXACT_BELOW},
    "var": {"days": 200, "events": 200},
    "changepoints": {"days": 12 * 7, "events": 20},
}


def model_route(model: str, n_a: int, n_b: int, n_days: int) -> tuple[bool, str]:
    """Whether ``model`` runs on a dyad with ``n_a``/``n_b`` events over ``n_days`` days.

    Returns ``(runs, reason)``; the reason says what the sample has against what the model
    needs, in plain words.
    """
    need = MODEL_NEEDS[model]
    n = min(n_a, n_b)
    if n_days < need["days"]:
        return False, (
            f"the period covers {n_days} days (< {need['days']}): too short for the {model} "
            "model to hold its error rate"
        )
    if n < need["events"]:
        return False, (
            f"the smaller side has {n} events (< {need['events']}): too few for the {model} "
            "model to hold its error rate"
        )
    return True, f"{n} events on the smaller side over {n_days} days: enough for the {model} model"
