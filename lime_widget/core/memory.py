"""An upper bound on ``num_samples``: what one neighbourhood row costs, against the memory available.

A neighbourhood keeps a few arrays with one row per sample (draws, model rows,
interpretable rows, the centred design, distances, weights, model outputs), so its
memory grows linearly with ``num_samples``. Explainers check the request against a
budget *before* allocating anything, so a typo such as ``num_samples=10**12`` is a
clear error instead of a bare ``MemoryError`` or a kernel killed by the OOM killer.

The budget is half the memory available when the call starts (``MemAvailable``,
or the cgroup's limit when that is smaller; read at most every
``_AVAILABLE_REFRESH`` seconds, so that explaining thousands of rows does not read
``/proc`` thousands of times), unless set with
:func:`set_memory_budget` or the ``LIME_WIDGET_MEMORY_BUDGET`` environment variable
(bytes).
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Iterator, Optional

from .validation import check_integer

#: share of the available memory one explanation may use
BUDGET_FRACTION = 0.5
_GIB = float(1 << 30)

# Bytes per neighbourhood row, per interpretable feature and per row, as measured
# with tracemalloc (peak over the call, model outputs included) plus a margin:
# tabular about 52 per feature, text 9-20 per word, images 24 per superpixel.
TABULAR_BYTES = (64, 256)
TEXT_BYTES = (24, 256)
IMAGE_BYTES = (32, 256)

_budget: Optional[int] = None
_AVAILABLE_REFRESH = 0.5
_available: tuple = (-float("inf"), None)  # (time.monotonic() when read, bytes)


class NumSamplesTooLarge(ValueError):
    """``num_samples`` would need more memory than the budget allows."""


def set_memory_budget(nbytes: Optional[int]) -> None:
    """Set the memory one explanation may use, in bytes; ``None`` restores the default.

    The default is half of the memory available at the start of each call.
    """
    global _budget
    _budget = None if nbytes is None else check_integer("nbytes", nbytes, expected="a positive number of bytes or None")


@contextlib.contextmanager
def memory_budget(nbytes: Optional[int]) -> Iterator[None]:
    """``with memory_budget(nbytes): ...`` sets the budget for the block only."""
    global _budget
    saved = _budget
    set_memory_budget(nbytes)
    try:
        yield
    finally:
        _budget = saved


def _read_int(path: str) -> Optional[int]:
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_memory() -> Optional[int]:
    """Bytes this process can still allocate without swapping, or ``None`` when unknown."""
    found = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    limit, used = _read_int("/sys/fs/cgroup/memory.max"), _read_int("/sys/fs/cgroup/memory.current")
    if limit is not None and used is not None:
        found.append(max(limit - used, 0))
    if not found and hasattr(os, "sysconf"):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError):
            pass
    return min(found) if found else None


def current_budget() -> Optional[int]:
    """The bytes one explanation may use now (``None``: unknown, no bound)."""
    if _budget is not None:
        return _budget
    env = os.environ.get("LIME_WIDGET_MEMORY_BUDGET", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    global _available
    read_at, available = _available
    now = time.monotonic()
    if now - read_at > _AVAILABLE_REFRESH:
        available = available_memory()
        _available = (now, available)
    return None if available is None else int(available * BUDGET_FRACTION)


def bytes_per_sample(n_features: int, costs: tuple[int, int]) -> int:
    """Bytes one neighbourhood row costs with ``n_features`` interpretable features.

    The surrogate's largest matrix is ``features x features`` or, with more features
    than samples, ``samples x samples``; either is at most 8 bytes per feature and
    sample, which the per-feature cost includes.
    """
    per_feature, per_row = costs
    return per_feature * max(int(n_features), 1) + per_row


def max_num_samples(n_features: int, costs: tuple[int, int], budget: Optional[int] = None,
                    fixed: int = 0) -> Optional[int]:
    """The largest ``num_samples`` the budget allows (``None``: no bound known).

    ``fixed`` is memory that does not grow with ``num_samples`` (one batch of model
    inputs).
    """
    budget = current_budget() if budget is None else budget
    if budget is None:
        return None
    return max((budget - fixed) // bytes_per_sample(n_features, costs), 2)


def check_sample_memory(num_samples: int, n_features: int, costs: tuple[int, int], what: str,
                      fixed: int = 0) -> None:
    """Raise :class:`NumSamplesTooLarge` when ``num_samples`` rows would not fit the budget.

    Parameters
    ----------
    num_samples : int
    n_features : int
        Interpretable features of one row.
    costs : (int, int)
        Bytes per feature and per row (``TABULAR_BYTES``, ``TEXT_BYTES``, ``IMAGE_BYTES``).
    what : str
        What a row is, for the message (e.g. ``"rows of 13 features"``).
    fixed : int
        Bytes that do not grow with ``num_samples`` (one batch of model inputs).
    """
    budget = current_budget()
    limit = max_num_samples(n_features, costs, budget, fixed)
    if limit is None or num_samples <= limit:
        return
    per_row = bytes_per_sample(n_features, costs) + fixed / max(num_samples, 1)
    source = "set with set_memory_budget" if _budget is not None else "half the memory available now"
    raise NumSamplesTooLarge(
        f"num_samples={num_samples:,} is too large: {what} take about {per_row:,.0f} bytes per sample, so the "
        f"neighbourhood would need about {num_samples * per_row / _GIB:,.1f} GiB, more than the "
        f"{budget / _GIB:,.2f} GiB budget ({source}). The upper bound here is num_samples <= {limit:,}. "
        "Use fewer samples (lime's defaults: 5000, 1000 for images), or change the budget with "
        "lime_widget.core.memory.set_memory_budget(nbytes)."
    )
