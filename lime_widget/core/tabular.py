"""LIME for tabular data, faithful to ``lime.lime_tabular`` (0.2.0.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances
from sklearn.preprocessing import StandardScaler

from . import adaptive
from .assisted import MAX_EMULATOR_INPUTS
from .discretize import DISCRETIZERS, BaseDiscretizer, StatsDiscretizer, check_stats_keys, check_training_data_stats
from .explanation import DomainMapper, Explanation, Resample, build_explanation
from .frames import FrameCodec, as_frame_codec
from .memory import TABULAR_BYTES, check_sample_memory
from .neighborhood import Neighborhood, check_replayed, distances_fingerprint, weighted_design
from .predict import (
    Progress,
    ProgressCallback,
    accepts_progress_bar,
    call_model,
    check_outputs,
    resolve_labels,
    validate_mode,
)
from .random import RandomStateLike, is_seed, random_state_for_call, reuse_draws
from .settings import FitSettings
from .surrogate import WeightedDesign, exponential_kernel, validate_feature_selection
from .tabular_sampling import Draws, TabularSampler, validate_sampling_method
from .tabular_sparse import SparseSample, check_sparse_row, check_sparse_training_data, is_sparse
from .threads import beside
from .validation import (
    check_batch_size,
    check_callable,
    check_categorical_names,
    check_class_names,
    check_codes,
    check_column_indices,
    check_distance_metric,
    check_flag,
    check_instance_not_function,
    check_kernel_width,
    check_labels,
    check_num_samples,
    check_predict_fn,
    check_random_state,
    checked_kernel,
    is_integer,
)


class TableDomainMapper(DomainMapper):
    """Names of tabular features: lime's rule labels (``x <= 2.30``, ``colour=red``)."""

    modality = "tabular"

    def __init__(self, exp_feature_names: list[str], columns: list[str], values: list[str], categorical: list[bool]):
        self.exp_feature_names = exp_feature_names
        self.columns = columns
        self.values = values
        self.categorical = categorical

    def feature_names(self) -> list[str]:
        return self.exp_feature_names


