"""Figures and the explorer for chapter 2 (convolutions), drawn with matplotlib.

Each function draws one picture and returns its figure, so a lesson cell stays one line long:
``draw_sliding_kernel(i=5, k=3, s=2, p=1);``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

SHADE = "#3b75af"  # input cells a window reads
SECOND = "#e08214"  # the next window (shows the stride)
PADDING = "#eeeeee"
FAINT = "#d9d9d9"


def output_size(i, k, s=1, p=0, d=1):
    """The convolution output length: floor((i + 2p - d(k - 1) - 1) / s) + 1."""
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def _grid(ax, rows, cols, x0=0.0, y0=0.0, face="white", edge="#777777"):
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=face, edgecolor=edge))


def _cell(ax, r, c, x0, y0, color, alpha=0.85, **kw):
    ax.add_patch(
        Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=color, alpha=alpha, edgecolor="k", **kw)
    )


def _finish(ax, title):
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)


def draw_sliding_kernel(i=5, k=3, s=1, p=0, d=1, ax=None):
    """A k×k kernel on an i×i input with stride s, padding p, dilation d.

    Grey cells are padding; blue cells are the ones the first window reads, orange the ones the
    next window to the right reads (it starts s cells later). The output grid is drawn on the right
    with its first two cells marked the same way.
    """
    o = output_size(i, k, s, p, d)
    n = i + 2 * p
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7, 3.6))
    for r in range(n):
        for c in range(n):
            inside = p <= r < p + i and p <= c < p + i
            ax.add_patch(
                Rectangle(
                    (c, -r - 1), 1, 1, facecolor="white" if inside else PADDING, edgecolor="#999"
                )
            )
    windows = [(0, SHADE)] + ([(s, SECOND)] if o > 1 else [])
    for start, color in windows:
        for a in range(k):
            for b in range(k):
                _cell(ax, a * d, start + b * d, 0, 0, color, alpha=0.55)
    gap = n + 2
    if o > 0:
        _grid(ax, o, o, gap, 0)
        for c, (_, color) in enumerate(windows):
            _cell(ax, 0, c, gap, 0, color, alpha=0.55)
        ax.text(gap + o / 2, 0.4, f"output {o}×{o}", ha="center", fontsize=9)
    ax.text(n / 2, 0.4, f"input {i}×{i} + padding {p}", ha="center", fontsize=9)
    ax.annotate(
        "",
        xy=(gap - 0.3, -n / 2),
        xytext=(n + 0.3, -n / 2),
        arrowprops=dict(arrowstyle="->", color="#555"),
    )
    title = f"kernel {k}, stride {s}, padding {p}, dilation {d} → output size {o}"
    _finish(ax, title if o > 0 else title + " (empty: the kernel does not fit)")
    ax.set_xlim(-0.5, gap + max(o, 1) + 0.5)
    ax.set_ylim(-n - 0.5, 1.2)
    return fig


def draw_grouped_channels(in_channels=6, out_channels=6, groups=(1, 3, 6)):
    """Which input channels each output channel reads, for several ``groups`` settings, and the
    1×1 pointwise convolution that follows a depthwise one in a separable convolution."""
    panels = [(f"groups={g}", g) for g in groups] + [("pointwise 1×1 after depthwise", 1)]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4))
    colors = plt.cm.tab10(np.arange(10))
    for ax, (title, g) in zip(axes, panels):
        per_in, per_out = in_channels // g, out_channels // g
        for o in range(out_channels):
            grp = o // per_out
            for c in range(grp * per_in, (grp + 1) * per_in):
                ax.plot([0, 1], [-c, -o], color=colors[grp % 10], lw=1.2, alpha=0.8)
        ax.scatter(
            [0] * in_channels, -np.arange(in_channels), s=90, c="white", edgecolors="k", zorder=3
        )
        ax.scatter(
            [1] * out_channels, -np.arange(out_channels), s=90, c="white", edgecolors="k", zorder=3
        )
        ax.text(0, 0.8, "in", ha="center")
        ax.text(1, 0.8, "out", ha="center")
        links = out_channels * per_in
        ax.set_title(f"{title}\n{links} kernel slices", fontsize=10)
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylim(-max(in_channels, out_channels) + 0.4, 1.3)
        ax.set_axis_off()
    fig.suptitle("Channels each output reads (one colour = one group)", y=1.02)
    fig.tight_layout()
    return fig


def draw_zero_insertion(i=3, k=3, s=2, p=0, output_padding=0):
    """ConvTranspose2d as zero insertion + ordinary convolution: the i×i input gets s - 1 zeros
    between its cells and k - 1 - p zeros around it (plus ``output_padding`` at the bottom and
    right), then a stride-1 convolution with the flipped kernel slides over it."""
    inner = (i - 1) * s + 1
    edge = k - 1 - p
    n_r = inner + 2 * edge + output_padding
    o = (i - 1) * s - 2 * p + (k - 1) + output_padding + 1
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw=dict(width_ratios=[i, n_r, o]))
    _grid(axes[0], i, i, face=SHADE)
    _finish(axes[0], f"input {i}×{i}")
    ax = axes[1]
    for r in range(n_r):
        for c in range(n_r):
            rr, cc = r - edge, c - edge
            real = 0 <= rr < inner and 0 <= cc < inner and rr % s == 0 and cc % s == 0
            face = SHADE if real else ("white" if 0 <= rr < inner and 0 <= cc < inner else PADDING)
            ax.add_patch(Rectangle((c, -r - 1), 1, 1, facecolor=face, edgecolor="#999"))
    for a in range(k):
        for b in range(k):
            _cell(ax, a, b, 0, 0, SECOND, alpha=0.45)
    _finish(
        ax,
        f"zeros inserted (stride {s}) and padded by k-1-p = {edge}"
        + (f", +{output_padding} bottom/right" if output_padding else ""),
    )
    _grid(axes[2], o, o)
    _cell(axes[2], 0, 0, 0, 0, SECOND, alpha=0.45)
    _finish(axes[2], f"output {o}×{o}")
    fig.suptitle("Transposed convolution = zero insertion + convolution with the flipped kernel")
    fig.tight_layout()
    return fig


def draw_upsampling(x, results):
    """An input image and its upsampled versions side by side; ``results`` maps a title to a
    2-D tensor or array. All panels share one colour scale."""
    panels = [("input", x)] + list(results.items())
    values = [np.asarray(v, dtype=float) for _, v in panels]
    lo, hi = min(v.min() for v in values), max(v.max() for v in values)
    fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3.2))
    for ax, (title, _), v in zip(axes, panels, values):
        ax.imshow(v, cmap="viridis", vmin=lo, vmax=hi)
        ax.set_title(f"{title}\n{v.shape[0]}×{v.shape[1]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def draw_sample_positions(n_in=3, n_out=6):
    """Where each output pixel centre lands in input coordinates, for bilinear upsampling with
    align_corners False (pixel centres at half steps) and True (corner centres on each other)."""
    fig, ax = plt.subplots(figsize=(7, 2.4))
    ax.scatter(np.arange(n_in), [2] * n_in, s=160, c=SHADE, label="input pixel centres")
    dst = np.arange(n_out)
    false_src = np.clip((dst + 0.5) * n_in / n_out - 0.5, 0, None)
    true_src = dst * (n_in - 1) / (n_out - 1)
    ax.scatter(
        false_src,
        [1] * n_out,
        marker="x",
        c=SECOND,
        s=60,
        label="align_corners=False (clamped at 0)",
    )
    ax.scatter(true_src, [0] * n_out, marker="+", c="k", s=90, label="align_corners=True")
    ax.set_yticks([0, 1, 2], ["True", "False", "input"])
    ax.set_xlabel("position in input coordinates (pixel index)")
    ax.set_title(f"Sample positions of {n_out} output pixels in a row of {n_in} input pixels")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1), frameon=False)
    ax.set_ylim(-0.6, 2.6)
    fig.tight_layout()
    return fig


def draw_adaptive_windows(n_in=10, n_out=4):
    """The windows adaptive pooling uses along one axis: window j spans
    [floor(j·In/Out), ceil((j+1)·In/Out)); sizes vary and neighbours may overlap."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * n_out + 1.2))
    for j in range(n_out):
        start, end = (j * n_in) // n_out, -(-(j + 1) * n_in // n_out)
        ax.barh(j, end - start, left=start, color=plt.cm.tab10(j % 10), alpha=0.7, edgecolor="k")
        ax.text(end + 0.1, j, f"[{start}, {end})  size {end - start}", va="center", fontsize=8)
    ax.set_xlim(0, n_in + 3)
    ax.set_xticks(range(n_in + 1))
    ax.set_yticks(range(n_out), [f"window {j}" for j in range(n_out)])
    ax.invert_yaxis()
    ax.set_xlabel("input index")
    ax.set_title(f"Adaptive pooling windows, {n_in} inputs → {n_out} outputs")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def conv_explorer(i=7):
    """Sliders for kernel size, stride, padding and dilation; each change redraws the sliding
    kernel and prints the output size. Returns the ipywidgets ``interactive`` object (in a run
    without a browser it still draws once)."""
    import ipywidgets as widgets

    def show(i=i, k=3, s=1, p=0, d=1):
        o = output_size(i, k, s, p, d)
        print(f"o = floor(({i} + 2·{p} - {d}·({k} - 1) - 1) / {s}) + 1 = {o}")
        fig = draw_sliding_kernel(i, k, s, p, d)
        plt.show()
        return fig

    slider = dict(continuous_update=False)
    return widgets.interactive(
        show,
        i=widgets.IntSlider(value=i, min=3, max=10, description="input", **slider),
        k=widgets.IntSlider(value=3, min=1, max=5, description="kernel", **slider),
        s=widgets.IntSlider(value=1, min=1, max=4, description="stride", **slider),
        p=widgets.IntSlider(value=0, min=0, max=3, description="padding", **slider),
        d=widgets.IntSlider(value=1, min=1, max=3, description="dilation", **slider),
    )
