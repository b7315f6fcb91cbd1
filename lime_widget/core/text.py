"""LIME for text: lime 0.2.0.1's ``LimeTextExplainer``, vectorised and batched."""

from __future__ import annotations

import re
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import adaptive
from .explainer import SurrogateArguments
from .explanation import DomainMapper, Resample, build_explanation
from .explanation import Explanation as CoreExplanation
from .memory import TEXT_BYTES, check_sample_memory
from .neighborhood import Neighborhood, check_replayed, distances_fingerprint, weighted_design
from .predict import Progress, ProgressCallback, accepts_progress_bar, call_model, check_outputs, resolve_labels
from .random import RandomStateLike, is_seed, random_state_for_call, reuse_draws
from .settings import FitSettings
from .surrogate import Kernel
from .text_index import IndexedCharacters, IndexedString, IndexedText, SplitExpression
from .text_sampling import DistanceMetric, document_bytes, documents_per_batch, neighborhood_distances, sample_active
from .threads import beside
from .validation import (
    check_batch_size,
    check_callable,
    check_distance_metric,
    check_flag,
    check_instance_not_function,
    check_labels,
    check_num_samples,
    check_predict_fn,
)


class TextDomainMapper(DomainMapper):
    """Maps feature ids to words (or characters) of the document.

    Parameters
    ----------
    indexed_string : IndexedString or IndexedCharacters
        The tokenised document.
    """

    modality = "text"

    def __init__(self, indexed_string: IndexedText):
        self.indexed_string = indexed_string

    @property
    def char_level(self) -> bool:
        return isinstance(self.indexed_string, IndexedCharacters)

    def feature_names(self) -> list[str]:
        """The word of every feature (for positional features too)."""
        return list(self.indexed_string.inverse_vocab)

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], positions: bool = False,
                    **kwargs: Any) -> list[tuple[str, float]]:
        """``(word, weight)`` pairs, or ``('word_3-17', weight)`` with character offsets.

        Parameters
        ----------
        exp : list of (int, float)
            ``(feature id, weight)`` pairs.
        positions : bool, default False
            Append the feature's character offsets, joined by ``-`` (lime's format).
        """
        s = self.indexed_string
        if positions:
            return [(f"{s.word(i)}_{'-'.join(map(str, s.string_position(i)))}", w) for i, w in exp]
        return [(s.word(i), w) for i, w in exp]

    def spans(self) -> list[tuple[int, int, int]]:
        """``(start, end, feature id)`` character span of every feature occurrence."""
        s = self.indexed_string
        pieces = np.flatnonzero(s.piece_feature >= 0)
        starts = s.string_start[pieces]
        ends = starts + np.fromiter((len(s.as_list[i]) for i in pieces), dtype=np.intp, count=len(pieces))
        return list(zip(starts.tolist(), ends.tolist(), s.piece_feature[pieces].tolist()))

    def pieces(self) -> list[list]:
        """The document as consecutive ``[text, feature id]`` pieces (``-1`` between features)."""
        s = self.indexed_string
        out: list[list] = []
        for text, feature in zip(s.as_list, s.piece_feature.tolist()):
            if feature < 0 and out and out[-1][1] < 0:
                out[-1][0] += text  # merge runs of text between features
            else:
                out.append([text, feature])
        return out


