"""The zygote: runs inside a bubblewrap sandbox and forks one ipykernel per student.

This file is not imported by the grader: :mod:`autograder.sandbox.zygote` passes its text to
``python -c`` inside the sandbox, where the repository is not visible. It uses only the
standard library and what a kernel imports anyway (ipykernel, numpy).

The zygote runs as root inside the sandbox (bubblewrap gives it only ``CAP_SYS_ADMIN``,
``CAP_SETUID``, ``CAP_SETGID`` and ``CAP_KILL``), has imported ipykernel and numpy once,
and reads one JSON request a line on stdin:

- ``{"op": "spawn", "id", "uid", "base", "ipc_dir", "connection_file", "disk", "rlimits"}``
  forks a child that unshares its own PID, mount, IPC, UTS and network namespaces (the
  network one with no interface up, not even loopback: the kernel talks over Unix
  sockets). Their process 1 mounts a fresh ``/proc``, fresh tmpfs of ``disk`` bytes on
  ``/tmp`` and on the home folder, and of ``base`` (the folder of every kernel's socket
  folder) shows only the kernel's own socket folder ``ipc_dir``; it forks the kernel
  (process 2: process 1 of a namespace ignores signals it has no handler for, SIGXCPU
  among them), which closes every file descriptor of the zygote, sets ``rlimits``
  (``{name in the resource module: [soft, hard]}``, the grader's ``Limits.rlimits()``),
  drops to ``uid`` with ``no_new_privs`` and no capability, and only then starts the
  ipykernel app on ``connection_file``. The student's notebook is not part of the
  request: the grader writes it into the kernel's home folder once the kernel answers.
- ``{"op": "kill", "id", "signal"}`` signals that child; its kernel dies with it
  (parent-death signal), and with the kernel its whole PID namespace.

It writes ``{"ready": pid}`` once its imports are done, then one JSON line a child:
``{"id", "exit"}`` once the child has ended, with the kernel's exit code (``128 + n`` when
signal ``n`` ended it, as bubblewrap reports it) or ``-n`` when the child itself was
killed by signal ``n``. The zygote ends when its stdin closes.
"""

import ctypes
import gc
import json
import os
import re
import resource
import select
import signal
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
LIBC = ctypes.CDLL(None, use_errno=True)


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(LIBC.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                      ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def _tmpfs(target, mode, size):
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode:o},size={size}")


def _die_with_parent():
    _check(LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def _mounts_below(top):
    """The outermost mount points strictly below the folder ``top`` (``/proc/self/mountinfo``)."""
    points = set()
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            # field 5 is the mount point, with space, tab, newline and backslash as octal escapes
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
            if point.startswith(top + "/"):
                points.add(point)
    return sorted(p for p in points if not any(p.startswith(q + "/") for q in points))


def _fresh_tmp(ipc_dir, base, size):
    """A fresh, empty /tmp that still shows what the sandbox binds below /tmp (the Python
    install and virtual environment of a checkout under /tmp), and the kernel's own socket
    folder at its path, but no other kernel's."""
    kept = [(point, os.open(point, os.O_PATH)) for point in _mounts_below("/tmp")
            if point != base and not point.startswith(base + "/")]  # the sockets: only the kernel's own, below
    keep = os.open(ipc_dir, os.O_PATH | os.O_DIRECTORY)
    _tmpfs("/tmp", 0o1777, size)
    for point, fd in kept:  # each bind again, with what is mounted inside it and its read-only flag
        os.makedirs(os.path.dirname(point), mode=0o755, exist_ok=True)
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.mkdir(point, 0o755)
        else:
            os.close(os.open(point, os.O_CREAT | os.O_WRONLY, 0o444))
        _mount(f"/proc/self/fd/{fd}", point, None, MS_BIND | MS_REC)
        os.close(fd)
    if not ipc_dir.startswith("/tmp/"):
        _tmpfs(base, 0o755, 1024 * 1024)
    os.makedirs(ipc_dir, mode=0o755, exist_ok=True)
    _mount(f"/proc/self/fd/{keep}", ipc_dir, None, MS_BIND)
    os.close(keep)


def _sandbox_of_one_student(req, home):
    """In process 1 of the new PID namespace: the file system of one student's kernel."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _fresh_tmp(req["ipc_dir"], req["base"], req["disk"])
    _tmpfs(home, 0o777, req["disk"])


def _become_kernel(req, home):
    """Process 2 of the namespace (process 1 would ignore SIGXCPU and every signal it has no
    handler for): every fd of the zygote closed, rlimits, the student's uid, then ipykernel."""
    uid = req["uid"]
    os.chdir(home)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 65536)
    for name, (soft, hard) in req["rlimits"].items():  # the grader's one policy, Limits.rlimits()
        resource.setrlimit(getattr(resource, name), (soft, hard))
    for cap in range(64):  # the bounding set: nothing to regain, even through an executable
        if LIBC.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from uid 0 to another: every capability is cleared
    _check(LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    _die_with_parent()  # changing credentials cleared it
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != uid:
        os._exit(71)
    _start_ipykernel(req["connection_file"])


def _wait_for(pid, reap_all):
    """The exit code of ``pid``, as bubblewrap reports its child's (``128 + n`` for signal n);
    with ``reap_all``, every orphan that ends meanwhile is reaped too (process 1's duty)."""
    while True:
        try:
            done, status = os.waitpid(-1 if reap_all else pid, 0)
        except InterruptedError:
            continue
        if done == pid:
            return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _start_ipykernel(connection_file):
    # What `python -m ipykernel_launcher -f <file>` does, on the modules imported already.
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, "-f", connection_file]
    try:
        import numpy.random

        numpy.random.seed()  # the forked state is the zygote's: a fresh seed of its own, as a new process has
    except ImportError:
        pass
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    os._exit(0)


