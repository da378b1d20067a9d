"""Bug: rounds the stride division up (ceil) instead of down (floor)."""

import math


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    return math.ceil((i + 2 * p - d * (k - 1) - 1) / s) + 1
