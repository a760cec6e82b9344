"""Running one student notebook: nbgrader's ``Execute`` in the sandbox, with every limit.

`SandboxExecute` is nbgrader's ``Execute`` preprocessor (nbclient underneath) with

- the kernel from :class:`autograder.sandbox.bwrap.SandboxedKernelManager` (or, with
  ``--no-sandbox``, :class:`autograder.sandbox.scratch.ScratchKernelManager`);
- ``Limits.cell_timeout`` per cell: the cell is interrupted and the next cell runs;
- ``Limits.wall`` for the whole notebook: a watchdog kills the kernel;
- ``Limits.output`` bytes of output kept per notebook (the probe's report is exempt, up to
  ``PROBE_CAP`` bytes each): the rest is dropped and one line says so;
- a kernel that dies (``os._exit``, a segfault, the CPU or memory cap) ends the run instead
  of raising: the cells already run keep their outputs, the others stay empty.

- the kernel for the *next* notebook started ahead (``prefetch``): while one notebook runs,
  the next kernel boots and its client connects, so a worker rarely waits for a start-up.
  Each student still gets a fresh process, sandbox and uid of its own; the two kernels of a
  worker alternate between two uids. The spare lives in the worker's
  :class:`autograder.run.context.WorkerContext`;
- the notebook written into the kernel's working folder (its tmpfs) once the kernel is
  claimed (:func:`autograder.sandbox.kernel.place_notebook_code`, the one way a notebook
  reaches a kernel).

What happened is in ``self.events`` (``timeout``, ``wall``, ``dead``, ``exit``,
``truncated``), for :mod:`autograder.run.task` to turn into a status word.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import threading
import time
from queue import Empty

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Any, Bool, Instance, Unicode

from autograder.judge.probe import MIME
from autograder.run.context import Spare, WorkerContext
from autograder.sandbox.kernel import SandboxedKernelManager, place_notebook_code
from autograder.sandbox.limits import Limits
from autograder.sandbox.scratch import ScratchKernelManager

PROBE_CAP = 8 * 1024**2


_QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # ipykernel's banner, crash messages


async def wait_for_ready(kc, timeout: float, iopub_wait: float = 0.2) -> None:
    """Wait until the kernel answers ``kernel_info`` on shell and its IOPub channel is connected.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until 0.2 s pass with no
    message: 0.2 s a kernel, waited even by a ready one. Here IOPub counts as connected and
    drained once the kernel's ``idle`` status for this very request arrives (the last
    message the kernel sends about it); if it does not come within ``iopub_wait`` s, the
    subscription was not yet in place when the kernel published, and the request is sent again.

    Parameters
    ----------
    kc : jupyter_client.asynchronous.AsyncKernelClient
        The kernel's client, its channels started.
    timeout : float
        Seconds in all.
    iopub_wait : float, default 0.2
        Seconds to wait for the ``idle`` status before asking again.

    Raises
    ------
    RuntimeError
        When the kernel dies, or does not answer within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        reply = await _message_about(kc.get_shell_msg, msg_id, lambda m: True, min(1.0, _left(deadline)))
        if reply is not None:
            idle = await _message_about(kc.get_iopub_msg, msg_id,
                                        lambda m: m["content"].get("execution_state") == "idle",
                                        min(iopub_wait, _left(deadline)))
            if idle is not None:
                kc._handle_kernel_info_reply(reply)
                return
        if not await kc.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def _left(deadline):
    return max(0.0, deadline - time.monotonic())


async def _message_about(get, msg_id, wanted, timeout):
    """The first message from ``get`` in reply to ``msg_id`` that is ``wanted`` (others are
    dropped), or None after ``timeout`` s."""
    end = time.monotonic() + timeout
    while True:
        try:
            msg = await get(timeout=_left(end))
        except Empty:
            return None
        if msg["parent_header"].get("msg_id") == msg_id and wanted(msg):
            return msg


async def _make_ready(km, kc, timeout):
    kc.start_channels()
    await wait_for_ready(kc, timeout)
    km.seal()  # the kernel answered: its sockets exist


