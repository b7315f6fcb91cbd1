"""A small marimo app for the browser tests: one explanation through ``mo.ui.anywidget``
(a downstream cell prints its value) and one as a cell's plain output."""

import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import json

    import marimo as mo
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from lime_widget.lime_text import LimeTextExplainer

    docs = ["god is great and the church is good", "the church and the bible", "pray to god every day",
            "atheism rejects god", "no god exists, only science", "science and reason, not faith",
            "bible study at church", "evidence and reason matter", "faith in god", "reason over dogma"]
    y = [1, 1, 1, 0, 0, 0, 1, 0, 1, 0]
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10.0)).fit(docs, y)
    explainer = LimeTextExplainer(class_names=["atheism", "christian"], random_state=0)
    exp = explainer.explain_instance("I pray at church but reason and science matter to me, and god knows the bible.",
                                     pipeline.predict_proba, labels=(0, 1), num_features=6, num_samples=1000)
    return exp, json, mo


@app.cell
def _(exp, mo):
    view = mo.ui.anywidget(exp.widget())
    view  # noqa: B018 - marimo shows the last expression
    return (view,)


@app.cell
def _(json, mo, view):
    mo.plain_text("LW_VALUE=" + json.dumps({k: view.value.get(k) for k in ("num_features", "focused_feature", "label")}))
    return


@app.cell
def _(exp):
    # an explanation as the cell's last expression is the live widget too
    exp  # noqa: B018 - marimo shows the last expression
    return


if __name__ == "__main__":
    app.run()
