"""How sure the weights are, in the browser (issue 14, item 4), in JupyterLab 4 and Notebook 7.

The wine widget gets its intervals from the kernel after the first render: one whisker
per bar, the interval in each bar's screen-reader label, and the stability badge next
to R². "Sample until stable" is pressed from the keyboard (Tab from the Samples field,
then Enter): the kernel samples in rounds, the progress bar shows, and the Samples
field then shows how many rows the model saw, as Python's ``num_samples`` does.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import log_entries, run_notebook, save_screenshot, wait_for

ROOT_SEL = '[data-testid="lw-root"]'
BAR = '[data-testid="lw-bar"]'
WHISKER = '[data-testid="lw-whisker"]'
BADGE = '[data-testid="lw-stability"]'


def logged(server: dict, trait: str, since: int) -> list:
    return [e["new"] for e in log_entries(server["log"], "tabular")[since:] if e["name"] == trait]


def test_whiskers_badge_and_sample_until_stable(page: Page, front: dict):
    since = len(log_entries(front["log"], "tabular"))
    run_notebook(page, front, "tabular", viewport=(1400, 1100))
    root = page.locator(ROOT_SEL).first
    expect(root).to_have_attribute("data-status", "idle", timeout=30_000)
    expect(root.locator(BAR)).to_have_count(5)

    # the intervals arrive from the kernel: a whisker on every bar, the words in every label
    expect(root.locator(WHISKER)).to_have_count(5, timeout=30_000)
    for i in range(5):
        bar = root.locator(BAR).nth(i)
        expect(bar).to_have_attribute("aria-label", re.compile(r"95% interval [\u2212+][\d.e\u2212-]+ to [\u2212+][\d.e\u2212-]+"))
        low, high, weight = (float(bar.get_attribute(f"data-{k}")) for k in ("low", "high", "weight"))
        assert low <= weight <= high
        uncertain = "lw-uncertain" in (bar.get_attribute("class") or "")
        assert uncertain == (low <= 0 <= high)
        if uncertain:
            expect(bar).to_have_attribute("title", re.compile("crosses zero: uncertain"))
    badge = root.locator(BADGE)
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(r"^Stability [01]\.\d\d$"))
    expect(badge).to_have_attribute("title", re.compile("top 5 features"))
    save_screenshot(root, f"trust-{front['kind']}")

    # fewer features: the intervals follow (zero model calls; computed in the kernel's background)
    features = root.locator('[data-testid="lw-num-features"]')
    features.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(root.locator(BAR)).to_have_count(3)
    expect(root.locator(WHISKER)).to_have_count(3, timeout=30_000)
    expect(badge).to_have_attribute("title", re.compile("top 3 features"))

    # "Sample until stable", from the keyboard
    samples = root.locator('[data-testid="lw-num-samples"]')
    expect(samples).to_have_value("5000")
    samples.click()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "lw-sample-until-stable"
    page.keyboard.press("Enter")
    assert wait_for(lambda: "computing" in logged(front, "status", since), timeout=30)
    assert wait_for(lambda: logged(front, "status", since)[-1:] == ["idle"] and logged(front, "num_samples", since),
                    timeout=120)
    rows = logged(front, "num_samples", since)[-1]
    assert rows != 5000 and rows >= 500
    expect(root).to_have_attribute("data-status", "idle", timeout=30_000)
    expect(samples).to_have_value(str(rows))  # the control tells what is shown
    expect(root.locator(BAR)).to_have_count(3)
    expect(root.locator(WHISKER)).to_have_count(3, timeout=30_000)
    expect(badge).to_have_text(re.compile(r"^Stability [01]\.\d\d$"))
