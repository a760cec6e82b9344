"""Drawing helpers for the notation page and chapters 1-4 of the book.

These functions only draw (and, for the cost figure, measure). Every number they
show is computed by the caller with ``solutions/``; no formula of the course is
implemented here. Pages import them from the installed package ``book_figures``::

    from book_figures.figures_a import heatmap, b1_diagram
"""

import time
import tracemalloc

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from .i18n import text

#: Colours used for the same roles on every page.
COLOURS = {
    "a": "#dbe9f6",   # inputs
    "q": "#f9d5a7",   # queries
    "k": "#c7e9c0",   # keys
    "v": "#d9c8ea",   # values
    "alpha": "#fff2ae",
    "b": "#fcbba1",   # outputs
    "op": "#eeeeee",
}


# --------------------------------------------------------------------------- basics

def box(ax, x, y, text, w=0.9, h=0.55, fc="#eeeeee", fontsize=11, ec="#444444"):
    """A rounded box centred on (x, y) with ``text`` inside."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                fc=fc, ec=ec, lw=1.0, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def node(ax, x, y, text, r=0.32, fc="#eeeeee", fontsize=10):
    """A circle centred on (x, y) with ``text`` inside."""
    ax.add_patch(Circle((x, y), r, fc=fc, ec="#444444", lw=1.0, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def arrow(ax, start, end, color="#555555", lw=1.1, style="-|>", shrink=0.0, ls="-"):
    """An arrow from ``start`` to ``end`` (data coordinates)."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11, color=color, lw=lw,
                                 shrinkA=shrink, shrinkB=shrink, linestyle=ls, zorder=1))


def blank(ax, xlim, ylim):
    """Turn ``ax`` into an empty canvas with equal aspect."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def heatmap(ax, M, row_labels=None, col_labels=None, title=None, cmap="Blues", vmin=None, vmax=None,
            annotate=True, fmt="{:.2f}", fontsize=9, colorbar=False):
    """Draw matrix ``M`` as an annotated heatmap on ``ax``; return the image."""
    M = np.asarray(M, dtype=float)
    im = ax.imshow(M, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    if row_labels is not None:
        ax.set_yticks(range(M.shape[0]), row_labels)
    else:
        ax.set_yticks([])
    if col_labels is not None:
        ax.set_xticks(range(M.shape[1]), col_labels)
    else:
        ax.set_xticks([])
    ax.tick_params(length=0)
    if title:
        ax.set_title(title, fontsize=11)
    if annotate:
        for (r, c), value in np.ndenumerate(M):
            red, green, blue, _ = im.cmap(im.norm(value))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            ax.text(c, r, fmt.format(value), ha="center", va="center", fontsize=fontsize,
                    color="white" if dark else "black")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return im


def labels(symbol, n, start=1):
    """``['$a^1$', '$a^2$', ...]`` for ``symbol='a'``."""
    return [f"${symbol}^{{{i}}}$" for i in range(start, start + n)]


# --------------------------------------------------------------------------- chapter 1

def speech_frames(signal, rate, window, hop, features, lang="en"):
    """A waveform cut into overlapping frames, beside the (d, N) matrix of frame vectors.

    ``features`` is the (d, N) array of one vector per frame, already computed; ``lang`` is
    the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.2), gridspec_kw={"width_ratios": [1.5, 1]})
    t = np.arange(len(signal)) / rate * 1000
    ax0.plot(t, signal, lw=0.6, color="#333333")
    n_frames = features.shape[1]
    for n in range(min(n_frames, 4)):
        start = n * hop / rate * 1000
        ax0.add_patch(Rectangle((start, -1.15 + 0.12 * n), window / rate * 1000, 2.3 - 0.24 * n,
                                fill=False, ec=f"C{n}", lw=1.5))
        ax0.text(start + window / rate * 1000 + 2, 1.2 + 0.22 * n, text("frame {n}", lang, n=n + 1), color=f"C{n}", fontsize=8)
    ax0.set_xlabel(text("time (ms)", lang))
    ax0.set_ylim(-1.3, 2.1)
    ax0.set_yticks([])
    ax0.set_title(text("{window:.0f} ms windows, moved {hop:.0f} ms at a time", lang,
                       window=window / rate * 1000, hop=hop / rate * 1000), fontsize=11)
    im = ax1.imshow(features, aspect="auto", cmap="magma", origin="lower")
    ax1.set_xlabel(text("frame n (one column = one vector)", lang))
    ax1.set_ylabel(text("feature (band energy)", lang))
    ax1.set_title(f"I: {features.shape[0]} x {n_frames}", fontsize=11)
    fig.colorbar(im, ax=ax1, fraction=0.046)
    fig.tight_layout()
    return fig


