"""Grading a class: plain sequential ``nbgrader autograde`` against ours, in the same run.

Generates a class of chapter-1 submissions (a mix of reference solutions, known bugs from
course/variants, untouched releases and broken JSON) and grades fresh copies of it, in turn,
``--repeat`` times: with plain nbgrader (one student after another, no sandbox), with
``autograder.grading`` on a process pool and on a Dask ``LocalCluster`` of as many workers
(sandboxed kernels, the trusted verdict). It checks the three give the same scores and reports
the medians, their ratios, and where each notebook's time went. Then it measures the fixed cost
of one notebook (kernel start + ``import torch``) both ways, next to a bare
``python -c "import torch"``.

Usage: python bench/class_grading.py [--students 40] [--workers 2] [--repeat 3]
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from dask.distributed import LocalCluster

from autograder import grading
from autograder.build import ROOT, scratch_course
from autograder.build.exercises import variant
from autograder.grading.intake import inspect
from autograder.grading.limits import Limits
from autograder.grading.sample_class import fill, reference_answers
from autograder.grading.worker import PHASES, Job, grade_job
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


def clocked(run, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = run(*args, **kwargs)
    return time.perf_counter() - start, result


def class_runs(template, scratch, workers, repeat):
    """Seconds of each way of grading the class, ``repeat`` times, each on a fresh copy, in
    turn; and the outcomes of our last process-pool run."""
    seconds = {"plain": [], "pool": [], "dask": []}
    for run in range(repeat):
        courses = {way: Path(scratch, f"{way}-{run}") for way in seconds}
        for course in courses.values():
            shutil.copytree(template, course)
        took, _ = clocked(plain_nbgrader, courses["plain"])
        seconds["plain"].append(took)
        took, outcomes = clocked(grading.grade, courses["pool"], workers=workers)
        seconds["pool"].append(took)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster:
            took, _ = clocked(grading.grade, courses["dask"], scheduler=cluster.scheduler_address)
        seconds["dask"].append(took)
        scores = {way: grading.scores(course, ASSIGNMENT) for way, course in courses.items()}
        assert scores["pool"] == scores["dask"], "Dask and the process pool disagree"
        assert scores["pool"] == {s: scores["plain"][s] for s in scores["pool"]}, "scores differ"
    return seconds, outcomes


def per_notebook(scratch, repeat):
    """Median seconds to grade the `import torch` notebook: plain nbgrader, our worker (this
    process, as a pool worker is: warm after its first job), and a bare import of torch."""
    base = statistics.median(
        clocked(subprocess.run, [sys.executable, "-c", "import torch"], check=True)[0]
        for _ in range(repeat)
    )
    tiny = Path(scratch, "tiny")
    tiny.mkdir()
    overhead_course(tiny)
    plain_one = statistics.median(
        clocked(nbgrader, "autograde", "overhead", "--force", course=tiny)[0] for _ in range(repeat)
    )
    job = Job(
        "s",
        "overhead",
        inspect(tiny / "submitted/s/overhead", {"overhead.ipynb"}),
        grading.expected_notebooks(tiny, "overhead"),
        grading.register_assignment(tiny, "overhead"),
        (tiny / "nbgrader_config.py").read_text(),
        Limits(threads=1),
    )
    first = grade_job(job)
    assert first.graded, first.reason
    warm = [grade_job(job) for _ in range(repeat)]
    assert all(r.graded for r in warm)
    return base, plain_one, first, warm


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lbl-bench-") as scratch:
        template = Path(scratch, "template")
        template.mkdir()
        kinds = make_class(template, args.students)
        counts = {k: kinds.count(k) for k in sorted(set(kinds))}
        print(f"class: {args.students} submissions of {ASSIGNMENT}: {counts}")
        seconds, outcomes = class_runs(template, scratch, args.workers, args.repeat)
        plain, pool, dask = (statistics.median(seconds[w]) for w in ("plain", "pool", "dask"))
        print(f"medians of {args.repeat} runs, each on a fresh copy of the class (same scores):")
        print(f"  plain nbgrader autograde, sequential:        {plain:7.1f} s  {seconds['plain']}")
        print(f"  ours, process pool of {args.workers}, sandboxed:      {pool:7.1f} s  "
              f"(plain/ours {plain / pool:.2f}x)")  # fmt: skip
        print(f"  ours, Dask LocalCluster of {args.workers}, sandboxed: {dask:7.1f} s  "
              f"(dask/pool {dask / pool:.2f})")  # fmt: skip
        print("\nwhere the time went in our last process-pool run (seconds):")
        print(grading.timings(outcomes))
        graded = [o for o in outcomes if o.timings]
        print("median".ljust(len(graded[0].student) + len(ASSIGNMENT) + 1), end="")
        for phase in PHASES:
            print(f"{statistics.median(o.timings[phase] for o in graded):14.2f}", end="")
        print(f"{statistics.median(o.seconds for o in graded):9.2f}")

        every = Path(scratch, "all-threads")
        shutil.copytree(template, every)
        threads = os.cpu_count() or 1
        took, _ = clocked(
            grading.grade, every, workers=args.workers, limits=Limits(threads=threads)
        )
        print(
            f"\nthreads: each kernel its share of the cores ({max(1, threads // args.workers)}, "
            f"the rule): {pool:.1f} s (median above); each kernel all {threads} cores: "
            f"{took:.1f} s (one run, {took / pool:.2f}x)"
        )

        base, plain_one, first, warm = per_notebook(scratch, args.repeat)
        ours = statistics.median(r.seconds for r in warm)
        print(f"\nper-notebook overhead (one `import torch` cell), median of {args.repeat}:")
        print(f"  python -c 'import torch':                     {base:5.2f} s (baseline)")
        print(f"  nbgrader autograde:                           {plain_one:5.2f} s "
              f"({plain_one / base:.2f}x)")  # fmt: skip
        print(f"  ours, a worker's first notebook (cold):       {first.seconds:5.2f} s "
              f"({first.seconds / base:.2f}x)")  # fmt: skip
        print(f"  ours, each next notebook (kernel made ready):  {ours:5.2f} s "
              f"({ours / base:.2f}x)")  # fmt: skip
        for phase in PHASES:
            print(f"    {phase:<13} {statistics.median(r.timings[phase] for r in warm):5.2f} s")


if __name__ == "__main__":
    main()
