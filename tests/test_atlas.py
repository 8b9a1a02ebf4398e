"""The escalation atlas: per-dyad numbers equal the notebook functions', routing is honest,
in-process and cluster paths agree byte for byte, and outputs are written atomically."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from analysis.commands import main
from analysis.models import granger, hawkes, lags, pairing
from analysis.models.dyad import select_dyad
from analysis.models.routing import choose_route
from analysis.scale import atlas, atlas_report

START = pd.Timestamp("2021-01-01")


def _event(k: int, day: float, side: str, target: str, sub: str = "IED") -> dict:
    return {
        "event_id": f"ev{k:06d}",
        "event_date": START + pd.Timedelta(days=int(day)),
        "date_precision": "day",
        "actor1": side.lower(),
        "actor1_side": side,
        "actor2": target.lower(),
        "actor2_side": target,
        "event_type": "Attack",
        "sub_event_type": sub,
    }


def responsive_table(seed: int = 3, n_a: int = 150, days: int = 600) -> pd.DataFrame:
    """ALPHA attacks at random; BRAVO answers 85% of them one day later, plus noise events.

    CHARLIE attacks ALPHA 6 times (a descriptive-route dyad). Sub-event types alternate
    so the subtype level has pairs of its own.
    """
    rng = np.random.default_rng(seed)
    rows, k = [], 0
    for day in np.sort(rng.integers(0, days, n_a)):
        rows.append(_event(k, day, "ALPHA", "BRAVO", "IED" if k % 2 else "SAF"))
        k += 1
        if rng.random() < 0.85:
            rows.append(_event(k, day + 1, "BRAVO", "ALPHA", "Airstrike"))
            k += 1
    for day in rng.integers(0, days, 20):
        rows.append(_event(k, day, "BRAVO", "", "Airstrike"))
        k += 1
    for day in rng.integers(0, days, 6):
        rows.append(_event(k, day, "CHARLIE", "ALPHA", "SAF"))
        k += 1
    for day in rng.integers(0, days, 12):
        rows.append(_event(k, day, "ALPHA", "CHARLIE", "SAF"))
        k += 1
    return pd.DataFrame(rows)


FAST = atlas.AtlasConfig(min_events=3, n_perm=199, n_boot=300)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return responsive_table()


@pytest.fixture(scope="module")
def side_atlas(table: pd.DataFrame) -> pd.DataFrame:
    return atlas.compute_atlas(table, FAST)


def _row(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    hit = frame[(frame["side_a"] == a) & (frame["side_b"] == b)]
    assert len(hit) == 1, f"expected one row for {a}-{b}"
    return hit.iloc[0]


def test_pairs_and_counts_follow_select_dyad(table, side_atlas):
    assert list(zip(side_atlas["side_a"], side_atlas["side_b"], strict=True)) == [
        ("ALPHA", "BRAVO"),
        ("ALPHA", "CHARLIE"),
    ]
    for _, row in side_atlas.iterrows():
        dyad = select_dyad(table, row["side_a"], row["side_b"])
        assert (row["n_a"], row["n_b"]) == (len(dyad.a), len(dyad.b))
        assert row["route"] == choose_route(len(dyad.a), len(dyad.b)).name


def test_atlas_numbers_equal_the_notebook_functions(table, side_atlas):
    row = _row(side_atlas, "ALPHA", "BRAVO")
    dyad = select_dyad(table, "ALPHA", "BRAVO")
    assert row["route"] == "parametric"
    lag = lags.lag_results(dyad, horizons=FAST.windows, n_boot=FAST.n_boot, seed=0)
    for d, direction in atlas.DIRS.items():
        part = lag["by_direction"][direction]
        assert row[f"provocations_{d}"] == part["n_provocations"]
        assert row[f"answered_{d}"] == part["n_answered"]
        assert row[f"lag_median_{d}_low"] == part["median_lag_days"]["ci_low"]
        for w in FAST.windows:
            share = part["share_answered"][str(w)]
            assert row[f"share_{w}d_{d}"] == pytest.approx(share["share"], abs=0)
            assert row[f"share_{w}d_{d}_high"] == share["ci_high"]
    perm = pairing.dyad_permutation(dyad, FAST.pair_window, True, n_perm=FAST.n_perm, seed=0)
    assert row["tft_pairs_ab"] == perm["A->B"]["observed"]
    assert row["tft_p_ab"] == perm["A->B"]["p_value"]
    assert row["tft_null_mean_ba"] == perm["B->A"]["null_mean"]
    tests = granger.granger_tests(dyad, freq="W", lags=2)
    assert row["granger_p_ab"] == tests["A->B"]["p_value"]
    assert row["granger_F_ba"] == tests["B->A"]["stat"]
    fit = hawkes.fit_dyad(dyad)[1].to_dict()["branching"]
    assert row["branching_ab"] == fit["A->B"]["estimate"]
    assert row["branching_ba_high"] == fit["B->A"]["ci_high"]


def test_the_responsive_direction_is_found(side_atlas):
    row = _row(side_atlas, "ALPHA", "BRAVO")
    # BRAVO answers 85% of ALPHA's attacks the next day; ALPHA never answers on purpose.
    assert row["share_1d_ab"] == pytest.approx(0.85, abs=0.08)
    assert row["share_1d_ab_low"] < row["share_1d_ab"] < row["share_1d_ab_high"]
    assert row["lag_median_ab"] == 1.0
    assert row["tft_p_ab"] <= 0.01 and row["tft_excess_ab"] > 1.2
    assert row["tft_p_ba"] > 0.05
    assert row["branching_ab"] > 0.5 > row["branching_ba"]
    assert row["branching_ab_low"] > 0.3


def test_small_dyad_gets_no_p_value_and_says_why(side_atlas):
    row = _row(side_atlas, "ALPHA", "CHARLIE")
    assert (row["n_a"], row["n_b"]) == (12, 6)
    assert row["route"] == "descriptive"
    for col in ("tft_p_ab", "tft_p_ba", "granger_p_ab", "granger_p_ba", "branching_ab"):
        assert math.isnan(row[col]), col
    assert "no test or p-value" in row["note"]
    assert row["tft_pairs_ab"] >= 0 and not math.isnan(row["share_7d_ab"])


def test_min_events_threshold_counts_unstated_targets(table):
    keyed = atlas.dyad_keys(table, "side")
    assert set(atlas.select_pairs(keyed, 7)["side_b"]) == {"BRAVO"}
    pairs = atlas.select_pairs(keyed, 1)
    bravo = pairs[pairs["side_b"] == "BRAVO"].iloc[0]
    dyad = select_dyad(table, "ALPHA", "BRAVO")
    # BRAVO's 20 events without a stated target count toward the dyad, as in select_dyad.
    assert (bravo["n_a"], bravo["n_b"]) == (len(dyad.a), len(dyad.b))


def test_subtype_level_splits_sides_by_event_type(table):
    result = atlas.compute_atlas(
        table, atlas.AtlasConfig(level="subtype", min_events=3, n_perm=99, n_boot=99, hawkes=False)
    )
    keys = set(zip(result["side_a"], result["side_b"], strict=True))
    assert ("ALPHA:IED", "BRAVO:Airstrike") in keys and ("ALPHA:SAF", "BRAVO:Airstrike") in keys
    # Never a pair of two event types of the same side.
    assert all(a.split(":")[0] != b.split(":")[0] for a, b in keys)
    row = _row(result, "ALPHA:IED", "BRAVO:Airstrike")
    ied = table[(table["actor1_side"] == "ALPHA") & (table["sub_event_type"] == "IED")]
    assert row["n_a"] == len(ied)
    assert row["level"] == "subtype"


def test_rerun_is_byte_identical(table, side_atlas):
    again = atlas.compute_atlas(table.sample(frac=1.0, random_state=5), FAST)
    assert atlas.atlas_csv_bytes(again) == atlas.atlas_csv_bytes(side_atlas)
    assert atlas.atlas_parquet_bytes(again) == atlas.atlas_parquet_bytes(side_atlas)


def test_command_writes_both_files_and_keeps_them_on_failure(table, tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    table.to_csv(events, index=False)
    out = tmp_path / "atlas"
    args = ["atlas", "--events", str(events), "--out", str(out), "--min-events", "3"]
    args += ["--n-perm", "99", "--n-boot", "99", "--no-hawkes"]
    assert main(args) == 0
    written = pd.read_csv(out / "atlas.csv")
    assert list(written.columns) == atlas.atlas_columns()
    assert len(written) == 2
    assert pd.read_parquet(out / "atlas.parquet").shape == written.shape
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*_args, **_kwargs):
        raise RuntimeError("model failed")

    monkeypatch.setattr(atlas, "atlas_row", broken)
    with pytest.raises(RuntimeError):
        main(args)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize(
    "extra",
    [["--windows", "0,3"], ["--windows", "x"], ["--min-events", "0"], ["--scheduler", "nowhere"]],
)
def test_bad_arguments_exit_2(table, tmp_path, extra, capsys):
    events = tmp_path / "events.csv"
    table.to_csv(events, index=False)
    code = main(["atlas", "--events", str(events), "--out", str(tmp_path / "o"), *extra])
    assert code == 2
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_missing_events_file_exits_2(tmp_path):
    assert main(["atlas", "--events", str(tmp_path / "no.csv"), "--out", str(tmp_path)]) == 2


@pytest.mark.slow
def test_cluster_atlas_is_byte_identical_and_failure_keeps_output(table, side_atlas, tmp_path):
    from analysis.scale.cluster import make_options, open_client

    events = tmp_path / "events.parquet"
    table.to_parquet(events)
    out = tmp_path / "atlas"
    atlas.write_atlas(side_atlas, out)
    before = (out / "atlas.csv").read_bytes()
    with open_client(make_options("local", 2)) as client:
        distributed = atlas.compute_atlas_dask(events, FAST, client)
        assert atlas.atlas_csv_bytes(distributed) == before
        assert atlas.atlas_parquet_bytes(distributed) == atlas.atlas_parquet_bytes(side_atlas)
        broken = atlas.AtlasConfig(min_events=3, n_perm=0, n_boot=300)  # fails on the workers
        with pytest.raises(Exception):  # noqa: B017 - any worker error must propagate
            atlas.write_atlas(atlas.compute_atlas_dask(events, broken, client), out)
    assert (out / "atlas.csv").read_bytes() == before


class _Table(HTMLParser):
    """Header names and the (data-v, text) of every body cell of one HTML table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.headers: list[str] = []
        self.rows: list[list[tuple[str | None, str]]] = []
        self.scripts = 0
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        elif tag == "table":
            self.tables.append(attrs)
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, attrs.get("data-v"), ""]

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell:
            kind, key, text = self._cell
            if kind == "th":
                self.headers.append(text)
            else:
                self.rows[-1].append((key, text))
            self._cell = None

    def handle_data(self, data):
        if self._cell:
            self._cell[2] += data


