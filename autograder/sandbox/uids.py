"""Unprivileged uids for sandboxed kernels, leased by a worker and freed when it closes or dies."""

from __future__ import annotations

import fcntl
import itertools
from pathlib import Path

from autograder.sandbox.bwrap import SandboxUnavailable

UID_BASE = 200000
UID_LEASES = Path("/tmp/autograder-uid-leases")  # one fixed place for every run on the machine


class UidLease:
    """``count`` uids that no other live lease of any grading run on this machine holds.

    A uid is held by an exclusive ``flock`` on ``UID_LEASES/<uid>``, which the kernel drops
    when the holder dies, however it dies: a killed run frees its uids by itself; `close`
    frees them at once.

    A worker has at most two kernels alive at once (the one running a notebook and the next
    one starting, see :mod:`autograder.run.execute`), so its kernels alternate between the
    two uids of its lease (`next_uid`): unique across workers and concurrent runs.

    Parameters
    ----------
    count : int
        How many uids to lease.

    Raises
    ------
    SandboxUnavailable
        When every uid from `UID_BASE` on is held.
    """

    def __init__(self, count: int = 2):
        UID_LEASES.mkdir(mode=0o700, exist_ok=True)
        self.uids: list[int] = []
        self._files = []
        self._turn = itertools.count()
        for uid in range(UID_BASE, UID_BASE + 1_000_000):
            f = open(UID_LEASES / str(uid), "a")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                continue
            self.uids.append(uid)
            self._files.append(f)
            if len(self.uids) == count:
                return
        self.close()
        raise SandboxUnavailable(f"no free sandbox uid from {UID_BASE} on (leases in {UID_LEASES})")

    def next_uid(self) -> int:
        """The uid of the next kernel: the lease's uids in turn.

        Returns
        -------
        int
        """
        return self.uids[next(self._turn) % len(self.uids)]

    @property
    def closed(self) -> bool:
        """Whether `close` has freed the uids."""
        return not self._files

    def close(self) -> None:
        """Free the uids (their lock files stay, unlocked, for the next lease)."""
        while self._files:
            self._files.pop().close()
