"""The progress line of a grading run on stderr."""

from __future__ import annotations

import sys
import time

from autograder.model import Status


class Progress:
    """``[#####-----] 12/40  ETA 0:35  graded 10, timeout 1`` on stderr.

    The statuses are listed in :class:`autograder.model.Status` order, as in the closing
    summary and the class report.

    Parameters
    ----------
    stream : file
        Where the line goes (a terminal gets one line redrawn; a file a line every 5 s).
    """

    def __init__(self, stream=sys.stderr):
        self.stream, self.total, self.done, self.counts = stream, None, 0, {}
        self.start = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_line = 0.0

    def update(self, status: Status | str | None = None, total: int | None = None) -> None:
        """Count one finished submission and/or set the total, then redraw the line.

        Parameters
        ----------
        status : Status or str, optional
            The status of a submission that has just been graded.
        total : int, optional
            How many submissions the run grades.
        """
        if total is not None:
            self.total = total
        if status is not None:
            self.done += 1
            self.counts[Status(status)] = self.counts.get(Status(status), 0) + 1
        now = time.monotonic()
        if not self.tty and now - self.last_line < 5 and self.done != self.total:
            return
        self.last_line = now
        total = self.total if self.total is not None else "?"
        elapsed = now - self.start
        eta = "--:--"
        if self.total and self.done:
            left = elapsed / self.done * (self.total - self.done)
            eta = f"{int(left // 60)}:{int(left % 60):02d}"
        frac = self.done / self.total if self.total else 0
        bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
        counts = ", ".join(f"{s.value} {self.counts[s]}" for s in Status if s in self.counts)
        line = f"[{bar}] {self.done}/{total}  ETA {eta}  {counts}"
        self.stream.write(("\r" + line + "\033[K") if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line, and say how many notebooks were graded in how long."""
        if self.tty:
            self.stream.write("\n")
        self.stream.write(f"graded {self.done} notebook(s) in {time.monotonic() - self.start:.1f} s\n")
        self.stream.flush()
