"""Build the exercise notebooks from the specs and ``solutions/``.

    python -m autograder build            # write every assignment
    python -m autograder build 02-dot-product
    python -m autograder build --check    # exit 1 and list the stale files, write nothing

For each assignment it writes

- ``autograder/source/<id>/<name>.ipynb``: the nbgrader source notebook. Answer cells are the
  functions of ``solutions/`` (signature and docstring, then the body between
  ``### BEGIN SOLUTION`` / ``### END SOLUTION``), taken with ``inspect`` so they cannot
  drift; a locked set-up cell holds numpy, the helpers those bodies call (copied from
  ``solutions/``) and the checks of :mod:`autograder.assignments.visible`; each part's test cell holds
  the probe (hidden) and the visible tests, with expected values computed from ``solutions/``;
- ``notebooks/<id>/<name>.ipynb``: the student version, made by nbgrader's
  ``generate_assignment`` in a temporary course directory, with no outputs and no execution
  counts;
- ``notebooks/<id>/<name>.zh.ipynb``: the same student notebook with its locked Markdown in
  Chinese (:func:`translated_notebook`), for each assignment that has its Chinese texts in
  :data:`autograder.assignments.zh.TEXTS`. The boilerplate the build writes around a spec's
  texts is in :data:`WORDS`, one entry per language, and one set of functions renders both
  (:func:`markdown_texts`).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
import tempfile
import textwrap
import types
from pathlib import Path

import nbformat
import numpy as np

from autograder import assignments

from autograder.judge import probe

from autograder.assignments import visible
from autograder.authoring.course import SOURCE, api

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


# ----------------------------------------------------------------------------- literals
#
# Expected values are computed at build time, mostly by matrix products, and BLAS kernels
# differ between CPUs in the last bits of a result. Written with every digit of ``repr``, the
# same spec would give different notebook text (and different nbgrader checksums) on two
# machines. So the build
#
# - writes every float it computed with SIGNIFICANT significant digits, and values smaller
#   than ZERO in magnitude as 0.0 (a product that is 0 in exact arithmetic comes out as
#   ±1e-17 or so). The relative change, at most 5e-11, is 20,000 times smaller than the
#   checks' RTOL (1e-6), and ZERO is 1,000 times smaller than their ATOL (1e-9), so every
#   visible and hidden check passes and fails as it would with the unrounded values. A value
#   that lies within a few ulps of a rounding boundary can still round the other way on another
#   machine (about 4e-6 per value for a 2-ulp difference), hence the second point:
# - decides whether a committed notebook is stale by comparing it with today's build with
#   every number read as a number (:func:`same_notebook`): the text between the numbers must
#   be identical, and the numbers equal within NUMBERS_RTOL, far above a rounding flip and far
#   below any change a spec or ``solutions/`` makes. A source notebook that is the same in this
#   sense is kept, and the student notebook is made from it (:func:`outputs`), so regenerating
#   on another machine leaves the committed files as they are.

SIGNIFICANT = 10
ZERO = 1e-12
NUMBERS_RTOL, NUMBERS_ATOL = 1e-8, 1e-11


def embedded(x) -> float:
    """A computed float as the notebooks hold it: SIGNIFICANT digits, and 0.0 below ZERO.

    Parameters
    ----------
    x : float or numpy scalar

    Returns
    -------
    float
    """
    x = float(x)
    if abs(x) < ZERO:
        return 0.0
    return float(f"{x:.{SIGNIFICANT}g}")


def literal(x) -> str:
    """Python source for a value computed at build time (floats through :func:`embedded`).

    Parameters
    ----------
    x : object
        An ndarray, tuple, list, numpy scalar, float, or anything with a literal ``repr``.

    Returns
    -------
    str
        An expression that evaluates to ``x`` (arrays as ``np.array(...)``).
    """
    if isinstance(x, np.ndarray):
        if x.dtype == bool:
            return f"np.array({x.tolist()!r}, dtype=bool)"
        if x.dtype.kind == "f":
            return f"np.array({np.vectorize(embedded, otypes=[float])(x).tolist()!r})" if x.size else \
                f"np.array({x.tolist()!r})"
        return f"np.array({x.tolist()!r})"
    if isinstance(x, tuple):
        return "(" + ", ".join(literal(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, list):
        return "[" + ", ".join(literal(v) for v in x) + "]"
    if isinstance(x, np.generic):
        return literal(x.item())
    if isinstance(x, float):
        return repr(embedded(x))
    return repr(x)


def fill(template: str, spec) -> str:
    """Replace every ``«expr»`` with the literal of ``expr``.

    ``expr`` is evaluated with the spec module's names, ``S`` (``solutions``), ``np`` and
    ``M(mistake_id)``, the catalogued wrong function (for checks that name a mistake when the answer equals it).

    Parameters
    ----------
    template : str
        A part's visible tests.
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    str
        ``template`` with every ``«expr»`` replaced by :func:`literal` of its value.
    """
    import solutions

    from autograder.judge.check import mistake_function

    import importlib

    ns = dict(vars(importlib.import_module(f"{assignments.__name__}.{assignments.MODULES[spec.id]}")))
    ns.update(S=solutions, np=np, M=lambda mistake_id: mistake_function(spec.id, mistake_id))
    return re.sub(r"«(.+?)»", lambda m: literal(eval(m.group(1), ns)), template)  # noqa: S307 - our specs


# ----------------------------------------------------------------------------- cells

def split_function(fn) -> tuple[str, str]:
    """Split a function's source after its docstring.

    Parameters
    ----------
    fn : function
        A function of ``solutions/``.

    Returns
    -------
    tuple of (str, str)
        ``(header, body)``, dedented: the header ends with the docstring, the body with one newline.

    Raises
    ------
    ValueError
        If the function has no docstring.
    """
    src = textwrap.dedent(inspect.getsource(fn))
    node = ast.parse(src).body[0]
    first = node.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)):
        raise ValueError(f"{fn.__name__} needs a docstring to become an answer cell")
    lines = src.splitlines(keepends=True)
    header, body = "".join(lines[: first.end_lineno]), "".join(lines[first.end_lineno:]).rstrip() + "\n"
    return header, body


NOTES = re.compile(r"\n\n    Notes\n    -----\n.*?(?=\n    \"\"\"|\n    [A-Z][a-z]+\n    -{3,}\n)", re.S)


def student_header(header: str) -> str:
    """The header as the answer cell shows it.

    A numpydoc ``Notes`` section explains how the reference computes the result, which is the
    student's work, so it is left out.

    Parameters
    ----------
    header : str
        Signature and docstring, from :func:`split_function`.

    Returns
    -------
    str
        ``header`` without its ``Notes`` section.
    """
    return NOTES.sub("", header)


def answer_source(fn) -> str:
    """The answer cell: signature and docstring, body inside nbgrader's solution region.

    Parameters
    ----------
    fn : function
        A function of ``solutions/``.

    Returns
    -------
    str
        The cell's source.
    """
    header, body = split_function(fn)
    return student_header(header) + "    ### BEGIN SOLUTION\n" + body + "    ### END SOLUTION\n"


def _global_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def helpers(spec) -> tuple[dict, list]:
    """Functions of ``solutions`` the answers call but the student does not write, and modules used.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    modules : dict
        ``{name: module name}`` of the modules the functions use.
    functions : list of function
        Ordered by module (``solutions.validate`` first) and line.
    """
    import solutions

    answers = set(spec.answer_functions)
    todo = [getattr(solutions, f) for f in spec.answer_functions] + [getattr(solutions, f) for f in spec.provided]
    found, modules = {f.__name__: f for f in todo if f.__name__ not in answers}, {}
    while todo:
        fn = todo.pop()
        for name in _global_names(fn.__code__):
            obj = fn.__globals__.get(name)
            if isinstance(obj, types.ModuleType):
                modules[name] = obj.__name__
            elif inspect.isfunction(obj) and obj.__module__.startswith("solutions") and name not in answers \
                    and name not in found:
                found[name] = obj
                todo.append(obj)
    # the input checks first, then by chapter and line
    order = sorted(found.values(), key=lambda f: (f.__module__ != "solutions.validate", f.__module__,
                                                   f.__code__.co_firstlineno))
    return modules, order


def earlier_answers(spec) -> dict:
    """The answer functions of the assignments before ``spec`` in the course.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    dict
        ``{function name: the earliest assignment whose answer it is}``.
    """
    found = {}
    for aid in assignments.ids():
        if aid == spec.id:
            break
        for fn in assignments.get(aid).answer_functions:
            found.setdefault(fn, assignments.get(aid))
    return found


def split_helpers(spec) -> tuple[dict, list, list]:
    """The set-up's helpers, and the earlier exercises' answers the answers call.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    modules : dict
        As in :func:`helpers`.
    provided : list of function
        The helpers the set-up cell holds.
    earlier : list of function
        Earlier exercises' answers, which the student brings (see :func:`source_notebook`).
    """
    modules, functions = helpers(spec)
    earlier = earlier_answers(spec)
    return (modules, [f for f in functions if f.__name__ not in earlier],
            [f for f in functions if f.__name__ in earlier])


def _visible_source():
    text = inspect.getsource(visible)
    return text[text.index("\n# Tolerances:") + 1:].rstrip() + "\n"


def setup_source(spec) -> str:
    """The locked set-up cell: imports, the helpers of :func:`split_helpers`, and the visible checks.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    str
        The cell's source.
    """
    modules, functions, _ = split_helpers(spec)
    modules.setdefault("np", "numpy")
    imports = sorted(
        (f"import {mod} as {name}" if mod != name else f"import {mod}") for name, mod in modules.items()
    )
    others = [f.__name__ for f in functions if f.__module__ != "solutions.validate" and not f.__name__.startswith("_")]
    what = "the input checks the reference uses"
    if others:
        what += ", " + ", ".join(f"`{n}`" for n in others)
    parts = [
        "# Set-up (read-only): run this cell first. It holds numpy, " + what.replace("`", "")
        + ",\n# and the checks that the test cells use.\n"
        + "\n".join(imports) + "\n",
    ]
    parts += [inspect.getsource(f).rstrip() + "\n" for f in functions]
    parts.append(_visible_source())
    return "\n\n".join(parts)


def _fresh(value, rng):
    """A new input like ``value``: arrays of floats get new random entries (same shape)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.round(rng.normal(size=value.shape), 3)
    return value


