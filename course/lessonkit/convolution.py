"""Figures and the explorer for chapter 2 (convolutions), drawn with matplotlib.

Each function draws one picture and returns its figure, so a lesson cell stays one line long:
``draw_sliding_kernel(i=5, k=3, s=2, p=1);``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, Rectangle

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


def _image(ax, values, title, cmap="gray", centred=False):
    """``values`` as an image with a colour bar; ``centred`` puts 0 in the middle of the scale."""
    v = np.asarray(values, dtype=float)
    top = max(np.abs(v).max(), 1e-12)
    scale = dict(vmin=-top, vmax=top) if centred else {}
    im = ax.imshow(v, cmap=cmap, **scale)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (column)")
    ax.set_ylabel("y (row)")
    return v


def draw_feature_maps(image, maps):
    """An input image (grey) and the feature maps a convolution makes of it; ``maps`` maps a
    title to a 2-D tensor or array. Feature maps use a red/blue scale centred on 0: red where the
    filter responds positively, blue negatively, white where it is silent."""
    fig, axes = plt.subplots(1, 1 + len(maps), figsize=(3.6 * (1 + len(maps)), 3.4))
    _image(axes[0], image, "input image")
    for ax, (title, values) in zip(axes[1:], maps.items()):
        _image(ax, values, title, cmap="RdBu_r", centred=True)
    fig.tight_layout()
    return fig


def draw_checkerboard(x, results, counts=None):
    """An input and its 2× upsampled versions, each panel on its own colour scale; ``results``
    maps a title to a 2-D tensor or array. ``counts`` (optional, 2-D) is how many kernel taps
    reach each output pixel of a transposed convolution; its top-left 6×6 corner is drawn with
    the numbers written in."""
    panels = [("input", x)] + list(results.items())
    extra = counts is not None
    fig, axes = plt.subplots(1, len(panels) + extra, figsize=(3.5 * (len(panels) + extra), 3.4))
    for ax, (title, values) in zip(axes, panels):
        _image(ax, values, f"{title}\n{np.shape(values)[0]}×{np.shape(values)[1]}", "viridis")
    if extra:
        ax = axes[-1]
        c = np.asarray(counts)[:6, :6]
        ax.imshow(c, cmap="Oranges", vmin=0, vmax=1.5 * c.max())
        for (r, col), n in np.ndenumerate(c):
            ax.text(col, r, f"{n:.3g}", ha="center", va="center", fontsize=9)
        ax.set_xticks(range(c.shape[1]))
        ax.set_yticks(range(c.shape[0]))
        ax.set_title("kernel taps reaching each output\n(top-left corner)", fontsize=9)
        ax.set_xlabel("x (column)")
        ax.set_ylabel("y (row)")
    fig.tight_layout()
    return fig


def _windows(n, k, s, p, ceil_mode):
    """Start (in padded coordinates) of each pooling window along one axis, torch's rule: with
    ceil_mode one more, partial window, unless it would start at or after input + left padding."""
    o = output_size(n, k, s, p)
    if ceil_mode and (n + 2 * p - k) % s and o * s < n + p:
        o += 1
    return [j * s for j in range(o)]


def draw_pooling_windows(x, kernel_size, stride=None, padding=0, ceil_mode=False, indices=None):
    """The windows of a 2-D max pool over a small map ``x`` (2-D), and its output.

    Each window has its own colour; grey cells are padding (−∞, so they never win); a circle
    marks the cell each window takes its maximum from: ``indices`` (``return_indices=True``,
    flat into H×W) when given, else the first maximum in scan order. Cells a ``ceil_mode``
    window reaches past the input are not drawn. The output grid on the right uses the same
    colours.
    """
    v = np.asarray(x, dtype=float)
    h, w = v.shape
    k, s, p = kernel_size, stride or kernel_size, padding
    rows, cols = _windows(h, k, s, p, ceil_mode), _windows(w, k, s, p, ceil_mode)
    colors = plt.cm.tab10(np.arange(10))
    fig, ax = plt.subplots(figsize=(0.6 * (w + 2 * p + len(cols)) + 2.2, 0.6 * (h + 2 * p) + 1.2))
    for r in range(h + 2 * p):
        for c in range(w + 2 * p):
            inside = p <= r < p + h and p <= c < p + w
            ax.add_patch(
                Rectangle((c, -r - 1), 1, 1, facecolor="white" if inside else PADDING, ec="#999")
            )
            label = f"{v[r - p, c - p]:.3g}" if inside else "−∞"
            ax.text(c + 0.5, -r - 0.5, label, ha="center", va="center", fontsize=9)
    flat = None if indices is None else np.asarray(indices).reshape(len(rows), len(cols))
    gap = w + 2 * p + 1.5
    for a, r0 in enumerate(rows):
        for b, c0 in enumerate(cols):
            color = colors[(a * len(cols) + b) % 10]
            r1, c1 = min(r0 + k, h + 2 * p), min(c0 + k, w + 2 * p)
            inset = 0.08 + 0.07 * ((a + b) % 2)
            ax.add_patch(
                Rectangle(
                    (c0 + inset, -r1 + inset),
                    c1 - c0 - 2 * inset,
                    r1 - r0 - 2 * inset,
                    facecolor=color,
                    alpha=0.25,
                    edgecolor=color,
                    lw=2.2,
                )
            )
            if flat is None:
                real = v[max(r0 - p, 0) : r1 - p, max(c0 - p, 0) : c1 - p]
                y, x_ = np.unravel_index(np.argmax(real), real.shape)
                y, x_ = y + max(r0 - p, 0), x_ + max(c0 - p, 0)
            else:
                y, x_ = divmod(int(flat[a, b]), w)
            ax.add_patch(Circle((x_ + p + 0.5, -y - p - 0.5), 0.36, fill=False, ec="k", lw=1.4))
            _cell(ax, a, b, gap, 0, color, alpha=0.35)
            ax.text(gap + b + 0.5, -a - 0.5, f"{v[y, x_]:.3g}", ha="center", va="center")
    ax.text((w + 2 * p) / 2, 0.3, f"input {h}×{w}, padding {p}", ha="center", fontsize=9)
    ax.text(gap + len(cols) / 2, 0.3, f"output {len(rows)}×{len(cols)}", ha="center", fontsize=9)
    title = f"MaxPool2d({k}, stride={s}, padding={p}, ceil_mode={ceil_mode})"
    _finish(ax, title + "\n○ = the cell each window takes its maximum from")
    ax.set_xlim(-0.2, gap + len(cols) + 0.2)
    ax.set_ylim(-(h + 2 * p) - 0.2, 0.9)
    return fig


def draw_im2col(x, cols, kernel_size, stride=1):
    """im2col: the windows of ``x`` (C×H×W, no padding) become the columns of ``cols``
    (C·k·k × L, what ``nn.Unfold`` returns for one sample). Window win and column win share a
    colour; rows are ordered channel first, then kernel row, then kernel column."""
    v, m = np.asarray(x, dtype=float), np.asarray(cols, dtype=float)
    n_c, h, w = v.shape
    k, s = kernel_size, stride
    out_w = output_size(w, k, s)
    n_rows, n_cols = m.shape
    colors = plt.cm.tab10(np.arange(10))
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(3.0 + 0.55 * n_cols + 1.6 * n_c, 0.45 * max(n_rows, h) + 1.8),
        gridspec_kw=dict(width_ratios=[n_c * (w + 1), n_cols + 4.5]),
    )
    for c in range(n_c):
        x0 = c * (w + 1)
        _grid(left, h, w, x0, 0)
        for r in range(h):
            for q in range(w):
                left.text(x0 + q + 0.5, -r - 0.5, f"{v[c, r, q]:.3g}", ha="center", va="center")
        left.text(x0 + w / 2, 0.3, f"channel {c}", ha="center", fontsize=9)
        for win in range(min(n_cols, 2)):
            r0, c0 = (win // out_w) * s, (win % out_w) * s
            inset = 0.06 + 0.08 * win
            left.add_patch(
                Rectangle(
                    (x0 + c0 + inset, -r0 - k + inset),
                    k - 2 * inset,
                    k - 2 * inset,
                    fill=False,
                    edgecolor=colors[win],
                    lw=2.5,
                )
            )
    _finish(left, f"input {n_c}×{h}×{w}\nwindows 0 and 1 of a {k}×{k} kernel, stride {s}")
    left.set_xlim(-0.2, n_c * (w + 1) - 0.8)
    left.set_ylim(-h - 0.2, 0.8)
    x0 = 4.5
    _grid(right, n_rows, n_cols, x0, 0)
    for win in range(min(n_cols, 2)):
        for r in range(n_rows):
            _cell(right, r, win, x0, 0, colors[win], alpha=0.3)
    for (r, win), value in np.ndenumerate(m):
        right.text(x0 + win + 0.5, -r - 0.5, f"{value:.3g}", ha="center", va="center", fontsize=9)
    for r in range(n_rows):
        c, rest = divmod(r, k * k)
        label = f"channel {c}, tap ({rest // k}, {rest % k})"
        right.text(x0 - 0.2, -r - 0.5, label, ha="right", va="center", fontsize=8)
    right.text(x0 - 0.2, 0.35, "window", ha="right", fontsize=8)
    for win in range(n_cols):
        right.text(x0 + win + 0.5, 0.35, str(win), ha="center", fontsize=8)
    _finish(right, f"columns {n_rows}×{n_cols}\n(C·k·k rows, one column per window)")
    right.set_xlim(-0.2, x0 + n_cols + 0.2)
    right.set_ylim(-n_rows - 0.2, 0.9)
    for ax in (left, right):
        ax.set_anchor("N")
    fig.tight_layout()
    return fig
