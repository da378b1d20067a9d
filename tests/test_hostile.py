"""Hostile and broken submissions, graded in one class with the reference student ada.

Each attack in tests/hostile/*.py is appended to ada's Flatten solution cell; a few more are
built here (a notebook that is not JSON, a deleted test cell, an edited test cell). The class is
graded once, in parallel, with short limits; each test then checks one attack's outcome: its
reason, its points, its flags, and that nothing outside its scratch space changed.
"""

import hashlib
import shutil
import socket
from pathlib import Path

import nbformat
import pytest

from autograder import grading
from autograder.sample_class import write_sample_class
from autograder.sandbox import bubblewrap
from autograder.worker import Limits, explain

HOSTILE = Path(__file__).parent / "hostile"
ASSIGNMENT = "01_norms"
LIMITS = Limits(cell_seconds=25, notebook_seconds=120, memory_mb=4096)
WRONG_FLATTEN = """
class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        return x
"""


def fingerprint(course):
    """Hashes of everything a submission must not touch: submissions, source, config."""
    paths = [
        *Path(course, "submitted").rglob("*"),
        *Path(course, "source").rglob("*"),
        Path(course, "nbgrader_config.py"),
    ]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, root):
    course = tmp_path_factory.mktemp("hostile")
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    write_sample_class(course, root)
    for path in course.glob("submitted/*/*"):
        if path.name != ASSIGNMENT or path.parent.name != "ada":
            shutil.rmtree(path)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    ada = course / "submitted" / "ada" / ASSIGNMENT / "norms.ipynb"

    def submit(student, nb_or_text):
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        text = nb_or_text if isinstance(nb_or_text, str) else nbformat.writes(nb_or_text)
        (folder / "norms.ipynb").write_text(text)
        shutil.copy(ada.parent / "timestamp.txt", folder)

    for attack in sorted(HOSTILE.glob("*.py")):
        nb = nbformat.read(ada, as_version=4)
        code = attack.read_text().replace("{course}", str(course))
        cell(nb, "flatten").source += "\n\n" + code.replace(
            "{port}", str(listener.getsockname()[1])
        )
        submit(attack.stem, nb)
    submit("not_json", ada.read_text()[:-300])
    nb = nbformat.read(ada, as_version=4)
    nb.cells.remove(cell(nb, "flatten_test"))
    submit("deleted_test_cell", nb)
    nb = nbformat.read(ada, as_version=4)
    cell(nb, "flatten").source = WRONG_FLATTEN
    cell(nb, "flatten_test").source = 'print("✓ all good")'
    submit("edited_test_cell", nb)

    before = fingerprint(course)
    outcomes = {o.student: o for o in grading.grade(course, workers=2, limits=LIMITS)}
    try:
        listener.accept()
        connected = True
    except OSError:
        connected = False
    listener.close()
    return course, outcomes, before, connected


def marks(course, student):
    return grading.scores(course, ASSIGNMENT)[student]


def total(course, student):
    return sum(score for score, _ in marks(course, student).values())


def full(course):
    return sum(max_score for _, max_score in marks(course, "ada").values())


def autograded(course, student):
    return nbformat.read(next((course / "autograded" / student / ASSIGNMENT).glob("*.ipynb")), 4)


def outputs(course, student, grade_id="flatten"):
    nb = autograded(course, student)
    return "".join(
        str(o.get("text", "")) + str(o.get("ename", "")) for o in cell(nb, grade_id).outputs
    )


def flags(outcomes, student):
    return " | ".join(outcomes[student].flags)


def test_reference_student_is_graded_as_usual(graded):
    course, outcomes, _, _ = graded
    assert outcomes["ada"].graded and not outcomes["ada"].flags
    assert total(course, "ada") == full(course) > 0


def test_nothing_outside_the_scratch_space_changed(graded):
    course, _, before, connected = graded
    assert fingerprint(course) == before
    assert not connected, "a kernel reached a listener on this machine"
    assert not Path("/tmp/planted").exists()


def test_endless_loop_is_interrupted_and_the_rest_graded(graded):
    course, outcomes, _, _ = graded
    assert outcomes["infinite_loop"].graded
    assert "CellTimeoutError" in outputs(course, "infinite_loop")
    assert total(course, "infinite_loop") == full(course)


def test_loop_that_ignores_interrupts_hits_the_notebook_limit(graded):
    _, outcomes, _, _ = graded
    outcome = outcomes["loop_ignoring_interrupts"]
    assert not outcome.graded and "took longer than the 120 s" in outcome.reason
    assert "handles signals" in flags(outcomes, "loop_ignoring_interrupts")