class SandboxExecute(Execute):
    """nbgrader's ``Execute`` in the sandbox of ``context``, with every limit (see the module docstring).

    Parameters
    ----------
    context : WorkerContext
        The worker's resources: its uid lease, zygote, spare kernel and temporary folder.
    limits : Limits
    sandbox : bool
        False: a kernel without a sandbox (``--no-sandbox``).
    notebook_name : str or None
        The file name under which the notebook being run is written into the sandboxed
        kernel's working folder (None: not written).
    prefetch : bool
        Start the next notebook's kernel while this one runs.
    """

    prefetch = Bool(True, help="start the next notebook's kernel while this one runs")
    limits = Instance(Limits, args=())
    notebook_name = Unicode(None, allow_none=True, help="file name of the notebook written into the kernel's folder")
    sandbox = Bool(True)
    context = Any(help="the worker's WorkerContext")

    def __init__(self, **kwargs):
        limits = kwargs.get("limits") or Limits()
        if not isinstance(kwargs.get("context"), WorkerContext):
            raise ValueError("SandboxExecute needs context (a WorkerContext)")
        kwargs.setdefault("kernel_manager_class",
                          SandboxedKernelManager if kwargs.get("sandbox", True) else ScratchKernelManager)
        kwargs.setdefault("timeout", limits.cell_timeout)
        kwargs.setdefault("record_timing", False)
        kwargs.setdefault("shutdown_kernel", "immediate")
        kwargs.setdefault("kernel_name", "python3")
        super().__init__(**kwargs)
        self.events = {}
        self._output_bytes = 0

    def _new_kernel_manager(self):
        kwargs = {"kernel_name": self.kernel_name, "config": self.config}
        if self.sandbox:
            kwargs.update(limits=self.limits, resources=self.context.sandbox)
        else:
            kwargs["temp_dir"] = self.context.temp_dir
        return self.kernel_manager_class(**kwargs)

    def create_kernel_manager(self):
        """The kernel manager: the spare kernel's, when one is ready, else a new one."""
        self._spare = self.context.take_spare(self.limits) if self.sandbox and self.prefetch else None
        self.km = self._spare.km if self._spare is not None else self._new_kernel_manager()
        return self.km

    async def async_start_new_kernel(self, **kwargs):
        """Start the kernel as nbclient does, its banner and crash messages silenced.

        nbclient calls this only when the kernel manager has no kernel yet, i.e. no spare.
        """
        kwargs.update(_QUIET)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def _start_spare(self):
        """The next notebook's kernel boots, and its client connects, while this notebook runs
        (the task progresses whenever the event loop runs). Each student still gets a fresh
        process, sandbox and uid; only the start-up is no longer waited for."""
        km = self._new_kernel_manager()
        await km.start_kernel(cwd="/", extra_arguments=list(self.extra_arguments), **_QUIET)
        kc = km.client()
        self.context.put_spare(self.limits, Spare(km, kc, asyncio.ensure_future(_make_ready(km, kc, self.startup_timeout))))

    async def async_start_new_kernel_client(self):
        """The kernel's client, ready; then the notebook goes into the kernel, and the next spare starts.

        The spare's client when there is one (waiting for it to be ready), else nbclient's.
        """
        if self._spare is not None:
            kc = self._spare.kc
            try:
                await self._spare.ready
            except Exception:
                await self._async_cleanup_kernel()
                raise
            self.kc = kc
            self.kc.allow_stdin = False
        else:
            kc = await super().async_start_new_kernel_client()
            if hasattr(self.km, "seal"):
                self.km.seal()  # the kernel answered: its sockets exist
        if self.sandbox and self.notebook_name:
            # The notebook being run (outputs cleared), in the kernel's working folder (a tmpfs).
            code = place_notebook_code(self.notebook_name, nbformat.writes(self.nb))
            await self.async_wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
        if self.sandbox and self.prefetch:
            await self._start_spare()
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    # ---- limits

    async def _async_handle_timeout(self, timeout, cell=None):
        self.events["timeout"] = self.events.get("timeout", 0) + 1
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        """Keep an output as nbclient does, within the output limit.

        The probe's report is kept whole up to :data:`PROBE_CAP` bytes; any other output
        past ``limits.output`` bytes in all is dropped, after one line that says so.
        """
        content = msg.get("content", {})
        kind = msg.get("msg_type")
        data = content.get("data") or {}
        if kind in ("display_data", "execute_result", "update_display_data") and MIME in data:
            if len(json.dumps(data[MIME])) <= PROBE_CAP:
                return super().output(outs, msg, display_id, cell_index)
            self.events["truncated"] = True
            return None
        size = len(content.get("text", "")) if kind == "stream" else len(json.dumps(content, default=str))
        self._output_bytes += size
        if self._output_bytes > self.limits.output:
            if not self.events.get("truncated"):
                self.events["truncated"] = True
                outs.append(new_output(
                    "stream", name="stdout",
                    text=f"\n[output truncated: this notebook printed more than {self.limits.output} bytes]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _kill_on_wall_clock(self):
        self.events["wall"] = True
        km = getattr(self, "km", None)
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)

    def preprocess(self, nb, resources=None, km=None):
        """Run the notebook as nbclient does, killed after ``limits.wall`` seconds.

        A dead or unresponsive kernel ends the run without an exception: ``events`` says what
        happened.
        """
        watchdog = threading.Timer(self.limits.wall, self._kill_on_wall_clock)
        watchdog.daemon = True
        watchdog.start()
        try:
            return super().preprocess(nb, resources, km=km)
        except DeadKernelError:
            self.events["dead"] = True
            return nb, resources
        except CellTimeoutError:
            # The kernel stopped answering at all (its own machinery broken, e.g. patched builtins).
            self.events["timeout"] = self.events.get("timeout", 0) + 1
            self.events["unresponsive"] = True
            return nb, resources
        finally:
            watchdog.cancel()

    async def _async_cleanup_kernel(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None) if self.km else None
        try:
            await super()._async_cleanup_kernel()
        finally:
            if process is not None:
                try:
                    self.events.setdefault("exit", process.wait(timeout=5))
                except subprocess.TimeoutExpired:
                    process.kill()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)
