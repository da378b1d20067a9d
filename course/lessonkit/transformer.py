"""Figures and the explorer for chapter 4 (attention and the Transformer), drawn with matplotlib.

Each function draws one picture and returns its figure, so a lesson cell stays one line long:
``plot_attention(w, tokens, tokens);``. Matrices may be numpy arrays, nested lists or torch
tensors (they are detached and copied to the CPU). ``attention_explorer`` shows one query's
softmax weights under a temperature and a mask.
"""

import functools
import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, NullLocator

from .drawing import WIRE, arrow, box, node
from .drawing import axes as _ax

_box = functools.partial(box, fontsize=9, rounding=0.1, edge_lw=0.9, linespacing=1.25)
_arrow = functools.partial(arrow, scale=10)
_node = functools.partial(node, r=0.2)

SHADE = "#3b75af"  # attention: the weights, self- and cross-attention
SECOND = "#e08214"  # the feed-forward block
NORM = "#2d7f3e"  # LayerNorm
RESIDUAL = "#7b3294"  # the residual (skip) connections
FAINT = "#d9d9d9"  # dropout boxes, blocked keys
NAN = "#c8c8c8"  # cells whose weight is NaN
ANNOTATE_MAX = 100  # print the values in a heat map of at most this many cells


def _array(x):
    """A float numpy array from a list, numpy array or torch tensor."""
    if hasattr(x, "detach"):
        x = np.asarray(x.detach().cpu().double())
    return np.asarray(x, dtype=float)


def _matrix(x):
    """A 2-D float array; leading dimensions of size 1 (a batch of one) are dropped."""
    x = _array(x)
    while x.ndim > 2 and x.shape[0] == 1:
        x = x[0]
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {x.shape}")
    return x


# --- heat maps of attention weights -------------------------------------------------------------


def _ticks(axis, n, labels, every=20):
    """Tick labels from ``labels`` (strings) when given, else integer positions (each one when
    there are at most ``every``)."""
    if labels is not None:
        labels = [str(s) for s in labels]
        if len(labels) != n:
            raise ValueError(f"{len(labels)} labels for {n} rows or columns")
        axis.set_ticks(range(n), labels, fontsize=9 if n <= 20 else 7)
        return max((len(s) for s in labels), default=0)
    if n <= every:
        axis.set_ticks(range(n))
    else:
        axis.set_major_locator(MaxNLocator(integer=True))
    return 0


def _heat(ax, w, queries, keys, annotate, fontsize=8):
    """One heat map of an (L, S) weight matrix on the 0..1 scale; returns the image."""
    L, S = w.shape
    cmap = plt.get_cmap("Blues").with_extremes(bad=NAN)
    aspect = "equal" if 1 / 3 <= L / S <= 3 else "auto"
    image = ax.imshow(np.ma.masked_invalid(w), cmap=cmap, vmin=0, vmax=1, aspect=aspect)
    every = 20 if annotate else 10
    _ticks(ax.yaxis, L, queries, every)
    if _ticks(ax.xaxis, S, keys, every) > 2:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if annotate:
        for (i, j), v in np.ndenumerate(w):
            text = "nan" if np.isnan(v) else f"{v:.2f}"
            color = "white" if np.isfinite(v) and v > 0.6 else "k"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize, color=color)
    elif np.isnan(w).any():
        ax.legend(
            [Patch(facecolor=NAN)],
            ["nan"],
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=8,
            frameon=False,
            handlelength=1,
        )
    return image