def _parse_table(fragment: str) -> _Table:
    parser = _Table()
    parser.feed(fragment)
    parser.close()
    parser.rows = [row for row in parser.rows if row]
    return parser


def test_sortable_table_is_plain_html_with_sort_keys(side_atlas):
    fragment = atlas_report.sortable_table_html(side_atlas)
    assert fragment.startswith('<table class="sortable atlas-table">')
    parsed = _parse_table(fragment)
    assert parsed.scripts == 0 and "<script" not in fragment.lower()
    assert not re.search(r"<[^>]*\son\w*=", fragment)  # no event handler attribute
    shown = [c for c in atlas_report.SUMMARY_COLUMNS if c in side_atlas.columns]
    assert parsed.headers == shown
    assert len(parsed.rows) == len(side_atlas)
    for row, (_, expected) in zip(parsed.rows, side_atlas[shown].iterrows(), strict=True):
        for (key, text), column in zip(row, shown, strict=True):
            value = expected[column]
            if pd.isna(value):
                assert (key, text) == ("", "–"), column
            elif isinstance(value, str):
                assert key == text == value
            else:
                assert float(key) == float(value), column  # the key reads back exactly


def test_sortable_table_keys_escaping_and_missing_values():
    frame = pd.DataFrame(
        {
            "side_a": ["<script>alert(1)</script>", "B & C", 'say "hi"'],
            "n_a": [1234, 987, 5],
            "reciprocity": [0.5, math.nan, math.inf],
            "branching_ab": [1e-7, None, 12345.678],
        }
    )
    fragment = atlas_report.sortable_table_html(
        frame, columns=["side_a", "n_a", "reciprocity", "branching_ab", "absent"], caption="<x>"
    )
    assert "<script>" not in fragment and "&lt;script&gt;" in fragment
    assert "<caption>&lt;x&gt;</caption>" in fragment
    parsed = _parse_table(fragment)
    assert parsed.tables == [{"class": "sortable atlas-table"}]
    assert parsed.headers == ["side_a", "n_a", "reciprocity", "branching_ab"]
    assert parsed.rows[0] == [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("1234", "1,234"),
        ("0.5", "0.5"),
        ("1e-07", "1e-07"),
    ]
    assert parsed.rows[1][2:] == [("", "–"), ("", "–")]
    assert parsed.rows[2][0] == ('say "hi"', 'say "hi"')
    assert parsed.rows[2][2] == ("Infinity", "∞")
    assert parsed.rows[2][3] == ("12345.678", "12,346")
    with_id = atlas_report.sortable_table_html(frame, table_id='t"1')
    assert with_id.startswith('<table class="sortable atlas-table" id="t&quot;1">')


