"""Bug: ignores dilation, using the undilated kernel size k in the formula."""


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    return (i + 2 * p - k) // s + 1
