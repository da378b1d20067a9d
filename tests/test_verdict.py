"""The trusted verdict's parts: checks split into runner and judge, a Remote learner, the probe
process, and how the worker turns the judge's results into scores and findings."""

import sys
import threading

import nbformat
import pytest
import torch
from torch import nn

from autograder.checks import Case, CheckFailed, Remote, check_function, check_layer, trace_ops
from autograder.checks.runners import RUNNERS
from autograder.grading.judge import Probe, judge, learner_cells, solution_names
from autograder.grading.worker import apply_verdict

PROBE = [sys.executable, "-I", "-m", "autograder.checks.probe"]


def local_remote(cls, tamper=None):
    """A Remote whose records come from this process, optionally tampered with on the way."""

    def runner(name, kind, plan):
        record = RUNNERS[kind](cls, plan)
        return tamper(record) if tamper else record

    return Remote(cls.__name__, runner)


class Flatten(nn.Flatten):
    pass


def test_a_remote_learner_is_judged_like_a_local_one():
    check_layer(local_remote(Flatten), nn.Flatten, [Case(input=(2, 3, 4))])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: {},
        lambda r: {**r, "steps": r["steps"][:1]},
        lambda r: {**r, "steps": [{"ops": []}] * 3},
        lambda r: {**r, "steps": "xyz"},
    ],
)
def test_a_malformed_record_fails_and_is_a_finding(tamper):
    with pytest.raises(CheckFailed) as failure:
        check_layer(local_remote(Flatten, tamper), nn.Flatten, [Case(input=(2, 3, 4))])
    assert failure.value.finding == "malformed-record"


def test_a_remote_cannot_be_called_in_a_test_cell():
    with pytest.raises(TypeError, match="runs in the sandbox"):
        local_remote(Flatten)(torch.ones(1))


def test_the_trace_sees_other_threads():
    x = torch.randn(3, 4)
    with trace_ops() as seen:
        worker = threading.Thread(target=lambda: nn.functional.layer_norm(x, (4,)))
        worker.start()
        worker.join()
    assert "aten.native_layer_norm" in seen


class ThreadedFlatten(nn.Flatten):
    def forward(self, x):
        out = {}
        worker = threading.Thread(target=lambda: out.update(y=x.flatten(1)))
        worker.start()
        worker.join()
        return out["y"]


class ProfilerStopper(nn.Flatten):
    def forward(self, x):
        torch.autograd._disable_profiler()
        return super().forward(x)


def test_the_taught_op_on_another_thread_is_caught():
    with pytest.raises(CheckFailed, match="called aten.flatten"):
        check_layer(
            ThreadedFlatten, nn.Flatten, [Case(input=(2, 3, 4))], forbidden=["aten.flatten"]
        )


def test_switching_the_trace_off_is_a_finding():
    with pytest.raises(CheckFailed) as failure:
        check_layer(
            ProfilerStopper, nn.Flatten, [Case(input=(2, 3, 4))], forbidden=["aten.flatten"]
        )
    assert failure.value.finding == "trace-defeated"


class Quiet2d(nn.BatchNorm2d):
    def _check_input_dim(self, x):
        pass


class Indexing2d(nn.BatchNorm2d):
    def forward(self, x):
        x.shape[3]  # a 3-D input raises IndexError here, before any check of its own
        return super().forward(x)


def test_a_case_can_require_torchs_exception():
    case = Case(
        init=dict(num_features=3), input=(4, 3, 5), raises=ValueError, hint="check x.dim()."
    )
    check_layer(nn.BatchNorm2d, nn.BatchNorm2d, [case])
    with pytest.raises(CheckFailed, match="should raise ValueError, as torch does; it returned"):
        check_layer(Quiet2d, nn.BatchNorm2d, [case])
    with pytest.raises(CheckFailed) as failure:
        check_layer(Indexing2d, nn.BatchNorm2d, [case])
    message = str(failure.value)
    assert "should raise ValueError, as torch does; it raised IndexError" in message, message
    assert "Hint: check x.dim()." in message and "Traceback" not in message, message


def size(i, k):
    return i - k + 1


def off_by_one(i, k):
    return i - 1


def test_check_function_compares_results_and_ops():
    cases = [Case(args=(5, 2)), Case(args=(7, 3))]
    check_function(size, size, cases)
    with pytest.raises(CheckFailed, match=r"off_by_one\(i=7, k=3\): output is 6, expected 5"):
        check_function(off_by_one, size, cases)
    with pytest.raises(CheckFailed, match="called aten.convolution"):
        check_function(
            lambda i, k: nn.functional.conv1d(torch.ones(1, 1, i), torch.ones(1, 1, k)).shape[-1],
            size,
            cases,
            forbidden=["aten.convolution"],
        )


