"""Hostile and broken submissions, graded through the real CLI in one class beside honest students.

The class takes a small assignment cut from chapter 1 (the Flatten exercise and one question,
their real test cells) so that forty-odd submissions grade in minutes. Honest students: ada
(reference), bob (a wrong Flatten), cy (the untouched release), dana (right, with her own
``DEVICE`` and cudnn settings). Attackers come in classes, several variants each:

- ``host``: files that would run as code on the grading host, links, odd entries: refused;
- ``broken``: malformed notebooks, names and timestamps: refused, the rest graded, reruns too;
- ``kernel_files``: what a kernel writes is never followed or copied;
- ``secret``: the hidden tests, the gradebook and the course stay out of reach and out of feedback;
- ``verdict``: whatever a submission does in its processes, a wrong layer earns nothing, and
  what it did is flagged from what happened;
- ``resource``: time, memory, processes and output are bounded, one student at a time.

Snippets in attacks/<class>__<variant>.py are appended to the Flatten solution cell.
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import is_grade

from autograder import grading
from autograder.build import generated, scratch_course
from autograder.grading.sample_class import reference_answers
from autograder.grading.sandbox import bubblewrap

ATTACKS = Path(__file__).parent / "attacks"
ASSIGNMENT, NOTEBOOK = "01_norms", "norms.ipynb"
KEEP = ("flatten", "flatten_test", "q_warmup", "q_warmup_test")
LIMITS = ["--cell-timeout", "10", "--notebook-timeout", "60", "--memory-mb", "3072"]
WRONG_FLATTEN = """
class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        return x
"""
HONEST_EXTRAS = """
DEVICE = "cpu"  # the learner's own names, which must not cost anything
torch.backends.cudnn.deterministic = True
"""
HOST_CODE = 'open("{marker}", "w").write("ran on the host")\n'


def small_source(root):
    """The chapter-1 source notebook cut to its first code cell and the kept exercises."""
    nb = nbformat.read(root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells = [first] + [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in KEEP
    ]
    return nb


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


class Class:
    """A scratch course and the helpers that hand in submissions."""

    def __init__(self, folder, root):
        self.course = folder
        scratch_course(folder, root, ())
        source = folder / "source" / ASSIGNMENT / NOTEBOOK
        source.parent.mkdir(parents=True)
        nbformat.write(small_source(root), source)
        with generated(folder, ASSIGNMENT) as scratch:
            self.release = nbformat.read(scratch / "release" / ASSIGNMENT / NOTEBOOK, 4)
        self.answers = reference_answers(nbformat.read(source, as_version=4))
        self.markers = folder.parent / f"{folder.name}-host-markers"
        self.markers.mkdir()

    def folder(self, student):
        path = self.course / "submitted" / student / ASSIGNMENT
        path.mkdir(parents=True)
        (path / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
        return path

    def notebook(self, flatten=None, extra=""):
        nb = nbformat.from_dict(json.loads(json.dumps(self.release)))
        for grade_id, code in self.answers.items():
            cell(nb, grade_id).source = code
        if flatten is not None:
            cell(nb, "flatten").source = flatten
        cell(nb, "flatten").source += "\n\n" + extra
        return nb

    def submit(self, student, nb_or_text):
        text = nb_or_text if isinstance(nb_or_text, str) else nbformat.writes(nb_or_text)
        path = self.folder(student) / NOTEBOOK
        path.write_text(text)
        return path.parent

    def marker(self, name):
        return str(self.markers / name)


def hand_in_host_attacks(c):
    """Files that would be code on the host, links and odd entries."""
    good = nbformat.writes(c.notebook())
    for name, files in {
        "host__package_shadowing_autograder": {"autograder/__init__.py": HOST_CODE},
        "host__module_shadowing_argparse": {"argparse.py": HOST_CODE},
        "host__sitecustomize": {"sitecustomize.py": HOST_CODE, "usercustomize.py": HOST_CODE},
        "host__nbgrader_config": {"nbgrader_config.py": HOST_CODE},
        "host__nbgrader_folder": {"autograded/x.ipynb": good},
    }.items():
        folder = c.submit(name, good)
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("{marker}", c.marker(name)))
    ada = c.course / "submitted" / "ada" / ASSIGNMENT / NOTEBOOK
    for name, target in {
        "host__symlink_to_other_student": ada,
        "host__symlink_to_gradebook": c.course / "gradebook.db",
    }.items():
        os.symlink(target, c.folder(name) / NOTEBOOK)
    os.link(c.course / "source" / ASSIGNMENT / NOTEBOOK, c.folder("host__hard_link") / NOTEBOOK)
    os.mkfifo(c.folder("host__fifo") / NOTEBOOK)
    (c.course / "submitted" / "host__student_folder_link").symlink_to(
        c.course / "submitted" / "ada"
    )


def hand_in_broken(c):
    good = nbformat.writes(c.notebook())
    texts = {
        "broken__truncated_json": good[:-300],
        "broken__json_list": "[1, 2, 3]",
        "broken__deep_nesting": "[" * 100_000 + "]" * 100_000,
        "broken__cells_not_a_list": json.dumps({**json.loads(good), "cells": "x"}),
    }
    bad_meta = json.loads(good)
    bad_meta["cells"][1]["metadata"]["nbgrader"] = "a string"
    texts["broken__metadata_not_a_dict"] = json.dumps(bad_meta)
    for name, text in texts.items():
        c.submit(name, text)
    (c.folder("broken__not_utf8") / NOTEBOOK).write_bytes(b"\xff\xfe" + good.encode()[:100])
    for name, stamp in {
        "broken__timestamp_not_a_date": "next tuesday",
        "broken__timestamp_a_path": "2026-11-20 09:00:00 /dev/zero",
    }.items():
        folder = c.submit(name, good)
        (folder / "timestamp.txt").write_text(stamp)
    c.folder("broken__empty")
    c.submit("broken__huge_notebook", good[:-10] + " " * 21_000_000 + good[-10:])
    c.submit("broken\nodd_name", good)


def hand_in_snippets(c, port):
    for path in sorted(ATTACKS.glob("*.py")):
        code = path.read_text().replace("{course}", str(c.course)).replace("{port}", str(port))
        c.submit(path.stem, c.notebook(extra=code))
    nb = c.notebook()
    nb.cells.remove(cell(nb, "flatten_test"))
    c.submit("kernel_files__deleted_test_cell", nb)
    nb = c.notebook(flatten=WRONG_FLATTEN)
    cell(nb, "flatten_test").source = 'print("✓ all good")'
    c.submit("verdict__edited_test_cell", nb)


def fingerprint(course):
    """Hashes of what no submission may change: the submissions, the source and the config."""
    paths = [*Path(course, "submitted").rglob("*"), *Path(course, "source").rglob("*")]
    paths.append(Path(course, "nbgrader_config.py"))
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths
        if p.is_file() and not p.is_symlink() and not p.is_fifo()
    }


def cli(course, *args):
    command = [sys.executable, "-m", "autograder", "--course", str(course), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, root):
    c = Class(tmp_path_factory.mktemp("hostile"), root)
    c.submit("ada", c.notebook())
    c.submit("bob", c.notebook(flatten=WRONG_FLATTEN))
    c.submit("cy", c.release)
    c.submit("dana", c.notebook(extra=HONEST_EXTRAS))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    hand_in_host_attacks(c)
    hand_in_broken(c)
    hand_in_snippets(c, listener.getsockname()[1])
    before = fingerprint(c.course)
    out = c.course.parent / f"{c.course.name}-outcomes.json"
    run = cli(c.course, "grade", "--workers", "2", *LIMITS, "--json", str(out))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    feedback = cli(c.course, "feedback")
    assert feedback.returncode == 0, feedback.stdout[-3000:] + feedback.stderr[-3000:]
    try:
        listener.accept()
        connected = True
    except OSError:
        connected = False
    listener.close()
    outcomes = {o["student"]: o for o in json.loads(out.read_text())}
    return c, outcomes, before, connected, run.stdout


def marks(c, student):
    return grading.scores(c.course, ASSIGNMENT)[student]


def total(c, student):
    return sum(score for score, _ in marks(c, student).values())


def kinds(outcomes, student):
    return {flag["kind"] for flag in outcomes[student]["flags"]}


def outputs(c, student, grade_id="flatten"):
    nb = nbformat.read(c.course / "autograded" / student / ASSIGNMENT / NOTEBOOK, 4)
    return "".join(
        str(o.get("text", "")) + str(o.get("evalue", "")) for o in cell(nb, grade_id).outputs
    )


def students(outcomes, kind):
    return sorted(s for s in outcomes if s.startswith(f"{kind}__"))


def test_isolation_is_real_here():
    """CI installs bubblewrap: without it these tests would prove much less."""
    assert bubblewrap(), "bubblewrap is missing or cannot create namespaces here"


def test_honest_students_are_graded_as_usual(graded):
    c, outcomes, _, _, _ = graded
    assert total(c, "ada") == total(c, "dana") == 2
    assert marks(c, "bob") == {"flatten_test": (0, 1), "q_warmup_test": (1, 1)}
    assert total(c, "cy") == 0
    for student in ("ada", "bob", "cy", "dana"):
        assert outcomes[student]["graded"] and not outcomes[student]["flags"], student


def test_no_student_byte_ran_on_the_host(graded):
    c, outcomes, before, _, _ = graded
    planted = outputs(c, "host__kernel_plants_a_module")
    assert "SHADOWED" not in planted and "colorsys from /" in planted, planted
    assert total(c, "host__kernel_plants_a_module") == 2
    assert not list(c.markers.iterdir()), "code from a submission ran outside the sandbox"
    assert fingerprint(c.course) == before
    assert not Path("/tmp/planted").exists()


@pytest.mark.parametrize(
    "student, reason",
    [
        ("host__package_shadowing_autograder", "unexpected folder autograder/"),
        ("host__module_shadowing_argparse", "unexpected file argparse.py"),
        ("host__sitecustomize", "unexpected file"),
        ("host__nbgrader_config", "unexpected file nbgrader_config.py"),
        ("host__nbgrader_folder", "unexpected folder autograded/"),
        ("host__symlink_to_other_student", "is a symbolic link"),
        ("host__symlink_to_gradebook", "is a symbolic link"),
        ("host__hard_link", "is a hard link"),
        ("host__fifo", "is not a regular file"),
        ("host__student_folder_link", "the student folder is a link"),
        ("broken__truncated_json", "is not valid JSON"),
        ("broken__json_list", "is not a valid notebook"),
        ("broken__deep_nesting", "is not"),
        ("broken__cells_not_a_list", "is not a valid notebook"),
        ("broken__metadata_not_a_dict", "malformed cell metadata"),
        ("broken__not_utf8", "is not UTF-8 text"),
        ("broken__timestamp_not_a_date", "timestamp.txt does not hold a date"),
        ("broken__timestamp_a_path", "timestamp.txt does not hold a date"),
        ("broken__empty", "no notebook was submitted"),
        ("broken__huge_notebook", "is larger than the 20 MB allowed"),
        ("broken\nodd_name", "odd characters"),
    ],
)
def test_what_is_not_a_submission_is_refused_with_its_reason(graded, student, reason):
    c, outcomes, _, _, report = graded
    outcome = outcomes[student]
    assert not outcome["graded"] and reason in outcome["reason"], outcome
    assert student not in grading.scores(c.course, ASSIGNMENT)
    assert f"{student}: NOT GRADED: {outcome['reason']}" in report


def test_a_rerun_skips_the_graded_and_refuses_the_broken_again(graded, tmp_path):
    c, outcomes, _, _, _ = graded
    out = tmp_path / "again.json"
    run = cli(c.course, "grade", "--workers", "2", *LIMITS, "--json", str(out))
    assert run.returncode == 0, run.stderr[-2000:]
    again = {o["student"]: o for o in json.loads(out.read_text())}
    assert again.keys() == outcomes.keys()
    for student, outcome in outcomes.items():
        assert again[student]["graded"] == outcome["graded"], student
        if outcome["graded"]:
            assert again[student]["skipped"] and again[student]["flags"] == outcome["flags"]


def test_what_a_kernel_writes_is_never_followed_or_copied(graded):
    c, outcomes, _, _, _ = graded
    for student in ("kernel_files__links_and_forgeries", "ada"):
        assert outcomes[student]["graded"] and total(c, student) == 2, student
        for room in ("autograded", "feedback"):
            folder = c.course / room / student / ASSIGNMENT
            entries = {p.name: p for p in folder.iterdir()}
            notebook = {"autograded": NOTEBOOK, "feedback": "norms.html"}[room]
            assert notebook in entries and set(entries) <= {notebook, "timestamp.txt"}, entries
            assert not any(p.is_symlink() for p in entries.values())
    stamp = c.course / "autograded" / "kernel_files__links_and_forgeries" / ASSIGNMENT
    assert (stamp / "timestamp.txt").read_text().startswith("2026-11-20")


def test_deleted_test_cell_scores_zero_and_is_flagged(graded):
    c, outcomes, _, _, _ = graded
    assert marks(c, "kernel_files__deleted_test_cell")["flatten_test"][0] == 0
    assert "test-cell-deleted" in kinds(outcomes, "kernel_files__deleted_test_cell")


def hidden_code_lines(root):
    """Lines of code from the hidden test sections of the kept test cells."""
    lines, inside = set(), False
    for nbcell in small_source(root).cells:
        if not is_grade(nbcell):
            continue
        for line in nbcell.source.splitlines():
            inside = "BEGIN HIDDEN TESTS" in line or (inside and "END HIDDEN TESTS" not in line)
            if inside and len(line.strip()) > 12 and not line.strip().startswith(("hint=", '"')):
                lines.add(line.strip())
    assert len(lines) > 5
    return lines


def test_no_hidden_test_code_reaches_a_kernel_or_any_feedback(graded, root):
    c, outcomes, _, _, _ = graded
    hidden = hidden_code_lines(root)
    for student in students(outcomes, "secret") + ["ada", "bob"]:
        if outcomes[student]["graded"]:
            printed = outputs(c, student)
            # /tmp inside the sandbox is its own tmpfs: only the course's paths matter here
            assert "FOUND" not in printed and f"WROTE {c.course}" not in printed, printed
    feedback = list((c.course / "feedback").rglob("*.html"))
    assert len(feedback) >= 20
    for page in feedback:
        text = page.read_text()
        assert "hidden tests: not shown" in text
        leaked = [line for line in hidden if line in text]
        assert not leaked, (page, leaked[:3])
    bob = (c.course / "feedback" / "bob" / ASSIGNMENT / "norms.html").read_text()
    assert "output has shape (2, 3, 4), expected (2, 12)" in bob


def test_secrets_attacks_keep_their_points_and_find_nothing(graded):
    c, outcomes, _, connected, _ = graded
    assert not connected, "a kernel reached a listener on this machine"
    assert "no network" in outputs(c, "secret__network")
    assert "refused" in outputs(c, "secret__write_outside")
    for student in students(outcomes, "secret"):
        assert outcomes[student]["graded"] and total(c, student) == 2, student


# Wrong layers dressed up to pass, and the taught op used out of the trace's sight: the
# flatten exercise earns nothing; the kinds of finding each must raise (from what happened).
VERDICT = {
    "verdict__patch_isclose": set(),  # the kernel's checks refuse too: both runs agree
    "verdict__patch_builtins": set(),
    "verdict__patch_checks": {"disagreement"},
    "verdict__wrapped_isclose": {"disagreement"},
    "verdict__sys_modules_checks": {"disagreement"},
    "verdict__input_transformer": {"disagreement"},
    "verdict__ast_transformer": {"disagreement"},
    "verdict__custom_exception": set(),  # the kernel's reply still says error: both agree
    "verdict__edited_test_cell": {"test-cell-edited"},
    "verdict__calls_torch_op": set(),
    "verdict__op_on_thread": set(),
    "verdict__trace_stopped": {"trace-defeated"},
    "verdict__engine_patched": {"disagreement", "engine-patched"},
    "verdict__forged_reply": {"malformed-reply"},
    "verdict__probe_hangs": {"disagreement"},
    "verdict__probe_exits": {"disagreement"},
}


def test_every_verdict_attack_is_listed(graded):
    _, outcomes, _, _, _ = graded
    assert set(students(outcomes, "verdict")) == set(VERDICT)


@pytest.mark.parametrize("student", sorted(VERDICT))
def test_a_wrong_or_forbidden_layer_never_earns_its_points(graded, student):
    c, outcomes, _, _, report = graded
    assert outcomes[student]["graded"], outcomes[student]
    assert marks(c, student) == {"flatten_test": (0, 1), "q_warmup_test": (1, 1)}
    assert VERDICT[student] <= kinds(outcomes, student), outcomes[student]["flags"]
    for kind in VERDICT[student]:
        assert f"{student}: FLAGGED for review ({kind})" in report


def test_flagged_cells_wait_for_a_person(graded):
    from nbgrader.api import Gradebook

    c, _, _, _, _ = graded
    with Gradebook(f"sqlite:///{c.course}/gradebook.db") as gb:
        submission = gb.find_submission(ASSIGNMENT, "verdict__wrapped_isclose")
        grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
        assert grades["flatten_test"].needs_manual_grade
        assert not grades["q_warmup_test"].needs_manual_grade


def test_endless_loop_is_interrupted_and_the_rest_graded(graded):
    c, outcomes, _, _, _ = graded
    assert outcomes["resource__infinite_loop"]["graded"]
    assert total(c, "resource__infinite_loop") == 2  # the loop is cut after Flatten is defined
    assert not outcomes["resource__infinite_loop"]["flags"]


@pytest.mark.parametrize(
    "student, reason",
    [
        ("resource__loop_ignoring_interrupts", "took longer than the 60 s"),
        ("resource__os_exit", "its kernel died"),
        ("resource__segfault", "its kernel died"),
    ],
)
def test_processes_that_die_or_never_stop_are_reported(graded, student, reason):
    _, outcomes, _, _, _ = graded
    assert not outcomes[student]["graded"] and reason in outcomes[student]["reason"]


def test_a_fork_bomb_is_contained(graded):
    """The pids limit stops it: its kernel dies (reported) or survives (its right Flatten is
    graded as such); the rest of the class is graded either way."""
    c, outcomes, _, _, _ = graded
    outcome = outcomes["resource__fork_bomb"]
    assert outcome["graded"] or "its kernel died" in outcome["reason"], outcome
    assert all(outcomes[s]["graded"] for s in ("ada", "bob", "cy", "dana"))


def test_memory_bomb_and_huge_output_are_bounded(graded):
    c, outcomes, _, _, _ = graded
    assert outcomes["resource__memory_bomb"]["graded"]
    assert "MemoryError" in json.dumps(
        nbformat.read(c.course / "autograded/resource__memory_bomb" / ASSIGNMENT / NOTEBOOK, 4)
    )
    huge = c.course / "autograded" / "resource__huge_output" / ASSIGNMENT / NOTEBOOK
    assert outcomes["resource__huge_output"]["graded"] and huge.stat().st_size < 5_000_000
    assert total(c, "resource__huge_output") == 2
