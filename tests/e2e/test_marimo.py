"""marimo: the widget in ``marimo run`` (headless, free port), through ``mo.ui.anywidget``
and as a plain cell output. A word click and a num_features change typed with the keyboard
reach the downstream cell that prints the widget's value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, _free_port, save_screenshot

APP = Path(__file__).parent / "marimo_app" / "explain_app.py"
ROOT_SEL = '[data-testid="lw-root"]'
BAR = '[data-testid="lw-bar"]'


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory):
    try:
        import marimo  # noqa: F401 - a test extra
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("marimo is not installed (pip install -e .[test]); CI=true, so this test must run")
        pytest.skip("marimo is not installed (pip install -e .[test])")
    home = tmp_path_factory.mktemp("marimo")
    port = _free_port()
    log = home / "marimo.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    proc = subprocess.Popen([sys.executable, "-m", "marimo", "run", str(APP), "--headless", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("marimo did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.3)
    yield base
    os.killpg(proc.pid, 15)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


def printed(page: Page) -> dict:
    text = page.get_by_text("LW_VALUE=").inner_text()
    return json.loads(text.split("LW_VALUE=", 1)[1].strip())


def test_marimo_run(page: Page, marimo_app: str):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(marimo_app)
    roots = page.locator(ROOT_SEL)
    expect(roots).to_have_count(2, timeout=60_000)
    ui, plain = roots.nth(0), roots.nth(1)
    for root in (ui, plain):
        expect(root).to_have_attribute("data-status", "idle", timeout=30_000)
        expect(root.locator(BAR)).to_have_count(6)
    expect(page.get_by_text("LW_VALUE=")).to_be_visible()
    assert printed(page) == {"num_features": 6, "focused_feature": -1, "label": 1}

    # a word click reaches the downstream cell
    word = ui.locator('[data-testid="lw-word"][data-feature="church"]').first
    fid = int(word.get_attribute("data-fid"))
    word.click()
    expect(word).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("LW_VALUE=")).to_contain_text(f'"focused_feature": {fid}', timeout=30_000)

    # num_features typed with Enter: Python refits (3 bars) and the downstream cell sees 3
    field = ui.locator('[data-testid="lw-num-features"]')
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(ui.locator(BAR)).to_have_count(3, timeout=30_000)
    expect(page.get_by_text("LW_VALUE=")).to_contain_text('"num_features": 3', timeout=30_000)
    assert printed(page) == {"num_features": 3, "focused_feature": fid, "label": 1}
    save_screenshot(ui, "marimo-text")

    # the plain output is live too: its own refit comes back from Python
    field = plain.locator('[data-testid="lw-num-features"]')
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(plain.locator(BAR)).to_have_count(2, timeout=30_000)
    expect(plain).to_have_attribute("data-status", "idle")
    plain.locator('[data-testid="lw-class-toggle"][data-label="0"]').click()
    expect(plain).to_have_attribute("data-label", "0")
    expect(plain).to_have_attribute("data-status", "idle", timeout=30_000)
    expect(plain.locator(BAR)).to_have_count(2)
    # the ui widget is a separate widget: unchanged
    expect(ui.locator(BAR)).to_have_count(3)
