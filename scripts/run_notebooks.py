"""Execute notebooks headless with nbclient; optionally write each one as HTML.

Usage::

    python scripts/run_notebooks.py                      # every notebooks/*.ipynb
    python scripts/run_notebooks.py --html notebooks/quickstart.ipynb

Exits non-zero when any notebook fails, after running all of them, with the failing
cell's error in the summary. Outputs are never written back into the ``.ipynb``.

In the HTML, each lime-widget view is rendered from the notebook's saved widget state
as a standalone page (in an iframe), so the file shows the explanations offline; other
widgets need nbconvert's widget renderer, which loads from a CDN.
"""

from __future__ import annotations

import argparse
import html as html_lib
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent


def run(path: Path, timeout: int, html: bool) -> tuple[bool, float, str]:
    """Execute one notebook in its own folder; ``(ok, seconds, message)``."""
    nb = nbformat.read(path, as_version=4)
    # the notebook's kernelspec name may not exist here; run in this interpreter's kernel
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        ok, message = True, ""
    except CellExecutionError as exc:
        ok, message = False, str(exc)
    except Exception as exc:  # kernel died, timeout, bad notebook: report and go on
        ok, message = False, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    if html:
        from nbconvert import HTMLExporter

        inline_explanation_widgets(nb)
        body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
        out = path.with_suffix(".html")
        out.write_text(body, encoding="utf8")
        print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return ok, seconds, message


EXPLANATION_WIDGET = "lime_widget.widget.explanation_widget.ExplanationWidget"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# an iframe cannot size itself to its content; the parent page does it once the view rendered
FIT_IFRAME = (
    "<script>(() => { const f = document.currentScript.previousElementSibling;"
    " const fit = () => { try { const b = f.contentDocument.body;"
    " f.style.height = Math.ceil(b.getBoundingClientRect().height + 40) + 'px'; }"
    " catch (e) {} }; f.addEventListener('load', () => { fit(); setTimeout(fit, 200); setTimeout(fit, 1000); });"
    " })();</script>"
)


def inline_explanation_widgets(nb: nbformat.NotebookNode) -> int:
    """Replace each ExplanationWidget output by its standalone page; returns how many."""
    from lime_widget.export import widget_state_html

    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    done = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            model = state.get(view["model_id"]) if view else None
            if not model or model.get("state", {}).get("_anywidget_id") != EXPLANATION_WIDGET:
                continue
            page = widget_state_html(model["state"], model.get("buffers", []))
            frame = (f'<iframe class="lw-frame" title="LIME explanation" srcdoc="{html_lib.escape(page, quote=True)}" '
                     'style="width:100%;height:560px;border:0"></iframe>')
            output["data"] = {"text/html": frame + FIT_IFRAME, "text/plain": output["data"].get("text/plain", "")}
            done += 1
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--html", action="store_true", help="also write <notebook>.html next to each notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    failures = []
    for path in paths:
        path = path.resolve()
        ok, seconds, message = run(path, args.timeout, args.html)
        print(f"{'ok  ' if ok else 'FAIL'} {seconds:6.1f}s  {path.name}", flush=True)
        if not ok:
            failures.append((path.name, message))
    for name, message in failures:
        print(f"\n=== {name} failed ===\n{message}", file=sys.stderr)
    print(f"{len(paths) - len(failures)} of {len(paths)} notebooks ran without errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
