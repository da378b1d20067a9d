"""Integer floor division on the effective (dilated) kernel extent."""


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    extent = d * (k - 1) + 1
    return (i + 2 * p - extent) // s + 1