def earlier_check_source(spec, earlier) -> str:
    """The locked cell that checks the student's earlier answers on new inputs.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    earlier : list of function
        The earlier answers (from :func:`split_helpers`); each is checked on the first case
        of its own assignment whose reference does not raise, with fresh random entries.

    Returns
    -------
    str
        The cell's source, with the expected values as literals.
    """
    import solutions

    rng = np.random.default_rng(sum(map(ord, spec.id)))
    owners = earlier_answers(spec)
    lines = ["# Checks your answers from earlier exercises (read-only): run it after the cells above."]
    for fn in earlier:
        name, owner = fn.__name__, owners[fn.__name__]
        for case in (c for p in owner.parts for c in p.cases if c.fn == name):
            args = tuple(_fresh(a, rng) for a in case.args)
            kwargs = {k: _fresh(v, rng) for k, v in case.kwargs.items()}
            try:
                with np.errstate(all="ignore"):
                    expected = getattr(solutions, name)(*args, **kwargs)
            except ValueError:
                continue
            call = ", ".join([literal(a) for a in args] + [f"{k}={literal(v)}" for k, v in kwargs.items()])
            result = f"{name}({call})"
            what = f"your {name} (exercise {owner.chapter})"
            hint = f"fix {name} in exercise {owner.chapter}, whose tests say what is wrong, and paste it again"
            if isinstance(expected, tuple):
                lines.append(f"_got = {result}")
                lines.append(f"check_true(isinstance(_got, tuple) and len(_got) == {len(expected)}, "
                             f"{what + ' should return a tuple of ' + str(len(expected)) + ' values'!r})")
                for n, e in enumerate(expected):
                    lines.append(f"check_close({what + ', result ' + str(n + 1)!r}, _got[{n}], {literal(np.asarray(e, dtype=float))}, {hint!r})")
            else:
                lines.append(f"check_close({what!r}, {result}, {literal(np.asarray(expected, dtype=float))}, {hint!r})")
            break
    lines.append('print("Your answers from earlier exercises match the reference.")')
    return "\n".join(lines) + "\n"


