"""Grading one student: a self-contained task, safe to run in any worker process.

:func:`grade` takes a :class:`autograder.model.Task` and returns a
:class:`autograder.model.Result` (its fields are documented there; the status rule is
:class:`autograder.model.Status`). It never reads the gradebook (the source cells come inside
the task, see :func:`autograder.store.prepare.source_snapshot`), and writes only under the
task's ``out``: the autograded notebook and the feedback page. The caller alone writes the
gradebook.

:func:`run` is the same work with no file system of the grader's at all: the notebook's bytes
come inside the task (:func:`carry_notebook`) and the two files come back beside the result
(``{path relative to OUT: text}``, written by :func:`store_files`). That is what a Dask
worker on another machine runs (:mod:`autograder.run.cluster`); :func:`grade` is :func:`run`
followed by :func:`store_files`, so both give the same files and the same result.

A failed part whose mistake is named gets a "Reread:" line on the feedback page, with a link
to the book's section that teaches the function it was made in (the task's ``reread``).

Steps: read and validate (``corrupt`` on failure) → clear outputs, repair duplicate cell
ids, drop nbgrader metadata that does not belong to a source cell, restore the locked and
test cells from the source (also deleted ones) → run in the sandbox
(:class:`autograder.run.execute.SandboxExecute`) → :class:`autograder.judge.check.ProbeCheck`
→ nbgrader's ``LimitOutput`` → scores with nbgrader's ``determine_grade`` → autograded
notebook and feedback HTML (nbgrader's feedback template, hidden tests removed).
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import os
import signal
import time
import traceback
import uuid
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

from autograder.model import ManualResult, PartResult, Result, Status, Task
from autograder.store.files import atomic_write
from autograder.store.outdir import OutDir
from autograder.intake.intake import MAX_NOTEBOOK_BYTES
from autograder.run.context import WorkerContext, feedback_exporter
from autograder.sandbox.limits import Limits

def is_manual(cell):
    """Is this source cell graded by hand (nbgrader's "Manually graded answer": grade and solution)?

    Parameters
    ----------
    cell : dict
        A cell of the source snapshot (``name``, ``points``, ``grade``, ``solution``, ...).

    Returns
    -------
    bool
    """
    return bool(cell["grade"] and cell["solution"])


def result_skeleton(task: Task) -> Result:
    """The result of a task before its notebook runs: every part at 0, status ``graded``.

    Parameters
    ----------
    task : Task

    Returns
    -------
    Result
    """
    cells = task.source["cells"]
    parts = {c["name"]: PartResult(0.0, float(c["points"])) for c in cells if c["grade"] and not is_manual(c)}
    manual = {c["name"]: ManualResult(float(c["points"])) for c in cells if is_manual(c)}
    return Result(task.student_id, task.assignment, digest=task.digest, status=Status.GRADED,
                  max_score=sum(p.max_score for p in parts.values()), parts=parts, manual=manual,
                  notes=list(task.notes))


def failed(task: Task, note: str) -> Result:
    """The result of a task that could not run to its end.

    Parameters
    ----------
    task : Task
    note : str
        What went wrong (shown to the student and in the report).

    Returns
    -------
    Result
        Status ``error``, every part at 0, with ``note``.
    """
    result = result_skeleton(task)
    result.status = Status.ERROR
    result.notes.append(note)
    return result


# ----------------------------------------------------------------------------- reading

class Corrupt(Exception):
    pass


MAX_CELLS_BYTES = 32 * 1024**2  # what a notebook may hold once its outputs are dropped
_MiB = 1024**2
CLEAR_OUTPUTS = ("clear its outputs (in Jupyter: Edit > Clear Outputs of All Cells, or Kernel > Restart "
                 "Kernel and Clear Outputs), save it, and hand it in again")


def read_notebook(path):
    """The notebook as nbformat v4, with its saved outputs dropped, or `Corrupt` saying why not.

    A notebook is judged by its code: saved outputs never count, so they are dropped as soon
    as the file is parsed, whatever their size (up to ``MAX_NOTEBOOK_BYTES`` for the file).
    What remains must fit ``MAX_CELLS_BYTES``. Anything that is not a readable notebook, of
    whatever shape (bad UTF-8, broken or absurdly nested JSON, cells of the wrong type), is
    `Corrupt`, never a grader error.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    NotebookNode

    Raises
    ------
    Corrupt
        Saying what is wrong, and what the student can do about it.
    """
    path = Path(path)
    _check_size(path.stat().st_size)
    return parse_notebook(path.read_bytes())


def _check_size(size):
    if size == 0:
        raise Corrupt("the notebook file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise Corrupt(f"the notebook file is {size / _MiB:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // _MiB} MiB "
                      f"that the grader reads; {CLEAR_OUTPUTS}")


def carry_notebook(task: Task) -> Task:
    """The task with the notebook's bytes inside, for a worker that cannot see the grader's files.

    A file over ``MAX_NOTEBOOK_BYTES`` is not read: only its size travels, and the worker finds
    it `Corrupt` as `read_notebook` would.

    Parameters
    ----------
    task : Task

    Returns
    -------
    Task
        With ``size`` and ``data`` instead of ``path`` (unchanged when there is no notebook).
    """
    if task.path is None:
        return task
    size = os.stat(task.path).st_size
    return dataclasses.replace(task, path=None, size=size,
                               data=Path(task.path).read_bytes() if size <= MAX_NOTEBOOK_BYTES else None)


def _task_notebook(task):
    """The task's notebook: from its carried bytes, or else from its path."""
    if task.carried:
        _check_size(task.size)
        return parse_notebook(task.data)
    return read_notebook(task.path)


def parse_notebook(data):
    """`read_notebook` for bytes already read (the size checked).

    Parameters
    ----------
    data : bytes

    Returns
    -------
    NotebookNode

    Raises
    ------
    Corrupt
    """
    try:
        raw = _parse(data)
        if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list) or "nbformat" not in raw:
            raise Corrupt("the file is JSON but not a Jupyter notebook (no cells/nbformat)")
        for cell in raw["cells"]:
            if isinstance(cell, dict) and "outputs" in cell:
                cell["outputs"], cell["execution_count"] = [], None
        return _to_notebook(raw)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise Corrupt(f"the notebook could not be read ({type(exc).__name__}: {exc})") from None


