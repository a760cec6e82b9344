"""Unprivileged uids for sandboxed kernels, leased per worker and freed when it dies."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from autograder.sandbox.bwrap import SandboxUnavailable

UID_BASE = 200000
UID_LEASES = Path("/tmp/autograder-uid-leases")  # one fixed place for every run on the machine
_KERNELS = itertools.count()
_LEASED = {"pid": None, "uids": [], "files": []}


def _lease_uids(count=2):
    """``count`` uids that no other live process of any grading run holds.

    A uid is held by an exclusive ``flock`` on ``UID_LEASES/<uid>``, which the kernel drops
    when the holder dies, however it dies: a killed run frees its uids by itself.
    """
    import fcntl

    UID_LEASES.mkdir(mode=0o700, exist_ok=True)
    uids, files = [], []
    for uid in range(UID_BASE, UID_BASE + 1_000_000):
        f = open(UID_LEASES / str(uid), "a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            continue
        uids.append(uid)
        files.append(f)
        if len(uids) == count:
            return uids, files
    raise SandboxUnavailable(f"no free sandbox uid from {UID_BASE} on (leases in {UID_LEASES})")


def sandbox_uid():
    """An unprivileged uid for a kernel, distinct from every other live kernel's.

    A worker has at most two kernels alive at once (the one running a notebook and the next
    one starting, see ``autograder.run.execute``), so they alternate between two uids leased by
    the worker for its lifetime (`_lease_uids`): unique across workers and concurrent runs.
    """
    if _LEASED["pid"] != os.getpid():  # first call, or a forked child: leases of its own
        _LEASED["uids"], _LEASED["files"] = _lease_uids()
        _LEASED["pid"] = os.getpid()
    return _LEASED["uids"][next(_KERNELS) % 2]
