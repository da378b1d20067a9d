"""Computes the number of extra stride steps after the first window with math.floor."""

import math


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    room = (i + 2 * p) - (d * (k - 1) + 1)
    return math.floor(room / s) + 1
