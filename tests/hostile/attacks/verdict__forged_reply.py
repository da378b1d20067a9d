"""A wrong Flatten; outside a Jupyter kernel (in the trusted check's sandbox) it also writes
garbage into every pipe it can find, hoping to forge the answer the grader reads."""

import builtins
import os
import stat


class Flatten(nn.Module):  # noqa: F821
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        if not getattr(builtins, "__IPYTHON__", False):
            for fd in range(3, 64):
                try:
                    if stat.S_ISFIFO(os.fstat(fd).st_mode):
                        os.write(fd, b"\x00\x00\x00\x00\x00\x00\x00\x08forged!!")
                except OSError:
                    pass
        return x
