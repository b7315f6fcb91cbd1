"""Standalone HTML export: the interactive view in one offline file, no kernel needed.

The page inlines one built script (``js/export_bootstrap.ts``, built by ``npm run build``
to ``lime_widget/static/export_bootstrap.js``) that runs the widget's ``render`` against a
small model object replaying precomputed state: every explained label's fits for each
``num_features`` from 1 up to a cap, so the ``num_features`` control and the class
toggles work without Python. Python only writes that state as JSON. Nothing is fetched
from the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any, Optional, Sequence

import numpy as np

from .core.validation import check_integer, is_integer
from .widget import bundle, serialization, state, trust
from .widget.traits import ExplanationViewTraits

#: Largest ``num_features`` precomputed for the offline view (fits grow as cap² x labels).
NUM_FEATURES_CAP = 30
#: Which offline fits carry intervals and stability (see :func:`offline_state`).
INTERVALS = ("shown", "all", "none")

# ipywidgets' own DOMWidget traits: layout, tabbing, tooltip... not part of the view's state
_WIDGET_BASE_TRAITS = {"layout", "tabbable", "tooltip", "comm", "keys", "log"}

# JupyterLab's theme variables, so the view looks the same outside JupyterLab.
_THEME_CSS = """
:root {
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  --jp-code-font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace;
  --jp-ui-font-size1: 13px; --jp-code-font-size: 13px; --jp-content-font-size1: 14px;
  --jp-layout-color0: #ffffff; --jp-layout-color1: #ffffff; --jp-layout-color2: #eeeeee;
  --jp-layout-color3: #bdbdbd;
  --jp-ui-font-color0: rgba(0,0,0,1); --jp-ui-font-color1: rgba(0,0,0,0.87);
  --jp-ui-font-color2: rgba(0,0,0,0.54); --jp-ui-font-color3: rgba(0,0,0,0.38);
  --jp-content-font-color0: rgba(0,0,0,1); --jp-content-font-color1: rgba(0,0,0,0.87);
  --jp-border-color0: #bdbdbd; --jp-border-color1: #e0e0e0; --jp-border-color2: #eeeeee;
  --jp-brand-color0: #1565c0; --jp-brand-color1: #1976d2; --jp-brand-color2: #64b5f6;
  --jp-error-color0: #d32f2f; --jp-error-color1: #f44336; --jp-warn-color0: #f57c00;
  --jp-success-color0: #388e3c; --jp-border-radius: 2px;
}
@media (prefers-color-scheme: dark) {
  :root {
    --jp-layout-color0: #111111; --jp-layout-color1: #212121; --jp-layout-color2: #424242;
    --jp-layout-color3: #616161;
    --jp-ui-font-color0: rgba(255,255,255,1); --jp-ui-font-color1: rgba(255,255,255,0.87);
    --jp-ui-font-color2: rgba(255,255,255,0.54); --jp-ui-font-color3: rgba(255,255,255,0.38);
    --jp-content-font-color0: rgba(255,255,255,1); --jp-content-font-color1: rgba(255,255,255,0.87);
    --jp-border-color0: #616161; --jp-border-color1: #616161; --jp-border-color2: #424242;
  }
}
body { margin: 16px; background: var(--jp-layout-color0); color: var(--jp-ui-font-color1);
       font-family: var(--jp-ui-font-family); font-size: var(--jp-ui-font-size1); }
