"""Bug: backward divides by N − 1 instead of N (the unbiased count leaking into the
formula), so every gradient is N / (N − 1) times too large; forward is right."""

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
        x_hat, inv_std = ctx.saved_tensors
        n, g = x_hat.size(0), grad_output
        grad_x = inv_std / (n - 1) * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0))
        return grad_x, None


def batch_standardize(x, eps=1e-5):
    return BatchStandardize.apply(x, eps)
