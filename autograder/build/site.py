"""Build the course website: course/*.md → build/site-src/ → build/site/html (Jupyter Book 1).

``python -m autograder.build.site`` (``make site``) runs both steps:

1. ``write_sources``: for every lesson, a notebook in ``build/site-src/`` made from the same cells
   as the nbgrader source (``build.read_lesson`` + ``build.add_nbgrader_metadata``):

   - a solution cell becomes two cells: the student's starter code (nbgrader's ``ClearSolutions``
     applied to it, exactly what ``release/`` holds), shown but not executed, and the reference
     solution (marker lines dropped), executed so that later cells can use it, and folded behind a
     "Show solution" toggle together with its output;
   - a test cell keeps only its visible part (nbgrader's ``ClearHiddenTests``): hidden tests never
     reach the site;
   - an explorer cell (``something_explorer(...)``: ipywidgets sliders) shows its code, and below
     it the picture the explorer draws at its default settings; the live version runs in JupyterLab.

   plus ``site/_config.yml``, ``site/intro.md``, ``site/_static/`` and a ``_toc.yml`` listing the
   chapters in order.
2. ``build_html``: ``jupyter-book config sphinx`` turns ``_config.yml`` into ``conf.py``, and Sphinx
   builds the HTML with ``-W -n --keep-going``: MyST-NB executes every chapter, and a cell error,
   a broken cross-reference or a missing figure fails the build. MathJax 2, copied from the
   ``jupyter-server-mathjax`` wheel into the site's ``_static/mathjax``, typesets the math: no CDN.
"""

import argparse
import copy
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from .course import (
    ROOT,
    add_nbgrader_metadata,
    assignment_name,
    check_graded_cells,
    lessons,
    read_lesson,
    solution_code,
    strip_jupytext_metadata,
)

EXPLORER_CALL = re.compile(r"^\s*(\w+_explorer\(.*\))\s*;?\s*$")
EXPLORER_NOTE = (
    "*On this page the explorer is a still picture at its default settings; "
    "in JupyterLab (`make lab`) its sliders are live.*"
)
# MathJax 2 files the site needs: the loader, its combined TeX/MathML config, the jax and fonts.
# MathJax is copied into the built site's _static/ after Sphinx ran, not into the sources:
# Jupyter Book adds every .js file of a static folder to every page.
MATHJAX_PARTS = ("MathJax.js", "config", "jax", "extensions", "fonts", "localization/en")


def _tagged(cell, *tags, **mystnb):
    cell.metadata["tags"] = [*cell.metadata.get("tags", []), *tags]
    if mystnb:
        cell.metadata["mystnb"] = {**cell.metadata.get("mystnb", {}), **mystnb}
    return cell


def starter_cell(cell):
    """The cell as a student receives it (nbgrader ClearSolutions), shown, never executed."""
    stub = copy.deepcopy(cell)
    ClearSolutions()._replace_solution_region(stub, "python")
    stub.outputs, stub.execution_count = [], None
    return _tagged(stub, "exercise-stub", "skip-execution")


def solution_cell(cell):
    """The reference solution without its marker lines, executed, folded behind a toggle."""
    solution = copy.deepcopy(cell)
    solution.source = solution_code(cell).rstrip("\n")
    return _tagged(
        solution,
        "solution",
        "hide-cell",
        code_prompt_show="Show solution",
        code_prompt_hide="Hide solution",
    )


def visible_test_cell(cell):
    """The test cell without its hidden region."""
    visible = copy.deepcopy(cell)
    ClearHiddenTests()._remove_hidden_test_region(visible)
    visible.source = visible.source.rstrip()
    return _tagged(visible, "visible-check")


def explorer_cells(cell, call):
    """The explorer's code (its live widget needs a kernel) and its picture at the defaults."""
    shown = _tagged(copy.deepcopy(cell), "remove-output")
    note = nbformat.v4.new_markdown_cell(EXPLORER_NOTE)
    still = nbformat.v4.new_code_cell(f"{call}.result")
    return [shown, note, _tagged(still, "remove-input", "explorer-still")]


