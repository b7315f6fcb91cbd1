"""Issue 11, items 7-9: a stated upper bound on num_samples, checked before allocating,
long texts built batch by batch, progress in every modality, and a warning before
segmenting a very large image.

Memory is measured for real with tracemalloc (numpy reports its allocations to it)
under a small budget.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from functools import partial

import numpy as np
import pytest
from helpers import grid_segments, tiny_image
from sklearn.datasets import load_wine

from lime_widget.core import memory, predict, segmentation, text_sampling
from lime_widget.core.memory import NumSamplesTooLarge, memory_budget
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

BUDGET = 48 << 20


def traced_peak(fn):
    """``(result or exception, peak bytes above the start)`` of ``fn()``."""
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - returned for the caller to check
            result = exc
        return result, tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()


def two_classes(rows):
    """Row by row (the answer never depends on the batch): a wavy function of the row's sum."""
    x = np.asarray(rows, dtype=float).reshape(len(rows), -1)
    p = 0.5 + 0.4 * np.sin(x.sum(axis=1) / 100.0)
    return np.stack([1 - p, p], axis=1)


def word_share(docs):
    p = np.array([min(len(d) / 4000.0, 1.0) for d in docs])
    return np.stack([1 - p, p], axis=1)


WINE = load_wine().data


def tabular(num_samples, discretize=True):
    explainer = LimeTabularExplainer(WINE, discretize_continuous=discretize, random_state=0)
    return explainer.explain_instance(WINE[0], two_classes, num_samples=num_samples, num_features=3)


DOC = " ".join(f"w{i % 300}" for i in range(900))


def text(num_samples):
    return LimeTextExplainer(random_state=0).explain_instance(DOC, word_share, num_samples=num_samples,
                                                             num_features=3)


def image(num_samples):
    return LimeImageExplainer(random_state=0).explain_instance(
        tiny_image(), two_classes, num_samples=num_samples, segmentation_fn=grid_segments, progress_bar=False,
        top_labels=1)


def stated_bound(run):
    """The upper bound the error for an impossible num_samples states."""
    error, _ = traced_peak(partial(run, 10**9))
    assert isinstance(error, NumSamplesTooLarge), error
    found = re.search(r"upper bound here is num_samples <= ([\d,]+)", str(error))
    assert found, str(error)
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("run", [tabular, partial(tabular, discretize=False), text, image],
                         ids=["tabular", "tabular-continuous", "text", "image"])
def test_the_stated_bound_holds_and_is_checked_before_allocating(run):
    with memory_budget(BUDGET):
        limit = stated_bound(run)
        assert 1000 < limit < 200_000
        error, peak = traced_peak(partial(run, limit + 1))
        assert isinstance(error, NumSamplesTooLarge), error
        assert f"num_samples={limit + 1:,} is too large" in str(error)
        assert peak < 1 << 20  # refused before allocating the neighbourhood
        exp, peak = traced_peak(partial(run, limit))
        assert not isinstance(exp, Exception), exp
        assert exp.neighborhood.num_samples == limit
        # a real measurement: the stated bound keeps the call within the budget
        assert peak <= BUDGET, f"{peak / 2**20:.1f} MiB used under a {BUDGET / 2**20:.0f} MiB bound"


def test_a_huge_num_samples_is_a_clear_error_with_the_default_budget():
    for run in (tabular, text, image):
        error, peak = traced_peak(partial(run, 10**12))
        assert isinstance(error, NumSamplesTooLarge) and isinstance(error, ValueError)
        assert "num_samples=1,000,000,000,000 is too large" in str(error)
        assert "half the memory available now" in str(error)
        assert peak < 1 << 20


def test_the_budget_can_be_set_and_is_validated(monkeypatch):
    with pytest.raises(ValueError, match="positive number of bytes"):
        memory.set_memory_budget(-5)
    monkeypatch.setenv("LIME_WIDGET_MEMORY_BUDGET", str(1 << 20))
    assert memory.current_budget() == 1 << 20
    with pytest.raises(NumSamplesTooLarge, match="upper bound here is num_samples <= "):
        tabular(5000)
    with memory_budget(64 << 20):
        assert tabular(5000).neighborhood.num_samples == 5000
    monkeypatch.delenv("LIME_WIDGET_MEMORY_BUDGET")
    available = memory.available_memory()
    assert available is not None and available > 0
    assert memory.current_budget() == pytest.approx(available * memory.BUDGET_FRACTION, rel=0.2)


# -- long texts -----------------------------------------------------------------------------

def test_long_documents_are_built_batch_by_batch(monkeypatch):
    monkeypatch.setattr(text_sampling, "_CHARS_PER_BATCH", 1 << 20)
    doc = " ".join(f"w{i % 2000}" for i in range(40_000))  # ~ 230,000 characters
    sizes = []

    def model(docs):
        sizes.append(sum(map(len, docs)))
        return word_share(docs)

    explainer = LimeTextExplainer(random_state=0)
    exp, peak = traced_peak(lambda: explainer.explain_instance(doc, model, num_samples=300, num_features=3))
    assert len(sizes) > 30 and max(sizes) <= 1 << 20
    one_call, one_call_peak = traced_peak(
        lambda: explainer.explain_instance(doc, word_share, num_samples=300, num_features=3, batch_size=300))
    assert exp.as_list() == one_call.as_list()
    # 300 documents at once hold ~35 MB of strings; batch by batch at most 1 MiB of them exists
    assert peak + (20 << 20) < one_call_peak, f"{peak / 2**20:.1f} vs {one_call_peak / 2**20:.1f} MiB"
    # a short document still goes in one call, as lime
    calls = []
    explainer.explain_instance(DOC, lambda d: calls.append(len(d)) or word_share(d), num_samples=200)
    assert calls == [200]


