"""Files the grader writes and the locks it holds: small helpers shared by every stage.

- `atomic_write`: a file is replaced whole or not at all (a kill never leaves half a file);
- `write_if_changed`: the same, and only when the content differs (grades.csv, report.html);
- `sha256_file`: the digest that tells an unchanged submission;
- `hold_lock`: an exclusive ``flock`` that the kernel drops when its holder dies, however it dies;
- `run_folder` and `remove_stale_run_folders`: one temporary folder per grading run, locked
  while the run lives, and removed by a later run once nothing holds its lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path


def atomic_write(path, data: str) -> None:
    """Write text to a file through a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : str or os.PathLike
        The file; its folder is made if missing.
    data : str
        The text, written as UTF-8.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_file(path) -> str:
    """The SHA-256 digest of a file's bytes, read in blocks of 1 MiB.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    str
        The digest in hexadecimal.
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_if_changed(path, text: str) -> bool:
    """`atomic_write` unless ``path`` already holds ``text``.

    Parameters
    ----------
    path : str or os.PathLike
    text : str

    Returns
    -------
    bool
        True when it wrote.
    """
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write(path, text)
    return True


def hold_lock(path, wait: float = 0.0):
    """An open file holding an exclusive ``flock`` on ``path``.

    The kernel drops the lock when its holder dies.

    Parameters
    ----------
    path : str or os.PathLike
        The lock file, made if missing.
    wait : float, default 0.0
        How long to wait for another process to let go, in seconds.

    Returns
    -------
    file or None
        The open file, which holds the lock until closed; ``None`` when another process
        still holds it after ``wait`` seconds.
    """
    f = open(path, "a")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except BlockingIOError:
            if time.monotonic() >= deadline:
                f.close()
                return None
            time.sleep(0.1)


def run_folder() -> tuple:
    """A new temporary folder for this run, locked while the run lives.

    Made under another name and renamed once locked, so that no other run ever sees it
    unlocked and takes it for a dead run's folder.

    Returns
    -------
    path : str
        The folder, ``ag-run-*`` in the system's temporary folder.
    lock : file
        The open file that holds its lock (see :func:`hold_lock`).
    """
    new = tempfile.mkdtemp(prefix="ag-new-")
    held = hold_lock(os.path.join(new, ".lock"))
    path = os.path.join(os.path.dirname(new), "ag-run-" + os.path.basename(new)[len("ag-new-"):])
    os.rename(new, path)
    return path, held


def remove_stale_run_folders() -> None:
    """Remove the temporary folders left by runs that were killed (nothing holds their lock any more)."""
    for folder in Path(tempfile.gettempdir()).glob("ag-run-*"):
        try:
            held = hold_lock(folder / ".lock") if (folder / ".lock").exists() else None
        except OSError:  # removed meanwhile by another run
            continue
        if held is not None:
            shutil.rmtree(folder, ignore_errors=True)
            held.close()