def graph(ax, xy, edges, names, vectors, title, node_colour="#dbe9f6"):
    """A graph drawn as nodes and edges, with each node's vector printed beside it."""
    xy = np.asarray(xy, dtype=float)
    for i, j in edges:
        ax.plot(*xy[[i, j]].T, color="#777777", lw=1.4, zorder=1)
    for n, (x, y) in enumerate(xy):
        node(ax, x, y, names[n], r=0.28, fc=node_colour, fontsize=9)
        vec = "[" + " ".join(f"{v:g}" for v in vectors[n]) + "]"
        ax.text(x, y - 0.4, vec, ha="center", va="top", fontsize=8, family="monospace", color="#333333")
    pad = 0.8
    blank(ax, (xy[:, 0].min() - pad, xy[:, 0].max() + pad), (xy[:, 1].min() - pad - 0.2, xy[:, 1].max() + pad))
    ax.set_title(title, fontsize=11)


def output_kinds(lang="en"):
    """The three kinds of output: one label per vector, one per sequence, the model decides.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.0))
    titles = [text(title, lang) for title in ("each vector has a label\n(N in, N out)",
                                              "the whole sequence has a label\n(N in, 1 out)",
                                              "the model decides how many\n(N in, N' out: seq2seq)")]
    outputs = [4, 1, 3]
    for ax, title, n_out in zip(axes, titles, outputs):
        blank(ax, (-0.2, 4.2), (-0.6, 3.1))
        xs = [0.5 + i for i in range(4)]
        for i, x in enumerate(xs):
            box(ax, x, 0, f"$a^{i + 1}$", w=0.7, h=0.5, fc=COLOURS["a"])
            arrow(ax, (x, 0.28), (x, 0.95))
        ax.add_patch(FancyBboxPatch((0.1, 1.0), 3.8, 0.6, boxstyle="round,pad=0.02", fc=COLOURS["op"], ec="#444444"))
        ax.text(2.0, 1.3, text("model", lang), ha="center", va="center", fontsize=11)
        outs = np.linspace(0.5, 3.5, n_out) if n_out > 1 else [2.0]
        for n, x in enumerate(outs):
            arrow(ax, (x, 1.62), (x, 2.25))
            box(ax, x, 2.5, text("label", lang) if n_out != 3 else f"$y^{n + 1}$", w=0.85, h=0.45, fc=COLOURS["b"], fontsize=9)
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- chapter 2

def all_to_all(N=4, highlight=0, lang="en"):
    """a¹…aᴺ in, b¹…bᴺ out: every output is connected to every input.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    blank(ax, (-0.6, N + 0.1), (-0.6, 3.5))
    xs = [0.2 + 1.1 * n for n in range(N)]
    ax.add_patch(FancyBboxPatch((-0.3, 1.2), xs[-1] - xs[0] + 1.0, 0.8, boxstyle="round,pad=0.02",
                                fc=COLOURS["op"], ec="#444444", zorder=2))
    ax.text(xs[-1] + 0.3, 1.6, text("self-attention", lang), ha="right", va="center", fontsize=12, zorder=5,
            bbox=dict(fc=COLOURS["op"], ec="none", pad=1))
    for n, x in enumerate(xs):
        box(ax, x, 0, f"$a^{{{n + 1}}}$", w=0.7, h=0.5, fc=COLOURS["a"])
        box(ax, x, 3.0, f"$b^{{{n + 1}}}$", w=0.7, h=0.5, fc=COLOURS["b"])
        arrow(ax, (x, 0.27), (x, 1.17))
        arrow(ax, (x, 2.03), (x, 2.73))
    for n, x in enumerate(xs):
        ax.plot([x, xs[highlight]], [1.25, 1.95], color="#e6550d", lw=1.4, zorder=4)
    ax.text(xs[-1] + 0.5, 2.4, text("$b^{{{n}}}$ depends on\nevery $a^j$", lang, n=highlight + 1), color="#e6550d",
            fontsize=10, va="center")
    return fig


