"""What one student's kernel may use: memory, CPU, wall clock, processes, output and disk."""

from __future__ import annotations

import dataclasses

GiB = 1024**3
MiB = 1024**2
SANDBOX_HOME = "/home/student"


@dataclasses.dataclass(frozen=True)
class Limits:
    """Per-notebook limits of a student kernel. Every field is stated in --help and in
    book/grading.md; keep them in step."""

    memory: int = 2 * GiB  # bytes of address space of any kernel process (RLIMIT_AS)
    cpu: int = 60  # CPU seconds of any kernel process (RLIMIT_CPU); then SIGKILL
    cell_timeout: int = 30  # seconds of wall clock per cell; then the cell is interrupted
    wall: int = 120  # seconds of wall clock for the whole notebook; then the kernel is killed
    procs: int = 64  # processes and threads of the sandbox user (RLIMIT_NPROC)
    output: int = 1 * MiB  # bytes of cell output kept per notebook; the rest is dropped
    disk: int = 64 * MiB  # size of each writable tmpfs (/tmp, /home/student) and RLIMIT_FSIZE

    def as_dict(self):
        return dataclasses.asdict(self)