def _parse(data):
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        return _parse(data.decode("utf-8", errors="replace"))
    except RecursionError:
        raise Corrupt("the notebook's JSON is nested too deeply to be a notebook") from None
    except ValueError as exc:
        raise Corrupt(f"the notebook is not valid JSON ({exc})") from None


def repair_cell_ids(cells, add_missing):
    """Give the cells unique ids, deterministically (nbformat would pick random ones).

    Parameters
    ----------
    cells : list of dict
        A notebook's cells, as parsed JSON or nbformat's nodes; changed in place.
    add_missing : bool
        Whether a cell without an id gets one (not in a v4.4 notebook, whose schema has none).

    Returns
    -------
    int
        How many ids were renamed: each one that is not a non-empty string or repeats an earlier one.
    """
    seen, renamed = set(), 0
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or ("id" not in cell and not add_missing):
            continue
        cid = cell.get("id")
        if isinstance(cid, str) and cid and cid not in seen:
            seen.add(cid)
            continue
        renamed += "id" in cell
        cell["id"] = f"cell-{i}-{uuid.uuid5(uuid.NAMESPACE_OID, str(cid) + str(i)).hex[:8]}"
        seen.add(cell["id"])
    return renamed


def _to_notebook(raw):
    """nbformat's notebook from parsed JSON whose outputs are gone; cell ids repaired."""
    dup = repair_cell_ids(raw["cells"], add_missing=False)  # a v4.4 notebook's cells have none
    text = json.dumps(raw)
    if len(text) > MAX_CELLS_BYTES:
        raise Corrupt(f"without its outputs the notebook still holds {len(text) / _MiB:.0f} MiB, over "
                      f"{MAX_CELLS_BYTES // _MiB} MiB: remove the large data pasted into its cells or "
                      "attachments, and hand it in again")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        raise Corrupt(f"the notebook could not be read by nbformat ({type(exc).__name__}: {exc})") from None
    if dup:
        nb.metadata["duplicate_cell_ids"] = dup
    for i, cell in enumerate(nb.cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise Corrupt(f"cell {i} is not a code, markdown or raw cell")
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if not isinstance(cell.get("source", ""), str):
            raise Corrupt(f"cell {i} has no text source")
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.from_dict({})
    return nb


# ----------------------------------------------------------------------------- sanitising

def _new_cell(cell_type, source, cell_id, metadata):
    make = {"code": new_code_cell, "markdown": new_markdown_cell, "raw": new_raw_cell}[cell_type]
    cell = make(source=source, metadata=copy.deepcopy(metadata))
    cell["id"] = cell_id
    return cell


def _nbgrader_meta(src):
    meta = {"grade": src["grade"], "solution": src["solution"], "locked": src["locked"],
            "grade_id": src["name"], "schema_version": 3, "task": False}
    if src["grade"]:
        meta["points"] = src["points"]
    if src.get("checksum"):
        meta["checksum"] = src["checksum"]
    return meta


def sanitise(nb, source):
    """Make a submitted notebook fit to grade, in place.

    Clears its outputs, repairs its cell ids, drops nbgrader metadata that belongs to no source
    cell, and restores the locked and test cells from ``source`` (also those the student deleted).

    Parameters
    ----------
    nb : NotebookNode
        The student's notebook.
    source : dict
        The source snapshot (:func:`autograder.store.prepare.source_snapshot`).

    Returns
    -------
    list of str
        Notes for the student on what was repaired or restored.
    """
    notes = []
    # 1. outputs of the submission never count
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    dup = repair_cell_ids(nb.cells, add_missing=True)
    dup += nb.metadata.pop("duplicate_cell_ids", 0)
    if dup:
        notes.append(f"{dup} duplicate cell id(s) renamed")
    # 2. nbgrader metadata: only the first cell of each source cell's id keeps it
    by_name = {c["name"]: c for c in source["cells"]}
    present = {}
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if meta is not None and (gid not in by_name or gid in present):
            if gid in present:
                notes.append(f"cell {gid!r} appears twice; the copy was graded as an ordinary cell")
            del cell.metadata["nbgrader"]
            continue
        if gid is None:
            continue
        src = by_name[gid]
        present[gid] = i
        if src["locked"] or (src["grade"] and not src["solution"]):
            if src["grade"] and (cell.cell_type != src["cell_type"] or cell.source not in (src["source"], src.get("release"))):
                notes.append(f"test cell {gid!r} was edited; restored from the source")
            # always: the source holds the hidden tests the student never saw
            nb.cells[i] = _new_cell(src["cell_type"], src["source"], cell["id"], cell.metadata)
        nb.cells[i].metadata["nbgrader"] = _nbgrader_meta(src)
    # 3. deleted locked/test cells come back after the previous source cell that is present
    order = [c["name"] for c in source["cells"]]
    for k, name in enumerate(order):
        src = by_name[name]
        if name in present or not (src["locked"] or src["grade"]):
            continue
        at = 0
        for prev in reversed(order[:k]):
            if prev in present:
                at = present[prev] + 1
                break
        # a written answer comes back as handed out: its source holds the instructor's rubric
        text = src.get("release", src["source"]) if src["solution"] else src["source"]
        cell = _new_cell(src["cell_type"], text, f"restored-{name}", {})
        cell.metadata["nbgrader"] = _nbgrader_meta(src)
        nb.cells.insert(at, cell)
        present = {n: (j + 1 if j >= at else j) for n, j in present.items()}
        present[name] = at
        notes.append(f"{'test' if src['grade'] else 'locked'} cell {name!r} was missing; restored from the source")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notes


# ----------------------------------------------------------------------------- feedback

def feedback_page(nb: nbformat.NotebookNode, result: Result, task: Task, exporter=None) -> str:
    """nbgrader's feedback page for the graded notebook, without the hidden tests' source.

    Parameters
    ----------
    nb : NotebookNode
        The graded notebook.
    result : Result
    task : Task
    exporter : FeedbackExporter, optional
        The worker's (:attr:`autograder.run.context.WorkerContext.exporter`); None: a new one.

    Returns
    -------
    str
        The page's HTML.
    """
    from nbgrader.preprocessors import ClearHiddenTests

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        gid = meta.get("grade_id")
        if meta.get("grade") and gid in result.manual:
            # not scored yet: shown as a plain cell with a line that says so, not as "0 / P"
            meta["grade"] = False
            points = result.manual[gid].max_score
            cell.source = (f"*Graded by hand ({points:g} point{'s' if points != 1 else ''}): your instructor "
                           "grades this answer; its points are not in the score above.*\n\n" + cell.source)
        if meta.get("grade") and gid in result.parts:
            meta["score"] = result.parts[gid].score
            meta["points"] = result.parts[gid].max_score
            line = reread_line(result.parts[gid], task.reread or {})
            if line and cell.cell_type == "code":
                cell.outputs.append(nbformat.from_dict(
                    {"output_type": "display_data", "metadata": {}, "data": {"text/html": line}}))
        if meta.get("solution"):
            meta["comment"] = None
    resources = {"nbgrader": {"notebook": Path(task.notebook).stem, "score": result.score,
                              "max_score": result.max_score, "late_penalty": 0,
                              "student": task.student_id, "assignment": task.assignment}}
    nb, resources = ClearHiddenTests(enforce_metadata=False).preprocess(nb, resources)
    body, _ = (exporter or feedback_exporter()).from_notebook_node(nb, resources=resources)
    if result.status is not Status.GRADED or result.notes:
        banner = (f'<div class="alert alert-warning" id="grader-status"><b>Status: {html.escape(result.status.value)}'
                  f'</b> — {html.escape(result.status.description)}'
                  + "".join(f"<br>{html.escape(n)}" for n in result.notes) + "</div>")
        body = body.replace('<div class="panel-group"', banner + '<div class="panel-group"', 1) \
            if '<div class="panel-group"' in body else body.replace("<body>", "<body>" + banner, 1)
    return body


def reread_line(part: PartResult, reread: dict) -> str | None:
    """The line under a failed part whose mistake is named (catalogued or a family).

    Parameters
    ----------
    part : PartResult
    reread : dict
        The task's ``{function: [URL, text]}`` (:func:`autograder.assignments.sections.reread_links`).

    Returns
    -------
    str or None
        "Reread:" and a link to the book's section that teaches the function the mistake was
        made in (HTML); None for a part with full points, no named mistake or no section.
    """
    if part.score >= part.max_score or not (part.mistake or part.family):
        return None
    link = reread.get(part.function or "")
    if not link:
        return None
    url, text = link
    chapter, _, section = text.partition(", ")
    shown = f"{html.escape(chapter)}, <em>{html.escape(section)}</em>" if section else html.escape(text)
    return f'<p class="reread">Reread: <a href="{html.escape(url)}">{shown}</a></p>'


def missing_feedback_page(result: Result, task: Task) -> str:
    """A short page for a student whose notebook could not be graded at all.

    Parameters
    ----------
    result : Result
    task : Task

    Returns
    -------
    str
        The page's HTML: the status, what it means, and the notes.
    """
    items = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(task.assignment)}: {html.escape(result.status.value)}</title></head><body>"
        f"<h1>{html.escape(task.assignment)}</h1>"
        f"<p id='grader-status'><b>Status: {html.escape(result.status.value)}</b> — "
        f"{html.escape(result.status.description)}. Score: 0 / {result.max_score:g}.</p>"
        f"<ul>{items}</ul></body></html>")