def test_source(spec, number: int, part) -> str:
    """A part's test cell: the probe and its call (hidden), then the visible tests.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    number : int
        The part's number in the notebook, from 1.
    part : autograder.assignments.Part
        The part.

    Returns
    -------
    str
        The cell's source.
    """
    cases = [
        {"fn": c.fn, "args": probe.encode(list(c.args)), "kwargs": probe.encode(dict(c.kwargs))}
        for c in part.cases
    ]
    return (
        f"# Part {number} ({part.points} point{'s' if part.points != 1 else ''}): run this cell to check "
        f"your answer.\n# More cases are checked when your notebook is graded.\n"
        "### BEGIN HIDDEN TESTS\n"
        + probe.source()
        + probe.call(part.id, part.functions, cases)
        + "### END HIDDEN TESTS\n"
        + fill(textwrap.dedent(part.visible).strip(), spec) + "\n"
        + f'print("Part {number}: the visible checks pass.")\n'
    )


# ----------------------------------------------------------------------------- words
#
# Every sentence the build writes around a spec's own texts, in each language of the notebooks:
# the same functions render both (:func:`markdown_texts`), so the two notebooks of an
# assignment cannot differ in anything but these words and the spec's texts (a Translation).
# ``{…}`` are str.format fields.

WORDS = {  # one entry per language of autograder.assignments.LANGUAGES
    "en": {
        "point": "{n} point", "points": "{n} points",
        "title": "# Exercise {chapter}: {title}",
        "part_line": "{n}. {title}: **{points}**",
        "total": "**Total: {total}**, in {parts} graded parts:",
        "total_manual": ("**Total: {total}**: {auto} graded automatically in {parts} parts, and {manual} for "
                         "{questions} written question{s}, graded by hand by your instructor (the automatic score "
                         "leaves them out):"),
        "question_line": "- Question {n}, after part {part}: **{points}, graded by hand**",
        "earlier_item": "`{fn}` (exercise {chapter})", "earlier_join": ", ",
        "earlier_intro": ("**Earlier answers.** This exercise calls your own {listed}: paste them into the cells "
                          "after the set-up cell. Later notebooks never contain an earlier exercise's answer."),
        "where": ("This exercise goes with **Chapter {chapter}, “{title}”** of the course *{website}*: on the course "
                  "website, open that chapter from the left-hand menu (its page is `{page}.html`)."),
        "website": "Self-attention, step by step",
        "how": ("**How to work.** Run the set-up cell first. In each answer cell, replace "
                "`raise NotImplementedError()` with your code (numpy only), then run the test cell "
                "below it: when something is wrong, it says what it expected and what came back. "
                "Do not edit or delete the test cells: they are restored when your notebook is graded, "
                "and more (hidden) cases are checked then. Keep the function names and signatures."),
        "earlier_heading": "## Your answers from earlier exercises",
        "earlier_policy": (
            "This exercise builds on functions you wrote "
            "before. The course never hands out an earlier exercise's answer in a later notebook (so "
            "that downloading every notebook on the first day gives nothing away): paste your own "
            "functions into the cells below, then run the check cell under them. It compares them with "
            "precomputed values and tells you which one to fix (in its own exercise, whose tests say "
            "what is wrong) before you go on. The hidden tests of this exercise run with these functions "
            "of yours."),
        "earlier_line": "- `{fn}`, from exercise {chapter}",
        "part_heading": "## Part {n}: {title} ({points})",
        "question_heading": "### Question {n} ({points}, graded by hand)",
        "question_how": ("Answer in a few sentences in the cell below (double-click it to edit). Your instructor "
                         "grades it; the test cells do not."),
    },
    "zh": {
        "point": "{n} 分", "points": "{n} 分",
        "title": "# 练习 {chapter}：{title}",
        "part_line": "{n}. {title}：**{points}**",
        "total": "**总分：{total}**，分为 {parts} 个计分部分：",
        "total_manual": ("**总分：{total}**。其中 {auto} 分由程序自动评分，分为 {parts} 个部分；另外 {manual} 分属于 "
                         "{questions} 道简答题，由老师人工评分（自动评出的分数不含这部分）："),
        "question_line": "- 简答题 {n}（在第 {part} 部分之后）：**{points}，人工评分**",
        "earlier_item": "`{fn}`（练习 {chapter}）", "earlier_join": "、",
        "earlier_intro": ("**前面练习的答案。** 本练习要调用你自己写的 {listed}，请粘贴到设置单元格后面的单元格里。"
                          "后面的笔记本从不包含前面练习的答案。"),
        "where": ("本练习配合课程《{website}》的**第 {chapter} 章“{title}”**：在课程网站的中文版上，从左侧菜单打开这一章"
                  "（页面是 `zh/{page}.html`）。"),
        "website": "自注意力，一步一步",
        "how": ("**做法。** 先运行设置单元格。在每个答案单元格里，把 `raise NotImplementedError()` 换成你的代码"
                "（只用 numpy），再运行它下面的测试单元格：答案有错时，它会说明预期的结果和你的函数返回的结果"
                "（这些消息目前是英文的）。不要修改或删除测试单元格：评分时会恢复这些单元格，还会检查更多（隐藏的）情形。"
                "函数名和参数不要改。"),
        "earlier_heading": "## 你在前面练习中写的答案",
        "earlier_policy": (
            "本练习要用到你以前写过的函数。课程从不在后面的笔记本里给出前面练习的答案（所以第一天就把所有笔记本"
            "都下载下来，也不会泄露任何答案）：请把你自己的函数粘贴到下面的单元格里，再运行它们下方的检查单元格。"
            "检查单元格把它们与预先算好的值比较：如果有错，它会指出该改哪一个（回到那个函数所在的练习去改，那里的"
            "测试会告诉你错在哪里），改好再继续。本练习的隐藏测试用的就是你的这些函数。"),
        "earlier_line": "- `{fn}`，来自练习 {chapter}",
        "part_heading": "## 第 {n} 部分：{title}（{points}）",
        "question_heading": "### 简答题 {n}（{points}，人工评分）",
        "question_how": "请在下面的单元格里用几句话作答（双击即可编辑）。这道题由老师评分，测试单元格不评。",
    },
}


