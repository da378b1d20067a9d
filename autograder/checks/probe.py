"""The learner's side of the trusted check: a fresh interpreter, in the sandbox, with the
learner's code and nothing of the tests.

``python -I -m autograder.checks.probe`` is started by :mod:`autograder.grading.judge` through
:mod:`autograder.grading.sandbox`. The first message holds the learner's code cells and the names to
report; the probe runs the cells and answers what each name is (a callable, a plain value, or
missing). Every later message asks for one record: a runner of :mod:`autograder.checks` applied
to one of the learner's objects with a plan. Whatever the learner's code does here, all that
leaves is records, which the judge checks as untrusted data.
"""

import os
import signal
import sys


def _channels():
    """The protocol's streams, on private descriptors; fds 0 and 1 become /dev/null and stderr
    so that the learner's prints and reads cannot garble the protocol."""
    incoming = os.fdopen(os.dup(0), "rb")  # buffered: read(n) waits for n bytes
    outgoing = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    sys.stdin, sys.stdout = open(os.devnull), sys.stderr
    return incoming, outgoing


def run_cells(cells, namespace, seconds):
    """Run the learner's cells in order, as a kernel would, each cut after ``seconds`` as
    nbgrader interrupts a cell; return each failure's message."""

    def too_long(signum, frame):
        raise TimeoutError(f"the cell ran longer than {seconds} s")

    signal.signal(signal.SIGALRM, too_long)
    errors = []
    for index, code in enumerate(cells):
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            exec(compile(code, f"<learner cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 (a cell may raise anything, even SystemExit)
            errors.append(f"cell {index + 1}: {type(error).__name__}: {error}"[:300])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return errors


def describe(namespace, names, plain):
    """What each name is: {"kind": "callable"}, {"kind": "value", "value": …} or missing."""
    found = {}
    for name in names:
        if name not in namespace:
            found[name] = {"kind": "missing"}
        elif callable(namespace[name]):
            found[name] = {"kind": "callable"}
        else:
            found[name] = {"kind": "value", "value": plain(namespace[name])}
    return found


def engine_state(modules):
    """Every function and object the engine's modules hold, with the code each function runs:
    a learner who rewrites the runners or the op trace changes this."""
    return {
        (module.__name__, name): (id(value), id(getattr(value, "__code__", None)))
        for module in modules
        for name, value in vars(module).items()
        if callable(value) and not name.startswith("__")  # Python adds __warningregistry__
    }


def main():
    incoming, outgoing = _channels()
    os.register_at_fork(after_in_child=lambda: os._exit(0))  # one process answers, never a copy
    os.environ["MPLBACKEND"] = "Agg"  # figures are drawn, never shown
    from ..channel import functions_by_import, receive, send
    from .core import error_text
    from .runners import RUNNERS
    from .trees import plain

    modules = [m for n, m in sorted(sys.modules.items()) if n.startswith("autograder.checks")]
    runners = dict(RUNNERS)
    untouched = engine_state(modules)
    hello = receive(incoming)
    namespace = {"__name__": "__main__"}
    errors = run_cells(hello["cells"], namespace, hello["cell_seconds"])
    send(outgoing, {"names": describe(namespace, hello["names"], plain), "errors": errors})
    while (request := receive(incoming)) is not None:
        try:
            plan = functions_by_import(request["plan"])
            record = runners[request["kind"]](namespace.get(request["name"]), plan)
        except BaseException as raised:  # noqa: BLE001 (report, keep serving)
            record = {"error": error_text(raised)}
        if engine_state(modules) != untouched:
            record = {"tampered": "the learner's code rewrote the grading engine in its process"}
        send(outgoing, record)


if __name__ == "__main__":
    main()
