"""Chapter 1's helpers: a float64 twin of a torch layer for the float32 checks, and the figures
of the normalization experiments."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.func import functional_call

from autograder.checks import Case


def in_float64(layer):
    """``layer`` (a torch module class) computing in float64 whatever dtype it is given, its
    outputs rounded back to that dtype: the float32 answer as exactly as float32 can hold it.

    Parameters and buffers stay in the dtype the layer was moved to; each call works on float64
    copies of them (gradients flow back to the parameters) and writes the buffers it changed
    (running statistics) back.
    """

    class Exact(layer):
        def forward(self, x):
            if x.dtype == torch.float64:
                return super().forward(x)
            state = {
                name: t.double() if t.is_floating_point() else t.clone()
                for name, t in [*self.named_parameters(), *self.named_buffers()]
            }
            y = functional_call(self, state, (x.double(),))
            with torch.no_grad():
                for name, buffer in self.named_buffers():
                    buffer.copy_(state[name])
            return y.to(x.dtype)

    Exact.__name__ = Exact.__qualname__ = layer.__name__
    return Exact


ONE_PASS = (
    "in float32, E[x²] - E[x]² loses its digits when the mean is large next to the spread: "
    "subtract the mean first, then square (x.var does)."
)


def large_mean_case(init, shape, hint=ONE_PASS):
    """A float32 case whose input has a mean far larger than its spread: 5 + j/1024 for random
    integers j in [-8, 8]. float32 holds these values exactly, and with every group size a power
    of two the two-pass mean and variance are exact too, while E[x²] - E[x]² is not."""
    return Case(
        init=init,
        input=lambda: 5 + torch.randint(-8, 9, shape) / 1024,
        dtype=torch.float32,
        label=f"input 5 + randint(-8, 9, {shape}) / 1024",
        hint=hint,
    )


def plot_loss_panels(panels, title, smooth=20):
    """Training-loss curves in panels side by side, sharing the y axis: ``panels`` maps a panel
    title to ``{label: losses}`` (a 1-D tensor per run), each curve a moving average over
    ``smooth`` steps."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.4), sharey=True)
    for ax, (name, runs) in zip(np.atleast_1d(axes), panels.items()):
        for label, losses in runs.items():
            curve = losses.unfold(0, smooth, 1).mean(1)
            ax.plot(np.arange(smooth, len(losses) + 1), curve.numpy(), label=label, linewidth=1.6)
        ax.set_title(name, fontsize=11)
        ax.set_xlabel("training step")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel(f"cross-entropy ({smooth}-step average)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def draw_image_rows(rows, title):
    """Grey-scale images in rows: ``rows`` maps a row label to a list of ``(title, image)``. Each
    row shares one colour scale, so that a brighter or more contrasted image looks it."""
    n_cols = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(
        len(rows), n_cols, figsize=(2.1 * n_cols, 2.6 * len(rows)), squeeze=False
    )
    for axes_row, (label, images) in zip(axes, rows.items()):
        low = min(float(image.min()) for _, image in images)
        high = max(float(image.max()) for _, image in images)
        for ax, (name, image) in zip(axes_row, images):
            ax.imshow(np.asarray(image), cmap="gray", vmin=low, vmax=high)
            ax.set_title(name, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
        axes_row[0].set_ylabel(label, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_mixing_weights(weights, title):
    """Bars of SwitchableNorm's softmax mixing weights: ``weights`` maps a label ("mean", "var")
    to three weights in the order IN, LN, BN."""
    kinds = ("IN", "LN", "BN")
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    width = 0.8 / len(weights)
    for k, (label, values) in enumerate(weights.items()):
        xs = np.arange(3) + (k - (len(weights) - 1) / 2) * width
        ax.bar(xs, np.asarray(values, dtype=float), width, label=label)
    ax.axhline(1 / 3, color="grey", linestyle="--", linewidth=1, label="initial (1/3 each)")
    ax.set_xticks(np.arange(3), kinds)
    ax.set_ylabel("softmax weight")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def stripe_images(n, generator, size=16):
    """``n`` one-channel images of horizontal (label 0) or vertical (label 1) stripes with a
    little noise, each at its own random contrast and brightness: (images (n, 1, size, size),
    labels (n,))."""
    labels = torch.randint(2, (n,), generator=generator)
    phase = 2 * torch.pi * torch.rand(n, 1, 1, generator=generator)
    coords = torch.arange(float(size))
    rows = torch.sin(coords.view(1, size, 1) + phase).expand(n, size, size)
    cols = torch.sin(coords.view(1, 1, size) + phase).expand(n, size, size)
    stripes = torch.where(labels.view(n, 1, 1) == 0, rows, cols)
    noise = 0.3 * torch.randn(n, size, size, generator=generator)
    contrast = torch.exp(2 * torch.randn(n, 1, 1, generator=generator))
    brightness = 5 * torch.randn(n, 1, 1, generator=generator)
    return (contrast * (stripes + noise) + brightness).unsqueeze(1), labels
