"""Drawing pieces the chapters' data-flow figures share: boxes, arrows and pointwise nodes."""

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyBboxPatch

WIRE = "#555555"


def axes(ax, figsize):
    """``ax`` and its figure, or a new figure of ``figsize`` when ``ax`` is None."""
    return (ax.figure, ax) if ax is not None else plt.subplots(figsize=figsize)


def box(ax, x, y, w, h, text, color, fontsize=10, alpha=0.9, rounding=0.15, **text_style):
    """A rounded box centred on (x, y) with ``text`` in the middle; ``edge_lw`` sets its rim."""
    edge = {"lw": text_style.pop("edge_lw")} if "edge_lw" in text_style else {}
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0.02,rounding_size={rounding}",
            facecolor=to_rgba(color, alpha),
            edgecolor="k",
            zorder=3,
            **edge,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4, **text_style)


def arrow(ax, start, end, color=WIRE, lw=1.3, head=True, zorder=2, halo=False, scale=12):
    """A straight arrow (or plain wire) from ``start`` to ``end``. A white ``halo`` lets a wire
    pass over another one with a visible gap."""
    effects = [pe.withStroke(linewidth=lw + 4, foreground="white")] if halo else None
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops=dict(
            arrowstyle="-|>" if head else "-",
            color=color,
            lw=lw,
            shrinkA=0,
            shrinkB=0,
            mutation_scale=scale,
            path_effects=effects,
        ),
        zorder=zorder,
    )


def node(ax, x, y, symbol, r=0.3, color=WIRE):
    """A small circle for a pointwise operation (⊙, + or ⊕)."""
    ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor=color, lw=1.3, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=12, zorder=4)