@pytest.mark.parametrize(
    "student, flag",
    [("os_exit", "os._exit"), ("segfault", "ctypes"), ("fork_bomb", "forks processes")],
)
def test_dead_kernels_are_reported(graded, student, flag):
    _, outcomes, _, _ = graded
    assert not outcomes[student].graded and "its kernel died" in outcomes[student].reason
    assert flag in flags(outcomes, student)


def test_memory_bomb_meets_the_memory_limit(graded):
    course, outcomes, _, _ = graded
    assert outcomes["memory_bomb"].graded
    assert "MemoryError" in outputs(course, "memory_bomb")
    assert total(course, "memory_bomb") == full(course)


@pytest.mark.parametrize("student", ["patch_allclose", "patch_builtins", "patch_checks"])
def test_patching_the_checks_earns_zero_and_a_review(graded, student):
    course, outcomes, _, _ = graded
    assert outcomes[student].graded and outcomes[student].tampering
    assert total(course, student) == 0
    assert "patches" in flags(outcomes, student)
    text = grading.report(course, ASSIGNMENT, list(outcomes.values()))
    assert f"{student}: ZEROED until a person reviews it" in text


def test_patched_comparisons_do_not_fool_the_checks(graded):
    """Even before zeroing, the wrong Flatten failed: the checks refuse patched torch."""
    course, _, _, _ = graded
    test_cell = cell(autograded(course, "patch_allclose"), "flatten_test")
    assert "grading refused: torch.isclose" in str(test_cell.outputs)


def test_calling_the_taught_op_costs_that_exercise(graded):
    course, outcomes, _, _ = graded
    scores = marks(course, "calls_torch_op")
    assert scores["flatten_test"][0] == 0
    assert total(course, "calls_torch_op") == full(course) - scores["flatten_test"][1]


def test_course_files_are_out_of_reach(graded):
    course, outcomes, _, _ = graded
    for student in ("read_course_files", "write_outside"):
        assert outcomes[student].graded and "names a course path" in flags(outcomes, student)
        assert total(course, student) == full(course)
    assert "FOUND" not in outputs(course, "read_course_files")
    written = outputs(course, "write_outside")
    assert "WROTE " + str(course) not in written and "refused" in written


def test_network_is_unreachable(graded):
    course, outcomes, _, _ = graded
    assert "no network" in outputs(course, "network")
    assert "opens network sockets" in flags(outcomes, "network")


def test_huge_output_is_cut(graded):
    course, outcomes, _, _ = graded
    assert outcomes["huge_output"].graded and total(course, "huge_output") == full(course)
    notebook = next((course / "autograded" / "huge_output" / ASSIGNMENT).glob("*.ipynb"))
    assert notebook.stat().st_size < 5_000_000


def test_broken_json_is_reported(graded):
    _, outcomes, _, _ = graded
    assert not outcomes["not_json"].graded and "not valid JSON" in outcomes["not_json"].reason


def test_edited_test_cell_is_restored_and_flagged(graded):
    course, outcomes, _, _ = graded
    assert marks(course, "edited_test_cell")["flatten_test"][0] == 0
    assert "locked cell flatten_test was edited" in flags(outcomes, "edited_test_cell")


def test_deleted_test_cell_scores_zero_and_is_flagged(graded):
    course, outcomes, _, _ = graded
    assert "graded cells deleted: flatten_test" in flags(outcomes, "deleted_test_cell")
    assert outcomes["deleted_test_cell"].graded  # nbgrader scores the missing cell 0
    scores = marks(course, "deleted_test_cell")
    assert scores["flatten_test"][0] == 0
    assert total(course, "deleted_test_cell") == full(course) - scores["flatten_test"][1]


def test_isolation_is_real_here():
    """CI installs bubblewrap: without it these tests would prove much less."""
    assert bubblewrap(), "bubblewrap is missing or cannot create namespaces here"


@pytest.mark.parametrize(
    "log, reason",
    [
        ("MemoryError: ...", "ran out of its memory limit"),
        ("nbclient.exceptions.DeadKernelError: Kernel died", "its kernel died (os._exit"),
        ("[AutogradeApp | ERROR] {'header': {'msg_type': 'error'}}", "garbled its messages"),
        ("[AutogradeApp | ERROR] No notebooks were matched", "No notebooks were matched"),
    ],
)
def test_failed_logs_are_explained(log, reason):
    assert reason in explain(log)
