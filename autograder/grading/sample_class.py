"""The embedded sample class that ``make demo`` grades, made fresh from release/ and source/.

- ada hands in the reference solutions;
- bob hands in typical bugs, each a known-wrong variant from course/variants;
- cy hands in the release untouched;
- dee hands in a notebook that is not valid JSON.
"""

from pathlib import Path

import nbformat
from nbgrader.utils import is_solution

from ..build.course import ROOT, solution_code
from ..build.exercises import variant

# bob's bugs: grade_id → a wrong variant in course/variants/<assignment>/<grade_id>/
BOB_BUGS = {
    "01_norms": {
        "dropout": "wrong_no_rescale",
        "threshold": "wrong_ge_keeps_ties",
        "batch_norm2d": "wrong_running_stats_not_updated",
        "layer_norm": "wrong_eps_outside_sqrt",
        "group_norm": "wrong_calls_torch_op",
    },
    "02_convolutions": {
        "avg_pool2d": "wrong_count_include_pad_ignored",
        "upsample": "wrong_align_corners_swapped",
        "fold": "wrong_overwrites_overlaps",
    },
    "03_recurrent": {
        "embedding": "wrong_padding_gets_gradient",
        "lstm_cell": "wrong_gate_order_ifog",
        "gru_cell": "wrong_seed_z_convention",
        "gru": "wrong_reset_before_matmul",
    },
    "04_transformer": {  # bugs whose exercise no later one builds on
        "sdpa": "wrong_gqa_repeat_not_interleave",
        "mha": "wrong_average_ignored",
        "tiny_gpt": "wrong_no_final_norm",
    },
    "05_custom_layers": {
        "frozen_batch_norm": "wrong_eps_outside_sqrt",
        "batch_standardize": "wrong_missing_mean_term",
        "summary": "wrong_counts_shared_twice",
    },
}


def fill(release_nb, answers):
    """A copy of a release notebook with the given solution cells' code replaced."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def reference_answers(source_nb):
    return {
        cell.metadata["nbgrader"]["grade_id"]: solution_code(cell)
        for cell in source_nb.cells
        if is_solution(cell)
    }


def write_sample_class(course, root=ROOT):
    """Write submitted/<student>/<assignment>/ for the four sample students; return their ids."""
    for source in sorted(Path(root, "source").glob("*/*.ipynb")):
        assignment = source.parent.name
        release = nbformat.read(Path(root, "release", assignment, source.name), as_version=4)
        reference = reference_answers(nbformat.read(source, as_version=4))
        bugs = {
            grade_id: variant(assignment, grade_id, name, root)
            for grade_id, name in BOB_BUGS.get(assignment, {}).items()
        }
        notebooks = {
            "ada": nbformat.writes(fill(release, reference)),
            "bob": nbformat.writes(fill(release, reference | bugs)),
            "cy": nbformat.writes(release),
            "dee": nbformat.writes(release)[:2000],
        }
        for student, text in notebooks.items():
            folder = Path(course, "submitted", student, assignment)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / source.name).write_text(text)
            (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    return ["ada", "bob", "cy", "dee"]
