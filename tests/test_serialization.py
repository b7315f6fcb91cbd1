"""The wire format (lime_widget/widget/serialization.py): one image converter, one buffer shape."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import grid_segments, tiny_image

from lime_widget import ErrorReview
from lime_widget.core.image import prepare_image
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.review.data import ReviewData
from lime_widget.widget import serialization
from lime_widget.widget.serialization import array_buffer, base64_buffer, to_rgb_uint8

WAIT = 60


def pixels_of(image: np.ndarray) -> list:
    """The first row of the converted image, channel 0 of each pixel."""
    rgb = to_rgb_uint8(image)
    assert rgb.dtype == np.uint8 and rgb.shape == np.shape(image)[:2] + (3,)
    return rgb[0, :, 0].tolist()


def row(*values: float, dtype: type = float) -> np.ndarray:
    """A 1 x n RGB image whose three channels hold ``values``."""
    return np.repeat(np.array(values, dtype=dtype)[None, :, None], 3, axis=2)


@pytest.mark.parametrize("image, expected", [
    (row(0.0, 0.5, 1.0), [0, 128, 255]),  # [0, 1] floats scale by 255 (127.5 rounds to even)
    (row(0.0, 0.2, 1.0, dtype=np.float32), [0, 51, 255]),
    (row(-1.0, 0.0, 1.0), [0, 128, 255]),  # signed floats: -1 is black, 1 is white
    (row(-0.5, 0.5), [64, 191]),  # ... on the fixed [-1, 1] scale, not stretched to their own range
    (row(0.0, 12.4, 254.6, 255.0), [0, 12, 255, 255]),  # [0, 255] floats kept
    (row(-1.0, 3.0), [0, 255]),  # outside both: stretched from min to max
    (row(300.0, 300.0), [255, 255]),  # a constant above 255 is white, not black
    (row(-5.0, -5.0), [0, 0]),
    (row(0, 7, 200, dtype=np.uint16), [0, 7, 200]),  # integers in [0, 255] kept
    (row(0, 1000, 65535, dtype=np.uint16), [0, 4, 255]),  # beyond 255: stretched
    (row(0, 1, dtype=np.int64), [0, 1]),  # integer 1 is not a [0, 1] float
    (row(False, True, dtype=bool), [0, 255]),
    (row(3, 250, dtype=np.uint8), [3, 250]),
])
def test_one_converter_gives_the_right_pixels(image, expected):
    assert pixels_of(image) == expected


def test_channels_greyscale_and_rgba():
    grey = np.array([[0.0, 0.5], [1.0, 0.25]])
    for image in (grey, grey[:, :, None]):
        rgb = to_rgb_uint8(image)
        assert rgb.shape == (2, 2, 3)
        np.testing.assert_array_equal(rgb, np.repeat(np.array([[0, 128], [255, 64]], np.uint8)[:, :, None], 3, axis=2))
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[..., :3] = [10, 20, 30]
    rgba[..., 3] = 255
    np.testing.assert_array_equal(to_rgb_uint8(rgba), np.broadcast_to([10, 20, 30], (2, 2, 3)))
    float_rgba = np.dstack([np.full((2, 2, 3), 0.5), np.ones((2, 2))])
    np.testing.assert_array_equal(to_rgb_uint8(float_rgba), np.full((2, 2, 3), 128))
    two = np.dstack([np.full((2, 2), 40, np.uint8), np.full((2, 2), 90, np.uint8)])
    np.testing.assert_array_equal(to_rgb_uint8(two), np.full((2, 2, 3), 40))  # first channel, in grey


def test_converter_refuses_what_it_cannot_show():
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_rgb_uint8(np.array([[[0.0, np.nan, 1.0]]]))
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2, 3\)"):
        to_rgb_uint8(np.zeros((2, 2, 2, 3)))


def test_array_buffer_is_flat_little_endian_bytes():
    ids = np.arange(6, dtype=">i4").reshape(2, 3)  # big-endian in, little-endian out
    buffer = array_buffer(ids)
    assert buffer["dtype"] == "int32" and buffer["shape"] == [2, 3] and isinstance(buffer["data"], memoryview)
    np.testing.assert_array_equal(np.frombuffer(bytes(buffer["data"]), "<i4").reshape(2, 3), np.arange(6).reshape(2, 3))
    encoded = base64_buffer(buffer)
    assert encoded["dtype"] == "int32" and encoded["shape"] == [2, 3] and json.dumps(encoded)
    assert base64_buffer({}) == {}


def explain(image: np.ndarray):
    return LimeImageExplainer(random_state=0).explain_instance(
        image, lambda batch: np.tile([0.3, 0.7], (len(batch), 1)), num_samples=20,
        segmentation_fn=grid_segments, progress_bar=False)


@pytest.mark.parametrize("image", [
    tiny_image() / 127.5 - 1.0,  # a signed float image (preprocessed for a model)
    np.full((24, 32, 3), 300.0),  # a constant beyond 255
    (tiny_image() * 100).astype(np.uint16),
], ids=["float_signed", "constant_300", "uint16"])
def test_row_card_and_explanation_view_show_the_same_pixels(image):
    card = ReviewData(image[None]).pixels(0)
    view, segments = serialization.image_buffers(explain(image))
    assert card["shape"] == view["shape"] == [24, 32, 3] and card["dtype"] == view["dtype"] == "uint8"
    assert bytes(card["data"]) == bytes(view["data"]) == to_rgb_uint8(prepare_image(image)).tobytes()
    assert segments["dtype"] == "int32"


def test_error_review_row_card_matches_its_explanation_view():
    base = tiny_image() / 127.5 - 1.0
    images = np.stack([base, base[:, ::-1]])

    def model(batch):
        red = np.clip((np.asarray(batch)[..., 0].mean(axis=(1, 2)) + 1) / 2, 0, 1)
        return np.stack([1 - red, red], axis=1)

    r = ErrorReview(model, images, 1 - model(images).argmax(axis=1), num_samples=40, prefetch=False,
                    explain_kwargs={"segmentation_fn": grid_segments, "hide_color": 0})
    try:
        assert r.wait(WAIT) and r.row_status == "ready"
        assert bytes(r.row_image["data"]) == bytes(r.image["data"])
        expected = to_rgb_uint8(images[r.current_row])
        assert bytes(r.image["data"]) == expected.tobytes()
        assert expected[0, 0].tolist() == [220, 30, 30]  # the original colours come back
    finally:
        r.close()


def test_jsonable_numbers():
    assert serialization.jsonable(np.float32(0.5)) == 0.5 and type(serialization.jsonable(np.float32(0.5))) is float
    assert serialization.jsonable(np.nan) is None and serialization.jsonable(float("inf")) is None
    assert serialization.jsonable(np.int64(3)) == 3 and type(serialization.jsonable(np.int64(3))) is int
    assert serialization.jsonable("cat") == "cat"


def test_core_loads_no_widget_code_and_holds_no_wire_format():
    import ast
    import subprocess
    import sys
    from pathlib import Path

    core = Path(__file__).resolve().parents[1] / "lime_widget" / "core"
    for path in sorted(core.glob("*.py")):
        source = path.read_text(encoding="utf8")
        assert "memoryview(" not in source and "b64encode(" not in source, path.name
        for node in ast.parse(source).body:  # module level: what importing the file runs
            if isinstance(node, ast.ImportFrom):
                assert "widget" not in (node.module or ""), f"{path.name}: {ast.unparse(node)}"
    code = ("import sys, lime_widget.core.explanation, lime_widget.core.image, lime_widget.core.tabular, "
            "lime_widget.core.text; print(sorted(m for m in sys.modules if m.startswith('lime_widget.widget')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
