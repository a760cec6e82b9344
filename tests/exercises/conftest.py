"""Grade every variant of every assignment once per session, two assignments at a time.

One nbgrader course directory is set up in the main process, copied for each assignment,
and each assignment's variants (solution, blank, catalogued mistakes grouped into rounds,
cheats) are autograded in one worker process (nbgrader's import is paid once per worker).
The same worker runs the mistake rounds' student notebooks with nbclient, as a student who
runs the visible tests would, and keeps the error text of every test cell.
"""

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor

import pytest

from autograder import assignments
# EXERCISE_IDS="02-dot-product 04-multi-head" narrows a run while working on some assignments.
IDS = os.environ.get("EXERCISE_IDS", "").split() or assignments.ids()


def _visible_errors(aid, rounds):
    """Run the rounds' student notebooks as a student would, all in one kernel (one notebook
    holding every round's answer and test cells in turn); ``[{test cell grade_id: error text}]``."""
    import copy

    import nbformat
    from nbclient import NotebookClient

    from autograder.sandbox.scratch import ScratchKernelManager

    from . import submissions as sub
    cells, where = [], []
    for n, r in enumerate(rounds):
        nb = nbformat.reads(sub.submission(aid, answers={f: m.code for f, m in r.items()}), as_version=4)
        start = 0 if n == 0 else 2   # the intro and set-up cells once
        for cell in nb.cells[start:]:
            cell = copy.deepcopy(cell)
            cell["id"] = f"{cell['id']}-r{n}"[:64]
            cells.append(cell)
            where.append(n)
    nb.cells = cells
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60,
                            kernel_manager_class=ScratchKernelManager, shutdown_kernel="immediate")
    client.execute()
    errors = [{} for _ in rounds]
    for n, cell in zip(where, nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors[n][gid] = f"{out.ename}: {out.evalue}"
    return errors


def grade_assignment(aid, root):
    """Autograde every variant of one assignment in the course copy ``root``."""
    from autograder.authoring import course
    from . import submissions as sub
    spec = assignments.get(aid)
    variants = {"solution": sub.submission(aid), "blank": sub.blank(aid)}
    rounds = sub.mistake_rounds(spec)
    for n, r in enumerate(rounds):
        variants[f"mistakes-{n}"] = sub.submission(aid, answers={f: m.code for f, m in r.items()})
    variants.update({f"cheat-{k}": v for k, v in sub.cheats(aid).items()})
    graded = course.autograde(root, aid, variants)
    out = {
        name: {"scores": g.scores, "probe": g.probe, "score": g.score, "max_score": g.max_score}
        for name, g in graded.items()
    }
    out["rounds"] = [{f: m.id for f, m in r.items()} for r in rounds]
    out["visible"] = _visible_errors(aid, rounds)
    return out


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """``{assignment id: results of grade_assignment}`` for every assignment."""
    from autograder.authoring import course
    base = tmp_path_factory.mktemp("course")
    course.make_course(base / "all", IDS)
    roots = {}
    for aid in IDS:
        roots[aid] = base / aid
        shutil.copytree(base / "all", roots[aid])
    workers = int(os.environ.get("EXERCISE_TEST_WORKERS", "2"))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {aid: pool.submit(grade_assignment, aid, str(roots[aid])) for aid in IDS}
        return {aid: f.result() for aid, f in futures.items()}
