"""The interactive figures' data: what the built pages hold is what solutions/ computes.

The helpers of book/figures_live.py are checked on small inputs first (each can be seen to
fail); then the JSON of every live figure on the built pages is read back and compared,
number by number with a tolerance, with the same data computed again here, partly along
another route through solutions/ than the page took.
"""

import json
import re

import numpy as np
import pytest

from book_figures.figures_live import (
    DECIMALS, attention_data, attention_model, live_figure, offset_products, random_case, repeated_ambiguous,
    rounded, saturation_grid,
)
from solutions import ch08_corpus, ch08_tagger, qkv, scores, self_attention, sinusoidal_encoding, softmax
from solutions import worked_example

#: JSON keeps DECIMALS decimals: half a unit of the last one, and a little for the float noise.
ROUNDING = 0.5 * 10.0 ** -DECIMALS + 1e-9

LIVE = re.compile(r'<div class="live-figure" data-live="(\w+)"[^>]*>\s*'
                  r'<script type="application/json" class="live-data">(.*?)</script>', re.S)

# --------------------------------------------------------------------------- the helpers


def figure_json(html):
    """[(kind, data)] of every live figure in an HTML text."""
    return [(kind, json.loads(text)) for kind, text in LIVE.findall(html)]


def test_live_figure_holds_its_data_as_json_that_cannot_end_the_script():
    data = {"words": ["</script><script>alert(1)</script>", "a & b"], "x": [0.5]}
    html = live_figure("attention", data, 'who "attends"').data
    assert html.count("</script>") == 1 and "<script>alert" not in html
    assert 'aria-label="who &quot;attends&quot;"' in html and " hidden>" in html
    assert figure_json(html) == [("attention", data)]


def test_live_figure_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        live_figure("heatmap", {}, "x")


def test_attention_model_rejects_maps_that_are_not_distributions():
    A_prime = np.array([[[0.5, 0.2], [0.5, 0.8]]])                  # (1, 2, 2): columns sum to 1
    assert attention_model("m", [A_prime])["maps"] == [A_prime.tolist()]
    with pytest.raises(ValueError, match="does not sum to 1"):
        attention_model("m", [A_prime.transpose(0, 2, 1)])        # rows, not columns, sum to 1 here
    with pytest.raises(ValueError, match=r"\(h, N, N\)"):
        attention_model("m", [A_prime[0]])
    with pytest.raises(ValueError, match="finite"):
        rounded([[0.5, np.nan]])
    assert rounded([1 / 3, 2.0]) == [round(1 / 3, DECIMALS), 2.0]


def test_attention_data_rejects_maps_or_tags_of_another_length():
    model = attention_model("m", [np.full((1, 2, 2), 0.5)], tags=[("DET", "NOUN")])
    assert attention_data([["a", "saw"]], [model])["sentences"] == [["a", "saw"]]
    with pytest.raises(ValueError, match="maps of another size"):
        attention_data([["a", "saw", "!"]], [model])
    with pytest.raises(ValueError, match="other tags"):
        attention_data([["a", "saw"]], [attention_model("m", None, tags=[("DET",)])])
    data = attention_data([["a", "saw"]], [model, model], query=1, model=1)
    assert (data["query"], data["model"], len(data["models"])) == (1, 1, 2)
    with pytest.raises(ValueError, match="no model 2"):
        attention_data([["a", "saw"]], [model, model], model=2)
    with pytest.raises(ValueError, match="no word 2"):
        attention_data([["a", "saw"]], [model], query=2)


def test_repeated_ambiguous_finds_one_word_with_two_tags():
    corpus = [(("I", "saw", "a", "saw"), ("PRON", "VERB", "DET", "NOUN")),
              (("I", "saw", "a", "dog"), ("PRON", "VERB", "DET", "NOUN")),
              (("a", "saw", "saw", "a", "saw"), ("DET", "NOUN", "VERB", "DET", "NOUN")),
              (("the", "can", "can"), ("DET", "NOUN", "NOUN")),            # twice, one tag
              (("I", "saw", "a", "saw"), ("PRON", "VERB", "DET", "NOUN"))]  # a copy
    assert repeated_ambiguous(corpus, ch08_corpus.AMBIGUOUS) == [corpus[0], corpus[2]]


def test_offset_products_pairs_each_column_with_the_one_delta_on():
    P = np.arange(12.0).reshape(2, 6)                              # (d, N) = (2, 6)
    data = offset_products(P, [0, 2])
    assert data["d"] == 2 and data["N"] == 6
    assert data["products"][1] == [P[:, n] @ P[:, n + 2] for n in range(4)]


# --------------------------------------------------------------------------- the built pages

def page_figures(book_html, page):
    figures = figure_json((book_html / f"{page}.html").read_text(encoding="utf-8"))
    assert figures, f"{page} has no live figure"
    return figures


