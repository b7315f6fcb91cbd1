"""Standalone HTML export: self-contained, state embedded, user text cannot break out."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from lime_widget import export
from lime_widget.widget import BundleMissingError, bundle

EVIL = '</script><img src=x onerror=alert(1)><script>alert(2)</script>'


class Page(HTMLParser):
    """Collects every tag with its attributes and the text of each script element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def embedded_state(page: Page) -> dict:
    [text] = [text for attrs, text in page.scripts if attrs.get("id") == "lw-state"]
    return json.loads(text)


def test_the_page_is_self_contained(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    html = exp.as_html()
    page = parse(html)
    assert counter.calls == 0
    urls = [value for _tag, attrs in page.tags for key, value in attrs.items() if key in ("src", "href", "action")]
    assert urls == []
    assert not [tag for tag, _ in page.tags if tag in ("link", "iframe", "object", "embed", "base")]
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"""import\s*\(|\bimport\s+[\w{*].*?from\s*['"]""", html)
    # exactly two scripts: the inert JSON state and one module, the built export entry as is
    kinds = [attrs.get("type") for attrs, _ in page.scripts]
    assert kinds == ["application/json", "module"]
    module = page.scripts[1][1]
    assert module.strip() == export._escape_script(bundle.built_script(bundle.EXPORT_JS)).strip()
    assert "export{" not in module.replace(" ", "")


def test_the_csp_allows_exactly_the_inline_module(wine_exp):
    html = wine_exp[0].as_html()
    page = parse(html)
    [csp] = [attrs["content"] for tag, attrs in page.tags
             if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    # the hash covers the module's exact text, so the browser runs it and nothing else
    module = re.search(r'<script type="module">(.*?)</script>', html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(module.encode("utf8")).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_the_state_holds_every_label_for_each_num_features(wine_exp):
    exp, _ = wine_exp
    state = embedded_state(parse(exp.as_html()))
    traits = state["traits"]
    assert traits["offline"] is True
    assert traits["num_features"] == 5 and traits["num_features_max"] == 13
    assert traits["label"] in (0, 1)
    offline = traits["explanation"].pop("offline")
    assert traits["explanation"] == exp.to_dict()
    assert sorted(offline) == ["0", "1"]
    for label in ("0", "1"):
        assert sorted(map(int, offline[label])) == list(range(1, 14))
    for k in (1, 6, 7, 13):
        expected = exp.refit(num_features=k).to_dict()["fits"]
        assert {label: offline[label][str(k)] for label in offline} == expected
        assert all(len(offline[label][str(k)]["weights"]) == k for label in offline)


def test_the_cap_bounds_the_precomputed_range(wine_exp):
    exp, _ = wine_exp
    state = export.offline_state(exp, num_features_cap=4)
    assert sorted(map(int, state["traits"]["explanation"]["offline"]["0"])) == [1, 2, 3, 4, 5]  # 5: its own
    assert state["traits"]["num_features_max"] == 5
    with pytest.raises(ValueError, match="num_features_cap must be a positive integer"):
        export.offline_state(exp, num_features_cap=0)


def test_labels_selects_and_adds_classes_without_model_calls(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    state = export.offline_state(exp, labels=[2])
    assert counter.calls == 0
    assert sorted(state["traits"]["explanation"]["offline"]) == ["2"]
    assert state["traits"]["label"] == 2
    with pytest.raises(ValueError, match="label 9 is not a class"):
        export.offline_state(exp, labels=[9])


def test_user_text_cannot_break_out_of_the_page(wine_model, tmp_path):
    from lime_widget.lime_tabular import LimeTabularExplainer

    data, model = wine_model
    names = list(data.feature_names)
    names[0] = EVIL
    classes = [EVIL, "b & <b>", "c\u2028d"]
    explainer = LimeTabularExplainer(data.data, feature_names=names, class_names=classes, random_state=0)
    exp = explainer.explain_instance(data.data[0], model.predict_proba, num_features=13, num_samples=300)
    path = tmp_path / "evil.html"
    exp.save_to_file(str(path))
    html = path.read_text(encoding="utf8")
    assert "<img" not in html and "<script>alert" not in html and "<b>" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # there, but inert
    assert html.count("</script>") == 2  # only the two real script elements end
    page = parse(html)
    assert [tag for tag, _ in page.tags if tag == "img"] == []
    state = embedded_state(page)
    assert state["traits"]["explanation"]["class_names"] == classes
    assert any(EVIL in name for name in state["traits"]["explanation"]["feature_names"])


def test_the_title_is_escaped(wine_exp):
    html = export.explanation_html(wine_exp[0], title=EVIL)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "&lt;/script&gt;" in title


def test_text_and_image_explanations_export(text_exp, image_exp):
    text_state = embedded_state(parse(text_exp[0].as_html()))
    assert text_state["traits"]["explanation"]["modality"] == "text"
    assert text_state["traits"]["image"] == {}

    exp = image_exp[0]
    state = embedded_state(parse(exp.as_html()))
    image = state["traits"]["image"]
    assert image["dtype"] == "uint8" and image["shape"] == [24, 32, 3]
    pixels = np.frombuffer(base64.b64decode(image["data_b64"]), dtype=np.uint8).reshape(24, 32, 3)
    np.testing.assert_array_equal(pixels, exp.image)
    segments = state["traits"]["segments"]
    assert segments["dtype"] == "int32" and segments["shape"] == [24, 32]
    offline = state["traits"]["explanation"]["offline"]
    assert sorted(offline) == ["0", "1"]  # top_labels=2 of 2 classes
    assert all(sorted(map(int, by_k)) == list(range(1, 7)) for by_k in offline.values())


def test_a_missing_bundle_says_how_to_build_it(wine_exp, monkeypatch, tmp_path):
    monkeypatch.setattr(bundle, "EXPORT_JS", tmp_path / "nope.js")
    with pytest.raises(BundleMissingError, match="npm run build"):
        export.explanation_html(wine_exp[0])


def test_script_end_tags_inside_the_bundle_are_escaped():
    inline = export._escape_script('var s="</SCRIPT><!--";var d={};')
    assert "</" not in inline and "<!--" not in inline
    assert '"\\x3C/SCRIPT>\\x3C!--"' in inline


def test_the_built_export_scripts_are_plain_scripts():
    # esbuild bundles each offline entry with the view inside: nothing to import, nothing exported
    for entry in (bundle.EXPORT_JS, bundle.GLOBAL_EXPORT_JS):
        script = bundle.built_script(entry)
        assert not re.search(r"\bimport\s*[{*(]|\bimport\s+\w|\bexport\s*[{*]|\bexport\s+default", script), entry.name


def test_a_development_build_s_source_map_is_left_out():
    script = 'console.log(1);\n//# sourceMappingURL=data:application/json;base64,e30=\n'
    assert export._without_source_map(script) == "console.log(1);"
    assert export._without_source_map("console.log(1);\n") == "console.log(1);\n"


def test_json_for_script_round_trips_and_hides_markup():
    value = {"a": EVIL, "b": "x & y > z", "c": "line\u2028sep"}
    text = export._json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value