# ----------------------------------------------------------------------------- the task

def grade(task: Task, ctx: WorkerContext) -> Result:
    """Grade one student's notebook and write its files under the task's ``out``.

    Parameters
    ----------
    task : Task
    ctx : WorkerContext
        The resources of the worker that runs it.

    Returns
    -------
    Result
        Never raises: a grader bug gives status ``error``.
    """
    result, files = run(task, ctx)
    return store_files(task.out, result, files)


def store_files(out: str | os.PathLike, result: Result, files: dict[str, str]) -> Result:
    """Write the files that `run` returned under ``out``.

    Parameters
    ----------
    out : str or os.PathLike
        The OUT folder.
    result : Result
        The result they belong to.
    files : dict of str to str
        ``{path relative to OUT: text}``.

    Returns
    -------
    Result
        ``result``; a file that cannot be written makes it an ``error`` that says why.
    """
    for rel, text in files.items():
        try:
            atomic_write(Path(out) / rel, text)
        except OSError as exc:
            result.status = Status.ERROR
            result.notes.append(f"grader error: could not write {rel}: {exc}")
            if rel == result.feedback:
                result.feedback = None
            else:
                result.autograded = None
    return result


def run(task: Task, ctx: WorkerContext) -> tuple[Result, dict[str, str]]:
    """Grade one student's notebook, returning its files instead of writing them.

    Parameters
    ----------
    task : Task
    ctx : WorkerContext
        The resources of the worker that runs it (kernels, zygote, uids, exporter).

    Returns
    -------
    result : Result
        Never raises: a grader bug gives status ``error``.
    files : dict of str to str
        ``{path relative to OUT: text}``: the autograded notebook and the feedback page.
    """
    start = time.monotonic()
    result = result_skeleton(task)
    files = {}
    feedback = OutDir.feedback(task.student_id, task.assignment, task.notebook)
    try:
        if task.path is None and not task.carried:
            result.status = Status.MISSING
        else:
            try:
                nb = _task_notebook(task)
            except Corrupt as exc:
                result.status = Status.CORRUPT
                result.notes.append(str(exc))
                nb = None
            if nb is not None:
                nb = _grade_notebook(nb, task, result, ctx)
                graded = OutDir.autograded(task.student_id, task.assignment, task.notebook)
                files[graded] = nbformat.writes(nb)
                result.autograded = graded
                files[feedback] = feedback_page(nb, result, task, ctx.exporter)
        if result.status in (Status.MISSING, Status.CORRUPT):
            files[feedback] = missing_feedback_page(result, task)
        result.feedback = feedback
    except Exception as exc:  # noqa: BLE001 - one student's problem must not stop the batch
        result.status = Status.ERROR
        result.notes.append(f"grader error: {type(exc).__name__}: {exc}")
        result.traceback = traceback.format_exc()[-4000:]
        files, result.autograded = {}, None
        try:
            files[feedback] = missing_feedback_page(result, task)
            result.feedback = feedback
        except Exception:  # noqa: BLE001 - the status and note still reach grades.csv
            result.feedback = None
    result.seconds = round(time.monotonic() - start, 3)
    return result, files


