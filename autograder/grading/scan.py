"""What a submission did to the graded test cells: deleted or edited ones are findings.

nbgrader restores an edited test cell and scores a deleted one 0, so neither changes a score;
both are still worth a person's look. Nothing here reads code for suspicious names: what counts
is what happened (see the trusted check in :mod:`autograder.grading.judge`).
"""

import nbformat
from nbgrader.utils import compute_checksum, is_grade, is_locked

from .worker import Finding


def test_cell_findings(name, submitted, source):
    """Findings for one notebook: graded cells deleted, locked cells edited."""
    expected = {c.metadata.nbgrader.grade_id for c in source.cells if is_grade(c)}
    present, findings = set(), []
    for cell in submitted.cells:
        if not (is_grade(cell) or is_locked(cell)):
            continue
        grade_id = cell.metadata.nbgrader.get("grade_id", "")
        present.add(grade_id)
        checksum = cell.metadata.nbgrader.get("checksum")
        if is_locked(cell) and checksum != compute_checksum(cell):
            detail = f"{name}: locked cell {grade_id} was edited (nbgrader restores it)"
            findings.append(Finding("test-cell-edited", detail, grade_id))
    for grade_id in sorted(expected - present):
        detail = f"{name}: graded cell {grade_id} was deleted (it scores 0)"
        findings.append(Finding("test-cell-deleted", detail, grade_id))
    return findings


def submission_findings(files, sources):
    """Findings for a submission's notebooks (bytes, already inspected) against the sources."""
    findings = []
    for name, data in sorted(files.items()):
        if name in sources:
            submitted = nbformat.reads(data.decode(), as_version=4)
            source = nbformat.reads(sources[name].decode(), as_version=4)
            findings += test_cell_findings(name, submitted, source)
    return findings
