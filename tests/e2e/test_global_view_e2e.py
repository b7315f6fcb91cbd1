"""GlobalView in JupyterLab: the strips render on a canvas, a real mouse click on a dot opens
that row's explanation (its refit control works), and the keyboard opens another row.

The kernel is probed afterwards: the opened row is the one the browser aimed at, and the
model was not called after ``explain_many``.
"""

from __future__ import annotations

import json
import re

import nbformat
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
