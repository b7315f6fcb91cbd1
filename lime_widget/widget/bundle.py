"""Where the built front-end bundle lives, and a clear error when it is missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE_JS = STATIC / "widget.js"
BUNDLE_CSS = STATIC / "widget.css"
#: The offline pages' scripts (js/export_bootstrap.ts, js/global_export_bootstrap.ts): each
#: is one self-contained script with the view's code in it.
EXPORT_JS = STATIC / "export_bootstrap.js"
GLOBAL_EXPORT_JS = STATIC / "global_export_bootstrap.js"


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


def built_script(path: Path) -> str:
    """The text of a built front-end file (``npm run build`` writes them to ``lime_widget/static``).

    Raises
    ------
    BundleMissingError
        When the file was not built.
    """
    if not path.is_file():
        raise BundleMissingError(missing_bundle_message(path))
    return path.read_text(encoding="utf8")


def built_css(path: Path) -> Optional[str]:
    """The stylesheet esbuild emits next to a built entry if its code imports CSS (the views
    style themselves in JS today, so usually None)."""
    css = path.with_suffix(".css")
    return css.read_text(encoding="utf8") if css.is_file() else None