# -- progress -------------------------------------------------------------------------------

def slow(fn, seconds_per_row):
    def model(rows):
        time.sleep(seconds_per_row * len(rows))
        return fn(rows)
    return model


@pytest.mark.parametrize("modality", ["tabular", "text"])
def test_progress_moves_in_steps_with_a_slow_model(monkeypatch, modality):
    monkeypatch.setattr(predict, "_BATCH_SECONDS", 0.05)
    seen = []
    if modality == "tabular":
        explainer = LimeTabularExplainer(WINE, random_state=0)
        exp = explainer.explain_instance(WINE[0], slow(two_classes, 1e-4), num_samples=3000, progress=seen.append)
        reference = explainer.explain_instance(WINE[0], two_classes, num_samples=3000)
    else:
        explainer = LimeTextExplainer(random_state=0)
        exp = explainer.explain_instance(DOC, slow(word_share, 1e-4), num_samples=3000, progress=seen.append)
        reference = explainer.explain_instance(DOC, word_share, num_samples=3000)
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == 1.0 and seen[0] <= 0.1
    assert exp.as_list() == reference.as_list()  # batching changes nothing


def test_a_fast_model_is_called_twice_when_progress_is_asked(monkeypatch):
    # "fast" is decided by the clock; a generous batch time keeps a loaded machine from splitting the rest
    monkeypatch.setattr(predict, "_BATCH_SECONDS", 3600.0)
    calls = []
    LimeTabularExplainer(WINE, random_state=0).explain_instance(
        WINE[0], lambda rows: calls.append(len(rows)) or two_classes(rows), num_samples=5000, progress=lambda f: None)
    assert calls == [250, 4750]


def test_progress_can_stop_the_work_between_batches(monkeypatch):
    monkeypatch.setattr(predict, "_BATCH_SECONDS", 0.02)
    rows = []

    class Stop(Exception):
        pass

    def progress(fraction):
        if fraction > 0.2:
            raise Stop()

    model = slow(lambda r: rows.append(len(r)) or two_classes(r), 2e-5)
    with pytest.raises(Stop):
        LimeTabularExplainer(WINE, random_state=0).explain_instance(WINE[0], model, num_samples=20000,
                                                                     progress=progress)
    assert sum(rows) < 20000 * 0.5


# -- very large images ----------------------------------------------------------------------

def test_a_very_large_image_warns_before_the_default_segmentation(monkeypatch):
    monkeypatch.setattr(segmentation, "LARGE_IMAGE_PIXELS", 20 * 20)
    order = []
    original = segmentation.default_segmentation

    def traced(seed):
        order.append("segment")
        return original(seed)

    monkeypatch.setattr("lime_widget.core.image.default_segmentation", traced)
    explainer = LimeImageExplainer(random_state=0)
    with pytest.warns(segmentation.SlowSegmentationWarning) as record:
        order.append("start")
        exp = explainer.explain_instance(tiny_image(), two_classes, num_samples=50, progress_bar=False)
    message = str(record[0].message)
    assert "24 x 32 pixels" in message and "skimage.transform.resize(image, (17, 23)" in message
    assert "SegmentationAlgorithm('slic'" in message
    assert exp.warnings[0] == message
    # a segmentation passed in, or an image under the limit, is not warned about
    with warnings_as_errors():
        explainer.explain_instance(tiny_image(), two_classes, num_samples=50, progress_bar=False,
                                   segmentation_fn=grid_segments)
    monkeypatch.setattr(segmentation, "LARGE_IMAGE_PIXELS", 1 << 20)
    with warnings_as_errors():
        quiet = explainer.explain_instance(tiny_image(), two_classes, num_samples=50, progress_bar=False)
    assert not any("megapixels" in w for w in quiet.warnings)


def warnings_as_errors():
    import warnings

    manager = warnings.catch_warnings()
    manager.__enter__()
    warnings.simplefilter("error", segmentation.SlowSegmentationWarning)

    class Exit:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            manager.__exit__(*exc)
            return False

    return Exit()


@pytest.mark.parametrize("max_variants", [1 << 6, 1 << 9, 1 << 12])
def test_smaller_variant_groups_build_the_same_documents(monkeypatch, max_variants):
    from lime_widget.core import text_index

    doc = " ".join(f"w{i % 37}" for i in range(200)) + " end."
    rng = np.random.RandomState(0)
    for bow in (True, False):
        active = rng.rand(40, text_index.IndexedString(doc, bow=bow).num_words()) < 0.5
        expected = text_index.IndexedString(doc, bow=bow).perturb(active)
        monkeypatch.setattr(text_index, "_MAX_VARIANTS", max_variants)
        small = text_index.IndexedString(doc, bow=bow)
        assert small.perturb(active) == expected
        assert small._variants()[0].size <= max(max_variants, 2 * len(small._word_pieces))
        monkeypatch.undo()
