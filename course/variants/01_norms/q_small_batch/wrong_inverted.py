"""Divides the other way round: batch size 64 over batch size 2."""

SPREAD_RATIO = (batch_means(64).std() / batch_means(2).std()).item()  # noqa: F821
