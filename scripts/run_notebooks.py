"""Execute notebooks headless with nbclient; optionally write each one as HTML.

Usage::

    python scripts/run_notebooks.py                      # every notebooks/*.ipynb
    python scripts/run_notebooks.py --html notebooks/quickstart.ipynb

Exits non-zero when any notebook fails, after running all of them, with the failing
cell's error in the summary. Outputs are never written back into the ``.ipynb``.
"""

from __future__ import annotations

import argparse
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

        body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
        out = path.with_suffix(".html")
        out.write_text(body, encoding="utf8")
        print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return ok, seconds, message


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
