"""Tags and notes the reviewer attaches to rows, as a DataFrame and as CSV."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator, Optional, Union

import pandas as pd

#: Tags offered as buttons unless the review is given its own.
BUILTIN_TAGS = ("label noise", "model error", "ambiguous")
#: Columns of ``ErrorReview.annotations`` and of the CSV file.
COLUMNS = ("row_id", "true", "predicted", "confidence", "tag", "note")


class Annotations:
    """One tag and one note per row position; rows with neither are not stored."""

    def __init__(self) -> None:
        self._items: dict[int, tuple[str, str]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._items))

    def get(self, index: int) -> tuple[str, str]:
        """``(tag, note)`` of row ``index`` (empty strings when unannotated)."""
        return self._items.get(index, ("", ""))

    def set(self, index: int, tag: Optional[str] = None, note: Optional[str] = None) -> bool:
        """Change the tag and/or the note (``None`` keeps it, ``""`` clears it); ``True`` if anything changed."""
        old_tag, old_note = self.get(index)
        new = (_clean(tag) if tag is not None else old_tag, str(note) if note is not None else old_note)
        if new == (old_tag, old_note):
            return False
        if new == ("", ""):
            self._items.pop(index, None)
        else:
            self._items[index] = new
        return True

    def clear(self) -> None:
        self._items.clear()

    def frame(self, describe: Callable[[int], dict]) -> pd.DataFrame:
        """The annotated rows as a DataFrame with :data:`COLUMNS`, in row order.

        ``describe(index)`` gives the row's ``row_id``, ``true``, ``predicted`` and ``confidence``.
        """
        records = []
        for index in self:
            tag, note = self._items[index]
            records.append({**describe(index), "tag": tag, "note": note})
        return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def read_annotations(source: Union[str, Any, pd.DataFrame]) -> list[tuple[str, str, str]]:
    """``(row id as text, tag, note)`` triples from a CSV path / buffer or a DataFrame."""
    if isinstance(source, pd.DataFrame):
        frame = source.astype(object)
    else:
        # as text: the row id must match whatever it was (int, string, date) without dtype guessing
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    missing = [c for c in ("row_id", "tag", "note") if c not in frame.columns]
    if "row_id" in missing or ("tag" in missing and "note" in missing):
        raise ValueError(f"Annotations need a row_id column and a tag or note column; found {list(frame.columns)}.")
    out = []
    for _, rec in frame.iterrows():
        tag = "" if "tag" not in frame.columns else _text(rec["tag"])
        note = "" if "note" not in frame.columns else _text(rec["note"])
        out.append((_text(rec["row_id"]), tag, note))
    return out


def warn_unmatched(unmatched: list) -> None:
    if unmatched:
        shown = ", ".join(repr(u) for u in unmatched[:5]) + (" ..." if len(unmatched) > 5 else "")
        warnings.warn(f"{len(unmatched)} annotated rows are not in this review and were skipped: {shown}",
                      stacklevel=3)


def _clean(tag: str) -> str:
    return " ".join(str(tag).split())


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
