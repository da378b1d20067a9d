"""Two submissions graded one after the other by the same worker process cannot see or touch
each other: not the files one leaves, not the processes it starts, not what it puts in memory,
though the second one's kernel and probe are started (and wait) while the first one runs."""

import os
from pathlib import Path

import pytest
from test_hostile import ASSIGNMENT, NOTEBOOK, Class

from autograder import grading
from autograder.grading.limits import Limits
from autograder.grading.sandbox import bubblewrap

SIGN = "mallory" + "-was-here"  # built, so that the victim's own cells do not hold it

# Runs in mallory's kernel and probe: leave traces everywhere one can write, in memory and in a
# process that would outlive the notebook, and go looking for the next submission.
MALLORY = f"""
import builtins, os, pathlib, subprocess, sys, torch
sign = "{SIGN}"
builtins.TRACE = torch.TRACE = sign
os.environ["TRACE"] = sign
here = os.getcwd()
for place in {{here, os.path.expanduser("~"), "/tmp", "/dev/shm", os.path.dirname(here)}}:
    try:
        pathlib.Path(place, "trace.txt").write_text(sign)
    except OSError:
        pass
watcher = (
    "import os, time\\n"
    "sign = {SIGN!r}\\n"
    "for _ in range(1200):\\n"
    "    for folder, _, files in os.walk('/'):\\n"
    "        if folder.startswith(('/proc', '/sys', '/usr')):\\n"
    "            continue\\n"
    "        for name in files:\\n"
    "            if name.endswith('.ipynb'):\\n"
    "                try:\\n"
    "                    open(os.path.join(folder, name), 'a').write(sign)\\n"
    "                except OSError:\\n"
    "                    pass\\n"
    "    time.sleep(0.2)\\n"
)
subprocess.Popen([sys.executable, "-c", watcher, sign], start_new_session=True)
"""

# Runs in the victim's kernel and probe: anything of mallory's found makes its Flatten wrong.
VICTIM = """
import builtins, os, pathlib, torch
sign = "mallory" + "-was-here"
seen = [n for n in ("builtins", "torch") if getattr(eval(n), "TRACE", None) == sign]
seen += ["environment"] if os.environ.get("TRACE") == sign else []
here = os.getcwd()
for place in {here, os.path.expanduser("~"), "/tmp", "/dev/shm", os.path.dirname(here)}:
    for path in pathlib.Path(place).glob("*"):
        try:
            if path.is_file() and sign in path.read_text(errors="ignore"):
                seen.append(str(path))
        except OSError:
            pass
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if sign.encode() in pathlib.Path("/proc", pid, "cmdline").read_bytes():
            seen.append(f"process {pid}")
    except OSError:
        pass
print("seen:", seen)
if seen:
    Flatten = None
"""


def live_processes_with(text):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if text.encode() in Path("/proc", pid, "cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


@pytest.mark.skipif(not bubblewrap(), reason="needs bubblewrap: `make test` installs it")
def test_two_submissions_graded_by_one_worker_cannot_see_or_touch_each_other(tmp_path, root):
    c = Class(tmp_path / "course", root)
    c.submit("a_mallory", c.notebook(extra=MALLORY))
    c.submit("b_victim", c.notebook(extra=VICTIM))
    c.submit("c_victim", c.notebook(extra=VICTIM))
    limits = Limits(cell_seconds=30, notebook_seconds=120, memory_mb=3072)
    outcomes = {o.student: o for o in grading.grade(c.course, workers=1, limits=limits)}
    assert all(o.graded for o in outcomes.values()), outcomes
    table = grading.scores(c.course, ASSIGNMENT)
    for victim in ("b_victim", "c_victim"):
        assert table[victim] == table["a_mallory"], (victim, table)
        graded = c.course / "autograded" / victim / ASSIGNMENT / NOTEBOOK
        assert "seen: []" in graded.read_text()
        assert SIGN not in graded.read_text()
    assert sum(score for score, _ in table["b_victim"].values()) > 0
    assert live_processes_with(SIGN) == []  # mallory's watcher died with its submission
