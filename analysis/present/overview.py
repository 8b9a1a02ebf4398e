"""The event table at a glance: where, how precisely dated, how well sourced, how complete.

Coverage compares the coded events with the aggregate claims in the articles ("targeted at
least 170 times since Oct. 7"): a coded count far below the claim says the table holds a
sample of the events, not all of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.models.dyad import Dyad
from analysis.schema import DATE_PRECISIONS, split_list

PLACE_COLUMNS = ("country", "admin1", "location")


def load_optional_table(path: str | os.PathLike | None) -> tuple[pd.DataFrame | None, str]:
    """Read an optional CSV (mentions, aggregates); ``None`` and the reason when absent.

    Parameters
    ----------
    path
        Path of the CSV, or ``""`` when the data have none (imported tables).
    """
    if not path:
        return None, "no file was given (imported tables have no source sentences)"
    path = Path(path)
    if not path.exists():
        return None, f"{path.name} does not exist"
    return pd.read_csv(path, dtype=str, keep_default_na=False), ""


def side_counts(dyad: Dyad) -> pd.DataFrame:
    """Events per side with the share whose deaths are known."""
    rows = []
    for code, part in ((dyad.side_a, dyad.a), (dyad.side_b, dyad.b)):
        known = (
            pd.to_numeric(part["fatalities_best"], errors="coerce").notna().sum()
            if "fatalities_best" in part.columns
            else 0
        )
        rows.append({"side": code, "events": len(part), "deaths known": int(known)})
    return pd.DataFrame(rows)


def precision_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per date precision, finest first (``"unknown"`` for an empty precision)."""
    if "date_precision" not in events.columns:
        return pd.DataFrame({"date_precision": ["unknown"], "events": [len(events)]})
    values = events["date_precision"].replace("", "unknown")
    counts = values.value_counts()
    order = [p for p in (*DATE_PRECISIONS, "unknown") if p in counts.index]
    order += sorted(set(counts.index) - set(order))
    return pd.DataFrame({"date_precision": order, "events": [int(counts[p]) for p in order]})


