"""The notebooks the browser tests run: one per modality, each showing one widget.

Each notebook's first cell builds a model whose ``predict_fn`` fails while the file
``$LW_E2E_FLAGS/<name>.fail`` exists, explains one instance, logs the widget's
control traits to ``$LW_E2E_LOG`` (so the test reads what Python received), writes
the standalone export to ``$LW_E2E_EXPORTS/<name>.html`` and shows the widget.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

# A document that would run code if any of it reached innerHTML.
HOSTILE_TEXT = ("I pray at church <img src=x onerror=alert(1)> but reason and science matter "
                "<script>alert(2)</script> to me, and god knows the bible.")

PRELUDE = '''
import json, os
from pathlib import Path

NAME = {name!r}
FAIL_FLAG = Path(os.environ["LW_E2E_FLAGS"]) / f"{{NAME}}.fail"

def log(change):
    with open(os.environ["LW_E2E_LOG"], "a") as fh:
        fh.write(json.dumps({{"nb": NAME, "name": change["name"], "new": change["new"]}}) + "\\n")

def guarded(predict):
    def predict_fn(rows):
        if FAIL_FLAG.exists():
            raise RuntimeError("E2E: the model service is unreachable")
        return predict(rows)
    return predict_fn
'''

SHOW = '''
w = exp.widget()
w.observe(log, names=["num_features", "label", "focused_feature", "status", "num_samples"])
exp.save_to_file(os.path.join(os.environ["LW_E2E_EXPORTS"], NAME + ".html"))
w
'''

TABULAR = '''
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from lime_widget.lime_tabular import LimeTabularExplainer

wine = load_wine()
model = RandomForestClassifier(n_estimators=50, random_state=0).fit(wine.data, wine.target)
explainer = LimeTabularExplainer(wine.data, feature_names=wine.feature_names,
                                 class_names=list(wine.target_names), random_state=0)
# only the top class is explained: choosing another class in the view fits it on the cached sample
exp = explainer.explain_instance(wine.data[60], guarded(model.predict_proba), num_features=5,
                                 top_labels=1, num_samples=5000)
'''

TEXT = f'''
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
exp = explainer.explain_instance({HOSTILE_TEXT!r}, guarded(pipeline.predict_proba), labels=(0, 1),
                                 num_features=6, num_samples=5000)
'''

IMAGE = '''
import numpy as np
from skimage import data, transform
from skimage.segmentation import slic
from lime_widget.lime_image import LimeImageExplainer

picture = (transform.resize(data.astronaut(), (128, 128), anti_aliasing=True) * 255).astype(np.uint8)

def colour_model(images):
    """Three 'classes' (red, green, blue), sharpened shares of the image's light."""
    totals = np.asarray(images, dtype=float).reshape(len(images), -1, 3).sum(axis=1) + 1e-9
    logits = 25.0 * totals / totals.sum(axis=1, keepdims=True)
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    return odds / odds.sum(axis=1, keepdims=True)

explainer = LimeImageExplainer(random_state=0)
exp = explainer.explain_instance(picture, guarded(colour_model), top_labels=3, num_samples=500, hide_color=0,
                                 num_features=8,
                                 segmentation_fn=lambda im: slic(im, n_segments=40, start_label=0),
                                 progress_bar=False)
'''

PROBE = "print('LW_STATE=' + json.dumps({'num_features': w.num_features, 'label': w.label, " \
        "'focused_feature': w.focused_feature, 'status': w.status}))"

SOURCES = {"tabular": TABULAR, "text": TEXT, "image": IMAGE}
# --- notebooks with several widgets (keyboard, contrast, long names) -------------------

MULTI_PRELUDE = '''
import json, os

def logger(nb):
    def log(change):
        with open(os.environ["LW_E2E_LOG"], "a") as fh:
            fh.write(json.dumps({"nb": nb, "name": change["name"], "new": change["new"]}) + "\\n")
    return log

def shown(widget, nb):
    widget.observe(logger(nb), names=["num_features", "label", "focused_feature", "status", "num_samples",
                                      "kernel_width"])
    return widget

def guarded(predict):  # the single-widget notebooks' failure switch is not needed here
    return predict
'''

MULTI_PROBE = """
def state(w):
    return {'num_features': w.num_features, 'label': w.label, 'focused_feature': w.focused_feature,
            'status': w.status, 'num_samples': w.num_samples, 'kernel_width': w.kernel_width}
print('LW_STATE=' + json.dumps([state(w) for w in WIDGETS]))
"""

# A long review (about 400 words) whose strongest words get the darkest highlights.
LONG_TEXT = '''
import random
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from lime_widget.lime_text import LimeTextExplainer

