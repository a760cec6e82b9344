"""Grading on a Dask cluster: ``python -m autograder grade … --scheduler tcp://HOST:PORT``.

The parent process stays what it is on one machine: it walks the submissions, skips the
unchanged ones, and alone writes the gradebook, the journal, the feedback pages and
grades.csv (:mod:`autograder.run.batch`). Only the grading of each notebook moves to the
workers of a ``dask.distributed`` scheduler:

1. :func:`connect` opens a client, or says in one line why the scheduler cannot be reached;
2. :func:`check_workers` asks every worker, before any task runs, whether it can grade
   exactly as this machine would: the bubblewrap sandbox starts there
   (:func:`autograder.sandbox.bwrap.check_sandbox`) and its grader, reference solutions and
   nbgrader are the same (:func:`fingerprint`). A worker that fails is named, with what it
   lacks, and nothing is graded;
3. :func:`run_on_cluster` submits each task with the notebook's bytes, the source snapshot
   and the limits inside (:func:`autograder.run.task.carry_notebook`), so workers need no shared
   file system; the worker runs :func:`autograder.run.task.run` with a
   :class:`autograder.run.context.WorkerContext` of its own (`ContextPlugin`: one per task
   running at once, closed when the worker ends), and the parent writes the
   files that come back (:func:`autograder.run.task.store_files`). At most ``in_flight`` tasks
   are submitted at a time, so memory stays flat however large the class.

A worker that dies mid-batch loses nothing: its scheduler hands its tasks to another worker
(Dask's own rule), and as a task's result does not depend on where it ran, the grades are
those of a local run. A task that takes several workers down with it (Dask's
``distributed.scheduler.allowed-failures``) is that student's ``error``, as in
:mod:`autograder.run.pool`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import platform
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path

from autograder.errors import GraderError
from autograder.model import Result, Task
from autograder.run import task as task_mod
from autograder.run.context import WorkerContext

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # grading on one machine needs no Dask
    WorkerPlugin = object

#: Libraries whose grading a worker must share exactly: those whose private methods the grader
#: overrides (jupyter_client, nbclient, nbgrader: see pyproject.toml's pins) and those that
#: shape the notebook and its page.
VERSIONED = ("nbgrader", "nbclient", "jupyter_client", "nbconvert", "nbformat", "ipykernel", "numpy")
PLUGIN_NAME = "autograder-context"
CONNECT_SECONDS = 10
WORKERS_SECONDS = 30  # how long to wait for a first worker on a scheduler that has none yet


class ClusterUnavailable(GraderError):
    """The scheduler cannot be reached, has no workers, or was lost during the run."""


class WorkerRefused(GraderError):
    """A worker cannot grade as this machine does (no sandbox, another grader version)."""


def connect(address):
    """A client of the Dask scheduler at ``address``.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT``.

    Returns
    -------
    distributed.Client

    Raises
    ------
    ClusterUnavailable
        When the scheduler cannot be reached in time.
    """
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterUnavailable(f"the Dask scheduler {address} cannot be reached: {reason}") from None


def fingerprint() -> dict[str, str]:
    """What a worker's grades depend on besides the task.

    Returns
    -------
    dict of str to str
        A digest of this grader's code and assignments and of the reference solutions, and
        the versions of Python and of each library of `VERSIONED`.
    """
    import solutions

    digest = hashlib.sha256()
    for folder in (Path(__file__).resolve().parents[1], Path(solutions.__file__).parent):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {"grader code": digest.hexdigest()[:16], "Python": platform.python_version(),
            **{name: version(name) for name in VERSIONED}}


def worker_report(sandbox=True):
    """Run on each worker by :func:`check_workers`: its host, fingerprint and sandbox problem.

    Parameters
    ----------
    sandbox : bool
        Whether the run grades in the sandbox (then the worker must be able to start one).

    Returns
    -------
    dict
        ``host``, the worker's versions and code digest, and the sandbox problem or None.
    """
    from autograder.sandbox.bwrap import SandboxUnavailable, check_sandbox

    lacks = None
    if sandbox:
        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            lacks = str(exc)
    return {"host": socket.gethostname(), "fingerprint": fingerprint(), "sandbox": lacks}


def check_workers(client, sandbox=True):
    """Check every worker before any task runs.

    Parameters
    ----------
    client : distributed.Client
    sandbox : bool
        Whether the run grades in the sandbox.

    Returns
    -------
    int
        The number of worker threads (tasks the cluster runs at once).

    Raises
    ------
    ClusterUnavailable
        When no worker joins in time.
    WorkerRefused
        Naming each worker whose versions, code or sandbox differ from this grader's.
    """
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except (TimeoutError, OSError):
        raise ClusterUnavailable(f"the Dask scheduler {client.scheduler.address} has no workers "
                                 f"(none joined within {WORKERS_SECONDS} s)") from None
    reports = client.run(worker_report, sandbox, on_error="return")
    mine = fingerprint()
    problems = []
    for worker, report in sorted(reports.items()):
        if isinstance(report, BaseException):
            problems.append(f"worker {worker} cannot run the grader ({type(report).__name__}: {report}); "
                            "install the course there as on this machine")
            continue
        where = f"worker {worker} (host {report['host']})"
        if report["sandbox"]:
            problems.append(f"{where} has no usable bubblewrap sandbox: {report['sandbox']}")
        differ = [f"{k} {report['fingerprint'].get(k)} there, {v} here" for k, v in mine.items()
                  if report["fingerprint"].get(k) != v]
        if differ:
            problems.append(f"{where} runs another grader ({'; '.join(differ)}); install the same commit there")
    if problems:
        raise WorkerRefused("; ".join(problems))
    return sum(client.nthreads().values())


class ContextPlugin(WorkerPlugin):
    """A Dask worker plugin: the worker's `WorkerContext` objects, one a task running at once.

    A Dask worker runs tasks on the threads of its pool; each running task borrows a
    context of its own (its own uids, zygote and folder) and gives it back. `teardown`, when
    the worker closes, closes them all.
    """

    name = PLUGIN_NAME

    def setup(self, worker=None) -> None:
        """On the worker (the plugin travels there unset): no context yet, one is made when a task needs it.

        Parameters
        ----------
        worker : distributed.Worker, optional
            The worker (Dask's ``WorkerPlugin`` interface).
        """
        self.free: list[WorkerContext] = []
        self.made: list[WorkerContext] = []
        self.lock = threading.Lock()

    def teardown(self, worker=None) -> None:
        """Close every context made on this worker.

        Parameters
        ----------
        worker : distributed.Worker, optional
            The worker (Dask's ``WorkerPlugin`` interface).
        """
        with self.lock:
            made, self.made, self.free = self.made, [], []
        for ctx in made:
            ctx.close()

    def borrow(self) -> WorkerContext:
        """A context no running task uses (a new one if every one is in use).

        Returns
        -------
        WorkerContext
        """
        with self.lock:
            if self.free:
                return self.free.pop()
            ctx = WorkerContext()
            self.made.append(ctx)
            return ctx

    def give_back(self, ctx: WorkerContext) -> None:
        """Make a borrowed context free for the next task.

        Parameters
        ----------
        ctx : WorkerContext
            From :meth:`borrow`.
        """
        with self.lock:
            if ctx in self.made:
                self.free.append(ctx)


def register_plugin(client) -> None:
    """Give every worker of ``client``'s cluster, present and to come, a `ContextPlugin`.

    Parameters
    ----------
    client : distributed.Client
    """
    client.register_plugin(ContextPlugin(), name=PLUGIN_NAME)


def grade_on_worker(task: Task) -> tuple[Result, dict[str, str]]:
    """What a Dask worker runs: :func:`autograder.run.task.run` on a task that carries its notebook.

    The context comes from the worker's `ContextPlugin`. No kernel is started ahead for the
    next notebook (``prefetch``): a spare kernel's client belongs to the event loop of the
    task that started it, and the next task runs on another loop.

    Parameters
    ----------
    task : Task
        A task from :func:`autograder.run.task.carry_notebook`.

    Returns
    -------
    result : Result
    files : dict of str to str
        The student's files, ``{path relative to OUT: text}``, for the grader to write.
    """
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    ctx = plugin.borrow()
    try:
        return task_mod.run(dataclasses.replace(task, prefetch=False), ctx)
    finally:
        plugin.give_back(ctx)


def run_on_cluster(client, tasks: Iterable[Task], in_flight: int, on_result: Callable[[Result], None]) -> None:
    """Grade ``tasks`` on the cluster, at most ``in_flight`` at a time.

    Parameters
    ----------
    client : distributed.Client
        Connected to the cluster (:func:`connect`).
    tasks : iterable of Task
        Read lazily.
    in_flight : int
        How many tasks the cluster holds at once.
    on_result : callable
        Called in this process with each `Result`, its files already written under OUT.
    """
    from concurrent.futures import CancelledError

    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    register_plugin(client)
    tasks = iter(tasks)
    waiting = as_completed(loop=client.loop)
    submitted = {}  # future key -> task

    def submit_next():
        t = next(tasks, None)
        if t is None:
            return
        key = f"autograder-{t.student_id}-{uuid.uuid4().hex[:12]}"
        future = client.submit(grade_on_worker, task_mod.carry_notebook(t), key=key, pure=False)
        submitted[future.key] = t
        waiting.add(future)

    for _ in range(max(1, in_flight)):
        submit_next()
    for future in waiting:
        t = submitted.pop(future.key)
        files = {}
        try:
            result, files = future.result()
        except KilledWorker:
            result = task_mod.failed(t, "the grading worker died each time it graded this notebook")
        except (CancelledError, OSError, TimeoutError) as exc:
            raise ClusterUnavailable(f"lost the Dask scheduler {client.scheduler.address} during the run "
                                     f"({type(exc).__name__}); run the same command again to go on") from None
        except Exception as exc:  # noqa: BLE001 - one student's problem must not stop the batch
            result = task_mod.failed(t, f"grader error on the worker: {type(exc).__name__}: {exc}")
        future.release()
        on_result(task_mod.store_files(t.out, result, files))
        submit_next()