"""


def explanation_html(exp: Any, labels: Optional[Sequence[int]] = None,
                     num_features_cap: int = NUM_FEATURES_CAP, title: Optional[str] = None,
                     intervals: str = "shown") -> str:
    """One self-contained HTML page with the interactive view of ``exp``.

    Parameters
    ----------
    exp : Explanation
        An explanation from one of lime-widget's explainers.
    labels : sequence of int, optional
        Classes to include (default: every explained label). Labels not explained yet
        are fitted on the cached neighbourhood (no model call).
    num_features_cap : int, default 30
        The offline ``num_features`` control covers ``1..min(n_features, cap)`` (and
        the explanation's own ``num_features``, if larger).
    title : str, optional
        The page title.
    intervals : {'shown', 'all', 'none'}, default 'shown'
        Which precomputed fits carry their 95% intervals and stability (whiskers
        and the stability badge offline; zero model calls): those of the shown
        ``num_features`` (every exported label), every fit, or none. See
        :func:`offline_state` for the cost.

    Returns
    -------
    str
        The HTML document. It makes no network request.

    Raises
    ------
    BundleMissingError
        When the front-end bundle was not built (``npm run build``).
    """
    payload = offline_state(exp, labels=labels, num_features_cap=num_features_cap, intervals=intervals)
    return page_html(payload, title or _default_title(exp))


def page_html(payload: dict, title: str = "LIME explanation") -> str:
    """The standalone page for a replay payload ``{"traits": {...}}`` (see :func:`offline_state`).

    Binary traits (``image``, ``segments``) are ``{"data_b64", "dtype", "shape"}``.

    Raises
    ------
    BundleMissingError
        When ``lime_widget/static/export_bootstrap.js`` was not built (``npm run build``).
    """
    entry = bundle.EXPORT_JS
    return standalone_page(bundle.built_script(entry), bundle.built_css(entry), payload, title)


def standalone_page(script: str, css: Optional[str], payload: dict, title: str) -> str:
    """One self-contained HTML document: the JSON ``payload`` in ``#lw-state`` and ``script`` (a
    built offline entry, ``js/*_bootstrap.ts``, which reads it and renders into ``#lw-root``),
    inlined under a Content-Security-Policy that lets only this script run and nothing reach
    the network."""
    script = f"\n{_escape_script(_without_source_map(script))}\n"
    # only this exact script may run: no inline event handler (onerror=...) anywhere can
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf8")).digest()).decode("ascii")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # belt and braces: even a bug in the view cannot reach the network
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; img-src data: blob:\">",
        f"<title>{html.escape(title)}</title>",
        f"<style>{_THEME_CSS}</style>",
        f"<style>{_escape_style(css)}</style>" if css else "",
        "</head>",
        "<body>",
        '<div id="lw-root" class="lw-export"></div>',
        f'<script type="application/json" id="lw-state">{_json_for_script(payload)}</script>',
        f'<script type="module">{script}</script>',
        "</body>",
        "</html>",
        "",
    ])


def widget_state_html(model_state: dict, buffers: Sequence[dict] = (), title: str = "LIME explanation") -> str:
    """A standalone page from an ``ExplanationWidget``'s saved notebook widget state.

    Notebooks executed with ``store_widget_state=True`` keep each widget's traits in
    their metadata; this renders one of them without a kernel (the controls work
    within what was computed when the notebook ran).

    Parameters
    ----------
    model_state : dict
        The widget model's ``state`` (trait values) from the notebook metadata.
    buffers : sequence of dict
        Its ``buffers``: ``{"path": [trait, "data"], "encoding": "base64", "data": str}``.
    """
    # a state saved by an older version may lack newer traits: they start at their defaults
    saved = {k: v for k, v in model_state.items() if not k.startswith("_") and k not in _WIDGET_BASE_TRAITS}
    traits = {**view_defaults(), **saved}
    for buffer in buffers:
        path = list(buffer.get("path", []))
        if len(path) == 2 and path[1] == "data" and isinstance(traits.get(path[0]), dict):
            if buffer.get("encoding") != "base64":
                raise ValueError(f"Unsupported widget buffer encoding {buffer.get('encoding')!r}.")
            traits[path[0]] = {**traits[path[0]], "data_b64": buffer["data"]}
            traits[path[0]].pop("data", None)
    if not isinstance(traits.get("explanation"), dict) or not traits["explanation"]:
        raise ValueError("The widget state has no explanation to show.")
    traits.update(offline=True, status="idle", error="", progress=1.0)
    return page_html({"traits": traits}, title)


def offline_state(exp: Any, labels: Optional[Sequence[int]] = None,
                  num_features_cap: int = NUM_FEATURES_CAP, intervals: str = "shown") -> dict:
    """The data the offline page replays: the initial traits, with every fit precomputed.

    ``intervals`` picks the offline fits that carry ``"uncertainty"`` (the payload
    of the live widget's ``uncertainty`` trait: ``exp.uncertainty()`` and the
    stability of that label and ``num_features``): ``'shown'`` those of the shown
    ``num_features``, ``'all'`` every one, ``'none'`` none; the ``uncertainty``
    trait holds the shown fit's. They come from the cached neighbourhood (zero
    model calls) but each costs a bootstrap: 30 to 250 ms for 5000 samples x 30
    features, so ``'all'`` takes about 15 s for two labels there (and much longer
    with ``lasso_path``), against 0.1 s for ``'shown'``.

    Returns
    -------
    dict
        ``{"traits": {...}}``; ``traits["explanation"]`` is ``exp.to_dict()`` plus
        ``"offline": {"<label>": {"<num_features>": fit}}`` (docs/PROTOCOL.md).
    """
    if not isinstance(intervals, str) or intervals not in INTERVALS:
        raise ValueError(f"intervals must be one of {INTERVALS}, got {intervals!r}.")
    num_features_cap = check_integer("num_features_cap", num_features_cap, expected="a positive integer")
    if exp.neighborhood is None:
        raise ValueError("This explanation has no cached neighbourhood, so its view cannot be precomputed.")
    controls = state.controls(exp)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or np.ndim(labels) != 1 or len(labels) == 0:
            raise ValueError(f"labels must name at least one class to export (a sequence of class indices), got "
                             f"{labels!r}.")
        if not all(is_integer(x) for x in labels):
            raise ValueError(f"labels must hold integer class indices, got {list(labels)!r}.")
        labels = [int(x) for x in labels]
        if exp.mode == "classification":
            exp = exp.refit(labels=labels)  # validates them; fits new ones without the model
            controls["label"] = controls["label"] if controls["label"] in labels else labels[0]
    n_shown = controls["num_features"]  # exp.settings capped it
    n_max = min(state.num_features_max(exp), max(num_features_cap, n_shown))
    explained = sorted(exp.local_exp) if exp.mode == "classification" else None
    offline: dict = {}
    for k in range(1, n_max + 1):
        fitted = exp.refit(num_features=k, labels=explained)
        for label, fit in fitted.to_dict()["fits"].items():
            if (intervals == "all" or (intervals == "shown" and k == n_shown)) and _shows_label(exp, int(label)):
                fit["uncertainty"] = _compact(trust.uncertainty_payload(fitted, int(label)))
            offline.setdefault(label, {})[str(k)] = fit
    shown = exp.refit(num_features=n_shown, labels=explained).to_dict()
    shown["offline"] = offline
    view_label = trust.shown_label(exp, controls["label"])
    shown_trust = offline.get(str(view_label), {}).get(str(n_shown), {}).get("uncertainty", {})
    image, segments = serialization.image_buffers(exp)
    traits = {
        **view_defaults(),
        **controls,
        "num_features": n_shown,
        "explanation": shown,
        "image": serialization.base64_buffer(image),
        "segments": serialization.base64_buffer(segments),
        "status": "idle",
        "progress": 1.0,
        "error": "",
        "num_features_max": n_max,
        "offline": True,
        "focused_feature": -1,
        "uncertainty": shown_trust,
    }
    return {"traits": traits}


def view_defaults() -> dict:
    """Every synced trait of an explanation view at its default: the offline pages send the
    front end the same full set of traits the live widget does (js/types.ts ExplanationTraits)."""
    return {name: trait.default() for name, trait in ExplanationViewTraits.class_traits(sync=True).items()}


def _shows_label(exp: Any, label: int) -> bool:
    # a regression view shows label 1 (the prediction); label 0 is its mirror
    return exp.mode == "classification" or label == state.REGRESSION_LABEL


def _compact(payload: dict) -> dict:
    """Interval ends and frequencies to 4 significant digits (the view shows 3); weights stay exact."""
    def short(value: Any) -> Any:
        return None if value is None else float(f"{value:.4g}")

    rows = [[fid, w, short(lo), short(hi), short(freq)] for fid, w, lo, hi, freq in payload["intervals"]]
    return {**payload, "stability": short(payload["stability"]), "intervals": rows}


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` can end the element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _escape_script(source: str) -> str:
    """JS source safe inside ``<script>``: ``\\x3C`` is ``<`` in strings, templates and regexes."""
    source = re.sub(r"</(script)", r"\\x3C/\1", source, flags=re.IGNORECASE)
    return source.replace("<!--", "\\x3C!--")


def _escape_style(css: str) -> str:
    return re.sub(r"</(style)", r"\\3C/\1", css, flags=re.IGNORECASE)


def _without_source_map(script: str) -> str:
    """``script`` without the inline source map a development build (``npm run dev``) appends."""
    body, _, last = script.rstrip().rpartition("\n")
    return body if last.startswith("//# sourceMappingURL=") else script


def _default_title(exp: Any) -> str:
    modality = getattr(getattr(exp, "domain_mapper", None), "modality", "")
    return f"LIME explanation ({modality})" if modality else "LIME explanation"
