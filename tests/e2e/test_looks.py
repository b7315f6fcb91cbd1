"""Readable in every theme, long names kept whole, and an empty image view that says why.

The contrast of every word, bar label, value and control text of the text, tabular and
image views is measured on the rendered page (tests/e2e/contrast.py) in JupyterLab Light
and Dark and in the offline export under ``prefers-color-scheme`` light and dark; every
ratio must reach WCAG AA (4.5:1). The notebook (tests/e2e/notebooks.py, ``looks``) shows
a 400-word review, breast-cancer features with long descriptive names, and a bright/dark
image model whose "dark" class has only negative weights.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from . import contrast
from .conftest import record_metric, run_notebook, save_screenshot
from .notebooks import BRIGHTNESS, LONG_NAMES, LONG_TEXT
from .test_export_offline import open_offline

ROOT_SEL = '[data-testid="lw-root"]'
BAR = '[data-testid="lw-bar"]'
VIEWS = ("text", "tabular", "image")
AA = 4.5


def check_contrast(roots: dict, where: str) -> None:
    for view, root in roots.items():
        lowest, worst = contrast.minimum(root)
        record_metric(f"contrast min, {where}, {view} view", {"ratio": lowest, "lowest": worst[:3]})
        assert lowest >= AA, (where, view, worst)


def check_long_names(root, min_track_px: float) -> None:
    """Every bar label is shown whole (wrapped, never cut) and the bars keep room."""
    labels = root.locator(f"{BAR} .lw-bar-name").evaluate_all("""els => els.map(e => ({
      text: e.textContent, feature: e.parentElement.dataset.feature,
      clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
      ellipsis: getComputedStyle(e).textOverflow === 'ellipsis' && getComputedStyle(e).overflow !== 'visible'}))""")
    assert len(labels) == 10
    for label in labels:
        assert label["text"] == label["feature"] and not label["clipped"] and not label["ellipsis"], label
        assert "of the cell nuclei" in label["text"] and any(op in label["text"] for op in ("<", ">")), label
    tracks = root.locator(f"{BAR} .lw-track").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert min(tracks) >= min_track_px, tracks


def show_dark_class(root) -> None:
    """Choose the "dark" class: Positive mode has nothing to show and says why; Negative shows them."""
    canvas = root.locator('[data-testid="lw-superpixel-canvas"]')
    hint = root.locator('[data-testid="lw-image-hint"]')
    expect(hint).to_be_hidden()
    root.locator('[data-testid="lw-class-toggle"][data-label="1"]').click()
    expect(root).to_have_attribute("data-label", "1")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("No superpixel supports dark")
    expect(hint).to_contain_text("weigh against it")
    expect(canvas).to_have_attribute("data-selected", "")
    root.locator('[data-testid="lw-sign-negative"]').click()
    expect(hint).to_be_hidden()
    expect(canvas).not_to_have_attribute("data-selected", "")
    root.locator('[data-testid="lw-sign-positive"]').click()
    expect(hint).to_be_visible()


def set_theme(page: Page, theme: str) -> None:
    page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme, timeout=30_000)
    page.wait_for_timeout(800)  # the theme's stylesheet applies, then the view recolours its words


def test_lab_light_and_dark(page: Page, lab: dict):
    run_notebook(page, lab, "looks", viewport=(1900, 1800))  # tall: the 30-row table fits in a screenshot
    roots = {view: page.locator(".jp-CodeCell").nth(i + 1).locator(ROOT_SEL) for i, view in enumerate(VIEWS)}
    for root in roots.values():
        expect(root).to_have_attribute("data-status", "idle", timeout=30_000)
        root.locator("summary", has_text="Advanced").click()  # its controls are measured too
        # the stability badge and the whiskers arrive from the kernel's background: measured too
        expect(root.locator('[data-testid="lw-stability"]')).to_be_visible(timeout=30_000)
    check_long_names(roots["tabular"], min_track_px=150)
    show_dark_class(roots["image"])
    try:
        for theme, tag in (("JupyterLab Light", "lab-light"), ("JupyterLab Dark", "lab-dark")):
            if tag == "lab-dark":
                set_theme(page, theme)
            check_contrast(roots, tag)
            page.mouse.move(1, 1)  # no hover highlight in the screenshots
            for view, root in roots.items():
                save_screenshot(root, f"{view}-{tag}")
    finally:
        set_theme(page, "JupyterLab Light")  # the theme is a saved setting of the shared server
    # narrower: the labels wrap more, the bars still get room
    page.set_viewport_size({"width": 1000, "height": 1800})
    page.wait_for_timeout(300)
    check_long_names(roots["tabular"], min_track_px=80)


@pytest.fixture(scope="module")
def looks_explanations():
    """The explanations of the ``looks`` notebook, made in this process."""
    spaces = {}
    for view, source in zip(VIEWS, (LONG_TEXT, LONG_NAMES, BRIGHTNESS)):
        namespace = {"shown": lambda widget, nb: None}
        exec(compile(source, f"<looks {view}>", "exec"), namespace)  # noqa: S102 - our own test source
        spaces[view] = namespace
    return {"text": spaces["text"]["long_text_exp"], "tabular": spaces["tabular"]["long_names_exp"],
            "image": spaces["image"]["image_exp"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_export_contrast(browser: Browser, tmp_path, looks_explanations, scheme: str):
    roots = {}
    pages = []
    for view, exp in looks_explanations.items():
        path = tmp_path / f"{view}.html"
        exp.save_to_file(str(path))
        page, attempted, _, errors = open_offline(browser, path, color_scheme=scheme, viewport=(1600, 1100))
        pages.append(page)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        root = page.locator(ROOT_SEL)
        expect(root).to_have_attribute("data-status", "idle")
        root.locator("summary", has_text="Advanced").click()
        if view == "image":
            show_dark_class(root)
        expect(root.locator('[data-testid="lw-stability"]')).to_be_visible()  # the export carries it
        if view == "tabular":
            check_long_names(root, min_track_px=150)
        roots[view] = root
        assert attempted == [] and errors == []
    check_contrast(roots, f"export-{scheme}")
    if scheme == "dark":
        for view, root in roots.items():
            save_screenshot(root, f"{view}-export-dark")
    for page in pages:
        page.context.close()
