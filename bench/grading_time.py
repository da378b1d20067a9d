"""How long grading a chapter takes, and how long each visible check takes, on this machine.

Reports medians and, as the baseline measured in the same run, a bare ``python -c "import torch"``.
Usage: python bench/grading_time.py [--repeat 3] [assignment ...]  (all chapters by default)
"""

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time

import nbformat
from nbgrader.utils import is_grade

from autograder import grading
from autograder.build import ROOT, scratch_course
from autograder.build.course import grade_id
from autograder.build.exercises import lesson_namespace
from autograder.grading.sample_class import write_sample_class


def median_time(run, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_torch():
    subprocess.run([sys.executable, "-c", "import torch"], check=True)


def grade_reference(course, assignment):
    def run():
        (outcome,) = grading.grade(course, assignment, "ada", force=True)
        assert outcome.graded, outcome.reason

    return run


def visible_checks(assignment, repeat):
    """Median time of each release test cell (the visible check) on the reference solution."""
    release = next((ROOT / "release" / assignment).glob("*.ipynb"))
    times = {}
    for cell in nbformat.read(release, as_version=4).cells:
        if is_grade(cell) and cell.source.strip():
            namespace = lesson_namespace(assignment)
            code = compile(cell.source, grade_id(cell), "exec")

            def run(code=code, namespace=namespace):
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(code, namespace)

            times[grade_id(cell)] = median_time(run, repeat)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("assignments", nargs="*", help="e.g. 04_transformer (default: all)")
    args = parser.parse_args()
    chosen = args.assignments or sorted(p.name for p in (ROOT / "source").iterdir())
    baseline = median_time(import_torch, args.repeat)
    print(f"baseline: python -c 'import torch': median {baseline:.2f} s")
    with tempfile.TemporaryDirectory() as scratch:
        course = scratch_course(scratch, ROOT)
        write_sample_class(course)
        for assignment in chosen:
            grading.register_assignment(course, assignment)
            seconds = median_time(grade_reference(course, assignment), args.repeat)
            print(
                f"\n{assignment}: nbgrader autograde of the reference solutions, median of "
                f"{args.repeat}: {seconds:.1f} s ({seconds / baseline:.1f}× the baseline)"
            )
            print("visible check (release test cell), median of 5 runs on the reference:")
            for grade_id, t in visible_checks(assignment, 5).items():
                print(f"  {grade_id:<28} {t * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
