"""The course build: lessons in course/*.md → nbgrader source/ → student release/
(:mod:`.course`), the website (:mod:`.site`), and the exercises with their known variants
(:mod:`.exercises`). Nothing here imports torch."""

from .course import (
    ROOT,
    add_nbgrader_metadata,
    assignment_name,
    build,
    generated,
    grade_id,
    lessons,
    notebook_name,
    read_lesson,
    scratch_course,
    solution_code,
)

__all__ = [
    "ROOT",
    "add_nbgrader_metadata",
    "assignment_name",
    "build",
    "generated",
    "grade_id",
    "lessons",
    "notebook_name",
    "read_lesson",
    "scratch_course",
    "solution_code",
]
