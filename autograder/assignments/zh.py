"""The Chinese words of every exercise notebook: ``TEXTS[assignment id]``, a :class:`Translation`.

``python -m autograder build`` writes ``notebooks/<id>/<name>.zh.ipynb`` from them and the
same spec as the English notebook. The terms are those of the Chinese edition's glossary
(zh/book/glossary.md).
"""

from . import Translation

TEXTS: dict[str, Translation] = {}