def source_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events by number of independent sources (from ``number_of_sources`` or ``sources``)."""
    if "number_of_sources" in events.columns:
        n = pd.to_numeric(events["number_of_sources"], errors="coerce")
    elif "sources" in events.columns:
        n = events["sources"].map(lambda s: len(split_list(s))).astype(float)
    else:
        n = pd.Series(np.nan, index=events.index)
    counts = n.fillna(-1).astype(int).value_counts().sort_index()
    labels = ["unknown" if k < 0 else str(k) for k in counts.index]
    return pd.DataFrame({"sources": labels, "events": counts.to_numpy()})


def place_table(dyad: Dyad, top: int = 10) -> pd.DataFrame:
    """Events per place (country, admin1, location) and side, the ``top`` busiest places."""
    cols = [c for c in PLACE_COLUMNS if c in dyad.events.columns]
    if not cols or dyad.events.empty:
        return pd.DataFrame(columns=[*cols, dyad.side_a, dyad.side_b, "total"])
    frame = dyad.events[[*cols, "side"]].copy()
    frame[cols] = frame[cols].replace("", "(not stated)")
    table = pd.crosstab([frame[c] for c in cols], frame["side"])
    table = table.reindex(columns=["A", "B"], fill_value=0)
    table.columns = [dyad.side_a, dyad.side_b]
    table["total"] = table.sum(axis=1)
    table = table.reset_index().sort_values(
        ["total", *cols], ascending=[False, *[True] * len(cols)]
    )
    return table.head(top).reset_index(drop=True)


def coordinates(events: pd.DataFrame) -> pd.DataFrame:
    """Events with both latitude and longitude known (``side``, ``latitude``, ``longitude``)."""
    if not {"latitude", "longitude"} <= set(events.columns):
        return pd.DataFrame(columns=["side", "latitude", "longitude"])
    lat = pd.to_numeric(events["latitude"], errors="coerce")
    lon = pd.to_numeric(events["longitude"], errors="coerce")
    ok = lat.notna() & lon.notna()
    return pd.DataFrame({"side": events["side"][ok], "latitude": lat[ok], "longitude": lon[ok]})


def evidence_table(dyad: Dyad, mentions: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """Each event of the dyad with the article and sentence that report it.

    Parameters
    ----------
    dyad
        The dyad's events.
    mentions
        The mentions table (needs ``event_id`` or ``event_ids``, ``article_id`` and
        ``sentence_text``).

    Returns
    -------
    The table (``event_id``, ``event_date``, ``side``, ``article_id``, ``sentence``) sorted
    by date and event, and ``""`` or the reason it is empty. Sentences are raw text:
    display with escaping on (pandas' default).
    """
    cols = ["event_id", "event_date", "side", "article_id", "sentence"]
    if mentions is None:
        return pd.DataFrame(columns=cols), "no mentions table"
    id_col = next((c for c in ("event_id", "event_ids") if c in mentions.columns), "event_id")
    needed = {id_col, "article_id", "sentence_text"}
    missing = needed - set(mentions.columns)
    if missing:
        return pd.DataFrame(columns=cols), f"the mentions table lacks {', '.join(sorted(missing))}"
    events = dyad.events[["event_id", "event_date", "side"]].copy()
    events["side"] = events["side"].map({"A": dyad.side_a, "B": dyad.side_b})
    # A mention may support several events (list field joined by ";").
    links = pd.DataFrame(
        {
            "event_id": mentions[id_col].map(split_list),
            "article_id": mentions["article_id"],
            "sentence": mentions["sentence_text"],
        }
    ).explode("event_id")
    table = events.merge(links, on="event_id", how="inner").drop_duplicates()
    table = table.sort_values(["event_date", "event_id", "article_id", "sentence"])
    reason = "" if len(table) else "no mention is linked to an event of this dyad"
    return table.reset_index(drop=True)[cols], reason


def coverage_table(dyad: Dyad, aggregates: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """Coded events against the aggregate claims of the articles.

    For each claim whose initiator is one of the dyad's sides and whose period start is
    known, count the coded events of that side from the period start to its end (or to
    the end of the data when the claim gives none).

    Returns
    -------
    The table (``article_id``, ``side``, ``period_start``, ``period_end``, ``claimed``,
    ``coded``, ``coded_share``, ``claim``), and ``""`` or the reason it is empty.
    ``coded_share`` is coded / lowest claimed count.
    """
    cols = [
        "article_id",
        "side",
        "period_start",
        "period_end",
        "claimed",
        "coded",
        "coded_share",
        "claim",
    ]
    if aggregates is None:
        return pd.DataFrame(columns=cols), "no aggregates table"
    needed = {"actor1_side", "period_start", "count_low", "sentence_text"}
    if needed - set(aggregates.columns):
        missing = ", ".join(sorted(needed - set(aggregates.columns)))
        return pd.DataFrame(columns=cols), f"the aggregates table lacks {missing}"
    claims = aggregates[aggregates["actor1_side"].isin([dyad.side_a, dyad.side_b])].copy()
    claims["start"] = pd.to_datetime(claims["period_start"], errors="coerce")
    end_col = claims["period_end"] if "period_end" in claims.columns else ""
    claims["stop"] = pd.to_datetime(end_col, errors="coerce").fillna(dyad.end)
    claims["low"] = pd.to_numeric(claims["count_low"], errors="coerce")
    high = claims["count_high"] if "count_high" in claims.columns else claims["count_low"]
    claims["high"] = pd.to_numeric(high, errors="coerce")
    claims = claims[claims["start"].notna() & claims["low"].notna()]
    if claims.empty:
        return pd.DataFrame(columns=cols), "no claim about this dyad states a period and a count"
    dates = {
        dyad.side_a: dyad.a["event_date"].to_numpy(),
        dyad.side_b: dyad.b["event_date"].to_numpy(),
    }
    coded = [
        int(((dates[s] >= np.datetime64(lo)) & (dates[s] <= np.datetime64(hi))).sum())
        for s, lo, hi in zip(claims["actor1_side"], claims["start"], claims["stop"], strict=True)
    ]
    claimed = [
        f"{int(lo)}" if not np.isfinite(hi) or hi == lo else f"{int(lo)}–{int(hi)}"
        for lo, hi in zip(claims["low"], claims["high"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "article_id": claims.get("article_id", ""),
            "side": claims["actor1_side"],
            "period_start": claims["start"].dt.strftime("%Y-%m-%d"),
            "period_end": claims["stop"].dt.strftime("%Y-%m-%d"),
            "claimed": claimed,
            "coded": coded,
            "coded_share": np.asarray(coded) / claims["low"].clip(lower=1).to_numpy(),
            "claim": claims["sentence_text"],
        }
    )
    table = table.sort_values(["period_start", "side", "article_id"]).reset_index(drop=True)
    return table[cols], ""


def day_precision_share(events: pd.DataFrame) -> float | None:
    """Share of events dated to the day (``None`` without events)."""
    if events.empty:
        return None
    if "date_precision" not in events.columns:
        return 1.0
    return float((events["date_precision"] == "day").mean())


#: Initiator sides that name nobody: ``UNKNOWN`` (articles) or empty (some imports).
UNATTRIBUTED_SIDES = ("UNKNOWN", "")


def unattributed_attacks(events: pd.DataFrame, dyad: Dyad) -> pd.DataFrame:
    """Per side of the dyad: attacks on it by the other side, and attacks on it by nobody named.

    The dyad analyses see only attributed events; the unattributed attacks on a side (an
    initiator side ``UNKNOWN``, or empty in imports that leave it so) in the dyad's period
    are what they leave out.

    Parameters
    ----------
    events
        The whole event table (``actor1_side``, ``actor2_side``, ``event_date``).
    dyad
        The dyad whose sides and period are counted.

    Returns
    -------
    One row per side: ``attacked side``, ``by the other side``, ``unattributed`` and
    ``unattributed share`` (of the two; ``NaN`` when both are zero).
    """
    dates = pd.to_datetime(events["event_date"], errors="coerce")
    in_period = dates.between(dyad.start, dyad.end)
    initiator = events["actor1_side"].fillna("")
    target = events["actor2_side"].fillna("")
    rows = []
    for attacked, other in ((dyad.side_a, dyad.side_b), (dyad.side_b, dyad.side_a)):
        on_side = in_period & (target == attacked)
        by_other = int((on_side & (initiator == other)).sum())
        unknown = int((on_side & initiator.isin(UNATTRIBUTED_SIDES)).sum())
        total = by_other + unknown
        rows.append(
            {
                "attacked side": attacked,
                "by the other side": by_other,
                "unattributed": unknown,
                "unattributed share": unknown / total if total else np.nan,
            }
        )
    return pd.DataFrame(rows)