def english(spec):
    """The spec's own words, as a :class:`autograder.assignments.Translation` (the notebooks' English).

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    autograder.assignments.Translation
    """
    return assignments.Translation(spec.chapter_title, spec.intro, {p.id: (p.title, p.prose) for p in spec.parts},
                                   {q.id: q.prompt for q in spec.questions})


def check_translation(spec, texts) -> None:
    """Raise unless a translation has exactly the spec's parts and questions.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    texts : autograder.assignments.Translation
        Its words in another language.

    Raises
    ------
    ValueError
        Naming the assignment and every missing or extra part or question id.
    """
    problems = []
    for what, want, got in (("part", [p.id for p in spec.parts], texts.parts),
                            ("question", [q.id for q in spec.questions], texts.questions)):
        missing, extra = [i for i in want if i not in got], sorted(set(got) - set(want))
        if missing:
            problems.append(f"no text for {what}(s) {', '.join(missing)}")
        if extra:
            problems.append(f"text for {what}(s) {', '.join(extra)} that the spec does not have")
    for pid, value in texts.parts.items():
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            problems.append(f"part {pid}: expected (title, prose), got {type(value).__name__}")
    if problems:
        raise ValueError(f"translation of {spec.id}: " + "; ".join(problems))


def _points(n, lang="en"):
    return WORDS[lang]["point" if n == 1 else "points"].format(n=n)


