"""Drawing helpers for chapters 5-7 of the book.

These functions only draw. Every number they show is computed by the caller with
``solutions/``; no formula of the course is implemented here. Pages import them from the
installed package ``book_figures``::

    from book_figures.figures_b import attention_map, receptive_field, rnn_chain, all_pairs
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from .i18n import text

INPUT = "#dbe9f6"
OUTPUT = "#fcbba1"
STATE = "#c7e9c0"
GREY = "#bbbbbb"
HIGHLIGHT = "#d62728"


def attention_map(ax, M, title, cmap="Blues", vmin=0, vmax=1, annotate=False, fmt="{:.2f}", lang="en"):
    """An (N, N) matrix in the notes' layout: column i is query i (output bⁱ), row j is key j (input aʲ).

    ``lang`` is the language of the axis labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    M = np.asarray(M, dtype=float)
    N = M.shape[0]
    im = ax.imshow(M, cmap=cmap, vmin=vmin, vmax=vmax)
    labels = [str(n + 1) for n in range(N)]
    step = max(1, N // 8)
    ax.set_xticks(range(0, N, step), labels[::step])
    ax.set_yticks(range(0, N, step), labels[::step])
    ax.set_xlabel(text("query $i$ (output $b^i$)", lang))
    ax.set_ylabel(text("key $j$ (input $a^j$)", lang))
    ax.set_title(title)
    if annotate:
        for j in range(N):
            for i in range(N):
                value = M[j, i]
                colour = "white" if (value - vmin) > 0.6 * (vmax - vmin) else "black"
                ax.text(i, j, fmt.format(value), ha="center", va="center", fontsize=7, color=colour)
    return im


def _node(ax, x, y, text, fc, r=0.28, ec="#444444", lw=1.0, fontsize=10):
    ax.add_patch(Circle((x, y), r, fc=fc, ec=ec, lw=lw, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, start, end, color="#666666", lw=1.0, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, color=color, lw=lw,
                                 shrinkA=9, shrinkB=9, connectionstyle=f"arc3,rad={rad}", zorder=2))


def _frame(ax, N, title):
    ax.set_xlim(0.3, N + 0.7)
    ax.set_ylim(-0.6, 2.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


def receptive_field(ax, mask, i, title):
    """Inputs a¹…aᴺ below, outputs b¹…bᴺ above; arrows into bⁱ from every aʲ with ``mask[j, i]``."""
    mask = np.asarray(mask, dtype=bool)
    N = mask.shape[0]
    _frame(ax, N, title)
    for n in range(N):
        seen = mask[n, i]
        _node(ax, n + 1, 0, f"$a^{{{n + 1}}}$", INPUT if seen else "white", ec="#444444" if seen else GREY)
        _node(ax, n + 1, 2, f"$b^{{{n + 1}}}$", OUTPUT if n == i else "white", ec="#444444" if n == i else GREY)
        if seen:
            _arrow(ax, (n + 1, 0), (i + 1, 2), color=HIGHLIGHT if n != i else "#444444")


def rnn_chain(ax, N, title="RNN: a chain"):
    """aᵗ → hᵗ → hᵗ⁺¹: the only way from a¹ to hᴺ runs through every state in between."""
    _frame(ax, N, title)
    for t in range(N):
        _node(ax, t + 1, 0, f"$a^{{{t + 1}}}$", INPUT)
        _node(ax, t + 1, 2, f"$h^{{{t + 1}}}$", STATE)
        _arrow(ax, (t + 1, 0), (t + 1, 2), color=HIGHLIGHT if t == 0 else "#666666", lw=1.6 if t == 0 else 1.0)
        if t:
            _arrow(ax, (t, 2), (t + 1, 2), color=HIGHLIGHT, lw=1.6)


def all_pairs(ax, N, title="Self-attention: all pairs"):
    """Every output bⁱ is one step from every input aʲ; the path a¹ → bᴺ is highlighted."""
    _frame(ax, N, title)
    for j in range(N):
        _node(ax, j + 1, 0, f"$a^{{{j + 1}}}$", INPUT)
        _node(ax, j + 1, 2, f"$b^{{{j + 1}}}$", OUTPUT)
    for j in range(N):
        for i in range(N):
            if (j, i) != (0, N - 1):
                _arrow(ax, (j + 1, 0), (i + 1, 2), color="#aaaaaa", lw=0.6)
    _arrow(ax, (1, 0), (N, 2), color=HIGHLIGHT, lw=1.8)


def dependence_map(ax, D, title, lang="en"):
    """Which output depends on which input: ``D[j, i]`` True when bⁱ (or hⁱ) changes with aʲ.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    D = np.asarray(D, dtype=float)
    N = D.shape[0]
    ax.imshow(D, cmap="Greens", vmin=0, vmax=1.3)
    ax.set_xticks(range(N), [str(n + 1) for n in range(N)])
    ax.set_yticks(range(N), [str(n + 1) for n in range(N)])
    ax.set_xlabel(text("output $i$", lang))
    ax.set_ylabel(text("input $j$", lang))
    ax.set_title(title)
    for j in range(N):
        for i in range(N):
            ax.text(i, j, text("yes", lang) if D[j, i] else "·", ha="center", va="center", fontsize=7)


def show(fig):
    fig.tight_layout()
    plt.show()
