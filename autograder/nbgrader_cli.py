"""Run nbgrader's own command line inside a course directory."""

import os
import subprocess
import sys
from pathlib import Path


class NbgraderError(RuntimeError):
    """nbgrader exited with an error; the message holds the end of its log."""


def nbgrader(*args, course, check=True, timeout=None):
    """Run ``nbgrader ARGS`` with ``course`` as the course directory; return the process."""
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=venv_env(),
    )
    if check and done.returncode != 0:
        log = (done.stdout + done.stderr).strip().splitlines()
        raise NbgraderError(f"nbgrader {' '.join(args)} failed:\n" + "\n".join(log[-20:]))
    return done


def venv_env():
    """The environment with this interpreter's bin first on PATH (nbgrader runs ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env
