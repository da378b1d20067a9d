"""Command line: ``python -m autograder {build,demo,grade,feedback,export}``."""

import argparse
import shutil
import sys
from pathlib import Path

from . import build, grading
from .nbgrader_cli import NbgraderError
from .sample_class import write_sample_class


def cmd_build(args):
    for release in build.build(args.course):
        print(f"built {release.relative_to(args.course)} (and its source/)")


def cmd_grade(args):
    outcomes = grading.grade(args.course, args.assignment, args.student, args.force)
    if not outcomes:
        print(f"nothing to grade: no submissions under {args.course / 'submitted'}")
        return
    for assignment in sorted({o.assignment for o in outcomes}):
        print("\n" + grading.report(args.course, assignment, outcomes))


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
    demo.mkdir(parents=True)
    shutil.copy(args.course / "nbgrader_config.py", demo)
    shutil.copytree(args.course / "source", demo / "source")
    students = write_sample_class(demo, args.course)
    print(f"sample class: {', '.join(students)} (in {demo / 'submitted'})")
    outcomes = grading.grade(demo)
    grading.feedback(demo)
    csv = grading.export(demo)
    for assignment in sorted({o.assignment for o in outcomes}):
        print("\n" + grading.report(demo, assignment, outcomes))
    print(f"\ngrades.csv: {csv}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--course", type=Path, default=build.ROOT, help="course directory")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="course/*.md → source/ → release/").set_defaults(
        run=cmd_build
    )
    commands.add_parser("demo", help="build, then grade the sample class").set_defaults(
        run=cmd_demo
    )
    grade = commands.add_parser("grade", help="autograde what is in submitted/")
    grade.add_argument("--assignment")
    grade.add_argument("--student")
    grade.add_argument("--force", action="store_true", help="regrade already graded submissions")
    grade.set_defaults(run=cmd_grade)
    feedback = commands.add_parser("feedback", help="feedback HTML for graded submissions")
    feedback.add_argument("--assignment")
    feedback.set_defaults(run=cmd_feedback)
    commands.add_parser("export", help="write grades.csv").set_defaults(run=cmd_export)
    args = parser.parse_args(argv)
    args.course = args.course.resolve()
    try:
        args.run(args)
    except NbgraderError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
