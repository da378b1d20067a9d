"""Grade a class with nbgrader: autograde every submission, then feedback, export and a report.

nbgrader does the grading; this module walks the submissions with a progress bar, screens out
notebooks nbgrader cannot read (so one broken file never stops the others and never replaces a
grade), and turns the gradebook into a table an instructor can read.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
from tqdm import tqdm

from .nbgrader_cli import NbgraderError, nbgrader

NOTEBOOK_TIME_LIMIT = 20 * 60  # seconds for a whole submission


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    student: str
    assignment: str
    graded: bool
    reason: str = ""


def submissions(course, assignment=None, student=None):
    """(student, assignment) pairs found under ``course/submitted``, sorted."""
    found = []
    for folder in sorted(Path(course, "submitted").glob("*/*")):
        if (
            folder.is_dir()
            and assignment in (None, folder.name)
            and student in (None, folder.parent.name)
        ):
            found.append((folder.parent.name, folder.name))
    return found


def unreadable(folder):
    """Why nbgrader could not grade the notebooks in ``folder``, or "" when they look sound."""
    notebooks = sorted(Path(folder).glob("*.ipynb"))
    if not notebooks:
        return "no notebook was submitted"
    for path in notebooks:
        try:
            nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            nbformat.validate(nb)
        except UnicodeDecodeError:
            return f"{path.name} is not UTF-8 text"
        except nbformat.reader.NotJSONError as error:
            detail = error.__cause__
            where = f" ({detail.msg}, line {detail.lineno})" if detail else ""
            return f"{path.name} is not valid JSON{where}"
        except (nbformat.ValidationError, ValueError, KeyError, TypeError) as error:
            return f"{path.name} is not a valid notebook ({str(error).splitlines()[0]})"
    return ""


def register_assignment(course, assignment):
    """Record the assignment's graded cells in the gradebook (nbgrader needs them to grade).

    Runs generate_assignment into a scratch release folder so release/ is left as it is.
    """
    nbgrader(
        "generate_assignment",
        assignment,
        "--force",
        "--CourseDirectory.release_directory=build/register",
        course=course,
    )


def autograde(course, student, assignment, force=False):
    """Autograde one submission with nbgrader; return its Outcome."""
    reason = unreadable(Path(course, "submitted", student, assignment))
    if reason:
        return Outcome(student, assignment, False, reason)
    args = ["autograde", assignment, "--student", student, "--create"]
    try:
        nbgrader(*args, *(["--force"] if force else []), course=course, timeout=NOTEBOOK_TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return Outcome(student, assignment, False, f"took over {NOTEBOOK_TIME_LIMIT} s")
    except NbgraderError as error:
        return Outcome(student, assignment, False, last_error(str(error)))
    return Outcome(student, assignment, True)


def last_error(log):
    """The most telling line of an nbgrader log."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "Error" in line]
    return (errors or lines or ["nbgrader failed"])[0][:300]


def grade(course, assignment=None, student=None, force=False):
    """Autograde every matching submission with a progress bar; return the outcomes."""
    work = submissions(course, assignment, student)
    for name in sorted({a for _, a in work}):
        register_assignment(course, name)
    outcomes = []
    with tqdm(work, desc="autograding", unit="notebook") as bar:
        for student_id, assignment_id in bar:
            failed = sum(not o.graded for o in outcomes)
            bar.set_postfix_str(f"{student_id}/{assignment_id}, {failed} not graded")
            outcomes.append(autograde(course, student_id, assignment_id, force))
    return outcomes


def feedback(course, assignment=None):
    """Write feedback HTML for every autograded submission."""
    for name in assignments_graded(course, assignment):
        nbgrader("generate_feedback", name, "--force", course=course)


def export(course):
    """Write grades.csv from the gradebook."""
    nbgrader("export", "--to", "grades.csv", course=course)
    return Path(course, "grades.csv")


def assignments_graded(course, assignment=None):
    folders = Path(course, "autograded").glob("*/*")
    return sorted({f.name for f in folders if assignment in (None, f.name)})


def scores(course, assignment):
    """{student: {grade cell id: (score, max score)}} for one assignment, from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    table = {}
    with Gradebook(f"sqlite:///{Path(course).resolve()}/gradebook.db") as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            table[student.id] = {
                grade.name: (grade.score, grade.max_score)
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
    return table


def report(course, assignment, outcomes):
    """A plain-text table: exercise rows × student columns, totals, feedback and problems."""
    table = scores(course, assignment)
    students = sorted({o.student for o in outcomes if o.assignment == assignment})
    cells = sorted(
        {cell for row in table.values() for cell in row}, key=_cell_order(course, assignment)
    )
    width = max([len(s) for s in students] + [6])
    name_width = max([len(c) for c in cells] + [8])
    lines = [f"{assignment}".ljust(name_width) + "".join(s.rjust(width + 2) for s in students)]
    for cell in cells:
        row = cell.removesuffix("_test").ljust(name_width)
        for student in students:
            score = table.get(student, {}).get(cell)
            row += (f"{score[0]:g}/{score[1]:g}" if score else "-").rjust(width + 2)
        lines.append(row)
    total = "total".ljust(name_width)
    for student in students:
        marks = table.get(student, {}).values()
        total += (
            f"{sum(s for s, _ in marks):g}/{sum(m for _, m in marks):g}" if marks else "-"
        ).rjust(width + 2)
    lines += ["-" * len(lines[0]), total, ""]
    for o in outcomes:
        if o.assignment != assignment:
            continue
        html = sorted(Path(course, "feedback", o.student, assignment).glob("*.html"))
        if o.graded and html:
            lines.append(f"{o.student}: feedback in {html[0]}")
        elif o.graded:
            lines.append(f"{o.student}: graded (no feedback generated yet)")
        else:
            lines.append(f"{o.student}: NOT GRADED: {o.reason}")
    return "\n".join(lines)


def _cell_order(course, assignment):
    """Sort grade cells in notebook order, using the source notebook."""
    order = {}
    for path in sorted(Path(course, "source", assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                order.setdefault(grade_id, len(order))
    return lambda cell: order.get(cell, len(order))