@pytest.mark.slow
def test_notebook_reports_the_atlas_numbers(table, tmp_path):
    import json
    from pathlib import Path

    import papermill

    events = tmp_path / "events.csv"
    table.to_csv(events, index=False)
    results = tmp_path / "results.json"
    root = Path(__file__).resolve().parents[1]
    papermill.execute_notebook(
        str(root / "notebooks" / "06_atlas.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={
            "events_path": str(events),
            "side_a": "ALPHA",
            "side_b": "BRAVO",
            "window_days": 7,
            "results_path": str(results),
            "atlas_path": "",
        },
        kernel_name="escalation",
        cwd=str(root / "notebooks"),
        progress_bar=False,
    )
    got = json.loads(results.read_text())
    assert got["notebook"] == "06_atlas"
    assert got["route"]["name"] == "parametric"
    dyad = select_dyad(table, "ALPHA", "BRAVO")
    expected = atlas.atlas_row(dyad.events, "ALPHA", "BRAVO")
    for key in ("share_7d_ab", "tft_p_ab", "granger_p_ba", "branching_ab", "lag_median_ab"):
        assert got["dyad_row"][key] == pytest.approx(expected[key], rel=1e-12), key
    full = atlas.compute_atlas(table, atlas.AtlasConfig(min_events=1))
    assert got["n_dyads"] == len(full)
    assert got["headline"]["dyads in the atlas"] == len(full)
    html = (tmp_path / "out.ipynb").read_text()
    assert "atlas-table" in html and "http" not in html.split("atlas-table", 1)[1][:5000]
    outputs = [
        "".join(output.get("data", {}).get("text/html", ""))
        for cell in json.loads(html)["cells"]
        for output in cell.get("outputs", [])
    ]
    (table_html,) = [o for o in outputs if "atlas-table" in o]
    assert table_html.startswith('<table class="sortable atlas-table">')
    assert not any("<script" in o.lower() for o in outputs)


