"""Grading a class: plain sequential ``nbgrader autograde`` against ours, in the same run.

Generates a class of chapter-1 submissions (a mix of reference solutions, known bugs from
course/variants, untouched releases and broken JSON), grades one copy with plain nbgrader (one
student after another, no sandbox) and another copy with ``autograder.grading`` (parallel
workers, sandboxed kernels), and reports wall times and their ratio. Then it measures the fixed
cost of one notebook (kernel start + ``import torch``) both ways, next to a bare
``python -c "import torch"``.

Usage: python bench/class_grading.py [--students 40] [--workers 2] [--repeat 3]
"""

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import grading
from autograder.build import ROOT, scratch_course
from autograder.build.exercises import variant
from autograder.grading.intake import inspect
from autograder.grading.sample_class import fill, reference_answers
from autograder.grading.worker import Job, grade_job
from autograder.nbgrader_cli import nbgrader

ASSIGNMENT = "01_norms"


def make_class(course, students, seed=0):
    """``students`` submissions: 40% reference, 30% with one to three bugs, 15% untouched,
    15% broken JSON."""
    rng = random.Random(seed)
    scratch_course(course, ROOT, [ASSIGNMENT])
    source = next((ROOT / "source" / ASSIGNMENT).glob("*.ipynb"))
    release = nbformat.read(ROOT / "release" / ASSIGNMENT / source.name, as_version=4)
    reference = reference_answers(nbformat.read(source, as_version=4))
    wrong = {
        grade_id: sorted((ROOT / "course" / "variants" / ASSIGNMENT / grade_id).glob("wrong_*.py"))
        for grade_id in reference
    }
    kinds = []
    for i in range(students):
        roll = rng.random()
        kind = (
            "reference"
            if roll < 0.4
            else "buggy"
            if roll < 0.7
            else "untouched"
            if roll < 0.85
            else "broken"
        )
        answers = dict(reference)
        if kind == "buggy":
            for grade_id in rng.sample(sorted(wrong), rng.randint(1, 3)):
                answers[grade_id] = variant(ASSIGNMENT, grade_id, rng.choice(wrong[grade_id]).stem)
        text = nbformat.writes(release if kind == "untouched" else fill(release, answers))
        folder = course / "submitted" / f"student{i:03d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / source.name).write_text(text[:3000] if kind == "broken" else text)
        (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
        kinds.append(kind)
    return kinds


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def plain_nbgrader(course):
    """nbgrader autograde as an instructor runs it: every student, one after another."""
    nbgrader("generate_assignment", ASSIGNMENT, "--force", course=course)
    nbgrader("autograde", ASSIGNMENT, "--create", course=course, check=False)


def overhead_course(folder):
    """A one-cell assignment: `import torch`, so grading it costs kernel start + import."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("import torch")
    cell.metadata.nbgrader = {
        "grade": True,
        "grade_id": "t",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb.cells = [cell]
    scratch_course(folder, ROOT, ())
    for where in ("source/overhead", "submitted/s/overhead"):
        (folder / where).mkdir(parents=True)
        nbformat.write(nb, folder / where / "overhead.ipynb")
    nbgrader("generate_assignment", "overhead", "--force", course=folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lbl-bench-") as scratch:
        plain, ours = Path(scratch, "plain"), Path(scratch, "ours")
        plain.mkdir()
        kinds = make_class(plain, args.students)
        shutil.copytree(plain, ours)
        counts = {k: kinds.count(k) for k in sorted(set(kinds))}
        print(f"class: {args.students} submissions of {ASSIGNMENT}: {counts}")
        t_plain = timed(lambda: plain_nbgrader(plain))
        t_ours = timed(lambda: grading.grade(ours, workers=args.workers))
        print(f"plain nbgrader autograde, sequential: {t_plain:7.1f} s")
        print(
            f"ours, {args.workers} workers, sandboxed:      {t_ours:7.1f} s "
            f"(ratio plain/ours {t_plain / t_ours:.2f})"
        )

        base = statistics.median(
            timed(lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True))
            for _ in range(args.repeat)
        )
        tiny = Path(scratch, "tiny")
        tiny.mkdir()
        overhead_course(tiny)
        plain_one = statistics.median(
            timed(lambda: nbgrader("autograde", "overhead", "--force", course=tiny))
            for _ in range(args.repeat)
        )
        job = Job(
            "s",
            "overhead",
            inspect(tiny / "submitted/s/overhead", {"overhead.ipynb"}),
            grading.expected_notebooks(tiny, "overhead"),
            grading.register_assignment(tiny, "overhead"),
            (tiny / "nbgrader_config.py").read_text(),
        )
        ours_one = statistics.median(timed(lambda: grade_job(job)) for _ in range(args.repeat))
        print(f"\nper-notebook overhead, median of {args.repeat}:")
        print(f"  python -c 'import torch':                       {base:5.2f} s (baseline)")
        print(
            f"  nbgrader autograde of an `import torch` cell:   {plain_one:5.2f} s "
            f"({plain_one / base:.1f}x)"
        )
        print(
            f"  ours (scratch course, sandboxed kernel):        {ours_one:5.2f} s "
            f"({ours_one / base:.1f}x)"
        )


if __name__ == "__main__":
    main()
