"""Bug: the backward treats the standardisation as elementwise, g / sqrt(var + eps),
ignoring that every x̂ depends on every x through the mean and the variance."""

import torch


class BatchStandardize(torch.autograd.Function):
    """x̂ = (x − mean) / sqrt(var + eps) over the first axis, with a hand-written backward."""

    @staticmethod
    def forward(ctx, x, eps):
        inv_std = torch.rsqrt(x.var(0, unbiased=False) + eps)
        x_hat = (x - x.mean(0)) * inv_std
        ctx.save_for_backward(x_hat, inv_std)
        return x_hat

    @staticmethod
    def backward(ctx, grad_output):
        _, inv_std = ctx.saved_tensors
        return grad_output * inv_std, None


def batch_standardize(x, eps=1e-5):
    return BatchStandardize.apply(x, eps)
