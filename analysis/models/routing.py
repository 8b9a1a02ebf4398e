"""Route each analysis by sample size, so that no test runs on data that cannot support it.

- fewer than 10 events on either side: descriptive statistics only;
- fewer than 50: exact, permutation or bootstrap inference;
- otherwise: parametric models as well.

Each model then runs only where the validation study (:mod:`analysis.models.validation`)
found its test holds its error rate: ``data/validation/routes.csv``, written by the study,
gives per test the smallest number of events per side from which its rejection rate under
every null scenario stays at or below 8% at nominal 5% (:func:`model_route`). The study
simulated 500-day spans; shorter spans are still judged by the hand-set floors of days in
:data:`MODEL_NEEDS`, and a model whose test is missing from the table falls back to the
hand-set floor of events there.

Whether a test that runs could have found an effect is a question of power, which the
span governs (:func:`power_at_span`): the study's ``power.csv`` gives each test's power
against its planted effect at 1,000 events per side over several spans, and the span it
needs to reach 80%. A result that is not significant is read against the power at the
dyad's span.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path

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


#: Fewest periods and events per side each model needs by hand: the span floor always
#: applies (the study simulated 500-day spans only); the events floor is the fallback when
#: the validation study has no row for the model's test.
MODEL_NEEDS = {
    "reaction": {"days": 120, "events": EXACT_BELOW},
    "granger": {"days": 70, "events": EXACT_BELOW},
    "var": {"days": 200, "events": 200},
    "changepoints": {"days": 12 * 7, "events": 20},
    "hawkes": {"days": 1, "events": EXACT_BELOW},
}

#: The test of the validation study that decides where each model runs.
MODEL_TESTS = {
    "reaction": "reaction_events_joint",
    "granger": "granger_weekly",
    "var": "var_granger",
    "changepoints": "changepoint_scan",
    "hawkes": "hawkes_cross_bootstrap",
}

#: Plain name of each model's test, as the pages say it.
MODEL_NAMES = {
    "reaction": "the joint test of the reaction functions",
    "granger": "the Granger test",
    "var": "the Granger test of the vector autoregression",
    "changepoints": "the change-point scan",
    "hawkes": "the Hawkes cross-excitation test",
}

#: The study's derived table (written by ``python -m analysis.models.validation``).
ROUTES_PATH = Path(__file__).resolve().parents[2] / "data" / "validation" / "routes.csv"


@dataclass(frozen=True)
class SizeCheck:
    """One test at one size in the validation study (a row of ``routes.csv``)."""

    events: int
    held: bool
    provisional: bool
    conservative: bool
    worst_rate: float
    worst_words: str
    lowest_rate: float
    reps: int
    min_events: int | None


def read_routes(path: str | Path = ROUTES_PATH) -> dict[str, list[SizeCheck]]:
    """The study's routes table as ``{test: [SizeCheck, ...]}`` sorted by size; empty
    when the file does not exist (every model then uses the hand-set floors)."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[str, list[SizeCheck]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["test"], []).append(
                SizeCheck(
                    events=int(row["events_per_side"]),
                    held=row["held"] == "True",
                    provisional=row.get("provisional") == "True",
                    conservative=row["conservative"] == "True",
                    worst_rate=float(row["worst_rate"]),
                    worst_words=row["worst_words"],
                    lowest_rate=float(row["lowest_rate"]),
                    reps=int(row["reps"]),
                    min_events=int(row["min_events"]) if row["min_events"] else None,
                )
            )
    return {test: sorted(rows, key=lambda r: r.events) for test, rows in out.items()}


@functools.cache
def _committed_routes() -> dict[str, list[SizeCheck]]:
    return read_routes(ROUTES_PATH)


def _pct(rate: float) -> str:
    return f"{100 * rate:.1f}%" if rate < 0.1 else f"{100 * rate:.0f}%"


def _failure(check: SizeCheck, name: str) -> str:
    return (
        f"at {check.events:,} events per side {name} rejects {_pct(check.worst_rate)} of "
        f"the time when there is no effect ({check.worst_words}), against 5% intended"
    )


