"""The process pool of a grading run: long-lived workers, each grading one task at a time.

nbgrader is imported once per worker (a forkserver with it preloaded), at most ``2 × jobs``
tasks are in flight, so memory does not grow with the class, and a worker that dies costs
only the student it was grading. Each worker builds its
:class:`autograder.run.context.WorkerContext` when it starts and closes it when it ends.
With ``jobs == 1`` tasks run in this process, with a context of their own.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
import multiprocessing.util
from collections.abc import Callable, Iterable

from autograder.model import Result, Task
from autograder.run import task as task_mod
from autograder.run.context import WorkerContext

_POOL_PRELOAD = ["autograder.run.task", "autograder.run.execute", "autograder.judge.check", "nbgrader.preprocessors", "nbconvert"]

#: This worker process's context: the one state a process pool lets its initializer hand to its tasks.
_WORKER_CONTEXT: WorkerContext | None = None


def _start_worker(temp_parent):
    global _WORKER_CONTEXT
    # Import what every task needs once per worker, not once per notebook.
    import autograder.judge.check  # noqa: F401
    import autograder.run.execute  # noqa: F401

    _WORKER_CONTEXT = WorkerContext(temp_parent)
    # Closed when the worker process ends (multiprocessing runs its finalizers on the way out);
    # a worker that is killed leaves its folder to the run's, its zygote dies with it.
    multiprocessing.util.Finalize(_WORKER_CONTEXT, _WORKER_CONTEXT.close, exitpriority=10)
    _WORKER_CONTEXT.exporter  # noqa: B018 - the feedback template, loaded once per worker


def _in_worker(fn, task):
    return fn(task, _WORKER_CONTEXT)


def make_pool(jobs: int, temp_parent: str | None = None) -> cf.ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes, each with a `WorkerContext` in ``temp_parent``.

    Parameters
    ----------
    jobs : int
    temp_parent : str or None
        Where the workers' temporary folders go (None: the system's temporary folder).

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_POOL_PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_start_worker,
                                  initargs=(temp_parent,))


def run_tasks(tasks: Iterable[Task], jobs: int, on_result: Callable[[Result], None],
              fn: Callable[[Task, WorkerContext], Result] | None = None, temp_parent: str | None = None) -> None:
    """Run ``fn`` on every task with ``jobs`` workers, calling ``on_result`` in the parent as each ends.

    Parameters
    ----------
    tasks : iterable of Task
        Read lazily: at most ``2 × jobs`` tasks are in flight.
    jobs : int
        Worker processes (1: this process).
    on_result : callable
        Called with each result, in this process.
    fn : callable or None
        ``fn(task, ctx)`` gives a task's result (default :func:`autograder.run.task.grade`).
    temp_parent : str or None
        Where the workers' temporary folders go.
    """
    fn = fn or task_mod.grade
    if jobs <= 1:
        with WorkerContext(temp_parent) as ctx:
            for t in tasks:
                on_result(fn(t, ctx))
        return
    run = functools.partial(_in_worker, fn)
    pool = make_pool(jobs, temp_parent)
    in_flight = {}  # future -> (task, attempt)
    tasks = iter(tasks)
    try:
        while True:
            for t in tasks:
                in_flight[pool.submit(run, t)] = (t, 1)
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
                    with make_pool(1, temp_parent) as alone:
                        try:
                            on_result(alone.submit(run, t).result())
                        except cf.process.BrokenProcessPool:
                            on_result(task_mod.failed(t, "the grading worker process died twice on this notebook"))
                pool = make_pool(jobs, temp_parent)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