def score_methods(lang="en"):
    """Two ways to score how relevant two vectors are: dot product and additive.

    ``lang`` is the language of the titles (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    for ax, kind in zip(axes, ["dot", "additive"]):
        blank(ax, (-0.3, 4.3), (-0.5, 5.6))
        box(ax, 1, 0, "$a^1$", fc=COLOURS["a"])
        box(ax, 3, 0, "$a^j$", fc=COLOURS["a"])
        box(ax, 1, 1.3, "$W^q$", w=0.8, fc="white")
        box(ax, 3, 1.3, "$W^k$", w=0.8, fc="white")
        box(ax, 1, 2.5, "$q^1$", fc=COLOURS["q"])
        box(ax, 3, 2.5, "$k^j$", fc=COLOURS["k"])
        for x in (1, 3):
            arrow(ax, (x, 0.3), (x, 1.02))
            arrow(ax, (x, 1.58), (x, 2.22))
        if kind == "dot":
            node(ax, 2, 3.7, r"$\cdot$", fc=COLOURS["op"], fontsize=18)
            arrow(ax, (1.2, 2.8), (1.78, 3.5))
            arrow(ax, (2.8, 2.8), (2.22, 3.5))
            node(ax, 2, 4.9, r"$\alpha_{1,j}$", r=0.4, fc=COLOURS["alpha"])
            arrow(ax, (2, 4.02), (2, 4.5))
            ax.set_title(text(r"dot product: $\alpha_{1,j} = q^1 \cdot k^j$", lang), fontsize=11)
        else:
            node(ax, 2, 3.45, "$+$", fc=COLOURS["op"], fontsize=14)
            arrow(ax, (1.2, 2.8), (1.78, 3.25))
            arrow(ax, (2.8, 2.8), (2.22, 3.25))
            box(ax, 2, 4.2, "tanh", w=0.8, h=0.42, fc="white", fontsize=10)
            box(ax, 3.4, 4.2, "$w$", w=0.5, h=0.42, fc="white", fontsize=10)
            node(ax, 2, 5.1, r"$\alpha_{1,j}$", r=0.4, fc=COLOURS["alpha"])
            arrow(ax, (2, 3.77), (2, 3.99))
            arrow(ax, (2, 4.41), (2, 4.7))
            arrow(ax, (3.15, 4.3), (2.35, 4.95))
            ax.set_title(text(r"additive: $\alpha_{1,j} = w \cdot \tanh(q^1 + k^j)$", lang), fontsize=11)
    fig.tight_layout()
    return fig


def b1_diagram(alpha, alpha_prime, V, b, query=0):
    """How b¹ is computed: q¹ meets every kʲ, softmax, then the weighted sum of the vʲ.

    All numbers are given by the caller (computed with ``solutions``).
    """
    N = len(alpha)
    i = query + 1
    gap = 1.35
    ys = [gap * (N - 1 - j) for j in range(N)]
    fig, ax = plt.subplots(figsize=(9.5, 1.0 + 1.1 * N))
    top = ys[0] + 1.6
    blank(ax, (-0.7, 13.8), (-0.9, top + 0.5))
    box(ax, 3.3, top, f"$q^{i} = W^q a^{i}$", w=1.9, h=0.55, fc=COLOURS["q"], fontsize=12)
    ax.plot([3.3, 3.3], [top - 0.28, ys[-1]], color="#e08a1e", lw=1.6, zorder=0)
    x_soft = 5.2
    ax.add_patch(FancyBboxPatch((x_soft - 0.45, ys[-1] - 0.35), 0.9, ys[0] - ys[-1] + 0.7,
                                boxstyle="round,pad=0.02", fc=COLOURS["op"], ec="#444444", zorder=2))
    ax.text(x_soft, (ys[0] + ys[-1]) / 2, "softmax", rotation=90, ha="center", va="center", fontsize=13, zorder=3)
    y_mid = (ys[0] + ys[-1]) / 2
    for j, y in enumerate(ys):
        box(ax, 0, y, f"$a^{j + 1}$", w=0.7, fc=COLOURS["a"], fontsize=12)
        box(ax, 1.6, y, f"$k^{j + 1}$", w=0.7, fc=COLOURS["k"], fontsize=12)
        arrow(ax, (0.37, y), (1.24, y))
        node(ax, 3.3, y, f"{alpha[j]:.2f}", r=0.4, fc=COLOURS["alpha"], fontsize=11)
        ax.text(3.75, y - 0.3, rf"$\alpha_{{{i},{j + 1}}}$", ha="left", va="top", fontsize=11)
        arrow(ax, (1.96, y), (2.88, y))
        arrow(ax, (3.72, y), (x_soft - 0.47, y))
        node(ax, 6.8, y, f"{alpha_prime[j]:.2f}", r=0.4, fc=COLOURS["alpha"], fontsize=11)
        ax.text(6.35, y - 0.3, rf"$\alpha'_{{{i},{j + 1}}}$", ha="right", va="top", fontsize=11)
        arrow(ax, (x_soft + 0.47, y), (6.38, y))
        node(ax, 8.1, y, r"$\times$", r=0.25, fc=COLOURS["op"], fontsize=11)
        arrow(ax, (7.22, y), (7.83, y))
        vec = ", ".join(f"{v:.1f}" for v in V[:, j])
        box(ax, 8.7, y + 0.62, f"$v^{j + 1}$ = [{vec}]", w=2.4, h=0.38, fc=COLOURS["v"], fontsize=10)
        arrow(ax, (8.1, y + 0.43), (8.1, y + 0.27))
        arrow(ax, (8.36, y), (10.52, y_mid + 0.1 * (y - y_mid)))
    node(ax, 10.8, y_mid, r"$\Sigma$", r=0.3, fc=COLOURS["op"], fontsize=12)
    vec = ", ".join(f"{v:.2f}" for v in b)
    box(ax, 12.5, y_mid, f"$b^{i}$ =\n[{vec}]", w=2.2, h=0.9, fc=COLOURS["b"], fontsize=11)
    arrow(ax, (11.11, y_mid), (11.38, y_mid))
    fig.tight_layout()
    return fig


def convex_hull(points):
    """The corners of the convex hull of 2-D points, counter-clockwise (Andrew's monotone chain).

    ``points`` is (2, n); returns a (2, m) array of the corners.
    """
    pts = sorted(set(map(tuple, np.asarray(points, dtype=float).T)))
    if len(pts) < 3:
        return np.array(pts).T

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(seq):
        chain = []
        for p in seq:
            while len(chain) >= 2 and cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain[:-1]

    return np.array(half(pts) + half(pts[::-1])).T


def weighted_sum_2d(V, alpha_prime, b, query=0, lang="en"):
    """The values vʲ as arrows in the plane, their convex hull, and bⁱ = Σ α′ vʲ inside it.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    N = V.shape[1]
    hull = convex_hull(V)
    ax.fill(*hull, color="#dddddd", alpha=0.7, zorder=0, label=text("convex hull of the $v^j$", lang))
    for j in range(N):
        ax.annotate("", xy=V[:, j], xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=f"C{j}", lw=1.5))
        ax.text(*(V[:, j] * 1.08), f"$v^{j + 1}$ ({alpha_prime[j]:.2f})", color=f"C{j}", fontsize=10,
                ha="center", va="center")
    ax.plot(*b, "o", color="black", ms=7)
    ax.annotate(f"$b^{query + 1}$", b, xytext=(-26, -4), textcoords="offset points", fontsize=12)
    ax.axhline(0, color="#bbbbbb", lw=0.6)
    ax.axvline(0, color="#bbbbbb", lw=0.6)
    lim = np.abs(V).max() * 1.35
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_title(text(r"$b^1 = \sum_j \alpha'_{1,j}\, v^j$ (weights in brackets)", lang), fontsize=10)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- chapter 3