def plot_attention(weights, queries=None, keys=None, title="attention weights", ax=None):
    """A heat map of an (L, S) attention weight matrix: row i is query i's weights over the S
    keys (each row sums to 1). ``queries`` and ``keys`` are optional token strings for the tick
    labels. Values are printed when there are at most 100 cells; NaN cells are grey."""
    w = _matrix(weights)
    L, S = w.shape
    fig, ax = _ax(
        ax, (float(np.clip(0.55 * S + 2.4, 4, 11)), float(np.clip(0.5 * L + 1.4, 2.8, 8)))
    )
    image = _heat(ax, w, queries, keys, w.size <= ANNOTATE_MAX)
    fig.colorbar(image, ax=ax, fraction=0.05, pad=0.03, label="weight")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_attention_grid(panels, queries=None, keys=None, title=None):
    """Several (L, S) weight matrices side by side on one 0..1 colour scale, one per entry of
    ``panels`` ({subtitle: matrix}): the heads of one layer, or one layer under different
    masks. ``queries`` and ``keys`` label the ticks of every panel."""
    mats = {name: _matrix(w) for name, w in panels.items()}
    if not mats:
        raise ValueError("no panels to draw")
    shapes = {w.shape for w in mats.values()}
    L = max(w.shape[0] for w in mats.values())
    S = max(w.shape[1] for w in mats.values())
    n = len(mats)
    annotate = L * S <= ANNOTATE_MAX
    width = float(np.clip(0.45 * S + 1.0, 2.4, 5.5)) if annotate else 3.4
    fig, axes = plt.subplots(
        1,
        n,
        figsize=(
            width * n + 1.2,
            float(np.clip(0.42 * L if annotate else 3 * L / S, 1.2, 5.4) + 1.6),
        ),
        squeeze=False,
        sharey=len(shapes) == 1,
        layout="constrained",
    )
    for k, (ax, (name, w)) in enumerate(zip(axes[0], mats.items())):
        image = _heat(ax, w, queries, keys, annotate, fontsize=7 if S > 6 else 8)
        ax.set_title(name, fontsize=10)
        if k and len(shapes) == 1:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
    fig.colorbar(image, ax=axes[0].tolist(), fraction=0.04 / n**0.5, pad=0.02, label="weight")
    if title:
        fig.suptitle(title)
    return fig


# --- the encoder and decoder layers as data flow ------------------------------------------------


# item kinds of a layer drawn as a column: (kind, text, torch attribute name)
_ATTN = ("attn", "self-attention", "self_attn")
_FFN = ("ffn", "feed-forward", "linear1 → activation\n→ dropout → linear2")
_SIZES = dict(  # box width and height in data units
    io=(0, 0.3),
    attn=(3.0, 0.5),
    cross=(3.0, 0.5),
    ffn=(3.0, 0.5),
    drop=(1.6, 0.32),
    norm=(1.9, 0.36),
    add=(0.4, 0.4),
)
_COLORS = dict(attn=SHADE, cross=SHADE, ffn=SECOND, drop=FAINT, norm=NORM)
_ALPHA = dict(attn=0.4, cross=0.25, ffn=0.4, drop=0.7, norm=0.3)
_HEIGHT = 10.0  # the height every column is spread over


def _layer(ax, items, skips, x=0.0):
    """Draw ``items`` (kind, text, attribute) as a column from the bottom up, with arrows between
    them. ``skips`` maps the index of a ⊕ to the index of the item whose incoming wire the
    residual branches off. Returns the centre height of every item."""
    heights = [_SIZES[kind][1] for kind, _, _ in items]
    gap = (_HEIGHT - sum(heights)) / (len(items) - 1)
    ys, y = [], 0.0
    for h in heights:
        ys.append(y + h / 2)
        y += h + gap
    skip_x = x + _SIZES["attn"][0] / 2 + 0.45
    for k, ((kind, text, attr), yc, h) in enumerate(zip(items, ys, heights)):
        if kind == "io":
            ax.text(x, yc, text, ha="center", va="center", fontsize=11)
        elif kind == "add":
            _node(ax, x, yc, "+", r=h / 2)
        else:
            w = _SIZES[kind][0]
            _box(ax, x, yc, w, h, text, _COLORS[kind], alpha=_ALPHA[kind])
            if attr:
                ax.text(
                    x - w / 2 - 0.12,
                    yc,
                    attr,
                    ha="right",
                    va="center",
                    fontsize=7.5,
                    color=WIRE,
                    family="monospace",
                )
        if k:
            _arrow(ax, (x, ys[k - 1] + heights[k - 1] / 2 + 0.02), (x, yc - h / 2 - 0.02))
    for add, source in skips.items():
        yb = (ys[source - 1] + heights[source - 1] / 2 + ys[source] - heights[source] / 2) / 2
        ax.plot([x], [yb], "o", color=RESIDUAL, ms=4, zorder=3)
        ax.plot([x, skip_x, skip_x], [yb, yb, ys[add]], color=RESIDUAL, lw=1.3, zorder=1)
        _arrow(ax, (skip_x, ys[add]), (x + heights[add] / 2 + 0.02, ys[add]), color=RESIDUAL)
    return ys


