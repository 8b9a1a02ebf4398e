"""Open the index and every report in headless Chromium from disk, with networking off:
no console error, and a screenshot of each page.

Screenshots go to a temporary directory, or to ``reports/screenshots/`` when
``ESCALATION_SCREENSHOTS=1`` (for a look by hand).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "reporting"
NOTEBOOKS = FIXTURES / "notebooks"
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
    """Debian's chromium and chromium-driver, installed when missing and possible."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.skip("chromium is not installed and apt-get cannot run here (needs root)")
        apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installed = subprocess.run(
            [*apt, "install", "-y", "chromium", "chromium-driver"], capture_output=True, env=env
        )
        if installed.returncode != 0:
            subprocess.run([*apt, "update"], capture_output=True, env=env)
            installed = subprocess.run(
                [*apt, "install", "-y", "chromium", "chromium-driver"],
                capture_output=True,
                env=env,
            )
        if installed.returncode != 0:
            pytest.skip("could not install chromium: " + installed.stderr.decode()[-300:])
    return CHROMIUM


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
    command = [sys.executable, "-m", "analysis.cli", "reports", "--config", str(config)]
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
        # Nothing ran: an alert would have left a dialog open.
        assert driver.execute_script("return document.scripts.length") == 0
        name = "index" if page.name == "index.html" else f"{page.parent.name}-{page.stem}"
        assert driver.save_screenshot(str(shots / f"{name}.png"))
        assert (shots / f"{name}.png").stat().st_size > 1000
    index_text = driver.get(pages[0].as_uri()) or driver.find_element("tag name", "body").text
    assert "failed" in index_text
