"""Run the course's GPU-sensitive checks and print one table.

The checks: every exercise's reference solution and variants, the forbidden-op catalogue test
(tests/test_forbidden.py) and the chapter-2 layer benchmark (bench/conv_layers.py --batch 2
--repeat 3).

The exercises run on CUDA when torch sees a GPU and on the CPU otherwise (the engine picks the
device: ``autograder.checks.DEVICE``); the benchmark times the CPU. Needs torch, nbformat,
nbgrader, matplotlib and tqdm; the catalogue row also needs pytest (skipped without it) and the
benchmark jupytext (fails without it).
Exits non-zero when anything failed or a variant was misjudged.
Usage (the package installed, as make setup does):
    python bench/gpu_check.py [--only 01_norms] [--json FILE]
"""

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from autograder.build import ROOT
from autograder.build.exercises import exercises, run_test_cell
from autograder.checks import DEVICE, CheckFailed

CATALOGUE = "tests/test_forbidden.py"
BENCHMARK = ["bench/conv_layers.py", "--batch", "2", "--repeat", "3"]
SUBPROCESS_TIMEOUT = 300  # seconds


def one_line(exc):
    """An exception as one line: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def judge(exercise, path):
    """None when the variant is judged right, otherwise what went wrong."""
    correct = path.stem.startswith("correct_")
    try:
        run_test_cell(exercise, path.read_text())
    except AssertionError as exc:
        if correct:
            return f"rejected: {one_line(exc)}"
        forbidden = isinstance(exc, CheckFailed) and exc.reason == "forbidden-op"
        if path.stem == "wrong_calls_torch_op" and not forbidden:
            return f"rejected, but not as forbidden-op: {one_line(exc)}"
        return None
    except Exception as exc:
        return f"raised {one_line(exc)}"
    return None if correct else "accepted"


def check_exercise(exercise):
    """The reference solution and every variant of one exercise, as a result row."""
    start = time.perf_counter()
    try:
        run_test_cell(exercise)
        reference = None
    except Exception as exc:
        reference = one_line(exc)
    paths = exercise.variants()
    misjudged = {p.stem: message for p in paths if (message := judge(exercise, p))}
    synchronize()
    return {
        "exercise": f"{exercise.assignment}/{exercise.grade_id}",
        "reference_error": reference,
        "variants": len(paths),
        "misjudged": misjudged,
        "seconds": time.perf_counter() - start,
    }


def run_python(args):
    """Run ``python ARGS`` in the repository root: (exit status, output, seconds)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
        )
        status, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        status, output = None, f"timed out after {SUBPROCESS_TIMEOUT} s"
    return status, output, time.perf_counter() - start


def last_line(output):
    lines = output.strip().splitlines()
    return lines[-1] if lines else "no output"


def check_catalogue():
    """The forbidden-op catalogue test, as a result row (skipped when it or pytest is missing)."""
    row = {"name": "catalogue test", "ok": True, "output": "", "seconds": 0.0}
    if not (ROOT / CATALOGUE).exists():
        return row | {"outcome": "skipped: no such file"}
    if importlib.util.find_spec("pytest") is None:
        return row | {"outcome": "skipped: pytest is not installed"}
    pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", CATALOGUE]
    status, output, seconds = run_python(pytest)
    summary = last_line(output)
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed)", summary)}
    passed, failed = counts.get("passed", 0), counts.get("failed", 0)
    outcome = f"{passed} passed, {failed} failed" if status in (0, 1) else f"error: {summary}"
    return row | {"ok": status == 0, "outcome": outcome, "output": output, "seconds": seconds}


def check_benchmark():
    """The chapter-2 layer benchmark, as a result row with its output."""
    status, output, seconds = run_python(BENCHMARK)
    outcome = "ran" if status == 0 else f"failed: {last_line(output)}"
    return {
        "name": "benchmark conv_layers",
        "ok": status == 0,
        "outcome": outcome,
        "output": output,
        "seconds": seconds,
    }


def device_name():
    return torch.cuda.get_device_name() if DEVICE.type == "cuda" else "cpu"


def print_table(results):
    print(f"{'exercise':40s} {'reference ok':>12s} {'variants right':>15s} {'seconds':>8s}")
    for row in results["exercises"]:
        right = f"{row['variants'] - len(row['misjudged'])}/{row['variants']}"
        reference = "no" if row["reference_error"] else "yes"
        print(f"{row['exercise']:40s} {reference:>12s} {right:>15s} {row['seconds']:8.1f}")
    for row in (results["catalogue"], results["benchmark"]):
        print(f"{row['name']:40s} {row['outcome'][:28]:>28s} {row['seconds']:8.1f}")
    print(f"device {results['device']}, torch {results['torch']}, total {results['seconds']:.1f} s")


def print_problems(results):
    """Below the table: what failed or was misjudged, then the benchmark's own output."""
    for row in results["exercises"]:
        if row["reference_error"]:
            print(f"{row['exercise']} reference: {row['reference_error'][:200]}")
        for stem, message in row["misjudged"].items():
            print(f"{row['exercise']}/{stem}: {message[:200]}")
    if not results["catalogue"]["ok"]:
        print(results["catalogue"]["output"].strip())
    print(f"\n{results['benchmark']['output'].strip()}")


def all_ok(results):
    rows = results["exercises"]
    exercises_ok = all(not r["reference_error"] and not r["misjudged"] for r in rows)
    return exercises_ok and results["catalogue"]["ok"] and results["benchmark"]["ok"]


def run_all(chosen):
    """Every check, with a progress bar on stderr."""
    start = time.perf_counter()
    results = {"device": device_name(), "torch": torch.__version__, "exercises": []}
    with tqdm(total=len(chosen) + 2, file=sys.stderr, unit="check") as bar:
        for exercise in chosen:
            bar.set_postfix_str(f"{exercise.assignment}/{exercise.grade_id}")
            results["exercises"].append(check_exercise(exercise))
            bar.update()
        bar.set_postfix_str("catalogue")
        results["catalogue"] = check_catalogue()
        bar.update()
        bar.set_postfix_str("benchmark")
        results["benchmark"] = check_benchmark()
        bar.update()
    results["seconds"] = time.perf_counter() - start
    results["ok"] = all_ok(results)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="ASSIGNMENT", help="only this chapter's exercises")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the results here")
    args = parser.parse_args()
    chosen = [e for e in exercises() if args.only in (None, e.assignment)]
    if not chosen:
        parser.error(f"no exercises in assignment {args.only!r}")
    results = run_all(chosen)
    print_table(results)
    print_problems(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    sys.exit(0 if results["ok"] else 1)


if __name__ == "__main__":
    main()
