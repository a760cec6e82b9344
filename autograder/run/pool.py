"""The process pool of a grading run: long-lived workers, each grading one task at a time.

nbgrader is imported once per worker (a forkserver with it preloaded), at most ``2 × jobs``
tasks are in flight, so memory does not grow with the class, and a worker that dies costs
only the student it was grading. With ``jobs == 1`` tasks run in this process.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing

from autograder.run import task as task_mod
_POOL_PRELOAD = ["autograder.run.task", "autograder.run.execute", "autograder.judge.check", "nbgrader.preprocessors", "nbconvert"]


def _warm_worker():
    # Import what every task needs once per worker, not once per notebook.
    import autograder.judge.check  # noqa: F401
    import autograder.run.execute  # noqa: F401
    task_mod.feedback_exporter()


def make_pool(jobs):
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_POOL_PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_worker)


def run_tasks(tasks, jobs, on_result, fn=None):
    """Run ``fn`` (default :func:`autograder.run.task.grade`) on ``tasks`` (an iterator) with ``jobs``
    workers, calling ``on_result`` in the parent as each ends."""
    fn = fn or task_mod.grade
    if jobs <= 1:
        for t in tasks:
            on_result(fn(t))
        return
    pool = make_pool(jobs)
    in_flight = {}  # future -> (task, attempt)
    tasks = iter(tasks)
    try:
        while True:
            for t in tasks:
                in_flight[pool.submit(fn, t)] = (t, 1)
                if len(in_flight) >= 2 * jobs:
                    break
            if not in_flight:
                return
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            broken = []
            for f in done:
                t, attempt = in_flight.pop(f)
                try:
                    on_result(f.result())
                except cf.process.BrokenProcessPool:
                    broken.append((t, attempt))
            if broken:
                # A worker process died (not a kernel: those die alone), taking the pool down.
                # Each task that was in flight runs again alone in a fresh worker; one that
                # kills that worker too is that student's error, and the batch goes on.
                broken += list(in_flight.values())
                in_flight = {}
                pool.shutdown(wait=False, cancel_futures=True)
                for t, _ in broken:
                    with make_pool(1) as alone:
                        try:
                            on_result(alone.submit(fn, t).result())
                        except cf.process.BrokenProcessPool:
                            on_result(task_mod.failed(t, "the grading worker process died twice on this notebook"))
                pool = make_pool(jobs)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
