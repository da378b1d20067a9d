"""Grade one submission in a scratch course: the unit of work a local or Dask worker runs.

A :class:`Job` carries everything by value (the submission's files, a gradebook holding only the
assignment's cells, the nbgrader config, the limits), so a worker needs no shared filesystem.
``grade_job`` runs nbgrader's own ``autograde`` in a fresh scratch course whose kernel starts
through :mod:`autograder.sandbox`, and returns the autograded folder as a :class:`Result`.
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

from .nbgrader_cli import venv_env
from .sandbox import remove_cgroup


@dataclass(frozen=True)
class Limits:
    """How much one submission may use."""

    cell_seconds: int = 120
    notebook_seconds: int = 900
    memory_mb: int = 6144
    threads: int = 0  # compute threads per kernel; 0 lets torch decide
    processes: int = 64  # tasks: threads count too
    file_mb: int = 512


@dataclass
class Job:
    student: str
    assignment: str
    files: dict  # relative path → bytes: the submission folder
    gradebook: bytes  # an nbgrader gradebook that knows the assignment and nothing else
    config: str  # nbgrader_config.py
    limits: Limits = field(default_factory=Limits)


@dataclass
class Result:
    student: str
    assignment: str
    graded: bool
    reason: str = ""
    files: dict = field(default_factory=dict)  # relative path → bytes: the autograded folder
    log: str = ""
    seconds: float = 0.0


def read_folder(folder):
    """{relative path: bytes} for every file under ``folder``."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def write_folder(folder, files):
    for name, data in files.items():
        path = Path(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def kernel_spec(workdir, runtime, limits, cgroup):
    """A kernelspec named python3 whose kernel starts inside the sandbox."""
    return {
        "display_name": "Python 3 (sandboxed grading kernel)",
        "language": "python",
        # The kernel's pid is the sandbox's, which would die of a SIGINT: interrupt by message.
        "interrupt_mode": "message",
        "argv": [
            sys.executable,
            "-m",
            "autograder.sandbox",
            "--workdir",
            str(workdir),
            "--runtime",
            str(runtime),
            "--memory-mb",
            str(limits.memory_mb),
            "--cpu-seconds",
            str(limits.notebook_seconds),
            "--processes",
            str(limits.processes),
            "--file-mb",
            str(limits.file_mb),
            "--cgroup",
            cgroup,
            "--threads",
            str(limits.threads),
            "--",
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
    }


def grade_job(job):
    """Autograde one submission with nbgrader in a scratch course; never raises."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lbl-grade-") as scratch:
        scratch = Path(scratch)
        course, runtime = scratch / "course", scratch / "runtime"
        workdir = course / "autograded" / job.student / job.assignment
        write_folder(course / "submitted" / job.student / job.assignment, job.files)
        (course / "gradebook.db").write_bytes(job.gradebook)
        (course / "nbgrader_config.py").write_text(job.config)
        cgroup = f"lbl-{scratch.name}"
        spec = scratch / "jupyter" / "kernels" / "python3" / "kernel.json"
        spec.parent.mkdir(parents=True)
        spec.write_text(json.dumps(kernel_spec(workdir, runtime, job.limits, cgroup)))
        (runtime / "home").mkdir(parents=True)
        env = venv_env() | {
            "JUPYTER_PATH": str(scratch / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(runtime),
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        }
        command = [
            sys.executable, "-m", "nbgrader", "autograde", job.assignment,
            "--student", job.student, "--create", "--force",
            "--KernelManager.transport=ipc", f"--KernelManager.ip={runtime}/kernel",
            f"--Execute.timeout={job.limits.cell_seconds}",
        ]  # fmt: skip
        try:
            log, timed_out = run_nbgrader(command, course, env, job.limits.notebook_seconds)
        finally:
            remove_cgroup(cgroup)
        seconds = time.perf_counter() - start
        if timed_out:
            reason = (
                f"took longer than the {job.limits.notebook_seconds} s allowed for a "
                "notebook (an endless loop that ignores interrupts?)"
            )
            return Result(job.student, job.assignment, False, reason, log=log, seconds=seconds)
        graded = "There was an error processing" not in log and any(workdir.glob("*.ipynb"))
        files = read_folder(workdir) if graded else {}
        reason = "" if graded else explain(log)
        return Result(job.student, job.assignment, graded, reason, files, log, seconds)


def run_nbgrader(command, course, env, seconds):
    """Run nbgrader in its own process group, killed as a whole when time is up.

    Returns (log, timed_out)."""
    process = subprocess.Popen(
        command,
        cwd=course,
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
