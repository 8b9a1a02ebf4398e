"""The escalation atlas: the same measures for every dyad of an event table, one row each.

For every pair of sides (or actors, or countries, or side-by-event-type) with at least
``--min-events`` events each way, :func:`atlas_row` computes, in both directions:

- event counts and response-lag quantiles (:mod:`analysis.models.lags`);
- the share of provocations answered within each window, with Wilson intervals;
- tit-for-tat window pairs against a within-month permutation null
  (:mod:`analysis.models.pairing`);
- Granger tests on weekly counts (:mod:`analysis.models.reaction`);
- Hawkes branching ratios with Wald intervals (:mod:`analysis.models.hawkes`).

Each measure follows the small-sample routing of :func:`analysis.models.routing.choose_route`:
a dyad too small for a test gets no p-value, and the ``note`` column says why. The atlas
calls the very functions the notebooks call; nothing is re-implemented here.

Direction suffixes: ``_ab`` is "A provokes, B answers" (the ``"A->B"`` direction of the
analysis modules), ``_ba`` the reverse. ``side_a`` sorts before ``side_b``.

Dyads are computed one after another in this process, or in parallel on a Dask cluster
(``--scheduler``): the events are keyed by dyad, shuffled so that each dyad's rows sit in
one partition, and each partition's dyads are computed where they sit. Both paths give the
same bytes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import UsageError
from analysis.files import replace_files
from analysis.io import csv_bytes, parquet_bytes, read_events
from analysis.models import granger, hawkes, lags, pairing
from analysis.models.dyad import Dyad, select_dyad
from analysis.models.multiple import bh_qvalues
from analysis.models.routing import choose_route
from analysis.scale.cluster import worker_count
from analysis.schema import FLOAT, INT, TEXT

#: Dyad levels: what a "side" of the atlas is.
LEVELS = ("side", "actor", "country", "subtype")
DEFAULT_WINDOWS = (1, 3, 7, 14)
#: Window (days) of the tit-for-tat pairing, as in the notebooks' default ``window_days``.
DEFAULT_PAIR_WINDOW = 7
DEFAULT_MIN_EVENTS = 10
DEFAULT_N_PERM = 999
DEFAULT_N_BOOT = 2000
#: Separator of side and event type in ``subtype`` keys (``INSURGENTS:IED``).
SUBTYPE_SEP = ":"
#: Columns read from the event table: all that the per-dyad measures use.
EVENT_FIELDS = (
    "event_id",
    "event_date",
    "date_precision",
    "actor1",
    "actor1_side",
    "actor2",
    "actor2_side",
    "event_type",
    "sub_event_type",
)
DIRS = {"ab": "A->B", "ba": "B->A"}
#: Columns each level needs besides ``event_date``.
LEVEL_COLUMNS = {
    "side": ("actor1_side", "actor2_side"),
    "actor": ("actor1", "actor2"),
    "country": ("actor1_side", "actor2_side"),
    "subtype": ("actor1_side", "actor2_side", "event_type"),
}


@dataclass(frozen=True)
class AtlasConfig:
    """Settings of one atlas run (all literals, so they travel to workers cheaply)."""

    level: str = "side"
    min_events: int = DEFAULT_MIN_EVENTS
    windows: tuple[int, ...] = DEFAULT_WINDOWS
    pair_window: int = DEFAULT_PAIR_WINDOW
    n_perm: int = DEFAULT_N_PERM
    n_boot: int = DEFAULT_N_BOOT
    seed: int = 0
    hawkes: bool = True


# --------------------------------------------------------------------------- columns


def atlas_columns(windows: Sequence[int] = DEFAULT_WINDOWS) -> list[str]:
    """Columns of the atlas table, in order, for the given windows."""
    cols = ["level", "side_a", "side_b", "n_a", "n_b", "start", "end", "route", "pair_window"]
    for d in DIRS:
        cols += [f"provocations_{d}", f"answered_{d}"]
        cols += [f"lag_q25_{d}", f"lag_median_{d}", f"lag_q75_{d}"]
        cols += [f"lag_median_{d}_low", f"lag_median_{d}_high"]
        cols += [f"km_median_{d}", f"km_median_{d}_low", f"km_median_{d}_high"]
        for w in windows:
            cols += [f"share_{w}d_{d}", f"share_{w}d_{d}_low", f"share_{w}d_{d}_high"]
        cols += [f"tft_pairs_{d}", f"tft_null_mean_{d}", f"tft_null_low_{d}"]
        cols += [f"tft_null_high_{d}", f"tft_excess_{d}", f"tft_p_{d}", f"tft_q_{d}"]
        cols += [f"granger_F_{d}", f"granger_p_{d}", f"granger_q_{d}"]
        cols += [f"branching_{d}", f"branching_{d}_low", f"branching_{d}_high"]
    cols += ["granger_lags", "hawkes_half_life_days", "reciprocity", "note"]
    return cols


_TEXT_COLUMNS = ("level", "side_a", "side_b", "start", "end", "route", "note")
_INT_COLUMNS = (
    "n_a",
    "n_b",
    "pair_window",
    "provocations_ab",
    "provocations_ba",
    "answered_ab",
    "answered_ba",
)


def empty_atlas(windows: Sequence[int] = DEFAULT_WINDOWS) -> pd.DataFrame:
    """A zero-row atlas with the right columns and dtypes (Dask's ``meta``)."""
    return typed_atlas(pd.DataFrame({c: [] for c in atlas_columns(windows)}), windows)


def typed_atlas(frame: pd.DataFrame, windows: Sequence[int]) -> pd.DataFrame:
    frame = frame.reindex(columns=atlas_columns(windows))
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            frame[col] = frame[col].fillna("").astype(object)
        elif col in _INT_COLUMNS:
            frame[col] = frame[col].astype("int64")
        else:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame


# --------------------------------------------------------------------------- one dyad


def atlas_row(
    events_of_dyad: pd.DataFrame,
    side_a: str,
    side_b: str,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    seed: int = 0,
    *,
    pair_window: int = DEFAULT_PAIR_WINDOW,
    n_perm: int = DEFAULT_N_PERM,
    n_boot: int = DEFAULT_N_BOOT,
    hawkes: bool = True,
    level: str = "side",
) -> dict[str, Any]:
    """Every atlas measure of one dyad, as one flat row.

    Parameters
    ----------
    events_of_dyad
        Events in the project's schema; the dyad is selected with
        :func:`analysis.models.dyad.select_dyad` (events whose ``actor1_side`` is ``side_a`` or
        ``side_b`` and whose target is the other side or unstated), so passing the whole
        table gives the same row.
    side_a, side_b
        The two sides.
    windows
        Windows (days) of the share answered.
    seed
        Seed of every resampling (bootstrap, permutation, Hawkes starts and jitter).
    pair_window
        Window (days) of the tit-for-tat pairing.
    n_perm, n_boot
        Permutations of the pairing null and bootstrap resamples of the median lag.
    hawkes
        Fit the Hawkes process when the route allows it (it is the slowest measure).
    level
        Recorded in the ``level`` column.

    Returns
    -------
    dict keyed by :func:`atlas_columns`; unknown or not-computed values are NaN, and the
    ``note`` says what the sample did not allow and why.
    """
    dyad = select_dyad(events_of_dyad, side_a, side_b)
    n_a, n_b = len(dyad.a), len(dyad.b)
    route = choose_route(n_a, n_b)
    notes: list[str] = []
    if not route.allows_parametric:
        notes.append(route.reason)
    row: dict[str, Any] = {
        "level": level,
        "side_a": side_a,
        "side_b": side_b,
        "n_a": n_a,
        "n_b": n_b,
        "start": _iso(dyad.start),
        "end": _iso(dyad.end),
        "route": route.name,
        "pair_window": int(pair_window),
    }
    windows = tuple(int(w) for w in windows)
    row.update(_lag_columns(dyad, windows, n_boot, seed, notes))
    row.update(_tft_columns(dyad, pair_window, route.allows_tests, n_perm, seed))
    if route.allows_parametric:
        row.update(_granger_columns(dyad, notes))
        if hawkes:
            row.update(_hawkes_columns(dyad, seed, notes))
        else:
            notes.append("Hawkes not fitted (switched off for this run).")
    row["reciprocity"] = _reciprocity(row)
    row["note"] = " ".join(notes)
    return {col: row.get(col, math.nan) for col in atlas_columns(windows)}


def _iso(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def _lag_columns(
    dyad: Dyad, windows: tuple[int, ...], n_boot: int, seed: int, notes: list[str]
) -> dict:
    res = lags.lag_results(dyad, horizons=windows, n_boot=n_boot, seed=seed)
    if res["dropped_coarse"]:
        notes.append(
            f"{res['dropped_coarse']} events dated coarser than {res['max_precision']} "
            "left out of the lags."
        )
    table = res["lags"]
    out: dict[str, Any] = {}
    for d, direction in DIRS.items():
        part = res["by_direction"][direction]
        observed = table.loc[
            (table["direction"] == direction) & ~table["censored"], "lag_days"
        ].to_numpy(dtype=float)
        q25, q50, q75 = (
            np.quantile(observed, [0.25, 0.5, 0.75]) if observed.size else (math.nan,) * 3
        )
        med, km = part["median_lag_days"], part["km_median_lag_days"]
        out |= {
            f"provocations_{d}": part["n_provocations"],
            f"answered_{d}": part["n_answered"],
            f"lag_q25_{d}": float(q25),
            f"lag_median_{d}": float(q50),
            f"lag_q75_{d}": float(q75),
            f"lag_median_{d}_low": _num(med["ci_low"]),
            f"lag_median_{d}_high": _num(med["ci_high"]),
            f"km_median_{d}": _num(km["estimate"]),
            f"km_median_{d}_low": _num(km["ci_low"]),
            f"km_median_{d}_high": _num(km["ci_high"]),
        }
        for w in windows:
            share = part["share_answered"][str(w)]
            out[f"share_{w}d_{d}"] = _num(share["share"])
            out[f"share_{w}d_{d}_low"] = _num(share["ci_low"])
            out[f"share_{w}d_{d}_high"] = _num(share["ci_high"])
    return out


def _tft_columns(dyad: Dyad, window: int, allows_tests: bool, n_perm: int, seed: int) -> dict:
    res = pairing.dyad_permutation(dyad, window, allows_tests, n_perm=n_perm, seed=seed)
    out: dict[str, Any] = {}
    for d, direction in DIRS.items():
        part = res[direction]
        null_mean = _num(part["null_mean"])
        observed = float(part["observed"])
        out |= {
            f"tft_pairs_{d}": observed,
            f"tft_null_mean_{d}": null_mean,
            f"tft_null_low_{d}": _num(part["null_ci"][0]),
            f"tft_null_high_{d}": _num(part["null_ci"][1]),
            f"tft_excess_{d}": observed / null_mean if null_mean and null_mean > 0 else math.nan,
            f"tft_p_{d}": _num(part["p_value"]),
        }
    return out


def _granger_columns(dyad: Dyad, notes: list[str]) -> dict:
    res = granger_both_ways(dyad)
    out: dict[str, Any] = {"granger_lags": _num(res.get("lags"))}
    for d, direction in DIRS.items():
        part = res.get(direction) or {}
        out[f"granger_F_{d}"] = _num(part.get("F"))
        out[f"granger_p_{d}"] = _num(part.get("p_value"))
    if res.get("note"):
        notes.append(str(res["note"]))
    return out


def granger_both_ways(dyad: Dyad, lags: int = 2) -> dict:
    """Granger tests on weekly counts in both directions (:func:`granger.granger_tests`).

    Returns
    -------
    ``{"lags": int, "A->B": {"F", "p_value"}, "B->A": {...}, "note": str}``; ``"A->B"``
    tests whether A's past weekly counts help predict B's.
    """
    res = granger.granger_tests(dyad, freq="W", lags=lags)
    out: dict[str, Any] = {"lags": lags, "note": ""}
    for direction in DIRS.values():
        out[direction] = {"F": res[direction]["stat"], "p_value": res[direction]["p_value"]}
    if not all(np.isfinite(out[d]["p_value"]) for d in DIRS.values()):
        out["note"] = "Granger test not computable (too few weeks or no variation in counts)."
    return out


def _hawkes_columns(dyad: Dyad, seed: int, notes: list[str]) -> dict:
    try:
        _, fit = hawkes.fit_dyad(dyad)
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as err:
        notes.append(f"Hawkes fit failed ({err}).")
        return {}
    if not fit.converged:
        notes.append("Hawkes fit did not converge from any start; not reported.")
        return {}
    table = fit.to_dict()
    half_life = table["half_life_days"]["estimate"]
    out: dict[str, Any] = {"hawkes_half_life_days": _num(half_life)}
    if half_life is None:
        notes.append("Hawkes half-life not resolved (under a day).")
    for d, direction in DIRS.items():
        entry = table["branching"][direction]
        out[f"branching_{d}"] = _num(entry["estimate"])
        out[f"branching_{d}_low"] = _num(entry["ci_low"])
        out[f"branching_{d}_high"] = _num(entry["ci_high"])
    return out


def _reciprocity(row: dict) -> float:
    # Both directions beyond chance: the weaker direction's pairs-over-null ratio. A dyad
    # where one side answers and the other never does is not reciprocal.
    values = [row.get("tft_excess_ab", math.nan), row.get("tft_excess_ba", math.nan)]
    return min(values) if all(np.isfinite(values)) else math.nan


# --------------------------------------------------------------------------- dyads


def dyad_keys(events: pd.DataFrame, level: str = "side") -> pd.DataFrame:
    """Key every event by the dyad level: initiator ``node`` and target ``target``.

    Parameters
    ----------
    events
        Event table (the :data:`EVENT_FIELDS` that the level needs).
    level
        ``"side"`` (``actor1_side``), ``"actor"`` (``actor1``/``actor2`` names),
        ``"country"`` (the country part of a side code, before the first ``_``, as in the
        GDELT importer's ``USA_MIL``) or ``"subtype"`` (side and event type,
        ``INSURGENTS:IED``: the side's ``sub_event_type``, else its ``event_type``).

    Returns
    -------
    The events with ``node`` (initiator key), ``base`` (the initiator's side at this level,
    which targets name) and ``target`` (the target's key, ``""`` when unstated). Events
    without an initiator or aimed at their own side are dropped.
    """
    if level not in LEVELS:
        raise UsageError(f"--level {level!r}: choose one of {', '.join(LEVELS)}")
    frame = events[events["event_date"].notna()]
    if level == "side":
        node = frame["actor1_side"].astype(str)
        base, target = node, frame["actor2_side"].astype(str)
    elif level == "actor":
        node = frame["actor1"].astype(str)
        base, target = node, frame["actor2"].astype(str)
    elif level == "country":
        node = frame["actor1_side"].astype(str).str.split("_", n=1).str[0]
        base, target = node, frame["actor2_side"].astype(str).str.split("_", n=1).str[0]
    else:
        kind = frame["sub_event_type"].astype(str)
        kind = kind.where(kind != "", frame["event_type"].astype(str))
        kind = kind.where(kind != "", "unspecified")
        base = frame["actor1_side"].astype(str)
        node = base + SUBTYPE_SEP + kind
        target = frame["actor2_side"].astype(str)
    out = frame.assign(node=node.to_numpy(), base=base.to_numpy(), target=target.to_numpy())
    keep = (out["node"] != "") & (out["base"] != "") & (out["target"] != out["base"])
    return out[keep]


def select_pairs(keyed: pd.DataFrame, min_events: int) -> pd.DataFrame:
    """Dyads with at least ``min_events`` events each way.

    A pair of keys enters when at least one event of one names the other's side as its
    target (so unrelated groups are not paired through unstated targets alone), the two
    keys belong to different sides, and each key has ``min_events`` events aimed at the
    other's side or at an unstated target (as :func:`analysis.models.dyad.select_dyad` counts).

    Parameters
    ----------
    keyed
        Output of :func:`dyad_keys`, or its counts: columns ``node``, ``base``, ``target``
        and optionally ``n`` (events per row; 1 when absent).

    Returns
    -------
    Columns ``pair_id``, ``side_a``, ``side_b``, ``base_a``, ``base_b``, ``n_a``, ``n_b``,
    sorted by ``side_a``, ``side_b``; ``pair_id`` numbers them in that order.
    """
    cols = ["pair_id", "side_a", "side_b", "base_a", "base_b", "n_a", "n_b"]
    counts = count_keys(keyed)
    targeted = counts[counts["target"] != ""]
    untargeted = counts[counts["target"] == ""].set_index("node")["n"]
    nodes = counts[["node", "base"]].drop_duplicates("node")
    cand = targeted[["node", "target"]].merge(
        nodes.rename(columns={"node": "other", "base": "target"}), on="target"
    )
    cand = cand[cand["node"] != cand["other"]]
    if cand.empty:
        return pd.DataFrame({c: [] for c in cols}).astype(
            {"pair_id": "int64", "n_a": "int64", "n_b": "int64"}
        )
    lo = np.where(cand["node"] < cand["other"], cand["node"], cand["other"])
    hi = np.where(cand["node"] < cand["other"], cand["other"], cand["node"])
    pairs = pd.DataFrame({"side_a": lo, "side_b": hi}).drop_duplicates()
    base_of = nodes.set_index("node")["base"]
    pairs["base_a"] = pairs["side_a"].map(base_of).to_numpy()
    pairs["base_b"] = pairs["side_b"].map(base_of).to_numpy()
    pairs = pairs[pairs["base_a"] != pairs["base_b"]]
    aimed = targeted.set_index(["node", "target"])["n"]
    pairs["n_a"] = _count_toward(pairs["side_a"], pairs["base_b"], aimed, untargeted)
    pairs["n_b"] = _count_toward(pairs["side_b"], pairs["base_a"], aimed, untargeted)
    pairs = pairs[(pairs["n_a"] >= min_events) & (pairs["n_b"] >= min_events)]
    pairs = pairs.sort_values(["side_a", "side_b"]).reset_index(drop=True)
    pairs.insert(0, "pair_id", np.arange(len(pairs), dtype=np.int64))
    return pairs[cols]


def count_keys(keyed: pd.DataFrame) -> pd.DataFrame:
    """Events per (``node``, ``base``, ``target``), as a small table with column ``n``."""
    weight = keyed["n"] if "n" in keyed.columns else pd.Series(1, index=keyed.index)
    frame = keyed[["node", "base", "target"]].assign(n=weight.to_numpy())
    return frame.groupby(["node", "base", "target"], as_index=False, sort=True)["n"].sum()


def _count_toward(
    nodes: pd.Series, bases: pd.Series, aimed: pd.Series, untargeted: pd.Series
) -> np.ndarray:
    index = pd.MultiIndex.from_arrays([nodes.to_numpy(), bases.to_numpy()])
    toward = aimed.reindex(index).fillna(0).to_numpy()
    loose = untargeted.reindex(nodes.to_numpy()).fillna(0).to_numpy()
    return (toward + loose).astype(np.int64)


def membership(pairs: pd.DataFrame) -> pd.DataFrame:
    """Which (``node``, ``target``) rows belong to which pair: a small join table.

    An event of key X belongs to the pair (X, Y) when its target is Y's side or unstated,
    so an event with an unstated target can belong to several pairs.
    """
    parts = [
        pd.DataFrame({"node": pairs[f"side_{x}"], "target": pairs[f"base_{y}"]})
        for x, y in (("a", "b"), ("b", "a"))
    ]
    loose = [pd.DataFrame({"node": pairs[f"side_{x}"], "target": ""}) for x in ("a", "b")]
    out = []
    for part in parts + loose:
        out.append(part.assign(pair_id=pairs["pair_id"].to_numpy()))
    table = pd.concat(out, ignore_index=True).astype({"node": object, "target": object})
    return table.sort_values(["pair_id", "node", "target"]).reset_index(drop=True)


def assign_pairs(keyed: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``keyed`` joined to their pair ids (a row repeats for each of its pairs).

    The result's ``actor1_side`` is the row's key at the atlas level and ``actor2_side`` is
    ``""``, so that :func:`analysis.models.dyad.select_dyad` on a pair's rows selects them all.
    """
    joined = keyed.merge(members, on=["node", "target"], how="inner")
    cols = [c for c in ("event_id", "event_date", "date_precision") if c in joined.columns]
    out = joined[cols + ["pair_id"]].copy()
    out["actor1_side"] = joined["node"].to_numpy()
    out["actor2_side"] = ""
    return out


def rows_of_pairs(assigned: pd.DataFrame, pairs: pd.DataFrame, config: AtlasConfig) -> pd.DataFrame:
    """Atlas rows of every pair whose events are in ``assigned`` (one partition or all)."""
    sides = pairs.set_index("pair_id")[["side_a", "side_b"]]
    rows = []
    for pair_id, group in assigned.groupby("pair_id", sort=True):
        side_a, side_b = sides.loc[pair_id]
        rows.append(
            atlas_row(
                group,
                side_a,
                side_b,
                config.windows,
                config.seed,
                pair_window=config.pair_window,
                n_perm=config.n_perm,
                n_boot=config.n_boot,
                hawkes=config.hawkes,
                level=config.level,
            )
        )
    if not rows:
        return empty_atlas(config.windows)
    return typed_atlas(pd.DataFrame(rows), config.windows)


def dyad_events(events: pd.DataFrame, side_a: str, side_b: str, level: str = "side") -> Dyad:
    """The :class:`~analysis.models.dyad.Dyad` of one atlas row, at any level.

    At the ``side`` level this is ``select_dyad(events, side_a, side_b)``; at the other
    levels the events are keyed as in the atlas first, so that figures and checks see
    exactly the events the atlas row was computed from.
    """
    keyed = dyad_keys(_normalise(events), level)
    bases = keyed.drop_duplicates("node").set_index("node")["base"]
    if side_a not in bases.index or side_b not in bases.index:
        return select_dyad(keyed.iloc[0:0].assign(actor2_side=""), side_a, side_b)
    pair = pd.DataFrame(
        {
            "pair_id": [0],
            "side_a": [side_a],
            "side_b": [side_b],
            "base_a": [bases[side_a]],
            "base_b": [bases[side_b]],
        }
    )
    return select_dyad(assign_pairs(keyed, membership(pair)), side_a, side_b)


# --------------------------------------------------------------------------- whole table


def compute_atlas(events: pd.DataFrame, config: AtlasConfig) -> pd.DataFrame:
    """The atlas of an event table, computed in this process.

    Returns
    -------
    One row per dyad (columns :func:`atlas_columns`), sorted by ``side_a``, ``side_b``.
    """
    keyed = dyad_keys(_normalise(events), config.level)
    pairs = select_pairs(keyed, config.min_events)
    assigned = assign_pairs(keyed, membership(pairs))
    return _finish(rows_of_pairs(assigned, pairs, config), config)


def compute_atlas_dask(source: str | os.PathLike, config: AtlasConfig, client: Any) -> pd.DataFrame:
    """The atlas of the event table at ``source``, computed on a Dask cluster.

    The table is read in partitions (a Parquet dataset stays out of core): the pair counts
    are reduced to a small table, each event is keyed by its pairs, the rows are shuffled
    so that every pair's events share a partition, and each partition's pairs are
    computed where they sit. The result equals :func:`compute_atlas` byte for byte.
    """

    ddf = _read_dask(source, client)
    keyed = ddf.map_partitions(dyad_keys, config.level, meta=_keyed_meta(ddf._meta, config))
    counts = keyed.map_partitions(count_keys, meta=_counts_meta()).compute()
    pairs = select_pairs(count_keys(counts), config.min_events)
    if pairs.empty:
        return _finish(empty_atlas(config.windows), config)
    members = membership(pairs)
    assigned = keyed.map_partitions(assign_pairs, members, meta=_assigned_meta())
    # At least as many partitions as were read (so each stays as small as the input's)
    # and several per worker (so that uneven dyads still balance), never more than dyads.
    n_parts = max(1, min(len(pairs), max(ddf.npartitions, 8 * _workers(client))))
    shuffled = assigned.shuffle(on="pair_id", npartitions=n_parts)
    rows = shuffled.map_partitions(
        rows_of_pairs, pairs, config, meta=empty_atlas(config.windows), align_dataframes=False
    )
    return _finish(rows.compute(), config)


def _workers(client: Any) -> int:

    return worker_count(client)


def _read_dask(source: str | os.PathLike, client: Any):
    # dask loads lazily: the in-process atlas never needs it.
    import dask.dataframe as dd

    path = Path(source)
    if path.is_dir() or path.suffix == ".parquet":
        # pyarrow.dataset loads lazily: only Parquet datasets need it.
        import pyarrow.dataset as ds

        available = set(ds.dataset(path, format="parquet", partitioning="hive").schema.names)
        cols = [c for c in EVENT_FIELDS if c in available]
        ddf = dd.read_parquet(path, columns=cols)
        return ddf.map_partitions(_normalise, meta=_normalise(ddf._meta))
    frame = read_events(path)
    frame = _normalise(frame[[c for c in EVENT_FIELDS if c in frame.columns]])
    parts = max(1, min(64, len(frame) // 50_000 + 1, 4 * _workers(client)))
    return dd.from_pandas(frame, npartitions=parts, sort=False)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    # The same dtypes whatever the reader: text as Python str objects, dates as datetime64.
    out = frame[[c for c in EVENT_FIELDS if c in frame.columns]].copy()
    for col in EVENT_FIELDS:
        if col == "event_date":
            if col in out.columns:
                out[col] = pd.to_datetime(out[col], errors="coerce").astype("datetime64[ns]")
        elif col in out.columns:
            out[col] = out[col].astype("string").fillna("").astype(object)
        else:
            out[col] = pd.Series("", index=out.index, dtype=object)
    return out[list(EVENT_FIELDS)]


def _keyed_meta(meta: pd.DataFrame, config: AtlasConfig) -> pd.DataFrame:
    return dyad_keys(_normalise(meta), config.level)


def _counts_meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "node": pd.Series(dtype=object),
            "base": pd.Series(dtype=object),
            "target": pd.Series(dtype=object),
            "n": pd.Series(dtype="int64"),
        }
    )


def _assigned_meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": pd.Series(dtype=object),
            "event_date": pd.Series(dtype="datetime64[ns]"),
            "date_precision": pd.Series(dtype=object),
            "pair_id": pd.Series(dtype="int64"),
            "actor1_side": pd.Series(dtype=object),
            "actor2_side": pd.Series(dtype=object),
        }
    )


def _finish(atlas: pd.DataFrame, config: AtlasConfig) -> pd.DataFrame:
    atlas = typed_atlas(atlas, config.windows)
    atlas = atlas.sort_values(["side_a", "side_b"], kind="stable").reset_index(drop=True)
    return add_atlas_q_values(atlas)


def add_atlas_q_values(atlas: pd.DataFrame) -> pd.DataFrame:
    """Benjamini-Hochberg q-values across the atlas's dyads, one family per test (pairing
    and Granger, both directions together), in ``tft_q_*`` and ``granger_q_*``."""
    atlas = atlas.copy()
    for test in ("tft", "granger"):
        cols = [f"{test}_p_{d}" for d in DIRS]
        stacked = np.concatenate([atlas[c].to_numpy(float) for c in cols])
        q = np.array([np.nan if v is None else v for v in bh_qvalues(stacked.tolist())])
        for k, c in enumerate(cols):
            atlas[c.replace("_p_", "_q_")] = q[k * len(atlas) : (k + 1) * len(atlas)]
    return atlas


# --------------------------------------------------------------------------- output


def atlas_fields(atlas: pd.DataFrame) -> dict[str, str]:
    """The kind (:mod:`analysis.schema`) of each atlas column, for the shared writers."""
    return {
        col: TEXT if col in _TEXT_COLUMNS else INT if col in _INT_COLUMNS else FLOAT
        for col in atlas.columns
    }


def atlas_csv_bytes(atlas: pd.DataFrame) -> bytes:
    """CSV bytes of the atlas: 10 significant digits, ``\\n`` line ends, empty = not
    computed (the writer of every table, :func:`analysis.io.csv_bytes`)."""
    return csv_bytes(atlas, float_format="%.10g")


def atlas_parquet_bytes(atlas: pd.DataFrame) -> bytes:
    """Parquet bytes of the atlas (:func:`analysis.io.parquet_bytes`; no id column)."""
    return parquet_bytes(atlas, atlas_fields(atlas), key=None)


def write_atlas(atlas: pd.DataFrame, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``atlas.parquet`` and ``atlas.csv`` into ``out_dir`` together.

    Both files are rendered in memory first and replaced with
    :func:`analysis.files.replace_files`, so any failure leaves both previous files as they
    were.
    """
    out = Path(out_dir)
    parquet, csv = atlas_parquet_bytes(atlas), atlas_csv_bytes(atlas)
    # Together: a failure on the second file must not leave a pair that disagrees.
    replace_files({out / "atlas.parquet": parquet, out / "atlas.csv": csv})
    return out / "atlas.parquet", out / "atlas.csv"


def check_event_table(source: str | os.PathLike, levels: Sequence[str]) -> int:
    """Check that an event table can make an atlas; return the number of undated events.

    Raises
    ------
    UsageError
        When a column the levels need is missing, or an ``event_date`` is not a date from
        1900-01-01 to today (naming the line of a CSV file or the row of a Parquet table).
        Empty dates are allowed (undated events are left out of the atlas and counted).
    """
    path = Path(source)
    parquet = path.is_dir() or path.suffix == ".parquet"
    names, dates = _table_dates(path) if parquet else _csv_dates(path)
    needed = ["event_date", *dict.fromkeys(c for lv in levels for c in LEVEL_COLUMNS[lv])]
    missing = [c for c in needed if c not in names]
    if missing:
        raise UsageError(
            f"{path} line 1, field header: missing column(s) {', '.join(missing)}; the atlas "
            f"at level {', '.join(levels)} needs {', '.join(needed)}"
        )
    text = dates.astype("string").fillna("").str.strip()
    parsed = pd.to_datetime(text.where(text != ""), errors="coerce", format="ISO8601")
    too_late = pd.Timestamp.today().normalize() + pd.Timedelta(days=1)
    bad = (text != "") & (
        parsed.isna() | (parsed < pd.Timestamp("1900-01-01")) | (parsed >= too_late)
    )
    if bad.any():
        position = int(np.argmax(bad.to_numpy()))
        where = f"row {position + 1}" if parquet else f"line {position + 2}"
        raise UsageError(
            f"{path} {where}, field event_date: {text.iloc[position]!r} is not a date from "
            "1900-01-01 to today; correct it or leave it empty (undated)"
        )
    return int((text == "").sum())


def _csv_dates(path: Path) -> tuple[list[str], pd.Series]:
    try:
        names = list(pd.read_csv(path, nrows=0).columns)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise UsageError(f"{path} line 1, field header: not a readable CSV file ({err})") from None
    if "event_date" not in names:
        return names, pd.Series([], dtype=object)
    try:
        dates = pd.read_csv(path, usecols=["event_date"], dtype=str, keep_default_na=False)[
            "event_date"
        ]
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise UsageError(f"{path}: not a readable CSV file ({err}); re-save it as UTF-8") from None
    return names, dates


def _table_dates(path: Path) -> tuple[list[str], pd.Series]:
    # Loaded lazily on purpose: pyarrow is only needed for Parquet inputs.
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        names = list(dataset.schema.names)
        if "event_date" not in names:
            return names, pd.Series([], dtype=object)
        column = dataset.to_table(columns=["event_date"]).column("event_date")
    except (OSError, pa.ArrowException) as err:
        raise UsageError(f"{path}: not a readable Parquet table ({err})") from None
    values = [None if v is None else str(v)[:10] for v in column.to_pylist()]
    return names, pd.Series(values, dtype=object)


def read_atlas(path: str | os.PathLike) -> pd.DataFrame:
    """Read an atlas written by :func:`write_atlas` (``.csv`` or ``.parquet``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"atlas not found: {path}")
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        # All as text first: empty means "not computed", and _typed parses the numbers.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    windows = tuple(
        int(c[len("share_") : -len("d_ab")])
        for c in frame.columns
        if c.startswith("share_") and c.endswith("d_ab")
    )
    return typed_atlas(frame, windows)


def find_row(atlas: pd.DataFrame, side_a: str, side_b: str, level: str = "side") -> dict | None:
    """The atlas row of a dyad (either order of the sides), or ``None`` when absent."""
    lo, hi = sorted((side_a, side_b))
    hit = atlas[(atlas["level"] == level) & (atlas["side_a"] == lo) & (atlas["side_b"] == hi)]
    return None if hit.empty else hit.iloc[0].to_dict()


# --------------------------------------------------------------------------- command


def parse_windows(text: str) -> tuple[int, ...]:
    """Parse ``"1,3,7,14"`` into sorted unique positive days; ``UsageError`` otherwise."""
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as err:
        raise UsageError(f"--windows {text!r}: give whole days separated by commas") from err
    if not values or values[0] < 1:
        raise UsageError(f"--windows {text!r}: give at least one window of 1 day or more")
    return tuple(values)


def atlas_dyads(atlas: pd.DataFrame) -> Iterable[tuple[str, str]]:
    """The (side_a, side_b) keys of an atlas, in its order."""
    return zip(atlas["side_a"], atlas["side_b"], strict=True)
