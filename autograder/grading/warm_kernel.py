"""A grading kernel started before its notebook arrives: torch is imported while it waits.

``python -I -m autograder.grading.warm_kernel`` runs inside :mod:`.sandbox`, started by
:mod:`.slots` for the next submission. It imports torch and IPython's kernel, reads one line on
stdin (the connection file jupyter_client wrote for this notebook) and becomes that notebook's
kernel. It serves one notebook, then exits like any kernel.
"""

import os
import sys


def main():
    import torch  # noqa: F401 (imported now, so the notebook's first cell finds it ready)
    from ipykernel import kernelapp

    connection_file = sys.stdin.readline().strip()
    if not connection_file:  # the worker went away before a notebook came
        return
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(os.devnull)
    kernelapp.launch_new_instance(["-f", connection_file, "--IPKernelApp.ignore_cwd=True"])


if __name__ == "__main__":
    main()
