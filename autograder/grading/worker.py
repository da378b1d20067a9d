"""Grade one submission: the unit of work a local or Dask worker runs.

A :class:`Job` carries everything by value (the submission's files, a gradebook holding only the
assignment's cells, the nbgrader config, the limits), so a worker needs no shared filesystem.
A worker is a long-lived process that keeps nbgrader, and after its first job torch, imported:
``grade_job`` runs nbgrader's own ``Autograde`` converter in this process, in the scratch course
of a :class:`~.slots.Slot` whose kernel was started in its sandbox, torch imported, before the
job arrived; the kernel sees a private copy of the submission, never the folder nbgrader writes.
Then :mod:`.judge` gives the trusted verdict: its outputs replace the test cells' outputs before
nbgrader scores them, and a test cell on which the kernel and the judge disagree is a
:class:`Finding` for a person to review. The :class:`Result` carries only the graded notebooks,
read without following links and size-capped, and where the time went.
"""

import contextlib
import io
import json
import logging
import multiprocessing.util
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbgrader.utils import determine_grade, is_grade

from ..build.ungraded import SKIP_TAG, skipped_cells
from ..nbgrader_cli import venv_env
from .intake import Refused, read_regular
from .judge import judge
from .limits import Limits
from .preprocessors import SkipUngraded
from .slots import Slot

GRADED_BYTES = 64 * 2**20  # the largest graded notebook taken back (outputs are cut before)
PHASES = ("start-up", "kernel start", "lesson cells", "hidden tests", "storing", "other")


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
    timings: dict = field(default_factory=dict)  # phase (PHASES) → seconds


class Clock:
    """Where one job's time went: seconds per phase of :data:`PHASES`, measured as laps.

    nbgrader's Execute runs a notebook cell by cell; each cell's time, from its start to the next
    cell's, is a lap of its ``pending`` phase (the last cell's also holds nbgrader's scoring)."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.spent = dict.fromkeys(PHASES, 0.0)
        self.pending = "other"

    def lap(self, phase):
        """Count the time since the last lap as ``phase``."""
        now = time.perf_counter()
        self.spent[phase] += now - self.last
        self.last = now

    def cell_started(self, cell):
        self.lap(self.pending)
        self.pending = "hidden tests" if is_grade(cell) else "lesson cells"


class SlotKernelManager(AsyncKernelManager):
    """nbgrader's kernel manager for one slot: the kernel it starts is the slot's, waiting in
    its sandbox with torch imported, which it hands this notebook's connection file."""

    slot = None  # set per job, in a subclass
    clock = None

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        self.clock.lap("start-up")
        kernel = self.slot.take_kernel()
        kernel.stdin.write(f"{self.connection_file}\n".encode())
        kernel.stdin.close()
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = kernel, kernel.pid, kernel.pid
        self._reconcile_connection_info(provisioner.connection_info)


_lock = threading.Lock()  # one job at a time in a process (a Dask worker may run threads)
_ready = {}  # pid → the slot made ready for that process's next job (a forked child: its own)
_closing = set()  # the pids that close their ready slot on exit


def _next_slot(limits):
    """Start the slot for this process's next job; it is closed when the process exits."""
    if os.getpid() not in _closing:  # pool workers skip atexit; multiprocessing's exit runs this
        multiprocessing.util.Finalize(None, _close_ready, exitpriority=10)
        _closing.add(os.getpid())
    _ready[os.getpid()] = Slot(limits)


def _take_slot(limits):
    """The slot made ready for this job, or a new one where there is none with these limits."""
    slot = _ready.pop(os.getpid(), None)
    if slot is not None and slot.limits != limits:
        slot.close()
        slot = None
    return slot or Slot(limits)


def _close_ready():
    slot = _ready.pop(os.getpid(), None)
    if slot is not None:
        slot.close()


def warm_up(limits):
    """Make this worker process ready for its first job: a slot with these limits starts its
    kernel and probe, and nbgrader's converters and torch (for the judge) are imported in the
    background. Returns at once."""
    with _lock:
        if os.getpid() not in _ready:
            _next_slot(limits)
    threading.Thread(target=_import_for_grading, daemon=True).start()


def _import_for_grading():
    import nbgrader.converters  # noqa: F401

    from ..checks import Remote  # noqa: F401 (torch)


def grade_job(job):
    """Autograde one submission with nbgrader in a slot made ready for it; never raises."""
    with _lock:
        clock = Clock()
        slot = _take_slot(job.limits)
        _next_slot(job.limits)  # the next job's processes start while this one runs
        try:
            result = _grade_in(slot, job, clock)
        except Exception as error:  # noqa: BLE001 (report it; the class goes on)
            result = Result(job.student, job.assignment, False, f"grading failed: {error!r}")
        finally:
            slot.close()
        clock.lap("other")
        result.seconds, result.timings = clock.last - clock.start, clock.spent
    return result


