"""Headless demo HTML: explanation widgets rendered from a notebook's saved widget state."""

from __future__ import annotations

import base64
import html as html_lib
import importlib.util
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers
from nbformat.v4 import new_code_cell, new_notebook, new_output

from lime_widget import ExplanationWidget
from lime_widget.export import widget_state_html

ROOT = Path(__file__).resolve().parent.parent


def saved_state(widget) -> dict:
    """What nbclient's store_widget_state writes for a widget: state without buffers + base64 buffers."""
    state, paths, buffers = _remove_buffers(widget.get_state())
    return {"model_name": "AnyModel", "model_module": "anywidget", "state": state,
            "buffers": [{"path": path, "encoding": "base64", "data": base64.b64encode(bytes(buf)).decode()}
                        for path, buf in zip(paths, buffers)]}


def lw_state(page: str) -> dict:
    text = re.search(r'<script type="application/json" id="lw-state">(.*?)</script>', page, re.S).group(1)
    return json.loads(text)


def load_runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_saved_widget_state_becomes_a_standalone_page(image_exp):
    exp, _ = image_exp
    widget = ExplanationWidget(exp)
    widget.num_features = 3
    saved = saved_state(widget)
    assert sorted(tuple(b["path"]) for b in saved["buffers"]) == [("image", "data"), ("segments", "data")]
    page = widget_state_html(saved["state"], saved["buffers"])
    traits = lw_state(page)["traits"]
    assert traits["explanation"] == widget.explanation
    assert traits["num_features"] == 3 and traits["offline"] is True and traits["status"] == "idle"
    assert not any(name.startswith("_") or name in ("layout", "tabbable", "tooltip") for name in traits)
    pixels = np.frombuffer(base64.b64decode(traits["image"]["data_b64"]), dtype=np.uint8)
    np.testing.assert_array_equal(pixels.reshape(traits["image"]["shape"]), exp.image)
    assert "data" not in traits["image"]


def test_a_state_without_an_explanation_is_refused():
    with pytest.raises(ValueError, match="no explanation"):
        widget_state_html({"explanation": {}, "num_features": 3})


def test_the_runner_inlines_only_explanation_widgets(wine_exp):
    widget = ExplanationWidget(wine_exp[0])
    nb = new_notebook()
    explanation_view = {"model_id": widget.model_id, "version_major": 2, "version_minor": 0}
    other_view = {"model_id": "other", "version_major": 2, "version_minor": 0}
    nb.cells = [new_code_cell("exp", outputs=[new_output(
        "execute_result", data={"text/plain": "<ExplanationWidget>",
                                "application/vnd.jupyter.widget-view+json": explanation_view},
        execution_count=1)]),
                new_code_cell("slider", outputs=[new_output(
                    "display_data", data={"text/plain": "IntSlider",
                                          "application/vnd.jupyter.widget-view+json": other_view})])]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0,
                              "state": {widget.model_id: saved_state(widget),
                                        "other": {"model_name": "IntSliderModel", "state": {"value": 3}}}}}
    nbformat.validate(nb)
    assert load_runner().inline_explanation_widgets(nb) == 1
    first, second = (cell.outputs[0]["data"] for cell in nb.cells)
    assert set(first) == {"text/html", "text/plain"}
    srcdoc = html_lib.unescape(re.search(r'srcdoc="(.*?)"', first["text/html"], re.S).group(1))
    assert lw_state(srcdoc)["traits"]["explanation"] == widget.explanation
    assert "application/vnd.jupyter.widget-view+json" in second  # not ours: left alone