def close(page_numbers, expected, atol=ROUNDING):
    """The page's numbers (nested lists from JSON) equal `expected` to atol."""
    page_numbers = np.asarray(page_numbers, dtype=float)
    expected = np.asarray(expected, dtype=float)
    return page_numbers.shape == expected.shape and np.allclose(page_numbers, expected, rtol=0, atol=atol)


@pytest.mark.slow
def test_chapter_2s_figure_holds_the_worked_example_s_weights(book_html):
    [(kind, data)] = page_figures(book_html, "book/ch02-dot-product")
    assert kind == "attention" and len(data["models"]) == 1
    A_prime = self_attention(*worked_example())[1]                 # (4, 4): the matrix form, not the page's loop
    assert close(data["models"][0]["maps"], [[A_prime]])
    assert data["sentences"] == [["a¹", "a²", "a³", "a⁴"]]


@pytest.mark.slow
def test_chapter_3s_grid_is_the_softmax_of_the_scaled_and_unscaled_scores(book_html):
    [(kind, data)] = page_figures(book_html, "book/ch03-matrix-form")
    assert kind == "saturation"
    again = saturation_grid(data["d_ks"], data["spreads"], cases=data["cases"])
    for part in ("column", "largest"):
        for scale in ("plain", "scaled"):
            assert close(data[part][scale], again[part][scale]), f"{part}[{scale}] differs"
    # Another route at every grid point: the first case (the grid seeds d_k's cases with d_k)
    # through qkv and scores, then softmax.
    for a, d_k in enumerate(data["d_ks"]):
        I, Wq, Wk, Wv = random_case(d_k, np.random.default_rng(d_k), data["N"])
        for b, spread in enumerate(data["spreads"]):
            Q, K, _ = qkv(spread * I, Wq, Wk, Wv)
            A = scores(Q, K)                                       # (N, N)
            assert close(data["column"]["plain"][a][b], softmax(A, axis=0)[:, 0])
            assert close(data["column"]["scaled"][a][b], softmax(A / np.sqrt(d_k), axis=0)[:, 0])


@pytest.mark.slow
def test_chapter_5s_products_are_those_of_the_sinusoidal_table(book_html):
    [(kind, data)] = page_figures(book_html, "book/ch05-positional-encoding")
    assert kind == "offsets" and (data["d"], data["N"]) == (64, 100)
    P = sinusoidal_encoding(data["d"], data["N"])                  # (64, 100)
    assert data["deltas"] == list(range(41))
    for delta, row in zip(data["deltas"], data["products"]):
        products = np.einsum("dn,dn->n", P[:, :data["N"] - delta], P[:, delta:])   # (N - delta,)
        assert close(row, products), f"delta = {delta}"
    again = offset_products(P, data["deltas"])
    assert all(close(a, b) for a, b in zip(data["products"], again["products"]))


@pytest.mark.slow
def test_chapter_8s_figure_holds_the_seed_0_taggers_maps_and_tags(book_html):
    [(kind, data)] = page_figures(book_html, "book/ch08-capstone")
    assert kind == "attention"
    saw = ("I", "saw", "a", "saw")
    test_set = ch08_corpus.make_corpus(300, seed=1)
    twins = repeated_ambiguous(test_set, ch08_corpus.AMBIGUOUS)
    assert data["sentences"] == [list(saw)] + [list(tokens) for tokens, _ in twins]
    assert data["tags"] == [["PRON", "VERB", "DET", "NOUN"]] + [list(tags) for _, tags in twins]
    train_set = ch08_corpus.without_sentence(ch08_corpus.make_corpus(600, seed=0), saw)
    kinds = set()
    for model in data["models"]:
        config = ch08_tagger.TaggerConfig(**model["about"]["config"])
        kinds.add((config.attention, config.positions, config.heads))
        params, _ = ch08_tagger.train(config, train_set, seed=model["about"]["seed"], epochs=30)
        sentences = [tuple(s) for s in data["sentences"]]
        assert model["tags"] == [list(t) for t in ch08_tagger.predict(params, config, sentences)], model["name"]
        if config.attention == "none":
            assert model["maps"] is None
            continue
        for s, tokens in enumerate(sentences):
            # The same machine trains the same weights; a wrong head, sentence or transpose is far off.
            assert close(model["maps"][s], ch08_tagger.attention_maps(params, config, tokens), atol=1e-3), (
                f"{model['name']}: {' '.join(tokens)}")
    first = data["models"][data["model"]]["about"]["config"]
    assert (first["attention"], first["positions"], first["heads"]) == ("full", "learned", 1), "shown first"
    # The ablation's models: no positions, positions only, both; and two heads.
    assert {("full", "none", 1), ("none", "learned", 1), ("full", "learned", 1), ("full", "learned", 2)} <= kinds
