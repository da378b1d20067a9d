"""Grade a class with nbgrader: in parallel, each kernel sandboxed, resumable, then report.

nbgrader does the grading. Around it: every submission is graded by :func:`worker.grade_job`
in its own scratch course (local processes or a Dask cluster, through one
``concurrent.futures.Executor`` seam); the coordinator alone writes the course's gradebook
(with nbgrader's own ``SaveAutoGrades``) and ``autograded/``, one submission at a time, so
parallel grading cannot corrupt it. A submission whose files are unchanged since it was graded
is skipped, so an interrupted run resumes where it stopped; a failed run never replaces a grade.
"""

import collections
import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat
from tqdm import tqdm

from ..build import generated
from ..nbgrader_cli import nbgrader
from .intake import Refused, fingerprint, inspect
from .scan import submission_findings
from .worker import PHASES, Finding, Job, Limits, Result, grade_job, warm_up

STATE = ".grading"  # <course>/.grading/<student>/<assignment>.json: what was graded, and found
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    student: str
    assignment: str
    graded: bool
    reason: str = ""
    flags: list = field(default_factory=list)  # Finding
    skipped: bool = False
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)  # phase (worker.PHASES) → seconds


def submissions(course, assignment=None, student=None):
    """(student, assignment, problem) for each folder under ``course/submitted``, sorted;
    ``problem`` says why a folder cannot be a submission (a link, an odd name), else ""."""
    found = []
    for student_entry in _entries(Path(course, "submitted")):
        if student not in (None, student_entry.name):
            continue
        if student_entry.is_symlink() or not student_entry.is_dir(follow_symlinks=False):
            found.append(
                (student_entry.name, assignment or "(any)", "the student folder is a link")
            )
            continue
        for entry in _entries(Path(student_entry.path)):
            if assignment not in (None, entry.name):
                continue
            names = (student_entry.name, entry.name)
            odd = next((n for n in names if not SAFE_NAME.fullmatch(n)), None)
            found.append(
                (*names, f"the folder name {ascii(odd)} has odd characters" if odd else "")
            )
    return sorted(found)


def _entries(folder):
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError:
        return []


def expected_notebooks(course, assignment):
    """{notebook name: source bytes} of one assignment."""
    return {
        p.name: p.read_bytes() for p in sorted(Path(course, "source", assignment).glob("*.ipynb"))
    }


def register_assignment(course, assignment):
    """Record the assignment's graded cells in the course's gradebook; return a gradebook that
    holds the assignment and nothing else (what a worker needs, without any student's data).

    Runs generate_assignment into scratch folders, so release/ is left as it is, and only when
    the source or the config changed since the last time (the result is kept in .grading/).
    """
    digest = hashlib.sha256(Path(course, "nbgrader_config.py").read_bytes())
    for name, data in expected_notebooks(course, assignment).items():
        digest.update(name.encode() + b"\0" + data)
    kept = Path(course, STATE, "templates", f"{assignment}-{digest.hexdigest()[:16]}.db")
    if kept.is_file() and _registered(course, assignment):
        return kept.read_bytes()
    nbgrader(
        "generate_assignment",
        assignment,
        "--force",
        "--CourseDirectory.release_directory=build/register",
        course=course,
    )
    with generated(course, assignment) as scratch:
        template = (scratch / "gradebook.db").read_bytes()
    shutil.rmtree(kept.parent, ignore_errors=True)  # templates of older sources
    kept.parent.mkdir(parents=True)
    kept.write_bytes(template)
    return template


