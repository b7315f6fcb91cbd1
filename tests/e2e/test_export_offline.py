"""The exported HTML file opened from disk with every network request blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import save_screenshot
from .notebooks import HOSTILE_TEXT

BAR = '[data-testid="lw-bar"]'
WATCH_VIOLATIONS = """
window.__lwViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__lwViolations.push(e.blockedURI || e.violatedDirective));
"""


def open_offline(browser: Browser, path, color_scheme: str = "light", viewport=(1200, 900), wait_ready=True):
    """Open ``path`` as file:// with the network cut off; returns (page, attempted requests, dialogs, errors)."""
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, color_scheme=color_scheme)
    attempted: list[str] = []
    dialogs: list[str] = []

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("request", lambda req: req.url != url and attempted.append(req.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    if wait_ready:
        expect(page.locator("body")).to_have_attribute("data-lw-ready", "true", timeout=15_000)
    return page, attempted, dialogs, errors


def bars_of(root):
    return root.locator(BAR).evaluate_all(
        "els => els.map(e => [e.getAttribute('data-feature'), e.getAttribute('data-weight')])")


@pytest.fixture
def hostile_text_exp(text_model):
    from lime_widget.lime_text import LimeTextExplainer

    explainer = LimeTextExplainer(class_names=["atheism", "christian"], random_state=0)
    return explainer.explain_instance(HOSTILE_TEXT, text_model.predict_proba, labels=(0, 1),
                                      num_features=6, num_samples=1000)


@pytest.mark.parametrize("name", ["tabular", "text", "image"])
def test_exported_file_works_offline(browser: Browser, tmp_path, request, name):
    exp = {"tabular": lambda: request.getfixturevalue("wine_exp")[0],
           "text": lambda: request.getfixturevalue("hostile_text_exp"),
           "image": lambda: request.getfixturevalue("image_exp")[0]}[name]()
    path = tmp_path / f"{name}.html"
    exp.save_to_file(str(path))
    page, attempted, dialogs, errors = open_offline(browser, path)
    root = page.locator('[data-testid="lw-root"]')
    expect(root).to_have_attribute("data-status", "idle")
    n0 = exp.settings["num_features"] if name != "image" else min(exp.settings["num_features"], 6)
    expect(root.locator(BAR)).to_have_count(n0)
    save_screenshot(root, f"{name}-export")

    # class toggle: the other class's precomputed bars
    before = bars_of(root)
    shown = root.get_attribute("data-label")
    other = [x for x in root.locator('[data-testid="lw-class-toggle"]').evaluate_all(
        "els => els.map(e => e.getAttribute('data-label'))") if x != shown][0]
    root.locator(f'[data-testid="lw-class-toggle"][data-label="{other}"]').click()
    expect(root).to_have_attribute("data-label", other)
    expect(root).to_have_attribute("data-status", "idle")
    assert bars_of(root) != before

    # num_features within the precomputed range
    field = root.locator('[data-testid="lw-num-features"]')
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(root.locator(BAR)).to_have_count(2)
    expect(root).to_have_attribute("data-status", "idle")

    if name == "text":
        text = root.inner_text()
        assert "<img src=x onerror=alert(1)>" in text and "<script>alert(2)</script>" in text
        expect(root.locator("img")).to_have_count(0)
        word = root.locator('[data-testid="lw-word"]').first
        word.click()
        expect(word).to_have_attribute("aria-pressed", "true")
    if name == "image":
        canvas = root.locator('[data-testid="lw-superpixel-canvas"]')
        painted = canvas.evaluate("""c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] || d[i + 1] || d[i + 2]) n++; return n; }""")
        assert painted > 0

    page.wait_for_timeout(300)
    assert attempted == []
    assert page.evaluate("window.__lwViolations") == []
    assert dialogs == [] and errors == []
    page.context.close()


def test_export_routes_offline(browser: Browser, tmp_path):
    """The README's table of export routes: ``scripts/run_notebooks.py --html`` shows the live view
    offline; ``jupyter nbconvert --to html --execute`` loads the widget renderer from a CDN, so
    offline its widget area stays blank (the README says so and points to the routes that work)."""
    import subprocess
    import sys

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from .conftest import ROOT
    from .notebooks import MULTI_PRELUDE, TEXT

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [new_code_cell(MULTI_PRELUDE.strip()), new_code_cell(TEXT.strip() + "\nexp")]
    source = tmp_path / "route.ipynb"
    nbformat.write(nb, source)
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "run_notebooks.py"), "--html", str(source)],
                   check=True, env=env, capture_output=True, timeout=300)
    ours = source.with_suffix(".html")
    converted = tmp_path / "nbconvert.html"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", str(source),
                    "--output", str(converted)], check=True, env=env, capture_output=True, timeout=300)

    # run_notebooks --html: the view renders in its frame and answers clicks, with no network at all
    page, attempted, dialogs, errors = open_offline(browser, ours, wait_ready=False)
    frame = page.frame_locator("iframe.lw-frame")
    root = frame.locator('[data-testid="lw-root"]')
    expect(root).to_have_attribute("data-status", "idle", timeout=15_000)
    word = root.locator('[data-testid="lw-word"]').first
    word.click()
    expect(word).to_have_attribute("aria-pressed", "true")
    # the nbconvert template around the frames still asks CDNs for require.js (for other widgets);
    # every request was refused and the explanation did not need any of them
    page.context.close()

    # nbconvert --execute: the page asks a CDN for the widget renderer; offline nothing renders
    page, attempted, _, _ = open_offline(browser, converted, wait_ready=False)
    page.wait_for_timeout(1500)
    assert any(url.startswith("http") for url in attempted), attempted
    expect(page.locator('[data-testid="lw-root"]')).to_have_count(0)
    page.context.close()
