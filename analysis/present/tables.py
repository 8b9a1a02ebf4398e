"""Tables for readers: events described in words, numbers rounded for reading.

An event table on a page says *when* (with the precision the sources allow), *who* did
*what* to *whom*, *where*, how many were killed and injured, and which outlets reported
it; the event id is kept, but only in a last, small column, for tracing. Tables have no
index column; long ones sort by any column (the template's sort script reads each cell's
``data-v``).

Number formats (:func:`count`, :func:`share`, :func:`p_value`): counts are integers with
thousands separators, shares are percentages, p-values have two significant digits.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from analysis.present.labels import side_label
from analysis.schema import split_list

#: Tables longer than this get sortable headers.
SORTABLE_FROM = 12
#: The column that holds event ids; always last.
ID_COLUMN = "Event id"
DASH = "–"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def count(value: object) -> str:
    """A count as an integer with thousands separators (``"68,573"``); ``"–"`` if missing."""
    if _missing(value):
        return DASH
    return f"{round(float(value)):,}"


def share(value: object, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage (``"34%"``); ``"–"`` if missing."""
    if _missing(value):
        return DASH
    pct = 100 * float(value)
    if 0 < pct < 1 and digits == 0:
        return "<1%"
    return f"{pct:.{digits}f}%"


def p_value(value: object) -> str:
    """A p- or q-value to two significant digits (``"0.012"``, ``"< 0.0001"``)."""
    if _missing(value):
        return DASH
    value = float(value)
    if value < 1e-4:
        return "< 0.0001"
    return f"{value:.2g}" if value < 0.1 else f"{value:.2f}"


def number(value: object, digits: int = 2) -> str:
    """Any other estimate: ``digits`` significant digits, never in exponent notation
    (``"0.000023"``); values of ``10**digits`` and more as counts (``"312"``, ``"68,573"``)."""
    if _missing(value):
        return DASH
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    if abs(value) >= 10**digits:
        return count(value)
    if value == 0:
        return "0"
    # Fixed notation with the decimals that keep ``digits`` significant digits.
    decimals = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
    text = f"{round(value, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def date_text(row: Mapping) -> str:
    """The event's date as a reader says it, with its precision: ``"28 Jan 2024"``,
    ``"Jan 2024"``, ``"12–14 Jan 2024"``, ``"week of 8 Jan 2024"``, ``"Q1 2024"``,
    ``"2024"``."""
    precision = str(row.get("date_precision") or "day")
    date = pd.to_datetime(row.get("event_date"), errors="coerce")
    start = pd.to_datetime(row.get("date_start"), errors="coerce")
    end = pd.to_datetime(row.get("date_end"), errors="coerce")
    if pd.isna(date):
        return "date unknown"
    if precision == "month":
        return date.strftime("%b %Y")
    if precision == "quarter":
        return f"Q{(date.month - 1) // 3 + 1} {date.year}"
    if precision == "year":
        return date.strftime("%Y")
    if precision == "week" and not pd.isna(start):
        return "week of " + start.strftime("%d %b %Y").lstrip("0")
    if precision in ("range", "days") and not (pd.isna(start) or pd.isna(end)) and start != end:
        if start.year == end.year and start.month == end.month:
            return f"{start.day}–{end.strftime('%d %b %Y').lstrip('0')}"
        return f"{start.strftime('%d %b').lstrip('0')} – {end.strftime('%d %b %Y').lstrip('0')}"
    return date.strftime("%d %b %Y").lstrip("0")


def _who(row: Mapping, actor: str, side: str, labels: Mapping[str, str] | None) -> str:
    name = row.get(actor)
    if not _missing(name):
        return str(name)
    code = row.get(side)
    return side_label(code, labels) if not _missing(code) else "unattributed"


#: CAMEO codes of the use of force, for events that carry no ACLED type.
CAMEO_WORDS = {
    "18": "assault",
    "180": "assault",
    "183": "bombing",
    "186": "assassination",
    "19": "use of military force",
    "190": "use of military force",
    "193": "fighting with small arms",
    "194": "fighting with artillery",
    "195": "air strike",
    "20": "mass violence",
}


def _alternatives(kind: str) -> str:
    parts = [p.strip() for p in kind.split("/") if p.strip()]
    if len(parts) > 1:
        # "Air/drone strike" -> "air or drone strike"
        return ", ".join(parts[:-1]) + " or " + parts[-1]
    return kind


def _what(row: Mapping) -> str:
    kind = row.get("sub_event_type")
    if _missing(kind) or kind == "Other":
        kind = row.get("event_type")
    if _missing(kind) or kind == "Other":
        kind = CAMEO_WORDS.get(str(row.get("cameo_code") or "").strip(), kind)
    text = "event of unknown type" if _missing(kind) else _alternatives(str(kind)).lower()
    weapon = row.get("weapon")
    if not _missing(weapon) and str(weapon).lower() not in text:
        text += f" ({weapon})"
    return text[:1].upper() + text[1:]


