"""`GraderError`: the base of every error a user of the grader can cause.

The command line catches it once, prints its message on one line and exits with its
``exit_code``.
"""

from __future__ import annotations


class GraderError(Exception):
    """A problem the user can fix (a bad argument, a missing tool, an unreachable server).

    Parameters
    ----------
    message : str
        What is wrong and, where it helps, what to do.
    exit_code : int, optional
        The command's exit status (2: bad usage or input, the default).
    """

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
