"""Build the course: lessons in course/*.md → nbgrader source/ → student release/.

Each step is a small function on a notebook; ``build_source`` composes them and
``build_release`` hands the result to nbgrader's own ``generate_assignment``. The output is
deterministic (cell ids come from the cell's place or grade id), so a rebuild of an unchanged
course writes byte-identical notebooks.
"""

import contextlib
import re
import shutil
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbgrader.utils import is_grade, is_solution

from ..nbgrader_cli import nbgrader
from .ungraded import check_skip_tags

ROOT = Path(__file__).resolve().parents[2]
GRADED_KEYS = ("grade_id", "solution", "points")
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)


def assignment_name(lesson):
    """``course/01_norms.md`` → assignment ``01_norms``."""
    return Path(lesson).stem


def notebook_name(lesson):
    """``course/01_norms.md`` → notebook ``norms.ipynb`` (the topic, without the number)."""
    return assignment_name(lesson).split("_", 1)[-1] + ".ipynb"


def lessons(root=ROOT):
    """The lesson files, in chapter order."""
    return sorted((Path(root) / "course").glob("[0-9][0-9]_*.md"))


def grade_id(cell):
    """A graded cell's nbgrader grade id (None for any other cell)."""
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def solution_code(cell):
    """A source solution cell as a learner would hand it in: the marker lines removed."""
    return SOLUTION_MARKER.sub("", cell.source)


def read_lesson(path):
    """Parse a Jupytext markdown lesson into a notebook."""
    return jupytext.read(path, fmt="md")


def add_nbgrader_metadata(nb):
    """Turn fence options (grade_id=…, solution=true, points=N) into nbgrader v3 cell metadata.

    A cell with ``solution=true`` is an answer cell; a cell with ``points`` is a locked,
    autograded test cell. Every other cell is left to the learner's reading.
    """
    for cell in nb.cells:
        options = {key: cell.metadata.pop(key) for key in GRADED_KEYS if key in cell.metadata}
        if not options:
            continue
        if "grade_id" not in options:
            raise ValueError(f"a graded cell needs a grade_id: {cell.source[:60]!r}")
        graded = "points" in options
        cell.metadata["nbgrader"] = {
            "grade": graded,
            "grade_id": options["grade_id"],
            "locked": graded,
            "schema_version": 3,
            "solution": bool(options.get("solution", False)),
            "task": False,
            **({"points": options["points"]} if graded else {}),
        }
    return nb


FRESH_CHECKS = "from autograder.checks import *  # the real checks, whatever earlier cells redefined\n"


def import_checks_in_test_cells(nb):
    """Start every test cell by importing the checks again, so a learner's cell that rebinds
    ``check_layer`` (say) in the notebook cannot stand in for them."""
    for cell in nb.cells:
        if is_grade(cell) and not cell.source.startswith(FRESH_CHECKS):
            cell.source = FRESH_CHECKS + cell.source
    return nb


def strip_jupytext_metadata(nb):
    """Drop Jupytext's pairing metadata so it does not leak into the release."""
    nb.metadata.pop("jupytext", None)
    return nb


def number_cells(nb):
    """Give every cell a stable id: its grade id, or its position."""
    for index, cell in enumerate(nb.cells):
        cell.id = grade_id(cell) or f"cell-{index:03d}"
    return nb


def check_graded_cells(nb, lesson):
    """Fail early on duplicate grade ids or a solution cell without markers."""
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        if meta["grade_id"] in seen:
            raise ValueError(f"{lesson}: grade_id {meta['grade_id']!r} is used twice")
        seen.add(meta["grade_id"])
        if is_solution(cell) and not SOLUTION_MARKER.search(cell.source):
            raise ValueError(f"{lesson}: solution cell {meta['grade_id']!r} has no BEGIN SOLUTION")
    return nb


def build_source(lesson, source_dir):
    """Write ``source/<assignment>/<notebook>`` for one lesson; return its path."""
    nb = read_lesson(lesson)
    for step in (
        add_nbgrader_metadata,
        import_checks_in_test_cells,
        strip_jupytext_metadata,
        number_cells,
    ):
        nb = step(nb)
    check_graded_cells(nb, lesson)
    check_skip_tags(nb, lesson)
    out = Path(source_dir) / assignment_name(lesson) / notebook_name(lesson)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    out.write_text(nbformat.writes(nb) + "\n")
    return out


def scratch_course(folder, root=ROOT, assignments=None):
    """Make ``folder`` an nbgrader course: ``root``'s config and the source of ``assignments``
    (every one when None; give ``()`` for none). Return the folder as a Path."""
    folder, source = Path(folder), Path(root) / "source"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", folder)
    if assignments is None:
        assignments = sorted(p.name for p in source.iterdir() if p.is_dir())
    for assignment in assignments:
        shutil.copytree(source / assignment, folder / "source" / assignment)
    return folder


@contextlib.contextmanager
def generated(course, assignment):
    """Run nbgrader generate_assignment in a scratch copy of ``course``; yield that scratch
    course (its release/ and a gradebook that knows only this assignment). The scratch course
    keeps the instructor's gradebook and release/ as they are."""
    with tempfile.TemporaryDirectory(prefix="lbl-generate-") as scratch:
        scratch = scratch_course(scratch, course, [assignment])
        nbgrader("generate_assignment", assignment, "--force", course=scratch)
        yield scratch


def build_release(root, assignment, release_dir):
    """Generate the student release of one assignment with nbgrader into ``release_dir``."""
    with generated(root, assignment) as scratch:
        target = Path(release_dir) / assignment
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(scratch / "release" / assignment, target)
        for notebook in target.glob("*.ipynb"):
            nb = nbformat.read(notebook, as_version=4)
            notebook.write_text(nbformat.writes(nb) + "\n")
    return target


def build(root=ROOT, out=None):
    """Build source/ and release/ for every lesson under ``root`` (into ``out`` if given)."""
    root, out = Path(root), Path(out or root)
    if out != root:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "nbgrader_config.py", out)
    built = []
    for lesson in lessons(root):
        build_source(lesson, out / "source")
        built.append(build_release(out, assignment_name(lesson), out / "release"))
    return built