def draw_transformer_layers():
    """The data flow of torch's TransformerEncoderLayer (post-norm and pre-norm) and of its
    TransformerDecoderLayer (post-norm), from the input at the bottom to the output at the top.

    Each sublayer (attention or feed-forward) is followed by dropout and a residual addition ⊕
    of the sublayer's input (the purple skip). Post-norm applies LayerNorm after each ⊕;
    pre-norm applies it to the sublayer's input instead, so the residual path carries x itself
    and the layer ends without a LayerNorm. The grey names are torch's attribute names.
    """

    def drop(n):
        return ("drop", "dropout", f"dropout{n}")

    def norm(n):
        return ("norm", "LayerNorm", f"norm{n}")

    add = ("add", "", "")
    out = ("io", "output", "")
    post = [("io", "src", ""), _ATTN, drop(1), add, norm(1), _FFN, drop(2), add, norm(2), out]
    pre = [("io", "src", ""), norm(1), _ATTN, drop(1), add, norm(2), _FFN, drop(2), add, out]
    decoder = [
        ("io", "tgt", ""),
        ("attn", "masked self-attention", "self_attn"),
        drop(1),
        add,
        norm(1),
        ("cross", "cross-attention (memory)", ""),
        drop(2),
        add,
        norm(2),
        _FFN,
        drop(3),
        add,
        norm(3),
        out,
    ]
    fig, axes = plt.subplots(1, 3, figsize=(13, 7.2))
    fig.subplots_adjust(left=0.0, right=1.0, bottom=0.01, top=0.89, wspace=0.0)
    panels = [
        ("encoder layer, post-norm (norm_first=False)", post, {3: 1, 7: 5}),
        ("encoder layer, pre-norm (norm_first=True)", pre, {4: 1, 8: 5}),
        ("decoder layer, post-norm", decoder, {3: 1, 7: 5, 11: 9}),
    ]
    for ax, (name, items, skips) in zip(axes, panels):
        ys = _layer(ax, items, skips)
        if items is pre:
            ax.text(
                0.12,
                (ys[-2] + ys[-1]) / 2 + 0.05,
                "no LayerNorm at the end",
                ha="left",
                va="center",
                fontsize=7.5,
                color=WIRE,
            )
        if items is decoder:
            yc, w = ys[5], _SIZES["cross"][0]
            _arrow(ax, (-w / 2 - 1.75, yc), (-w / 2 - 0.03, yc), color=SHADE)
            ax.text(-w / 2 - 1.83, yc, "memory", ha="right", va="center", fontsize=10)
            for dy, text, va in (
                (0.04, "multihead_attn", "bottom"),
                (-0.04, "keys, values", "top"),
            ):
                ax.text(
                    -w / 2 - 0.12,
                    yc + dy,
                    text,
                    ha="right",
                    va=va,
                    fontsize=7.5,
                    color=WIRE,
                    family="monospace",
                )
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(name, fontsize=10)
        ax.set_xlim(-4.2, 2.4)
        ax.set_ylim(-0.15, _HEIGHT + 0.1)
    fig.suptitle(
        "Transformer layers in torch (bottom to top; ⊕ adds the residual, the purple skip)",
        fontsize=11,
    )
    return fig


