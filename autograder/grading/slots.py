"""Where one submission is graded: a scratch folder whose sandboxed processes start early.

A worker grades one submission at a time. While it grades one, the :class:`Slot` for the next
one gets ready: its kernel (:mod:`.warm_kernel`) and its probe (:mod:`autograder.checks.probe`)
start, each in a sandbox of its own, import torch and wait. A slot serves exactly one submission
and is removed after it, with every process it started: nothing of one submission (a file, a
process, its memory) is there when the next one runs.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..nbgrader_cli import venv_env
from .sandbox import remove_cgroup

LOG_BYTES = 100_000  # the end of a kernel's own output kept for the log


def sandboxed(command, workdir, runtime, limits, cgroup):
    """``command`` (a Python module's argv) started in isolated mode inside the sandbox."""
    return [
        sys.executable, "-I", "-m", "autograder.grading.sandbox",
        "--workdir", str(workdir), "--runtime", str(runtime),
        "--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(limits.notebook_seconds),
        "--processes", str(limits.processes), "--file-mb", str(limits.file_mb),
        "--cgroup", cgroup, "--threads", str(limits.threads),
        "--", sys.executable, "-I", *command,
    ]  # fmt: skip


class Slot:
    """A scratch course for one submission, with its kernel and probe already starting."""

    def __init__(self, limits):
        self.limits = limits
        self.root = Path(tempfile.mkdtemp(prefix="lbl-grade-"))
        self.course = self.root / "course"
        self.view = self.root / "view"  # the kernel's working folder: the learner's files
        self.runtime = self.root / "runtime"
        self.probe_dir, self.probe_runtime = self.root / "probe", self.root / "probe-runtime"
        for folder in (self.course, self.view, self.probe_dir):
            folder.mkdir()
        for runtime in (self.runtime, self.probe_runtime):
            (runtime / "home").mkdir(parents=True)
        self.processes = []
        self.kernel = self._start_kernel()
        self.probe = self._start(self.probe_command())

    def cgroup(self, name):
        return f"lbl-{self.root.name}-{name}"

    def kernel_command(self):
        module = ["-m", "autograder.grading.warm_kernel"]
        return sandboxed(module, self.view, self.runtime, self.limits, self.cgroup("kernel"))

    def probe_command(self):
        module = ["-m", "autograder.checks.probe"]
        return sandboxed(
            module, self.probe_dir, self.probe_runtime, self.limits, self.cgroup("probe")
        )

    def _start_kernel(self):
        return self._start(self.kernel_command(), log=self.root / "kernel.log")

    def _start(self, command, log=None):
        output = open(log, "ab") if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command,
            cwd=self.root,  # no student's file here; the sandbox moves to its working folder
            env=venv_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if not log else output,
            stderr=output if log else subprocess.DEVNULL,
            start_new_session=True,
        )
        if log:
            output.close()
        self.processes.append(process)
        return process

    def take_kernel(self):
        """The waiting kernel (a new one if it died or was taken): the caller owns it now."""
        kernel, self.kernel = self.kernel, None
        if kernel is None or kernel.poll() is not None:
            kernel = self._start_kernel()
        return kernel

    def take_probe(self):
        """The waiting probe, or None if it is gone (the judge then starts its own)."""
        probe, self.probe = self.probe, None
        return probe if probe is not None and probe.poll() is None else None

    def kernel_log(self):
        """The end of what the kernels printed themselves (crash messages)."""
        with contextlib.suppress(OSError), open(self.root / "kernel.log", "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_BYTES))
            return log.read().decode(errors="replace")
        return ""

    def kill(self):
        """Kill every process this slot started, with everything they started."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def close(self):
        self.kill()
        for process in self.processes:
            for stream in (process.stdin, process.stdout):
                if stream:
                    stream.close()
        for name in ("kernel", "probe"):
            remove_cgroup(self.cgroup(name))
        shutil.rmtree(self.root, ignore_errors=True)
