"""Interactive figures: numbers computed while the book is built, drawn in the reader's browser.

A page's code cell draws the static figure as usual (``plt.show()``) and then displays
``live_figure(kind, data, label)``: a hidden container that holds ``data`` as JSON. The
script ``book/_static/live-figures.js`` (registered in ``_config.yml``) finds every such
container, draws it, shows it and hides the static image of the same cell. Without
scripts the container stays hidden and the static figure is what the reader sees.

The script only draws and looks values up; every number it shows is in the JSON, and the
functions below compute it with ``solutions/`` (none of them implements a formula of the
course). ``tests/book/test_live_figures.py`` rebuilds the data with these functions and
compares it with what the built pages hold::

    from book_figures.figures_live import live_figure, saturation_grid
"""

import dataclasses
import html
import json

import numpy as np
from IPython.display import HTML

from solutions import dot_product_score, self_attention
from solutions import ch08_tagger

#: Decimals kept in the JSON: the figures print two, and four place a bar's top or a point of a
#: line within a hundredth of a pixel of where the full number would.
DECIMALS = 4

KINDS = ("attention", "saturation", "offsets")


def rounded(values):
    """Nested lists of floats rounded to DECIMALS (JSON has no ndarray, and no NaN either)."""
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError("a live figure's numbers must be finite")
    return np.round(array, DECIMALS).tolist()


