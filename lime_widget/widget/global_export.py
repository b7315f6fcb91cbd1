"""The global view as one offline HTML page: strips, ranking and class toggle, no kernel.

Built like :func:`lime_widget.export.page_html` (inlined bundle, a script hash in the
Content-Security-Policy, nothing fetched), with a replay model that only stores values:
the strips need no Python. Opening a row's explanation needs a kernel; the page says so.
"""

from __future__ import annotations

from typing import Any

from ..export import standalone_page, view_defaults
from .bundle import BundleMissingError, missing_bundle_message
from .serialization import base64_buffer

# A model object that stores values and calls listeners (anywidget's model, minus the kernel).
_BOOTSTRAP = """
function lwModel(state) {
  const values = decodeBuffers({ ...state.traits });
  const listeners = new Map();
  const emit = (event, value) => {
    for (const cb of [...(listeners.get(event) || [])]) {
      try { cb(model, value); } catch (err) { console.error(err); }
    }
  };
  const model = {
    get: (name) => values[name],
    set(name, value) {
      if (values[name] === value) return;
      values[name] = value;
      emit(`change:${name}`, value);
      emit("change", value);
    },
    on(event, cb) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(cb);
    },
    off(event, cb) {
      if (!event) listeners.clear();
      else if (!cb) listeners.delete(event);
      else listeners.get(event)?.delete(cb);
    },
    save_changes() {},
    send() {},
  };
  return model;
}
(async () => {
  const el = document.getElementById("lw-root");
  try {
    const state = JSON.parse(document.getElementById("lw-state").textContent);
    await __lwWidget.render({ model: lwModel(state), el });
    document.body.setAttribute("data-lw-ready", "true");
  } catch (err) {
    const pre = document.createElement("pre");
    pre.textContent = `lime-widget: could not render this view: ${err && err.stack ? err.stack : err}`;
    el.appendChild(pre);
    document.body.setAttribute("data-lw-ready", "error");
    throw err;
  }
})();
"""


def global_html(view: Any, title: str = "LIME global view") -> str:
    """The standalone page of a :class:`~lime_widget.widget.global_view.GlobalView`.

    Returns
    -------
    str
        An HTML document that makes no network request.

    Raises
    ------
    BundleMissingError
        When ``lime_widget/static/global_view.js`` was not built (``npm run build``).
    """
    from .global_view import GLOBAL_JS

    if not GLOBAL_JS.is_file():
        raise BundleMissingError(missing_bundle_message(GLOBAL_JS))
    traits = {
        # the opened row's traits: none opens offline, but the view reads them
        **view_defaults(),
        "summary": view.summary,
        "weights": base64_buffer(view.weights),
        "colors": base64_buffer(view.colors),
        "global_label": int(view.global_label),
        "selected": -1,
        "selection_error": "",
        "offline": True,
    }
    css_file = GLOBAL_JS.with_suffix(".css")
    css = css_file.read_text(encoding="utf8") if css_file.is_file() else None
    return standalone_page(GLOBAL_JS.read_text(encoding="utf8"), css, _BOOTSTRAP, {"traits": traits}, title)
