"""Chapter 5's figures: a module's anatomy, torch's initial weights, rotary embeddings and the
error of finite differences."""

import matplotlib.pyplot as plt
import numpy as np
import torch

from .drawing import box

PARAMETER, BUFFER, PLAIN = "#4C72B0", "#DD8452", "#DDDDDD"


def _shape(t):
    return "×".join(str(n) for n in t.shape) or "scalar"


def draw_module_tree(model, title="what the module holds"):
    """One row per module (indented by depth): its own parameters (blue), buffers (orange,
    dashed when not saved in state_dict) and plain tensor attributes (grey, not moved by .to)."""
    rows = []
    for name, module in model.named_modules():
        depth = name.count(".") + (name != "")
        label = f"{name or '(model)'}: {type(module).__name__}"
        items = [
            (f"{n} {_shape(p)}", PARAMETER, "-") for n, p in module.named_parameters(recurse=False)
        ]
        saved = set(module.state_dict(keep_vars=True))
        items += [
            (f"{n} {_shape(b)}", BUFFER, "-" if n in saved else "--")
            for n, b in module.named_buffers(recurse=False)
        ]
        items += [  # registered tensors live in _parameters and _buffers, not in vars()
            (f"{n} {_shape(v)}", PLAIN, ":")
            for n, v in vars(module).items()
            if isinstance(v, torch.Tensor)
        ]
        rows.append((depth, label, items))
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 0.8))
    for row, (depth, label, items) in enumerate(rows):
        y = -row
        ax.text(depth * 0.6, y, label, va="center", fontsize=10, family="monospace")
        x = 4.2
        for text, color, style in items:
            width = 0.11 * len(text) + 0.3
            box(
                ax,
                x + width / 2,
                y,
                width,
                0.6,
                text,
                color,
                fontsize=8.5,
                alpha=0.45,
                rounding=0.1,
            )
            ax.patches[-1].set_linestyle(style)
            x += width + 0.15
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=c, alpha=0.45, edgecolor="k", linestyle=s)
        for c, s in ((PARAMETER, "-"), (BUFFER, "-"), (BUFFER, "--"), (PLAIN, ":"))
    ]
    labels = ["parameter", "buffer (saved)", "buffer (not saved)", "plain tensor attribute"]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False)
    ax.set_xlim(-0.2, 13)
    ax.set_ylim(-len(rows) + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_init(samples, title="nn.Linear's initial weights"):
    """Histograms ``{fan_in: weights}`` with the bound ±1/√fan_in dashed."""
    fig, axs = plt.subplots(1, len(samples), figsize=(3.2 * len(samples), 2.8), sharey=True)
    for ax, (fan_in, values) in zip(np.atleast_1d(axs), samples.items()):
        bound = fan_in**-0.5
        ax.hist(np.asarray(values).ravel(), bins=30, color=PARAMETER, alpha=0.8, density=True)
        for side in (-bound, bound):
            ax.axvline(side, color="k", linestyle="--", linewidth=1)
        ax.set_title(f"fan_in = {fan_in}: bound {bound:.3g}", fontsize=10)
        ax.set_xlabel("weight value")
        ax.spines[["top", "right"]].set_visible(False)
    np.atleast_1d(axs)[0].set_ylabel("density")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_rotary(pair_angles, scores, title="rotary position embedding"):
    """Left: one feature pair rotated by its angle at each position. Right: the score q·k
    between positions, for the same q and k at every position (it depends on m − n only)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    colors = plt.cm.viridis(np.linspace(0, 1, len(pair_angles)))
    for position, (angle, color) in enumerate(zip(pair_angles, colors)):
        left.annotate("", xy=(np.cos(angle), np.sin(angle)), xytext=(0, 0),
                      arrowprops=dict(arrowstyle="->", color=color, lw=1.6))  # fmt: skip
        left.text(1.12 * np.cos(angle), 1.12 * np.sin(angle), str(position), ha="center",
                  va="center", fontsize=8)  # fmt: skip
    left.set_xlim(-1.3, 1.3)
    left.set_ylim(-1.3, 1.3)
    left.set_aspect("equal")
    left.set_title("one pair (x₀, x₁) at positions 0, 1, 2, …", fontsize=10)
    left.set_xlabel("x₀")
    left.set_ylabel("x₁")
    image = right.imshow(np.asarray(scores), cmap="RdBu_r")
    right.set_title("q_m · k_n after rotation", fontsize=10)
    right.set_xlabel("key position n")
    right.set_ylabel("query position m")
    fig.colorbar(image, ax=right, shrink=0.8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_finite_differences(steps, errors, title="error of a central difference"):
    """Log-log curves ``{label: errors}`` against the step ε, with gradcheck's ε = 1e-6 marked."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for label, values in errors.items():
        ax.loglog(np.asarray(steps), np.asarray(values), marker="o", markersize=3, label=label)
    ax.axvline(1e-6, color="grey", linestyle="--", linewidth=1, label="gradcheck's ε")
    ax.set_title(title)
    ax.set_xlabel("step ε")
    ax.set_ylabel("|finite difference − true derivative|")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def rotary_scores(dim=8, length=12, base=10000.0, seed=0):
    """For the figure: the angle of the first feature pair at each position (θ₀ = 1 radian per
    position), and the scores q_m · k_n of one random query and key placed at every position
    and rotated there."""
    positions = torch.arange(length, dtype=torch.float64)[:, None]

    def rotate(x):  # x (d,) at every position → (length, d), pairs turned as complex numbers
        theta = base ** (-torch.arange(0, x.numel(), 2, dtype=torch.float64) / x.numel())
        pairs = torch.view_as_complex(x.reshape(-1, 2)) * torch.polar(
            torch.ones((), dtype=torch.float64), positions * theta
        )
        return torch.view_as_real(pairs).flatten(-2)

    q, k = torch.randn(2, dim, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    first = rotate(torch.tensor([1.0, 0.0], dtype=torch.float64))
    return torch.atan2(first[:, 1], first[:, 0]).numpy(), rotate(q) @ rotate(k).T


def format_summary(result):
    """A summary() result as a table: one row per module that ran, then the totals."""
    columns = ("name", "type", "calls", "output", "parameters", "buffers")
    cells = [columns] + [
        tuple(str(row[c]) if c != "name" else row[c] or "(model)" for c in columns)
        for row in result["rows"]
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)) for line in cells]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("-" * len(lines[0]))
    lines.append(
        f"{result['total']:,} parameters ({result['trainable']:,} trainable, "
        f"{result['frozen']:,} frozen), {result['buffers']:,} buffer values"
    )
    return "\n".join(lines)
