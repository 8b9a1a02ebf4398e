"""Reader tables of analysis results, and how a notebook shows any table.

The functions of :mod:`analysis.models` return raw frames for code: numbers at full
precision, directions as ``"A->B"`` keys, sides as codes. The functions here turn each into
the table a reader sees: plain side names, directions in words ("Iran-aligned militias →
US-led coalition": the second side's events after the first's), counts as integers with
thousands separators, shares as percentages, p-values to two significant digits and
estimates with their 95% intervals in one cell ("1.2 [0.91 to 1.6]"). The raw frame stays
as it was.

:func:`install` (called by :func:`analysis.present.style.apply_house_style`) makes a
notebook show every ``DataFrame`` it displays through :func:`frame_html`: a known raw
frame (:data:`READERS`) gets its reader table, any other frame the generic treatment of
:func:`reader_frame`; the HTML has no index column and sorts by any column when long. The
two sides of a notebook are its ``side_a`` and ``side_b`` parameters (the standard
parameters of the report notebooks), so that ``"A->B"`` can be said in words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.present.labels import side_label
from analysis.present.tables import (
    DASH,
    ID_COLUMN,
    count,
    number,
    p_value,
    plain_frame,
    share,
    table_html,
)

#: The ``attrs`` key of a raw frame naming its reader (see :data:`READERS`).
KIND = "table"
#: ``attrs[KIND]`` of a frame that is already a reader table.
PLAIN = "plain"
_DIRECTION = re.compile(r"\b([AB])->([AB])\b")


# --------------------------------------------------------------------------- words


def side_names(
    side_a: object = None, side_b: object = None, labels: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``{"A": name, "B": name}``: the plain names of the two sides of a dyad (``"side A"``
    and ``"side B"`` when a code is not given)."""
    return {
        "A": side_label(side_a, labels) if side_a else "side A",
        "B": side_label(side_b, labels) if side_b else "side B",
    }


def direction_text(key: object, names: Mapping[str, str]) -> str:
    """``"A->B"`` as ``"<name of A> → <name of B>"`` (B's events after A's); any other
    text with such keys in it has each replaced."""
    return _DIRECTION.sub(lambda m: f"{names[m.group(1)]} → {names[m.group(2)]}", str(key))


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def estimate(value: object, digits: int = 2) -> str:
    """An estimate to ``digits`` significant digits, never rounded to 0 (``"0.0023"``)."""
    if _missing(value) or not math.isfinite(float(value)):
        return DASH
    return number(value, digits)


def interval(low: object, high: object, writer: Callable[[object], str] = estimate) -> str:
    """``"[low to high]"``; an unbounded end is ``"∞"``; ``"–"`` when both are missing."""
    if _missing(low) and _missing(high):
        return DASH
    hi = "∞" if _missing(high) or math.isinf(float(high)) else writer(high)
    return f"[{writer(low)} to {hi}]"


def with_interval(
    value: object, low: object, high: object, writer: Callable[[object], str] = estimate
) -> str:
    """An estimate and its interval in one cell: ``"1.2 [0.91 to 1.6]"``."""
    if _missing(value):
        return DASH
    ci = interval(low, high, writer)
    return writer(value) if ci == DASH else f"{writer(value)} {ci}"


def plain(rows: list[dict] | pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A frame of text cells marked as a reader table (shown as it is)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=columns)
    frame = frame.reset_index(drop=True)
    frame.attrs[KIND] = PLAIN
    return frame


# --------------------------------------------------------------------------- readers


