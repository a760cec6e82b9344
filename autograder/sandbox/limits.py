"""What one student's kernel may use: memory, CPU, wall clock, processes, output and disk."""

from __future__ import annotations

import dataclasses

GiB = 1024**3
MiB = 1024**2
SANDBOX_HOME = "/home/student"
OPEN_FILES = 256  # file descriptors of any kernel process (RLIMIT_NOFILE)
CPU_GRACE = 5  # seconds between SIGXCPU at the CPU limit and SIGKILL


@dataclasses.dataclass(frozen=True)
class Limits:
    """Per-notebook limits of a student kernel.

    Every field is stated in ``--help`` and in ``book/grading.md``; keep them in step.

    Attributes
    ----------
    memory : int
        Bytes of address space of any kernel process (``RLIMIT_AS``).
    cpu : int
        CPU seconds of any kernel process (``RLIMIT_CPU``); SIGXCPU, then SIGKILL
        `CPU_GRACE` seconds later.
    cell_timeout : int
        Seconds of wall clock per cell; then the cell is interrupted.
    wall : int
        Seconds of wall clock for the whole notebook; then the kernel is killed.
    procs : int
        Processes and threads of the sandbox user (``RLIMIT_NPROC``).
    output : int
        Bytes of cell output kept per notebook; the rest is dropped.
    disk : int
        Size of each writable tmpfs (``/tmp``, ``/home/student``) and ``RLIMIT_FSIZE``.
    """

    memory: int = 2 * GiB
    cpu: int = 60
    cell_timeout: int = 30
    wall: int = 120
    procs: int = 64
    output: int = 1 * MiB
    disk: int = 64 * MiB

    def as_dict(self) -> dict[str, int]:
        """The fields by name (what a task carries as JSON).

        Returns
        -------
        dict of str to int
        """
        return dataclasses.asdict(self)

    def rlimits(self) -> dict[str, tuple[int, int]]:
        """The rlimit policy of every kernel process, the one place it is written.

        Applied by ``prlimit`` to a kernel started anew (:func:`autograder.sandbox.bwrap.sandbox_command`)
        and by ``setrlimit`` in a kernel forked by the zygote (:mod:`autograder.sandbox.zygote_main`,
        which gets this mapping in its request).

        Returns
        -------
        dict of str to (int, int)
            ``{name in the resource module: (soft, hard)}``.
        """
        return {
            "RLIMIT_AS": (self.memory, self.memory),
            "RLIMIT_CPU": (self.cpu, self.cpu + CPU_GRACE),
            "RLIMIT_NPROC": (self.procs, self.procs),
            "RLIMIT_FSIZE": (self.disk, self.disk),
            "RLIMIT_CORE": (0, 0),
            "RLIMIT_NOFILE": (OPEN_FILES, OPEN_FILES),
        }