def equation(terms, cell=0.42, cmap="RdBu_r", annotate=True, fmt="{:.1f}", highlight=None, fontsize=8):
    """Draw a matrix equation such as ``A = Kᵀ Q`` from actual matrices.

    ``terms`` is a list whose items are a string (an operator such as ``"="``) or a
    ``(name, matrix)`` pair. Each matrix is drawn with cells of the same size, so
    the shapes can be compared. ``highlight`` maps a term's name to a column index
    to outline.
    """
    highlight = highlight or {}
    widths = [max(0.8, 0.3 * max(map(len, t.split("\n")))) if isinstance(t, str) else np.asarray(t[1]).shape[1]
              for t in terms]
    rows = max(np.asarray(t[1]).shape[0] for t in terms if not isinstance(t, str))
    fig_w = cell * (sum(widths) + len(widths) * 0.3) + 0.3
    fig_h = cell * rows + 0.9
    fig = plt.figure(figsize=(fig_w, fig_h))
    lim = max(np.abs(np.asarray(t[1])).max() for t in terms if not isinstance(t, str))
    x = 0.15
    for t, w in zip(terms, widths):
        if isinstance(t, str):
            fig.text((x + cell * w / 2) / fig_w, (0.1 + cell * rows / 2) / fig_h, t,
                     ha="center", va="center", fontsize=14 if len(t) < 3 else 11)
            x += cell * (w + 0.3)
            continue
        name, M = t
        M = np.asarray(M, dtype=float)
        h = cell * M.shape[0]
        ax = fig.add_axes([x / fig_w, (0.1 + (cell * rows - h) / 2) / fig_h, cell * M.shape[1] / fig_w, h / fig_h])
        is_prob = M.min() >= 0 and M.max() <= 1
        heatmap(ax, M, cmap="Blues" if is_prob else cmap, vmin=0 if is_prob else -lim, vmax=1 if is_prob else lim,
                annotate=annotate, fmt=fmt, fontsize=fontsize)
        ax.set_title(f"{name}\n{M.shape[0]} x {M.shape[1]}", fontsize=10)
        if name in highlight:
            c = highlight[name]
            ax.add_patch(Rectangle((c - 0.5, -0.5), 1, M.shape[0], fill=False, ec="#e6550d", lw=2.5, clip_on=False))
        x += cell * (w + 0.3)
    return fig


