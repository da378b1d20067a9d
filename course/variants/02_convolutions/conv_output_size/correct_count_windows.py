"""Counts window start positions one by one until the dilated window no longer fits."""


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    last = i + 2 * p - 1
    count = 0
    start = 0
    while start + d * (k - 1) <= last:
        count += 1
        start += s
    return count