class TabularExplainer:
    """Explains predictions on tabular data (numpy arrays or pandas DataFrames).

    Continuous features are discretised into quartiles (by default) and perturbed
    by sampling bins from the training distribution; categorical features are
    sampled from their training frequencies. The interpretable representation is
    "same bin / category as the instance" (1) or not (0).

    Parameters are lime's (see ``lime.lime_tabular.LimeTabularExplainer``);
    ``training_data`` may also be a DataFrame, in which case non-numeric, boolean
    and ``category`` columns are categorical without manual encoding, and
    ``predict_fn`` receives DataFrames with the training columns and dtypes.
    ``training_data`` and rows may be ``scipy.sparse``: as in lime, sparse data is
    not discretized and a sparse row is perturbed only in its non-zero columns
    (``predict_fn`` then receives CSR matrices); nothing is made dense but the row.
    ``random_state``: an integer makes every call reproducible (each call starts
    from the same generator state, the state a fresh lime explainer would have).
    """

    explanation_class: type = Explanation
    # discretizers made from a name (lime_widget.lime_tabular makes lime's public classes)
    discretizer_classes: dict = DISCRETIZERS
    stats_discretizer_class: type = StatsDiscretizer

    def __init__(
        self,
        training_data: Union[np.ndarray, pd.DataFrame],
        mode: str = "classification",
        training_labels: Optional[Any] = None,
        feature_names: Optional[Sequence[str]] = None,
        categorical_features: Optional[Sequence[Any]] = None,
        categorical_names: Optional[dict] = None,
        kernel_width: Optional[float] = None,
        kernel: Optional[Callable[[np.ndarray, float], np.ndarray]] = None,
        verbose: bool = False,
        class_names: Optional[Sequence[str]] = None,
        feature_selection: str = "auto",
        discretize_continuous: bool = True,
        discretizer: Union[str, BaseDiscretizer] = "quartile",
        sample_around_instance: bool = False,
        random_state: RandomStateLike = None,
        training_data_stats: Optional[dict] = None,
    ):
        self.mode = validate_mode(mode, _n_rows(training_data))
        self.verbose = check_flag("verbose", verbose)
        self.class_names = check_class_names(class_names)
        self.feature_selection = validate_feature_selection(feature_selection)
        self.sample_around_instance = check_flag("sample_around_instance", sample_around_instance)
        discretize_continuous = check_flag("discretize_continuous", discretize_continuous)
        self.random_state = check_random_state(random_state)
        kernel = check_callable("kernel", kernel, "a function kernel(distances, kernel_width)", optional=True)
        self.kernel_fn = exponential_kernel if kernel is None else kernel
        if isinstance(feature_names, (str, bytes)):
            raise ValueError(f"feature_names must be a sequence of names, one per column, got {feature_names!r}.")
        if categorical_features is not None:
            if isinstance(categorical_features, (str, bytes)) or np.ndim(categorical_features) != 1:
                raise ValueError(
                    f"categorical_features must be a sequence of column indices, got {categorical_features!r}.")
            categorical_features = list(categorical_features)  # arrays and Series are never read by truthiness

        self.codec: Optional[FrameCodec] = as_frame_codec(training_data, categorical_features)
        data = self._training_matrix(training_data)
        n_rows, n_features = data.shape
        if self.codec is not None:
            categorical_features = self.codec.categorical_features
            feature_names = feature_names if feature_names is not None else [str(c) for c in self.codec.columns]
        self.feature_names = list(feature_names) if feature_names is not None else [str(i) for i in range(n_features)]
        if len(self.feature_names) != n_features:
            raise ValueError(f"feature_names has {len(self.feature_names)} names for {n_features} columns.")
        self.categorical_features = check_column_indices("categorical_features", categorical_features, n_features)
        if is_sparse(data) and self.categorical_features:
            raise ValueError(
                "categorical_features are not supported with sparse training_data (lime samples sparse rows as "
                "continuous values); pass a dense array or a DataFrame to use categorical features."
            )
        self.original_categorical = list(self.categorical_features)
        if self.codec is not None and isinstance(categorical_names, Mapping):
            # a DataFrame's columns may be named instead of numbered
            columns = self.codec.columns
            categorical_names = {columns.index(k) if k in columns and not is_integer(k) else k: v
                                 for k, v in categorical_names.items()}
        names = check_categorical_names(categorical_names, self.categorical_features)
        if self.codec is not None:
            for column, codes in self.codec.categories.items():
                if column in names and len(names[column]) < len(codes):
                    raise ValueError(
                        f"categorical_names[{column}] names {len(names[column])} categories, but column "
                        f"{self.codec.columns[column]!r} has {len(codes)}: {[str(v) for v in codes]}."
                    )
            names = {**self.codec.categorical_names(), **names}
        else:
            for column in self.categorical_features:
                check_codes("training_data", data[:, column], column, self.feature_names[column], names.get(column))
        self.categorical_names = names
        # training_labels describe training_data's rows, so they must fit them whether
        # or not the discretizer reads them (a wrong length is a mistake, often class
        # names passed positionally). With training_data_stats the data is a stand-in
        # and nothing reads the labels: lime's own tests pass unrelated ones there.
        if training_labels is not None and training_data_stats is None:
            training_labels = _checked_training_labels(training_labels, n_rows)
        if training_data_stats is not None:
            continuous = [f for f in range(n_features) if f not in self.categorical_features]
            training_data_stats = check_training_data_stats(
                training_data_stats, continuous if discretize_continuous else [],
                list(range(n_features)) if discretize_continuous else self.categorical_features)
        self.training_data_stats = training_data_stats

        self.kernel_width = check_kernel_width(
            np.sqrt(n_features) * 0.75 if kernel_width is None else kernel_width
        )
        # lime draws from one generator across construction (entropy trees) and its
        # calls; we replay the state construction leaves so a first call matches lime.
        rng = random_state_for_call(random_state)
        self.discretizer: Optional[BaseDiscretizer] = None
        self._bin_state: Optional[tuple] = None
        discretized = None
        if is_sparse(data):
            # lime's rule: sparse data is never discretized (bins would make it dense)
            discretize_continuous = False
        if discretize_continuous:
            labels = training_labels
            if training_data_stats is not None:
                self.discretizer = self.stats_discretizer_class(data, self.categorical_features, self.feature_names,
                                                    labels=labels, random_state=rng,
                                                    data_stats=training_data_stats)
            elif isinstance(discretizer, str) and discretizer in self.discretizer_classes:
                self.discretizer = self.discretizer_classes[discretizer](data, self.categorical_features, self.feature_names,
                                                             labels=labels, random_state=rng)
            elif hasattr(discretizer, "discretize") and hasattr(discretizer, "undiscretize"):
                self.discretizer = discretizer
                self._bin_state = _generator_state(discretizer)
            else:
                raise ValueError(
                    f"discretizer={discretizer!r} is not known; expected 'quartile', 'decile', 'entropy' or a "
                    "discretizer object (a lime_widget.core.discretize.BaseDiscretizer)."
                )
            self.categorical_features = list(range(n_features))
            if training_data_stats is None:
                discretized = self.discretizer.discretize(data)
        self._init_state = rng.get_state() if is_seed(random_state) else None

        # lime's scaler: StandardScaler(with_mean=False) statistics, identity on categories
        scaler = StandardScaler(with_mean=False).fit(data)
        self.scaler_mean = scaler.mean_.copy()
        self.scaler_scale = scaler.scale_.copy()
        # Deliberate fix: lime samples a constant column with unit spread (its scaler's
        # stand-in for zero); we keep it constant. Distances still divide by 1.
        self.sampling_scale = np.where(scaler.var_ > 0, self.scaler_scale, 0.0)
        self._sampling_notes = [] if training_data_stats is not None else _spread_notes(data.shape[0], scaler.var_)
        self.feature_values: dict[int, np.ndarray] = {}
        self.feature_frequencies: dict[int, np.ndarray] = {}
        for feature in self.categorical_features:
            if training_data_stats is not None:
                values = np.asarray(training_data_stats["feature_values"][feature], dtype=float)
                counts = np.asarray(training_data_stats["feature_frequencies"][feature], dtype=float)
            else:
                column = discretized[:, feature] if discretized is not None else data[:, feature]
                values, counts = np.unique(column, return_counts=True)
            self.feature_values[feature] = values
            self.feature_frequencies[feature] = counts / counts.sum()
            self.scaler_mean[feature] = 0.0
            self.scaler_scale[feature] = 1.0
        # all-categorical (e.g. discretised) data is used unscaled, as lime's scaler leaves it
        self._identity_scaling = bool(np.all(self.scaler_mean == 0.0) and np.all(self.scaler_scale == 1.0))
        self._sampler = TabularSampler(self.categorical_features, self.feature_values, self.feature_frequencies,
                                       self.discretizer, self.sampling_scale)

    def __getstate__(self) -> dict:
        # kept draws are a cache (up to 64 MB) redrawn from the seed: pickles (workers,
        # compact explanations that refer to their explainer) go without them
        state = self.__dict__.copy()
        state.pop("_kept_draws", None)
        return state

    # -- lime's static helpers ---------------------------------------------------------
    @staticmethod
    def convert_and_round(values: Any) -> list[str]:
        """Each value formatted with two decimals (lime's display of a row's values)."""
        return [f"{v:.2f}" for v in values]

    @staticmethod
    def validate_training_data_stats(training_data_stats: dict) -> None:
        """Check that ``training_data_stats`` has every key lime requires.

        Raises
        ------
        ValueError
            Keys among ``means``, ``mins``, ``maxs``, ``stds``, ``feature_values``
            and ``feature_frequencies`` are missing (lime raises a bare ``Exception``,
            which ``except Exception`` in lime code still catches).
        """
        check_stats_keys(training_data_stats)

    # -- input handling -------------------------------------------------------------
    def _training_matrix(self, training_data: Any) -> np.ndarray:
        if is_sparse(training_data):
            return check_sparse_training_data(training_data)
        data = self.codec.encode(training_data) if self.codec is not None else _as_matrix(training_data)
        if data.ndim != 2:
            raise ValueError(f"training_data must be 2-dimensional (rows x features), got shape {data.shape}.")
        if data.shape[0] == 0 or data.shape[1] == 0:
            raise ValueError(f"training_data is empty (shape {data.shape}); it needs rows and columns.")
        if not np.all(np.isfinite(data)):
            raise ValueError(f"training_data contains NaN or infinite values{self._columns_named(~np.isfinite(data))}; "
                             "impute or drop them first.")
        return data

    def _columns_named(self, bad: np.ndarray) -> str:
        """' in column(s) ...' for a mask of bad values (a row, or rows x columns), naming at most five."""
        where = np.flatnonzero(bad.any(axis=0) if bad.ndim == 2 else bad)
        if self.codec is not None:
            names = [repr(self.codec.columns[i]) for i in where]
        elif getattr(self, "feature_names", None) is not None:
            names = [repr(self.feature_names[i]) for i in where]
        else:
            names = [str(i) for i in where]
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return f" in column{'s' if len(names) > 1 else ''} {listed}"

    def _row(self, data_row: Any) -> np.ndarray:
        if self.codec is not None:
            if isinstance(data_row, pd.DataFrame):
                if len(data_row) != 1:
                    raise ValueError(f"data_row must be one row, got a DataFrame with {len(data_row)} rows.")
                data_row = data_row.iloc[0]
            if isinstance(data_row, pd.Series):
                row = self.codec.encode(data_row)
            else:
                row = self.codec.encode(pd.Series(list(np.ravel(data_row)), index=self.codec.columns))
        elif is_sparse(data_row):
            row = check_sparse_row(data_row, len(self.feature_names))
            if self.discretizer is None and not self.categorical_features:
                return row  # sampled where it is non-zero, as lime does
            row = row.toarray()[0]  # one row: binned or categorical columns need its dense values
        else:
            row = _as_matrix(data_row)
            if row.ndim == 2 and row.shape[0] == 1:
                row = row[0]
        n_features = len(self.feature_names)
        if row.ndim != 1 or row.shape[0] != n_features:
            raise ValueError(f"data_row must be one row of {n_features} values, got shape {np.shape(row)}.")
        if not np.all(np.isfinite(row)):
            raise ValueError(f"data_row contains NaN or infinite values{self._columns_named(~np.isfinite(row))}; "
                             "the model is explained at a point with a finite value in every column.")
        if self.codec is None:
            for column in self.original_categorical:
                check_codes("data_row", row[column:column + 1], column, self.feature_names[column],
                            self.categorical_names.get(column))
        return row

    # -- sampling -------------------------------------------------------------------
    def _draws(self, num_samples: int, sampling_method: str) -> Draws:
        """This call's random draws.

        With an integer seed every call draws the same (see :mod:`.tabular_sampling`),
        so the last draws are kept, unless a lime-style discretizer object draws
        from a generator of its own.
        """
        reusable = is_seed(self.random_state) and (
            self.discretizer is None or isinstance(self.discretizer, BaseDiscretizer))
        return reuse_draws(
            self, (self.random_state, num_samples, sampling_method),
            lambda: self._sampler.draw(num_samples, random_state_for_call(self.random_state, self._init_state),
                                       sampling_method, self._bin_generator()),
            reusable)

    def _replay_state(self) -> Optional[Any]:
        """What replays this call's draws: the integer seed, or the generator's state now.

        ``None`` when they cannot be replayed: a lime-style discretizer object
        draws from a generator of its own.
        """
        if self.discretizer is not None and not isinstance(self.discretizer, BaseDiscretizer):
            return None
        if is_seed(self.random_state):
            return int(self.random_state)
        return random_state_for_call(self.random_state).get_state()

    def _bin_generator(self) -> Optional[np.random.RandomState]:
        """Where values inside bins come from when the discretizer was passed in.

        lime draws them from that discretizer's own ``random_state``. With an integer
        seed every call replays the state it had when the explainer was built (the
        same answer on every call); otherwise the discretizer's generator advances,
        as in lime.
        """
        if self._bin_state is None:
            return None
        if is_seed(self.random_state):
            rng = np.random.RandomState()
            rng.set_state(self._bin_state)
            return rng
        return self.discretizer.random_state

    # -- explaining -----------------------------------------------------------------
    @accepts_progress_bar("progress")
    def explain_instance(
        self,
        data_row: Any,
        predict_fn: Callable[[Any], Any],
        labels: Sequence[int] = (1,),
        top_labels: Optional[int] = None,
        num_features: int = 10,
        num_samples: Union[int, str] = 5000,
        distance_metric: str = "euclidean",
        model_regressor: Optional[Any] = None,
        sampling_method: str = "gaussian",
        batch_size: Optional[int] = None,
        progress: Progress = None,
        stability_target: float = adaptive.DEFAULT_STABILITY_TARGET,
        max_samples: int = adaptive.DEFAULT_MAX_SAMPLES,
    ) -> Explanation:
        """Explain one prediction.

        Parameters
        ----------
        data_row : 1-d array, pandas Series, one-row DataFrame or sparse matrix of shape (1, n_features)
        predict_fn : callable
            Classification: rows -> probabilities ``(n, n_classes)``; regression:
            rows -> predictions ``(n,)``. Receives a DataFrame when the explainer
            was built on one.
        labels : sequence of int
            Labels to explain (ignored when ``top_labels`` is set, and in regression).
        top_labels : int, optional
            Explain the K most probable labels instead.
        num_features : int
            Maximum features in the explanation; values above the number of
            features are capped, as in lime.
        num_samples : int or 'auto'
            Neighbourhood size (row 0 is the instance). ``'auto'`` samples in rounds,
            reusing every earlier row, until the top ``num_features`` are stable
            (see :mod:`lime_widget.core.adaptive`); ``exp.num_samples`` then tells
            how many rows the model saw. An integer gives lime's exact draws.
        distance_metric : str
            Any metric of ``sklearn.metrics.pairwise_distances``.
        model_regressor : estimator, optional
            Surrogate regressor (cloned); default ``Ridge(alpha=1)``.
        sampling_method : {'gaussian', 'lhs'}
            How continuous features are sampled when not discretised.
        batch_size : int, optional
            Rows per ``predict_fn`` call; ``None`` sends all in one call.
        progress : bool or callable, optional
            Called with the fraction of rows predicted (of ``max_samples`` with ``'auto'``);
            ``True``: a tqdm bar (when tqdm is installed), as ``explain_many`` and the image explainer.
        stability_target : float in (0, 1], default 0.9
            With ``num_samples='auto'``: the estimated expected Jaccard similarity
            of the top features (``exp.stability``) at which sampling stops.
        max_samples : int, default 20000
            With ``num_samples='auto'``: the most rows the model is asked about.

        Returns
        -------
        Explanation
        """
        check_instance_not_function("data_row", data_row, "predict_fn", predict_fn)
        row = self._row(data_row)
        sparse_row = row if is_sparse(row) else None
        if sparse_row is not None:
            row = sparse_row.toarray()[0]  # one row, for its displayed values and names
        n_features = row.shape[0]
        check_predict_fn("predict_fn", predict_fn)
        # attributes may have been changed since construction: check them again
        settings = FitSettings(num_features, n_features, self.kernel_width, self.feature_selection)
        auto = adaptive.check_num_samples(num_samples, stability_target, max_samples)
        num_samples = num_samples if auto else check_num_samples(num_samples)
        validate_sampling_method(sampling_method)
        if self.mode == "classification":
            labels, top_labels = check_labels(labels, top_labels, self.class_names)
        settings = settings.replace(distance_metric=check_distance_metric(distance_metric),
                                    model_regressor=model_regressor)
        batch_size = check_batch_size(batch_size)
        check_callable("progress", progress, "a function progress(fraction)", optional=True)
        check_sample_memory(max_samples if auto else num_samples, n_features, TABULAR_BYTES, f"rows of {n_features} features")
        kernel = checked_kernel(self.kernel_fn, self.kernel_width)
        centre = row if self.sample_around_instance else self.scaler_mean
        if auto:
            adaptive.check_features_to_choose(settings.requested_num_features, settings.n_features,
                                              settings.feature_selection, "features")
            if sparse_row is not None:
                raise ValueError("num_samples='auto' does not take sparse rows yet; pass an integer num_samples.")
            replay = self._replay_state()
            rounds: list = []
            neighborhood = adaptive.sample_until_stable(
                self._round_sampler(row, predict_fn, centre, sampling_method, distance_metric, batch_size, rounds),
                kernel, self.kernel_width, self.mode, labels, top_labels, settings.num_features,
                settings.selection_method, settings.model_regressor, stability_target, max_samples, progress=progress,
                population=self._population(row, centre, sampling_method, distance_metric))
            # compact only when the neighbourhood is exactly the rounds drawn here, in order
            drawn = [d for _, d in rounds]
            if replay is not None and drawn and np.array_equal(
                    np.concatenate(drawn) if len(drawn) > 1 else drawn[0], neighborhood.distances):
                neighborhood.regenerate = TabularRegenerate(self, row, replay, neighborhood.num_samples,
                                                            sampling_method, distance_metric,
                                                            neighborhood.distances, [n for n, _ in rounds])
            return self._finish(neighborhood, row, data_row, predict_fn, labels, top_labels, settings,
                                sampling_method, batch_size)
        # lime's __data_inverse, split: the model's rows first, the interpretable side beside the model call
        replay = self._replay_state()
        if sparse_row is not None:
            sample = SparseSample.draw(sparse_row, int(num_samples),
                                       random_state_for_call(self.random_state, self._init_state),
                                       self.sampling_scale, self.scaler_mean, self.sample_around_instance,
                                       sampling_method)
            inverse = sample.model_rows()
        else:
            draws = self._draws(int(num_samples), sampling_method)
            inverse = self._sampler.model_rows(row, draws, centre)

        # the model may write to its rows; when the interpretable side reads them
        # (continuous or sparse sampling), the model gets a copy
        shared = sparse_row is not None or draws.values is None

        def make_rows(part: slice):
            rows = inverse[part].copy() if shared else inverse[part]
            return self.codec.decode(rows) if self.codec is not None else rows

        def interpretable_side() -> tuple[np.ndarray, WeightedDesign, TableDomainMapper]:
            if sparse_row is not None:  # only the row's non-zero columns vary
                scaled, distances = _sparse_side(sample, self.scaler_scale, distance_metric)
                return (distances, weighted_design(scaled, distances, kernel, self.kernel_width),
                        self._domain_mapper(row))
            scaled, distances = _round_side(self, row, draws, inverse, distance_metric, 0)
            return distances, weighted_design(scaled, distances, kernel, self.kernel_width), self._domain_mapper(row)

        outputs, (distances, design, domain_mapper) = beside(lambda: call_model(predict_fn, make_rows, int(num_samples), batch_size, progress,
                                                                           self.mode, self.class_names),
                                 interpretable_side, concurrent=distance_metric == "euclidean")
        outputs = check_outputs(outputs, self.mode, self.class_names, owner=self)
        neighborhood = Neighborhood.from_design(design, outputs, distances, kernel, self.kernel_width,
                                                *((sample.columns, n_features) if sparse_row is not None else ()))
        if sparse_row is not None and replay is not None:
            neighborhood.regenerate = SparseRegenerate(self, sparse_row, replay, int(num_samples), sampling_method,
                                                       distance_metric, distances)
        elif replay is not None:
            neighborhood.regenerate = TabularRegenerate(self, row, replay, int(num_samples), sampling_method,
                                                        distance_metric, distances)
        return self._finish(neighborhood, row, data_row, predict_fn, labels, top_labels, settings,
                            sampling_method, batch_size, domain_mapper)

    def _finish(self, neighborhood: Neighborhood, row: np.ndarray, data_row: Any, predict_fn: Callable,
                labels: Sequence[int], top_labels: Optional[int], settings: FitSettings,
                sampling_method: str, batch_size: Optional[int],
                domain_mapper: Optional[TableDomainMapper] = None) -> Explanation:
        """The explanation of a scored neighbourhood (fixed-size or adaptive)."""
        outputs = neighborhood.outputs
        class_names = self.class_names
        if self.mode == "classification" and class_names is None:
            class_names = [str(i) for i in range(outputs.shape[1])]
        fit_labels, top = resolve_labels(outputs, self.mode, labels, top_labels)
        neighborhood.notes = [*self._sampling_notes, *neighborhood.notes]
        settings = settings.replace(num_samples=neighborhood.num_samples)
        exp = build_explanation(self.explanation_class, domain_mapper or self._domain_mapper(row), neighborhood,
                                self.mode, class_names, fit_labels, top, settings, self.verbose)
        exp.resample = Resample(self.explain_instance, data_row, predict_fn, labels=fit_labels,
                                top_labels=top_labels, num_features=settings.num_features,
                                distance_metric=settings.distance_metric,
                                model_regressor=settings.model_regressor, sampling_method=sampling_method,
                                batch_size=batch_size)
        return exp

    def _round_sampler(self, row: np.ndarray, predict_fn: Callable, centre: np.ndarray, sampling_method: str,
                       distance_metric: str, batch_size: Optional[int],
                       rounds: Optional[list] = None) -> adaptive.RoundSampler:
        """One round of ``num_samples='auto'``: fresh draws from one generator, placed around ``row``.

        ``rounds``, when given, receives ``(rows drawn, distances returned)`` for
        every round that returned: what replays the neighbourhood.
        """
        rng = random_state_for_call(self.random_state, self._init_state)

        def sample_round(n_rows: int, first: bool, progress: Optional[ProgressCallback]) -> tuple:
            skip = 0 if first else 1  # later rounds drop their placeholder row 0 (the instance)
            draws = self._sampler.draw(n_rows + skip, rng, sampling_method)
            inverse = self._sampler.model_rows(row, draws, centre)
            scaled, distances = _round_side(self, row, draws, inverse, distance_metric, skip)
            rows = inverse[skip:]
            codes = self._sampler.code_indices(draws.codes[:, skip:])
            if first and len(codes):
                codes[0] = self._instance_codes(row)
            outputs = call_model(predict_fn, lambda part: self.codec.decode(rows[part]) if self.codec is not None
                                 else rows[part], n_rows, batch_size, progress, self.mode, self.class_names)
            outputs = check_outputs(outputs, self.mode, self.class_names, owner=self)
            if rounds is not None:
                rounds.append((n_rows + skip, distances))
            return scaled, outputs, distances, codes

        return sample_round

    def _instance_codes(self, row: np.ndarray) -> np.ndarray:
        """:meth:`TabularSampler.code_indices` of the instance's own categories and bins."""
        binned = row if self.discretizer is None else self._sampler.bin_row(row)
        codes = np.asarray(binned, dtype=float)[self._sampler.categorical_features]
        return self._sampler.code_indices(codes[:, None])[0]

    def _population(self, row: np.ndarray, centre: np.ndarray, sampling_method: str,
                    distance_metric: str) -> Optional["TabularPopulation"]:
        """Free rows for ``num_samples="auto"``, when an emulator can know more than the interpretable rows.

        That needs categorical or binned features (their drawn codes); a lime-style
        discretizer object draws from its own generator, which free rows must not advance.
        """
        sampler = self._sampler
        if not sampler.categorical_features or not (self.discretizer is None
                                                    or isinstance(self.discretizer, BaseDiscretizer)):
            return None
        if len(sampler._values) > MAX_EMULATOR_INPUTS:  # one emulator feature per value: too wide
            return None
        return TabularPopulation(sampler, row, centre, self._instance_codes(row), sampling_method, distance_metric,
                                 None if self._identity_scaling else (self.scaler_mean, self.scaler_scale),
                                 "logit" if self.mode == "classification" else "identity")

    def _domain_mapper(self, row: np.ndarray) -> TableDomainMapper:
        names = list(self.feature_names)
        for i in self.original_categorical:
            value = int(row[i])
            if i in self.categorical_names:
                value = self.categorical_names[i][value]
            names[i] = f"{names[i]}={value}"
        if self.discretizer is not None:
            binned = self._sampler.bin_row(row)
            for f, bin_names in self.discretizer.names.items():
                names[f] = bin_names[int(binned[f])]
        if self.codec is not None:
            values = [self.codec.display_value(i, v) for i, v in enumerate(row)]
        else:
            values = [self._display_value(i, v) for i, v in enumerate(row)]
        categorical = [i in self.original_categorical for i in range(len(row))]
        return TableDomainMapper(names, list(self.feature_names), values, categorical)

    def _display_value(self, feature: int, value: float) -> str:
        if feature in self.original_categorical and feature in self.categorical_names:
            return str(self.categorical_names[feature][int(value)])
        return f"{value:.2f}"


