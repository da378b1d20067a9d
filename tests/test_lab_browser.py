"""A student's first exercise in a real JupyterLab, in a real browser (Debian's chromium through
Playwright): a correct Flatten passes its visible check, a wrong one gets the learner-facing
CheckFailed message. Screenshots go to build/screenshots/.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
NOTEBOOK = "01_norms/norms.ipynb"
WRONG_FLATTEN = """class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x  # forgot to flatten
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reference_solution(grade_id):
    """The source notebook's solution cell without its solution marker lines."""
    nb = nbformat.read(ROOT / "source" / NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a scratch copy of release/, stopped by its pid afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    notebooks = tmp_path_factory.mktemp("lab") / "release"
    shutil.copytree(ROOT / "release", notebooks)
    home = tmp_path_factory.mktemp("lab-home")  # no user settings, no workspace from elsewhere
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        Path(sys.executable).parent / "jupyter",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--notebook-dir={notebooks}",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    log = open(home / "lab.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (home / "lab.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text())
        yield url, token
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def page(lab, tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def cell(page, index):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def replace_cell_source(page, index, text):
    editor = cell(page, index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run_from(page, first, last):
    """Select cell ``first`` and Shift+Enter through ``last``."""
    cell(page, first).locator(".jp-InputPrompt").first.click()
    for _ in range(first, last + 1):
        page.keyboard.press("Shift+Enter")


def wait_for_output(page, index, text, timeout=120_000):
    output = cell(page, index).locator(".jp-OutputArea")
    output.filter(has_text=text).wait_for(timeout=timeout)
    return output.inner_text()


def test_flatten_exercise_in_jupyterlab(lab, page):
    url, token = lab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(ROOT / "release" / NOTEBOOK, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    answer, check = ids.index("flatten"), ids.index("flatten_test")

    page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}", wait_until="domcontentloaded")
    cell(page, check).wait_for(timeout=120_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)

    page.wait_for_timeout(3_000)  # JupyterLab asks about news right after it has restored
    assert not page.get_by_text("official Jupyter news").count(), "the news pop-up is on"

    replace_cell_source(page, answer, reference_solution("flatten"))
    run_from(page, 0, check)
    passed = wait_for_output(page, check, "✓ Flatten matches")
    assert "✓ Flatten matches nn.Flatten" in passed
    page.screenshot(path=str(SCREENSHOTS / "lab-flatten-pass.png"))

    replace_cell_source(page, answer, WRONG_FLATTEN)
    page.keyboard.press("Shift+Enter")  # run the answer, move to its check
    page.keyboard.press("Shift+Enter")  # run the check
    failed = wait_for_output(page, check, "CheckFailed")
    assert "Flatten" in failed and "shape" in failed.lower()
    assert "✓" not in failed
    page.screenshot(path=str(SCREENSHOTS / "lab-flatten-fail.png"))