def notebook(*cells):
    """A tiny source notebook: each cell is (grade_id or None, kind, code)."""
    nb = nbformat.v4.new_notebook()
    for grade_id, kind, code in cells:
        new = nbformat.v4.new_code_cell(code)
        if grade_id:
            new.metadata.nbgrader = {
                "grade_id": grade_id,
                "grade": kind == "test",
                "solution": kind == "solution",
                "locked": kind == "test",
                "points": 1,
                "schema_version": 3,
            }
        nb.cells.append(new)
    return nb


SOURCE = notebook(
    (None, "lesson", "import torch\nfrom torch import nn"),
    ("flatten", "solution", "class Flatten(nn.Flatten):\n    pass"),
    ("answer", "solution", "ANSWER = 42"),
    (
        "flatten_test",
        "test",
        "from autograder.checks import *\n"
        "check_layer(Flatten, nn.Flatten, [Case(input=(2, 3, 4))])",
    ),
    ("answer_test", "test", "assert ANSWER == 42, f'ANSWER is {ANSWER!r}'"),
)


def test_names_and_cells_the_probe_gets():
    assert solution_names(SOURCE) == ["ANSWER", "Flatten"]
    assert len(learner_cells(SOURCE)) == 3  # every code cell but the test cells


def test_judge_runs_the_tests_against_a_real_probe():
    verdict = judge(SOURCE, SOURCE, PROBE, 60, 120)
    assert verdict["flatten_test"]["error"] is None
    assert "✓ Flatten matches nn.Flatten" in verdict["flatten_test"]["stdout"]
    assert verdict["answer_test"]["error"] is None
    wrong = nbformat.from_dict(SOURCE)
    wrong.cells[1].source = "class Flatten(nn.Identity):\n    pass"
    wrong.cells[2].source = "ANSWER = 41"
    verdict = judge(SOURCE, wrong, PROBE, 60, 120)
    assert (
        "output has shape (2, 3, 4), expected (2, 12)" in verdict["flatten_test"]["error"]["evalue"]
    )
    assert verdict["answer_test"]["error"]["evalue"] == "ANSWER is 41"


STEP = {"train": True, "seed": 1, "kwargs": {}, "needs_grad": [False], "again": False}


def test_a_probe_that_stalls_is_cut_and_restarted():
    stalls = nbformat.from_dict(SOURCE)
    stalls.cells[1].source = (
        "import builtins\nclass Flatten(nn.Flatten):\n    def forward(self, x):\n"
        "        while True:\n            pass"
    )
    probe = Probe(
        PROBE, {"cells": learner_cells(stalls), "names": ["Flatten"], "cell_seconds": 5}, 3, 60
    )
    probe.start()
    plan = {"init": {}, "steps": [], "pin": {}}
    RUNNERS["layer"](nn.Flatten, plan, fill=True)
    with pytest.raises(Exception, match="took longer than 3 s"):
        probe.record(
            "Flatten",
            "layer",
            {**plan, "steps": [{**STEP, "args": (torch.ones(2, 3),)}]},
        )
    assert probe.process is None
    probe.record("Flatten", "layer", plan)  # a fresh probe answers again
    probe.stop()


def graded_cell(grade_id, outputs):
    nb = notebook((grade_id, "test", "check_layer(...)"))
    nb.cells[0].outputs = outputs
    return nbformat.writes(nb).encode()


def test_the_trusted_outputs_replace_the_kernels_and_disagreements_are_found():
    passed = [nbformat.v4.new_output("stream", name="stdout", text="✓ all good\n")]
    failed = {"stdout": "", "error": {"ename": "CheckFailed", "evalue": "wrong"}, "finding": None}
    data, findings = apply_verdict("n.ipynb", graded_cell("t", passed), {"t": failed})
    cell = nbformat.reads(data.decode(), as_version=4).cells[0]
    assert [o.output_type for o in cell.outputs] == ["error"] and cell.outputs[0].evalue == "wrong"
    assert [(f.kind, f.cell) for f in findings] == [("disagreement", "t")]
    agreed = {"stdout": "✓ all good\n", "error": None, "finding": None}
    _, findings = apply_verdict("n.ipynb", graded_cell("t", passed), {"t": agreed})
    assert findings == []
    flagged = {**failed, "finding": "trace-defeated"}
    error = [nbformat.v4.new_output("error", ename="CheckFailed", evalue="x", traceback=[])]
    _, findings = apply_verdict("n.ipynb", graded_cell("t", error), {"t": flagged})
    assert [f.kind for f in findings] == ["trace-defeated"]