def _where(row: Mapping) -> str:
    parts = [str(row[c]) for c in ("location", "admin1", "country") if not _missing(row.get(c))]
    return ", ".join(dict.fromkeys(parts)) or "place unknown"


def _toll(row: Mapping, kind: str) -> str:
    best, low, high = (row.get(f"{kind}_{b}") for b in ("best", "low", "high"))
    if _missing(best) and _missing(low):
        return "unknown"
    best = low if _missing(best) else best
    text = count(best)
    if not _missing(high) and float(high) != float(best):
        text += f" (up to {count(high)})"
    return text


def outlet_names(articles: pd.DataFrame | None) -> dict[str, str]:
    """Map article id -> outlet name from an articles table (``article_id``, ``outlet``)."""
    if articles is None or not {"article_id", "outlet"} <= set(articles.columns):
        return {}
    return dict(zip(articles["article_id"], articles["outlet"], strict=True))


def read_outlets(path: str | Path | None) -> dict[str, str]:
    """:func:`outlet_names` of the CSV at ``path``; empty when there is none."""
    if not path or not Path(path).is_file():
        return {}
    return outlet_names(pd.read_csv(path, dtype=str, keep_default_na=False))


def describe_events(
    events: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per event, in words, oldest first; the id is the last column.

    Parameters
    ----------
    events
        Rows of an event table (the project's schema).
    labels
        Side labels beyond the vocabulary's (a report set's ``labels``).
    outlets
        Article id -> outlet name (:func:`read_outlets`); ids without one are shown as given.

    Returns
    -------
    Columns ``Date, By, Against, What, Where, Killed, Injured, Reported by, Event id``.
    """
    outlets = outlets or {}
    rows = []
    frame = events.sort_values(["event_date", "event_id"], kind="stable")
    for row in frame.to_dict(orient="records"):
        sources = split_list(row.get("sources", "")) if not _missing(row.get("sources")) else []
        names = list(dict.fromkeys(outlets.get(s, s) for s in sources))
        rows.append(
            {
                "Date": date_text(row),
                "By": _who(row, "actor1", "actor1_side", labels),
                "Against": _who(row, "actor2", "actor2_side", labels),
                "What": _what(row),
                "Where": _where(row),
                "Killed": _toll(row, "fatalities"),
                "Injured": _toll(row, "injured"),
                "Reported by": "; ".join(names) or DASH,
                ID_COLUMN: str(row.get("event_id", "")),
                "_sort_date": str(row.get("event_date", "")),
            }
        )
    return pd.DataFrame(rows)


def _cell_key(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    text = str(value).replace(",", "").split(" ")[0]
    try:
        return repr(float(text))
    except ValueError:
        return str(value)


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    sortable: bool | None = None,
    id_column: str | None = ID_COLUMN,
    css_class: str = "reader-table",
) -> str:
    """An HTML table for a page: no index column, every value escaped, the id column last
    and small, sortable headers when the table is long.

    Parameters
    ----------
    frame
        The rows, already formatted as text (columns starting with ``_sort_`` give the sort
        key of the column of the same name without the prefix, e.g. ``_sort_date`` for
        ``Date``, and are not shown).
    caption
        Shown above the table.
    sortable
        Force sortable headers on or off; by default on from :data:`SORTABLE_FROM` rows.
    id_column
        The column moved to the end and set in small type.
    """
    sortable = len(frame) >= SORTABLE_FROM if sortable is None else sortable
    keys = {c[len("_sort_") :]: c for c in frame.columns if c.startswith("_sort_")}
    shown = [c for c in frame.columns if not c.startswith("_sort_") and c != id_column]
    if id_column in frame.columns:
        shown.append(id_column)
    classes = css_class + (" sortable" if sortable else "")
    parts = [f'<div class="table-scroll"><table class="{html.escape(classes)}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    heads = []
    for column in shown:
        cls = ' class="id"' if column == id_column else ""
        heads.append(f'<th scope="col"{cls}>{html.escape(str(column))}</th>')
    parts.append("<thead><tr>" + "".join(heads) + "</tr></thead><tbody>")
    for record in frame.to_dict(orient="records"):
        cells = []
        for column in shown:
            value = record[column]
            text = DASH if _missing(value) else str(value)
            key_source = keys.get(column.lower()) or keys.get(column)
            key = record[key_source] if key_source else value
            cls = ' class="id"' if column == id_column else ""
            cells.append(
                f'<td{cls} data-v="{html.escape(_cell_key(key))}">{html.escape(text)}</td>'
            )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


def events_html(
    events: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
    caption: str = "",
    limit: int | None = 500,
) -> str:
    """:func:`describe_events` as an HTML table (the most recent ``limit`` events, with a
    caption saying so when the table is cut)."""
    described = describe_events(events, labels, outlets)
    if limit is not None and len(described) > limit:
        total = len(described)
        described = described.tail(limit)
        caption = (caption + " " if caption else "") + (
            f"The {count(limit)} most recent of {count(total)} events; the CSV has them all."
        )
    return table_html(described, caption=caption)


def plain_frame(
    frame: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with numbers as reading text and plain column names.

    Parameters
    ----------
    formats
        Column -> ``"count"``, ``"share"``, ``"p"`` or ``"number"``; columns not named are
        guessed: integers as counts, names with ``p_value``/``q_value`` as p-values,
        ``share``/``rate`` in [0, 1] as shares.
    rename
        Column -> header; side codes in headers become labels in any case.
    """
    formats = dict(formats or {})
    out = frame.reset_index(drop=True).copy()
    writers = {"count": count, "share": share, "p": p_value, "number": number}
    for column in out.columns:
        kind = formats.get(column) or _guess(column, out[column])
        if kind:
            out[column] = [writers[kind](v) for v in out[column]]
    names = {c: side_label(c) for c in out.columns}
    names.update(rename or {})
    return out.rename(columns={c: str(n).replace("_", " ") for c, n in names.items()})


def _guess(column: str, values: pd.Series) -> str | None:
    name = str(column).lower()
    if "p_value" in name or "q_value" in name or name in ("p", "q"):
        return "p"
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if "share" in name and values.dropna().between(0, 1).all():
        return "share"
    finite = values.dropna()
    if len(finite) and (finite == finite.round()).all():
        return "count"
    return "number"


def sides_sentence(codes: Sequence[str], labels: Mapping[str, str] | None = None) -> str:
    """``"A and B"`` in plain names."""
    names = [side_label(c, labels) for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pairs_html(
    pairs: pd.DataFrame,
    dyad_or_events: object,
    labels: Mapping[str, str] | None = None,
    limit: int = 200,
) -> str:
    """Attack–response pairs in words: the attack and the response each as date, who and
    what; the days between; whether the sources state the link or only the timing suggests
    it; the two event ids last.

    Parameters
    ----------
    pairs
        As from :func:`analysis.models.pairing.all_pairs` (``provocation``, ``response``,
        ``lag_days``, ``basis``).
    dyad_or_events
        The dyad (its ``events``) or an event table holding both events of every pair.
    limit
        At most this many pairs (stated ones first), with a caption saying so.
    """
    events = getattr(dyad_or_events, "events", dyad_or_events)
    lookup = {str(r["event_id"]): r for r in events.to_dict(orient="records")}

    def said(event_id: str) -> str:
        row = lookup.get(str(event_id))
        if row is None:
            return str(event_id)
        who = _who(row, "actor1", "actor1_side", labels)
        return f"{date_text(row)}: {who}, {_what(row).lower()}, {_where(row)}"

    ordered = pairs.assign(_stated=pairs["basis"] != "stated").sort_values(
        ["_stated", "lag_days"], kind="stable"
    )
    caption = ""
    if len(ordered) > limit:
        caption = f"The first {count(limit)} of {count(len(ordered))} pairs, stated links first."
        ordered = ordered.head(limit)
    rows = [
        {
            "Attack": said(r["provocation"]),
            "Response": said(r["response"]),
            "Days between": count(r["lag_days"]),
            "Link": "stated by the sources" if r["basis"] == "stated" else "timing only",
            ID_COLUMN: f"{r['provocation']} → {r['response']}",
        }
        for r in ordered.to_dict(orient="records")
    ]
    if not rows:
        return "<p>No pairs: neither side acted within the window after the other.</p>"
    return table_html(pd.DataFrame(rows), caption=caption, id_column=ID_COLUMN)


def evidence_html(
    evidence: pd.DataFrame,
    outlets: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The sentences behind each event (from
    :func:`analysis.present.overview.evidence_table`) in words: the event's date, the side
    that initiated it, the outlet and the sentence in full; the event and article ids in the
    last column."""
    outlets = outlets or {}
    rows = [
        {
            "Date": date_text({"event_date": r["event_date"], "date_precision": "day"}),
            "Initiated by": side_label(r["side"], labels),
            "Outlet": outlets.get(r["article_id"], r["article_id"]),
            "Sentence": r["sentence"],
            ID_COLUMN: f"{r['event_id']} · {r['article_id']}",
            "_sort_date": str(r["event_date"]),
        }
        for r in evidence.to_dict(orient="records")
    ]
    if not rows:
        return "<p>No sentence is linked to an event of these two sides.</p>"
    return table_html(pd.DataFrame(rows), id_column=ID_COLUMN)