def site_notebook(lesson):
    """The lesson as the website shows it (see the module docstring)."""
    nb = strip_jupytext_metadata(add_nbgrader_metadata(read_lesson(lesson)))
    check_graded_cells(nb, lesson)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.pop("nbgrader", None) or {}
        explorer = EXPLORER_CALL.match(cell.source) if cell.cell_type == "code" else None
        if meta.get("solution") and cell.cell_type == "code":
            cells += [starter_cell(cell), solution_cell(cell)]
        elif meta.get("solution"):  # a written answer: the site shows the model answer
            cells.append(cell)
        elif meta.get("grade"):
            cells.append(visible_test_cell(cell))
        elif explorer:
            cells += explorer_cells(cell, explorer.group(1))
        else:
            cells.append(cell)
    for index, cell in enumerate(cells):
        cell.id = f"site-{index:03d}"
    nb.cells = cells
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    nbformat.validate(nb)
    return nb


def copy_mathjax(static_dir):
    """Copy MathJax 2 from the jupyter-server-mathjax wheel into the site's _static/mathjax."""
    import jupyter_server_mathjax

    origin = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(static_dir) / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = origin / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("a11y", "*.md"))
        else:
            shutil.copy(src, dst)
    return target


def write_sources(root=ROOT, src=None):
    """Write the site's sources into ``src`` (default ``build/site-src``); return the folder."""
    root = Path(root)
    src = Path(src or root / "build" / "site-src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(root / "site", src)
    chapters = []
    for lesson in lessons(root):
        name = assignment_name(lesson)
        (src / f"{name}.ipynb").write_text(nbformat.writes(site_notebook(lesson)) + "\n")
        chapters.append(name)
    toc = ["format: jb-book", "root: intro", "chapters:"] + [f"- file: {c}" for c in chapters]
    (src / "_toc.yml").write_text("\n".join(toc) + "\n")
    return src


def _run(command):
    print("$", " ".join(map(str, command)), flush=True)
    subprocess.run(list(map(str, command)), check=True)


def build_html(src, out, strict=True):
    """Sphinx (configured by Jupyter Book 1) builds ``src`` into ``out``/html; return that path.

    ``strict``: warnings are errors (-W -n --keep-going), so a broken cross-reference, a missing
    figure or a failing cell fails the build after reporting every problem.
    """
    src, out = Path(src), Path(out)
    bin_dir = Path(sys.executable).parent
    _run([bin_dir / "jupyter-book", "config", "sphinx", src])
    shutil.rmtree(out, ignore_errors=True)
    flags = ["-W", "-n", "--keep-going", "-T"] if strict else ["-T"]
    _run(
        [sys.executable, "-m", "sphinx", "-b", "html", *flags, "-q", "-j", "1"]
        + ["-d", out / "doctrees", src, out / "html"]
    )
    copy_mathjax(out / "html" / "_static")
    return out / "html"


def build_site(root=ROOT, out=None, strict=True):
    """Both steps; the site lands in ``out`` (default ``build/site``)/html."""
    root = Path(root)
    src = write_sources(root)
    return build_html(src, Path(out or root / "build" / "site"), strict=strict)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.build.site", description=__doc__)
    parser.add_argument("--course", type=Path, default=ROOT, help="course directory")
    parser.add_argument("--out", type=Path, help="output folder (default build/site)")
    parser.add_argument(
        "--sources-only", action="store_true", help="only write build/site-src, do not build"
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    if args.sources_only:
        print(f"site sources in {write_sources(args.course)}")
        return 0
    try:
        html = build_site(args.course, args.out)
    except subprocess.CalledProcessError as error:
        print(f"site build failed ({error.returncode}): see the messages above", file=sys.stderr)
        return 1
    print(f"site built in {time.monotonic() - start:.0f} s: open {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
