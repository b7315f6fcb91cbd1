"""Where the built front-end bundle lives, and a clear error when it is missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE_JS = STATIC / "widget.js"
BUNDLE_CSS = STATIC / "widget.css"


def missing_bundle_esm(path: Path) -> str:
    """What the notebook shows if a widget class was defined before its bundle existed.

    anywidget raises at class definition on a missing file, which would make the whole
    package unimportable for a reason unrelated to the import.
    """
    return f"""
export default {{ render({{ el }}) {{
  const p = document.createElement("pre");
  p.textContent = "lime-widget: the front-end bundle lime_widget/static/{path.name} is missing; run `npm run build`.";
  el.appendChild(p);
}} }};
"""


MISSING_BUNDLE_ESM = missing_bundle_esm(BUNDLE_JS)


def bundle_source(path: Path) -> Union[str, Path]:
    """A widget class's ``_esm`` / ``_css``: the file's text, read once at import.

    Not the path: anywidget connects every instance of a class whose ``_esm`` is a
    path to that file's change signal, with a closure that holds the instance, so
    no widget would ever be freed (closed or not). With anywidget's hot reloading
    on (``ANYWIDGET_HMR=1``, front-end development) the path is kept, and with it
    every instance.
    """
    if os.environ.get("ANYWIDGET_HMR") == "1":
        return path
    # anywidget reads a one-line string ending like "x.js" as a path; a newline keeps text text
    return path.read_text(encoding="utf8").rstrip("\n") + "\n"


class BundleMissingError(FileNotFoundError):
    """The JavaScript bundle was not built (source checkouts need ``npm run build``)."""


def missing_bundle_message(path: Path = BUNDLE_JS) -> str:
    return (
        f"lime-widget's front-end bundle {path} does not exist. It is built at install time; in a "
        "source checkout run `npm install && npm run build` (or `pip install -e .`, which runs both)."
    )


def bundle_js() -> str:
    """The text of the built ``widget.js`` (an ES module with ``export default {render}``)."""
    if not BUNDLE_JS.is_file():
        raise BundleMissingError(missing_bundle_message())
    return BUNDLE_JS.read_text(encoding="utf8")


def bundle_css() -> Optional[str]:
    """The bundle's stylesheet when esbuild emitted one (views may also style themselves in JS)."""
    return BUNDLE_CSS.read_text(encoding="utf8") if BUNDLE_CSS.is_file() else None
