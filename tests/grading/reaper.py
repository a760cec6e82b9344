"""Start a command, SIGKILL it at a chosen moment, and report which of its descendants survive.

    python -m tests.grading.reaper --when kernel --delay 1.5 --out OUT -- python -m autograder grade ...

This process makes itself a child subreaper (``PR_SET_CHILD_SUBREAPER``), so every process
that the command starts, however it is orphaned (double forks, ``setsid``, a dead parent),
is re-parented here rather than to the machine's init: its descendants after the kill are
exactly what the command left behind, and no process of another program is counted.

Moments (``--when``), each followed by ``--delay`` seconds:

- ``start``: right after the command starts (while Python imports, before any worker);
- ``worker``: when a process other than the command itself appears below it;
- ``kernel``: when a sandbox (``bwrap``) or kernel (``ipykernel``) appears below it;
- ``result``: when the first journal entry appears in ``OUT/.grader/results``
  (the gradebook was committed just before it, and the next commit is under way).

Prints one JSON object: ``{"moment": seconds after start when killed, "exit": the
command's return code, "left": [[pid, status, cmdline], ...], "waited": seconds}``.
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

PR_SET_CHILD_SUBREAPER = 36


def descendants():
    """Live (not zombie) descendants of this process; zombies are reaped on the way."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    alive = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def reached(when, proc, out):
    if when == "start":
        return True
    below = [p for p in descendants() if p.pid != proc.pid]
    if when == "worker":
        return bool(below)
    if when == "kernel":
        names = []
        for p in below:
            try:
                names.append(" ".join(p.cmdline()))
            except psutil.Error:
                pass
        return any("bwrap" in n or "ipykernel" in n for n in names)
    if when == "result":
        results = Path(out) / ".grader" / "results"
        return results.is_dir() and any(results.iterdir())
    raise SystemExit(f"unknown moment {when!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--when", required=True, choices=["start", "worker", "kernel", "result"])
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wait", type=float, default=10.0, help="seconds to wait for the leftovers to die")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + 300
    while not reached(args.when, proc, args.out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(args.delay)
    moment = time.monotonic() - start
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    code = proc.wait()
    killed = time.monotonic()
    left = descendants()
    while left and time.monotonic() - killed < args.wait:
        time.sleep(0.05)
        left = descendants()
    report = []
    for p in left:
        try:
            report.append([p.pid, p.status(), p.cmdline()[:4]])
        except psutil.Error:
            pass
        p.kill()  # leave nothing behind for the next test, whatever the verdict
    print(json.dumps({"moment": round(moment, 2), "exit": code, "left": report,
                      "waited": round(time.monotonic() - killed, 2)}))


if __name__ == "__main__":
    sys.exit(main())
