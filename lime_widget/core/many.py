"""Explaining many instances at once, through joblib.

Each instance is explained independently, so the work parallelises with joblib;
``joblib.parallel_config(backend="dask")`` (or ``"ray"``) runs the same code on a
cluster. With an integer ``random_state`` every result is the one a single call
would give, whatever the backend or the number of jobs.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from joblib import Parallel, delayed


def explain_many(
    explainer: Any,
    instances: Sequence[Any],
    predict_fn: Callable[[Any], Any],
    n_jobs: Optional[int] = None,
    **explain_kwargs: Any,
) -> list:
    """``explainer.explain_instance(instance, predict_fn, **explain_kwargs)`` for each instance.

    Parameters
    ----------
    explainer : LimeTabularExplainer, LimeTextExplainer or LimeImageExplainer
    instances : sequence
        Rows (array rows, a DataFrame's rows via ``df.iloc``), strings or images.
    predict_fn : callable
    n_jobs : int, optional
        joblib's ``n_jobs``; ``None`` runs sequentially unless a
        ``joblib.parallel_config`` says otherwise.
    **explain_kwargs
        Passed to ``explain_instance``.

    Returns
    -------
    list of Explanation
        In the order of ``instances``.
    """
    return Parallel(n_jobs=n_jobs)(
        delayed(explainer.explain_instance)(instance, predict_fn, **explain_kwargs) for instance in instances
    )
