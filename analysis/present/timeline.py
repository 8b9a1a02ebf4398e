"""The dyad timeline: who acted when, and who answered whom, on one time axis.

Grammar (the same for single events and for weekly aggregates):

- one lane per side, on a common time axis;
- a mark per event (or per week), its area growing with the deaths; hollow when the deaths
  are unknown (unknown is not zero);
- a stated retaliation link (the ``retaliation_for`` column: the sources say B answered A)
  is an arc from the provocation to the response;
- a window pair (the other side acted within ``window_days``, no link stated) is a thin,
  light straight line: timing only, not a stated motive;
- episodes (runs of activity separated by quiet gaps) are shaded.

Above :data:`WEEKLY_FROM` events the marks are weekly: area grows with the week's events,
filled when some deaths are known, and links and pairs are counted per pair of weeks
(line width grows with the count).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from analysis.models import episodes as episodes_model
from analysis.models import pairing
from analysis.models.dyad import Dyad
from analysis.present.labels import side_label
from analysis.present.style import SIDE_COLOURS, source_line

#: Above this many events the timeline shows weekly marks.
WEEKLY_FROM = 400
LANE = {"A": 1.0, "B": 0.0}
SOURCE = "event table of this project; links as stated by the sources"


def _area(values: np.ndarray, scale: float) -> np.ndarray:
    # Area, not radius, grows with the value so that a mark for 10 deaths is not read as
    # a hundred times a mark for 1.
    return 30 + scale * np.sqrt(np.nan_to_num(values, nan=0.0))


def _deaths(frame: pd.DataFrame) -> np.ndarray:
    if "fatalities_best" not in frame.columns:
        return np.full(len(frame), np.nan)
    best = pd.to_numeric(frame["fatalities_best"], errors="coerce")
    if "fatalities_low" in frame.columns:
        best = best.fillna(pd.to_numeric(frame["fatalities_low"], errors="coerce"))
    return best.to_numpy(float)


def _arc(ax, x0, y0, x1, y1, *, colour, width=1.2, alpha=0.9, bend=0.35) -> None:
    ax.add_patch(
        FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            connectionstyle=f"arc3,rad={bend if y1 <= y0 else -bend}",
            arrowstyle="-|>",
            mutation_scale=9,
            color=colour,
            lw=width,
            alpha=alpha,
            zorder=2,
        )
    )


def dyad_timeline(
    dyad: Dyad,
    *,
    window_days: float = 7,
    pairs: pd.DataFrame | None = None,
    episodes: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    weekly: bool | None = None,
    source: str = SOURCE,
) -> plt.Figure:
    """Draw the timeline of a dyad.

    Parameters
    ----------
    dyad
        The dyad (events sorted by date, ``side`` ``"A"``/``"B"``).
    window_days
        Window of the timing pairs drawn as light lines.
    pairs
        Pairs as from :func:`analysis.models.pairing.all_pairs` (``provocation``,
        ``response``, ``basis`` of ``"stated"`` or ``"window"``); computed when ``None``.
    episodes
        Episodes with ``start`` and ``end`` dates; from
        :func:`analysis.models.episodes.dyad_episodes` when ``None``.
    labels
        Side labels beyond the vocabulary's.
    weekly
        Force weekly aggregation on or off; by default on above :data:`WEEKLY_FROM` events.

    Returns
    -------
    The figure.
    """
    events = dyad.events.copy()
    events["event_date"] = pd.to_datetime(events["event_date"], errors="coerce")
    events = events.dropna(subset=["event_date"])
    names = {"A": side_label(dyad.side_a, labels), "B": side_label(dyad.side_b, labels)}
    weekly = len(events) > WEEKLY_FROM if weekly is None else weekly
    fig, ax = plt.subplots(figsize=(10, 3.6))
    if events.empty:
        ax.text(0.5, 0.5, "no events to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    if episodes is None:
        episodes = episodes_model.dyad_episodes(dyad)
    for k, row in enumerate(episodes.itertuples(index=False) if len(episodes) else []):
        ax.axvspan(
            pd.Timestamp(row.start) - pd.Timedelta(hours=12),
            pd.Timestamp(row.end) + pd.Timedelta(hours=12),
            color="#888888",
            alpha=0.12,
            lw=0,
            label="episode" if k == 0 else None,
            zorder=0,
        )
    if pairs is None:
        pairs = pairing.all_pairs(dyad, window_days)
    if weekly:
        _draw_weekly(ax, events, pairs)
    else:
        _draw_events(ax, events, pairs)
    ax.set_yticks([LANE["A"], LANE["B"]], [names["A"], names["B"]])
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlabel("week" if weekly else "date of event")
    ax.spines[["left", "right", "top"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = [
        Line2D([], [], marker="o", ls="", color=SIDE_COLOURS["A"], label=names["A"]),
        Line2D([], [], marker="o", ls="", color=SIDE_COLOURS["B"], label=names["B"]),
        Line2D([], [], marker="o", ls="", mfc="white", color="#555555", label="deaths unknown"),
        Line2D([], [], color="#333333", lw=1.2, label="stated response (arc)"),
        Line2D(
            [], [], color="#999999", lw=0.8, alpha=0.6, label=f"acted within {window_days:g} days"
        ),
    ]
    if len(episodes):
        handles.append(plt.Rectangle((0, 0), 1, 1, color="#888888", alpha=0.12, label="episode"))
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    if weekly:
        title = f"Events per week of {names['A']} and {names['B']}; mark area grows with events"
    else:
        title = f"Events of {names['A']} and {names['B']}; mark area grows with deaths"
    ax.set_title(title)
    fig.autofmt_xdate()
    source_line(fig, source)
    return fig


def _draw_events(ax, events: pd.DataFrame, pairs: pd.DataFrame) -> None:
    when = dict(zip(events["event_id"].astype(str), events["event_date"], strict=True))
    side = dict(zip(events["event_id"].astype(str), events["side"], strict=True))
    for row in pairs.itertuples(index=False):
        p, r = str(row.provocation), str(row.response)
        if p not in when or r not in when:
            continue
        x0, x1, y0, y1 = when[p], when[r], LANE[side[p]], LANE[side[r]]
        if row.basis == "stated":
            _arc(ax, x0, y0, x1, y1, colour=SIDE_COLOURS[side[r]])
        else:
            ax.plot([x0, x1], [y0, y1], color="#999999", lw=0.8, alpha=0.6, zorder=1)
    for code in ("A", "B"):
        part = events[events["side"] == code]
        deaths = _deaths(part)
        known = ~np.isnan(deaths)
        y = np.full(len(part), LANE[code])
        colour = SIDE_COLOURS[code]
        ax.scatter(
            part["event_date"][known],
            y[known],
            s=_area(deaths[known], 40),
            color=colour,
            alpha=0.8,
            edgecolor="white",
            zorder=3,
        )
        ax.scatter(
            part["event_date"][~known],
            y[~known],
            s=_area(deaths[~known], 40),
            facecolor="white",
            edgecolor=colour,
            lw=1.4,
            zorder=3,
        )


def _week(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("W-SUN").dt.start_time


def _draw_weekly(ax, events: pd.DataFrame, pairs: pd.DataFrame) -> None:
    events = events.assign(week=_week(events["event_date"]), deaths=_deaths(events))
    week = dict(zip(events["event_id"].astype(str), events["week"], strict=True))
    side = dict(zip(events["event_id"].astype(str), events["side"], strict=True))
    linked = pairs[
        pairs["provocation"].astype(str).isin(week) & pairs["response"].astype(str).isin(week)
    ]
    if len(linked):
        frame = pd.DataFrame(
            {
                "w0": linked["provocation"].astype(str).map(week),
                "w1": linked["response"].astype(str).map(week),
                "s0": linked["provocation"].astype(str).map(side),
                "s1": linked["response"].astype(str).map(side),
                "basis": linked["basis"].to_numpy(),
            }
        )
        grouped = frame.groupby(["w0", "w1", "s0", "s1", "basis"]).size().reset_index(name="n")
        top = max(1, int(grouped["n"].max()))
        for row in grouped.itertuples(index=False):
            width = 0.4 + 2.5 * row.n / top
            if row.basis == "stated":
                _arc(
                    ax,
                    row.w0,
                    LANE[row.s0],
                    row.w1,
                    LANE[row.s1],
                    colour=SIDE_COLOURS[row.s1],
                    width=width,
                )
            else:
                ax.plot(
                    [row.w0, row.w1],
                    [LANE[row.s0], LANE[row.s1]],
                    color="#999999",
                    lw=width,
                    alpha=0.25,
                    zorder=1,
                )
    for code in ("A", "B"):
        part = events[events["side"] == code]
        if part.empty:
            continue
        per_week = part.groupby("week").agg(
            n=("event_id", "size"), deaths=("deaths", lambda d: d.sum(min_count=1))
        )
        known = per_week["deaths"].notna().to_numpy()
        area = _area(per_week["n"].to_numpy(float), 300 / np.sqrt(max(1, per_week["n"].max())))
        y = np.full(len(per_week), LANE[code])
        colour = SIDE_COLOURS[code]
        ax.scatter(
            per_week.index[known], y[known], s=area[known], color=colour, alpha=0.7, zorder=3
        )
        ax.scatter(
            per_week.index[~known],
            y[~known],
            s=area[~known],
            facecolor="white",
            edgecolor=colour,
            lw=1.2,
            zorder=3,
        )
