"""Calling functions with stored keyword arguments, as lime's scikit-image wrappers do.

:func:`has_arg` and :class:`BaseWrapper` behave like ``lime.utils.generic_utils.has_arg``
and ``lime.wrappers.scikit_image.BaseWrapper`` (lime 0.2.0.1), which user code subclasses
to wrap its own segmentation functions.
"""

from __future__ import annotations

import inspect
import types
from typing import Any, Callable, Iterable, Optional

_KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def has_arg(fn: Callable[..., Any], arg_name: Optional[str]) -> bool:
    """Whether ``fn`` takes a parameter called ``arg_name`` that can be passed by keyword.

    Parameters
    ----------
    fn : callable
        A function, method, or an object with ``__call__`` (a class instance, a
        builtin whose signature ``inspect`` cannot read directly).
    arg_name : str or None

    Returns
    -------
    bool
        False for ``*args``/``**kwargs`` catch-alls and positional-only
        parameters, as in lime.

    Raises
    ------
    TypeError
        ``fn`` is not callable.
    """
    try:
        signature = inspect.signature(fn)
    except ValueError:  # builtins and extension types: their __call__ may be readable
        signature = inspect.signature(fn.__call__)
    parameter = signature.parameters.get(arg_name)
    return parameter is not None and parameter.kind in _KEYWORD_KINDS


class BaseWrapper:
    """A function (``target_fn``) with keyword arguments kept for later calls.

    Parameters
    ----------
    target_fn : callable, optional
        The wrapped function or callable object; ``None`` when a subclass is
        itself the callable (it defines ``__call__``).
    **target_params
        Keyword arguments for ``target_fn``.

    Attributes
    ----------
    target_fn : callable or None
    target_params : dict
    """

    def __init__(self, target_fn: Optional[Callable[..., Any]] = None, **target_params: Any):
        self.target_fn = target_fn
        self.target_params = target_params

    def _checked_function(self) -> Callable[..., Any]:
        """The callable whose signature parameters are checked against."""
        if self.target_fn is None:
            if callable(self):
                return self.__call__
            raise TypeError("BaseWrapper has no target_fn and is not callable itself; pass a function as target_fn.")
        if isinstance(self.target_fn, (types.FunctionType, types.MethodType)):
            return self.target_fn
        # lime's rule: other objects are checked through their __call__ (AttributeError without one)
        return self.target_fn.__call__

    def _check_params(self, parameters: Iterable[str]) -> None:
        """Check that every name in ``parameters`` is a keyword argument of the target.

        Parameters
        ----------
        parameters : dict or sequence of str
            Parameter names (a dict's keys).

        Raises
        ------
        ValueError
            A name the target function does not take.
        TypeError
            ``parameters`` is a string or not iterable, or there is no callable target.
        AttributeError
            ``target_fn`` is neither a function nor an object with ``__call__``.
        """
        fn = self._checked_function()
        if isinstance(parameters, str):
            raise TypeError(f"parameters must be a dict or a list of names, got the string {parameters!r}.")
        for name in parameters:
            if not has_arg(fn, name):
                raise ValueError(f"{name} is not a valid parameter of {getattr(fn, '__name__', fn)!r}.")

    def set_params(self, **params: Any) -> None:
        """Replace the stored keyword arguments after checking them (ValueError for unknown names)."""
        self._check_params(params)
        self.target_params = params

    def filter_params(self, fn: Callable[..., Any], override: Optional[dict] = None) -> dict:
        """The stored keyword arguments that ``fn`` takes, updated with ``override``."""
        result = {name: value for name, value in self.target_params.items() if has_arg(fn, name)}
        result.update(override or {})
        return result