def share_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Shares of attacks answered within each horizon, per direction, naive (Wilson
    interval) and Kaplan-Meier, from the raw frame of :func:`analysis.models.lags.share_table`."""
    rows = [
        {
            "Answer": f"{side_label(r['answerer'], labels)} after "
            f"{side_label(r['attacker'], labels)}",
            "Within (days)": count(r["within_days"]),
            "Attacks": count(r["n_attacks"]),
            "Share answered [95% interval]": with_interval(
                r["share"], r["ci_low"], r["ci_high"], share
            ),
            "Kaplan-Meier share [95% interval]": with_interval(
                r["km_share"], r["km_ci_low"], r["km_ci_high"], share
            ),
        }
        for r in frame.to_dict(orient="records")
    ]
    return plain(rows)


MEASURE_NAMES = {
    "killed": "Killed",
    "injured": "Injured",
    "events": "Events",
    "fatalities": "Deaths",
}


def totals_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Killed and injured per initiating side: best estimate with the low-high range, and
    how many events have a known or unknown toll (raw frame of
    :func:`analysis.models.casualties.totals_table`)."""
    rows = [
        {
            "Initiating side": side_label(r["side"], labels),
            "Measure": MEASURE_NAMES.get(r["measure"], r["measure"]),
            "Best estimate [low to high]": with_interval(r["best"], r["low"], r["high"], count),
            "Events, toll known": count(r["n_known"]),
            "Events, toll unknown": count(r["n_unknown"]),
        }
        for r in frame.to_dict(orient="records")
    ]
    return plain(rows)


def trend_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Trend per side and series: the rate ratio per period with its interval, or why no
    trend was fitted (raw frame of :func:`analysis.models.casualties.trend_table`)."""
    rows = []
    for r in frame.to_dict(orient="records"):
        row = {
            "Side": side_label(r["side"], labels),
            "Series": MEASURE_NAMES.get(r["series"], r["series"]),
        }
        if not _missing(r.get("not_fitted")) and r.get("not_fitted"):
            rows.append(
                {
                    **row,
                    "Change per period [95% interval]": DASH,
                    "Dispersion test p-value": DASH,
                    "Note": f"not fitted: {r['not_fitted']}",
                }
            )
            continue
        model = {"negbin": "negative binomial", "poisson": "Poisson"}.get(r["model"], r["model"])
        note = f"{model}; per {r['per']}; {count(r['n_periods'])} periods"
        note += (
            f"; dispersion alpha {estimate(r['alpha'])}"
            if not _missing(r.get("alpha"))
            else "; the negative binomial did not converge"
        )
        rows.append(
            {
                **row,
                "Change per period [95% interval]": with_interval(
                    r["irr"], r["ci_low"], r["ci_high"], ratio
                ),
                "Dispersion test p-value": p_value(r["dispersion_p_value"]),
                "Note": note,
            }
        )
    return plain(rows)


def ratio(value: object) -> str:
    """A ratio near 1 to three decimals (``"0.998"``, ``"1.004"``: not rounded to 1),
    others to three significant digits."""
    if _missing(value) or not math.isfinite(float(value)):
        return estimate(value)
    return f"{float(value):.3f}" if 0.1 <= abs(float(value)) < 10 else estimate(value, 3)


def drop_empty(frame: pd.DataFrame, columns: tuple[str, ...] = ("q-value",)) -> pd.DataFrame:
    """``frame`` without those of ``columns`` that hold no value (only dashes): q-values
    computed later, across all the tests of a report, are shown where they exist."""
    empty = [c for c in columns if c in frame.columns and (frame[c] == DASH).all() and len(frame)]
    out = frame.drop(columns=empty)
    out.attrs[KIND] = PLAIN
    return out


def rate_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Counts before and after the split date, their rate ratio with its interval and the
    p-value (raw frame of :func:`analysis.models.casualties.rate_table`)."""
    rows = [
        {
            "Side": side_label(r["side"], labels),
            "Measure": MEASURE_NAMES.get(r["measure"], r["measure"]),
            "Before": count(r["count_before"]),
            "After": count(r["count_after"]),
            "Rate ratio, after / before [95% interval]": with_interval(
                r["rate_ratio"], r["ci_low"], r["ci_high"], ratio
            ),
            "p-value": p_value(r["p_value"]),
            "p-value, exact Poisson (for comparison)": p_value(r["exact_poisson_p_value"]),
            "Note": r["note"] or DASH,
        }
        for r in frame.to_dict(orient="records")
    ]
    return plain(rows)


