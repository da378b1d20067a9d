"""Command line: ``python -m autograder {build,demo,grade,feedback,export}``."""

import argparse
import dataclasses
import json
import shutil
import sys
from pathlib import Path

from . import build, grading
from .grading.limits import Limits
from .grading.sample_class import write_sample_class
from .grading.sandbox import protections
from .nbgrader_cli import NbgraderError


def cmd_build(args):
    for release in build.build(args.course):
        print(f"built {release.relative_to(args.course)} (and its source/)")


def print_protections():
    """Say which isolation grading kernels get on this machine, and what is missing."""
    found = protections()
    print("kernel isolation: " + "; ".join(f"{n}: {h or 'MISSING'}" for n, h in found.items()))
    missing = [name for name, how in found.items() if not how]
    if missing:
        print(
            "WARNING: without bubblewrap (apt-get install bubblewrap) kernels lack: "
            + ", ".join(missing)
        )


def report(course, outcomes):
    for assignment in sorted({o.assignment for o in outcomes}):
        print("\n" + grading.report(course, assignment, outcomes))


def cmd_grade(args):
    print_protections()
    limits = Limits(
        cell_seconds=args.cell_timeout,
        notebook_seconds=args.notebook_timeout,
        memory_mb=args.memory_mb,
    )
    try:
        outcomes = grading.grade(
            args.course,
            args.assignment,
            args.student,
            args.force,
            args.workers,
            args.scheduler,
            limits,
        )
    except KeyboardInterrupt:
        sys.exit("\ninterrupted: every grade saved so far is kept; run again to resume.")
    if not outcomes:
        print(f"nothing to grade: no submissions under {args.course / 'submitted'}")
        return
    report(args.course, outcomes)
    if args.timings:
        print("\nwhere the time went (seconds per notebook):\n" + grading.timings(outcomes))
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(o) for o in outcomes], indent=1))
        print(f"\noutcomes written to {args.json}")


def cmd_feedback(args):
    grading.feedback(args.course, args.assignment)
    print(f"feedback written under {args.course / 'feedback'}")


def cmd_export(args):
    print(f"grades exported to {grading.export(args.course)}")


def cmd_demo(args):
    """Build the course, then grade the sample class in build/demo with nbgrader."""
    cmd_build(args)
    demo = args.course / "build" / "demo"
    shutil.rmtree(demo, ignore_errors=True)
    build.scratch_course(demo, args.course)
    students = write_sample_class(demo, args.course)
    print(f"sample class: {', '.join(students)} (in {demo / 'submitted'})")
    print_protections()
    outcomes = grading.grade(demo, workers=args.workers)
    grading.feedback(demo)
    csv = grading.export(demo)
    report(demo, outcomes)
    print(f"\ngrades.csv: {csv}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--course", type=Path, default=build.ROOT, help="course directory")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("build", help="course/*.md → source/ → release/")
    command.set_defaults(run=cmd_build)
    command = commands.add_parser("demo", help="build, then grade the sample class")
    command.add_argument("--workers", type=int, help="parallel graders (default: one per core)")
    command.set_defaults(run=cmd_demo)
    command = commands.add_parser("grade", help="autograde what is in submitted/")
    command.add_argument("--assignment")
    command.add_argument("--student")
    command.add_argument("--force", action="store_true", help="regrade unchanged ones too")
    command.add_argument("--workers", type=int, help="parallel graders (default: one per core)")
    command.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://host:8786")
    command.add_argument("--cell-timeout", type=int, default=Limits.cell_seconds, help="seconds")
    command.add_argument(
        "--notebook-timeout",
        type=int,
        default=Limits.notebook_seconds,
        help="seconds for a whole submission",
    )
    command.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    command.add_argument("--json", type=Path, help="also write each outcome (and finding) here")
    command.add_argument(
        "--timings", action="store_true", help="print where each notebook's time went"
    )
    command.set_defaults(run=cmd_grade)
    command = commands.add_parser("feedback", help="feedback HTML for graded submissions")
    command.add_argument("--assignment")
    command.set_defaults(run=cmd_feedback)
    command = commands.add_parser("export", help="write grades.csv")
    command.set_defaults(run=cmd_export)
    args = parser.parse_args(argv)
    args.course = args.course.resolve()
    try:
        args.run(args)
    except NbgraderError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
