"""A Jupyter kernel that runs one student's code inside a bubblewrap sandbox.

`SandboxedKernelManager` is a jupyter_client ``AsyncKernelManager`` (what nbclient and
nbgrader's ``Execute`` use) whose kernel process is started as::

    setpriv --pdeathsig SIGKILL -- prlimit --as=… --cpu=… --nproc=… --fsize=… --core=0 --nofile=… --
      bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try
            --die-with-parent --new-session --clearenv …
            --ro-bind <Python install> … --ro-bind <venv site-packages> …
            --tmpfs /tmp --tmpfs /home/student
            --bind <ipc dir> <ipc dir>
        setpriv --reuid=<uid> --regid=<uid> --clear-groups --no-new-privs …
          <python> -m ipykernel_launcher -f <connection file>

What the kernel sees: a fresh root made of an empty tmpfs; read-only the Python install
(``sys.base_prefix``), the virtual environment's ``pyvenv.cfg``, interpreter and
``site-packages``, and ``/usr`` (shared libraries); ``/proc`` of its own pid namespace
and a minimal ``/dev``. It does **not** see the repository (``solutions/``,
``autograder/``), the gradebook, the grading output or any other student. It can write
only to ``/tmp`` and to its working directory ``/home/student`` (both private tmpfs of a
capped size; :func:`autograder.sandbox.kernel.place_notebook_code` writes the student's notebook there), and to the directory of its
own IPC sockets until it has created them (`SandboxedKernelManager.seal`). It has its own network namespace with no interface but a downed
loopback, so it has no network at all; hence ``transport = "ipc"`` (Unix sockets in a
bound directory) instead of TCP.

By default (``SandboxedKernelManager.zygote``) the kernel is not started by that command but
forked from the worker's kernel zygote (:mod:`autograder.sandbox.zygote`), which runs in the same
sandbox (`zygote_command`) with ipykernel and numpy imported; the fork gets namespaces,
tmpfs, rlimits and a uid of its own before it runs anything of the student's, as below.

Inside, the kernel runs as an unprivileged uid of its own (not root, no capabilities,
``no_new_privs``), so the process limit (``RLIMIT_NPROC``, which does not apply to
root) holds, and the kernels of two workers cannot touch each other. The limits are
`Limits`; wall-clock limits are enforced by the caller (see ``autograder.run.execute``).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

from autograder.errors import GraderError
from autograder.sandbox.limits import SANDBOX_HOME, Limits

INSTALL_HINT = (
    "bubblewrap (the `bwrap` command) is needed to grade in a sandbox. Install it with "
    "`apt-get install bubblewrap` (Debian/Ubuntu; `bash scripts/setup.sh --test` does it), "
    "or pass --no-sandbox to grade without a sandbox (unsafe: student code could read the "
    "reference solutions, other students' work and the gradebook)."
)


class SandboxUnavailable(GraderError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""



def bwrap_path() -> str | None:
    """The bwrap executable.

    Returns
    -------
    str or None
        Its path, or None where bubblewrap is not installed.
    """
    return shutil.which("bwrap") or (os.path.exists("/usr/bin/bwrap") and "/usr/bin/bwrap") or None


def check_sandbox() -> None:
    """Check that a bwrap sandbox starts here.

    Raises
    ------
    SandboxUnavailable
        With what to install, or why bubblewrap cannot run here.
    """
    bwrap = bwrap_path()
    if not bwrap:
        raise SandboxUnavailable(INSTALL_HINT)
    for tool in ("prlimit", "setpriv"):
        if not shutil.which(tool):
            raise SandboxUnavailable(f"`{tool}` (Debian package util-linux) is missing; it is needed for the sandbox.")
    cmd = [bwrap, *_namespace_args(), *_system_binds(), "--", "/bin/true"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap is installed but cannot create a sandbox here ({result.stderr.strip()}). "
            "It needs root or unprivileged user namespaces. Pass --no-sandbox to grade without it (unsafe)."
        )


def _namespace_args():
    # Every namespace of --unshare-all except the user namespace: the kernel must drop to a
    # real unprivileged uid (setpriv below) so that RLIMIT_NPROC and file permissions hold.
    return [
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session", "--hostname", "sandbox",
    ]


def _system_binds():
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    # fontconfig's configuration, so that matplotlib's `fc-list` does not write errors to stderr
    args += ["--ro-bind-try", "/etc/fonts", "/etc/fonts"]
    return args + ["--proc", "/proc", "--dev", "/dev"]


def _parent_dirs(paths):
    """``--dir`` for every ancestor of the bind targets, world-readable (bwrap would make them 0700)."""
    parents = sorted({str(a) for p in paths for a in Path(p).parents if str(a) not in ("/", "/tmp", "/usr")},
                     key=lambda a: (a.count("/"), a))
    args = []
    for parent in parents:
        if not parent.startswith("/usr/"):
            args += ["--perms", "0755", "--dir", parent]
    return args


def python_binds() -> list[tuple[Path, Path]]:
    """Read-only binds of exactly what the kernel's interpreter needs, resolved at run time.

    The Python install (``sys.base_prefix``: interpreter, stdlib, shared library) and, when
    running in a virtual environment, its ``pyvenv.cfg``, its ``bin/python*`` and its
    site-packages directories (nothing else of the venv, and never the repository).

    Returns
    -------
    list of (Path, Path)
        ``(host path, path inside)`` of each bind.
    """
    binds = []
    base = Path(sys.base_prefix).resolve()
    binds.append((base, base))
    prefix = Path(sys.prefix)
    if prefix.resolve() != base:
        binds.append((prefix / "pyvenv.cfg", prefix / "pyvenv.cfg"))
        exe = Path(sys.executable)
        binds.append((exe, exe))
    for sp in {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        sp = Path(sp)
        if sp.is_dir() and not sp.resolve().is_relative_to(base):
            binds.append((sp, sp))
    return binds


#: The course's own packages: the reference, the grader (hidden tests included), the book's figures.
COURSE_PACKAGES = ("solutions", "autograder", "book_figures")


def hide_course_packages(binds: list[tuple[Path, Path]]) -> list[str]:
    """``--tmpfs`` over each course package that a bind would show the kernel.

    Installed with ``pip install .``, the packages sit in the site-packages the kernel needs;
    an empty tmpfs over each one hides it. (Installed editable, they stay in the checkout,
    which is never bound.)

    Parameters
    ----------
    binds : list of (Path, Path)
        The binds of `python_binds`.

    Returns
    -------
    list of str
        bwrap's arguments.
    """
    import importlib.util

    args = []
    for name in COURSE_PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(folder).resolve()
            for src, dest in binds:
                if folder.is_relative_to(Path(src).resolve()):
                    args += ["--size", "4096", "--tmpfs", str(Path(dest) / folder.relative_to(Path(src).resolve()))]
    return args


def kernel_env() -> dict[str, str]:
    """The kernel's whole environment: no PYTHONPATH, nothing of the grader's.

    Returns
    -------
    dict of str to str
    """
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        # one BLAS thread: the kernel is one task among --jobs, and threads count towards procs
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _bwrap_args(limits: Limits, binds_also, home):
    """bwrap, its namespaces, environment and file system (see the module docstring), up to
    the command it runs; ``binds_also``: host folders shown read-write at the same path."""
    bwrap = bwrap_path()
    if not bwrap:
        raise SandboxUnavailable(INSTALL_HINT)
    cmd = [bwrap, *_namespace_args(), "--clearenv"]
    for key, value in kernel_env().items():
        cmd += ["--setenv", key, value]
    cmd += _system_binds()
    # The private /tmp comes before every bind: the venv or the socket folder may live under
    # the real /tmp (a checkout in /tmp, as CI may use), and a tmpfs mounted after their binds
    # would hide them.
    cmd += ["--perms", "1777", "--size", str(limits.disk), "--tmpfs", "/tmp"]
    binds = python_binds()
    cmd += _parent_dirs([dest for _, dest in binds] + [Path(b) for b in binds_also] + [Path(home)])
    for src, dest in binds:
        cmd += ["--ro-bind", str(src), str(dest)]
    cmd += hide_course_packages(binds)
    cmd += ["--perms", "0777", "--size", str(limits.disk), "--tmpfs", home]
    return cmd


def _die_with_grader():
    # bwrap's own --die-with-parent does not hold when it runs as root (changing its
    # credentials clears the parent-death signal), so it gets one from outside too:
    # a grader killed with SIGKILL takes its kernels with it.
    return [shutil.which("setpriv") or "/usr/bin/setpriv", "--pdeathsig", "SIGKILL", "--"]


#: ``prlimit``'s option for each rlimit of `Limits.rlimits`.
PRLIMIT_FLAGS = {"RLIMIT_AS": "--as", "RLIMIT_CPU": "--cpu", "RLIMIT_NPROC": "--nproc",
                 "RLIMIT_FSIZE": "--fsize", "RLIMIT_CORE": "--core", "RLIMIT_NOFILE": "--nofile"}


def prlimit_args(limits: Limits) -> list[str]:
    """``prlimit`` with every rlimit of ``limits`` (`Limits.rlimits`), up to its ``--``.

    Parameters
    ----------
    limits : Limits

    Returns
    -------
    list of str
    """
    flags = [f"{PRLIMIT_FLAGS[name]}={soft}:{hard}" for name, (soft, hard) in limits.rlimits().items()]
    return [shutil.which("prlimit") or "prlimit", *flags, "--"]


def sandbox_command(argv: list[str], *, limits: Limits, uid: int, ipc_dir: str, home: str = SANDBOX_HOME) -> list[str]:
    """The full command that runs ``argv`` in the sandbox (see the module docstring).

    Parameters
    ----------
    argv : list of str
        The command to run inside, as ``uid``.
    limits : Limits
        Its rlimits and the size of its tmpfs.
    uid : int
        The unprivileged uid it runs as.
    ipc_dir : str
        The host folder of its sockets, bound read-write at the same path.
    home : str
        Its working folder (an empty tmpfs).

    Returns
    -------
    list of str
    """
    return [
        *_die_with_grader(),
        *prlimit_args(limits),
        *_bwrap_args(limits, [ipc_dir], home),
        "--bind", ipc_dir, ipc_dir, "--chdir", home,
        shutil.which("setpriv") or "/usr/bin/setpriv",
        f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
        "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
        "--",
        *argv,
    ]


# What the zygote (root inside its sandbox) needs to give each kernel namespaces, mounts and
# a uid of its own, and to signal its children; every kernel drops all of them.
ZYGOTE_CAPS = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_KILL")


def zygote_command(python_args: list[str], *, limits: Limits, base: str, home: str = SANDBOX_HOME) -> list[str]:
    """The command of a kernel zygote (:mod:`autograder.sandbox.zygote`).

    The same sandbox as a kernel's, with ``base`` bound read-write, run as root with
    `ZYGOTE_CAPS` only; each forked kernel sets its own rlimits and uid.

    Parameters
    ----------
    python_args : list of str
        The arguments of the sandbox's Python.
    limits : Limits
        The size of its tmpfs (its kernels get their rlimits in their requests).
    base : str
        The host folder where its kernels' socket folders go.
    home : str
        Its working folder.

    Returns
    -------
    list of str
    """
    cmd = [*_die_with_grader(), *_bwrap_args(limits, [base], home), "--cap-drop", "ALL"]
    for cap in ZYGOTE_CAPS:
        cmd += ["--cap-add", cap]
    cmd += ["--bind", base, base, "--chdir", home, sys.executable, *python_args]
    return cmd
