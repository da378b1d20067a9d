"""nbgrader configuration for Layer by Layer (the course directory is the repository root)."""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "layer-by-layer"
c.CourseDirectory.root = "."

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading: a cell may run at most 3 minutes (the checks take seconds).
c.Execute.timeout = 180
c.Execute.allow_errors = True

# torch warnings on stderr must not cost points: nbgrader scores a cell with any stderr output
# as failed, so drop stderr outputs that are Python warnings before scoring.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w+Warning: "
