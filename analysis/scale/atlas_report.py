"""Render the escalation atlas for readers: a sortable offline table and small multiples.

The table is plain HTML, ``<table class="sortable">`` with a sort key in each cell's
``data-v`` attribute and no script: the report template's own script (``static/sort.js``
of ``analysis/templates/escalation``) sorts it when a column header is clicked, offline and
from a file. The small multiples show the weekly counts of the most reciprocal dyads side
by side.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.models.calendar import period_counts
from analysis.models.dyad import Dyad
from analysis.present import reader_tables
from analysis.present.style import SIDE_COLOURS, source_line
from analysis.present.tables import count, p_value, share
from analysis.scale.atlas import DEFAULT_WINDOWS, atlas_row, dyad_events, find_row

#: Columns of the short table shown in the report (the CSV keeps them all).
SUMMARY_COLUMNS = (
    "side_a",
    "side_b",
    "n_a",
    "n_b",
    "route",
    "lag_median_ab",
    "lag_median_ba",
    "share_7d_ab",
    "share_7d_ba",
    "tft_excess_ab",
    "tft_p_ab",
    "tft_excess_ba",
    "tft_p_ba",
    "granger_p_ab",
    "granger_p_ba",
    "branching_ab",
    "branching_ba",
    "reciprocity",
)


def _cell(value: object) -> tuple[str, str]:
    """Display text and sort key of one value (missing: an empty key that sorts last).

    Numbers get a key that JavaScript's ``Number`` reads back exactly (``repr`` of the
    float, ``Infinity`` for infinities); text is its own key.
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "–", ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)), str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isinf(value):
            return ("∞" if value > 0 else "−∞"), ("Infinity" if value > 0 else "-Infinity")
        shown = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return shown, repr(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}", str(int(value))
    return str(value), str(value)


