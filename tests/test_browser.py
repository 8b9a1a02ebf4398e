"""Open the index and every report in headless Chromium from disk, with networking off:
no console error, and a screenshot of each page.

Screenshots go to a temporary directory, or to ``reports/screenshots/`` when
``ESCALATION_SCREENSHOTS=1`` (for a look by hand).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "reporting"
NOTEBOOKS = FIXTURES / "notebooks"
SORT_JS = (REPO / "analysis/templates/escalation/static/sort.js").read_text(encoding="utf-8")
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1200,1600",
)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium and chromium-driver. The tests never install them: `make browser`
    (or .ci/run) does. Outside CI a missing browser skips the tests with the reason; with
    CI=true it fails them, so that CI cannot pass with the browser tests skipped."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return CHROMIUM
    reason = (
        f"Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}); "
        "`make browser` installs it (Debian packages chromium and chromium-driver)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; CI must run the browser and PDF tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The toy reports, a healthy set and a failing one, rendered with the real driver."""
    root = tmp_path_factory.mktemp("browser")
    config = root / "reports.yml"
    events = str(FIXTURES / "events.csv")
    config.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "toy",
                    "title": "Toy <script>alert(1)</script> set",
                    "events": events,
                    "notebooks": [
                        str(NOTEBOOKS / "01_toy_counts.ipynb"),
                        str(NOTEBOOKS / "02_toy_gaps.ipynb"),
                    ],
                    "labels": {"A": "Side A", "B": "Side B"},
                    "parameters": {"side_a": "A", "side_b": "B"},
                },
                {
                    "name": "broken",
                    "title": "Failing",
                    "events": events,
                    "notebooks": [str(NOTEBOOKS / "03_toy_fails.ipynb")],
                },
            ]
        )
    )
    out = root / "out"
    command = [sys.executable, "-m", "analysis.commands", "reports", "--config", str(config)]
    result = subprocess.run(
        [*command, "--out", str(out), "--jobs", "2"], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr  # the failing notebook
    return out


@pytest.fixture(scope="module")
def driver(chromium, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The explicit driver path keeps selenium-manager from looking for one online.
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield browser
    browser.quit()


def screenshot_dir(tmp_path: Path) -> Path:
    if os.environ.get("ESCALATION_SCREENSHOTS") == "1":
        target = REPO / "reports" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path


def test_pages_open_offline_without_console_errors(reports, driver, tmp_path):
    pages = [reports / "index.html", *sorted(reports.glob("*/*.html"))]
    assert len(pages) == 4
    shots = screenshot_dir(tmp_path)
    for page in pages:
        driver.get(page.as_uri())
        title = driver.title
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == [], (page, errors)
        assert title and "<script>" not in driver.page_source.split("</title>")[0]
        # Nothing from the notebooks or the titles ran (an alert would have left a dialog
        # open): the index has no script, a report only the template's sort script.
        scripts = driver.execute_script(
            "return Array.prototype.map.call(document.scripts, function (s) { return s.text; })"
        )
        assert scripts == ([] if page.name == "index.html" else [SORT_JS]), page
        name = "index" if page.name == "index.html" else f"{page.parent.name}-{page.stem}"
        assert driver.save_screenshot(str(shots / f"{name}.png"))
        assert (shots / f"{name}.png").stat().st_size > 1000
    index_text = driver.get(pages[0].as_uri()) or driver.find_element("tag name", "body").text
    assert "failed" in index_text


@pytest.fixture(scope="module")
def sortable_page(tmp_path_factory) -> Path:
    """A report page holding one sortable table, rendered (without a kernel) by the real
    template: numbers whose text order differs from their numeric order, missing values,
    text with markup."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from analysis.reporting.render import PageContext, render_page
    from analysis.scale.atlas_report import sortable_table_html

    frame = pd.DataFrame(
        {
            "side_a": ["bravo", "<b>alpha</b>", "charlie", "delta"],
            "n_a": [1234, 5, 987, None],
            "reciprocity": [0.5, float("nan"), 2.0, 1e-3],
        }
    )
    table = sortable_table_html(frame, columns=["side_a", "n_a", "reciprocity"])
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Sortable table"),
            new_code_cell(
                "HTML(table)",
                outputs=[new_output("display_data", data={"text/html": table})],
            ),
        ],
        metadata={"language_info": {"name": "python"}},
    )
    context = PageContext(
        set_title="Toy",
        notebook="toy.ipynb",
        events="events.csv",
        events_sha256="0" * 64,
        parameters={"side_a": "A"},
        provenance={"commit": "0" * 12, "dirty": False, "versions": [], "built": "now"},
    )
    root = tmp_path_factory.mktemp("sortable")
    page = root / "sortable.html"
    page.write_text(render_page(notebook, context), encoding="utf-8")
    return page


def _column(driver, index: int) -> list[str]:
    return driver.execute_script(
        "return Array.prototype.map.call("
        "document.querySelectorAll('table.sortable tbody tr'),"
        f"function (r) {{ return r.cells[{index}].textContent; }})"
    )


def _aria_sort(driver) -> list[str | None]:
    return driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('table.sortable th'),"
        "function (h) { return h.getAttribute('aria-sort'); })"
    )


def _console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def test_clicking_a_header_sorts_the_table(sortable_page, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get_log("browser")  # drop entries of earlier pages
    driver.get(sortable_page.as_uri())
    buttons = driver.find_elements(By.CSS_SELECTOR, "table.sortable th button")
    assert [b.text.split()[0] for b in buttons] == ["side_a", "n_a", "reciprocity"]
    assert _aria_sort(driver) == ["none", "none", "none"]
    assert _column(driver, 1) == ["1,234", "5", "987", "–"]  # the order of the frame

    buttons[1].click()  # numbers sort by value (data-v), not by their text
    assert _column(driver, 1) == ["5", "987", "1,234", "–"]
    assert _aria_sort(driver) == ["none", "ascending", "none"]
    buttons[1].click()  # descending; the missing value stays last
    assert _column(driver, 1) == ["1,234", "987", "5", "–"]
    assert _aria_sort(driver) == ["none", "descending", "none"]

    buttons[2].send_keys(Keys.ENTER)  # keyboard: the header is a focusable button
    assert _column(driver, 2) == ["0.001", "0.5", "2", "–"]
    assert _aria_sort(driver) == ["none", "none", "ascending"]
    buttons[0].send_keys(Keys.SPACE)
    assert _column(driver, 0) == ["<b>alpha</b>", "bravo", "charlie", "delta"]
    assert _aria_sort(driver) == ["ascending", "none", "none"]
    # Whole rows move together.
    assert _column(driver, 1) == ["5", "1,234", "987", "–"]
    assert _console_errors(driver) == []


def test_csp_blocks_any_other_script(sortable_page, driver, tmp_path):
    """A script slipped into the page past the audit does not run, and the browser
    reports the CSP violation; the sort script still works."""
    page = sortable_page.read_text(encoding="utf-8")
    tampered = tmp_path / "tampered.html"
    injected = "<script>document.title = 'ran';</script>"
    tampered.write_text(page.replace("</main>", injected + "</main>", 1), encoding="utf-8")
    driver.get_log("browser")
    driver.get(tampered.as_uri())
    assert driver.title != "ran"
    errors = _console_errors(driver)
    assert errors and all("Content Security Policy" in e["message"] for e in errors), errors
    driver.find_elements("css selector", "table.sortable th button")[1].click()
    assert _column(driver, 1) == ["5", "987", "1,234", "–"]


WIDTHS = (1280, 390)


def _set_width(driver, width: int) -> None:
    # The exact CSS viewport width (a window size would include the browser's frame).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def test_real_pages_fit_wide_and_narrow_screens(real_reports, driver, tmp_path):
    """Every page of every report set at 1280 and 390 px: the page body never scrolls
    sideways (a wide table scrolls inside its own box) and the console has no error."""
    pages = [real_reports / "index.html", *sorted(real_reports.glob("*/*.html"))]
    assert len(pages) >= 14
    shots = screenshot_dir(tmp_path)
    overflowing = {}
    try:
        for width in WIDTHS:
            _set_width(driver, width)
            for page in pages:
                driver.get_log("browser")
                driver.get(page.as_uri())
                assert _console_errors(driver) == [], page
                extra = driver.execute_script(
                    "return document.documentElement.scrollWidth - "
                    "document.documentElement.clientWidth"
                )
                if extra > 1:
                    overflowing[f"{page.relative_to(real_reports)} @ {width}px"] = extra
                name = f"{page.parent.name}-{page.stem}-{width}.png"
                assert driver.save_screenshot(str(shots / name))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflowing == {}


def test_brief_pdf_is_short_and_searchable(real_reports, chromium, tmp_path):
    """`escalation reports --pdf` prints the seed brief in at most two pages whose text a
    PDF reader finds."""
    from pypdf import PdfReader

    out = tmp_path / "out"
    subprocess.run(["cp", "-r", str(real_reports), str(out)], check=True)
    command = [sys.executable, "-m", "analysis.commands", "reports", "--only", "seed"]
    result = subprocess.run(
        [*command, "--config", str(REPO / "reports.yml"), "--out", str(out), "--pdf"],
        capture_output=True,
        text=True,
        env={**os.environ, "ESCALATION_CHROMIUM": str(chromium)},
    )
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out / "seed" / "00_brief.pdf")
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Verdict: too few events to say" in " ".join(text.split())
    assert "Iran-aligned militias" in text
    whole = PdfReader(out / "seed.pdf")
    assert len(whole.pages) > len(reader.pages)
