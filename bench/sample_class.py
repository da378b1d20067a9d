"""How long grading the embedded sample class takes (what ``make demo`` grades), per notebook.

Builds the sample class (ada, bob, cy, dee on every chapter) in a scratch course, grades it with
``autograder.grading.grade`` ``--repeat`` times, and reports the median wall time, the time per
graded notebook, and the same run's baseline: a bare ``python -c "import torch"``.

Usage: python bench/sample_class.py [--repeat 3] [--workers 2]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from autograder import grading
from autograder.build import ROOT, scratch_course
from autograder.grading.sample_class import write_sample_class


def timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def grade_once(workers):
    with tempfile.TemporaryDirectory(prefix="lbl-bench-") as scratch:
        course = scratch_course(scratch, ROOT)
        write_sample_class(course, ROOT)
        seconds, outcomes = timed(lambda: grading.grade(course, workers=workers))
        return seconds, sum(o.graded for o in outcomes)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    torch_import = [sys.executable, "-c", "import torch"]
    base = statistics.median(
        timed(lambda: subprocess.run(torch_import, check=True))[0] for _ in range(args.repeat)
    )
    runs = [grade_once(args.workers) for _ in range(args.repeat)]
    wall = statistics.median(seconds for seconds, _ in runs)
    graded = runs[0][1]
    print(f"baseline python -c 'import torch': {base:.2f} s (median of {args.repeat})")
    print(
        f"sample class, {args.workers} workers: {wall:.1f} s for {graded} graded notebooks "
        f"(median of {args.repeat}); {wall * args.workers / graded:.1f} s of a worker per "
        f"notebook = {wall * args.workers / graded / base:.1f}x the baseline"
    )


if __name__ == "__main__":
    main()