def _child(req, home, command_fds):
    """The zygote's child: new namespaces; their process 1 sets up the file system and forks
    the kernel; the kernel's exit code is passed on to the zygote."""
    _die_with_parent()
    _check(LIBC.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # process 1 of the new PID namespace
        try:
            os.close(alive_w)
            _die_with_parent()
            # killed between fork and prctl: the pipe is already at its end
            if select.select([alive_r], [], [], 0)[0]:
                os._exit(70)
            for fd in (*command_fds, alive_r):
                os.close(fd)
            _sandbox_of_one_student(req, home)
            kernel = os.fork()
            if kernel == 0:
                try:
                    _become_kernel(req, home)
                finally:
                    os._exit(70)
            os._exit(_wait_for(kernel, reap_all=True))
        except BaseException:  # noqa: BLE001 - a child never returns into the zygote's loop
            os._exit(70)
    os.close(alive_r)
    for fd in command_fds:
        os.close(fd)
    os._exit(_wait_for(pid, reap_all=False))


def main():
    """The zygote's loop: import once, announce ``{"ready": pid}``, then serve requests until stdin closes.

    The home folder of the kernels is ``sys.argv[1]``; the requests and the lines written
    back are in the module docstring.
    """
    home = sys.argv[1]
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # as ipykernel_launcher does: the working folder is not a module path
    # The point of a zygote: what every kernel imports, imported once before any fork
    # (importing them starts no thread: the forks copy a single-threaded process).
    import IPython.core.completerlib  # noqa: F401
    import IPython.core.debugger  # noqa: F401
    import IPython.core.history  # noqa: F401
    import IPython.core.oinspect  # noqa: F401
    import IPython.extensions.storemagic  # noqa: F401
    import IPython.utils.wildcard  # noqa: F401
    import ipykernel.comm  # noqa: F401
    import ipykernel.debugger  # noqa: F401 - debugpy, the largest part of a kernel's start
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import ipykernel_launcher  # noqa: F401
    import numpy  # noqa: F401
    import sqlite3  # noqa: F401
    import tornado.platform.asyncio  # noqa: F401

    # What the kernel app imports while it initialises is above too. Objects alive now are
    # moved out of the collector's sight: each fork's collections then neither scan them nor
    # write to their pages (which copy-on-write would copy, a kernel each).
    gc.collect()
    gc.freeze()

    children = {}  # pid -> request id
    out = sys.stdout
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    out.flush()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stdin = sys.stdin.fileno()
    buffer = b""

    def reap():
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            out.write(json.dumps({"id": children.pop(pid), "exit": code}) + "\n")
            out.flush()

    while True:
        ready = select.select([stdin, wake_r], [], [])[0]
        if wake_r in ready:
            os.read(wake_r, 4096)
        reap()
        if stdin not in ready:
            continue
        data = os.read(stdin, 65536)
        if not data:
            for pid in list(children):
                os.kill(pid, signal.SIGKILL)
            return
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            req = json.loads(line)
            if req["op"] == "spawn":
                pid = os.fork()
                if pid == 0:
                    try:
                        signal.set_wakeup_fd(-1)
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        _child(req, home, [stdin, 1, wake_r, wake_w])
                    finally:
                        os._exit(70)
                children[pid] = req["id"]
                out.write(json.dumps({"id": req["id"], "pid": pid}) + "\n")
                out.flush()
            elif req["op"] == "kill":
                for pid, rid in children.items():
                    if rid == req["id"]:
                        os.kill(pid, req["signal"])


if __name__ == "__main__":
    main()
