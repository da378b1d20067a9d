"""The trusted verdict: run every graded test cell outside the sandbox, against torch.

:func:`judge` runs each test cell of the *source* notebook (hidden tests included) in the
grading worker, a trusted process. The learner's code never runs there: it runs in a probe (the
sandboxed :mod:`autograder.checks.probe`), and the test cell sees each learner class or
function as a :class:`~autograder.checks.Remote` whose records come back as data. Plain values
(an ``int`` answer) are copied over. The result has one entry per test cell: what it printed,
the error it raised, and what happened worth a person's review.
"""

import ast
import contextlib
import io
import os
import select
import signal
import subprocess

from nbgrader.utils import is_grade, is_solution

from ..channel import HEADER, MAX_BYTES, ChannelError, decode, encode, functions_by_name


class ProbeFailed(RuntimeError):
    def __init__(self, reason, finding=None):
        super().__init__(reason)
        self.finding = finding


def solution_names(source_nb):
    """The top-level names the source notebook's solution cells define."""
    names = set()
    for cell in source_nb.cells:
        if cell.cell_type == "code" and is_solution(cell):
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                    names.add(node.name)
                for target in getattr(node, "targets", []):
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return sorted(names)


def test_imports(source_nb):
    """The import statements of the lesson's own cells, which the test cells rely on."""
    imports = []
    for cell in source_nb.cells:
        if cell.cell_type == "code" and not is_solution(cell) and not is_grade(cell):
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    imports.append(ast.unparse(node))
    return "\n".join(imports)


def learner_cells(student_nb, skipped=frozenset()):
    """The learner's code as the kernel ran it: every code cell but the graded test cells and
    the ``skipped`` ones (:func:`autograder.build.ungraded.skipped_cells`)."""
    return [
        c.source
        for c in student_nb.cells
        if c.cell_type == "code" and not is_grade(c) and c.source not in skipped
    ]


class Probe:
    """The sandboxed learner process, started on first use and again after a failure; the
    first may be ``process``, started earlier with ``command`` and waiting for its hello."""

    def __init__(self, command, hello, seconds, start_seconds, process=None):
        self.command, self.hello = command, hello
        self.seconds, self.start_seconds = seconds, start_seconds
        self.process, self.waiting = None, process
        self.names = None

    def start(self):
        self.process, self.waiting = self.waiting, None
        if self.process is None:
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        reply = self._ask(self.hello, "running your code cells", self.start_seconds)
        if not isinstance(reply, dict) or not isinstance(reply.get("names"), dict):
            self.stop()
            raise ProbeFailed("the sandbox sent a malformed answer", "malformed-reply")
        self.names = reply["names"]

    def record(self, name, kind, plan):
        if self.process is None:
            self.start()
        request = {"name": name, "kind": kind, "plan": functions_by_name(plan)}
        reply = self._ask(request, f"checking {name}", self.seconds)
        if not isinstance(reply, dict):
            raise ProbeFailed("the sandbox sent a malformed record", "malformed-reply")
        if "tampered" in reply:
            raise ProbeFailed(str(reply["tampered"]), "engine-patched")
        return reply

    def _ask(self, message, doing, seconds):
        try:
            self._write(encode(message), seconds)
            (size,) = HEADER.unpack(self._read(HEADER.size, seconds))
            if size > MAX_BYTES:
                raise ChannelError(f"a reply of {size:,} bytes")
            return decode(self._read(size, seconds))
        except TimeoutError:
            self.stop()
            raise ProbeFailed(f"took longer than {seconds} s while {doing}") from None
        except EOFError:
            self.stop()
            raise ProbeFailed(f"your code's process ended while {doing}") from None
        except (OSError, ChannelError) as error:
            self.stop()
            raise ProbeFailed(f"the sandbox sent {error}", "malformed-reply") from None

    def _write(self, data, seconds):
        fd = self.process.stdin.fileno()
        while data:
            if not select.select([], [fd], [], seconds)[1]:
                raise TimeoutError
            data = data[os.write(fd, data[:65536]) :]

    def _read(self, size, seconds):
        fd, chunks = self.process.stdout.fileno(), []
        while size:
            if not select.select([fd], [], [], seconds)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(size, 2**20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def stop(self):
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None


def learner_namespace(probe, names, imports):
    """The test cells' namespace: the lesson's imports, and the learner's names as the probe
    reported them (a Remote for a callable, a copy of a plain value)."""
    from ..checks import CheckFailed, Remote  # torch loads in the judge's process only

    def runner(name, kind, plan):
        try:
            return probe.record(name, kind, plan)
        except ProbeFailed as error:
            raise CheckFailed(f"{name}: {error}", error.finding) from None

    namespace = {"__name__": "__main__"}
    exec(imports, namespace)
    for name in names:
        found = probe.names.get(name)
        if not isinstance(found, dict):
            continue
        if found.get("kind") == "callable":
            namespace[name] = Remote(name, runner)
        elif found.get("kind") == "value":
            namespace[name] = found.get("value")
    return namespace


def run_test_cell(code, namespace):
    """What one test cell printed and raised, and any finding its failure carries."""
    printed = io.StringIO()
    error = finding = None
    with contextlib.redirect_stdout(printed):
        try:
            exec(compile(code, "<test cell>", "exec"), namespace)
        except Exception as raised:  # noqa: BLE001 (a failed check is the usual case)
            error = {"ename": type(raised).__name__, "evalue": str(raised)}
            finding = getattr(raised, "finding", None)
    return {"stdout": printed.getvalue(), "error": error, "finding": finding}


def judge(
    source_nb,
    student_nb,
    probe_command,
    cell_seconds,
    notebook_seconds,
    skipped=frozenset(),
    process=None,
    lap=lambda phase: None,
):
    """{grade id: result of its test cell} for one notebook. ``process`` is a probe already
    started with ``probe_command``; ``lap(phase)`` is told when the learner's cells have run and
    after each test cell."""
    names, imports = solution_names(source_nb), test_imports(source_nb)
    cells = learner_cells(student_nb, skipped)
    hello = {"cells": cells, "names": names, "cell_seconds": cell_seconds}
    probe = Probe(probe_command, hello, cell_seconds, notebook_seconds, process)
    tests = [c for c in source_nb.cells if c.cell_type == "code" and is_grade(c)]
    try:
        probe.start()
        lap("lesson cells")
    except ProbeFailed as error:
        failed = {"ename": "CheckFailed", "evalue": f"your code could not be run: {error}"}
        result = {"stdout": "", "error": failed, "finding": error.finding}
        return {cell.metadata.nbgrader.grade_id: result for cell in tests}
    try:
        namespace = learner_namespace(probe, names, imports)
        results = {}
        for cell in tests:
            results[cell.metadata.nbgrader.grade_id] = run_test_cell(cell.source, namespace)
            lap("hidden tests")
        return results
    finally:
        probe.stop()