@pytest.mark.slow
def test_shipped_iraq_atlas_matches_a_recomputed_row(tmp_path):
    import json
    from pathlib import Path

    import papermill

    root = Path(__file__).resolve().parents[1]
    shipped = root / "data" / "processed" / "atlas" / "atlas.csv"
    table = atlas.read_atlas(shipped)
    assert set(table["level"]) == {"side", "subtype"}
    assert ("INSURGENTS:Remote explosive/landmine/IED", "US_COALITION:Air/drone strike") in set(
        zip(table["side_a"], table["side_b"], strict=True)
    )
    events = pd.read_parquet(
        root / "data" / "processed" / "iraq_2007_2008_events.parquet",
        columns=list(atlas.EVENT_FIELDS),
    )
    # One subtype dyad recomputed here (no Hawkes, to keep the test short).
    a, b = "INSURGENTS:Armed clash", "US_COALITION:Show of force"
    dyad = atlas.dyad_events(events, a, b, "subtype")
    row = atlas.atlas_row(dyad.events, a, b, hawkes=False, level="subtype")
    stored = atlas.find_row(table, a, b, "subtype")
    for key in ("n_a", "n_b", "share_7d_ab", "tft_p_ab", "tft_null_mean_ba", "granger_p_ab"):
        assert stored[key] == pytest.approx(row[key], rel=1e-9), key
    results = tmp_path / "results.json"
    papermill.execute_notebook(
        str(root / "notebooks" / "06_atlas.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"results_path": str(results)},
        kernel_name="escalation",
        cwd=str(root / "notebooks"),
        progress_bar=False,
    )
    got = json.loads(results.read_text())
    side_row = atlas.find_row(table, "INSURGENTS", "US_COALITION")
    assert got["n_dyads"] == len(table)
    assert got["dyad_row"]["tft_p_ab"] == pytest.approx(side_row["tft_p_ab"])
    assert got["sample"]["events"] == {
        "INSURGENTS": side_row["n_a"],
        "US_COALITION": side_row["n_b"],
    }
