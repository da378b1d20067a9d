"""Bug: adds the padding once instead of on both sides (i + p instead of i + 2p)."""


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    return (i + p - d * (k - 1) - 1) // s + 1