def saturation(d_ks, largest_plain, largest_scaled, column_plain, column_scaled, d_k_shown, lang="en"):
    """The softmax saturates when scores grow with d_k; dividing by √d_k keeps it soft.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.6))
    N = len(column_plain)
    xs = np.arange(1, N + 1)
    ax0.bar(xs - 0.2, column_plain, width=0.4, label="softmax($A$)", color="#e6550d")
    ax0.bar(xs + 0.2, column_scaled, width=0.4, label=r"softmax($A/\sqrt{d_k}$)", color="#3182bd")
    ax0.set_xticks(xs, labels("k", N))
    ax0.set_ylabel(r"$\alpha'_{1,j}$")
    ax0.set_ylim(0, 1.05)
    ax0.set_title(text("one column of $A'$, $d_k$ = {d_k}", lang, d_k=d_k_shown), fontsize=11)
    ax0.legend(fontsize=9)
    ax1.plot(d_ks, largest_plain, "o-", color="#e6550d", label=text("no scaling", lang))
    ax1.plot(d_ks, largest_scaled, "s-", color="#3182bd", label=text(r"divided by $\sqrt{d_k}$", lang))
    ax1.axhline(1 / N, color="#999999", ls=":", lw=1)
    ax1.text(d_ks[0], 1 / N + 0.02, text("uniform 1/N", lang), fontsize=8, color="#666666")
    ax1.set_xscale("log", base=2)
    ax1.set_ylim(0, 1.05)
    ax1.set_xlabel("$d_k$")
    ax1.set_ylabel(text("largest weight in a column (mean)", lang))
    ax1.set_title(text("how peaked the softmax gets", lang), fontsize=11)
    ax1.legend(fontsize=9)
    fig.tight_layout()
    return fig


def best_time(fn, *args, repeat=3):
    """The shortest wall-clock time of ``repeat`` calls of ``fn(*args)``, in seconds."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn, *args):
    """The peak of memory allocated by Python during ``fn(*args)``, in bytes (tracemalloc)."""
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cost_vs_n(Ns, times, memories, lang="en"):
    """Time and peak memory against N for several implementations.

    ``times`` and ``memories`` map a label to a list of values, one per N; ``lang`` is the
    language of the other labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.6))
    Ns = np.asarray(Ns, dtype=float)
    for n, (label, ts) in enumerate(times.items()):
        ax0.plot(Ns, np.asarray(ts) * 1000, "o-", color=f"C{n}", label=label)
    ax0.set_xscale("log", base=2)
    ax0.set_yscale("log")
    ax0.set_xlabel(text("N (number of input vectors)", lang))
    ax0.set_ylabel(text("time (ms)", lang))
    ax0.set_title(text("time", lang), fontsize=11)
    ax0.legend(fontsize=9)
    for n, (label, ms) in enumerate(memories.items()):
        ax1.plot(Ns, np.asarray(ms) / 1024, "o-", color=f"C{n}", label=label)
    ax1.plot(Ns, 8 * Ns ** 2 / 1024, "k:", label=text("one N x N float64 matrix", lang))
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel(text("N (number of input vectors)", lang))
    ax1.set_ylabel(text("peak memory (KiB)", lang))
    ax1.set_title(text("peak memory", lang), fontsize=11)
    ax1.legend(fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- chapter 4

def two_heads(lang="en"):
    """Two heads: each position gets q, k, v per head; head 1 only meets head 1.

    ``lang`` is the language of the labels (``"en"`` or ``"zh"``, see ``i18n``).
    """
    fig, ax = plt.subplots(figsize=(10, 4.6))
    blank(ax, (-0.5, 12.6), (-0.7, 6.2))
    colours = ["#e6550d", "#3182bd"]
    for p, (x0, name) in enumerate([(1.4, "i"), (7.4, "j")]):
        box(ax, x0 + 1.5, 0, f"$a^{name}$", w=0.8, fc=COLOURS["a"])
        for head in (1, 2):
            xs = [x0 - 0.9 + r * 0.95 + (head - 1) * 3.05 for r in range(3)]
            for x, sym in zip(xs, ["q", "k", "v"]):
                box(ax, x, 2.0, f"${sym}^{{{name},{head}}}$", w=0.85, h=0.5, fc=COLOURS[sym], fontsize=10,
                    ec=colours[head - 1])
                arrow(ax, (x0 + 1.5, 0.3), (x, 1.72), color="#aaaaaa", lw=0.8)
        ax.text(x0 + 1.5, -0.55, text("position {name}", lang, name=name), ha="center", fontsize=9, color="#555555")
    for head in (1, 2):
        c = colours[head - 1]
        # query of head `head` at position i meets the keys of that head only
        qi = 1.4 - 0.9 + (head - 1) * 3.05
        kj = 7.4 - 0.9 + 0.95 + (head - 1) * 3.05
        ki = 1.4 - 0.9 + 0.95 + (head - 1) * 3.05
        y = 2.9 + 0.55 * (head - 1)
        ax.plot([qi, qi, kj, kj], [2.27, y, y, 2.27], color=c, lw=1.6)
        ax.plot([ki, ki], [2.27, y], color=c, lw=1.6)
        ax.text(kj + 0.15, y + 0.05, text("head {head}", lang, head=head), color=c, fontsize=10, va="bottom")
    box(ax, 2.1, 4.4, "$b^{i,1}$", w=0.8, h=0.5, fc=COLOURS["b"], ec=colours[0])
    box(ax, 3.1, 4.4, "$b^{i,2}$", w=0.8, h=0.5, fc=COLOURS["b"], ec=colours[1])
    arrow(ax, (0.5, 2.95), (1.9, 4.12), color=colours[0])
    arrow(ax, (3.55, 3.5), (3.15, 4.12), color=colours[1])
    box(ax, 5.2, 4.4, "$W^o$", w=0.8, h=0.5, fc="white")
    box(ax, 7.0, 4.4, "$b^i$", w=0.8, h=0.5, fc=COLOURS["b"])
    arrow(ax, (3.55, 4.4), (4.78, 4.4))
    arrow(ax, (5.62, 4.4), (6.58, 4.4))
    ax.text(2.6, 5.0, text("stacked", lang), ha="center", fontsize=9, color="#555555")
    ax.text(5.2, 5.4, r"$b^i = W^o\,[b^{i,1};\ b^{i,2}]$", ha="center", fontsize=12)
    return fig
