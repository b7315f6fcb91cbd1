"""GlobalView in JupyterLab: the strips render on a canvas, a real mouse click on a dot opens
that row's explanation (its refit control works), and the keyboard opens another row.

The kernel is probed afterwards: the opened row is the one the browser aimed at, and the
model was not called after ``explain_many``.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import Page, expect

from .conftest import run_notebook, save_screenshot

NAME = "global_view"
VIEW = '''
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
import lime_widget
from lime_widget import GlobalView, LimeTabularExplainer

X, y = load_iris(return_X_y=True)
model = LogisticRegression(max_iter=500).fit(X, y)
calls = [0]
def predict(rows):
    calls[0] += 1
    return model.predict_proba(rows)
explainer = LimeTabularExplainer(X, feature_names=["sepal length", "sepal width", "petal length", "petal width"],
                                 class_names=["setosa", "versicolor", "virginica"], random_state=0)
exps = lime_widget.explain_many(explainer, X[::3], predict, num_features=3, num_samples=300, labels=(0, 1, 2))
made = calls[0]
view = GlobalView(exps, pick=[0, 10], label=2)
view
'''
PROBE = '''
import json
print("LW_GLOBAL=" + json.dumps({"selected": view.selected, "label": view.label,
                                 "shown": None if view.current_explanation is None
                                 else len(view.current_explanation.local_exp[view.label]),
                                 "calls": calls[0] - made}))
'''


def write_notebook(folder) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [new_code_cell(VIEW.strip()), new_code_cell(PROBE.strip())]
    nbformat.write(nb, folder / f"{NAME}.ipynb")


def kernel_state(page: Page, expected: str) -> dict:
    cell = page.locator(".jp-CodeCell").nth(1)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    output = cell.locator(".jp-OutputArea-output")
    expect(output).to_contain_text(expected, timeout=30_000)
    return json.loads(output.last.inner_text().split("LW_GLOBAL=", 1)[1].strip().splitlines()[0])


def test_click_a_dot_and_the_keyboard_open_rows(page: Page, lab: dict):
    write_notebook(lab["root"] / "nb")
    run_notebook(page, lab, NAME, viewport=(1400, 1100))
    view = page.locator(".jp-CodeCell").nth(0).locator('[data-testid="lw-global"]')
    expect(view).to_be_visible(timeout=30_000)
    canvas = view.locator('[data-testid="lw-global-canvas"]')
    expect(canvas).to_have_attribute("aria-label", re.compile(r"^Weights of 50 rows for class virginica, one strip"))
    expect(view.locator(".lw-global-classes button[aria-pressed=true]")).to_have_text("virginica")
    assert view.locator("canvas").count() == 1 and int(view.get_attribute("data-dots")) > 50

    # the mouse: aim at the rightmost dot of the top strip, where the widget drew it
    canvas.focus()
    page.keyboard.press("End")
    expect(canvas).to_have_attribute("data-focus-x", re.compile(r"\d"))
    row = int(canvas.get_attribute("data-focus-row"))
    x, y = float(canvas.get_attribute("data-focus-x")), float(canvas.get_attribute("data-focus-y"))
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(view).to_have_attribute("data-selected", str(row), timeout=15_000)
    host = view.locator('[data-testid="lw-global-explanation"]')
    expect(host.locator('[data-testid="lw-bar"]')).to_have_count(3, timeout=15_000)
    expect(view.locator('[data-testid="lw-global-row-head"]')).to_contain_text(f"Row {row} (position {row})")
    # the opened row's own control refits it in the kernel
    field = host.locator('[data-testid="lw-num-features"]')
    field.fill("2")
    field.press("Enter")
    expect(host.locator('[data-testid="lw-bar"]')).to_have_count(2, timeout=15_000)
    save_screenshot(view, "global-view-row-open")

    # the keyboard: down to the next strip, its leftmost dot, Enter
    canvas.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    other = int(canvas.get_attribute("data-focus-row"))
    assert other != row
    page.keyboard.press("Enter")
    expect(view).to_have_attribute("data-selected", str(other), timeout=15_000)
    expect(view.locator('[data-testid="lw-global-status"]')).to_contain_text(f"Row {other}")

    state = kernel_state(page, f'"selected": {other}')
    assert state["selected"] == other and state["label"] == 2 and state["shown"] == 3 and state["calls"] == 0

    # every text of the view and of the opened row, in JupyterLab Light and Dark
    from . import contrast
    from .conftest import record_metric
    from .test_looks import set_theme

    try:
        for theme, tag in (("JupyterLab Light", "lab-light"), ("JupyterLab Dark", "lab-dark")):
            if tag == "lab-dark":
                set_theme(page, theme)
            lowest, worst = contrast.minimum(view)
            record_metric(f"contrast min, global view {tag}", {"ratio": lowest, "lowest": worst[:3]})
            assert lowest >= 4.5, (tag, worst)
        save_screenshot(view, "global-view-lab-dark")
    finally:
        set_theme(page, "JupyterLab Light")  # the theme is a saved setting of the shared server


def synthetic_view(n_rows: int = 10_000, n_features: int = 20):
    """What the offline page needs from a GlobalView, for 10,000 rows x 20 features x 2 classes."""
    from types import SimpleNamespace

    import numpy as np

    from lime_widget.widget.serialization import array_buffer as _buffer

    rng = np.random.default_rng(0)
    weights = rng.normal(0, 0.1, (2, n_rows, n_features)).astype(np.float32)
    weights[:, rng.random((n_rows, n_features)) < 0.3] = np.nan  # not in those rows' explanations
    colors = rng.random((n_rows, n_features)).astype(np.float32)
    importance = np.nan_to_num(np.abs(weights)).mean(axis=1)
    features = [f"feature <b>{j}</b>" for j in range(n_features)]  # markup in a name stays text
    summary = {"mode": "classification", "modality": "tabular", "n_rows": n_rows, "n_failed": 0, "labels": [0, 1],
               "class_names": ["no", "yes"], "features": features, "importance": importance.tolist(),
               "ranking": [list(map(int, np.argsort(-imp))) for imp in importance],
               "row_ids": [str(i) for i in range(n_rows)], "positions": list(range(n_rows)), "picked": [5, 50],
               "color_kind": "value"}
    dots = int(np.isfinite(weights[0]).sum())
    return SimpleNamespace(summary=summary, weights=_buffer(weights), colors=_buffer(colors), global_label=0), dots


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_offline_page_draws_10000_rows_with_readable_text(browser, tmp_path, scheme: str):
    from lime_widget.widget.global_export import global_html

    from . import contrast
    from .conftest import record_metric
    from .test_export_offline import open_offline

    view, dots = synthetic_view()
    path = tmp_path / "global.html"
    path.write_text(global_html(view), encoding="utf8")
    page, attempted, dialogs, errors = open_offline(browser, path, color_scheme=scheme, viewport=(1300, 1000))
    root = page.locator('[data-testid="lw-global"]')
    expect(root).to_have_attribute("data-dots", str(dots))
    assert root.locator("canvas").count() == 1 and root.locator("b").count() == 0
    root.locator(".lw-global-classes button", has_text="yes").click()
    expect(root).to_have_attribute("data-label", "1")
    # a class switch lays out and draws every dot again (timings are recorded, never asserted)
    record_metric(f"global view, 10000 rows x 20 features, class switch: layout + draw ms ({scheme})",
                  float(root.get_attribute("data-render-ms")))
    canvas = root.locator('[data-testid="lw-global-canvas"]')
    canvas.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(canvas).to_have_attribute("data-focus-row", re.compile(r"^\d+$"))
    record_metric(f"global view, 10000 rows x 20 features, arrow key redraw ms ({scheme})",
                  float(root.get_attribute("data-render-ms")))
    page.keyboard.press("Enter")
    expect(root.locator('[data-testid="lw-global-error"]')).to_contain_text("needs a running Python kernel")
    lowest, worst = contrast.minimum(root, min_items=5)
    record_metric(f"contrast min, global view export {scheme}", {"ratio": lowest, "lowest": worst[:3]})
    assert lowest >= 4.5, worst
    # the canvas draws its names and figures in the root's text colour, on the root's background
    text_vs_bg = page.evaluate("""el => {
      const cs = getComputedStyle(el);
      const c = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = v => { const f = x => { x /= 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
                          return 0.2126 * f(v[0]) + 0.7152 * f(v[1]) + 0.0722 * f(v[2]); };
      const [a, b] = [lum(c(cs.color)), lum(c(cs.backgroundColor))].sort((p, q) => q - p);
      return (a + 0.05) / (b + 0.05);
    }""", root.element_handle())
    assert text_vs_bg >= 4.5
    if scheme == "dark":
        save_screenshot(root, "global-view-export-dark")
    assert attempted == [] and dialogs == [] and errors == []
    page.context.close()
