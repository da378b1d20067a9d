"""Grade a class with nbgrader: in parallel, each kernel sandboxed, resumable, then report.

nbgrader does the grading. Around it: every submission is graded by :func:`worker.grade_job`
in its own scratch course (local processes or a Dask cluster, through one
``concurrent.futures.Executor`` seam); the coordinator alone writes the course's gradebook
(with nbgrader's own ``SaveAutoGrades``) and ``autograded/``, one submission at a time, so
parallel grading cannot corrupt it. A submission whose files are unchanged since it was graded
is skipped, so an interrupted run resumes where it stopped; a failed run never replaces a grade.
"""

import contextlib
import hashlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from tqdm import tqdm

from .build import generated
from .nbgrader_cli import nbgrader
from .scan import is_tampering, scan_submission
from .worker import Job, Limits, Result, grade_job, read_folder

DIGEST = ".submission.sha256"  # kept in autograded/<student>/<assignment>/


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    student: str
    assignment: str
    graded: bool
    reason: str = ""
    flags: list = field(default_factory=list)
    skipped: bool = False
    seconds: float = 0.0

    @property
    def tampering(self):
        return any(is_tampering(flag) for flag in self.flags)


def submissions(course, assignment=None, student=None):
    """(student, assignment) pairs found under ``course/submitted``, sorted."""
    found = []
    for folder in sorted(Path(course, "submitted").glob("*/*")):
        if not folder.is_dir():
            continue
        if assignment in (None, folder.name) and student in (None, folder.parent.name):
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


def digest(folder):
    """A fingerprint of a submission folder's files, to tell a changed submission."""
    sha = hashlib.sha256()
    for name, data in sorted(read_folder(folder).items()):
        sha.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return sha.hexdigest()


def register_assignment(course, assignment):
    """Record the assignment's graded cells in the course's gradebook; return a gradebook that
    holds the assignment and nothing else (what a worker needs, without any student's data).

    Runs generate_assignment into scratch folders, so release/ is left as it is.
    """
    nbgrader(
        "generate_assignment",
        assignment,
        "--force",
        "--CourseDirectory.release_directory=build/register",
        course=course,
    )
    with generated(course, assignment) as scratch:
        return (scratch / "gradebook.db").read_bytes()


@contextlib.contextmanager
def executor(workers=None, scheduler=None):
    """Where grading jobs run: a local process pool, or a Dask cluster given its scheduler."""
    if scheduler:
        from dask.distributed import Client

        with Client(scheduler) as client:
            yield client.get_executor()
    else:
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
            yield pool


def store(course, result, fingerprint, zero=False):
    """Save one graded submission: scores into the gradebook (nbgrader's SaveAutoGrades), then
    its autograded folder, replaced as a whole, with the fingerprint of what was graded.

    With ``zero`` (tampering suspected) every score is set to 0 and marked as needing a manual
    grade, so that the submission waits for a person's review in nbgrader's formgrader.
    """
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades

    db_url = f"sqlite:///{Path(course).resolve()}/gradebook.db"
    stamp = result.files.get("timestamp.txt", b"").decode().strip() or None
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(result.student)
        gb.update_or_create_submission(result.assignment, result.student, timestamp=stamp)
    for name, data in result.files.items():
        if name.endswith(".ipynb") and "/" not in name:
            resources = {
                "nbgrader": {
                    "notebook": Path(name).stem,
                    "assignment": result.assignment,
                    "student": result.student,
                    "db_url": db_url,
                }
            }
            SaveAutoGrades().preprocess(nbformat.reads(data.decode(), as_version=4), resources)
    if zero:
        with Gradebook(db_url) as gb:
            for notebook in gb.find_submission(result.assignment, result.student).notebooks:
                for grade in notebook.grades:
                    grade.auto_score, grade.needs_manual_grade = 0, True
            gb.db.commit()
    target = Path(course, "autograded", result.student, result.assignment)
    fresh = target.with_name(f".{target.name}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    for name, data in result.files.items():
        path = fresh / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (fresh / DIGEST).write_text(fingerprint)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def already_graded(course, student, assignment, fingerprint):
    mark = Path(course, "autograded", student, assignment, DIGEST)
    return mark.is_file() and mark.read_text() == fingerprint


def grade(
    course,
    assignment=None,
    student=None,
    force=False,
    workers=None,
    scheduler=None,
    limits=None,
):
    """Autograde every matching submission with a progress bar; return the outcomes.

    Unchanged submissions already graded are skipped unless ``force``; each result is saved as
    soon as it arrives, so an interrupted run loses nothing and the next run resumes.
    """
    course, limits = Path(course).resolve(), limits or Limits()
    if not scheduler and not limits.threads:  # share this machine's cores among the workers
        cores = os.cpu_count() or 1
        limits = replace(limits, threads=max(1, cores // min(workers or cores, cores)))
    work = submissions(course, assignment, student)
    config = Path(course, "nbgrader_config.py").read_text()
    templates = {name: register_assignment(course, name) for name in sorted({a for _, a in work})}
    outcomes, jobs = [], []
    for student_id, assignment_id in work:
        folder = course / "submitted" / student_id / assignment_id
        reason = unreadable(folder)
        if reason:
            outcomes.append(Outcome(student_id, assignment_id, False, reason))
            continue
        flags = scan_submission(folder, course / "source" / assignment_id)
        fingerprint = digest(folder)
        if not force and already_graded(course, student_id, assignment_id, fingerprint):
            outcomes.append(Outcome(student_id, assignment_id, True, flags=flags, skipped=True))
            continue
        job = Job(
            student_id, assignment_id, read_folder(folder), templates[assignment_id], config, limits
        )
        jobs.append((job, fingerprint, flags))
    with tqdm(total=len(work), initial=len(outcomes), desc="grading", unit="notebook") as bar:
        if jobs:
            with executor(workers, scheduler) as pool:
                futures = {pool.submit(grade_job, job): (job, f, flags) for job, f, flags in jobs}
                for future in _completed(futures):
                    job, fingerprint, flags = futures[future]
                    result = _result(future, job)
                    outcome = Outcome(
                        job.student,
                        job.assignment,
                        result.graded,
                        result.reason,
                        flags,
                        seconds=result.seconds,
                    )
                    if result.graded:
                        store(course, result, fingerprint, zero=outcome.tampering)
                    outcomes.append(outcome)
                    bar.update(1)
                    bar.set_postfix(not_graded=sum(not o.graded for o in outcomes))
    return sorted(outcomes, key=lambda o: (o.assignment, o.student))


def _completed(futures):
    """The futures as they finish; on Ctrl-C, cancel those not started and stop."""
    try:
        yield from as_completed(futures)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        raise


def _result(future, job):
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 (a worker lost or crashed: report, go on)
        return Result(job.student, job.assignment, False, f"grading worker failed: {error!r}")


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
        again = " (unchanged since it was graded: not regraded)" if o.skipped else ""
        if o.graded and html:
            lines.append(f"{o.student}: feedback in {html[0]}{again}")
        elif o.graded:
            lines.append(f"{o.student}: graded, no feedback generated yet{again}")
        else:
            lines.append(f"{o.student}: NOT GRADED: {o.reason}")
        for flag in o.flags:
            lines.append(f"{o.student}: FLAGGED for review: {flag}")
        if o.graded and o.tampering:
            lines.append(
                f"{o.student}: ZEROED until a person reviews it in formgrader (tampering suspected)"
            )
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
