"""Machine-readable results written next to each report.

Every notebook collects its key numbers in one dict and calls :func:`write_results`. The
file is JSON with sorted keys so that it diffs cleanly. Convention for the top level:

``notebook``
    The notebook's name, e.g. ``"02_response_lags"``.
``parameters``
    The parameters it ran with.
``sample``
    Events per side and the period.
``route``
    Which inference route the sample size allowed (see :mod:`analysis.models.routing`).
``headline``
    A short mapping of label -> value that the report index shows.

Anything else is notebook-specific.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np
import pandas as pd

from analysis.files import atomic_write_text


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [_plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return _plain(value.to_dict())
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def to_json(results: dict) -> str:
    """Serialise ``results`` to deterministic JSON (NaN becomes ``null``)."""
    return json.dumps(_plain(results), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_results(results: dict, path: str | os.PathLike | None) -> None:
    """Write ``results`` atomically to ``path``; do nothing when ``path`` is empty."""
    if path:
        atomic_write_text(path, to_json(results))
