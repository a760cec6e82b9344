"""`SandboxedKernelManager`: the jupyter_client kernel manager of a sandboxed student kernel.

The sandbox itself is described in :mod:`autograder.sandbox.bwrap`; by default the kernel is
forked from the worker's zygote (:mod:`autograder.sandbox.zygote`) rather than started anew.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Instance, Int, Unicode

from autograder.sandbox.bwrap import sandbox_command
from autograder.sandbox.limits import SANDBOX_HOME, Limits
from autograder.sandbox.resources import SandboxResources

#: What writes the student's notebook, read-only, into the kernel's working folder (a tmpfs).
PLACE_NOTEBOOK = """def _grader_put(p, t):
    import os
    with open(p, 'w', encoding='utf-8') as f:
        f.write(t)
    os.chmod(p, 0o444)
_grader_put({path!r}, {text!r})
del _grader_put
"""


def place_notebook_code(name: str, text: str, home: str = SANDBOX_HOME) -> str:
    """The code that, run silently in a kernel, puts the student's notebook in its working folder.

    The one way a notebook reaches a kernel: the kernel may be started before its student is
    known (the spare kernel of :mod:`autograder.run.execute`), so nothing of the student's
    is part of its start.

    Parameters
    ----------
    name : str
        The notebook's file name.
    text : str
        The notebook's JSON text.
    home : str
        The kernel's working folder.

    Returns
    -------
    str
        Python source.
    """
    return PLACE_NOTEBOOK.format(path=f"{home}/{name}", text=text)


class SandboxedKernelManager(AsyncKernelManager):
    """An ipykernel started under bubblewrap with `Limits`, talking over IPC sockets.

    ``resources`` (:class:`autograder.sandbox.resources.SandboxResources`) gives its uid, its
    zygote and the folder of its sockets. ``cleanup_resources`` removes the socket folder.
    """

    limits = Instance(Limits, args=())
    resources = Instance(SandboxResources, allow_none=True)
    uid = Int(0)
    ipc_dir = Unicode("")
    zygote = Bool(True, help="fork the kernel from this worker's kernel zygote (autograder.sandbox.zygote) "
                             "instead of starting a new interpreter")

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        if self.resources is None:
            raise ValueError("SandboxedKernelManager needs resources (a SandboxResources)")
        if not self.uid:
            self.uid = self.resources.uid()
        self._zygote = self.resources.zygote(self.limits) if self.zygote else None
        # A short path: a Unix socket path must stay under ~100 bytes.
        self.ipc_dir = tempfile.mkdtemp(prefix="k", dir=self._zygote.base if self._zygote else self.resources.temp_dir)
        os.chown(self.ipc_dir, self.uid, self.uid)
        os.chmod(self.ipc_dir, 0o700)
        self.ip = os.path.join(self.ipc_dir, "k")
        self.connection_file = os.path.join(self.ipc_dir, "kernel.json")

    def write_connection_file(self, **kwargs):
        """Write the connection file as jupyter_client does, owned by the kernel's uid."""
        super().write_connection_file(**kwargs)
        os.chown(self.connection_file, self.uid, self.uid)

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel's command: ``ipykernel_launcher`` on the connection file, inside bubblewrap."""
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file, *(extra_arguments or [])]
        return sandbox_command(argv, limits=self.limits, uid=self.uid, ipc_dir=self.ipc_dir)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self._zygote is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        # The provisioner has written the connection file (pre_launch); the zygote forks the
        # kernel, which the provisioner then handles as its process.
        provisioner = self.provisioner
        provisioner.process = self._zygote.spawn(self.uid, self.ipc_dir, self.connection_file)
        provisioner.pid, provisioner.pgid = None, None
        provisioner.cwd = SANDBOX_HOME
        self._reconcile_connection_info(provisioner.connection_info)

    def seal(self):
        """Once the kernel has bound its sockets: its socket folder becomes read-only to it.

        The kernel needs to create its socket files at start-up only; afterwards the folder,
        the one place outside its own tmpfs it could write to, is closed to it.
        """
        os.chown(self.ipc_dir, 0, 0)
        os.chmod(self.ipc_dir, 0o755)
        os.chown(self.connection_file, 0, 0)

    async def interrupt_kernel(self):
        """Interrupt the kernel by an ``interrupt_request`` on its control channel.

        A signal would hit bwrap, not the kernel; ipykernel interrupts itself on a message.
        """
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
