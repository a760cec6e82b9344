"""Kernels without a sandbox: each starts in a fresh empty folder, without ``PYTHONPATH``.

Used by the stock nbgrader course (:mod:`autograder.authoring.course`), by ``grade
--no-sandbox`` and by tests; :mod:`autograder.sandbox.kernel` is the sandboxed kind.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager

_SCRATCH_ROOT = None


def _scratch_dir():
    global _SCRATCH_ROOT
    if _SCRATCH_ROOT is None:
        _SCRATCH_ROOT = tempfile.mkdtemp(prefix="sa-kernels-")
        atexit.register(shutil.rmtree, _SCRATCH_ROOT, True)
    return tempfile.mkdtemp(dir=_SCRATCH_ROOT)


def scratch_env():
    """The grader's environment minus ``PYTHONPATH`` (so the repository is not importable)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.setdefault("MPLBACKEND", "Agg")
    return env


class ScratchKernelManager(AsyncKernelManager):
    """A kernel started in a fresh empty directory, without ``PYTHONPATH``.

    On POSIX systems the kernel's sockets are Unix sockets (``transport = "ipc"``) in a
    directory of their own, not TCP ports: jupyter_client picks free TCP ports by binding and
    releasing them, and a kernel started at the same moment by another process can take one
    in between ("Address already in use", and the kernel dies before it replies).
    """

    async def _async_pre_start_kernel(self, **kw):
        kw["env"] = {**scratch_env(), **{k: v for k, v in (kw.get("env") or {}).items() if k != "PYTHONPATH"}}
        kw["cwd"] = _scratch_dir()
        if os.name == "posix" and self.transport == "tcp" and self.provisioner is None:
            self.transport = "ipc"
            self.ip = os.path.join(_scratch_dir(), "kernel")   # beside the working directory, not in it
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel
