"""Measures the whole batch instead of the shared first sample."""

from torch import nn

bn = nn.BatchNorm1d(4)
TRAIN_SHIFT = (bn(batch_a) - bn(batch_b)).abs().max().item()  # noqa: F821
bn.eval()
EVAL_SHIFT = (bn(batch_a) - bn(batch_b)).abs().max().item()  # noqa: F821
