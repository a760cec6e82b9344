"""Chapter 8: a synthetic part-of-speech corpus in which context decides the tag.

Sentences follow a few shapes (pronoun – verb – determiner – noun, …) filled with
random words. Ambiguous words (saw, fly, watch, duck, park: verb or noun; can:
auxiliary or noun) take the tag of the slot they fill, so only their neighbours tell
which tag is right.
"""

import numpy as np

from .validate import positive_int


TAGS = ("PRON", "VERB", "NOUN", "DET", "ADJ", "AUX", "PREP")
"""The part-of-speech tags, in the order of the classifier's outputs."""

LEXICON = {
    "PRON": ("I", "you", "we", "they", "she", "he"),
    "DET": ("a", "the", "my", "our", "this"),
    "ADJ": ("old", "big", "red", "small", "new"),
    "NOUN": ("dog", "man", "kite", "boat", "tree", "bird", "box"),
    "VERB": ("found", "took", "sold", "made", "held", "liked"),
    "VERB_INTRANSITIVE": ("sat", "ran", "slept", "swam"),
    "AUX": ("will", "must", "should"),
    "PREP": ("on", "near", "over", "under", "with"),
}
"""Words that always take one tag (VERB_INTRANSITIVE words are tagged VERB)."""

AMBIGUOUS = {
    "saw": ("VERB", "NOUN"),
    "fly": ("VERB", "NOUN"),
    "watch": ("VERB", "NOUN"),
    "duck": ("VERB", "NOUN"),
    "park": ("VERB", "NOUN"),
    "can": ("AUX", "NOUN"),
}
"""Words that take either tag; in the corpus the context decides which."""

TEMPLATES = (
    ("PRON", "VERB", "DET", "NOUN"),                         # I saw a saw
    ("PRON", "VERB", "DET", "ADJ", "NOUN"),                  # we watch the old duck
    ("PRON", "AUX", "VERB", "DET", "NOUN"),                  # they can fly a kite
    ("DET", "NOUN", "VERB", "DET", "NOUN"),                  # the fly saw a can
    ("DET", "ADJ", "NOUN", "VERB_INTRANSITIVE", "PREP", "DET", "NOUN"),  # the old duck sat on the can
    ("PRON", "VERB_INTRANSITIVE", "PREP", "DET", "NOUN"),    # they fly over the park
    ("DET", "NOUN", "AUX", "VERB", "DET", "ADJ", "NOUN"),    # the man can saw the big tree
)
"""Sentence shapes as sequences of slots; each slot's tag is the slot name (VERB_INTRANSITIVE → VERB)."""

VOCAB = tuple(sorted({w for words in LEXICON.values() for w in words} | set(AMBIGUOUS)))
"""Every word of the corpus, in a fixed order (the columns of the embedding E)."""


def _ambiguous_for(slot):
    """The ambiguous words that can fill a slot (all intransitive-capable verbs fit either verb slot)."""
    tag = "VERB" if slot == "VERB_INTRANSITIVE" else slot
    return tuple(w for w, tags in AMBIGUOUS.items() if tag in tags and not (slot == "VERB_INTRANSITIVE" and w == "saw"))


def make_corpus(n_sentences, seed, p_ambiguous=0.5):
    """Generate tagged sentences in which the tag of an ambiguous word comes from its context.

    Parameters
    ----------
    n_sentences : int
    seed : int
        Seeds ``numpy.random.default_rng``: the same seed gives the same corpus.
    p_ambiguous : float, default 0.5
        Probability that a slot which an ambiguous word can fill gets one.

    Returns
    -------
    list of (tokens, tags)
        ``tokens`` and ``tags`` are tuples of strings of the same length; ``tags[n]``
        is the tag of ``tokens[n]``, one of :data:`TAGS`.
    """
    n_sentences = positive_int("n_sentences", n_sentences)
    rng = np.random.default_rng(seed)
    corpus = []
    for _ in range(n_sentences):
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        tokens, tags = [], []
        for slot in template:
            candidates = _ambiguous_for(slot)
            if candidates and rng.random() < p_ambiguous:
                word = candidates[rng.integers(len(candidates))]
            else:
                word = LEXICON[slot][rng.integers(len(LEXICON[slot]))]
            tokens.append(str(word))
            tags.append("VERB" if slot == "VERB_INTRANSITIVE" else slot)
        corpus.append((tuple(tokens), tuple(tags)))
    return corpus


def without_sentence(corpus, tokens):
    """The corpus with every copy of one sentence removed (to hold "I saw a saw" out of training)."""
    return [(t, g) for t, g in corpus if t != tuple(tokens)]


def majority_rate(corpus):
    """The best accuracy on ambiguous tokens of any tagger that ignores context.

    A per-vector model gives a word the same tag wherever it stands, so on each
    ambiguous word it is right at most as often as that word's commonest tag.

    Returns
    -------
    float
        :math:`\\sum_w \\max_t \\mathrm{count}(w, t) / \\sum_w \\mathrm{count}(w)` over ambiguous words w.
    """
    counts = {}
    for tokens, tags in corpus:
        for word, tag in zip(tokens, tags):
            if word in AMBIGUOUS:
                counts.setdefault(word, {}).setdefault(tag, 0)
                counts[word][tag] += 1
    total = sum(sum(c.values()) for c in counts.values())
    return sum(max(c.values()) for c in counts.values()) / total
