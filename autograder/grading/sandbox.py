"""Start a student's Jupyter kernel in a sandbox.

``python -m autograder.grading.sandbox --workdir DIR --runtime DIR [limits] -- KERNEL COMMAND`` sets
resource limits on itself (memory, CPU time, processes, file size), then execs the kernel inside
bubblewrap when it is installed: a new user, PID, IPC, UTS and network namespace (no network at
all; the kernel talks to nbgrader over Unix sockets in ``--runtime``), all capabilities dropped,
and a filesystem that holds only the system, the Python environment, the course's packages
(read-only) and the working folder (read-write): a private folder with the learner's own
files, so nothing the kernel writes lands where nbgrader works. The gradebook,
source/, the notebook with hidden tests restored and the other submissions are simply not
there. Without bubblewrap the limits still apply and the report says which protections are
missing. Imports nothing but the standard library.
"""

import argparse
import os
import resource
import shutil
import sys
from pathlib import Path

from .limits import Limits

LIMITS = Limits()

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
    probe = f"lbl-probe-{os.getpid()}"
    group = pids_cgroup(probe)
    if group:
        remove_cgroup(probe)
    return {
        "time, memory and file-size limits": "rlimits",
        "process-count limit": "a pids cgroup per kernel"
        if group
        else "RLIMIT_NPROC (shared by all of this user's processes)",
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


def bwrap_argv(bwrap, kernel, workdir, runtime, readable, extra_env):
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
    argv += ["--bind", workdir, workdir, "--bind", runtime, runtime]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": f"{runtime}/home",
        "MPLCONFIGDIR": f"{runtime}/matplotlib",
        "PYTHONNOUSERSITE": "1",
        "LANG": "C.UTF-8",
        **extra_env,
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


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
PIDS_CGROUPS = [Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")]  # cgroup v1, v2


def pids_cgroup(name):
    """A cgroup of this name that can cap a process tree's size, or None where there is none
    we may create (cgroups need root or a delegated hierarchy)."""
    for root in PIDS_CGROUPS:
        group = root / name
        try:
            group.mkdir(exist_ok=True)
        except OSError:
            continue
        if (group / "pids.max").exists():
            return group
        remove_cgroup(name)
    return None


def limit_processes(processes, name):
    """Cap the kernel's process tree: a pids cgroup of its own when one can be made (a fork bomb
    then starves nobody else), else RLIMIT_NPROC, which counts all of this user's processes."""
    group = pids_cgroup(name) if name else None
    if group:
        (group / "pids.max").write_text(str(processes))
        (group / "cgroup.procs").write_text(str(os.getpid()))
        return
    resource.setrlimit(
        resource.RLIMIT_NPROC, _capped(resource.RLIMIT_NPROC, own_processes() + processes)
    )


def remove_cgroup(name):
    """Remove a kernel's pids cgroup once its processes are gone."""
    for root in PIDS_CGROUPS:
        try:
            (root / name).rmdir()
        except OSError:
            pass


def _capped(kind, value):
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    return value, value


def apply_limits(memory_mb, cpu_seconds, file_mb):
    mb = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: memory_mb * mb,
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_FSIZE: file_mb * mb,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, _capped(kind, value))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m autograder.grading.sandbox", description=__doc__
    )
    parser.add_argument("--workdir", required=True, help="the notebook's folder (read-write)")
    parser.add_argument("--runtime", required=True, help="the kernel's sockets and connection file")
    parser.add_argument("--memory-mb", type=int, default=LIMITS.memory_mb)
    parser.add_argument("--cpu-seconds", type=int, default=LIMITS.notebook_seconds)
    parser.add_argument(
        "--processes", type=int, default=LIMITS.processes, help="beyond those running now"
    )
    parser.add_argument("--file-mb", type=int, default=LIMITS.file_mb)
    parser.add_argument("--cgroup", default="", help="name of a pids cgroup to create")
    parser.add_argument(
        "--threads", type=int, default=LIMITS.threads, help="compute threads (0: torch decides)"
    )
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel
    # Kernels graded side by side must not each spin a thread per core: oversubscribed, torch's
    # thread pools slow every kernel down many times over.
    threads = {v: str(args.threads) for v in THREAD_VARIABLES} if args.threads else {}
    os.environ.update(threads)
    bwrap = bubblewrap()
    command = (
        bwrap_argv(
            bwrap,
            kernel,
            args.workdir,
            args.runtime,
            readable_paths(),
            threads,
        )  # fmt: skip
        if bwrap
        else kernel
    )
    limit_processes(args.processes, args.cgroup)
    apply_limits(args.memory_mb, args.cpu_seconds, args.file_mb)
    if not bwrap:  # bubblewrap moves into the working folder itself (--chdir)
        os.chdir(args.workdir)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