def live_figure(kind, data, label):
    """The container of one interactive figure, for ``display()`` after the static figure.

    Parameters
    ----------
    kind : {"attention", "saturation", "offsets"}
        Which drawing of live-figures.js reads ``data``.
    data : dict
        JSON-serialisable; the numbers as made by the functions of this module.
    label : str
        What the figure shows, in a few words (its accessible name).

    Returns
    -------
    IPython.display.HTML
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    # Inside <script>, "</script>" (or "<!--") in a string would end the block early.
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return HTML(f'<div class="live-figure" data-live="{kind}" role="group" aria-label="{html.escape(label)}" hidden>'
                f'<script type="application/json" class="live-data">{text}</script></div>')


# --------------------------------------------------------------------------- who attends to whom

def attention_model(name, maps, tags=None, note="", about=None):
    """One model of an attention figure: its maps for every sentence, and the tags it gives.

    Parameters
    ----------
    name : str
    maps : list of (h, N, N) ndarray, one per sentence, or None
        ``maps[s][l, j, i]`` is how much query i attends to key j in head l (each column
        sums to 1); None for a model without attention.
    tags : list of tuple of str, one per sentence, optional
        The tag the model gives each word.
    note : str
        A sentence the figure shows with this model (e.g. what it sees).
    about : dict, optional
        Where the maps come from (for a trained model: its configuration and seed), kept
        with the data so that a test can compute them again.
    """
    if maps is not None:
        for A_primes in maps:
            A_primes = np.asarray(A_primes, dtype=float)        # (h, N, N)
            if A_primes.ndim != 3 or A_primes.shape[1] != A_primes.shape[2]:
                raise ValueError(f"{name}: each sentence needs an (h, N, N) array of maps, not {A_primes.shape}")
            if not np.allclose(A_primes.sum(axis=1), 1):
                raise ValueError(f"{name}: a column of a map does not sum to 1")
        maps = [rounded(A_primes) for A_primes in maps]
    return {"name": name, "note": note, "maps": maps, "tags": None if tags is None else [list(t) for t in tags],
            "about": about or {}}


def attention_data(sentences, models, query=0, model=0, tags=None):
    """The data of a "who attends to whom" figure.

    Parameters
    ----------
    sentences : list of sequence of str
        The words (or labels) of each sentence.
    models : list of dict
        As made by :func:`attention_model`.
    query, model : int
        The word whose query is drawn, and the model shown, when the page opens (0-based).
    tags : list of tuple of str, optional
        The right tag of every word of every sentence.
    """
    for entry in models:
        for s, tokens in enumerate(sentences):
            if entry["maps"] is not None and len(entry["maps"][s][0]) != len(tokens):
                raise ValueError(f"{entry['name']}: sentence {s} has {len(tokens)} words but maps of another size")
            if entry["tags"] is not None and len(entry["tags"][s]) != len(tokens):
                raise ValueError(f"{entry['name']}: sentence {s} has {len(tokens)} words but other tags")
    if not 0 <= model < len(models) or not 0 <= query < min(map(len, sentences)):
        raise ValueError(f"no model {model} or no word {query} to show first")
    return {"sentences": [list(tokens) for tokens in sentences], "models": models, "query": query, "model": model,
            "tags": None if tags is None else [list(t) for t in tags]}


def tagger_models(trained, sentences, seed):
    """Chapter 8's trained taggers as models of an attention figure.

    ``trained`` is a list of ``(name, params, config, note)``, each trained with ``seed``;
    the maps are ``ch08_tagger.attention_maps`` and the tags ``ch08_tagger.predict``.
    """
    return [attention_model(name,
                            None if config.attention == "none"
                            else [ch08_tagger.attention_maps(params, config, tokens) for tokens in sentences],
                            ch08_tagger.predict(params, config, sentences), note,
                            about={"config": dataclasses.asdict(config), "seed": seed})
            for name, params, config, note in trained]


def repeated_ambiguous(corpus, ambiguous):
    """The sentences of a corpus in which one ambiguous word stands twice, with two tags.

    Returns a list of (tokens, tags), each sentence once, in the corpus's order.
    """
    found = []
    for tokens, tags in corpus:
        def tags_of(word):
            return {tag for w, tag in zip(tokens, tags) if w == word}
        twice = any(len(tags_of(word)) > 1 for word in set(tokens) & set(ambiguous))
        if twice and (tokens, tags) not in found:
            found.append((tokens, tags))
    return found


# --------------------------------------------------------------------------- scaling and saturation

def random_case(d_k, rng, N=8):
    """Random inputs whose queries and keys have entries of variance 1 (d = d_k = d_v).

    Returns ``I`` (d_k, N) and ``Wq, Wk, Wv`` (d_k, d_k).
    """
    I = rng.normal(size=(d_k, N))
    Wq, Wk, Wv = (rng.normal(size=(d_k, d_k)) / np.sqrt(d_k) for _ in range(3))
    return I, Wq, Wk, Wv


def saturation_grid(d_ks, spreads, cases=30, seed=0, N=8):
    """The softmax of scaled and unscaled scores on a grid of d_k and input spread.

    For each d_k, ``cases`` random inputs (:func:`random_case`, seeded ``seed + d_k``) are
    multiplied by each spread and go through ``solutions.self_attention`` with and without
    ``scale``.

    Returns
    -------
    dict
        ``column[kind][a][b]``: query 1's weights (N,) for the first case at ``d_ks[a]``,
        ``spreads[b]``; ``largest[kind][a][b]``: the largest weight of a column, mean over
        every column of every case; ``kind`` is ``"plain"`` or ``"scaled"``.
    """
    shape = (len(d_ks), len(spreads))
    column = {"plain": np.zeros(shape + (N,)), "scaled": np.zeros(shape + (N,))}
    largest = {"plain": np.zeros(shape), "scaled": np.zeros(shape)}
    for a, d_k in enumerate(d_ks):
        rng = np.random.default_rng(seed + d_k)
        drawn = [random_case(d_k, rng, N) for _ in range(cases)]
        for b, spread in enumerate(spreads):
            for kind, scale in (("plain", False), ("scaled", True)):
                A_primes = [self_attention(spread * I, Wq, Wk, Wv, scale=scale)[1] for I, Wq, Wk, Wv in drawn]
                column[kind][a, b] = A_primes[0][:, 0]
                largest[kind][a, b] = np.mean([A_prime.max(axis=0).mean() for A_prime in A_primes])
    return {"d_ks": list(d_ks), "spreads": list(spreads), "N": N, "cases": cases,
            "column": {kind: rounded(v) for kind, v in column.items()},
            "largest": {kind: rounded(v) for kind, v in largest.items()}}


# --------------------------------------------------------------------------- positions

def offset_products(P, deltas):
    """``e^i · e^(i+Δ)`` for every position i of a table P (d, N) that has a column i + Δ, for each Δ.

    Returns ``{"deltas": [...], "products": [[one per i] per Δ], "d": d, "N": N}``;
    ``products[index][n]`` is the product of columns n and n + deltas[index] (position i = n + 1).
    """
    P = np.asarray(P, dtype=float)
    N = P.shape[1]
    products = [[dot_product_score(P[:, n], P[:, n + delta]) for n in range(N - delta)] for delta in deltas]
    return {"deltas": list(deltas), "products": [rounded(row) for row in products], "d": P.shape[0], "N": N}
