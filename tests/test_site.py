"""The course website: built from course/*.md, checked as sources, as a strict build, and in a
real browser (Debian's chromium driven by Playwright, all offline).

The site is built once per session into build/site (about 20 s: every chapter is executed).
Screenshots go to build/screenshots/.
"""

import functools
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from nbgrader.utils import is_solution

from autograder.build import assignment_name, lessons, site

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
CHAPTERS = [assignment_name(lesson) for lesson in lessons(ROOT)]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


@pytest.fixture(scope="session")
def site_html():
    """Build the whole site (strict: any warning or cell error fails) into build/site/html."""
    return site.build_site(ROOT)


def _stubs(nb):
    return [c.source for c in nb.cells if "exercise-stub" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("lesson", lessons(ROOT), ids=CHAPTERS)
def test_site_notebook_shows_the_release_and_hides_the_hidden_tests(lesson):
    nb = site.site_notebook(lesson)
    name = assignment_name(lesson)
    release = nbformat.read(next((ROOT / "release" / name).glob("*.ipynb")), as_version=4)
    released = [c.source for c in release.cells if is_solution(c)]
    assert _stubs(nb) == released, "starter code on the site differs from release/"
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        assert "HIDDEN TESTS" not in cell.source
        assert "### BEGIN SOLUTION" not in cell.source
        if "exercise-stub" in tags:
            assert "skip-execution" in tags
        if "solution" in tags:
            assert "hide-cell" in tags
            assert cell.metadata["mystnb"]["code_prompt_show"] == "Show solution"


def test_hidden_tests_never_reach_the_site(site_html):
    regions = [r for lesson in lessons(ROOT) for r in HIDDEN.findall(lesson.read_text())]
    assert regions
    shown = "\n".join(
        c.source for lesson in lessons(ROOT) for c in site.site_notebook(lesson).cells
    )
    # A line that only the hidden tests have (e.g. a configuration) must appear on no page.
    secrets = {
        line.strip()
        for region in regions
        for line in region.splitlines()
        if len(line.strip()) > 30 and line.strip() not in shown
    }
    assert secrets
    pages = [p for p in site_html.rglob("*") if p.suffix in {".html", ".js", ".ipynb", ".txt"}]
    pages = [p for p in pages if "mathjax" not in p.parts]
    for page in pages:
        content = page.read_text(errors="replace")
        assert "BEGIN HIDDEN TESTS" not in content, page
        leaked = [s for s in secrets if s in content]
        assert not leaked, f"{page} shows hidden test lines: {leaked[:3]}"


def test_site_has_every_chapter_executed(site_html):
    for name in CHAPTERS:
        page = (site_html / f"{name}.html").read_text()
        assert "Show solution" in page
        assert "Traceback" not in page and "NotImplementedError()</span></pre>" not in page
    assert "✓ Flatten matches" in (site_html / "01_norms.html").read_text()
    assert (site_html / "_static" / "mathjax" / "MathJax.js").exists()
    size = sum(p.stat().st_size for p in site_html.rglob("*") if p.is_file())
    print(f"site size: {size / 1e6:.1f} MB")


def _scratch_build(tmp_path, capfd, cells):
    """Build a scratch copy of the sources whose only chapter is ``cells``; return the log."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "build" / "site-src", src)
    for name in CHAPTERS:  # keep the scratch build short: the broken chapter only
        (src / f"{name}.ipynb").unlink()
    broken = nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    nbformat.write(broken, src / "broken.ipynb")
    (src / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: broken\n")
    capfd.readouterr()
    with pytest.raises(subprocess.CalledProcessError):
        site.build_html(src, tmp_path / "out")
    return "\n".join(capfd.readouterr())


def test_strict_build_fails_on_a_broken_reference_and_a_missing_figure(site_html, tmp_path, capfd):
    """-W -n --keep-going: the build fails and reports both problems."""
    text = "# Broken\n\nSee {ref}`no-such-label`.\n\n![a figure](missing-figure.png)\n"
    log = _scratch_build(tmp_path, capfd, [nbformat.v4.new_markdown_cell(text)])
    assert "no-such-label" in log
    assert "missing-figure.png" in log


def test_strict_build_fails_on_a_cell_error(site_html, tmp_path, capfd):
    cells = [
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("raise RuntimeError('deliberate cell error')"),
    ]
    log = _scratch_build(tmp_path, capfd, cells)
    assert "deliberate cell error" in log


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site_html):
    """The built site on a free localhost port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_html))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser):
    """A fresh tab that records every request and every failed response."""
    tab = browser.new_page()
    tab.requests, tab.failures = [], []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on(
        "response",
        lambda r: r.status >= 400 and tab.failures.append(f"{r.status} {r.url}"),
    )
    tab.on("requestfailed", lambda r: tab.failures.append(f"failed {r.url}"))
    yield tab
    tab.close()


