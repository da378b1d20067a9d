"""Figures for the lessons, drawn with matplotlib (nothing is fetched from the web).

Each function draws one kind of picture and returns the matplotlib figure, so that a lesson cell
stays one line long: ``draw_normalization_axes();``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba

SHADE = "#3b75af"  # the one colour that marks "one normalization group" / "original values"
FAINT = "#d9d9d9"


def _cube(ax, filled, colors, title):
    """Draw a voxel block with axes N (depth), C (across) and H·W (up); label its edges."""
    ax.voxels(filled, facecolors=colors, edgecolor=(0.3, 0.3, 0.3, 0.35), linewidth=0.3)
    n, c, hw = filled.shape
    ax.set_box_aspect((n, c, hw))
    ax.view_init(elev=22, azim=-58)
    ax.set_axis_off()
    ax.text(n / 2, -0.9, -0.6, "N", ha="center", fontsize=10)
    ax.text(n + 0.6, c / 2, -0.6, "C", ha="center", fontsize=10)
    ax.text(-0.6, 0, hw / 2, "H·W", ha="right", fontsize=10)
    ax.set_title(title, fontsize=11, pad=0)


def draw_normalization_axes(n=4, c=6, hw=4, groups=3):
    """Which entries share one mean and variance in BatchNorm, LayerNorm, InstanceNorm,
    GroupNorm and SwitchableNorm, shown on an N × C × (H·W) block of activations.

    Shaded cubes are one normalization group: every entry in it is normalised with the same
    statistics. SwitchableNorm mixes the IN, LN and BN statistics of the same entry.
    """
    faint = to_rgba(FAINT, 0.25)
    shade = to_rgba(SHADE, 0.9)
    per_group = c // groups
    sets = {
        "BatchNorm": lambda i, j: j == 0,
        "LayerNorm": lambda i, j: i == 0,
        "InstanceNorm": lambda i, j: i == 0 and j == 0,
        f"GroupNorm ({groups} groups)": lambda i, j: i == 0 and j < per_group,
    }
    fig = plt.figure(figsize=(15, 3.6))
    filled = np.ones((n, c, hw), dtype=bool)
    for k, (title, member) in enumerate(sets.items()):
        colors = np.empty((n, c, hw), dtype=object)
        for i in range(n):
            for j in range(c):
                colors[i, j, :] = [shade if member(i, j) else faint] * hw
        _cube(fig.add_subplot(1, 5, k + 1, projection="3d"), filled, colors, title)
    # SwitchableNorm: the three sets an entry (n=0, c=0) draws statistics from, in three colours
    mix = {"IN": "#7b3294", "LN only": "#3b75af", "BN only": "#e08214"}
    colors = np.empty((n, c, hw), dtype=object)
    for i in range(n):
        for j in range(c):
            key = (
                "IN" if i == 0 and j == 0 else "LN only" if i == 0 else "BN only" if j == 0 else ""
            )
            colors[i, j, :] = [to_rgba(mix[key], 0.9) if key else faint] * hw
    ax = fig.add_subplot(1, 5, 5, projection="3d")
    _cube(ax, filled, colors, "SwitchableNorm\n(weighted mix of IN, LN, BN)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=v) for v in mix.values()]
    ax.legend(
        handles,
        list(mix),
        loc="upper center",
        bbox_to_anchor=(0.5, 0.02),
        fontsize=8,
        frameon=False,
        ncol=3,
    )
    fig.suptitle("Which entries share one mean and variance (shaded = one group)", y=0.98)
    fig.subplots_adjust(left=0.02, right=1, bottom=0.08, top=0.85, wspace=0.05)
    return fig


def draw_grids(panels, title=None, fmt="{:g}"):
    """Draw small 2-D tensors as grids of numbers, side by side.

    ``panels`` is a list of ``(title, values, original)``: ``values`` a 2-D tensor or array,
    ``original`` a boolean array of the same shape marking entries copied from the input
    (shaded), or None to shade every entry.
    """
    widths = [np.asarray(values).shape[1] for _, values, _ in panels]
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(0.55 * sum(widths) + 1.2 * len(panels), 3.0),
        squeeze=False,
        gridspec_kw={"width_ratios": widths},
    )
    for ax, (name, values, original) in zip(axes[0], panels):
        values = np.asarray(values, dtype=float)
        original = np.ones(values.shape, bool) if original is None else np.asarray(original)
        ax.imshow(original.astype(float), cmap="Blues", vmin=-0.6, vmax=2.2)
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=9)
        for k in range(values.shape[0] + 1):
            ax.axhline(k - 0.5, color="white", linewidth=1.5)
        for k in range(values.shape[1] + 1):
            ax.axvline(k - 0.5, color="white", linewidth=1.5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=10)
        ax.set_xlabel(f"width ({values.shape[1]})")
        ax.set_ylabel(f"height ({values.shape[0]})")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def draw_masks(panels, xlabel, ylabel, title=None):
    """Show 2-D keep/drop masks (or any 0/1 maps) side by side: dark = kept, white = dropped.

    ``panels`` is a list of ``(title, mask)`` with masks of the same shape.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 2.8), squeeze=False)
    for ax, (name, mask) in zip(axes[0], panels):
        ax.imshow(np.asarray(mask, dtype=float), cmap="Greys", vmin=0, vmax=1.4, aspect="auto")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_lines(series, title, xlabel, ylabel, hlines=None, ax=None, logx=False):
    """Plot named curves ``{label: (x, y)}`` on one axis; ``hlines`` maps a label to a level."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for label, (x, y) in series.items():
        ax.plot(np.asarray(x), np.asarray(y), label=label, linewidth=1.6)
    for label, level in (hlines or {}).items():
        ax.axhline(level, color="grey", linestyle="--", linewidth=1, label=label)
    if logx:
        ax.set_xscale("log", base=2)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9)
    ax.figure.tight_layout()
    return ax.figure
