"""Kernels without a sandbox: each starts in a fresh empty folder, without ``PYTHONPATH``.

Used by the stock nbgrader course (:mod:`autograder.authoring.course`), by ``grade
--no-sandbox`` and by tests; :mod:`autograder.sandbox.kernel` is the sandboxed kind.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode


def scratch_env() -> dict[str, str]:
    """The grader's environment minus ``PYTHONPATH`` (so the repository is not importable).

    Returns
    -------
    dict of str to str
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.setdefault("MPLBACKEND", "Agg")
    return env


class ScratchKernelManager(AsyncKernelManager):
    """A kernel started in a fresh empty directory, without ``PYTHONPATH``.

    The directory is made in ``temp_dir`` (the system's temporary folder when empty) and
    removed with the kernel's other resources (``cleanup_resources``).

    On POSIX systems the kernel's sockets are Unix sockets (``transport = "ipc"``) in a
    directory of their own, not TCP ports: jupyter_client picks free TCP ports by binding and
    releasing them, and a kernel started at the same moment by another process can take one
    in between ("Address already in use", and the kernel dies before it replies).
    """

    temp_dir = Unicode("", help="where the kernel's own folder goes (empty: the system's temporary folder)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._scratch = None

    async def _async_pre_start_kernel(self, **kw):
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="sa-kernel-", dir=self.temp_dir or None)
            os.mkdir(os.path.join(self._scratch, "cwd"))
        kw["env"] = {**scratch_env(), **{k: v for k, v in (kw.get("env") or {}).items() if k != "PYTHONPATH"}}
        kw["cwd"] = os.path.join(self._scratch, "cwd")
        if os.name == "posix" and self.transport == "tcp" and self.provisioner is None:
            self.transport = "ipc"
            self.ip = os.path.join(self._scratch, "kernel")  # beside the working directory, not in it
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    cleanup_resources = _async_cleanup_resources