class LimeTextExplainer(SurrogateArguments):
    """Explains text classifiers, with lime 0.2.0.1's semantics.

    Perturbed documents remove random subsets of the words (every occurrence
    with ``bow=True``; one position, replaced by ``mask_string``, otherwise);
    an exponential kernel on the cosine distance x100 weights them; a weighted
    ridge surrogate explains each label. Masks and strings are built vectorised,
    the model is called once (or in batches of ``batch_size``), and the
    explanation can be refitted without calling the model again.

    Parameters
    ----------
    kernel_width : float, default 25
    kernel : callable, optional
        ``kernel(distances, kernel_width) -> weights``; default
        ``sqrt(exp(-d**2 / kernel_width**2))``.
    verbose : bool, default False
        Print each label's intercept, local prediction and model prediction.
    class_names : list of str, optional
        Defaults to ``'0', '1', ...``.
    feature_selection : str, default 'auto'
        ``auto``, ``forward_selection``, ``highest_weights``, ``lasso_path`` or ``none``.
    split_expression : str, compiled pattern or callable, default ``r'\\W+'``
        Regular expression matching the text between words, or a callable
        returning the document's tokens.
    bow : bool, default True
        Bag of words; ``False`` explains word (or character) positions.
    mask_string : str, optional
        Replacement of removed positions when ``bow=False``
        (``'UNKWORDZ'``, or ``chr(0)`` with ``char_level``).
    random_state : int, RandomState or None
        An int gives the same explanation on every call (and, on the first
        call, the same as a fresh lime explainer with that seed).
    char_level : bool, default False
        Explain characters instead of words.
    """

    explanation_class: type = CoreExplanation

    def __init__(
        self,
        kernel_width: float = 25,
        kernel: Optional[Kernel] = None,
        verbose: bool = False,
        class_names: Optional[Sequence[str]] = None,
        feature_selection: str = "auto",
        split_expression: SplitExpression = r"\W+",
        bow: bool = True,
        mask_string: Optional[str] = None,
        random_state: RandomStateLike = None,
        char_level: bool = False,
    ):
        self._keep_surrogate_arguments(kernel_width, kernel, verbose, feature_selection, random_state, class_names)
        if not (isinstance(split_expression, (str, re.Pattern)) or callable(split_expression)):
            raise ValueError(
                f"split_expression must be a regular expression (str or compiled) or a callable returning the "
                f"tokens, got {split_expression!r}."
            )
        self.split_expression = split_expression
        self.bow = check_flag("bow", bow)
        if mask_string is not None and not isinstance(mask_string, str):
            raise ValueError(f"mask_string must be a str or None, got {mask_string!r}.")
        self.mask_string = mask_string
        self.char_level = check_flag("char_level", char_level)

    def index_text(self, text_instance: str) -> IndexedText:
        """Tokenise a document with this explainer's settings (validated)."""
        if not isinstance(text_instance, str):
            raise ValueError(f"text_instance must be a str, got {type(text_instance).__name__}.")
        if not text_instance.strip():
            raise ValueError("text_instance is empty or only whitespace; there is nothing to explain.")
        if self.char_level:
            indexed: IndexedText = IndexedCharacters(text_instance, bow=self.bow, mask_string=self.mask_string)
        else:
            indexed = IndexedString(text_instance, split_expression=self.split_expression, bow=self.bow,
                                    mask_string=self.mask_string)
        if indexed.num_words() == 0:
            raise ValueError(
                f"text_instance has no words to perturb: split_expression={self.split_expression!r} "
                f"leaves no tokens in {text_instance[:80]!r}."
            )
        return indexed

    @accepts_progress_bar("progress")
    def explain_instance(
        self,
        text_instance: str,
        classifier_fn: Callable[[list[str]], Any],
        labels: Sequence[int] = (1,),
        top_labels: Optional[int] = None,
        num_features: int = 10,
        num_samples: Union[int, str] = 5000,
        distance_metric: DistanceMetric = "cosine",
        model_regressor: Optional[object] = None,
        batch_size: Optional[int] = None,
        progress: Progress = None,
        stability_target: float = adaptive.DEFAULT_STABILITY_TARGET,
        max_samples: int = adaptive.DEFAULT_MAX_SAMPLES,
    ):
        """Explain a classifier's prediction for one document.

        Parameters
        ----------
        text_instance : str
            The document.
        classifier_fn : callable
            Takes a list of ``d`` strings, returns a ``(d, k)`` array of class
            probabilities (e.g. a pipeline's ``predict_proba``).
        labels : sequence of int, default (1,)
            Labels to explain (ignored when ``top_labels`` is given).
        top_labels : int, optional
            Explain the ``top_labels`` most probable classes instead.
        num_features : int, default 10
            Maximum number of features in each label's explanation.
        num_samples : int or 'auto', default 5000
            Size of the neighbourhood, the document itself included. ``'auto'``
            samples in rounds, reusing every earlier row, until the top
            ``num_features`` are stable (:mod:`lime_widget.core.adaptive`);
            ``exp.num_samples`` then tells how many documents the model saw.
        distance_metric : str or callable, default 'cosine'
            Metric of :func:`sklearn.metrics.pairwise_distances` on the binary rows.
        model_regressor : estimator, optional
            Surrogate regressor accepting ``sample_weight``; default ``Ridge(alpha=1)``.
        batch_size : int, optional
            At most this many documents per ``classifier_fn`` call; ``None``
            sends the whole neighbourhood in one call, as lime, unless the
            perturbed documents together exceed 16M characters (long documents):
            then they are built and sent in batches that stay under that.
        progress : bool or callable, optional
            Called with the fraction of documents predicted after each batch
            (of ``max_samples`` with ``'auto'``); ``True``: a tqdm bar (when tqdm
            is installed), as ``explain_many`` and the image explainer.
        stability_target : float in (0, 1], default 0.9
            With ``num_samples='auto'``: the estimated stability (``exp.stability``)
            at which sampling stops.
        max_samples : int, default 20000
            With ``num_samples='auto'``: the most documents the model is asked about.

        Returns
        -------
        Explanation
            Of class ``explanation_class``; ``exp.refit(...)`` changes the number
            of features, labels, kernel width or feature selection without
            calling the model.
        """
        check_instance_not_function("text_instance", text_instance, "classifier_fn", classifier_fn)
        indexed = self.index_text(text_instance)
        check_predict_fn("classifier_fn", classifier_fn)
        auto = adaptive.check_num_samples(num_samples, stability_target, max_samples)
        num_samples = num_samples if auto else check_num_samples(num_samples)
        batch_size = check_batch_size(batch_size)
        kernel_width, kernel, class_names = self._surrogate_arguments()
        settings = FitSettings(num_features, indexed.num_words(), kernel_width, self.feature_selection)
        labels, top_labels = check_labels(labels, top_labels, class_names)
        settings = settings.replace(distance_metric=check_distance_metric(distance_metric),
                                    model_regressor=model_regressor)
        check_callable("progress", progress, "a function progress(fraction)", optional=True)
        most_rows = max_samples if auto else num_samples
        model_batch = documents_per_batch(text_instance, most_rows, batch_size)
        check_sample_memory(most_rows, indexed.num_words(), TEXT_BYTES, f"masks over {indexed.num_words()} words",
                            min(model_batch or most_rows, most_rows) * document_bytes(text_instance))

        if auto:
            adaptive.check_features_to_choose(settings.requested_num_features, settings.n_features,
                                              settings.feature_selection, "words")
            neighborhood = adaptive.sample_until_stable(
                self._round_sampler(indexed, classifier_fn, distance_metric, model_batch, class_names), kernel,
                kernel_width, "classification", labels, top_labels, settings.num_features,
                settings.selection_method, model_regressor, stability_target, max_samples, progress=progress,
                population=TextPopulation(indexed.num_words(), distance_metric))
            distances, design, raw = neighborhood.distances, neighborhood.design(), neighborhood.outputs
            num_samples = neighborhood.num_samples
        else:
            replay = int(self.random_state) if is_seed(self.random_state) else \
                random_state_for_call(self.random_state).get_state()
            active = self._active(indexed.num_words(), num_samples)

            def interpretable_side() -> tuple:
                distances = neighborhood_distances(active, distance_metric)
                return distances, weighted_design(active, distances, kernel, kernel_width)

            raw, (distances, design) = beside(
                lambda: call_model(classifier_fn, lambda part: indexed.perturb(active[part]), num_samples,
                                   batch_size=model_batch, progress=progress, mode="classification",
                                   class_names=class_names),
                interpretable_side, concurrent=isinstance(distance_metric, str) and distance_metric == "cosine")
        outputs = check_outputs(raw, "classification", class_names, owner=self)
        fit_labels, top = resolve_labels(outputs, "classification", labels, top_labels)
        if class_names is None:
            class_names = [str(x) for x in range(outputs.shape[1])]

        if not auto:
            neighborhood = Neighborhood.from_design(design, outputs, distances, kernel, kernel_width)
            neighborhood.regenerate = TextRegenerate(replay, indexed.num_words(), int(num_samples),
                                                     distance_metric, distances)
        exp = build_explanation(self.explanation_class, TextDomainMapper(indexed), neighborhood, "classification",
                                class_names, fit_labels, top, settings.replace(num_samples=num_samples), self.verbose)
        # the widget's hook for a new neighbourhood with the same arguments
        exp.resample = Resample(self.explain_instance, text_instance, classifier_fn, labels=labels,
                                top_labels=top_labels, num_features=num_features, distance_metric=distance_metric,
                                model_regressor=model_regressor, batch_size=batch_size)
        return exp

    def _active(self, n_words: int, num_samples: int) -> np.ndarray:
        """Which words each row keeps (read-only).

        The draws depend only on the number of words, so with an integer seed,
        which makes every call draw the same, the last ones are kept.
        """
        def draw() -> np.ndarray:
            active = sample_active(random_state_for_call(self.random_state), n_words, num_samples)
            active.flags.writeable = False
            return active

        return reuse_draws(self, (self.random_state, n_words, num_samples), draw, is_seed(self.random_state))

    def _round_sampler(self, indexed: IndexedText, classifier_fn: Callable, distance_metric: DistanceMetric,
                       batch_size: Optional[int], class_names: Optional[Sequence[str]]) -> adaptive.RoundSampler:
        """One round of ``num_samples='auto'``: fresh masks from one generator."""
        rng = random_state_for_call(self.random_state)
        n_words = indexed.num_words()

        def sample_round(n_rows: int, first: bool, progress: Optional[ProgressCallback]) -> tuple:
            skip = 0 if first else 1  # later rounds drop their row 0 (the whole document)
            active = sample_active(rng, n_words, n_rows + skip)
            distances = neighborhood_distances(active, distance_metric)[skip:]
            active = active[skip:]
            raw = call_model(classifier_fn, lambda part: indexed.perturb(active[part]), n_rows,
                             batch_size=batch_size, progress=progress, mode="classification", class_names=class_names)
            return active, check_outputs(raw, "classification", class_names, owner=self), distances

        return sample_round


