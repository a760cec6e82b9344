"""`WorkerContext`: everything one grading worker keeps between students, and `RunConfig`, what a run is asked to do.

A worker (a process of :mod:`autograder.run.pool`, a Dask worker of :mod:`autograder.run.cluster`,
or the parent itself with ``--jobs 1``) builds one context when it starts and passes it to
every task it runs (:func:`autograder.run.task.run`). The context holds the worker's
temporary folder, its sandbox resources (uid lease, zygote:
:class:`autograder.sandbox.resources.SandboxResources`), the kernel started ahead for the next
notebook, and the feedback page's exporter. `WorkerContext.close` ends and removes all of
them; nothing of a worker lives in a global or an environment variable.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Any

from autograder.sandbox.limits import Limits
from autograder.sandbox.resources import SandboxResources


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """How a class is graded: every setting of ``python -m autograder grade`` besides what and where.

    Attributes
    ----------
    jobs : int or None
        Worker processes on this machine (None: one a CPU).
    limits : Limits
        What each student's kernel may use.
    sandbox : bool
        Run student code in the bubblewrap sandbox (False: ``--no-sandbox``).
    layout : str or None
        One of :data:`autograder.intake.lms.LAYOUTS`, or None to detect it.
    zip_encoding : str or None
        The encoding of zip entry names without the UTF-8 flag, or None to detect it.
    scheduler : str or None
        A Dask scheduler's address: grade on its workers.
    in_flight : int or None
        Tasks submitted to the scheduler at a time (None: twice its worker threads).
    db_url : str or None
        The gradebook's database (None: ``OUT/gradebook.db``).
    book_url : str or None
        The course website's address, for the feedback pages' "Reread:" links (None:
        links relative to the site's root).
    prefetch : bool
        Start the next notebook's kernel while one runs (processes only; never on Dask).
    """

    jobs: int | None = None
    limits: Limits = dataclasses.field(default_factory=Limits)
    sandbox: bool = True
    layout: str | None = None
    zip_encoding: str | None = None
    scheduler: str | None = None
    in_flight: int | None = None
    db_url: str | None = None
    book_url: str | None = None
    prefetch: bool = True


@dataclasses.dataclass
class Spare:
    """A kernel started ahead for the next notebook, not used by any notebook yet.

    Attributes
    ----------
    km : jupyter_client.AsyncKernelManager
        Its manager.
    kc : jupyter_client.AsyncKernelClient
        Its client, connecting.
    ready : asyncio.Future
        Done once the kernel has answered and its sockets are sealed.
    """

    km: Any
    kc: Any
    ready: asyncio.Future

    def alive(self) -> bool:
        """Whether its kernel process still runs.

        Returns
        -------
        bool
        """
        process = getattr(self.km.provisioner, "process", None) if self.km.provisioner else None
        return process is not None and process.poll() is None

    def discard(self) -> None:
        """Kill the kernel and remove its socket folder (its event loop may never run again)."""
        self.ready._log_destroy_pending = False  # no warning about a task that never ran to its end
        self.ready.cancel()
        process = getattr(self.km.provisioner, "process", None) if self.km.provisioner else None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(self.km.ipc_dir, ignore_errors=True)


def feedback_exporter():
    """A new exporter of the feedback page: nbgrader's feedback template, our `FeedbackExporter`.

    Returns
    -------
    autograder.reports.feedback.FeedbackExporter
    """
    import nbgrader
    from traitlets.config import Config

    from autograder.reports.feedback import FeedbackExporter

    base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    c.HTMLExporter.extra_template_paths = [str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    c.HTMLExporter.exclude_input_prompt = False
    return FeedbackExporter(config=c)


class WorkerContext:
    """One worker's resources, made on first use and all ended by `close`.

    Parameters
    ----------
    temp_parent : str or None
        Where the worker's temporary folder goes (a grading run's folder); None: the
        system's temporary folder.

    Attributes
    ----------
    temp_dir : str
        The worker's temporary folder: its zygotes' and kernels' socket folders, the working
        folders of kernels without a sandbox. Removed by `close`.
    sandbox : SandboxResources
        The uid lease and the zygotes of the worker's sandboxed kernels.
    spares : dict of Limits to Spare
        The kernel started ahead for the next notebook, by its limits.
    """

    def __init__(self, temp_parent: str | None = None):
        self.temp_parent = temp_parent
        self._temp_dir: str | None = None
        self._sandbox: SandboxResources | None = None
        self.spares: dict[Limits, Spare] = {}
        self._exporter = None
        self.closed = False

    @property
    def temp_dir(self) -> str:
        """The worker's temporary folder, made on first use."""
        if self.closed:
            raise RuntimeError("this worker context is closed")
        if self._temp_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix="ag-w", dir=self.temp_parent)
        return self._temp_dir

    @property
    def sandbox(self) -> SandboxResources:
        """The uid lease and zygotes of the worker's sandboxed kernels, made on first use."""
        if self._sandbox is None:
            self._sandbox = SandboxResources(self.temp_dir)
        return self._sandbox

    @property
    def exporter(self):
        """The worker's feedback exporter (`feedback_exporter`), made once: its template loads once."""
        if self._exporter is None:
            self._exporter = feedback_exporter()
        return self._exporter

    def take_spare(self, limits: Limits) -> Spare | None:
        """The spare kernel for ``limits`` if one is alive (a dead one is discarded).

        Parameters
        ----------
        limits : Limits

        Returns
        -------
        Spare or None
        """
        spare = self.spares.pop(limits, None)
        if spare is not None and not spare.alive():
            spare.discard()
            spare = None
        return spare

    def put_spare(self, limits: Limits, spare: Spare) -> None:
        """Keep a spare kernel for the next notebook with these limits.

        Parameters
        ----------
        limits : Limits
        spare : Spare
            Replaces (and discards) the one kept for ``limits``, if any.
        """
        old = self.spares.pop(limits, None)
        if old is not None:
            old.discard()
        self.spares[limits] = spare

    def close(self) -> None:
        """Discard the spare kernels, end the zygotes, free the uids, remove the temporary folder."""
        self.closed = True
        try:
            while self.spares:
                self.spares.popitem()[1].discard()
        finally:
            try:
                if self._sandbox is not None:
                    self._sandbox.close()
            finally:
                if self._temp_dir is not None:
                    shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> WorkerContext:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
