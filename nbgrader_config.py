"""nbgrader configuration for Layer by Layer (the course directory is the repository root)."""

from autograder.grading.limits import Limits

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "layer-by-layer"
c.CourseDirectory.root = "."

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading: a cell may run at most Limits.cell_seconds (the checks take seconds); a cell that
# runs longer is interrupted and recorded as an error, and grading goes on. A busy
# machine may deliver a cell's output late: wait, and never fail a cell for that alone.
c.Execute.timeout = Limits.cell_seconds
c.Execute.interrupt_on_timeout = True
c.Execute.iopub_timeout = 15
c.Execute.raise_on_iopub_timeout = False

# torch warnings on stderr must not cost points: nbgrader scores a cell with any stderr output
# as failed, so drop stderr outputs that are Python warnings before scoring.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w+Warning: "

# After running a notebook, cut any huge output before nbgrader scores and saves it.
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "autograder.grading.preprocessors.TruncateOutputs",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback shows each test cell's output and score but never the hidden tests, which autograde
# put back into the notebook (nbgrader issue #917): cut them out before the HTML export.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.grading.preprocessors.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
