"""The event table at a glance: precision, sources, places, evidence, coverage."""

import numpy as np
import pandas as pd

from analysis.models.dyad import select_dyad
from analysis.present.overview import (
    coordinates,
    coverage_table,
    day_precision_share,
    evidence_table,
    load_optional_table,
    place_table,
    precision_counts,
    source_counts,
    unattributed_attacks,
)


def _dyad():
    frame = pd.DataFrame(
        {
            "event_id": ["a1", "a2", "b1", "a3"],
            "event_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-21", "2024-03-01"]),
            "actor1_side": ["X", "X", "Y", "X"],
            "actor2_side": ["Y", "Y", "X", "Y"],
            "date_precision": ["day", "week", "day", ""],
            "number_of_sources": [1, 2, np.nan, 1],
            "country": ["Iraq", "Iraq", "Syria", "Iraq"],
            "admin1": ["Anbar", "Anbar", "Deir ez-Zor", "Babil"],
            "location": ["Al Asad", "Al Asad", "", "Jurf"],
            "latitude": [33.8, np.nan, 35.3, 32.9],
            "longitude": [42.4, 42.4, 40.1, 44.1],
        }
    )
    return select_dyad(frame, "X", "Y")


def test_precision_and_source_counts():
    dyad = _dyad()
    prec = precision_counts(dyad.events)
    assert prec.values.tolist() == [["day", 2], ["week", 1], ["unknown", 1]]
    assert day_precision_share(dyad.events) == 0.5
    src = source_counts(dyad.events)
    assert src.values.tolist() == [["unknown", 1], ["1", 2], ["2", 1]]
    from_list = source_counts(pd.DataFrame({"sources": ["x;y", "x", ""]}))
    assert from_list.values.tolist() == [["0", 1], ["1", 1], ["2", 1]]


def test_place_table_and_coordinates():
    dyad = _dyad()
    table = place_table(dyad, top=2)
    assert table.iloc[0][["country", "admin1", "location", "X", "Y", "total"]].tolist() == [
        "Iraq",
        "Anbar",
        "Al Asad",
        2,
        0,
        2,
    ]
    assert len(table) == 2
    points = coordinates(dyad.events)
    assert len(points) == 3 and set(points["side"]) == {"A", "B"}


def test_evidence_table_links_sentences_and_escapes_html():
    dyad = _dyad()
    mentions = pd.DataFrame(
        {
            "event_id": ["a1", "a1;b1", "zz"],
            "article_id": ["art1", "art2", "art3"],
            "sentence_text": ["Rockets hit <b>Al Asad</b>.", "Strikes followed.", "Other."],
        }
    )
    table, reason = evidence_table(dyad, mentions)
    assert reason == ""
    assert table[["event_id", "article_id"]].values.tolist() == [
        ["a1", "art1"],
        ["a1", "art2"],
        ["b1", "art2"],
    ]
    html = table.to_html()
    assert "&lt;b&gt;Al Asad&lt;/b&gt;" in html and "<b>Al Asad</b>" not in html
    empty, why = evidence_table(dyad, None)
    assert empty.empty and why
    _, lacks = evidence_table(dyad, mentions.drop(columns="sentence_text"))
    assert "sentence_text" in lacks


def test_coverage_counts_coded_events_in_claimed_period():
    dyad = _dyad()
    aggregates = pd.DataFrame(
        {
            "article_id": ["art1", "art2", "art3"],
            "actor1_side": ["X", "X", "Q"],
            "period_start": ["2024-01-01", "", "2024-01-01"],
            "period_end": ["2024-01-31", "", ""],
            "count_low": ["10", "5", "3"],
            "count_high": ["", "", ""],
            "sentence_text": ["targeted at least 10 times since Jan. 1", "x", "y"],
        }
    )
    table, reason = coverage_table(dyad, aggregates)
    assert reason == ""
    assert len(table) == 1
    row = table.iloc[0]
    assert row["coded"] == 2 and row["claimed"] == "10" and row["coded_share"] == 0.2
    none, why = coverage_table(dyad, None)
    assert none.empty and why


def test_load_optional_table(tmp_path):
    frame, reason = load_optional_table("")
    assert frame is None and reason
    frame, reason = load_optional_table(tmp_path / "missing.csv")
    assert frame is None and "missing.csv" in reason
    path = tmp_path / "m.csv"
    path.write_text("event_id,article_id\n010,a\n")
    frame, reason = load_optional_table(path)
    assert frame["event_id"].tolist() == ["010"] and reason == ""


def test_unattributed_attacks_per_side_in_the_dyad_period():
    dyad = _dyad()  # 2024-01-05 .. 2024-03-01; X attacked Y three times, Y attacked X once
    events = pd.concat(
        [
            dyad.events.drop(columns="side"),
            pd.DataFrame(
                {
                    "event_id": ["u1", "u2", "u3", "u4"],
                    "event_date": pd.to_datetime(
                        ["2024-01-10", "2024-02-10", "2024-01-11", "2025-06-01"]
                    ),
                    # Two unattributed attacks on Y, one on X (empty side, as some imports),
                    # and one on Y outside the dyad's period.
                    "actor1_side": ["UNKNOWN", "UNKNOWN", "", "UNKNOWN"],
                    "actor2_side": ["Y", "Y", "X", "Y"],
                }
            ),
        ],
        ignore_index=True,
    )
    table = unattributed_attacks(events, dyad).set_index("attacked side")
    assert table.loc["Y", ["by the other side", "unattributed"]].tolist() == [3, 2]
    assert table.loc["X", ["by the other side", "unattributed"]].tolist() == [1, 1]
    assert table.loc["Y", "unattributed share"] == 2 / 5
    assert table.loc["X", "unattributed share"] == 0.5
