"""Figures and the explorer for chapter 3 (recurrent layers), drawn with matplotlib.

Each function draws one picture and returns its figure, so a lesson cell stays one line long:
``draw_unrolled(steps=4);``. ``lstm_trace`` recomputes an LSTM cell's gates and states step by
step, and ``lstm_explorer`` shows them one step at a time.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .drawing import WIRE
from .drawing import arrow as _arrow
from .drawing import axes as _ax
from .drawing import box as _box
from .drawing import node as _node

SHADE = "#3b75af"  # the recurrent cell and the sigmoid gates
SECOND = "#e08214"  # tanh: the candidate g and the squashed cell state
STATE = "#2d7f3e"  # the cell state line c
FLOOR = 1e-30  # the smallest value drawn on a log axis
GATES = ("i", "f", "g", "o")  # torch's order of the four chunks of weight_ih and weight_hh


def _finish(ax, title):
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)


def draw_unrolled(steps=4, ax=None):
    """A recurrent layer unrolled in time: one cell per step, all with the same weights.

    Each cell reads its input x_t from below and the previous hidden state from the left, and
    passes h_t both up (the output at step t) and right (into the next step). h_0 enters the first
    cell; h_n, the last hidden state, leaves the last one.
    """
    fig, ax = _ax(ax, (1.9 * steps + 1.6, 3.4))
    w, h, pitch = 1.2, 0.8, 2.2
    for t in range(steps):
        x = t * pitch
        _box(ax, x, 0, w, h, "cell", SHADE, fontsize=10)
        ax.text(x, -1.5, rf"$x_{{{t + 1}}}$", ha="center", va="center", fontsize=12)
        _arrow(ax, (x, -1.25), (x, -h / 2 - 0.03))
        _arrow(ax, (x, h / 2 + 0.03), (x, 1.25))
        ax.text(x, 1.5, rf"$h_{{{t + 1}}}$", ha="center", va="center", fontsize=12)
        if t + 1 < steps:
            _arrow(ax, (x + w / 2 + 0.03, 0), (x + pitch - w / 2 - 0.03, 0))
            ax.text(x + pitch / 2, 0.14, rf"$h_{{{t + 1}}}$", ha="center", fontsize=9, color=WIRE)
    ax.text(-w / 2 - 1.05, 0, r"$h_0$", ha="right", va="center", fontsize=12)
    _arrow(ax, (-w / 2 - 0.95, 0), (-w / 2 - 0.03, 0))
    last = (steps - 1) * pitch
    _arrow(ax, (last + w / 2 + 0.03, 0), (last + w / 2 + 0.95, 0))
    ax.text(last + w / 2 + 1.05, 0, r"$h_n$", ha="left", va="center", fontsize=12)
    _finish(
        ax, f"An RNN unrolled over {steps} step{'s' * (steps != 1)}: the same weights at every step"
    )
    ax.set_xlim(-w / 2 - 1.6, last + w / 2 + 1.6)
    ax.set_ylim(-1.9, 1.9)
    return fig


def draw_lstm_cell(ax=None):
    """The data flow of one LSTM step, with the four gates in torch's order i, f, g, o.

    Every gate reads the input x_t and the previous hidden state h_{t-1}. The cell state runs
    along the top: it is scaled by the forget gate f and gets the input gate's share i ⊙ g of the
    candidate added. The new hidden state is the output gate o times tanh of the new cell state.
    """
    new = ax is None
    fig, ax = _ax(ax, (8.5, 4.2))
    if new:
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    top, mid, row, bus = 6.6, 4.6, 2.4, 0.9  # heights: cell line, i ⊙ g, gate boxes, input bus
    gx = dict(i=2.4, f=4.7, g=8.4, o=11.2)  # gate box centres
    gw, gh = 2.0, 1.1
    names = dict(
        i=("input gate", r"$\sigma$", SHADE),
        f=("forget gate", r"$\sigma$", SHADE),
        g=("candidate", r"$\tanh$", SECOND),
        o=("output gate", r"$\sigma$", SHADE),
    )
    for k in GATES:
        label, fn, color = names[k]
        _box(ax, gx[k], row, gw, gh, f"${k}$  {fn}\n{label}", color, fontsize=9, alpha=0.45)
        _arrow(ax, (gx[k], bus), (gx[k], row - gh / 2 - 0.02))

    # inputs: h_{t-1} from the left and x_t from below join one bus that feeds every gate
    ax.text(0.7, bus, r"$h_{t-1}$", ha="right", va="center", fontsize=12)
    ax.plot([0.8, gx["o"]], [bus, bus], color=WIRE, lw=1.3, zorder=2)
    ax.text(1.6, -0.45, r"$x_t$", ha="center", va="center", fontsize=12)
    _arrow(ax, (1.6, -0.2), (1.6, bus), head=False)
    ax.plot([1.6], [bus], "o", color=WIRE, ms=4, zorder=3)

    # the cell state line: c_{t-1} → ⊙ f → + i ⊙ g → c_t
    ax.text(0.7, top, r"$c_{t-1}$", ha="right", va="center", fontsize=12, color=STATE)
    _arrow(ax, (0.8, top), (gx["f"] - 0.3, top), color=STATE, lw=2)
    _node(ax, gx["f"], top, r"$\odot$", color=STATE)
    _arrow(ax, (gx["f"] + 0.3, top), (gx["g"] - 0.3, top), color=STATE, lw=2)
    _node(ax, gx["g"], top, "+", color=STATE)
    _arrow(ax, (gx["g"] + 0.3, top), (14.6, top), color=STATE, lw=2)
    ax.text(14.7, top, r"$c_t$", ha="left", va="center", fontsize=12, color=STATE)
    _arrow(ax, (gx["f"], row + gh / 2 + 0.02), (gx["f"], top - 0.3), halo=True, zorder=2.5)

    # i ⊙ g joins the cell line; the wire from i runs under f's wire (the white gap)
    _node(ax, gx["g"], mid, r"$\odot$")
    _arrow(ax, (gx["g"], row + gh / 2 + 0.02), (gx["g"], mid - 0.3))
    ax.plot(
        [gx["i"], gx["i"], gx["g"] - 0.3],
        [row + gh / 2 + 0.02, mid, mid],
        color=WIRE,
        lw=1.3,
        zorder=1,
    )
    _arrow(ax, (gx["g"] - 0.6, mid), (gx["g"] - 0.3, mid))
    _arrow(ax, (gx["g"], mid + 0.3), (gx["g"], top - 0.3))
    ax.text(gx["g"] + 0.4, (mid + top) / 2, r"$i \odot g$", va="center", fontsize=9, color=WIRE)

    # the output: tanh(c_t) ⊙ o → h_t
    tx = 12.9
    ax.plot([tx], [top], "o", color=STATE, ms=4, zorder=3)
    _arrow(ax, (tx, top), (tx, mid + 0.25 + 0.02), color=STATE)
    _box(ax, tx, mid, 1.1, 0.5, r"$\tanh$", SECOND, fontsize=9, alpha=0.45)
    hy = row + 0.35
    _arrow(ax, (tx, mid - 0.25 - 0.02), (tx, hy + 0.3))
    _node(ax, tx, hy, r"$\odot$")
    ax.plot([gx["o"] + gw / 2, tx - 0.3], [hy, hy], color=WIRE, lw=1.3, zorder=2)
    _arrow(ax, (tx + 0.3, hy), (14.6, hy))
    ax.text(14.7, hy, r"$h_t$", ha="left", va="center", fontsize=12)

    ax.text(
        15.6,
        0.6,
        r"$c_t = f \odot c_{t-1} + i \odot g$" + "\n" + r"$h_t = o \odot \tanh(c_t)$",
        ha="right",
        va="center",
        fontsize=11,
        linespacing=1.8,
    )
    _finish(ax, "One LSTM step (torch's gate order i, f, g, o; ⊙ is the elementwise product)")
    ax.set_xlim(-0.6, 15.8)
    ax.set_ylim(-0.9, 7.2)
    return fig


def _values(v):
    """A 1-D float array from a list, numpy array or torch tensor."""
    if hasattr(v, "detach"):
        v = v.detach().cpu().numpy()
    return np.asarray(v, dtype=float).ravel()


def plot_gradient_norms(curves, title="", ax=None):
    """Gradient norms ‖∂h_T/∂x_t‖ against the distance d = T - t from the last step, one line per
    entry of ``curves`` (name → sequence indexed by d), on a log axis. Values below 1e-30 (zeros
    included) are drawn at 1e-30."""
    fig, ax = _ax(ax, (6.5, 3.8))
    for name, v in curves.items():
        v = np.clip(_values(v), FLOOR, None)
        ax.plot(np.arange(len(v)), v, marker="o", ms=4, lw=1.4, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("distance from the last step (steps)")
    ax.set_ylabel(r"$\|\partial h_T / \partial x_t\|$ (log scale)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="major", alpha=0.35)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_cost(lengths, times, ax=None):
    """Forward time against sequence length on log–log axes; ``times`` maps a name to one time in
    seconds per entry of ``lengths``."""
    fig, ax = _ax(ax, (6, 3.8))
    lengths = _values(lengths)
    for name, t in times.items():
        ax.plot(lengths, _values(t), marker="o", ms=4, lw=1.4, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sequence length")
    ax.set_ylabel("forward time (s)")
    ax.grid(True, which="major", alpha=0.35)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def lstm_trace(cell, sequence):
    """Run ``cell`` over ``sequence`` (L, I) from h_0 = c_0 = 0 with this module's own arithmetic
    and return the stacked gates and states {"i", "f", "g", "o", "c", "h"}, each (L, H).

    ``cell`` needs parameters ``weight_ih`` (4H, I) and ``weight_hh`` (4H, H); ``bias_ih`` and
    ``bias_hh`` (4H) are used when present. The four chunks of the gate vector are i, f, g, o.
    """
    import torch

    w_ih, w_hh = cell.weight_ih, cell.weight_hh
    b_ih, b_hh = getattr(cell, "bias_ih", None), getattr(cell, "bias_hh", None)
    hidden = w_hh.shape[1]
    with torch.no_grad():
        xs = torch.as_tensor(sequence).to(w_ih.dtype)
        h = torch.zeros(hidden, dtype=w_ih.dtype, device=w_ih.device)
        c = torch.zeros_like(h)
        out = {k: [] for k in (*GATES, "c", "h")}
        for x in xs.to(w_ih.device):
            gates = x @ w_ih.T + h @ w_hh.T
            if b_ih is not None:
                gates = gates + b_ih
            if b_hh is not None:
                gates = gates + b_hh
            i, f, g, o = gates.chunk(4)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            c = f * c + i * g
            h = o * c.tanh()
            for k, v in zip(out, (i, f, g, o, c, h)):
                out[k].append(v)
        return {k: torch.stack(v) for k, v in out.items()}


def lstm_explorer(cell, sequence):
    """A step slider over an LSTM cell run on ``sequence`` (L, I): each step shows the gates
    i, f, g, o and the states c_t, h_t as heatmap rows (one column per hidden unit) on a fixed
    -1..1 colour scale, and prints the mean forget gate and the largest |c_t|. Returns the
    ipywidgets ``interactive`` object (in a run without a browser it still draws once)."""
    import ipywidgets as widgets

    trace = {k: v.detach().cpu().numpy() for k, v in lstm_trace(cell, sequence).items()}
    steps, hidden = trace["h"].shape
    rows = [
        ("i  input gate", "i"),
        ("f  forget gate", "f"),
        ("g  candidate", "g"),
        ("o  output gate", "o"),
        (r"$c_t$  cell state", "c"),
        (r"$h_t$  hidden state", "h"),
    ]

    def show(t=1):
        values = np.stack([trace[k][t - 1] for _, k in rows])
        print(f"mean forget gate {values[1].mean():.2f}, |c_t| max {np.abs(values[4]).max():.2f}")
        fig, ax = plt.subplots(figsize=(float(np.clip(3 + 0.55 * hidden, 5.5, 12)), 3.4))
        image = ax.imshow(values, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        ax.set_yticks(range(len(rows)), [name for name, _ in rows])
        ax.set_xticks(range(hidden) if hidden <= 20 else [])
        ax.set_xlabel("hidden unit")
        if hidden <= 12:
            for r in range(len(rows)):
                for u in range(hidden):
                    v = values[r, u]
                    ax.text(
                        u,
                        r,
                        f"{v:.2f}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if abs(v) > 0.6 else "k",
                    )
        fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
        ax.set_title(f"step {t} of {steps}", fontsize=10)
        fig.tight_layout()
        plt.show()
        return fig

    return widgets.interactive(
        show,
        t=widgets.IntSlider(value=1, min=1, max=steps, description="step", continuous_update=False),
    )
