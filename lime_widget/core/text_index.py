"""Documents as interpretable features: lime's tokenisation, and fast perturbed strings.

:class:`IndexedString` (words) and :class:`IndexedCharacters` (characters) cut a
document into consecutive *pieces*; a piece is either a feature occurrence or
text between features. They keep lime 0.2.0.1's attributes and methods
(``as_list``, ``inverse_vocab``, ``positions``, ``inverse_removing`` ...) and add
:meth:`IndexedText.perturb`, which builds the strings of many perturbed rows at
once instead of one Python join per row.
"""

from __future__ import annotations

import itertools
import re
from typing import Callable, Iterable, Optional, Sequence, Union

import numpy as np

SplitExpression = Union[str, "re.Pattern[str]", Callable[[str], Sequence[str]]]

# Feature occurrences are rendered in groups of this many (a power of two, at most
# 8 so a group's keep/remove pattern is one byte): every group has 2**_GROUP
# precomputed variants, so a perturbed string is the join of n/_GROUP cached
# pieces instead of one piece per word.
_GROUP = 8
# Long documents use smaller groups so the table of variants stays under about this many
# strings (a 100,000-word document with groups of 8 would hold 3.2 million, 280 MB).
_MAX_VARIANTS = 1 << 20


def _group_size(n_occurrences: int) -> int:
    """The largest group (8, 4, 2 or 1 occurrences) whose table stays under ``_MAX_VARIANTS``."""
    for group in (_GROUP, 4, 2):
        if -(-n_occurrences // group) << group <= _MAX_VARIANTS:
            return group
    return 1
# Strings of at most this many characters in total are joined in one go; longer
# neighbourhoods (very long documents) are rendered in chunks to bound memory.
_CHARS_PER_CHUNK = 1 << 24


class IndexedText:
    """A document cut into pieces, some of which are interpretable features.

    Parameters
    ----------
    raw : str
        The document.
    pieces : list of str
        Consecutive pieces of ``raw`` (joined, they give ``raw``).
    is_word : ndarray of bool
        Whether each piece is a feature occurrence.
    bow : bool
        Bag of words: equal pieces share one feature (removing it removes every
        occurrence). Otherwise every occurrence is its own feature.
    mask_string : str
        What replaces a removed occurrence when ``bow`` is False.

    Attributes
    ----------
    as_list : list of str
        The pieces.
    as_np : ndarray of str
        The pieces as a numpy array (lime's attribute).
    string_start : ndarray of int
        Character offset of every piece in ``raw``.
    inverse_vocab : list of str
        The text of every feature.
    positions : list of list of int (bow) or ndarray (positional)
        Piece indices of each feature's occurrences.
    piece_feature : ndarray of int
        Feature id of every piece, ``-1`` for text between features.
    """

    def __init__(self, raw: str, pieces: list[str], is_word: np.ndarray, bow: bool, mask_string: str):
        self.raw = raw
        self.bow = bool(bow)
        self.mask_string = mask_string
        self.as_list = pieces
        self.as_np = np.array(pieces)
        lengths = np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces))
        self.string_start = np.concatenate(([0], np.cumsum(lengths[:-1]))).astype(np.intp)
        word_pieces = np.flatnonzero(is_word)
        self._word_pieces = word_pieces
        if self.bow:
            vocab: dict[str, int] = {}
            ids = np.fromiter((vocab.setdefault(pieces[i], len(vocab)) for i in word_pieces),
                              dtype=np.intp, count=len(word_pieces))
            self.inverse_vocab = list(vocab)
            order = np.argsort(ids, kind="stable")
            bounds = np.cumsum(np.bincount(ids, minlength=len(vocab)))[:-1]
            # lime's shape: a list of lists of ints
            self.positions = [p.tolist() for p in np.split(word_pieces[order], bounds)] if len(vocab) else []
        else:
            ids = np.arange(len(word_pieces), dtype=np.intp)
            self.inverse_vocab = [pieces[i] for i in word_pieces]
            self.positions = word_pieces
        self._occurrence_feature = ids
        self.piece_feature = np.full(len(pieces), -1, dtype=np.intp)
        self.piece_feature[word_pieces] = ids
        self._table: Optional[np.ndarray] = None

    # -- lime's interface ------------------------------------------------------------
    def raw_string(self) -> str:
        """The original document."""
        return self.raw

    def num_words(self) -> int:
        """Number of features (distinct words for bow, occurrences otherwise)."""
        return len(self.inverse_vocab)

    def word(self, id_: int) -> str:
        """The text of feature ``id_``."""
        return self.inverse_vocab[id_]

    def string_position(self, id_: int) -> np.ndarray:
        """Character offsets of feature ``id_``'s occurrences in the document."""
        if self.bow:
            return self.string_start[self.positions[id_]]
        return self.string_start[[self.positions[id_]]]

    def inverse_removing(self, words_to_remove: Iterable[int]) -> str:
        """The document with the given features removed (masked when not bow)."""
        active = np.ones((1, self.num_words()), dtype=bool)
        active[0, np.asarray(list(words_to_remove), dtype=np.intp)] = False
        return self.perturb(active)[0]

    # -- fast rendering -----------------------------------------------------------------
    def perturb(self, active: np.ndarray) -> list[str]:
        """The document as each row of ``active`` leaves it.

        Parameters
        ----------
        active : ndarray of bool, shape (n_rows, num_words())
            ``False`` removes the feature (every occurrence for bow; each removed
            occurrence becomes ``mask_string`` otherwise).

        Returns
        -------
        list of str
            One string per row, equal to lime's ``inverse_removing`` of the
            row's inactive features.
        """
        active = np.asarray(active, dtype=bool)
        if active.ndim != 2 or active.shape[1] != self.num_words():
            raise ValueError(
                f"active must have shape (n_rows, {self.num_words()}), got {active.shape}."
            )
        if not self._word_pieces.size:  # nothing to remove: every row is the document
            return [self.raw] * active.shape[0]
        table, sep = self._variants()
        rows_per_chunk = max(1, _CHARS_PER_CHUNK // max(1, len(self.raw) + len(self._word_pieces)))
        out: list[str] = []
        for start in range(0, active.shape[0], rows_per_chunk):
            out.extend(self._render(active[start:start + rows_per_chunk], table, sep))
        return out

    def _render(self, active: np.ndarray, table: np.ndarray, sep: Optional[str]) -> list[str]:
        n_rows = active.shape[0]
        n_groups = table.shape[0]
        group = table.shape[1].bit_length() - 1
        kept = np.zeros((n_rows, n_groups, group), dtype=bool)
        kept.reshape(n_rows, -1)[:, : len(self._word_pieces)] = active[:, self._occurrence_feature]
        # bit k of a group's code says whether its k-th occurrence is kept
        codes = np.packbits(kept, axis=-1, bitorder="little")[..., 0].astype(np.intp)
        codes += np.arange(n_groups) * (1 << group)
        chosen = table.ravel()[codes]
        if sep is None:
            return ["".join(row) for row in chosen.tolist()]
        # one join for the whole batch, cut at the separator ending every row
        return "".join(chosen.ravel().tolist()).split(sep)[:-1]

    def _variants(self) -> tuple[np.ndarray, Optional[str]]:
        """Precomputed strings of every keep/remove pattern of every group.

        A *segment* is one feature occurrence plus the text up to the next one;
        it has two variants (removed, kept). A group of ``_GROUP`` consecutive
        segments has ``2**_GROUP`` variants (smaller groups for long documents), built by pairing halves; row ``r``
        of the neighbourhood is the join of one variant per group. The last
        group's variants end with a separator absent from every piece, so a
        batch is rendered by one join and one split.
        """
        if self._table is not None:
            return self._table, self._sep
        word_pieces = self._word_pieces
        n_words = len(word_pieces)
        # text following each occurrence up to the next one (always kept)
        cuts = np.append(word_pieces, len(self.as_list)).tolist()
        tails = ["".join(self.as_list[cuts[i] + 1: cuts[i + 1]]) for i in range(n_words)]
        removed_word = "" if self.bow else self.mask_string
        group = _group_size(n_words)
        n_groups = -(-n_words // group)
        pad = [""] * (n_groups * group - n_words)
        table = np.array([[removed_word + t for t in tails] + pad,
                          [self.as_list[i] + t for i, t in zip(word_pieces.tolist(), tails)] + pad],
                         dtype=object).T  # (segments, 2): variant 0 removed, 1 kept
        size = 1
        while size < group:
            # a group of 2*size segments = left half (low bits) + right half (high bits)
            left, right = table[0::2], table[1::2]
            table = (left[:, None, :] + right[:, :, None]).reshape(len(left), -1)
            size *= 2
        sep = _free_character(self.raw + self.mask_string)
        if n_groups:
            prefix = "".join(self.as_list[: word_pieces[0]])
            table[0] = [prefix + s for s in table[0]]
            if sep is not None:
                table[-1] = [s + sep for s in table[-1]]
        self._table, self._sep = table, sep
        return table, sep


def _free_character(text: str) -> Optional[str]:
    """A character that does not occur in ``text`` (control or private use)."""
    present = set(text)
    for code in itertools.chain(range(1, 32), range(0xE000, 0xF900)):
        if chr(code) not in present:
            return chr(code)
    return None


class IndexedString(IndexedText):
    """A document as words, tokenised exactly like lime's ``IndexedString``.

    Parameters
    ----------
    raw_string : str
        The document.
    split_expression : str, compiled pattern or callable, default ``r'\\W+'``
        A regular expression matching the text *between* words (used with
        ``re.split``), or a callable returning the document's tokens in order
        (the text between them is kept but is not a feature).
    bow : bool, default True
        Bag of words (one feature per distinct word) or one feature per position.
    mask_string : str, optional
        Replacement of a removed word when ``bow`` is False; ``'UNKWORDZ'`` by default.
    """

    def __init__(self, raw_string: str, split_expression: SplitExpression = r"\W+", bow: bool = True,
                 mask_string: Optional[str] = None):
        if callable(split_expression):
            tokens = list(split_expression(raw_string))
            pieces = segment_with_tokens(raw_string, tokens)
            token_set = set(tokens)
            is_word = np.fromiter((p in token_set for p in pieces), dtype=bool, count=len(pieces))
        else:
            pattern = split_expression.pattern if isinstance(split_expression, re.Pattern) else split_expression
            if not isinstance(pattern, str):
                raise ValueError(
                    f"split_expression must be a regular expression string or a callable returning "
                    f"tokens, got {split_expression!r}."
                )
            # a capturing group keeps the separators among the pieces; "|$" is lime's
            splitter = re.compile(rf"({pattern})|$")
            pieces = [s for s in splitter.split(raw_string) if s]
            # lime's rule: a piece is text between words when the splitter matches at its start
            separator = {p: splitter.match(p) is not None for p in set(pieces)}
            is_word = np.fromiter((not separator[p] for p in pieces), dtype=bool, count=len(pieces))
        super().__init__(raw_string, pieces, is_word, bow, "UNKWORDZ" if mask_string is None else mask_string)


class IndexedCharacters(IndexedText):
    """A document as characters, like lime's ``IndexedCharacters``.

    Every character (spaces and punctuation included) is a feature; with ``bow``
    one feature per distinct character, otherwise one per position. A removed
    character disappears (bow) or becomes ``mask_string`` (``chr(0)`` by default).
    """

    def __init__(self, raw_string: str, bow: bool = True, mask_string: Optional[str] = None):
        pieces = list(raw_string)
        super().__init__(raw_string, pieces, np.ones(len(pieces), dtype=bool), bow,
                         chr(0) if mask_string is None else mask_string)


def segment_with_tokens(text: str, tokens: Sequence[str]) -> list[str]:
    """Cut ``text`` into the given tokens (in order) and the text between them."""
    pieces: list[str] = []
    pos = 0
    for token in tokens:
        if not isinstance(token, str):
            raise ValueError(f"split_expression must return strings, got {type(token).__name__} {token!r}.")
        found = text.find(token, pos)
        if found < 0:
            raise ValueError(
                f"Tokenization produced tokens that do not belong in string: {token!r} does not occur "
                f"in the text after character {pos}. A callable split_expression must return the "
                "document's tokens in order, each a substring of the document."
            )
        if found > pos:
            pieces.append(text[pos:found])
        pieces.append(token)
        pos = found + len(token)
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces
