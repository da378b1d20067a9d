"""Start a student's Jupyter kernel in a sandbox.

``python -m autograder.sandbox --workdir DIR --runtime DIR [limits] -- KERNEL COMMAND`` sets
resource limits on itself (memory, CPU time, processes, file size), then execs the kernel inside
bubblewrap when it is installed: a new user, PID, IPC, UTS and network namespace (no network at
all; the kernel talks to nbgrader over Unix sockets in ``--runtime``), all capabilities dropped,
and a filesystem that holds only the system, the Python environment, the course's packages
(read-only) and the notebook's own folder (read-write). The gradebook, source/ and the other
submissions are simply not there. Without bubblewrap the limits still apply and the report says
which protections are missing. Imports nothing but the standard library.
"""

import argparse
import os
import resource
import shutil
import sys
from pathlib import Path

SYSTEM_DIRS = [
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc/ld.so.cache",
    "/etc/fonts",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/ssl",
]


def bubblewrap():
    """The bwrap executable if it is installed and works here, else None."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return None
    probe = os.spawnv(
        os.P_WAIT,
        bwrap,
        [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "/bin/true"],
    )
    return bwrap if probe == 0 else None


def protections():
    """What isolation this machine gives a kernel: {protection: how, or "" when missing}."""
    wrapped = "bubblewrap" if bubblewrap() else ""
    return {
        "time, memory, process and file-size limits": "rlimits",
        "read-only system, no gradebook/source/other submissions": wrapped,
        "no network": wrapped and "bubblewrap (empty network namespace)",
        "own process tree, no capabilities": wrapped,
    }


def readable_paths():
    """What the kernel must read: the Python installation and the course's own packages."""
    import autograder

    paths = {sys.prefix, sys.base_prefix, str(Path(autograder.__file__).parent)}
    try:
        import lessonkit

        paths.add(str(Path(lessonkit.__file__).parent))
    except ImportError:
        pass
    return sorted(paths)


def bwrap_argv(bwrap, kernel, workdir, runtime, readable):
    argv = [
        bwrap,
        "--die-with-parent",
        "--new-session",
        "--unshare-all",
        "--cap-drop",
        "ALL",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--clearenv",
    ]
    for path in SYSTEM_DIRS + readable:
        argv += ["--ro-bind-try", path, path]
    for path in (workdir, runtime):
        argv += ["--bind", path, path]
    if "-f" in kernel:  # the connection file jupyter_client wrote, wherever that is
        connection = kernel[kernel.index("-f") + 1]
        argv += ["--ro-bind", connection, connection]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": f"{runtime}/home",
        "MPLCONFIGDIR": f"{runtime}/matplotlib",
        "PYTHONNOUSERSITE": "1",
        "LANG": "C.UTF-8",
    }
    for name, value in env.items():
        argv += ["--setenv", name, value]
    return argv + ["--chdir", workdir, "--", *kernel]


def own_processes():
    """How many processes this user runs now (RLIMIT_NPROC counts them all)."""
    uid = os.getuid()
    return sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid)


def _owner(path):
    try:
        return path.stat().st_uid
    except OSError:
        return None


def apply_limits(memory_mb, cpu_seconds, processes, file_mb):
    mb = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: memory_mb * mb,
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_NPROC: own_processes() + processes,
        resource.RLIMIT_FSIZE: file_mb * mb,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox", description=__doc__)
    parser.add_argument("--workdir", required=True, help="the notebook's folder (read-write)")
    parser.add_argument("--runtime", required=True, help="the kernel's socket folder")
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--cpu-seconds", type=int, default=1800)
    parser.add_argument("--processes", type=int, default=128, help="beyond those running now")
    parser.add_argument("--file-mb", type=int, default=512)
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel
    bwrap = bubblewrap()
    command = (
        bwrap_argv(bwrap, kernel, args.workdir, args.runtime, readable_paths()) if bwrap else kernel
    )
    apply_limits(args.memory_mb, args.cpu_seconds, args.processes, args.file_mb)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
