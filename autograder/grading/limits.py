"""How much one submission may use: the one place each limit's default is set.

The worker, the sandbox, the judge, the command line and nbgrader_config.py all read them here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much one submission may use."""

    cell_seconds: int = 120
    notebook_seconds: int = 900
    memory_mb: int = 6144
    threads: int = 0  # compute threads per kernel; 0 lets torch decide
    processes: int = 64  # tasks: threads count too
    file_mb: int = 512