def sensitivity_table(
    sensitivity: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Window pairs per direction and window (:func:`pairing.sensitivity`), in words;
    columns the function does not know are kept, formatted by :func:`reader_frame`."""
    names = side_names(side_a, side_b, labels)
    known = {
        "window_days": ("Window (days)", count),
        "direction": ("Direction", lambda d: direction_text(d, names)),
        "n_provocations": ("Attacks", count),
        "n_pairs": ("Pairs", count),
        "share_paired": ("Share paired", share),
        "median_lag_days": ("Median lag (days)", estimate),
    }
    return _known_columns(sensitivity, known, names, labels)


def episodes_table(
    episodes: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Episodes of a dyad (:func:`episodes.dyad_episodes`): dates, length, events per
    side and who started and ended each, without the episode number."""
    names = side_names(side_a, side_b, labels)
    known = {
        "episode": None,
        "start": ("Start", _day),
        "end": ("End", _day),
        "length_days": ("Length (days)", count),
        "n_events": ("Events", count),
        "n_a": (f"Events by {names['A']}", count),
        "n_b": (f"Events by {names['B']}", count),
        "starter": ("Started by", lambda s: _sides_text(s, labels)),
        "ender": ("Ended by", lambda s: _sides_text(s, labels)),
        "one_sided": ("One side only", _yes_no),
    }
    return _known_columns(episodes, known, names, labels)


def gaps_table(
    gaps: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Episodes for each quiet gap (:func:`episodes.gap_sensitivity`), in words."""
    names = side_names(side_a, side_b, labels)
    known = {
        "quiet_days": ("Quiet gap (days)", estimate),
        "n_episodes": ("Episodes", count),
        "started_a": (f"Started by {names['A']}", count),
        "started_b": (f"Started by {names['B']}", count),
        "started_both": ("Started by both the same day", count),
        "share_one_sided": ("One side only", share),
        "median_length_days": ("Median length (days)", estimate),
    }
    return _known_columns(gaps, known, names, labels)


STATISTIC_NAMES = {
    "followed": "share followed within {h} days",
    "answered": "share answered within {h} days",
    "median_lag_days": "median lag (days)",
}


def baseline_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Lag statistics beside their chance values on surrogate series: shares as %, the
    median lag in days, p-values only where a test is made (raw frame of
    :func:`analysis.models.chance.baseline_table`)."""
    rows = []
    for r in frame.to_dict(orient="records"):
        is_share = r["statistic"] != "median_lag_days"
        writer = share if is_share else estimate
        within = None if _missing(r["within_days"]) else int(r["within_days"])
        rows.append(
            {
                "Answer": f"{side_label(r['answerer'], labels)} after "
                f"{side_label(r['attacker'], labels)}",
                "Statistic": STATISTIC_NAMES[r["statistic"]].format(h=within),
                "Observed": writer(r["observed"]),
                "Chance (mean)": writer(r["null_mean"]),
                "Chance, middle 95%": interval(r["null_low"], r["null_high"], writer),
                "p-value": p_value(r["p_value"]),
                "Note": "saturated: no power" if r["saturated"] else "",
            }
        )
    return plain(rows)


def _day(value: object) -> str:
    if _missing(value):
        return DASH
    return pd.Timestamp(value).strftime("%d %b %Y").lstrip("0")


def _yes_no(value: object) -> str:
    return DASH if _missing(value) else ("yes" if bool(value) else "no")


def _sides_text(value: object, labels: Mapping[str, str] | None) -> str:
    if _missing(value):
        return DASH
    return " and ".join(side_label(part.strip(), labels) for part in str(value).split("&"))


def _known_columns(
    frame: pd.DataFrame,
    known: Mapping[str, tuple[str, Callable[[object], str]] | None],
    names: Mapping[str, str],
    labels: Mapping[str, str] | None,
) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        spec = known.get(column, ())
        if spec is None:
            continue  # a running number, not something a reader needs
        if spec:
            header, writer = spec
            out[header] = [writer(v) for v in frame[column]]
    rest = [c for c in frame.columns if c not in known]
    if rest:
        extra = reader_frame(frame[rest], names, labels)
        for column in extra.columns:
            out[column] = list(extra[column])
    return plain(pd.DataFrame(out))


# --------------------------------------------------------------------------- any frame


def _header(column: object) -> str:
    text = str(column)
    words = {"p_value": "p-value", "q_value": "q-value", "n": "number"}
    if text in words:
        return words[text]
    text = text.replace("p_value", "p-value").replace("q_value", "q-value").replace("_", " ")
    return text[:1].upper() + text[1:]


def reader_frame(
    frame: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Any frame as a reader table: numbers rounded for reading
    (:func:`analysis.present.tables.plain_frame`), direction keys and side codes in words,
    ``True``/``False`` as yes/no, dates as dates, headers without code words."""
    names = dict(names or side_names(labels=labels))
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = [_yes_no(v) for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = [_day(v) for v in values]
        elif values.dtype == object:
            out[column] = [_text_cell(v, names, labels) for v in values]
    headers = [_header(side_label(c, labels)) for c in out.columns]
    out = plain_frame(out)
    out.columns = headers
    return plain(out)


def _text_cell(value: object, names: Mapping[str, str], labels: Mapping[str, str] | None) -> object:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and not math.isfinite(value):
        return DASH
    if isinstance(value, float):
        return number(value, 3)
    if value is None:
        return DASH
    if isinstance(value, str):
        return direction_text(side_label(value, labels), names)
    return value


#: Readers of raw frames, by ``attrs[KIND]``; each takes (frame, side_a, side_b, labels).
READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "lags.share_table": share_table,
    "casualties.totals_table": totals_table,
    "casualties.trend_table": trend_table,
    "casualties.rate_table": rate_table,
    "pairing.sensitivity": sensitivity_table,
    "episodes.dyad_episodes": episodes_table,
    "episodes.gap_sensitivity": gaps_table,
    "chance.baseline_table": baseline_table,
}
#: Raw frames of other modules recognised by their columns (they carry no ``attrs``).
_SIGNATURES = (
    ({"window_days", "direction", "n_provocations", "n_pairs"}, "pairing.sensitivity"),
    ({"start", "end", "starter", "ender", "n_events"}, "episodes.dyad_episodes"),
    ({"quiet_days", "n_episodes"}, "episodes.gap_sensitivity"),
)


def kind_of(frame: pd.DataFrame) -> str:
    """The reader of ``frame``: its ``attrs[KIND]``, else recognised by its columns;
    ``""`` for the generic treatment."""
    kind = str(frame.attrs.get(KIND, ""))
    if kind:
        return kind
    columns = set(map(str, frame.columns))
    return next((name for needed, name in _SIGNATURES if needed <= columns), "")


def reader_table(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The reader table of any frame (see :func:`kind_of`)."""
    kind = kind_of(frame)
    if kind == PLAIN:
        return frame
    if kind in READERS:
        return READERS[kind](frame, side_a, side_b, labels)
    return reader_frame(frame, side_names(side_a, side_b, labels), labels)


def frame_html(
    frame: pd.DataFrame,
    side_a: str | None = None,
    side_b: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """:func:`reader_table` as page HTML (no index column, sortable when long)."""
    table = reader_table(frame, side_a, side_b, labels)
    if table.empty:
        return '<p class="empty-table">No rows for this sample.</p>'

    return table_html(table, id_column=ID_COLUMN)


def install(shell: Any = None) -> bool:
    """Make the IPython ``shell`` (by default the running one) show every ``DataFrame``
    through :func:`frame_html`, naming the sides after its ``side_a`` and ``side_b``
    variables. Returns whether a shell was found (outside IPython nothing changes)."""
    if shell is None:
        # IPython is loaded lazily on purpose: only a notebook kernel has a display to set.
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False

    def show(frame: pd.DataFrame) -> str:
        ns = getattr(shell, "user_ns", {}) or {}
        a, b = (ns.get(name) for name in ("side_a", "side_b"))
        try:
            return frame_html(frame, *(v if isinstance(v, str) else None for v in (a, b)))
        except (KeyError, TypeError, ValueError, AttributeError):
            # A frame of an unexpected shape is still shown, as text, never as an error.
            return table_html(frame.reset_index(drop=True).astype(str), id_column=ID_COLUMN)

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, show)
    return True
