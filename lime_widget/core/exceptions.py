"""Errors that lime code can catch as ``LimeError`` and plain Python code as usual.

lime 0.2.0.1 raises ``lime.exceptions.LimeError`` for an unknown explanation mode
and ``KeyError`` for a label that was not explained. Our errors for those cases
derive from both :class:`LimeError` and the standard type (``ValueError``,
``KeyError``), so ``except LimeError`` and ``except ValueError`` both catch them.
"""


class LimeError(Exception):
    """Base of the errors lime code catches as ``lime.exceptions.LimeError``."""


class InvalidModeError(LimeError, ValueError):
    """``mode`` is neither ``'classification'`` nor ``'regression'``."""


class LabelNotExplainedError(LimeError, KeyError):
    """An explanation was asked about a label it has no fit for."""

    def __str__(self) -> str:
        # KeyError quotes its argument (repr); a sentence reads better unquoted
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class ModelOutputError(ValueError):
    """``predict_fn``'s outputs have a shape or kind that is wrong for any input.

    Class labels instead of probabilities, one column, logits, a wrong number of
    classes or of rows, ``labels`` that are not classes of the model. Not NaN: a
    model may return NaN for some inputs only.
    ``explain_many`` stops at the first one, since every row would fail the same way.
    """