def write_folder(folder, files):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _grade_in(slot, job, clock):
    course = slot.course
    workdir = course / "autograded" / job.student / job.assignment
    write_folder(course / "submitted" / job.student / job.assignment, job.files)
    write_folder(slot.view, {n: d for n, d in job.files.items() if n.endswith(".ipynb")})
    (course / "gradebook.db").write_bytes(job.gradebook)
    (course / "nbgrader_config.py").write_text(job.config)
    notebooks = sorted(n for n in job.sources if n in job.files)
    sources = {n: nbformat.reads(job.sources[n].decode(), as_version=4) for n in notebooks}
    skips = {n: skipped_cells(sources[n], job.files[n]) for n in notebooks}
    log, ok, timed_out = autograde(slot, job, clock, skips)
    clock.lap(clock.pending)
    if timed_out:
        reason = (
            f"took longer than the {job.limits.notebook_seconds} s allowed for a "
            "notebook (an endless loop that ignores interrupts?)"
        )
        return Result(job.student, job.assignment, False, reason, log=log)
    graded = {}
    for name in notebooks:
        try:
            graded[name] = read_regular(workdir / name, GRADED_BYTES)
        except Refused:
            pass
    if not ok or not graded:
        return Result(job.student, job.assignment, False, explain(log), log=log)
    if job.limits.threads:  # the judge computes torch's references here: its share of cores too
        import torch

        torch.set_num_threads(job.limits.threads)
    findings = []
    for name, data in graded.items():
        student = nbformat.reads(job.files[name].decode(), as_version=4)
        verdict = judge(
            sources[name],
            student,
            slot.probe_command(),
            job.limits.cell_seconds,
            job.limits.notebook_seconds,
            skipped=skips[name],
            process=slot.take_probe(),
            lap=clock.lap,
        )
        graded[name], found = apply_verdict(name, data, verdict)
        findings += found
    if "timestamp.txt" in job.files:  # the submission's own, never what a kernel wrote
        graded["timestamp.txt"] = job.files["timestamp.txt"]
    return Result(job.student, job.assignment, True, "", graded, log, findings=findings)


def autograde(slot, job, clock, skips):
    """nbgrader's own Autograde converter, run in this process on the slot's scratch course,
    its kernel the slot's, the cells in ``skips`` (notebook name → sources) left unrun.

    Returns (log, ok, timed_out); a notebook that runs past its time has its kernel killed."""
    from nbgrader.converters import Autograde, NbGraderException
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    spec = slot.root / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps(kernel_spec(slot)))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(slot.course)).load_config()
    chain = config.Autograde.get("autograde_preprocessors")
    chain = list(chain or Autograde.autograde_preprocessors.default_value)

    manager = type("Manager", (SlotKernelManager,), {"slot": slot, "clock": clock})
    limits = job.limits
    config.merge(
        Config(
            CourseDirectory={
                "root": str(slot.course),
                "student_id": job.student,
                "assignment_id": job.assignment,
            },
            Autograde={"create_student": True, "autograde_preprocessors": [SkipUngraded, *chain]},
            BaseConverter={"force": True},
            SkipUngraded={"skipped": {Path(name).stem: sorted(s) for name, s in skips.items()}},
            KernelManager={
                "transport": "ipc",
                "ip": f"{slot.runtime}/kernel",
                "connection_file": str(slot.runtime / "kernel.json"),  # the sandbox sees it
            },
            Execute={
                "timeout": limits.cell_seconds,
                "kernel_manager_class": manager,
                "skip_cells_with_tag": SKIP_TAG,  # set by SkipUngraded alone
                "on_notebook_start": lambda **_: clock.lap("kernel start"),
                # Functions, not bound methods: traitlets deep-copies config values. nbgrader's
                # Execute owns on_cell_executed.
                "on_cell_start": lambda cell, **_: clock.cell_started(cell),
            },
        )
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[Autograde | %(levelname)s] %(message)s"))
    log = logging.getLogger("autograder.grading.autograde")
    log.propagate, log.level = False, logging.INFO
    log.addHandler(handler)
    timed_out = threading.Event()

    def too_long():
        timed_out.set()
        slot.kill()

    watchdog = threading.Timer(limits.notebook_seconds, too_long)
    environment = {
        "JUPYTER_PATH": str(slot.root / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(slot.runtime),
        "JUPYTER_CONFIG_DIR": str(slot.root / "config"),
        "PATH": venv_env()["PATH"],
    }
    try:
        watchdog.start()
        with environ(environment):
            Autograde(coursedir=CourseDirectory(config=config), config=config, log=log).start()
        ok = True
    except NbGraderException:
        ok = False
    finally:
        watchdog.cancel()
        log.removeHandler(handler)
    return stream.getvalue() + slot.kernel_log(), ok, timed_out.is_set()


@contextlib.contextmanager
def environ(values):
    """``os.environ`` with ``values`` set, restored after (jupyter_client reads its paths there)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def kernel_spec(slot):
    """The kernelspec named python3 that nbgrader finds: the slot's sandboxed kernel, whose
    working folder holds the learner's own files, and no folder is put on its sys.path."""
    return {
        "display_name": "Python 3 (sandboxed grading kernel)",
        "language": "python",
        # The kernel's pid is the sandbox's, which would die of a SIGINT: interrupt by message.
        "interrupt_mode": "message",
        "argv": slot.kernel_command(),
    }


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