# --- cost and scaling curves --------------------------------------------------------------------


def plot_cost(lengths, series, ylabel, title, ax=None):
    """Measured costs against sequence length on log–log axes, one line per entry of ``series``
    ({label: one value per entry of ``lengths``}), with dashed reference slopes ∝ n² and ∝ n
    through the first point of the first series."""
    fig, ax = _ax(ax, (6.2, 3.9))
    n = _array(lengths).ravel()
    first = None
    for label, values in series.items():
        v = _array(values).ravel()
        ax.plot(n, v, marker="o", ms=4, lw=1.5, label=label)
        first = v if first is None else first
    if first is not None:
        ref = np.geomspace(n[0], n[-1], 50)
        ax.plot(ref, first[0] * (ref / n[0]) ** 2, "--", color="grey", lw=1, label="∝ n²")
        ax.plot(ref, first[0] * (ref / n[0]), ":", color="grey", lw=1.2, label="∝ n")
    ax.set_xscale("log")
    ax.set_yscale("log")
    if len(n) <= 10:
        ax.set_xticks(n, [f"{v:g}" for v in n])
        ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("sequence length n")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.35)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=9, frameon=False)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_scaling(dims, series, ylabel, title, ax=None):
    """Curves against the key dimension d_k on a log₂ axis with a tick at every entry of
    ``dims``; ``series`` is {label: one value per entry of ``dims``} (for example with and
    without the 1/√d_k scaling)."""
    fig, ax = _ax(ax, (6, 3.6))
    d = _array(dims).ravel()
    for label, values in series.items():
        ax.plot(d, _array(values).ravel(), marker="o", ms=4, lw=1.5, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(d, [f"{v:g}" for v in d])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(r"key dimension $d_k$")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.35)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=9, frameon=False)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_positional_encoding(pe, title="sinusoidal positional encoding"):
    """A (positions, d_model) positional encoding: the whole matrix as a heat map (left) and a
    few of its dimensions as curves against the position (right). Low dimensions oscillate
    fast, high ones slowly."""
    m = _matrix(pe)
    positions, d_model = m.shape
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 3.9), gridspec_kw={"width_ratios": [1.15, 1]}
    )
    image = left.imshow(m, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    left.set_xlabel("dimension")
    left.set_ylabel("position")
    left.set_title("the whole matrix", fontsize=10)
    fig.colorbar(image, ax=left, fraction=0.05, pad=0.02)
    dims = [k for k in (0, 1, 4, 5) if k < d_model]
    if d_model > 6:
        dims.append(d_model - 2)
    for k in dims:
        right.plot(np.arange(positions), m[:, k], lw=1.4, label=f"dim {k}")
    right.set_xlabel("position")
    right.set_ylabel("value")
    right.set_title("a few dimensions", fontsize=10)
    right.set_ylim(-1.1, 1.1)
    right.grid(True, alpha=0.35)
    right.spines[["top", "right"]].set_visible(False)
    right.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


# --- the explorer -------------------------------------------------------------------------------


MASKS = ("none", "causal", "padding (last 2 keys)")


def _blocked(mask, i, S):
    """Which of the S keys query ``i`` may not attend to under ``mask`` (one of ``MASKS``)."""
    keys = np.arange(S)
    if mask == "causal":
        return keys > i
    if mask == "padding (last 2 keys)":
        return keys >= S - 2
    return np.zeros(S, dtype=bool)


def attention_explorer(query, key, value=None, tokens=None):
    """Sliders over one head's attention: ``query`` (L, d) and ``key`` (S, d), no batch.

    Pick a query row, a temperature T (scores q·k / (T·√d)) and a mask (none, causal: key j > i
    blocked, or padding: the last two keys blocked); it draws that row's softmax weights over the
    keys and prints the largest one. ``tokens`` labels the keys (and names the query when there
    are L of them). With ``value`` (S, d_v) it also prints the output row, the weighted mean of
    the value rows. Returns the ipywidgets ``interactive`` object (in a run without a browser it
    still draws once).
    """
    import ipywidgets as widgets

    q, k = _matrix(query), _matrix(key)
    v = None if value is None else _matrix(value)
    L, d = q.shape
    S = k.shape[0]
    if k.shape[1] != d:
        raise ValueError(f"query has {d} features per row but key has {k.shape[1]}")
    if v is not None and v.shape[0] != S:
        raise ValueError(f"{v.shape[0]} value rows for {S} keys")
    tokens = None if tokens is None else [str(t) for t in tokens]
    key_names = tokens if tokens is not None and len(tokens) == S else None
    query_names = tokens if tokens is not None and len(tokens) == L else None
    raw = q @ k.T / math.sqrt(d)

    def name(names, j):
        return f" ({names[j]!r})" if names is not None else ""

    def show(i=0, temperature=1.0, mask="none"):
        blocked = _blocked(mask, i, S)
        label = f"query {i}{name(query_names, i)}, T = {temperature:.2g}, mask: {mask}"
        width = float(np.clip(0.55 * S + 2.2, 5, 12))
        if blocked.all():
            print(
                "every key of this row is blocked: torch's softmax of an all −inf row is "
                "0/0, so the whole row of weights is NaN"
            )
            fig, ax = plt.subplots(figsize=(width, 0.9))
            ax.set_axis_off()
            ax.set_title(f"{label}\nevery key is blocked: the weights are NaN", fontsize=10)
            fig.tight_layout()
            plt.show()
            return fig
        fig, ax = plt.subplots(figsize=(width, 3.3))
        scores = raw[i] / temperature
        e = np.where(blocked, 0.0, np.exp(scores - scores[~blocked].max()))
        p = e / e.sum()
        entropy = -np.sum(p[p > 0] * np.log(p[p > 0]))
        top = int(np.argmax(p))
        print(f"largest weight {p[top]:.3f} on key {top}{name(key_names, top)}")
        if v is not None:
            print("output row = weights @ value:", np.array2string(p @ v, precision=3))
        x = np.arange(S)
        ax.bar(x[~blocked], p[~blocked], color=SHADE, width=0.7, label="weight")
        if blocked.any():
            ax.bar(
                x[blocked],
                np.ones(blocked.sum()),
                width=0.7,
                color="none",
                edgecolor=FAINT,
                hatch="///",
                label="blocked (weight 0)",
            )
            ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        if S <= 16:
            for j in x[~blocked]:
                inside = p[j] > 0.2
                ax.text(
                    j,
                    p[j] - 0.02 if inside else p[j] + 0.02,
                    f"{p[j]:.2f}",
                    ha="center",
                    va="top" if inside else "bottom",
                    fontsize=8,
                    color="white" if inside else "k",
                )
        _ticks(ax.xaxis, S, key_names)
        if key_names is not None and max(len(s) for s in key_names) > 2:
            plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")
        ax.set_xlim(-0.6, S - 0.4)
        ax.set_ylim(0, 1)
        ax.set_xlabel("key")
        ax.set_ylabel("softmax weight")
        ax.spines[["top", "right"]].set_visible(False)
        n = int((~blocked).sum())
        ax.set_title(
            f"{label}\nentropy {entropy:.2f} nats (uniform over {n} keys: {math.log(n):.2f})",
            fontsize=10,
        )
        fig.tight_layout()
        plt.show()
        return fig

    return widgets.interactive(
        show,
        i=widgets.IntSlider(
            value=0, min=0, max=L - 1, description="query", continuous_update=False
        ),
        temperature=widgets.FloatLogSlider(
            value=1.0,
            base=10,
            min=-1,
            max=1,
            step=0.05,
            description="temperature",
            continuous_update=False,
        ),
        mask=widgets.Dropdown(options=list(MASKS), value="none", description="mask"),
    )
