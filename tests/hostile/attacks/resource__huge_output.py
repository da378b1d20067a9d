"""Prints 100 MB."""

print("x" * 100_000_000)