good = "wonderful superb moving brilliant delightful gripping charming".split()
bad = "boring dull awful tedious clumsy bland wooden".split()
filler = ("the film story plot actors camera music scene ending script and with of a it was "
          "this that its in on for to").split()
train = [" ".join(random.Random(i).choices(good if i % 2 else bad, k=6) + random.Random(-i).choices(filler, k=6))
         for i in range(40)]
sentiment = make_pipeline(TfidfVectorizer(), LogisticRegression(C=20.0)).fit(train, [i % 2 for i in range(40)])
rng = random.Random(7)
review = " ".join(rng.choice(good + bad[:3]) if rng.random() < 0.12 else rng.choice(filler) for _ in range(400))
explainer = LimeTextExplainer(class_names=["negative", "positive"], random_state=0)
long_text_exp = explainer.explain_instance(review, sentiment.predict_proba, num_features=10, num_samples=1000)
text_w = shown(long_text_exp.widget(), "looks-text")
text_w
'''

# 30 features with long descriptive names (breast-cancer data): the rule must stay readable.
LONG_NAMES = '''
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from lime_widget.lime_tabular import LimeTabularExplainer

cancer = load_breast_cancer()
LONG_NAMES = [f"{n} of the cell nuclei in the digitised fine needle aspirate" for n in cancer.feature_names]
clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(cancer.data, cancer.target)
explainer = LimeTabularExplainer(cancer.data, feature_names=LONG_NAMES, class_names=list(cancer.target_names),
                                 random_state=0)
long_names_exp = explainer.explain_instance(cancer.data[0], clf.predict_proba, num_features=10, num_samples=2000)
tab_w = shown(long_names_exp.widget(), "looks-tabular")
tab_w
'''

# Two classes, "bright" and "dark": every superpixel shown raises the brightness, so all of
# the "dark" class's weights are negative and its Positive view is empty (issue 12, item 6).
BRIGHTNESS = '''
import numpy as np
from skimage import data as skdata, transform
from skimage.segmentation import slic
from lime_widget.lime_image import LimeImageExplainer

# no black pixel: hiding any superpixel (hide_color=0) makes the image darker
picture = (60 + transform.resize(skdata.astronaut(), (96, 96), anti_aliasing=True) * 140).astype(np.uint8)

def brightness_model(images):
    m = np.asarray(images, dtype=float).reshape(len(images), -1).mean(axis=1) / 255.0
    p = 1.0 / (1.0 + np.exp(-6.0 * (m - 0.35)))
    return np.column_stack([p, 1.0 - p])

explainer = LimeImageExplainer(random_state=0, class_names=["bright", "dark"])
image_exp = explainer.explain_instance(picture, brightness_model, top_labels=2, num_samples=300, hide_color=0,
                                       num_features=8, progress_bar=False,
                                       segmentation_fn=lambda im: slic(im, n_segments=30, start_label=0))
assert all(w < 0 for _, w in image_exp.local_exp[1]), image_exp.local_exp[1]
image_w = shown(image_exp.widget(), "looks-image")
image_w
'''


def _multi(cells: list[str], widgets: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [new_code_cell(MULTI_PRELUDE.strip())] + [new_code_cell(c.strip()) for c in cells]
    nb.cells.append(new_code_cell(f"WIDGETS = {widgets}\n" + MULTI_PROBE.strip()))
    return nb


def keys_notebook() -> nbformat.NotebookNode:
    """Cells: prelude, wine tabular widget, text widget, probe (state of both widgets)."""
    return _multi([TABULAR + "\nwine_w = shown(exp.widget(), 'keys-tabular')\nwine_w",
                   TEXT + "\ntext_w = shown(exp.widget(), 'keys-text')\ntext_w"], "[wine_w, text_w]")


def looks_notebook() -> nbformat.NotebookNode:
    """Cells: prelude, long text, long feature names, bright/dark image, probe."""
    return _multi([LONG_TEXT, LONG_NAMES, BRIGHTNESS], "[text_w, tab_w, image_w]")


def notebook_for(name: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    source = PRELUDE.format(name=name).strip() + "\n" + SOURCES[name].strip() + "\n" + SHOW.strip()
    nb.cells = [new_code_cell(source), new_code_cell(PROBE)]
    return nb


def write_notebooks(folder: Path) -> None:
    for name in SOURCES:
        nbformat.write(notebook_for(name), folder / f"{name}.ipynb")
    nbformat.write(keys_notebook(), folder / "keys.ipynb")
    nbformat.write(looks_notebook(), folder / "looks.ipynb")
