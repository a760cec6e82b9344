"""``python -m autograder similarity OUT [OUT ...] --to DIR``: pairs of students whose answers look alike.

Only the students' own code is compared: the answer cells (nbgrader solution cells that are
graded automatically) of each graded notebook in OUT (``OUT/autograded/<student>/...``, named
by the journal), each answer against the same answer of every other student of that
assignment. The comparison is copydetect's (winnowing fingerprints, the MOSS approach: code
tokenised by Pygments, names, strings and comments replaced or dropped, so renaming variables
changes nothing), with the released template of the same cell (the signature and docstring of
the source notebook ``autograder/source/<assignment>/``, its solution left out, and nbgrader's
code stub) given as boilerplate: what every student was handed matches no one. Code that
more than ``common`` of the class wrote alike (and at least five students) is left out too,
as MOSS's ``-m`` does: the usual way to write a function is no sign of copying.

Written to DIR:

``similarity.html``
    The pairs, most alike first: both students as in OUT's grades.csv, for each answer that
    matched the share of each one's code of that answer that matched (of the code left after
    the template and the common code), and a link to a page
    with the two notebooks' answers side by side, the matching slices highlighted
    (``similarity/<assignment>-<rank>.html``). Listed: the pairs with an answer at least
    ``threshold`` alike, and the pairs that share a rare named mistake. A pair is marked when
    both made the same named mistake (a catalogued mistake or a family of mistakes, from the
    journal) that fewer than ``rare`` of the class made: two correct answers look alike by
    nature (there are few ways to write a softmax), the same rare mistake is stronger evidence.
    Similarity is a reason to look, not proof; the page says so.
``similarity.csv``
    The same pairs, one row per pair and answer that matched, through
    :mod:`autograder.store.csv_safe`.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
from itertools import combinations
from pathlib import Path

from autograder.errors import GraderError
from autograder.reports.export import one_out_per_assignment
from autograder import assignments
from autograder.store import csv_safe
from autograder.store.files import write_if_changed
from autograder.store.journal import read_journal
from autograder.store.outdir import OutDir

THRESHOLD = 0.5  # an answer at least this alike (the larger of the two shares) lists the pair
RARE = 0.10  # a named mistake made by fewer than this share of the class is rare
NOISE = 25  # copydetect's noise threshold (its default): shorter matches are ignored
COMMON = 0.2  # code held by more than this share of the class is left out, like the template
COMMON_AT_LEAST = 5  # ... and by at least this many students: a small ring copying is never left out
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.MULTILINE | re.DOTALL)
CAUTION = ("Similarity is a reason to look, not proof. Short correct functions look alike by nature: there "
           "are few ways to write a softmax. Read both notebooks, and hear the students, before you conclude "
           "anything.")


class SimilarityError(GraderError):
    """An OUT folder that cannot be read; the message says which and why."""


@dataclasses.dataclass
class Student:
    """One student's answers and named mistakes.

    Attributes
    ----------
    student_id : str
    name : str
    answers : dict
        ``{answer cell id: code}``.
    named : set of str
        The named mistakes of the journal: ``"mistake <id>"`` and ``"family <id>"``.
    """

    student_id: str
    name: str
    answers: dict  # answer cell id -> code
    named: set  # the named mistakes of the journal: "mistake <id>" and "family <id>"


@dataclasses.dataclass
class Match:
    """One answer of a pair: the share of each one's code that matched, and where.

    Attributes
    ----------
    shares : tuple of (float, float)
        The share of a's answer and of b's answer that matched, 0 to 1.
    tokens : int
        The matched tokens.
    slices : tuple of ndarray
        copydetect's slices of a's and of b's code (2 × n arrays).
    """

    shares: tuple  # (share of a's answer, share of b's answer), 0..1
    tokens: int  # matched tokens
    slices: tuple  # copydetect's slices of a's and of b's code (2xN arrays)


@dataclasses.dataclass
class Pair:
    """Two students of one assignment whose answers look alike, or who share a rare mistake.

    Attributes
    ----------
    assignment : str
        The assignment's id.
    a, b : Student
    matches : dict
        ``{answer cell id: Match}``, for the answers with any match.
    rare : list of str
        The rare named mistakes both made.
    """

    assignment: str
    a: Student
    b: Student
    matches: dict  # answer cell id -> Match (answers with any match)
    rare: list  # the rare named mistakes both made

    @property
    def similarity(self) -> float:
        """The largest share of any matched answer, 0 when none matched."""
        return max((max(m.shares) for m in self.matches.values()), default=0.0)

    @property
    def tokens(self) -> int:
        """The matched tokens, over every answer."""
        return sum(m.tokens for m in self.matches.values())


@dataclasses.dataclass
class Class:
    """One assignment's OUT, read.

    Attributes
    ----------
    out : Path
    spec : autograder.assignments.Assignment
    cells : list of str
        The answer cell ids, in notebook order.
    templates : dict
        ``{answer cell id: the released template}``.
    students : list of Student
        The students with a graded notebook.
    skipped : list of str
        The ids of those without one.
    """

    out: Path
    spec: object
    cells: list  # answer cell ids, in notebook order
    templates: dict  # answer cell id -> the released template
    students: list  # [Student] with a graded notebook
    skipped: list  # student ids without one


def named(part):
    """The named mistakes of one part of a journal result: ``{"mistake <id>", "family <id>"}``.

    Parameters
    ----------
    part : autograder.model.PartResult

    Returns
    -------
    set of str
    """
    return {key for key, given in ((f"mistake {part.mistake}", part.mistake), (f"family {part.family}", part.family))
            if given}


def _named_all(result):
    found = set()
    for part in (result.parts.values() if result else ()):
        found |= named(part)
    return found


def templates(spec, cells) -> dict[str, str]:
    """What the released notebook holds in each answer cell.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
    cells : collection of str
        Answer cell ids.

    Returns
    -------
    dict
        ``{answer cell id: the source cell, its solution replaced by nbgrader's code stub}``.
    """
    from nbgrader.preprocessors import ClearSolutions

    from autograder.authoring.course import SOURCE

    stub = ClearSolutions().code_stub["python"]

    def cleared(m):  # the stub, indented as the solution was
        indent = re.match(r"[ \t]*", m.group(0)).group(0)
        return "".join(f"{indent}{line}\n" for line in stub.splitlines())

    nb = json.loads((SOURCE / spec.id / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        gid = (cell["metadata"].get("nbgrader") or {}).get("grade_id")
        if gid in cells:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found[gid] = SOLUTION.sub(cleared, text)
    return found


def read_class(out) -> Class:
    """The answers of every student of one OUT.

    Parameters
    ----------
    out : str or os.PathLike
        The OUT folder of one assignment's grade run.

    Returns
    -------
    Class

    Raises
    ------
    SimilarityError
        When OUT is not a grade run's folder or has no readable ``grades.csv``.
    """
    out = Path(out)
    try:
        snapshot = json.loads(OutDir(out).source_json.read_text(encoding="utf-8"))
        spec = assignments.get(snapshot["assignment"])
    except (OSError, ValueError, KeyError) as exc:
        raise SimilarityError(f"{out}: not the OUT folder of a grade run ({exc})") from None
    cells = [c["name"] for c in snapshot.get("cells", []) if c.get("solution") and not c.get("grade")]
    path = OutDir(out).grades_csv
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = [{k: csv_safe.read_cell(v or "") for k, v in row.items()} for row in csv.DictReader(f)]
    except OSError as exc:
        raise SimilarityError(f"{out}: cannot read grades.csv ({exc}); grade the assignment first") from None
    students, skipped = [], []
    for row in rows:
        sid = row["student_id"]
        result = read_journal(out, sid)
        rel = result.autograded if result else None
        try:  # the grader wrote it with nbformat (validated): read as JSON, several times faster
            nb = json.loads((out / rel).read_text(encoding="utf-8")) if rel else None
        except (OSError, ValueError):
            nb = None
        if not isinstance(nb, dict):
            skipped.append(sid)
            continue
        answers = {}
        for cell in nb.get("cells", []):
            gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
            if gid in cells and cell.get("cell_type") == "code":
                source = cell.get("source", "")
                answers[gid] = "".join(source) if isinstance(source, list) else source
        students.append(Student(sid, row.get("name") or sid, answers, _named_all(result)))
    return Class(out, spec, cells, templates(spec, cells), students, skipped)


def fingerprints(klass, noise: int = NOISE, common: float = COMMON) -> dict[str, list]:
    """The fingerprints of every answer, boilerplate left out.

    Boilerplate, as copydetect's ``CopyDetector`` takes it: the template's fingerprints, and
    (as MOSS's ``-m``) those that more than ``common`` of the class's students and at least
    :data:`COMMON_AT_LEAST` of them hold: the way most of the class wrote it is no sign of copying.

    Parameters
    ----------
    klass : Class
        One assignment's OUT, read.
    noise : int, default NOISE
        copydetect's noise threshold, in tokens.
    common : float, default COMMON
        The share of the class above which shared code is boilerplate.

    Returns
    -------
    dict
        ``{answer cell id: [copydetect CodeFingerprint, or None for an answer left as the template,
        one per student]}``.
    """
    from collections import Counter

    from copydetect import CodeFingerprint
    from copydetect.utils import get_document_fingerprints, get_token_coverage

    def fingerprint(code, boilerplate):
        # window 1: every k-gram is a fingerprint (copydetect's default guarantee threshold equals its noise threshold)
        return CodeFingerprint("answer.py", noise, 1, boilerplate, language="python", fp=io.StringIO(code))

    found = {}
    for cell in klass.cells:
        template = klass.templates.get(cell, "")
        boilerplate = list(fingerprint(template, []).hashes)
        texts = {}  # code -> its fingerprint: an answer handed in by several students is tokenised once
        prints = [None] * len(klass.students)
        for i, s in enumerate(klass.students):
            code = s.answers.get(cell, template)
            if code.strip() != template.strip():
                prints[i] = texts.get(code) or texts.setdefault(code, fingerprint(code, boilerplate))
        counts = Counter(h for fp in prints if fp is not None for h in fp.hashes)
        held = max(common * len(klass.students), COMMON_AT_LEAST - 1)
        shared = [h for h, c in counts.items() if c > held]
        for fp in texts.values():
            if shared and not fp.hashes.isdisjoint(shared):  # the common code becomes boilerplate too
                fp.hashes, fp.hash_idx = get_document_fingerprints(fp.filtered_code, noise, 1, boilerplate + shared)
                fp.token_coverage = get_token_coverage(fp.hash_idx, noise, len(fp.filtered_code))
        found[cell] = prints
    return found


def rare_mistakes(klass, rare: float = RARE) -> set[str]:
    """The named mistakes that at least two but fewer than ``rare`` of the class's students made.

    Parameters
    ----------
    klass : Class
        One assignment's OUT, read.
    rare : float, default RARE
        A share of the class.

    Returns
    -------
    set of str
        ``"mistake <id>"`` and ``"family <id>"`` keys.
    """
    counts = {}
    for s in klass.students:
        for key in s.named:
            counts[key] = counts.get(key, 0) + 1
    n = len(klass.students)
    return {key for key, c in counts.items() if c >= 2 and c < rare * n}


def pairs(klass, threshold: float = THRESHOLD, rare: float = RARE, common: float = COMMON,
          noise: int = NOISE) -> list[Pair]:
    """The pairs of one class to list, most alike first.

    Parameters
    ----------
    klass : Class
        One assignment's OUT, read.
    threshold : float, default THRESHOLD
        A pair is listed when an answer is at least this alike (the larger of its two shares) ...
    rare : float, default RARE
        ... or when both made a named mistake made by fewer than this share of the class.
    common, noise
        As in :func:`fingerprints`.

    Returns
    -------
    list of Pair
    """
    from copydetect import compare_files

    fps = fingerprints(klass, noise, common)
    rare_keys = rare_mistakes(klass, rare)
    matches = {}  # (i, j) -> {cell: Match}
    for cell, prints in fps.items():
        holders = {}  # fingerprint -> the students whose answer has it
        for i, fp in enumerate(prints):
            for h in fp.hashes if fp is not None else ():
                holders.setdefault(h, []).append(i)
        candidates = {(i, j) for students in holders.values() for i, j in combinations(students, 2)}
        for i, j in candidates:
            tokens, shares, slices = compare_files(prints[i], prints[j])
            if tokens:
                matches.setdefault((i, j), {})[cell] = Match((float(shares[0]), float(shares[1])), int(tokens), slices)
    members = klass.students
    sharing = {}
    by_key = {}
    for i, s in enumerate(members):
        for key in s.named & rare_keys:
            by_key.setdefault(key, []).append(i)
    for key, who in by_key.items():
        for i, j in combinations(who, 2):
            sharing.setdefault((i, j), []).append(key)
    listed = []
    for i, j in set(matches) | set(sharing):
        pair = Pair(klass.spec.id, members[i], members[j], matches.get((i, j), {}), sorted(sharing.get((i, j), [])))
        if pair.rare or pair.similarity >= threshold:
            listed.append(pair)
    return sorted(listed, key=lambda p: (-p.similarity, -p.tokens, p.a.student_id, p.b.student_id))


# ----------------------------------------------------------------------------- the pages

STYLE = """body{font-family:sans-serif;max-width:75em;margin:2em auto;padding:0 1em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
.caution{background:#fff4d6;border:1px solid #d9b44a;padding:.5em 1em}.rare{color:#a0200f;font-weight:bold}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap}
mark{background:#ffd27a}"""


def _percent(x):
    return f"{100 * x:.0f}%"


def _who(s):
    esc = html.escape
    return f"{esc(s.name)} <small>(<code>{esc(s.student_id)}</code>)</small>"


def _mistake_text(keys):
    return ", ".join(keys)


def page_name(pair, rank: int) -> str:
    """The path of a pair's page, relative to the report's folder.

    Parameters
    ----------
    pair : Pair
    rank : int
        The pair's rank in the report, from 1.

    Returns
    -------
    str
        ``similarity/<assignment>-<rank>.html``.
    """
    return f"similarity/{pair.assignment}-{rank}.html"


def pair_page(pair, klass, rank: int) -> str:
    """The two students' answers side by side, the matching slices highlighted.

    Parameters
    ----------
    pair : Pair
    klass : Class
        One assignment's OUT, read.
    rank : int
        The pair's rank in the report, from 1.

    Returns
    -------
    str
        An HTML page.
    """
    from copydetect.utils import highlight_overlap

    esc = html.escape
    blocks = []
    for cell in klass.cells:
        codes = (pair.a.answers.get(cell, ""), pair.b.answers.get(cell, ""))
        match = pair.matches.get(cell)
        shown = []
        for k, code in enumerate(codes):
            if match is not None and match.slices[k].shape[-1] > 0:
                text, _ = highlight_overlap(code, match.slices[k], "<mark>", "</mark>", escape_html=True)
            else:
                text = esc(code)
            shown.append(f"<pre>{text}</pre>")
        head = (f"{_percent(match.shares[0])} of the first's code and {_percent(match.shares[1])} of the second's "
                "matched" if match else "no match")
        blocks.append(f"<h2><code>{esc(cell)}</code> <small>({head})</small></h2><div class='side'>{''.join(shown)}</div>")
    mark = (f"<p class='rare'>Both made a rare named mistake: {esc(_mistake_text(pair.rare))}.</p>" if pair.rare else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pair {rank}: {esc(pair.a.name)} and {esc(pair.b.name)}</title>
<style>{STYLE}</style></head><body>
<p><a href="../similarity.html">All pairs</a></p>
<h1>{esc(pair.assignment)}, pair {rank}</h1>
<p class="caution">{esc(CAUTION)}</p>
<div class="side"><div>{_who(pair.a)}</div><div>{_who(pair.b)}</div></div>
{mark}
{''.join(blocks)}
</body></html>
"""


def report_page(found, classes, threshold: float, rare: float, common: float) -> str:
    """The report's page: the pairs, most alike first, and the students not compared.

    Parameters
    ----------
    found : list of (Pair, str)
        The pairs, ranked, each with its page's path.
    classes : list of Class
    threshold, rare, common : float
        As in :func:`pairs`, for the page's explanation.

    Returns
    -------
    str
        An HTML page.
    """
    esc = html.escape
    rows = []
    for rank, (pair, page) in enumerate(found, 1):
        answers = "<br>".join(f"<code>{esc(cell)}</code> {_percent(m.shares[0])} / {_percent(m.shares[1])}"
                              for cell, m in sorted(pair.matches.items(), key=lambda cm: -max(cm[1].shares)))
        mark = (f"<span class='rare'>&#9873; rare mistake shared: {esc(_mistake_text(pair.rare))}</span>"
                if pair.rare else "")
        rows.append(f"<tr class='{'marked' if pair.rare else 'pair'}'><td>{rank}</td><td><code>{esc(pair.assignment)}</code></td>"
                    f"<td>{_who(pair.a)}</td><td>{_who(pair.b)}</td><td>{_percent(pair.similarity)}</td>"
                    f"<td>{answers or 'none'}</td><td>{mark}</td><td><a href=\"{esc(page)}\">side by side</a></td></tr>")
    skipped = "".join(f"<li><code>{esc(k.spec.id)}</code>: {len(k.skipped)} student(s) without a graded notebook "
                      f"({esc(', '.join(k.skipped[:10]))}{', ...' if len(k.skipped) > 10 else ''})</li>"
                      for k in classes if k.skipped)
    table = (f"<table id='pairs'><tr><th>rank</th><th>assignment</th><th>first student</th><th>second student</th>"
             f"<th>most alike answer</th><th>answers that matched: share of the first's / the second's code</th>"
             f"<th>mark</th><th>code</th></tr>{''.join(rows)}</table>" if rows else
             "<p id='pairs'>No pair of students reached the threshold or shared a rare mistake.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Similar answers</title><style>{STYLE}</style></head><body>
<h1>Similar answers</h1>
<p class="caution">{esc(CAUTION)}</p>
<p>{sum(len(k.students) for k in classes)} graded notebook(s) of {len(classes)} assignment(s):
{", ".join(esc(k.spec.id) for k in classes)}. Each answer was compared with the same answer of every other
student of its assignment, by copydetect (winnowing fingerprints of the code tokenised by Pygments: names,
strings and comments do not count, so renamed variables still match), the released template of the cell left
out, and the code that more than {_percent(common)} of the class (at least {COMMON_AT_LEAST} students) wrote
alike. The shares are of each one's code left after that. Listed: the pairs with an answer at least {_percent(threshold)} alike (the larger of the two shares), and
the pairs marked &#9873;: both made the same named mistake (a catalogued mistake or a family of mistakes)
that fewer than {_percent(rare)} of the class made. Two correct answers that look alike are weak evidence;
the same rare mistake is stronger.</p>
{table}
{f"<p>Not compared:</p><ul>{skipped}</ul>" if skipped else ""}
</body></html>
"""


CSV_HEADER = ["rank", "assignment", "first_id", "first_name", "second_id", "second_name", "similarity", "answer",
              "first_matched", "second_matched", "rare_mistakes_shared", "page"]


def report_csv(found) -> str:
    """The report as CSV: one row per matched answer of each pair (one row for a pair with none).

    Parameters
    ----------
    found : list of (Pair, str)
        As in :func:`report_page`.

    Returns
    -------
    str
        CSV text, headed by :data:`CSV_HEADER`.
    """
    buf = io.StringIO()
    w = csv_safe.writer(buf)  # no cell can start a formula
    w.writerow(CSV_HEADER)
    for rank, (pair, page) in enumerate(found, 1):
        for cell, m in sorted(pair.matches.items(), key=lambda cm: -max(cm[1].shares)) or [("", None)]:
            w.writerow([rank, pair.assignment, pair.a.student_id, pair.a.name, pair.b.student_id, pair.b.name,
                        f"{pair.similarity:.3f}", cell, f"{m.shares[0]:.3f}" if m else "",
                        f"{m.shares[1]:.3f}" if m else "", "; ".join(pair.rare), page])
    return buf.getvalue()


def similarity(outs, to, threshold: float = THRESHOLD, rare: float = RARE,
               common: float = COMMON) -> tuple[list[Path], int]:
    """Write ``similarity.html``, ``similarity.csv`` and one page per pair into ``to``.

    Parameters
    ----------
    outs : iterable of str or os.PathLike
        One OUT folder per assignment.
    to : str or os.PathLike
        The folder to write.
    threshold, rare, common : float
        As in :func:`pairs`.

    Returns
    -------
    paths : list of Path
        ``similarity.html`` and ``similarity.csv``.
    listed : int
        The number of pairs listed.

    Raises
    ------
    SimilarityError
        When an OUT cannot be read, or two hold the same assignment.
    """
    classes = [read_class(out) for out in outs]
    one_out_per_assignment(classes, SimilarityError)
    to = Path(to)
    found = []
    for k in classes:
        for pair in pairs(k, threshold, rare, common):
            found.append((pair, k))
    found.sort(key=lambda pk: (-pk[0].similarity, -pk[0].tokens, pk[0].assignment))
    listed = []
    for rank, (pair, k) in enumerate(found, 1):
        page = page_name(pair, rank)
        write_if_changed(to / page, pair_page(pair, k, rank))
        listed.append((pair, page))
    write_if_changed(to / "similarity.html", report_page(listed, classes, threshold, rare, common))
    write_if_changed(to / "similarity.csv", report_csv(listed))
    return [to / "similarity.html", to / "similarity.csv"], len(listed)