def _registered(course, assignment):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{Path(course).resolve()}/gradebook.db") as gb:
        try:
            return bool(gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            return False


@contextlib.contextmanager
def executor(workers=None, scheduler=None, limits=None):
    """Where grading jobs run: a local process pool, or a Dask cluster given its scheduler.

    Yields (executor, how many jobs run at once, the limits to grade with). Unless the limits
    fix a thread count, each kernel gets its share of its machine's cores (oversubscribed,
    torch's thread pools slow every kernel down many times over). Each worker gets ready for
    its first job (:func:`.worker.warm_up`) as soon as it starts."""
    limits = limits or Limits()
    if scheduler:
        from dask.distributed import Client

        with Client(scheduler) as client:
            if not limits.threads:
                limits = replace(limits, threads=_core_share(client))
            client.run(warm_up, limits)
            yield client.get_executor(), max(1, sum(client.nthreads().values())), limits
    else:
        workers, cores = workers or os.cpu_count() or 1, os.cpu_count() or 1
        if not limits.threads:
            limits = replace(limits, threads=max(1, cores // min(workers, cores)))
        # Workers forked from a process with threads (a progress bar's, say) may inherit a lock
        # held forever: start them from a fork server, a fresh process with no threads.
        fresh = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(workers, fresh, warm_up, (limits,)) as pool:
            yield pool, workers, limits


def _core_share(client):
    """The fewest cores a Dask worker's job gets: its machine's cores over the jobs it runs."""
    cores = client.run(os.cpu_count)
    workers = client.scheduler_info()["workers"]
    jobs = collections.Counter()
    for info in workers.values():
        jobs[info["host"]] += info["nthreads"]
    return min(max(1, cores[a] // jobs[info["host"]]) for a, info in workers.items())


def store(course, result, mark):
    """Save one graded submission: scores into the gradebook (nbgrader's SaveAutoGrades), the
    cells named by findings marked for a manual look, then its autograded folder, replaced as a
    whole, and the grading state (fingerprint and findings) that lets a rerun skip it."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades

    db_url = f"sqlite:///{Path(course).resolve()}/gradebook.db"
    notebooks = {
        name: nbformat.reads(data.decode(), as_version=4)
        for name, data in result.files.items()
        if name.endswith(".ipynb")
    }
    stamp = result.files.get("timestamp.txt", b"").decode().strip() or None
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(result.student)
        gb.update_or_create_submission(result.assignment, result.student, timestamp=stamp)
    for name, nb in notebooks.items():
        resources = {
            "nbgrader": {
                "notebook": Path(name).stem,
                "assignment": result.assignment,
                "student": result.student,
                "db_url": db_url,
            }
        }
        SaveAutoGrades().preprocess(nb, resources)
    review = {f.cell for f in mark["findings"] if f.cell}
    with Gradebook(db_url) as gb:
        for notebook in gb.find_submission(result.assignment, result.student).notebooks:
            for grade in notebook.grades:
                if grade.name in review:
                    grade.needs_manual_grade = True
        gb.db.commit()
    target = Path(course, "autograded", result.student, result.assignment)
    fresh = target.with_name(f".{target.name}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    for name, data in result.files.items():
        (fresh / name).write_bytes(data)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    state = _state_path(course, result.student, result.assignment)
    state.parent.mkdir(parents=True, exist_ok=True)
    saved = {"fingerprint": mark["fingerprint"], "findings": [asdict(f) for f in mark["findings"]]}
    state.write_text(json.dumps(saved))


def _state_path(course, student, assignment):
    return Path(course, STATE, student, f"{assignment}.json")


def graded_state(course, student, assignment):
    """What the last stored grading of a submission saw ({fingerprint, findings}), or None."""
    try:
        saved = json.loads(_state_path(course, student, assignment).read_text())
        return {
            "fingerprint": saved["fingerprint"],
            "findings": [Finding(**f) for f in saved["findings"]],
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None


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

    Unchanged submissions already graded are skipped unless ``force`` (telling costs no reading
    of their files); each result is saved as soon as it arrives, so an interrupted run loses
    nothing and the next run resumes. One broken submission is reported and never stops the rest.
    """
    course = Path(course).resolve()
    work = submissions(course, assignment, student)
    config = Path(course, "nbgrader_config.py").read_text()
    names = sorted({a for _, a, problem in work if not problem})
    sources = {name: expected_notebooks(course, name) for name in names}
    outcomes, todo = [], []
    for student_id, assignment_id, problem in work:
        if not problem and not sources.get(assignment_id):
            problem = f"there is no assignment {assignment_id!r} in source/"
        if problem:
            outcomes.append(_refused(student_id, assignment_id, problem))
            continue
        folder = course / "submitted" / student_id / assignment_id
        mark = fingerprint(folder, sources[assignment_id])
        saved = graded_state(course, student_id, assignment_id)
        if not force and saved and saved["fingerprint"] == mark:
            outcomes.append(
                Outcome(student_id, assignment_id, True, flags=saved["findings"], skipped=True)
            )
            continue
        todo.append((student_id, assignment_id, mark))
    with tqdm(total=len(work), initial=len(outcomes), desc="grading", unit="notebook") as bar:
        if todo:
            busy = min(workers or os.cpu_count() or 1, len(todo))  # idle workers only compete
            with executor(busy, scheduler, limits) as (pool, size, limits):
                # the workers get ready while the gradebook learns the assignments
                templates = {n: register_assignment(course, n) for n, nbs in sources.items() if nbs}

                def make_job(student_id, assignment_id):
                    folder = course / "submitted" / student_id / assignment_id
                    files = inspect(folder, sources[assignment_id])
                    job = Job(
                        student_id, assignment_id, files, sources[assignment_id],
                        templates[assignment_id], config, limits,
                    )  # fmt: skip
                    return job, submission_findings(files, sources[assignment_id])

                for outcome in _graded(pool, todo, make_job, course, 2 * size):
                    outcomes.append(outcome)
                    bar.update(1)
                    bar.set_postfix(not_graded=sum(not o.graded for o in outcomes))
    return sorted(outcomes, key=lambda o: (o.assignment, o.student))


def _refused(student_id, assignment_id, reason):
    return Outcome(student_id, assignment_id, False, reason, [Finding("refused", reason)])


def _graded(pool, todo, make_job, course, window):
    """Outcomes as jobs finish; at most ``window`` submissions are read and in flight at once,
    so the coordinator's memory does not grow with the class. Ctrl-C cancels what is queued."""
    queue, running = list(reversed(todo)), {}
    try:
        while queue or running:
            while queue and len(running) < window:
                student_id, assignment_id, mark = queue.pop()
                try:
                    job, findings = make_job(student_id, assignment_id)
                except Refused as error:
                    yield _refused(student_id, assignment_id, str(error))
                    continue
                future = pool.submit(grade_job, job)
                running[future] = (job.student, job.assignment, mark, findings)
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield _finish(course, future, *running.pop(future))
    except KeyboardInterrupt:
        for future in running:
            future.cancel()
        raise


def _finish(course, future, student_id, assignment_id, mark, findings):
    """Store one finished job; any failure makes it NOT GRADED and keeps the earlier grade."""
    try:
        result = future.result()
    except Exception as error:  # noqa: BLE001 (a worker lost or crashed: report, go on)
        result = Result(student_id, assignment_id, False, f"grading worker failed: {error!r}")
    findings = findings + result.findings
    outcome = Outcome(student_id, assignment_id, result.graded, result.reason, findings)
    outcome.timings = dict(result.timings)
    start = time.perf_counter()
    if result.graded:
        try:
            store(course, result, {"fingerprint": mark, "findings": findings})
        except Exception as error:  # noqa: BLE001
            outcome.graded, outcome.reason = False, f"its grades could not be stored: {error!r}"
    if outcome.timings:
        outcome.timings["storing"] = time.perf_counter() - start
    outcome.seconds = sum(outcome.timings.values())
    return outcome


def timings(outcomes):
    """A plain-text table: where each graded notebook's time went, phase by phase, in seconds."""
    rows = [o for o in outcomes if o.timings]
    width = max([len(f"{o.student}/{o.assignment}") for o in rows] + [10])
    lines = ["submission".ljust(width) + "".join(p.rjust(14) for p in PHASES) + "total".rjust(9)]
    for o in rows:
        cells = "".join(f"{o.timings.get(p, 0.0):14.2f}" for p in PHASES)
        lines.append(f"{o.student}/{o.assignment}".ljust(width) + cells + f"{o.seconds:9.2f}")
    return "\n".join(lines)


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
        name, _, part = cell.partition("_test")
        row = (f"{name} ({part.lstrip('_')})" if part else name).ljust(name_width)
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
            if flag.kind != "refused":
                lines.append(f"{o.student}: FLAGGED for review ({flag.kind}): {flag.detail}")
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
