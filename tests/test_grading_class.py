"""Grading a class: a Dask cluster gives the same grades as one process, a rerun skips what is
graded and unchanged, a changed submission is regraded, and an interrupted run resumes."""

import shutil
import signal
import subprocess
import sys
import time

import pytest
from dask.distributed import LocalCluster

from autograder import grading
from autograder.build import scratch_course
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


def test_dask_cluster_gives_the_same_grades_as_one_process(sequential, tmp_path, root):
    _, expected = sequential
    parallel = sample_course(tmp_path, root)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        outcomes = grading.grade(parallel, scheduler=cluster.scheduler_address)
    assert {o.student for o in outcomes if o.graded} == {"ada", "bob", "cy"}
    assert grading.scores(parallel, ASSIGNMENT) == expected
    assert len(expected) == 3


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