def points_line(spec, lang="en", texts=None) -> str:
    """The intro's list of points: the automatic parts, then the written questions graded by hand.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    lang : str, default "en"
        A language of :data:`WORDS`.
    texts : autograder.assignments.Translation, optional
        The parts' titles in ``lang`` (default: the spec's own, :func:`english`).

    Returns
    -------
    str
        Markdown: the total, then one line per part and per question.
    """
    w, texts = WORDS[lang], texts or english(spec)
    parts = "\n".join(w["part_line"].format(n=n, title=texts.parts[p.id][0], points=_points(p.points, lang))
                      for n, p in enumerate(spec.parts, 1))
    if not spec.questions:
        return w["total"].format(total=_points(spec.total_points, lang), parts=len(spec.parts)) + f"\n\n{parts}"
    written = "\n".join(w["question_line"].format(n=n, part=_part_number(spec, q), points=_points(q.points, lang))
                        for n, q in enumerate(spec.questions, 1))
    head = w["total_manual"].format(total=_points(spec.total_points + spec.manual_points, lang), auto=spec.total_points,
                                    parts=len(spec.parts), manual=spec.manual_points, questions=len(spec.questions),
                                    s="s" if len(spec.questions) != 1 else "")
    return f"{head}\n\n{parts}\n\n{written}"


def _part_number(spec, question):
    last = spec.parts[-1].id
    return next(n for n, p in enumerate(spec.parts, 1) if p.id == (question.after or last))


def intro_source(spec, lang="en", texts=None) -> str:
    """The notebook's first cell: title, points, the spec's intro, and how to work.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    lang : str, default "en"
        A language of :data:`WORDS`.
    texts : autograder.assignments.Translation, optional
        The spec's words in ``lang`` (default: the spec's own, :func:`english`).

    Returns
    -------
    str
        Markdown.
    """
    w, texts = WORDS[lang], texts or english(spec)
    _, _, earlier = split_helpers(spec)
    policy = ""
    if earlier:
        owners = earlier_answers(spec)
        listed = w["earlier_join"].join(w["earlier_item"].format(fn=f.__name__, chapter=owners[f.__name__].chapter)
                                        for f in earlier)
        policy = w["earlier_intro"].format(listed=listed) + "\n\n"
    return (
        w["title"].format(chapter=spec.chapter, title=texts.chapter_title) + "\n\n"
        + points_line(spec, lang, texts) + "\n\n"
        + textwrap.dedent(texts.intro).strip() + "\n\n"
        + policy
        + w["where"].format(chapter=spec.chapter, title=texts.chapter_title, website=w["website"], page=spec.page)
        + "\n\n" + w["how"] + "\n"
    )


def _earlier_text(spec, earlier, lang="en") -> str:
    """The locked Markdown cell before the earlier exercises' answer cells (``earlier`` from :func:`split_helpers`)."""
    w, owners = WORDS[lang], earlier_answers(spec)
    return (w["earlier_heading"] + "\n\n" + w["earlier_policy"] + "\n\n"
            + "\n".join(w["earlier_line"].format(fn=f.__name__, chapter=owners[f.__name__].chapter) for f in earlier)
            + "\n")


def _part_text(spec, n, part, lang="en", texts=None) -> str:
    """The locked Markdown cell that opens part ``n``: its heading and prose, in ``lang``."""
    title, prose = (texts or english(spec)).parts[part.id]
    return (WORDS[lang]["part_heading"].format(n=n, title=title, points=_points(part.points, lang)) + "\n\n"
            + textwrap.dedent(prose).strip() + "\n")


def _question_text(spec, question, lang="en", texts=None) -> str:
    """The locked Markdown cell of a written question: heading, prompt, how to answer, in ``lang``."""
    w = WORDS[lang]
    n = spec.questions.index(question) + 1
    return (w["question_heading"].format(n=n, points=_points(question.points, lang)) + "\n\n"
            + textwrap.dedent((texts or english(spec)).questions[question.id]).strip()
            + "\n\n" + w["question_how"] + "\n")


def markdown_texts(spec, lang="en", texts=None) -> dict:
    """Every locked Markdown cell of the notebook, by cell id, in one language.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    lang : str, default "en"
        A language of :data:`WORDS`.
    texts : autograder.assignments.Translation, optional
        The spec's words in ``lang`` (default: the spec's own, :func:`english`); checked
        with :func:`check_translation`.

    Returns
    -------
    dict
        ``{cell id: Markdown}``: the intro, the earlier answers' text if any, each part's
        text and each written question's prompt.
    """
    texts = texts or english(spec)
    check_translation(spec, texts)
    out = {"intro": intro_source(spec, lang, texts)}
    _, _, earlier = split_helpers(spec)
    if earlier:
        out["earlier-text"] = _earlier_text(spec, earlier, lang)
    for n, part in enumerate(spec.parts, 1):
        out[f"{part.id}-text"] = _part_text(spec, n, part, lang, texts)
        for q in spec.questions_after(part.id):
            out[f"{q.id}-question"] = _question_text(spec, q, lang, texts)
    return out


