"""A map of the events that have coordinates, over country outlines shipped with the project.

The outlines are Natural Earth's 1:110m admin-0 countries (public domain), vendored as the
TopoJSON of the ``world-atlas`` package in ``data/external/natural-earth-110m/``. This
module decodes the TopoJSON itself (quantised, delta-encoded arcs; see the TopoJSON
specification), so nothing is downloaded and no GIS library is needed. The map uses a
plain longitude-latitude frame with the aspect corrected for the latitude of its centre,
which is close enough at the scale of one region.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection

from analysis.models.dyad import Dyad
from analysis.present.labels import side_label
from analysis.present.style import SIDE_COLOURS, source_line

OUTLINES = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "external"
    / "natural-earth-110m"
    / "countries-110m.json"
)
SOURCE = "event table of this project; outlines: Natural Earth 1:110m (public domain)"
#: Degrees added around the events' extent.
MARGIN = 1.5


def _decode_arcs(topology: Mapping) -> list[np.ndarray]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)
        if transform:
            # Quantised arcs store the first point and then differences (delta encoding).
            points = np.cumsum(points, axis=0)
            points = points * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    parts = []
    for k, index in enumerate(indices):
        # A negative index ~i is arc i reversed; consecutive arcs share their end point.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if k == 0 else points[1:])
    return np.concatenate(parts)


def decode_topojson(topology: Mapping, name: str = "countries") -> list[dict]:
    """Polygons of the geometry collection ``name`` of a TopoJSON topology.

    Returns
    -------
    One dict per geometry: ``{"name", "id", "rings": [array of (lon, lat), ...]}``
    (outer rings and holes alike; a fill with the even-odd rule draws them right).
    """
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        out.append(
            {
                "name": (geometry.get("properties") or {}).get("name", ""),
                "id": geometry.get("id", ""),
                "rings": rings,
            }
        )
    return out


@lru_cache(maxsize=1)
def countries(path: str | Path = OUTLINES) -> tuple[dict, ...]:
    """The vendored country outlines (decoded once per process)."""
    return tuple(decode_topojson(json.loads(Path(path).read_text(encoding="utf-8"))))


def _extent(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    west, east = float(lon.min()) - MARGIN, float(lon.max()) + MARGIN
    south, north = float(lat.min()) - MARGIN, float(lat.max()) + MARGIN
    # At least 8 degrees across, so that a single place still shows its country.
    if east - west < 8:
        mid = (east + west) / 2
        west, east = mid - 4, mid + 4
    if north - south < 6:
        mid = (north + south) / 2
        south, north = mid - 3, mid + 3
    return west, east, max(south, -85.0), min(north, 85.0)


def event_map(
    dyad: Dyad,
    labels: Mapping[str, str] | None = None,
    source: str = SOURCE,
    max_points: int = 20000,
) -> plt.Figure | None:
    """Events with coordinates on a map of country outlines, coloured by initiating side.

    Parameters
    ----------
    dyad
        The dyad; events without latitude and longitude are left out (the caption counts
        them).
    labels
        Side labels beyond the vocabulary's.
    max_points
        Above this many located events a seeded random sample of this size is drawn (the
        title says so), which keeps the page light.

    Returns
    -------
    The figure, or ``None`` when no event has coordinates.
    """
    events = dyad.events
    if not {"latitude", "longitude"} <= set(events.columns):
        return None
    lat = pd.to_numeric(events["latitude"], errors="coerce")
    lon = pd.to_numeric(events["longitude"], errors="coerce")
    located = events[lat.notna() & lon.notna()].assign(lat=lat, lon=lon)
    if located.empty:
        return None
    sampled = len(located) > max_points
    if sampled:
        located = located.sample(max_points, random_state=0)
    west, east, south, north = _extent(located["lon"].to_numpy(), located["lat"].to_numpy())
    fig, ax = plt.subplots(figsize=(7, 6))
    shapes = [
        ring
        for country in countries()
        for ring in country["rings"]
        if ring[:, 0].max() >= west - 10
        and ring[:, 0].min() <= east + 10
        and ring[:, 1].max() >= south - 10
        and ring[:, 1].min() <= north + 10
    ]
    ax.add_collection(
        PolyCollection(shapes, facecolor="#f2f0eb", edgecolor="#9a9a9a", linewidth=0.6, zorder=0)
    )
    for name in _country_names(west, east, south, north):
        ax.text(*name[1:], name[0], fontsize=7, color="#777777", ha="center", zorder=1)
    many = len(located) > 500
    for code in ("A", "B"):
        part = located[located["side"] == code]
        if part.empty:
            continue
        ax.scatter(
            part["lon"],
            part["lat"],
            s=4 if many else 30,
            alpha=0.25 if many else 0.8,
            color=SIDE_COLOURS[code],
            edgecolor="none" if many else "white",
            label=f"{side_label(dyad.side_a if code == 'A' else dyad.side_b, labels)} "
            f"({len(part):,})",
            zorder=2,
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_facecolor("#e3edf5")  # sea
    ax.set_xticks([])
    ax.set_yticks([])
    missing = len(events) - int((lat.notna() & lon.notna()).sum())
    notes = [f"{missing:,} without coordinates not shown"] if missing else []
    if sampled:
        notes.append(f"a random {max_points:,} of {len(events) - missing:,} shown")
    title = "Where the events happened" + (f" ({'; '.join(notes)})" if notes else "")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower left", fontsize=8, title="initiated by", title_fontsize=8)
    source_line(fig, source)
    return fig


def _country_names(west: float, east: float, south: float, north: float) -> list[tuple]:
    """Names of the countries whose largest ring's centre lies well inside the frame."""
    out = []
    for country in countries():
        ring = max(country["rings"], key=len)
        x, y = float(ring[:, 0].mean()), float(ring[:, 1].mean())
        inset_x, inset_y = (east - west) * 0.08, (north - south) * 0.08
        if west + inset_x < x < east - inset_x and south + inset_y < y < north - inset_y:
            out.append((country["name"], x, y))
    return out
