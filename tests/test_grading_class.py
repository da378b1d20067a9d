"""Grading a class: a Dask cluster gives the same grades as one process, and hostile
submissions beside the others stop or slow none of them; a rerun skips what is graded and
unchanged, a changed submission is regraded, and an interrupted run resumes."""

import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from dask.distributed import LocalCluster

from autograder import grading
from autograder.build import scratch_course
from autograder.grading.limits import Limits
from autograder.grading.sample_class import write_sample_class

ASSIGNMENT = "01_norms"


def sample_course(folder, root):
    scratch_course(folder, root, [ASSIGNMENT])
    write_sample_class(folder, root)
    for other in folder.glob("submitted/*/*"):
        if other.name != ASSIGNMENT:
            shutil.rmtree(other)
    return folder


@pytest.fixture(scope="module")
def sequential(tmp_path_factory, root):
    """The sample class graded by one worker, one submission after another, and its scores."""
    course = sample_course(tmp_path_factory.mktemp("sequential"), root)
    grading.grade(course, workers=1)
    return course, grading.scores(course, ASSIGNMENT)


HOSTILE = {
    # runs until the notebook's time is up, ignoring every interrupt
    "hog": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "killer": "import os\nos.kill(os.getpid(), 9)",  # kills its own kernel
}


def test_a_dask_cluster_grades_as_one_process_does_and_hostile_code_stops_no_one(
    sequential, tmp_path, root
):
    _, expected = sequential
    course = sample_course(tmp_path, root)
    ada = next((course / "submitted" / "ada" / ASSIGNMENT).glob("*.ipynb"))
    for student, code in HOSTILE.items():
        nb = nbformat.read(ada, as_version=4)
        nb.cells.insert(1, nbformat.v4.new_code_cell(code))
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / ada.name)
    limits = Limits(cell_seconds=60, notebook_seconds=150)
    with LocalCluster(n_workers=4, threads_per_worker=1, processes=True) as cluster:
        start = time.time()
        outcomes = {
            o.student: o
            for o in grading.grade(course, scheduler=cluster.scheduler_address, limits=limits)
        }
    assert {s for s, o in outcomes.items() if o.graded} == {"ada", "bob", "cy"}
    assert "longer than the 150 s" in outcomes["hog"].reason
    assert "kernel died" in outcomes["killer"].reason
    table = grading.scores(course, ASSIGNMENT)
    assert {s: table[s] for s in expected} == expected and len(expected) == 3
    # Beside the hog, the others were graded and stored before its time was up.
    stored = max((course / ".grading" / s / f"{ASSIGNMENT}.json").stat().st_mtime for s in expected)
    assert stored - start < limits.notebook_seconds


def test_rerun_skips_unchanged_and_regrades_changed(sequential):
    course, before = sequential
    again = {o.student: o for o in grading.grade(course, workers=1)}
    assert all(again[s].skipped for s in ("ada", "bob", "cy"))
    assert grading.scores(course, ASSIGNMENT) == before
    cy = next((course / "submitted" / "cy" / ASSIGNMENT).glob("*.ipynb"))
    ada = next((course / "submitted" / "ada" / ASSIGNMENT).glob("*.ipynb"))
    shutil.copy(ada, cy)  # cy hands in ada's work
    third = {o.student: o for o in grading.grade(course, workers=1)}
    assert third["ada"].skipped and third["bob"].skipped
    assert third["cy"].graded and not third["cy"].skipped
    assert grading.scores(course, ASSIGNMENT)["cy"] == before["ada"]


def test_interrupted_run_resumes_without_loss_or_duplicates(sequential, tmp_path, root):
    _, expected = sequential
    resumed = sample_course(tmp_path, root)
    command = [
        sys.executable,
        "-m",
        "autograder",
        "--course",
        str(resumed),
        "grade",
        "--workers",
        "1",
    ]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while not list(resumed.glob(".grading/*/*.json")):
        assert run.poll() is None and time.monotonic() < deadline, run.stdout.read().decode()
        time.sleep(0.5)
    run.send_signal(signal.SIGINT)  # Ctrl-C after the first grade is saved
    log = run.communicate(timeout=120)[0].decode()
    assert "run again to resume" in log, log[-2000:]
    done = {p.parent.name for p in resumed.glob(".grading/*/*.json")}
    assert 1 <= len(done) < 3
    outcomes = {o.student: o for o in grading.grade(resumed, workers=1)}
    assert all(outcomes[s].skipped for s in done)
    assert grading.scores(resumed, ASSIGNMENT) == expected