def _meta(grade_id, *, grade=False, solution=False, locked=True, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


RUBRIC_NOTE = ("*Rubric, for the instructor (this cell is in the source notebook only: the student's "
               "notebook has \"YOUR ANSWER HERE\" instead).*")


def question_cells(spec, part) -> list:
    """The cells of the written questions after a part.

    Each question is a locked prompt, then nbgrader's "Manually graded answer" (a Markdown
    cell that is both a grade and a solution cell). ``generate_assignment`` replaces the
    answer cell's text, the rubric, with "YOUR ANSWER HERE"; formgrader shows it for grading by hand.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    part : autograder.assignments.Part
        The part the questions follow.

    Returns
    -------
    list of nbformat.NotebookNode
        Two Markdown cells per question.
    """
    v4, cells = nbformat.v4, []
    for q in spec.questions_after(part.id):
        text = _question_text(spec, q)
        cells.append(v4.new_markdown_cell(text, id=f"{q.id}-question", metadata=_meta(f"{q.id}_question")))
        rubric = RUBRIC_NOTE + "\n\n" + textwrap.dedent(q.rubric).strip() + "\n"
        cells.append(v4.new_markdown_cell(rubric, id=f"{q.id}-answer",
                                          metadata=_meta(q.id, grade=True, solution=True, locked=False, points=q.points)))
    return cells


def source_notebook(spec):
    """The nbgrader source notebook of an assignment.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.

    Returns
    -------
    nbformat.NotebookNode
        Intro, set-up, the earlier answers' cells if any, then per part its prose, answer
        cells, test cell and written questions.
    """
    import solutions

    v4 = nbformat.v4
    text = markdown_texts(spec)  # the locked Markdown, by cell id (translated ones replace it, cell by cell)
    cells = [
        v4.new_markdown_cell(text["intro"], id="intro", metadata=_meta("intro")),
        v4.new_code_cell(setup_source(spec), id="setup", metadata=_meta("setup")),
    ]
    _, _, earlier = split_helpers(spec)
    if earlier:
        cells.append(v4.new_markdown_cell(text["earlier-text"], id="earlier-text",
                                          metadata=_meta("earlier_text")))
        for fn in earlier:
            cells.append(v4.new_code_cell(answer_source(fn), id=f"{fn.__name__}-answer",
                                          metadata=_meta(f"{fn.__name__}_answer", solution=True, locked=False)))
        cells.append(v4.new_code_cell(earlier_check_source(spec, earlier), id="earlier-check",
                                      metadata=_meta("earlier_check")))
    for n, part in enumerate(spec.parts, 1):
        cells.append(v4.new_markdown_cell(text[f"{part.id}-text"], id=f"{part.id}-text", metadata=_meta(f"{part.id}_text")))
        for fn in part.answers:
            cells.append(v4.new_code_cell(answer_source(getattr(solutions, fn)), id=f"{fn}-answer",
                                          metadata=_meta(f"{fn}_answer", solution=True, locked=False)))
        cells.append(v4.new_code_cell(test_source(spec, n, part), id=f"{part.id}-test",
                                      metadata=_meta(part.id, grade=True, points=part.points)))
        cells += question_cells(spec, part)
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nb.nbformat_minor = 5
    return nb


def render(nb) -> str:
    """Notebook text as committed: no outputs, no execution counts, stable formatting.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook; its code cells' outputs and execution counts are cleared in place.

    Returns
    -------
    str
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb) + "\n"


def student_notebooks(sources: dict) -> dict:
    """The student notebooks, made by nbgrader's ``generate_assignment`` in a temporary course.

    Parameters
    ----------
    sources : dict
        ``{assignment id: source notebook text}``.

    Returns
    -------
    dict
        ``{assignment id: student notebook text}``.

    Raises
    ------
    RuntimeError
        If ``generate_assignment`` fails.
    """
    out = {}
    with tempfile.TemporaryDirectory(prefix="sa-build-") as tmp:
        grader = api(tmp)
        for aid, text in sources.items():
            spec = assignments.get(aid)
            folder = Path(tmp) / "source" / aid
            folder.mkdir(parents=True)
            (folder / f"{spec.notebook}.ipynb").write_text(text, encoding="utf-8")
            result = grader.generate_assignment(aid, force=True, create=True)
            if not result.get("success"):
                raise RuntimeError(f"generate_assignment {aid} failed:\n{result.get('error')}\n{result.get('log')}")
            nb = nbformat.read(Path(tmp) / "release" / aid / f"{spec.notebook}.ipynb", as_version=4)
            out[aid] = render(nb)
    return out


def translated_notebook(student: str, spec, lang: str, texts) -> str:
    """The student notebook in another language: the same notebook, its locked Markdown translated.

    Every cell of :func:`markdown_texts` gets the text in ``lang``, matched by cell id; the
    code, the ids, the answer cells and the nbgrader metadata stay as nbgrader made them, but
    for the checksums of the translated cells, recomputed (``nbgrader.utils.compute_checksum``)
    so that nbgrader's validation does not call them modified. No second source notebook is
    made: nbgrader knows one notebook per assignment, and the grader restores the locked cells
    of either language from the English source.

    Parameters
    ----------
    student : str
        The English student notebook's text (from :func:`student_notebooks`).
    spec : autograder.assignments.Assignment
        The assignment.
    lang : str
        A language of :data:`WORDS` other than ``"en"``.
    texts : autograder.assignments.Translation
        The spec's words in ``lang``.

    Returns
    -------
    str
        The notebook's text, as :func:`render` writes it.

    Raises
    ------
    ValueError
        If ``texts`` does not cover the spec (:func:`check_translation`), or a cell to
        translate is missing from the notebook or is not a locked Markdown cell.
    """
    from nbgrader.utils import compute_checksum

    words = markdown_texts(spec, lang, texts)
    nb = nbformat.reads(student, as_version=4)
    found = set()
    for cell in nb.cells:
        if cell.get("id") not in words:
            continue
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "markdown" or not meta.get("locked"):
            raise ValueError(f"{spec.id}: cell {cell.id!r} is not a locked Markdown cell; it cannot be translated")
        cell.source = words[cell.id]
        if "checksum" in meta:
            meta["checksum"] = compute_checksum(cell)
        found.add(cell.id)
    if found != set(words):
        raise ValueError(f"{spec.id}: the student notebook has no cell {', '.join(sorted(set(words) - found))}")
    return render(nb)


def translations(ids) -> dict:
    """The other languages' texts of these assignments, those that exist.

    Parameters
    ----------
    ids : iterable of str
        Assignment ids.

    Returns
    -------
    dict
        ``{(assignment id, language): Translation}``; an assignment with no Chinese texts
        yet (no entry in :data:`autograder.assignments.zh.TEXTS`) has no Chinese notebook.
    """
    from autograder.assignments import zh

    return {(aid, "zh"): zh.TEXTS[aid] for aid in ids if aid in zh.TEXTS}


def notebook_path(spec, lang="en") -> Path:
    """Where the student notebook of ``spec`` in ``lang`` is written.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    lang : str, default "en"
        A language of :data:`WORDS`.

    Returns
    -------
    Path
        ``notebooks/<id>/<name>.ipynb`` in English, ``notebooks/<id>/<name>.<lang>.ipynb`` else.
    """
    return NOTEBOOKS / spec.id / (f"{spec.notebook}.ipynb" if lang == "en" else f"{spec.notebook}.{lang}.ipynb")


def outputs(ids, texts=None) -> dict:
    """Every file the build writes for these assignments.

    A committed source notebook that differs from today's only in its numbers, within
    NUMBERS_RTOL (see the top of this module), is kept as it is, and the student notebook is
    made from it: so the two files of an assignment always agree to the digit (the grader
    compares a student's test cells with the released ones as text), whichever machine built
    them.

    Parameters
    ----------
    ids : iterable of str
        Assignment ids.
    texts : dict, optional
        ``{(assignment id, language): Translation}`` (default: :func:`translations`).

    Returns
    -------
    dict
        ``{Path: text}``: the source and the student notebook of each assignment, and its
        student notebook in each language it has texts in (:func:`translated_notebook`).
    """
    sources = {}
    for aid in ids:
        fresh = render(source_notebook(assignments.get(aid)))
        path = SOURCE / aid / f"{assignments.get(aid).notebook}.ipynb"
        committed = path.read_text(encoding="utf-8") if path.exists() else None
        sources[aid] = committed if committed is not None and _same_notebook(committed, fresh) else fresh
    students = student_notebooks(sources)
    files = {}
    for aid in ids:
        name = assignments.get(aid).notebook
        files[SOURCE / aid / f"{name}.ipynb"] = sources[aid]
        files[NOTEBOOKS / aid / f"{name}.ipynb"] = students[aid]
    for (aid, lang), words in (translations(ids) if texts is None else texts).items():
        spec = assignments.get(aid)
        files[notebook_path(spec, lang)] = translated_notebook(students[aid], spec, lang, words)
    return files


# ----------------------------------------------------------------------------- staleness

NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.\d*(?:e[-+]?\d+)?|\d+e[-+]?\d+)(?![\w.])")


def _same_text(old, new):
    """``None`` if two strings differ at most in their float literals, within NUMBERS_RTOL;
    else the first difference, in words."""
    old_parts, new_parts = NUMBER.split(old), NUMBER.split(new)
    old_numbers, new_numbers = NUMBER.findall(old), NUMBER.findall(new)
    if old_parts != new_parts:
        at = next((i for i, (a, b) in enumerate(zip(old_parts, new_parts)) if a != b), min(len(old_parts), len(new_parts)))
        line = "".join(p + n for p, n in zip(new_parts[:at], new_numbers)).count("\n") + 1
        return f"the text differs at line {line}"
    for a, b in zip(old_numbers, new_numbers):
        if not np.isclose(float(a), float(b), rtol=NUMBERS_RTOL, atol=NUMBERS_ATOL):
            return f"the number {a} is now {b}"
    return None


def _checksum_ok(cell):
    """Does a committed cell's nbgrader checksum belong to its own text? (nbgrader computes it
    from the cell, so it changes with any digit; the rest of the cell is compared instead.)"""
    from nbgrader.utils import compute_checksum

    meta = cell.get("metadata", {}).get("nbgrader", {})
    return "checksum" not in meta or meta["checksum"] == compute_checksum(cell)


def _same_json(old, new, where):
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            return f"{where}: the keys differ ({sorted(old.keys() ^ new.keys())})"
        for key in old:
            if key == "checksum" and where.endswith("nbgrader"):
                continue  # checked against the committed cell by _checksum_ok
            why = _same_json(old[key], new[key], f"{where}.{key}")
            if why:
                return why
        return None
    if isinstance(old, list) and isinstance(new, list) and not (old and isinstance(old[0], str)):
        if len(old) != len(new):
            return f"{where}: {len(old)} items, now {len(new)}"
        for n, (a, b) in enumerate(zip(old, new)):
            why = _same_json(a, b, f"{where}[{n}]")
            if why:
                return why
        return None
    if isinstance(old, list) and isinstance(new, list):  # a cell's source, as lines
        old, new = "".join(old), "".join(new)
    if isinstance(old, str) and isinstance(new, str):
        why = _same_text(old, new)
        return f"{where}: {why}" if why else None
    return None if old == new else f"{where}: {old!r} is now {new!r}"


def difference(committed: str, built: str) -> str | None:
    """Where a committed notebook differs from today's build, numbers compared as numbers.

    Parameters
    ----------
    committed : str
        The committed notebook's text.
    built : str
        Today's build of it.

    Returns
    -------
    str or None
        ``None`` if they are the same (see the top of this module); else where they first
        differ, in words.
    """
    old, new = nbformat.reads(committed, as_version=4), nbformat.reads(built, as_version=4)
    for n, (a, b) in enumerate(zip(old.get("cells", []), new.get("cells", []))):
        where = f"cell {b.get('id', n)!r}"
        why = _same_json(a, b, where)
        if why:
            return why
        if not _checksum_ok(a):
            return f"{where}: its nbgrader checksum does not match its text"
    old_rest = {k: v for k, v in old.items() if k != "cells"}
    new_rest = {k: v for k, v in new.items() if k != "cells"}
    if len(old.get("cells", [])) != len(new.get("cells", [])):
        return f"{len(old.get('cells', []))} cells, now {len(new.get('cells', []))}"
    return _same_json(old_rest, new_rest, "notebook metadata")


def _same_notebook(committed, built):
    try:
        return committed == built or difference(committed, built) is None
    except (ValueError, nbformat.reader.NotJSONError):  # not a notebook any more
        return False


def stale_files(files: dict) -> dict:
    """The files that are missing or not what the build makes.

    Parameters
    ----------
    files : dict
        ``{Path: text}``, from :func:`outputs`.

    Returns
    -------
    dict
        ``{Path: why}``, why in words.
    """
    stale = {}
    for path, text in files.items():
        if not path.exists():
            stale[path] = "missing"
            continue
        committed = path.read_text(encoding="utf-8")
        if committed != text:
            try:
                why = difference(committed, text) or "not what its committed source notebook makes, to the digit"
            except (ValueError, nbformat.reader.NotJSONError) as exc:
                why = f"not a notebook ({exc})"
            stale[path] = why
    return stale


def main(argv=None) -> int:
    """``python -m autograder build``: write the stale notebooks, or list them with ``--check``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 1 when ``--check`` finds a stale file, else 0.
    """
    parser = argparse.ArgumentParser(prog="python -m autograder build", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed file is stale")
    args = parser.parse_args(argv)
    if not NOTEBOOKS.is_dir():
        parser.error(f"there is no {NOTEBOOKS}: the build rewrites the notebooks of a clone of the course, "
                     "with the course installed from it (pip install -e .)")
    ids = args.assignments or assignments.ids()
    for aid in ids:
        try:
            assignments.get(aid)
        except ValueError as exc:
            parser.error(str(exc))
    files = outputs(ids)
    stale = stale_files(files)
    if args.check:
        for p, why in stale.items():
            print(f"stale: {p.relative_to(ROOT)} ({why}; run python -m autograder build)")
        return 1 if stale else 0
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(files[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    print(f"{len(files) - len(stale)} file(s) already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
