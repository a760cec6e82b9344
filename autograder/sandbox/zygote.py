"""The grader's side of the kernel zygote: one pre-imported sandbox per worker, a fork per student.

Starting a new kernel costs about half a CPU-second until its first cell has imported
numpy (``benchmarks/RESULTS.md``), nearly all of it importing ipykernel, IPython and numpy. A worker instead starts once a *zygote* (:mod:`autograder.sandbox.zygote_main`, run in
a bubblewrap sandbox built by :func:`autograder.sandbox.bwrap.zygote_command`) that has imported
them, and asks it to fork each student's kernel. Every kernel still gets a sandbox of its
own: its own PID, mount, IPC, UTS and network namespaces, fresh tmpfs for ``/tmp`` and the
home folder, only its own socket folder, its own uid with ``no_new_privs`` and no
capability, and the rlimits of `Limits`; nothing one student's code does reaches the zygote, which no
kernel can see or signal, nor the next student's kernel, forked from the untouched zygote.

The zygote lives inside the run: it is a child of the worker, dies with it (parent-death
signal and bubblewrap's ``--die-with-parent``), and so lies in the run's PID namespace
(:mod:`autograder.sandbox.lifetime`).

`ZygoteProcess` stands for a kernel where jupyter_client expects a ``subprocess.Popen``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from autograder.sandbox.bwrap import zygote_command
from autograder.sandbox.limits import SANDBOX_HOME, Limits

PROGRAM = (Path(__file__).parent / "zygote_main.py").read_text(encoding="utf-8")
START_TIMEOUT = 120  # seconds for the zygote to import ipykernel and numpy on a loaded machine
KILL_REPORT_WAIT = 1.0  # seconds a SIGKILL waits for the zygote to report the exit


class ZygoteDied(RuntimeError):
    """The zygote ended: its kernels are gone and it forks no more."""


class ZygoteProcess:
    """A kernel forked by the zygote, with the part of ``Popen`` that jupyter_client and
    :mod:`autograder.run.execute` use: ``pid``, ``returncode``, ``poll``, ``wait``,
    ``send_signal``, ``kill``, ``terminate``.

    Parameters
    ----------
    zygote : Zygote
        The zygote that forked it.
    ident : int
        Its request id.
    """

    def __init__(self, zygote, ident):
        self.zygote, self.ident = zygote, ident
        self.pid = None  # lives in the zygote's PID namespace: not signalled from here
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        """The exit code if the kernel has ended, else None (as ``Popen.poll``).

        Returns
        -------
        int or None
        """
        self.returncode = self.zygote.returncode_of(self.ident, block=False)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end (as ``Popen.wait``).

        Parameters
        ----------
        timeout : float, optional
            Seconds; forever when None.

        Returns
        -------
        int
            The exit code.

        Raises
        ------
        subprocess.TimeoutExpired
            When it is still running after ``timeout``.
        """
        self.returncode = self.zygote.returncode_of(self.ident, block=True, timeout=timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired("kernel", timeout)
        return self.returncode

    def send_signal(self, sig) -> None:
        """Have the zygote signal the kernel, unless it has ended (as ``Popen.send_signal``).

        Parameters
        ----------
        sig : int or signal.Signals
            After SIGKILL it waits up to :data:`KILL_REPORT_WAIT` seconds for the exit.
        """
        if self.poll() is None:
            try:
                self.zygote.send({"op": "kill", "id": self.ident, "signal": int(sig)})
            except ZygoteDied:
                pass  # its kernels ended with it
            if sig == signal.SIGKILL:
                # The zygote reports the exit within milliseconds; waiting for it here spares
                # jupyter_client's shutdown its 0.1 s polling sleep.
                self.returncode = self.zygote.returncode_of(self.ident, block=True, timeout=KILL_REPORT_WAIT)

    def kill(self) -> None:
        """Send SIGKILL (as ``Popen.kill``)."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Send SIGTERM (as ``Popen.terminate``)."""
        self.send_signal(signal.SIGTERM)


class Zygote:
    """A running zygote (see the module docstring) for one `Limits`.

    Parameters
    ----------
    limits : Limits
        The limits of every kernel it forks.
    temp_dir : str or None
        Where its folder of socket folders (``base``) goes; None: the system's temporary folder.

    Raises
    ------
    ZygoteDied
        When it could not start.
    """

    def __init__(self, limits: Limits, temp_dir: str | None = None):
        self.limits = limits
        # The kernels' socket folders live in here; the zygote sees this folder, each kernel
        # only its own socket folder inside it.
        self.base = tempfile.mkdtemp(prefix="z", dir=temp_dir)
        os.chmod(self.base, 0o711)
        self._ids = 0
        self._exits = {}
        self._lock = threading.Condition()
        self._write_lock = threading.Lock()
        self.process = subprocess.Popen(
            zygote_command(["-c", PROGRAM, SANDBOX_HOME], limits=limits, base=self.base),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        hung = threading.Timer(START_TIMEOUT, self.process.kill)
        hung.start()
        try:
            ready = self.process.stdout.readline()  # after its imports; nothing if it could not start
        finally:
            hung.cancel()
        if not ready.startswith(b'{"ready"'):
            self.close()
            raise ZygoteDied("the kernel zygote did not start (bubblewrap refused its capabilities, "
                             "or its Python failed)")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            msg = json.loads(line)
            if "exit" in msg:
                with self._lock:
                    self._exits[msg["id"]] = msg["exit"]
                    self._lock.notify_all()
        with self._lock:
            self.dead = True
            self._lock.notify_all()

    dead = False

    def alive(self) -> bool:
        """Whether it still runs and its folder is still there (it can fork).

        Returns
        -------
        bool
        """
        return not self.dead and self.process.poll() is None and os.path.isdir(self.base)

    def send(self, msg: dict) -> None:
        """Write one request (a JSON line) to the zygote.

        Parameters
        ----------
        msg : dict
            A request of the module docstring.

        Raises
        ------
        ZygoteDied
            If it has ended.
        """
        with self._write_lock:
            try:
                self.process.stdin.write((json.dumps(msg) + "\n").encode())
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise ZygoteDied("the kernel zygote has ended") from exc

    def spawn(self, uid: int, ipc_dir: str, connection_file: str) -> ZygoteProcess:
        """A new kernel for one student (see the module docstring).

        Parameters
        ----------
        uid : int
            The kernel's uid.
        ipc_dir : str
            Its socket folder, inside ``base``.
        connection_file : str
            Its connection file, in ``ipc_dir``.

        Returns
        -------
        ZygoteProcess
        """
        with self._lock:
            self._ids += 1
            ident = self._ids
        self.send({"op": "spawn", "id": ident, "uid": uid, "ipc_dir": ipc_dir, "base": self.base,
                   "connection_file": connection_file, "disk": self.limits.disk,
                   "rlimits": self.limits.rlimits()})
        return ZygoteProcess(self, ident)

    def returncode_of(self, ident: int, block: bool, timeout: float | None = None) -> int | None:
        """The exit code of one forked kernel, as the zygote reported it.

        Parameters
        ----------
        ident : int
            The kernel's request id.
        block : bool
            Wait for the report.
        timeout : float, optional
            How long to wait, in seconds (forever when None).

        Returns
        -------
        int or None
            The exit code; ``-SIGKILL`` when the zygote has died (its kernels died with it);
            None while the kernel runs.
        """
        with self._lock:
            if block:
                self._lock.wait_for(lambda: ident in self._exits or self.dead, timeout=timeout)
            if ident in self._exits:
                return self._exits[ident]
            if self.dead:
                return -signal.SIGKILL  # its kernels died with it
            return None

    def close(self) -> None:
        """End the zygote (its kernels die with it) and remove its folder."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
