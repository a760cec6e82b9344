"""What the sandboxed kernels of one worker share: a temporary folder, a uid lease, a zygote per `Limits`."""

from __future__ import annotations

from autograder.sandbox.limits import Limits
from autograder.sandbox.uids import UidLease
from autograder.sandbox.zygote import Zygote, ZygoteDied


class SandboxResources:
    """One worker's sandbox resources, made on first use and all ended by `close`.

    Parameters
    ----------
    temp_dir : str or None
        Where the zygotes' folders and the kernels' socket folders go (the caller owns the
        folder itself); None: the system's temporary folder.
    """

    def __init__(self, temp_dir: str | None = None):
        self.temp_dir = temp_dir
        self.lease: UidLease | None = None
        self.zygotes: dict[Limits, Zygote] = {}
        self.zygote_failed = False  # once a zygote could not start here, none is tried again
        self.closed = False

    def uid(self) -> int:
        """The uid of the next kernel, from this worker's `UidLease` (leased on first use).

        Returns
        -------
        int
        """
        self._check_open()
        if self.lease is None:
            self.lease = UidLease()
        return self.lease.next_uid()

    def zygote(self, limits: Limits) -> Zygote | None:
        """The zygote for ``limits``, started on first use and again if it died.

        Parameters
        ----------
        limits : Limits

        Returns
        -------
        Zygote or None
            None where no zygote can start (each kernel then starts a new interpreter, in
            the same sandbox).
        """
        self._check_open()
        if self.zygote_failed:
            return None
        zygote = self.zygotes.get(limits)
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            try:
                zygote = self.zygotes[limits] = Zygote(limits, self.temp_dir)
            except ZygoteDied:
                self.zygotes.pop(limits, None)
                self.zygote_failed = True
                return None
        return zygote

    def close(self) -> None:
        """End every zygote (their kernels die with them) and free the uids."""
        self.closed = True
        while self.zygotes:
            self.zygotes.popitem()[1].close()
        if self.lease is not None:
            self.lease.close()
            self.lease = None

    def _check_open(self):
        if self.closed:
            raise RuntimeError("these sandbox resources are closed")
