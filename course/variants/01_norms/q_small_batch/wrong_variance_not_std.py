"""Compares variances instead of standard deviations."""

SPREAD_RATIO = (batch_means(2).var() / batch_means(64).var()).item()  # noqa: F821