def study_route(
    model: str, n: int, routes: dict[str, list[SizeCheck]] | None = None
) -> tuple[bool, str] | None:
    """Whether ``model`` runs with ``n`` events on the smaller side, by the validation
    study; None when the study has no row for the model's test.

    ``n`` is judged by the measured sizes around it: the model runs when its test held at
    the largest size measured at or below ``n`` and, when ``n`` lies below the largest size
    measured, also at the next size above it. A test that holds at 1,000 events per side
    but not at 5,000 runs on 1,000 and not on 3,000, since nothing measured says it holds
    there. Below the smallest size measured the model does not run. When it does not run,
    the reason quotes the rejection rate the study measured when there was no effect.
    """
    routes = _committed_routes() if routes is None else routes
    checks = routes.get(MODEL_TESTS.get(model, ""), [])
    if not checks:
        return None
    name = MODEL_NAMES.get(model, f"the {model} test")
    below = [c for c in checks if c.events <= n]
    above = [c for c in checks if c.events >= n]
    if not below:
        return False, (
            f"the smaller side has {n:,} events: the validation study measured {name} only "
            f"from {checks[0].events:,} events per side"
        )
    around = [below[-1]] + ([above[0]] if above and above[0] is not below[-1] else [])
    failed = [c for c in around if not c.held]
    if failed:
        return False, f"the smaller side has {n:,} events: {_failure(failed[0], name)}"
    sizes = " and ".join(f"{c.events:,}" for c in around)
    note = ""
    if below[-1].conservative:
        # Conservative at the measured size nearest below n: say so, but run.
        note = (
            f" (conservative there: it rejects {_pct(below[-1].lowest_rate)} of the time when "
            "there is no effect, so a result that is not significant is weak evidence of no "
            "effect)"
        )
    if any(c.provisional for c in around):
        note += " (provisional: the study ran fewer than 200 simulations in some cells)"
    return True, (
        f"{n:,} events on the smaller side: the validation study shows {name} holding its "
        f"error rate at {sizes} events per side{note}"
    )


def model_route(
    model: str,
    n_a: int,
    n_b: int,
    n_days: int,
    routes: dict[str, list[SizeCheck]] | None = None,
) -> tuple[bool, str]:
    """Whether ``model`` runs on a dyad with ``n_a``/``n_b`` events over ``n_days`` days.

    The span must reach the hand-set floor of :data:`MODEL_NEEDS`; the events on the
    smaller side are judged by the validation study (:func:`study_route`, from
    ``routes``, default the committed ``data/validation/routes.csv``), or by the
    hand-set floor when the study has no row for the model's test.

    Returns ``(runs, reason)``; the reason says what the sample has against what the model
    needs, in plain words.
    """
    need = MODEL_NEEDS[model]
    n = min(n_a, n_b)
    name = MODEL_NAMES.get(model, f"the {model} model")
    if n_days < need["days"]:
        return False, (
            f"the period covers {n_days} days (< {need['days']}): too short for {name} to "
            "hold its error rate"
        )
    by_study = study_route(model, n, routes)
    if by_study is not None:
        return by_study
    if n < need["events"]:
        return False, (
            f"the smaller side has {n:,} events (< {need['events']}): too few for {name} to "
            "hold its error rate"
        )
    return True, f"{n:,} events on the smaller side over {n_days} days: enough for {name}"


# --------------------------------------------------------------------------- power

#: The study's power by span (written by ``python -m analysis.models.validation``).
POWER_PATH = ROUTES_PATH.with_name("power.csv")
#: Power a study wants against the planted effect.
POWER_TARGET = 0.8
#: A dyad's span counts as a measured span when it falls short of it by at most this
#: share: power moves by about a point over 5% of a span (60% over 500 days, 86% over
#: 1,000 for the Hawkes test), and a 499-day table is a 500-day one for this purpose.
SPAN_TOLERANCE = 0.05


@dataclass(frozen=True)
class PowerCheck:
    """A test's power against its planted effect at one span (a row of ``power.csv``)."""

    n_days: int
    events: int
    power: float
    ci_low: float
    ci_high: float
    reps: int
    effect_words: str
    span_needed: int | None


