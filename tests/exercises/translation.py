"""The Chinese texts of an assignment for tests: the real ones when ``zh.TEXTS`` has them, else a sample.

``sample(spec)`` is a :class:`autograder.assignments.Translation` made from the spec's own
English words, each prefixed with a Chinese sentence, so it keeps every code span and formula
of the English (what the tests require of a translation) and makes every translated cell
differ from the English one. The tests and the mixed-language class use it for the
assignments whose texts have not landed yet, through the real builder.
"""

import textwrap

from autograder.assignments import Translation, zh


def sample(spec) -> Translation:
    def said(text):
        return "这是中文说明。\n\n" + textwrap.dedent(text).strip()

    return Translation(
        chapter_title=f"中文 {spec.chapter_title}",
        intro=said(spec.intro),
        parts={p.id: (f"中文 {p.title}", said(p.prose)) for p in spec.parts},
        questions={q.id: said(q.prompt) for q in spec.questions},
    )


def texts(spec) -> Translation:
    """The Chinese texts of ``spec``: ``zh.TEXTS``'s when it has them, else :func:`sample`."""
    return zh.TEXTS.get(spec.id) or sample(spec)