def _grade_notebook(nb, task, result, ctx):
    """Run, check and score ``nb``; fills ``result`` and returns the graded notebook."""
    from nbgrader.preprocessors import LimitOutput
    from nbgrader.utils import determine_grade

    from autograder import assignments
    from autograder.judge.check import ProbeCheck
    from autograder.run.execute import SandboxExecute
    from autograder.assignments.sections import mistake_function

    result.notes += sanitise(nb, task.source)
    limits = Limits(**task.limits)
    resources = {"nbgrader": {"assignment": task.assignment, "notebook": Path(task.notebook).stem,
                              "student": task.student_id}}
    # The kernel sees this notebook (read-only) in its working directory, nothing else.
    executor = SandboxExecute(context=ctx, limits=limits, sandbox=task.sandbox,
                              notebook_name=task.notebook, prefetch=task.prefetch)
    nb, resources = executor.preprocess(nb, resources)
    events = executor.events
    nb, resources = ProbeCheck().preprocess(nb, resources)
    nb, resources = LimitOutput().preprocess(nb, resources)
    verdicts = (resources.get("probe_check") or {}).get("parts", {})
    spec = assignments.get(task.assignment)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        gid = meta.get("grade_id")
        if meta.get("grade") and gid in result.manual:
            # graded by hand; nbgrader gives 0 now only to an answer left as it was handed out
            score, _ = determine_grade(cell)
            result.manual[gid].answered = score is None
        if meta.get("grade") and gid in result.parts:
            score, max_score = determine_grade(cell)
            part = result.parts[gid]
            part.score = float(score or 0)
            verdict = verdicts.get(gid, {})
            part.message = verdict.get("message", "")
            part.mistake, part.family = verdict.get("mistake"), verdict.get("family")
            if part.mistake or part.family:
                part.function = mistake_function(spec, gid, part.mistake)
    result.score = sum(p.score for p in result.parts.values())
    result.status = _status(nb, events, resources, result)
    return nb


