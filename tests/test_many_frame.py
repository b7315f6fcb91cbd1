"""lime_widget.to_frame: one long table, its values those of the explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import grid_segments, redness, tiny_image, topic_pipeline
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

import lime_widget
from lime_widget.core.many import ExplainManyWarning, RowFailure, explain_many
from lime_widget.core.table import COLUMNS
from lime_widget.explanation import Explanation
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer


@pytest.fixture(scope="module")
def wine():
    data = load_wine()
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(data.data, data.target)
    return data, model


def test_tabular_rows_labels_and_features(wine):
    data, model = wine
    frame_in = pd.DataFrame(data.data[:4], columns=data.feature_names, index=[101, 102, 103, 104])
    frame_in.iloc[2, 0] = np.nan  # one failing row: left out of the table
    explainer = LimeTabularExplainer(pd.DataFrame(data.data, columns=data.feature_names),
                                     class_names=list(data.target_names), random_state=0)
    with pytest.warns(ExplainManyWarning):
        exps = explain_many(explainer, frame_in, lambda rows: model.predict_proba(rows.to_numpy()), labels=(0, 2),
                            num_features=4,
                            num_samples=300)
    assert isinstance(exps[2], RowFailure)
    table = lime_widget.to_frame(exps)
    assert tuple(table.columns) == COLUMNS and len(table) == 3 * 2 * 4
    assert table["row_id"].unique().tolist() == [101, 102, 104]
    for exp in (exps[0], exps[3]):
        for label in (0, 2):
            part = table[(table.row_id == exp.row_id) & (table.label == label)]
            assert list(zip(part.rule, part.weight)) == exp.as_list(label)
            assert part.feature_id.tolist() == [f for f, _ in exp.local_exp[label]]
            assert part.feature.tolist() == [data.feature_names[f] for f, _ in exp.local_exp[label]]
            assert part.value.tolist() == [float(exp.domain_mapper.values[f]) for f, _ in exp.local_exp[label]]
            assert (part.score == exp.scores[label]).all() and (part.intercept == exp.intercept[label]).all()
            assert (part.local_pred == exp.local_preds[label][0]).all()
            assert (part.prediction == exp.predict_proba[label]).all()
            assert (part.class_name == data.target_names[label]).all()
            assert part.low.isna().all() and part.high.isna().all()
    assert table.dtypes["weight"] == np.float64 and table.dtypes["feature_id"] == np.int64
    # what pandas and plotting take as it is: a mean |weight| per feature and class
    ranking = table.assign(size=table.weight.abs()).groupby(["class_name", "feature"])["size"].mean()
    assert len(ranking) == table.groupby(["class_name", "feature"]).ngroups


def test_text_image_regression_and_single_explanations(wine):
    data, _ = wine
    pipe = topic_pipeline()
    text_exp = LimeTextExplainer(random_state=0).explain_instance("the rocket and the nurse", pipe.predict_proba,
                                                                  num_features=3, num_samples=200)
    table = lime_widget.to_frame(text_exp)
    assert table.row_id.tolist() == [0, 0, 0] and table.feature.tolist() == [w for w, _ in text_exp.as_list()]
    assert table.value.isna().all() and table.value_text.isna().all()

    image_exp = LimeImageExplainer(random_state=0).explain_instance(
        tiny_image(), redness, top_labels=1, num_samples=60, segmentation_fn=grid_segments, progress_bar=False)
    image_table = lime_widget.to_frame({"img": image_exp})
    label = image_exp.top_labels[0]
    assert image_table.row_id.unique().tolist() == ["img"] and (image_table.label == label).all()
    assert list(zip(image_table.feature, image_table.weight)) == image_exp.as_list(label)

    reg = RandomForestRegressor(n_estimators=5, random_state=0).fit(data.data[:, 1:], data.data[:, 0])
    reg_exp = LimeTabularExplainer(data.data[:, 1:], mode="regression", random_state=0).explain_instance(
        data.data[0, 1:], reg.predict, num_features=3, num_samples=300)
    reg_table = lime_widget.to_frame([reg_exp])
    assert (reg_table.label == 1).all() and list(zip(reg_table.rule, reg_table.weight)) == reg_exp.as_list()
    assert (reg_table.prediction == reg_exp.predicted_value).all() and reg_table.class_name.isna().all()

    empty = lime_widget.to_frame([])
    assert tuple(empty.columns) == COLUMNS and len(empty) == 0


class WithIntervals(Explanation):
    def uncertainty(self, label=None, level=0.95):
        ids = [f for f, _ in self.local_exp[label]]
        weights = np.array([w for _, w in self.local_exp[label]])
        return pd.DataFrame({"feature_id": ids[::-1], "low": (weights - level)[::-1], "high": (weights + level)[::-1]})


class WithoutIntervals(Explanation):
    uncertainty = None


def test_intervals_come_from_uncertainty_by_feature_id(wine):
    data, model = wine
    explainer = LimeTabularExplainer(data.data, random_state=0)
    explainer.explanation_class = WithIntervals
    exp = explainer.explain_instance(data.data[5], model.predict_proba, num_features=3, num_samples=300)
    table = lime_widget.to_frame([exp], level=0.5)
    np.testing.assert_allclose(table.low, table.weight - 0.5)
    np.testing.assert_allclose(table.high, table.weight + 0.5)
    explainer.explanation_class = WithoutIntervals
    plain = explainer.explain_instance(data.data[5], model.predict_proba, num_features=3, num_samples=300)
    with pytest.raises(TypeError, match=r"level=0.5 asks for intervals, but WithoutIntervals has no uncertainty"):
        lime_widget.to_frame([plain], level=0.5)
    with pytest.raises(TypeError, match=r"row 1 is a str"):
        lime_widget.to_frame([plain, "not an explanation"])
