"""Browser end-to-end fixtures: JupyterLab 4 and Notebook 7 started by the tests, Debian's chromium via Playwright.

Without chromium the e2e tests skip, except under ``CI=true`` where a missing browser
is a failure. Never run ``playwright install``: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .notebooks import write_notebooks

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TOKEN = "lw-e2e-token"
ROOT = Path(__file__).resolve().parents[2]
# not test-results/: pytest-playwright empties that folder at the start of every session
ARTIFACTS = ROOT / "build" / "e2e"
SCREENSHOTS = Path(os.environ.get("LW_SCREENSHOT_DIR", ARTIFACTS / "screenshots"))
METRICS: dict[str, object] = {}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _need_chromium():
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true, so the browser tests must run")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # pytest-playwright hook
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--allow-file-access-from-files"]}


FRONT_ENDS = ("lab", "notebook")
THEMES_SETTINGS = Path("@jupyterlab") / "apputils-extension" / "themes.jupyterlab-settings"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(kind: str, root: Path) -> dict:
    """JupyterLab 4 (``kind="lab"``) or Notebook 7 (``"notebook"``) on a free port.

    Kernels inherit the server's environment, which tells the notebooks where to log
    trait changes (``LW_E2E_LOG``), where to write exports and which file makes their
    model fail.
    """
    nbdir, home, exports, flags = root / "nb", root / "jhome", root / "exports", root / "flags"
    for d in (nbdir, exports, flags):
        d.mkdir(parents=True)
    write_notebooks(nbdir)
    (home / "config" / "labconfig").mkdir(parents=True)
    # no "get Jupyter news?" toast over the page
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True},
         # window.jupyterapp (kernel status, theme switch); Notebook 7 ignores the command-line flag here
         "exposeAppInBrowser": True}))
    port = _free_port()
    log = root / "traits.log"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_DATA_DIR": str(home / "data"), "LW_E2E_LOG": str(log), "LW_E2E_EXPORTS": str(exports),
           "LW_E2E_FLAGS": str(flags), "PYTHONPATH": str(ROOT)}
    # the kernel must run this interpreter (where lime_widget is installed)
    kernels = home / "data" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    app = {"lab": ("jupyterlab", "LabApp"), "notebook": ("notebook", "JupyterNotebookApp")}[kind]
    server_log = root / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", app[0], "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={nbdir}",
         f"--{app[1]}.user_settings_dir={home / 'settings'}", f"--{app[1]}.workspaces_dir={home / 'ws'}",
         f"--{app[1]}.extension_manager=readonly", "--expose-app-in-browser"],
        env=env, stdout=open(server_log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"{kind} did not start:\n" + server_log.read_text(errors="replace"))
            time.sleep(0.2)
    return {"kind": kind, "base": base, "log": log, "exports": exports, "flags": flags, "root": root,
            "nbdir": nbdir, "settings": home / "settings", "proc": proc}


def _api(server: dict, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{server['base']}{path}", method=method,
                                     headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def _stop_kernels(server: dict) -> None:
    """Shut every session's kernel (each test's notebook starts one; they hold a model in memory)."""
    try:
        for session in _api(server, "/api/sessions") or []:
            _api(server, f"/api/sessions/{session['id']}", "DELETE")
    except OSError:
        pass


def _stop_server(server: dict) -> None:
    proc = server["proc"]
    try:  # a clean shutdown also stops the kernels it started
        _api(server, "/api/shutdown", "POST")
        proc.wait(20)
    except Exception:
        os.killpg(proc.pid, 9)
        proc.wait()


@pytest.fixture(scope="session")
def jupyter_servers(tmp_path_factory):
    """Start each front end's server once per session, on first use; stop them all at the end."""
    servers: dict[str, dict] = {}

    def get(kind: str) -> dict:
        if not Path(CHROMIUM).is_file():
            pytest.skip("no chromium")  # _need_chromium reports it (and fails under CI)
        if kind not in servers:
            servers[kind] = _start_server(kind, tmp_path_factory.mktemp(kind))
        return servers[kind]

    yield get
    for server in servers.values():
        _stop_server(server)


@pytest.fixture
def lab(jupyter_servers):
    """The JupyterLab 4 server (its kernels are stopped after each test)."""
    server = jupyter_servers("lab")
    yield server
    _stop_kernels(server)


@pytest.fixture(params=FRONT_ENDS)
def front(request, jupyter_servers):
    """JupyterLab 4, then Jupyter Notebook 7: the same test runs in both."""
    server = jupyter_servers(request.param)
    yield server
    _stop_kernels(server)


def log_entries(path: Path, notebook: str) -> list[dict]:
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [e for e in entries if e.get("nb") == notebook]


def wait_for(predicate, timeout: float = 30.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def notebook_url(server: dict, name: str) -> str:
    if server["kind"] == "notebook":
        return f"{server['base']}/notebooks/{name}.ipynb?token={TOKEN}"
    return f"{server['base']}/lab/tree/{name}.ipynb?token={TOKEN}&reset"


KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""


def run_notebook(page, lab: dict, name: str, viewport: tuple = (1400, 1000)) -> None:
    """Open ``<name>.ipynb`` in the server's front end, run all cells, wait until none is running.

    Fails on a traceback in any output (Run All stops at the first error).
    """
    from playwright.sync_api import expect

    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(notebook_url(lab, name))
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # done when some cell has run and none is running or queued
    page.wait_for_function("""() => {
      const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);
      return p.some(t => /\\[\\d+\\]/.test(t)) && !p.some(t => /\\[\\*\\]/.test(t));
    }""", timeout=120_000)
    expect(page.locator(ERROR_OUTPUT, has_text="Traceback")).to_have_count(0)


def save_screenshot(locator, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def record_metric(name: str, value: object) -> None:
    METRICS[name] = value
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "e2e_metrics.json").write_text(json.dumps(METRICS, indent=2))


def pytest_terminal_summary(terminalreporter):
    if METRICS:
        terminalreporter.section("lime-widget e2e measurements")
        for name, value in METRICS.items():
            terminalreporter.write_line(f"{name}: {value}")