def sortable_table_html(
    atlas: pd.DataFrame,
    columns: Sequence[str] = SUMMARY_COLUMNS,
    table_id: str | None = None,
    caption: str = "",
) -> str:
    """HTML of a table that the report template sorts by any column (header click).

    Parameters
    ----------
    atlas
        Atlas rows (any columns; those in ``columns`` that exist are shown, in order).
    columns
        Columns to show.
    table_id
        Optional HTML id of the table (unique within the page).
    caption
        Optional caption above the table.

    Returns
    -------
    An HTML fragment ``<table class="sortable atlas-table">`` without any script: each
    cell carries its sort key in ``data-v`` (the number itself for numbers, so that
    "1,234" sorts after "987"); missing values show as "–" and have an empty key, which
    the template's sort script puts last. Every name and value is escaped.
    """
    cols = [c for c in columns if c in atlas.columns]
    id_attr = f' id="{html.escape(table_id)}"' if table_id else ""
    parts = [f'<table class="sortable atlas-table"{id_attr}>']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{html.escape(c)}</th>' for c in cols)
        + "</tr></thead>"
    )
    parts.append("<tbody>")
    for record in atlas[cols].itertuples(index=False):
        cells = []
        for value in record:
            shown, key = _cell(value)
            cells.append(f'<td data-v="{html.escape(key)}">{html.escape(shown)}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def most_reciprocal(atlas: pd.DataFrame, k: int = 6) -> pd.DataFrame:
    """The ``k`` dyads whose weaker direction pairs most beyond chance.

    Sorted by ``reciprocity`` (descending; dyads without it last), then by size.
    """
    order = atlas.assign(
        _r=atlas["reciprocity"].fillna(-np.inf), _n=np.minimum(atlas["n_a"], atlas["n_b"])
    )
    order = order.sort_values(
        ["_r", "_n", "side_a", "side_b"], ascending=[False, False, True, True]
    )
    return order.drop(columns=["_r", "_n"]).head(k).reset_index(drop=True)


def small_multiples(
    events: pd.DataFrame,
    atlas: pd.DataFrame,
    k: int = 6,
    level: str | None = None,
    source: str = "event table",
) -> plt.Figure:
    """Weekly counts of the ``k`` most reciprocal dyads, one small panel each.

    Parameters
    ----------
    events
        The event table the atlas was computed from.
    atlas
        The atlas (its ``level`` column says how to key the events unless ``level`` is
        given).
    k
        Number of panels.
    source
        Text of the source line.

    Returns
    -------
    The figure (one empty panel with a message when the atlas has no dyad).
    """
    top = most_reciprocal(atlas, k)
    n = max(1, len(top))
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.6 * ncols, 3.0 * nrows), squeeze=False, sharex=False
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    if top.empty:
        axes[0, 0].text(0.5, 0.5, "No dyad has enough events", ha="center", va="center")
        axes[0, 0].set_axis_off()
        fig.suptitle("The atlas holds no dyad", x=0.01, ha="left", fontweight="bold")
        return fig
    for ax, row in zip(axes.flat, top.itertuples(index=False), strict=False):
        dyad = dyad_events(events, row.side_a, row.side_b, level or row.level)
        counts = period_counts(dyad, freq="W")
        ax.plot(counts["period"], counts["A"], color=SIDE_COLOURS["A"], lw=1, label=row.side_a)
        ax.plot(counts["period"], counts["B"], color=SIDE_COLOURS["B"], lw=1, label=row.side_b)
        recip = "n/a" if pd.isna(row.reciprocity) else f"{row.reciprocity:.2f}"
        ax.set_title(
            f"{_short(row.side_a)}\nvs {_short(row.side_b)} (reciprocity {recip})",
            fontsize=8,
            fontweight="normal",
        )
        ax.set_ylabel("events per week")
        ax.tick_params(axis="x", labelsize=7, rotation=30)
        ax.legend(fontsize=6, loc="upper right")
    fig.suptitle(_multiples_title(top), x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    source_line(fig, source)
    return fig


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _multiples_title(top: pd.DataFrame) -> str:
    """A title that states what the panels show, from the reciprocity values."""
    best = top["reciprocity"].max()
    if pd.isna(best):
        return "Weekly events of the atlas's dyads: too few events to compare with chance"
    if best < 1.1:
        return (
            f"Weekly events of the most reciprocal dyads: even the strongest pairs only "
            f"{best:.2f}x what chance timing gives"
        )
    return f"Weekly events of the most reciprocal dyads: up to {best:.2f}x the pairs chance gives"


def atlas_summary_markdown(atlas: pd.DataFrame, window_days: int = 7) -> str:
    """Plain-words summary of the atlas for policy readers."""
    if atlas.empty:
        return "**Summary.** No dyad has enough events each way to enter the atlas."
    n = len(atlas)
    routes = atlas["route"].value_counts()
    tested = atlas[atlas["route"] != "descriptive"]
    beyond = tested[(tested["tft_p_ab"] < 0.05) | (tested["tft_p_ba"] < 0.05)]
    top = most_reciprocal(atlas, 1).iloc[0]
    share_col = f"share_{window_days}d"
    lines = [
        f"**Summary.** The atlas covers {n} dyad(s): "
        + ", ".join(f"{int(v)} {k}" for k, v in routes.sort_index().items())
        + " (the route each sample allows).",
        f"In {len(beyond)} of the {len(tested)} dyad(s) large enough for a test, one side "
        "answers the other within the pairing window more often than chance timing gives "
        "(permutation p < 0.05 in at least one direction).",
    ]
    if pd.notna(top["reciprocity"]):
        line = (
            f"The most reciprocal dyad is **{top['side_a']} vs {top['side_b']}**: in its "
            f"weaker direction there are {top['reciprocity']:.2f} times the pairs chance "
            "gives."
        )
        if f"{share_col}_ab" in atlas.columns and pd.notna(top[f"{share_col}_ab"]):
            line += (
                f" {top['side_b']} acts within {window_days} days after "
                f"{top[f'{share_col}_ab']:.0%} of {top['side_a']}'s events; "
                f"{top['side_a']} after {top[f'{share_col}_ba']:.0%} of {top['side_b']}'s."
            )
        lines.append(line)
    return "\n\n".join(lines)


ATLAS_CAVEATS = """\
- **Timing is not intent.** A response-lag, a window pair or a Granger test says that one
  side's events follow the other's more often than chance timing; it does not say the later
  event was meant as an answer. Stated links (`retaliation_for`) are the only direct evidence.
- **Lags** are at least one day at day precision; events dated only to a week or month are
  left out. The Kaplan-Meier median accounts for provocations never answered; the plain
  median of observed lags does not.
- **Shares answered** count an answer only if it comes before the same side acts again;
  their Wilson intervals ignore the dependence between nearby events, so read them as
  optimistic.
- **Tit-for-tat pairs** are compared with surrogates that permute the days within each
  month (both sides of a day together, so shared trends and same-day shocks stay); a high
  event rate makes chance pairs common, which is why the excess over the null, not the
  count, is reported.
- **Granger tests** use weekly counts: an answer within the same week is invisible to them.
- **Hawkes branching** assumes one exponential decay shared by all four kernels and
  day-level timing jittered within the day; its Wald intervals are approximate.
- **Small samples.** Dyads with fewer than 10 events on a side get descriptive numbers
  only; fewer than 50, no parametric model. The `note` column says what was left out.
- **Many dyads, many tests.** With dozens of dyads some p-values fall below 0.05 by chance
  alone; treat single small p-values in the atlas as leads to check, not findings.
"""


def _estimate(value: object) -> str:
    return reader_tables.estimate(value, 3)


def dyad_row_table(row: dict, windows: Sequence[int] = (1, 3, 7, 14)) -> pd.DataFrame:
    """One atlas row as a short table: a line per measure, a column per direction.

    Values with intervals are shown as ``estimate [low to high]``, counts with thousands
    separators, shares as %, p-values to two significant digits; measures not computed
    (route too small, or not computable) show "–".
    """
    a, b = row["side_a"], row["side_b"]

    writers = {"count": count, "share": share, "p": p_value, "number": _estimate}

    def fmt(key: str, kind: str = "number") -> str:
        value = row.get(key, math.nan)
        if value is None or pd.isna(value):
            return "–"
        low, high = row.get(f"{key}_low", math.nan), row.get(f"{key}_high", math.nan)
        if low is None or high is None or pd.isna(low) or pd.isna(high):
            low = high = None
        return reader_tables.with_interval(value, low, high, writers[kind])

    lines = [("provocations", "provocations_{d}", "count")]
    lines += [("median lag (days, observed)", "lag_median_{d}", "number")]
    lines += [("median lag (days, Kaplan-Meier)", "km_median_{d}", "number")]
    lines += [(f"answered within {w} d", f"share_{w}d_{{d}}", "share") for w in windows]
    lines += [
        ("tit-for-tat pairs", "tft_pairs_{d}", "count"),
        ("pairs by chance (mean)", "tft_null_mean_{d}", "number"),
        ("pairs / chance", "tft_excess_{d}", "number"),
        ("permutation p", "tft_p_{d}", "p"),
        ("Granger p (weekly)", "granger_p_{d}", "p"),
        ("Hawkes branching", "branching_{d}", "number"),
    ]
    out = []
    for label, pattern, kind in lines:
        out.append(
            {
                "measure": label,
                f"{b} answers {a}": fmt(pattern.format(d="ab"), kind),
                f"{a} answers {b}": fmt(pattern.format(d="ba"), kind),
            }
        )
    return pd.DataFrame(out)


def row_for_dyad(
    table: pd.DataFrame,
    dyad: Dyad,
    window_days: int,
    whole_period: bool,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    seed: int = 0,
) -> dict:
    """The atlas row of a notebook's dyad: read from ``table`` when it holds exactly this
    computation, else computed with :func:`analysis.scale.atlas.atlas_row`.

    The stored row is used only for the whole period (``whole_period``: no start or end
    given), the side level, the same sides and the same pairing window, so that reading
    it and computing it give the same numbers; on the ~70k-event Iraq table that saves
    minutes of permutations and Hawkes fits.
    """
    if whole_period:
        stored = find_row(table, dyad.side_a, dyad.side_b, "side")
        if (
            stored is not None
            and stored["side_a"] == dyad.side_a
            and stored["pair_window"] == window_days
            and stored["n_a"] == len(dyad.a)
            and stored["n_b"] == len(dyad.b)
        ):
            return stored
    return atlas_row(dyad.events, dyad.side_a, dyad.side_b, windows, seed, pair_window=window_days)