def _errors(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield output.get("ename", "")


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _status(nb, events, resources, result):
    """Every status that applies to this run (each with its note), then the first (`Status.first`)."""
    probe = resources.get("probe_check") or {}
    notes = result.notes
    found = set()

    def found_as(status, note):
        found.add(status)
        notes.append(note)

    exit_code = events.get("exit")
    signal_no = None
    if isinstance(exit_code, int):
        signal_no = -exit_code if exit_code < 0 else (exit_code - 128 if exit_code > 128 else None)
    if events.get("truncated"):
        found_as("flooded", "the output went over its cap and was cut")
    if events.get("timeout"):
        found_as("timeout", f"{events['timeout']} cell(s) ran over the per-cell time limit and were interrupted")
    if events.get("unresponsive"):
        notes.append("the kernel stopped answering; the cells after it did not run")
    if "MemoryError" in set(_errors(nb)):
        found_as("memory", "the kernel ran out of memory (MemoryError under the memory cap)")
    if events.get("wall"):
        found_as("timeout", "the notebook ran over its wall-clock limit; the kernel was stopped")
    elif events.get("dead"):
        if signal_no == signal.SIGXCPU:
            found_as("timeout", "the kernel used up its CPU time limit and was stopped")
        else:
            how = _signal_name(signal_no) if signal_no else f"exit code {exit_code}"
            found_as("crashed", f"the kernel died ({how}); the cells after it did not run")
    if probe.get("status") == "flagged":
        found.add("flagged")
        notes.extend(probe.get("reasons", []))
    return Status.first(found)