class TextPopulation:
    """Free rows of a text neighbourhood for ``num_samples="auto"`` (:class:`.assisted.Population`).

    The emulator's features are the kept-word indicators and the same divided by
    the square root of the share of words kept: removing words rescales a
    length-normalised document vector (TF-IDF, embeddings' means) by about that.
    """

    link = "logit"

    def __init__(self, n_words: int, distance_metric: DistanceMetric):
        self.n_words = n_words
        self.distance_metric = distance_metric
        self.n_inputs = 2 * n_words

    def draw(self, rng: np.random.RandomState, n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        active = sample_active(rng, self.n_words, n_rows + 1)  # row 0 is the whole document: dropped
        distances = neighborhood_distances(active, self.distance_metric)[1:]
        return active[1:], distances, self.features(active[1:], None)

    def features(self, data: np.ndarray, inputs: Optional[np.ndarray]) -> np.ndarray:
        rows = np.asarray(data, dtype=float)
        kept = np.maximum(rows.mean(axis=1, keepdims=True), 1e-12)
        return np.hstack([rows, rows / np.sqrt(kept)])


class TextRegenerate:
    """Rebuilds a text neighbourhood's masks and distances (no model call, no explainer needed).

    The masks depend only on the generator, the number of words and of samples,
    so an integer seed or the generator's saved state replays them.
    """

    def __init__(self, replay: Any, n_words: int, num_samples: int, distance_metric: Any, distances: np.ndarray):
        self.replay = replay
        self.n_words = n_words
        self.num_samples = num_samples
        self.distance_metric = distance_metric
        self.fingerprint = distances_fingerprint(distances)

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        if is_seed(self.replay):
            rng = random_state_for_call(self.replay)
        else:
            rng = np.random.RandomState()
            rng.set_state(self.replay)
        active = sample_active(rng, self.n_words, self.num_samples)
        active.flags.writeable = False
        distances = neighborhood_distances(active, self.distance_metric)
        check_replayed(distances, self.fingerprint, "masks", "Explain the text again.")
        return active, distances


