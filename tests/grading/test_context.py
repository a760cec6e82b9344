"""A worker's context: everything it made ends with it, and two contexts share nothing."""

import asyncio
import fcntl
import os
import subprocess

import pytest

from autograder.run.context import Spare, WorkerContext
from autograder.sandbox.bwrap import bwrap_path
from autograder.sandbox.kernel import SandboxedKernelManager
from autograder.sandbox.limits import Limits
from autograder.sandbox.uids import UID_LEASES

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap is not installed")


def _start_spare(ctx, limits=Limits()):
    """A kernel forked by ``ctx``'s zygote, kept in ``ctx`` as the next notebook's spare."""
    async def start():
        km = SandboxedKernelManager(limits=limits, resources=ctx.sandbox)
        await km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ready = asyncio.get_running_loop().create_future()
        ready.set_result(None)
        return Spare(km, km.client(), ready)

    spare = asyncio.run(start())
    ctx.put_spare(limits, spare)
    return spare


def _leased(uid):
    """Does a live lease hold ``uid``?"""
    with open(UID_LEASES / str(uid), "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def test_a_closed_context_leaves_no_kernel_zygote_uid_or_folder(tmp_path):
    ctx = WorkerContext(str(tmp_path))
    spare = _start_spare(ctx)
    kernel = spare.km.provisioner.process
    zygote = ctx.sandbox.zygotes[Limits()]
    lease, folder = ctx.sandbox.lease, ctx.temp_dir
    assert kernel.poll() is None and zygote.process.poll() is None
    assert all(_leased(uid) for uid in lease.uids) and os.path.isdir(spare.km.ipc_dir)

    ctx.close()

    assert kernel.poll() is not None  # the spare kernel was killed
    assert zygote.process.poll() is not None  # the zygote ended
    # the uids are free for another worker (whether one has taken them since is not ours to test)
    assert lease.closed and ctx.sandbox.lease is None
    assert not os.path.exists(folder) and list(tmp_path.iterdir()) == []  # no folder left
    assert ctx.spares == {} and ctx.sandbox.zygotes == {}


def test_two_contexts_in_one_process_share_nothing(tmp_path):
    a, b = WorkerContext(str(tmp_path)), WorkerContext(str(tmp_path))
    try:
        spare_a, spare_b = _start_spare(a), _start_spare(b)
        folder_a = a.temp_dir
        assert folder_a != b.temp_dir
        assert not set(a.sandbox.lease.uids) & set(b.sandbox.lease.uids)
        assert spare_a.km.uid != spare_b.km.uid
        za, zb = a.sandbox.zygotes[Limits()], b.sandbox.zygotes[Limits()]
        assert za is not zb and za.process.pid != zb.process.pid
        assert a.exporter is not b.exporter
        assert a.take_spare(Limits()) is spare_a  # each its own spare
        a.put_spare(Limits(), spare_a)

        a.close()  # ends a's kernel, zygote, uids and folder, nothing of b's
        assert spare_a.km.provisioner.process.poll() is not None
        assert spare_b.km.provisioner.process.poll() is None and zb.process.poll() is None
        assert all(_leased(uid) for uid in b.sandbox.lease.uids)
        assert os.path.isdir(b.temp_dir) and not os.path.exists(folder_a)
        assert b.take_spare(Limits()) is spare_b
        b.put_spare(Limits(), spare_b)
    finally:
        a.close()
        b.close()
    assert list(tmp_path.iterdir()) == []