def read_power(path: str | Path = POWER_PATH) -> dict[str, list[PowerCheck]]:
    """The study's ``power.csv`` as ``{test: [PowerCheck, ...]}`` sorted by span; empty
    when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[str, list[PowerCheck]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["test"], []).append(
                PowerCheck(
                    n_days=int(row["n_days"]),
                    events=int(row["events_per_side"]),
                    power=float(row["power"]),
                    ci_low=float(row["ci_low"]),
                    ci_high=float(row["ci_high"]),
                    reps=int(row["reps"]),
                    effect_words=row["effect_words"],
                    span_needed=int(row["span_needed"]) if row["span_needed"] else None,
                )
            )
    return {test: sorted(rows, key=lambda r: r.n_days) for test, rows in out.items()}


@functools.cache
def _committed_power() -> dict[str, list[PowerCheck]]:
    return read_power(POWER_PATH)


def power_at_span(
    model: str, n_days: int, power: dict[str, list[PowerCheck]] | None = None
) -> tuple[PowerCheck | None, str]:
    """The power the validation study measured for ``model``'s test at the span of a dyad
    of ``n_days`` days, in plain words.

    The span used is the longest one measured that does not exceed ``n_days`` by more
    than :data:`SPAN_TOLERANCE` (power grows with the span, so this does not overstate
    it); a dyad shorter than every span measured gets no number, only the power at the
    shortest span as an upper bound.

    Returns
    -------
    ``(check, words)``: the :class:`PowerCheck` used (None when the study has no power
    for the test, or the dyad is shorter than every span measured) and one clause that
    says the power, its span, whether it reaches 80% and which span does.
    """
    power = _committed_power() if power is None else power
    checks = power.get(MODEL_TESTS.get(model, ""), [])
    name = MODEL_NAMES.get(model, f"the {model} test")
    if not checks:
        return None, f"the validation study has not measured the power of {name}"
    first = checks[0]
    needed = first.span_needed
    reach = (
        f"it reaches {_pct(POWER_TARGET)} from {needed:,} days"
        if needed is not None
        else f"it does not reach {_pct(POWER_TARGET)} at any span measured, up to "
        f"{checks[-1].n_days:,} days"
    )
    below = [c for c in checks if c.n_days * (1 - SPAN_TOLERANCE) <= n_days]
    if not below:
        return None, (
            f"over {n_days:,} days, shorter than any span the validation study measured, "
            f"the power of {name} is not known; over {first.n_days:,} days it finds "
            f"{_effect(first)} {_pct(first.power)} of the time, and less over a shorter "
            f"span ({reach})"
        )
    at = below[-1]
    enough = "enough" if at.power >= POWER_TARGET else f"below the {_pct(POWER_TARGET)} wanted"
    return at, (
        f"over {at.n_days:,} days, in the validation study, {name} finds {_effect(at)} "
        f"{_pct(at.power)} of the time ({_pct(at.ci_low)}-{_pct(at.ci_high)}, {at.reps} "
        f"simulations; {enough}; {reach})"
    )


def _effect(check: PowerCheck) -> str:
    return f"a planted effect at {check.events:,} events per side ({check.effect_words})"


def has_power(model: str, n_days: int, power: dict[str, list[PowerCheck]] | None = None):
    """True when the study measured at least 80% power for ``model``'s test at a span no
    longer than ``n_days``, False when it measured less, None when it has no measure."""
    check, _ = power_at_span(model, n_days, power)
    if check is None or math.isnan(check.power):
        return None
    return check.power >= POWER_TARGET


def power_short(
    model: str, n_days: int, power: dict[str, list[PowerCheck]] | None = None
) -> tuple[str, float] | None:
    """A short clause for a page that cites power, and the power it cites: ``("the Hawkes
    cross-excitation test 60% (over 500 days; 80% from 2,000 days)", 0.6)``. A span
    shorter than every span measured gets the power at the shortest as an upper bound
    (``"at most 60% (60% over 500 days, less over a shorter span; ...)"``). None when the
    study has no power for the test."""
    power = _committed_power() if power is None else power
    checks = power.get(MODEL_TESTS.get(model, ""), [])
    if not checks:
        return None
    check, _ = power_at_span(model, n_days, power)
    needed, longest = checks[0].span_needed, checks[-1].n_days
    reach = (
        f"80% from {needed:,} days" if needed is not None else f"under 80% up to {longest:,} days"
    )
    name = MODEL_NAMES.get(model, model)
    if check is None:
        first = checks[0]
        return (
            f"{name} at most {_pct(first.power)} ({_pct(first.power)} over "
            f"{first.n_days:,} days, less over a shorter span; {reach})",
            first.power,
        )
    return f"{name} {_pct(check.power)} (over {check.n_days:,} days; {reach})", check.power
