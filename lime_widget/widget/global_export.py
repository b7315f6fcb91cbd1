"""The global view as one offline HTML page: strips, ranking and class toggle, no kernel.

Built like :func:`lime_widget.export.page_html` (one inlined script, a script hash in the
Content-Security-Policy, nothing fetched). The script is ``js/global_export_bootstrap.ts``
(built to ``lime_widget/static/global_export_bootstrap.js``): the global view's
``render`` with a model that only stores values, since the strips need no Python.
Opening a row's explanation needs a kernel; the page says so.
"""

from __future__ import annotations

from typing import Any

from ..export import standalone_page, view_defaults
from . import bundle
from .serialization import base64_buffer


def global_html(view: Any, title: str = "LIME global view") -> str:
    """The standalone page of a :class:`~lime_widget.widget.global_view.GlobalView`.

    Returns
    -------
    str
        An HTML document that makes no network request.

    Raises
    ------
    BundleMissingError
        When ``lime_widget/static/global_export_bootstrap.js`` was not built (``npm run build``).
    """
    entry = bundle.GLOBAL_EXPORT_JS
    script = bundle.built_script(entry)
    traits = {
        # the opened row's traits: no row opens offline, but the view reads them
        **view_defaults(),
        "summary": view.summary,
        "weights": base64_buffer(view.weights),
        "colors": base64_buffer(view.colors),
        "global_label": int(view.global_label),
        "selected": -1,
        "selection_error": "",
        "offline": True,
    }
    return standalone_page(script, bundle.built_css(entry), {"traits": traits}, title)
