"""OUT set up as an nbgrader course for one assignment (its paths: `autograder.store.outdir.OutDir`).

`prepare_course` sets OUT up, again when the source notebook changed or the gradebook is
missing or damaged; the journal (`autograder.store.journal`) is what a rerun, a resumed run and a
rebuilt gradebook start from. `source_snapshot` is the source cells every task carries.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TextIO

from autograder.store import gradebook
from autograder.store.files import atomic_write, sha256_file
from autograder.errors import GraderError
from autograder.store.journal import journal_entries
from autograder.store.outdir import OutDir


def prepare_course(out: str | os.PathLike, spec, stream: TextIO = sys.stderr, db_url: str | None = None) -> dict:
    """OUT as an nbgrader course for ``spec`` (generate_assignment run).

    Redone when the source notebook changed, and when the gradebook is missing or damaged:
    then a damaged file is kept beside it (``gradebook.db.damaged-<time>``), a new one is
    made, and the journal's results are written back into it (one line on ``stream`` says so).

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    spec : autograder.assignments.Assignment
        The assignment.
    stream : file, optional
        Where a rebuilt gradebook is reported (default: stderr).
    db_url : str, optional
        The gradebook's database (default: SQLite in ``OUT/gradebook.db``).

    Returns
    -------
    dict
        The source snapshot (`source_snapshot`) and the digest of the source notebook.

    Raises
    ------
    GraderError
        When the assignment has no source notebook (the build was not run).
    """
    from autograder.authoring import course
    out = OutDir(out)
    source_nb = course.SOURCE / spec.id / f"{spec.notebook}.ipynb"
    if not source_nb.exists():
        raise GraderError(f"assignment {spec.id} has no source notebook at {source_nb}; run `python -m autograder build`")
    stamp_path = out.source_json
    digest = sha256_file(source_nb)
    try:
        old = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        old = {}
    db = out.gradebook_file
    damage = gradebook.problem(out, spec, db_url)
    if old.get("source_digest") == digest and damage is None:
        return old
    kept = None
    if damage and not db_url and db.exists():  # kept, never deleted: the instructor may want to look at it
        kept = db.with_name(f"{db.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(db, kept)
    course.make_course(out.root, [spec.id], db_url=db_url)
    snap = source_snapshot(out, spec, db_url)
    snap["source_digest"] = digest
    atomic_write(stamp_path, json.dumps(snap, indent=1, sort_keys=True))
    entries = journal_entries(out)
    if damage and entries and old.get("source_digest") == digest:
        gradebook.replay(out, spec, entries, db_url)
        stream.write(f"the gradebook {gradebook.shown(db_url) if db_url else db} was {damage}; rebuilt it from the {len(entries)} result(s) "
                     f"in {out.results}" + (f" (the old file is {kept.name})" if kept else "") + "\n")
    elif kept:
        stream.write(f"the gradebook {db} was {damage}; made a new one (the old file is {kept.name})\n")
    return snap


def source_snapshot(out: str | os.PathLike, spec, db_url: str | None = None) -> dict:
    """The source cells as nbgrader's gradebook holds them (hidden tests included), in notebook order.

    Order and cell types come from the released notebook; text, locks, checksums and points
    from the gradebook, as nbgrader's ``OverwriteCells`` would use them.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder, set up as a course.
    spec : autograder.assignments.Assignment
        The assignment.
    db_url : str, optional
        The gradebook's database (default: SQLite in ``OUT/gradebook.db``).

    Returns
    -------
    dict
        ``{"assignment", "notebook", "cells": [{"name", "cell_type", "locked", "source",
        "checksum", "grade", "solution", "points", "release"}]}``.
    """
    import nbformat
    from nbgrader.api import Gradebook

    from autograder.authoring.course import COURSE_ID

    release = nbformat.read(OutDir(out).release(spec.id, spec.notebook), as_version=4)
    with Gradebook(OutDir(out).gradebook_url(db_url), COURSE_ID) as gb:
        notebook = gb.find_notebook(spec.notebook, spec.id)
        sources = {c.name: c for c in notebook.source_cells}
        grades = {c.name: c for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        cells = []
        for cell in release.cells:
            gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if gid is None or gid not in sources:
                continue
            src = sources[gid]
            cells.append({
                "name": gid, "cell_type": src.cell_type, "locked": bool(src.locked), "source": src.source,
                "checksum": src.checksum, "grade": gid in grades, "solution": gid in solutions,
                "points": float(grades[gid].max_score) if gid in grades else None,
                "release": cell.source,  # what the student was given (no hidden tests)
            })
    return {"assignment": spec.id, "notebook": spec.notebook, "cells": cells}