class TabularRegenerate:
    """Rebuilds a tabular neighbourhood's interpretable rows and distances (no model call).

    Keeps the row, how its draws were made (an integer seed, or the generator's
    saved state) and a reference to the explainer for its sampler and scaling
    (shared by every explanation of that explainer, not copied). A fingerprint of
    the distances guards against replaying other draws (an explainer changed
    since, or a generator shared with another thread while drawing).
    ``rounds``: the neighbourhood of ``num_samples='auto'``, drawn in rounds of
    these many rows from one generator (every round after the first drops its
    placeholder row 0), as :meth:`TabularExplainer._round_sampler` draws them.
    """

    def __init__(self, explainer: "TabularExplainer", row: np.ndarray, replay: Any, num_samples: int,
                 sampling_method: str, distance_metric: str, distances: np.ndarray,
                 rounds: Optional[list[int]] = None):
        self.explainer = explainer
        self.row = row
        self.replay = replay
        self.num_samples = num_samples
        self.sampling_method = sampling_method
        self.distance_metric = distance_metric
        self.init_state = explainer._init_state  # the explainer's own tuple, not a copy
        self.sample_around_instance = explainer.sample_around_instance
        self.fingerprint = distances_fingerprint(distances)
        self.rounds = rounds

    def _generator(self) -> np.random.RandomState:
        if is_integer(self.replay):
            return random_state_for_call(self.replay, self.init_state)
        rng = np.random.RandomState()
        rng.set_state(self.replay)
        return rng

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        explainer = self.explainer
        sampler = explainer._sampler
        centre = self.row if self.sample_around_instance else explainer.scaler_mean
        if self.rounds is not None:
            rng = self._generator()
            parts = []
            for k, n_rows in enumerate(self.rounds):
                draws = sampler.draw(n_rows, rng, self.sampling_method)
                inverse = sampler.model_rows(self.row, draws, centre)
                parts.append(_round_side(explainer, self.row, draws, inverse, self.distance_metric, int(k > 0)))
            # joined as num_samples='auto' joins its rounds
            scaled, distances = (np.concatenate([p[i] for p in parts]) if len(parts) > 1 else parts[0][i]
                                 for i in range(2))
        else:
            if is_integer(self.replay) and explainer.random_state == self.replay:
                draws = explainer._draws(self.num_samples, self.sampling_method)  # reuses kept draws
            else:
                draws = sampler.draw(self.num_samples, self._generator(), self.sampling_method)
            inverse = sampler.model_rows(self.row, draws, centre)
            scaled, distances = _round_side(explainer, self.row, draws, inverse, self.distance_metric, 0)
        check_replayed(distances, self.fingerprint, "rows", "Explain the row again.")
        return scaled, distances


