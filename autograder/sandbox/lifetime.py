"""Nothing outlives the grader: every process of a grading run dies with it, by the kernel's rule.

``python -m autograder grade`` calls :func:`contain` first. The process the instructor
started (the *supervisor*) makes a new PID namespace and forks the real grader into it as
its process 1; the grader's workers, their bubblewrap sandboxes, the kernels and anything
a student's code forks (double forks and ``setsid`` included) all live in that namespace or
in namespaces nested inside it. Two rules of Linux then hold whatever happens:

- the grader has ``PR_SET_PDEATHSIG = SIGKILL``: when the supervisor dies, by any signal,
  SIGKILL included, the kernel kills the grader;
- when process 1 of a PID namespace dies, the kernel kills every other process in it
  (and so in every namespace nested in it).

So a killed grader leaves no worker, sandbox or kernel behind, and no cleanup code has to
run for that. The supervisor only forwards SIGTERM, SIGHUP and SIGQUIT to the grader
(Ctrl-C reaches both through the terminal) and exits with the grader's status.

Where a PID namespace cannot be made (not root and no unprivileged namespaces), the run
goes on uncontained and :func:`contain` says so in one line.

The grader also gets a mount namespace of its own with a fresh ``/proc``, so that process
ids read there (by bubblewrap, among others) are those of its PID namespace. Nothing else
of the file system changes.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys

CLONE_NEWPID = 0x20000000
CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
CONTAINED = "AUTOGRADER_CONTAINED"  # set in the grader's environment once it is contained
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig=signal.SIGKILL) -> None:
    """Ask the kernel to send a signal to this process when its parent dies.

    Parameters
    ----------
    sig : int or signal.Signals, default SIGKILL

    Raises
    ------
    OSError
        When ``prctl(PR_SET_PDEATHSIG)`` fails.
    """
    if _libc().prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def contain(stream=sys.stderr) -> bool:
    """Run the rest of this process as process 1 of a new PID namespace; see the module docstring.

    Returns in the grader (the namespace's process 1). The supervisor never returns: it
    exits with the grader's exit status, or by the grader's signal.

    Parameters
    ----------
    stream : file, default sys.stderr
        Where to say why the process could not be contained.

    Returns
    -------
    bool
        True in the contained grader; False when it runs as it was (already contained, not
        Linux, or the namespace could not be made).
    """
    if os.environ.get(CONTAINED) or not sys.platform.startswith("linux"):
        return False
    libc = _libc()
    if libc.unshare(CLONE_NEWPID) != 0:
        err = ctypes.get_errno()
        stream.write(f"note: no PID namespace for this run ({os.strerror(err)}); if the grader is killed, "
                     "its workers and kernels may outlive it\n")
        return False
    alive_r, alive_w = os.pipe()  # the supervisor holds the write end until it dies
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        die_with_parent()
        # The supervisor may have died before prctl took effect: then the pipe is at EOF.
        if select.select([alive_r], [], [], 0)[0]:
            os._exit(128 + signal.SIGKILL)
        os.close(alive_r)
        _own_proc()
        os.environ[CONTAINED] = "1"
        for sig in FORWARDED:
            # Process 1 of a namespace gets no signal it has no handler for: these end it at once.
            signal.signal(sig, lambda signum, frame: os._exit(128 + signum))
        return True
    os.close(alive_r)
    _supervise(pid)


def _own_proc():
    """A mount namespace whose ``/proc`` shows this PID namespace (mounts made private first,
    so that nothing propagates back to the machine's own ``/proc``)."""
    libc = _libc()
    if (libc.unshare(CLONE_NEWNS) != 0
            or libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0
            or libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) != 0):
        err = ctypes.get_errno()
        sys.stderr.write(f"python -m autograder grade: cannot mount /proc for the run's PID namespace "
                         f"({os.strerror(err)})\n")
        os._exit(2)


def _supervise(pid):
    """The supervisor: forward signals, wait, and leave as the grader left."""
    for sig in FORWARDED:
        signal.signal(sig, lambda signum, frame: os.kill(pid, signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader gets Ctrl-C from the terminal itself
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    sys.stdout.flush()
    sys.stderr.flush()
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)
