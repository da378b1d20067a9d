from torch import nn

TRAIN_SHIFT = (nn.BatchNorm1d(4)(batch_a)[0] - nn.BatchNorm1d(4)(batch_b)[0]).abs().max().item()  # noqa: F821
evaluator = nn.BatchNorm1d(4).eval()
EVAL_SHIFT = (evaluator(batch_a)[0] - evaluator(batch_b)[0]).abs().max().item()  # noqa: F821