class SparseRegenerate:
    """Rebuilds a sparse row's neighbourhood (its non-zero columns) from its seed or saved generator state."""

    def __init__(self, explainer: "TabularExplainer", row: Any, replay: Any, num_samples: int,
                 sampling_method: str, distance_metric: str, distances: np.ndarray):
        self.explainer = explainer
        self.row = row  # the (1, n) CSR row: its non-zero values only
        self.replay = replay
        self.num_samples = num_samples
        self.sampling_method = sampling_method
        self.distance_metric = distance_metric
        self.init_state = explainer._init_state
        self.sample_around_instance = explainer.sample_around_instance
        self.fingerprint = distances_fingerprint(distances)

    _generator = TabularRegenerate._generator

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        explainer = self.explainer
        sample = SparseSample.draw(self.row, self.num_samples, self._generator(), explainer.sampling_scale,
                                   explainer.scaler_mean, self.sample_around_instance, self.sampling_method)
        scaled, distances = _sparse_side(sample, explainer.scaler_scale, self.distance_metric)
        check_replayed(distances, self.fingerprint, "rows", "Explain the row again.")
        return scaled, distances


class TabularPopulation:
    """Free rows of a tabular neighbourhood for ``num_samples="auto"`` (:class:`.assisted.Population`).

    The emulator's features are the one-hot codes of every categorical or binned
    column (which bin a draw fell in, where the interpretable row only says
    whether it is the instance's) and the scaled values of the other columns.
    """

    def __init__(self, sampler: TabularSampler, row: np.ndarray, centre: np.ndarray, instance_codes: np.ndarray,
                 sampling_method: str, distance_metric: str, scaling: Optional[tuple], link: str):
        self.sampler, self.row, self.centre = sampler, row, centre
        self.instance_codes = instance_codes
        self.sampling_method, self.distance_metric = sampling_method, distance_metric
        self.scaling, self.link = scaling, link
        self._continuous = np.setdiff1d(np.arange(len(row)), sampler.categorical_features)
        self.n_inputs = len(sampler._values) + len(self._continuous)

    def draw(self, rng: np.random.RandomState, n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # the sampler's row 0 is the instance: drawn (distances are measured from it) and dropped
        draws = self.sampler.draw(n_rows + 1, rng, self.sampling_method)
        inverse = self.sampler.model_rows(self.row, draws, self.centre)
        data = self.sampler.interpretable_rows(self.row, draws, inverse)
        scaled = data if self.scaling is None else (data - self.scaling[0]) / self.scaling[1]
        distances = _distances_to_first(scaled, self.distance_metric)[1:]
        codes = self.sampler.code_indices(draws.codes[:, 1:])
        return scaled[1:], distances, self.features(scaled[1:], codes)

    def features(self, data: np.ndarray, inputs: Optional[np.ndarray]) -> np.ndarray:
        """One-hot codes (``inputs``: :meth:`TabularSampler.code_indices`) and the continuous columns."""
        return np.hstack([self.sampler.one_hot(inputs), np.asarray(data, dtype=float)[:, self._continuous]])


def _round_side(explainer: "TabularExplainer", row: np.ndarray, draws: Draws, inverse: np.ndarray,
                distance_metric: str, skip: int) -> tuple[np.ndarray, np.ndarray]:
    """Interpretable rows (scaled) and distances of placed draws, without their first ``skip`` rows."""
    data = explainer._sampler.interpretable_rows(row, draws, inverse)
    scaled = data if explainer._identity_scaling else (data - explainer.scaler_mean) / explainer.scaler_scale
    distances = _distances_to_first(scaled, distance_metric)
    return (scaled[skip:], distances[skip:]) if skip else (scaled, distances)


def _sparse_side(sample: SparseSample, scaler_scale: np.ndarray, distance_metric: str) -> tuple[np.ndarray, np.ndarray]:
    """A sparse sample's varying columns, scaled, and their distances to the row."""
    scaled = sample.scaled(scaler_scale)
    distances = _distances_to_first(
        scaled if distance_metric == "euclidean" else sample.scaled_rows(scaler_scale), distance_metric)
    return scaled, distances


def _spread_notes(n_rows: int, variances: np.ndarray) -> list[str]:
    """A warning when the training data has no spread to sample from (one row, or constant columns)."""
    if n_rows == 1:
        what = "training_data has a single row"
    elif np.all(variances == 0):
        what = f"every column of training_data is constant ({n_rows} identical rows)"
    else:
        return []
    return [f"{what}: LIME perturbs each feature within the training data's spread, and there is none, so "
            "every perturbed sample equals that row. Pass more training rows (a few hundred typical ones) or "
            "training_data_stats."]


def _generator_state(discretizer: Any) -> Optional[tuple]:
    own = getattr(discretizer, "random_state", None)
    return own.get_state() if isinstance(own, np.random.RandomState) else None


def _distances_to_first(scaled: np.ndarray, metric: str) -> np.ndarray:
    if metric == "euclidean":
        if scaled.dtype == bool:  # squared distance = number of differing columns
            return np.sqrt(np.count_nonzero(scaled != scaled[0], axis=1).astype(float))
        diff = scaled - scaled[0]
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))
    if is_sparse(scaled):
        return pairwise_distances(scaled, scaled[:1], metric=metric).ravel()
    return pairwise_distances(np.asarray(scaled, dtype=float), np.asarray(scaled[:1], dtype=float),
                              metric=metric).ravel()


def _as_matrix(values: Any) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Could not read the data as numbers ({exc}). For string-valued categorical columns pass a pandas "
            "DataFrame as training_data."
        ) from None


def _n_rows(data: Any) -> Optional[int]:
    """The number of rows of ``training_data`` when it has a length (for messages only)."""
    try:
        return int(data.shape[0]) if hasattr(data, "shape") else len(data)
    except (TypeError, IndexError):
        return None


def _checked_training_labels(training_labels: Any, n_rows: int) -> np.ndarray:
    """One label per training row, or a ValueError saying what came instead."""
    labels = np.asarray(training_labels)
    if labels.ndim == 1 and labels.shape[0] == n_rows:
        return labels
    hint = ""
    if labels.ndim == 1 and labels.dtype.kind in "USO" and len(labels) < n_rows:
        hint = (" These look like names passed positionally (the third argument is training_labels): pass them by "
                "keyword, class_names=... or feature_names=...")
    shown = f" {labels.tolist()!r}" if 0 < labels.size <= 5 else ""
    raise ValueError(f"training_labels must hold one label per row of training_data ({n_rows}), got shape "
                     f"{labels.shape}{shown}.{hint}")
