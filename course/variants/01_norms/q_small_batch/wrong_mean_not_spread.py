"""Compares the average batch means instead of their spread."""

SPREAD_RATIO = (batch_means(2).mean() / batch_means(64).mean()).item()  # noqa: F821
