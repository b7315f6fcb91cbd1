"""ErrorReview in JupyterLab: arrow keys through the mistakes, a confusion-matrix filter, a tag.

The real stack (JupyterLab 4, ipykernel, anywidget, the built review bundle) in Debian's
chromium; the tag and the note typed in the browser are read back from the kernel by
re-running a probe cell.
"""

from __future__ import annotations

import json
import time

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import Page, expect

from .conftest import run_notebook, save_screenshot

NAME = "review"
REVIEW = '''
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from lime_widget import ErrorReview

X, y = load_iris(return_X_y=True)
model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)  # 9 mistakes: 7 versicolor called virginica, 2 the other way
review = ErrorReview(model, X, y, class_names=["setosa", "versicolor", "virginica"], num_samples=500)
review
'''
PROBE = '''
import json
print("LW_REVIEW=" + json.dumps({"position": review.position, "row": int(review.current_row),
                                 "queue": [int(i) for i in review.queue], "cell": review.cell,
                                 "annotations": review.annotations.astype(str).to_dict("records")}))
'''


def write_notebook(folder) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [new_code_cell(REVIEW.strip()), new_code_cell(PROBE.strip())]
    nbformat.write(nb, folder / f"{NAME}.ipynb")


def open_review(page: Page, lab: dict):
    write_notebook(lab["root"] / "nb")
    run_notebook(page, lab, NAME, viewport=(1400, 1100))
    review = page.locator(".jp-CodeCell").nth(0).locator('[data-testid="lw-review"]')
    expect(review).to_be_visible(timeout=30_000)
    return review


def kernel_state(page: Page, expected: str) -> dict:
    """Re-run the probe cell until its output contains ``expected``; parse what the kernel printed."""
    cell = page.locator(".jp-CodeCell").nth(1)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")  # run in place
    output = cell.locator(".jp-OutputArea-output")
    expect(output).to_contain_text(expected, timeout=30_000)
    text = output.last.inner_text()
    return json.loads(text.split("LW_REVIEW=", 1)[1].strip().splitlines()[0])


def shown(review, position: int, settle: float = 0.4, timeout: float = 30.0) -> str:
    """The row id once Python shows the row at ``position`` with its explanation.

    Position, status and id are read together, and must hold still for ``settle``
    seconds: right after fast key presses the page can still show an earlier visit
    of the same position while Python's answers to the intermediate presses are in
    flight.
    """
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        state = review.evaluate("e => [e.dataset.rowPosition, e.dataset.rowStatus, e.dataset.rowId]")
        if state[:2] == [str(position), "ready"]:
            if state == last:
                return state[2]
            last = state
        else:
            last = None
        time.sleep(settle)
    raise AssertionError(f"row at position {position} not shown within {timeout} s (last state {state})")


def test_review_steps_filters_and_tags(page: Page, lab: dict):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    review = open_review(page, lab)
    counter = review.locator('[data-testid="lw-review-counter"]')
    expect(counter).to_have_text("1 of 9")
    first = shown(review, 0)
    # the explanation is the regular view (same bars) inside the review
    expect(review.locator('[data-testid="lw-review-explanation"] [data-testid="lw-bar"]').first).to_be_visible()
    save_screenshot(review, "review-first-row")

    # arrow keys step through the mistakes (focus the review, not a cell of the notebook)
    counter.click()
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("2 of 9")
    second = shown(review, 1)
    assert second != first
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("3 of 9")
    page.keyboard.press("ArrowLeft")
    expect(counter).to_have_text("2 of 9")
    assert shown(review, 1) == second

    # a confusion-matrix cell filters the queue: true virginica, predicted versicolor
    cell = review.locator('[data-testid="lw-confusion-cell"][data-true="2"][data-pred="1"]')
    expect(cell).to_have_text("2")
    cell.click()
    expect(cell).to_have_attribute("aria-pressed", "true")
    expect(counter).to_have_text("1 of 2")
    in_cell = shown(review, 0)
    expect(review.locator('[data-testid="lw-review-filter"]')).to_contain_text("true virginica")
    page.keyboard.press("ArrowRight")  # focus is on the cell, inside the review
    expect(counter).to_have_text("2 of 2")
    tagged = int(shown(review, 1))
    assert tagged != int(in_cell)
    expect(review.locator('[data-testid="lw-review-true"]')).to_contain_text("virginica")
    expect(review.locator('[data-testid="lw-review-pred"]')).to_contain_text("versicolor")

    # tag the row and note it; both are stored in the kernel
    tag = review.locator('[data-testid="lw-review-tag"][data-tag="label noise"]')
    tag.click()
    expect(tag).to_have_attribute("aria-pressed", "true")
    note = review.locator('[data-testid="lw-review-note"]')
    note.fill("petals overlap with versicolor")
    note.blur()
    expect(review.locator('[data-testid="lw-review-annotated"]')).to_have_text("1 row annotated")
    save_screenshot(review, "review-tagged")

    state = kernel_state(page, "label noise")
    assert state["cell"] == [2, 1] and state["position"] == 1 and state["row"] == tagged
    assert len(state["queue"]) == 2
    assert state["annotations"] == [{
        "row_id": str(tagged), "true": "virginica", "predicted": "versicolor",
        "confidence": state["annotations"][0]["confidence"], "tag": "label noise",
        "note": "petals overlap with versicolor"}]
    assert 0.5 < float(state["annotations"][0]["confidence"]) < 1
    assert dialogs == []
