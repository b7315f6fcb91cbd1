"""GlobalView: the ranking, the buffers, opening a row (zero model calls), pick marks, export."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lime_widget
from lime_widget.core.many import ExplainManyWarning, RowFailure, explain_many
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer
from lime_widget.submodular_pick import SubmodularPick
from lime_widget.widget.global_view import GlobalView


@pytest.fixture(scope="module")
def wine_many():
    data = load_wine()
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(data.data, data.target)
    rows = pd.DataFrame(data.data[:12], columns=data.feature_names, index=[f"r{i}" for i in range(12)])
    rows.iloc[5, 0] = np.nan  # a failing row: left out of the view, counted
    explainer = LimeTabularExplainer(pd.DataFrame(data.data, columns=data.feature_names),
                                     class_names=list(data.target_names), random_state=0)
    predict = CountingModel(lambda x: model.predict_proba(np.asarray(x, dtype=float)))
    with pytest.warns(ExplainManyWarning):
        exps = explain_many(explainer, rows, predict, labels=(0, 1, 2), num_features=5, num_samples=300)
    assert isinstance(exps[5], RowFailure)
    return data, exps, predict, explainer, rows


def test_ranking_is_mean_abs_weight_from_to_frame(wine_many):
    data, exps, _, _, _ = wine_many
    view = GlobalView(exps, max_features=13)
    table = lime_widget.to_frame(exps)
    n_rows = len(exps) - 1
    assert view.summary["n_rows"] == n_rows and view.summary["n_failed"] == 1
    assert view.summary["labels"] == [0, 1, 2]
    assert view.summary["row_ids"] == [f"r{i}" for i in range(12) if i != 5]
    assert view.summary["positions"] == [i for i in range(12) if i != 5]
    features = view.summary["features"]
    for k, label in enumerate([0, 1, 2]):
        part = table[table.label == label]
        # a row whose explanation left the feature out counts 0
        expected = part.assign(size=part.weight.abs()).groupby("feature")["size"].sum() / n_rows
        expected = expected.sort_values(ascending=False, kind="stable")
        ranked = [features[j] for j in view.summary["ranking"][k]]
        assert sorted(ranked) == sorted(expected.index)
        got = [view.summary["importance"][k][j] for j in view.summary["ranking"][k]]
        np.testing.assert_allclose(got, expected.loc[ranked].to_numpy(), rtol=1e-12)
        assert got == sorted(got, reverse=True)


def test_max_features_keeps_the_top_of_each_class(wine_many):
    _, exps, _, _, _ = wine_many
    view = GlobalView(exps, max_features=2)
    assert all(len(r) == 2 for r in view.summary["ranking"])
    full = GlobalView(exps, max_features=13)
    for k in range(3):
        top = [full.summary["features"][j] for j in full.summary["ranking"][k][:2]]
        assert [view.summary["features"][j] for j in view.summary["ranking"][k]] == top
    with pytest.raises(ValueError, match="max_features must be a positive integer, got 0"):
        GlobalView(exps, max_features=0)


def test_buffers_hold_every_weight_and_scaled_value(wine_many):
    data, exps, _, _, rows = wine_many
    view = GlobalView(exps, max_features=13)
    weights, colors = view.weights, view.colors
    assert weights["dtype"] == "float32" and colors["dtype"] == "float32"
    n_rows, n_feat = 11, len(view.summary["features"])
    assert weights["shape"] == [3, n_rows, n_feat] and colors["shape"] == [n_rows, n_feat]
    assert isinstance(weights["data"], memoryview) and weights["data"].nbytes == 3 * n_rows * n_feat * 4
    w = np.frombuffer(weights["data"], dtype=np.float32).reshape(weights["shape"])
    c = np.frombuffer(colors["data"], dtype=np.float32).reshape(colors["shape"])
    col = {name: j for j, name in enumerate(view.summary["features"])}
    ok = [e for e in exps if not isinstance(e, RowFailure)]
    for r, exp in enumerate(ok):
        for k, label in enumerate([0, 1, 2]):
            present = {data.feature_names[f]: wt for f, wt in exp.local_exp[label]}
            for name, j in col.items():
                if name in present:
                    assert w[k, r, j] == np.float32(present[name])
                else:
                    assert np.isnan(w[k, r, j])
    # colour: the shown value of the row, scaled over the rows that have the feature in an explanation
    for name, j in col.items():
        known = ~np.isnan(c[:, j])
        values = np.array([float(e.domain_mapper.values[data.feature_names.index(name)]) for e in ok])[known]
        if np.ptp(values) > 0:
            np.testing.assert_allclose(c[known, j], (values - values.min()) / np.ptp(values), atol=1e-6)
        assert ((c[known, j] >= 0) & (c[known, j] <= 1)).all()


def test_opening_a_row_shows_its_explanation_and_refits_without_the_model(wine_many):
    _, exps, predict, _, _ = wine_many
    view = GlobalView(exps, label=2)
    before = predict.calls
    view.selected = 3
    assert view.selection_error == ""
    assert view.current_explanation is not None and view.current_explanation.row_id == "r3"
    assert view.explanation == view.current_explanation.to_dict()
    assert view.label == 2  # opens on the class the strips show
    view.num_features = 2  # the row's refit control, through the bridge
    assert view.status == "idle" and len(view.current_explanation.local_exp[2]) == 2
    assert view.num_features == 2
    view.global_label = 0  # the class toggle: the opened row follows
    assert view.label == 0 and view.current_explanation.row_id == "r3"
    assert view.explanation == view.current_explanation.to_dict()
    view.global_label = 2
    view.open_row(7)
    assert view.current_explanation.row_id == "r7"
    view.selected = 3  # the row comes back as the user left it
    assert len(view.current_explanation.local_exp[2]) == 2
    assert predict.calls == before  # zero model calls
    view.selected = 5  # the failed row
    assert "failed" in view.selection_error and view.current_explanation is None
    view.selected = 99
    assert "selected must be -1 or a position in 0..11" in view.selection_error
    view.selected = -1
    assert view.selection_error == "" and view.current_explanation is None


def test_pick_marks_rows_and_bad_input_is_named(wine_many):
    data, exps, _, explainer, rows = wine_many
    view = GlobalView(exps, pick=[0, 6, 11])
    # positions in the explanations; the view's row index skips the failed row 5
    assert view.summary["picked"] == [0, 5, 10]
    with pytest.raises(ValueError, match=r"pick has row positions \[12\] outside 0..11"):
        GlobalView(exps, pick=[12])
    with pytest.raises(TypeError, match="pick must hold integer row positions"):
        GlobalView(exps, pick=["a"])
    with pytest.raises(ValueError, match=r"label must be one of the explained classes \[0, 1, 2\], got 7"):
        GlobalView(exps, label=7)
    with pytest.raises(ValueError, match="at least one explanation"):
        GlobalView([])
    with pytest.raises(TypeError, match="position 0 holds a str"):
        GlobalView(["not an explanation"])
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(data.data, data.target)
    sp = SubmodularPick(explainer, data.data[:10], model.predict_proba, sample_size=10, num_features=3,
                        num_exps_desired=2, num_samples=200)
    marked = GlobalView(sp.explanations, pick=sp)
    assert marked.summary["picked"] == sorted(int(v) for v in sp.V)
    # exps explain data rows 0..11 and the pick was made on rows 0..9: its data rows are marked
    assert GlobalView(exps, pick=sp).picked == sorted(int(sp.sample_indices[v]) for v in sp.V)


@pytest.fixture(scope="module")
def wine_picks():
    X, y = load_wine(return_X_y=True)
    X = X[:30]
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(*load_wine(return_X_y=True))
    explainer = LimeTabularExplainer(X, random_state=0)
    kwargs = dict(num_features=3, num_samples=200, top_labels=1)
    exps = explain_many(explainer, X, model.predict_proba, **kwargs)
    picks = {
        "sample, all rows shuffled": SubmodularPick(explainer, X, model.predict_proba, sample_size=30,
                                                    num_exps_desired=3, **kwargs),
        "sample of 12": SubmodularPick(explainer, X, model.predict_proba, sample_size=12, num_exps_desired=3,
                                       **kwargs),
        "full": SubmodularPick(explainer, X, model.predict_proba, method="full", num_exps_desired=3, **kwargs),
    }
    return X, model, explainer, exps, picks


@pytest.mark.parametrize("which", ["sample, all rows shuffled", "sample of 12", "full"])
def test_a_pick_circles_the_rows_whose_explanations_it_picked(wine_picks, which):
    X, _, _, exps, picks = wine_picks
    sp = picks[which]
    view = GlobalView(exps, pick=sp)
    expected = sorted(int(sp.sample_indices[v]) for v in sp.V)
    assert view.picked == expected and view.summary["picked"] == expected  # no failed rows: row index = position
    if which != "full":
        assert expected != sorted(sp.V)  # the shuffled sample's positions would be other rows
    # the circled rows' explanations are the picked ones (an integer seed gives the same answer every call)
    circled = {tuple(exps[p].as_list(label=exps[p].top_labels[0])) for p in view.picked}
    picked = {tuple(e.as_list(label=e.top_labels[0])) for e in sp.sp_explanations}
    assert circled == picked and len(circled) == 3
    own = GlobalView(sp.explanations, pick=sp)  # with its own explanations, V are the positions
    assert own.picked == sorted(sp.V)
    assert {tuple(sp.explanations[p].as_list(label=sp.explanations[p].top_labels[0])) for p in own.picked} == picked


def test_a_pick_made_on_other_rows_is_refused(wine_picks):
    X, model, explainer, exps, picks = wine_picks
    sp = picks["sample, all rows shuffled"]
    with pytest.raises(ValueError, match="not of the data the pick was made on"):
        GlobalView(exps[::-1], pick=sp)
    rows = sorted(int(sp.sample_indices[v]) for v in sp.V)
    beyond = [r for r in rows if r >= 10]
    assert beyond  # this pick chose rows the first ten explanations do not hold
    with pytest.raises(ValueError, match=re.escape(f"pick chose data rows {beyond}, but the view has 10 explanations")):
        GlobalView(exps[:10], pick=sp)


def test_text_colours_are_presence_and_class_toggle_checks():
    docs = ["good great fine", "bad awful poor", "good bad", "great fine fine", "poor awful"]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(docs, [1, 0, 1, 1, 0])
    explainer = LimeTextExplainer(class_names=["neg", "pos"], random_state=0)
    exps = explain_many(explainer, docs, model.predict_proba, num_features=3, num_samples=200)
    view = GlobalView(exps)
    assert view.summary["color_kind"] == "presence" and view.summary["modality"] == "text"
    c = np.frombuffer(view.colors["data"], dtype=np.float32).reshape(view.colors["shape"])
    w = np.frombuffer(view.weights["data"], dtype=np.float32).reshape(view.weights["shape"])
    assert np.array_equal(np.isnan(c), np.isnan(w[0]))  # one label: a dot where a word was explained
    assert set(np.unique(c[~np.isnan(c)])) == {1.0}
    assert "good" in view.summary["features"]
    with pytest.raises(Exception, match="global_label must be one of"):
        view.global_label = 5


def test_offline_page_embeds_the_buffers_and_says_rows_need_a_kernel(wine_many, tmp_path):
    _, exps, _, _, _ = wine_many
    view = GlobalView(exps, pick=[1])
    path = tmp_path / "global.html"
    view.save_to_file(str(path))
    page = path.read_text(encoding="utf8")
    assert "Content-Security-Policy" in page and "needs a running Python kernel" in page
    assert "data_b64" in page and "http://" not in page.replace("http://www.w3.org", "")
    assert view.as_html() == page


def test_explain_many_result_displays_as_the_global_view(wine_many):
    data, _, _, explainer, _ = wine_many
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(data.data, data.target)
    exps = lime_widget.explain_many(explainer, data.data[:3], model.predict_proba, num_features=3, num_samples=200)
    assert isinstance(exps, list) and exps.row_ids == [0, 1, 2] and exps.failures == []
    assert isinstance(exps.widget(), GlobalView) and exps.widget(pick=[1]).summary["picked"] == [1]
    data_, _ = exps._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data_ and data_["text/plain"].startswith("<GlobalView: 3 rows")
    empty = lime_widget.explain_many(explainer, data.data[:0], model.predict_proba)
    assert empty == [] and empty._repr_mimebundle_() is None  # IPython falls back to the list's repr


def test_regression_rows_show_one_strip_set():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    X, y = load_diabetes(return_X_y=True)
    model = Ridge().fit(X, y)
    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)
    predict = CountingModel(model.predict)
    exps = explain_many(explainer, X[:6], predict, num_features=4, num_samples=200)
    calls = predict.calls
    view = GlobalView(exps)
    assert view.summary["labels"] == [1] and view.summary["class_names"] == ["prediction"]
    assert view.global_label == 1 and view.weights["shape"][0] == 1
    table = lime_widget.to_frame(exps)
    top = (table.assign(size=table.weight.abs()).groupby("feature")["size"].sum() / 6).idxmax()
    assert view.summary["features"][view.summary["ranking"][0][0]] == top
    view.selected = 2
    assert view.current_explanation is exps[2] and view.label == 1
    view.num_features = 2
    assert len(view.current_explanation.local_exp[1]) == 2 and predict.calls == calls
