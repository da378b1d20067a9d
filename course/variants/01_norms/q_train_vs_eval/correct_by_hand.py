import torch


def first_row_train(batch, eps=1e-5):
    mean, var = batch.mean(0), batch.var(0, unbiased=False)
    return (batch[0] - mean) / torch.sqrt(var + eps)


TRAIN_SHIFT = float((first_row_train(batch_a) - first_row_train(batch_b)).abs().max())  # noqa: F821
EVAL_SHIFT = 0.0  # eval mode uses the same running statistics for both batches
