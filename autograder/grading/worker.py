"""Grade one submission in a scratch course: the unit of work a local or Dask worker runs.

A :class:`Job` carries everything by value (the submission's files, a gradebook holding only the
assignment's cells, the nbgrader config, the limits), so a worker needs no shared filesystem.
``grade_job`` runs nbgrader's own ``autograde`` in a fresh scratch course whose kernel starts
through :mod:`.sandbox`; the kernel sees a private copy of the submission, never the
folder nbgrader writes. Then :mod:`.judge` gives the trusted verdict: its outputs
replace the test cells' outputs before nbgrader scores them, and a test cell on which the kernel
and the judge disagree is a :class:`Finding` for a person to review. Every process starts in
Python's isolated mode from a folder no student can write. The :class:`Result` carries only the
graded notebooks, read without following links and size-capped.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import determine_grade, is_grade

from ..nbgrader_cli import venv_env
from .intake import Refused, read_regular
from .limits import Limits
from .sandbox import remove_cgroup

GRADED_BYTES = 64 * 2**20  # the largest graded notebook taken back (outputs are cut before)


@dataclass(frozen=True)
class Finding:
    """Something that happened while grading that a person should look at.

    ``kind`` is one of: ``refused`` (the submission was not graded), ``disagreement`` (the
    kernel's run and the trusted check disagree on a test cell), ``trace-defeated``,
    ``malformed-reply``, ``malformed-record``, ``engine-patched`` (the learner's process tampered
    with the check or what it sent back), ``test-cell-deleted``, ``test-cell-edited``.
    ``cell`` is the grade id concerned.
    """

    kind: str
    detail: str
    cell: str = ""


@dataclass
class Job:
    student: str
    assignment: str
    files: dict  # file name → bytes: the submission, as inspected by autograder.grading.intake
    sources: dict  # notebook name → bytes: the assignment's source notebooks (hidden tests)
    gradebook: bytes  # an nbgrader gradebook that knows the assignment and nothing else
    config: str  # nbgrader_config.py
    limits: Limits = field(default_factory=Limits)


@dataclass
class Result:
    student: str
    assignment: str
    graded: bool
    reason: str = ""
    files: dict = field(default_factory=dict)  # notebook name → bytes: the graded notebooks
    log: str = ""
    seconds: float = 0.0
    findings: list = field(default_factory=list)


def write_folder(folder, files):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def sandboxed(command, workdir, runtime, limits, cgroup, view=None):
    """``command`` (a Python module's argv) started in isolated mode inside the sandbox."""
    return [
        sys.executable, "-I", "-m", "autograder.grading.sandbox",
        "--workdir", str(workdir), "--view", str(view or workdir), "--runtime", str(runtime),
        "--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(limits.notebook_seconds),
        "--processes", str(limits.processes), "--file-mb", str(limits.file_mb),
        "--cgroup", cgroup, "--threads", str(limits.threads),
        "--", sys.executable, "-I", *command,
    ]  # fmt: skip


def kernel_spec(workdir, view, runtime, limits, cgroup):
    """A kernelspec named python3 whose kernel starts inside the sandbox, where its working
    folder shows ``view`` (the learner's own files), and no folder is put on its sys.path."""
    kernel = [
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--IPKernelApp.ignore_cwd=True",
    ]
    return {
        "display_name": "Python 3 (sandboxed grading kernel)",
        "language": "python",
        # The kernel's pid is the sandbox's, which would die of a SIGINT: interrupt by message.
        "interrupt_mode": "message",
        "argv": sandboxed(kernel, workdir, runtime, limits, cgroup, view),
    }


def grade_job(job):
    """Autograde one submission with nbgrader in a scratch course; never raises."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lbl-grade-") as scratch:
        scratch = Path(scratch)
        try:
            result = _grade_in(scratch, job)
        except Exception as error:  # noqa: BLE001 (report it; the class goes on)
            result = Result(job.student, job.assignment, False, f"grading failed: {error!r}")
        finally:
            for name in ("kernel", "probe"):
                remove_cgroup(f"lbl-{scratch.name}-{name}")
    result.seconds = time.perf_counter() - start
    return result


def _grade_in(scratch, job):
    course, runtime, view = scratch / "course", scratch / "runtime", scratch / "view"
    workdir = course / "autograded" / job.student / job.assignment
    write_folder(course / "submitted" / job.student / job.assignment, job.files)
    write_folder(view, {n: d for n, d in job.files.items() if n.endswith(".ipynb")})
    (course / "gradebook.db").write_bytes(job.gradebook)
    (course / "nbgrader_config.py").write_text(job.config)
    spec = scratch / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    cgroup = f"lbl-{scratch.name}-kernel"
    spec.write_text(json.dumps(kernel_spec(workdir, view, runtime, job.limits, cgroup)))
    (runtime / "home").mkdir(parents=True)
    env = venv_env() | {
        "JUPYTER_PATH": str(scratch / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
    }
    command = [
        sys.executable, "-I", "-m", "nbgrader", "autograde", job.assignment,
        "--student", job.student, "--create", "--force",
        "--KernelManager.transport=ipc", f"--KernelManager.ip={runtime}/kernel",
        f"--Execute.timeout={job.limits.cell_seconds}",
    ]  # fmt: skip
    log, timed_out = run_logged(command, course, env, job.limits.notebook_seconds)
    if timed_out:
        reason = (
            f"took longer than the {job.limits.notebook_seconds} s allowed for a "
            "notebook (an endless loop that ignores interrupts?)"
        )
        return Result(job.student, job.assignment, False, reason, log=log)
    graded = {}
    for name in sorted(n for n in job.sources if n in job.files):
        try:
            graded[name] = read_regular(workdir / name, GRADED_BYTES)
        except Refused:
            pass
    if "There was an error processing" in log or not graded:
        return Result(job.student, job.assignment, False, explain(log), log=log)
    findings = []
    for name, data in graded.items():
        verdict = run_judge(scratch, job, name, env)
        if isinstance(verdict, str):
            return Result(job.student, job.assignment, False, verdict, log=log)
        graded[name], found = apply_verdict(name, data, verdict)
        findings += found
    if "timestamp.txt" in job.files:  # the submission's own, never what a kernel wrote
        graded["timestamp.txt"] = job.files["timestamp.txt"]
    return Result(job.student, job.assignment, True, "", graded, log, findings=findings)


def run_judge(scratch, job, name, env):
    """The trusted verdict on one notebook: {grade id: result}, or why there is none."""
    folder = scratch / "judge"
    write_folder(folder, {f"source-{name}": job.sources[name], name: job.files[name]})
    probe_dir, probe_runtime = scratch / "probe", scratch / "probe-runtime"
    (probe_runtime / "home").mkdir(parents=True, exist_ok=True)
    probe_dir.mkdir(exist_ok=True)
    probe = sandboxed(
        ["-m", "autograder.checks.probe"],
        probe_dir,
        probe_runtime,
        job.limits,
        f"lbl-{scratch.name}-probe",
    )
    out = folder / f"{name}.verdict.json"
    command = [
        sys.executable, "-I", "-m", "autograder.grading.judge",
        "--source", str(folder / f"source-{name}"), "--submission", str(folder / name),
        "--out", str(out), "--cell-seconds", str(job.limits.cell_seconds),
        "--notebook-seconds", str(job.limits.notebook_seconds), "--", *probe,
    ]  # fmt: skip
    log, timed_out = run_logged(command, folder, env, job.limits.notebook_seconds)
    if timed_out:
        return f"the trusted check took longer than the {job.limits.notebook_seconds} s allowed"
    if not out.is_file():
        return f"the trusted check failed: {log.strip().splitlines()[-1:] or ['no output']}"
    return json.loads(out.read_text())


def apply_verdict(name, data, verdict):
    """The graded notebook with each test cell's outputs replaced by the trusted check's, and
    the findings: where the kernel's run disagrees, and what the check itself found."""
    nb = nbformat.reads(data.decode(), as_version=4)
    findings = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or not is_grade(cell) or grade_id not in verdict:
            continue
        result = verdict[grade_id]
        score, points = determine_grade(cell)
        in_kernel = score == points
        cell.outputs = trusted_outputs(result)
        trusted = result["error"] is None
        if in_kernel != trusted:
            said = f"failed: {result['error']['evalue'][:200]}" if not trusted else "passed"
            detail = (
                f"{name}: {grade_id} {'passed' if in_kernel else 'failed'} in the learner's "
                f"kernel, but the trusted check {said}"
            )
            findings.append(Finding("disagreement", detail, grade_id))
        if result["finding"]:
            detail = f"{name}: {grade_id}: {result['error']['evalue'][:200]}"
            findings.append(Finding(result["finding"], detail, grade_id))
    return nbformat.writes(nb).encode(), findings


def trusted_outputs(result):
    """A test cell's outputs as the trusted check produced them."""
    outputs = []
    if result["stdout"]:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=result["stdout"]))
    if result["error"]:
        error = result["error"]
        traceback = [f"{error['ename']}: {error['evalue']}"]
        outputs.append(nbformat.v4.new_output("error", traceback=traceback, **error))
    return outputs


def run_logged(command, cwd, env, seconds):
    """Run a command in its own process group, killed as a whole when time is up.

    Returns (log, timed_out)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        log, _ = process.communicate(timeout=seconds)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        log, _ = process.communicate()
        timed_out = True
    except BaseException:  # Ctrl-C or a cancelled task: leave no grading behind
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return log.decode(errors="replace"), timed_out


def explain(log):
    """A one-line reason from a failed nbgrader autograde log."""
    lowered = log.lower()
    if "memoryerror" in lowered or "cannot allocate memory" in lowered:
        return "ran out of its memory limit"
    if "dead" in lowered or "unresponsive" in lowered or "kernel died" in lowered:
        return "its kernel died (os._exit, a crash, or the memory or process limit)"
    if "'msg_type'" in log:  # raw protocol messages: more than one process answered
        return "its kernel died or garbled its messages (forked processes?)"
    lines = [line.strip() for line in log.splitlines() if "| ERROR]" in line]
    return (lines or ["nbgrader could not grade it"])[0][:300]