def assert_stayed_local(tab):
    hosts = set()
    for url in tab.requests:
        parsed = urlparse(url)
        if parsed.scheme in {"data", "blob", "about"}:
            continue
        hosts.add(parsed.hostname)
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests left localhost: {hosts}"
    assert not [f for f in tab.failures if "about:blank" not in f], tab.failures


def wait_for_mathjax(tab):
    tab.wait_for_function(
        "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
        " && document.querySelectorAll('script[type^=\"math/tex\"]').length > 0",
        timeout=60_000,
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_in_browser(served, page, chapter):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{served}/{chapter}.html", wait_until="load")
    wait_for_mathjax(page)

    # math: every formula typeset, none left raw or in error
    math = page.evaluate(
        """() => ({
            formulas: document.querySelectorAll('.math').length,
            typeset: document.querySelectorAll('.MathJax, .MathJax_Display').length,
            errors: document.querySelectorAll('.merror, .noError, .MathJax_Error').length,
            text: document.querySelector('main').innerText,
        })"""
    )
    assert math["typeset"] > 10 and not math["errors"]
    assert "$$" not in math["text"] and "\\frac" not in math["text"] and "\\[" not in math["text"]

    # figures: every image loaded
    images = page.evaluate("[...document.images].map(i => [i.src, i.complete, i.naturalWidth])")
    assert len(images) >= 5
    assert not [src for src, done, width in images if not (done and width > 0)]

    # sidebar with every chapter, in-page table of contents, prev/next links
    nav = page.locator("nav.bd-docs-nav")
    assert nav.locator("a").count() >= len(CHAPTERS) + 1  # the landing page and each chapter
    for other in CHAPTERS:
        if other != chapter:  # the current page links to itself as "#"
            assert nav.locator(f"a[href*='{other}']").count() >= 1
    assert page.locator("#pst-page-toc-nav a").count() >= 5  # sections of this chapter
    assert page.locator(".prev-next-area a").count() >= 1

    page.screenshot(path=str(SCREENSHOTS / f"{chapter}-top.png"))

    # the first exercise: starter code visible, solution hidden until its toggle is clicked
    stub = page.locator(".tag_exercise-stub").first
    assert "NotImplementedError" in stub.inner_text()
    toggle = page.locator(".tag_solution details").first
    toggle.scroll_into_view_if_needed()
    summary = toggle.locator("summary")
    assert "Show solution" in summary.inner_text()
    solution_code = toggle.locator("div.cell_input pre").first
    assert not toggle.evaluate("d => d.open") and not solution_code.is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"{chapter}-solution-hidden.png"))
    summary.click()
    solution_code.wait_for(state="visible")
    assert toggle.evaluate("d => d.open")
    assert "NotImplementedError" not in solution_code.inner_text()
    assert "Hide solution" in summary.inner_text()
    page.wait_for_timeout(500)  # let the fade-in finish for the screenshot
    page.screenshot(path=str(SCREENSHOTS / f"{chapter}-solution-shown.png"))

    if page.locator(".tag_explorer-still").count():
        still = page.locator(".tag_explorer-still").first
        still.scroll_into_view_if_needed()
        assert still.locator("img").evaluate("i => i.naturalWidth") > 0
        page.screenshot(path=str(SCREENSHOTS / f"{chapter}-explorer.png"))

    assert_stayed_local(page)


def test_search_finds_a_layer(served, page):
    page.goto(f"{served}/search.html?q=LayerNorm", wait_until="load")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 1
    assert "01_norms" in results.first.locator("a").first.get_attribute("href")
    page.screenshot(path=str(SCREENSHOTS / "search-LayerNorm.png"))
    assert_stayed_local(page)


def test_landing_page(served, page):
    page.goto(f"{served}/index.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    for words in ("make lab", "make release", "make grade", "make demo", "Who it is for"):
        assert words in text
    page.screenshot(path=str(SCREENSHOTS / "landing.png"), full_page=True)
    assert_stayed_local(page)
