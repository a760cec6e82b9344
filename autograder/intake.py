"""Intake: from a folder or a .zip of submissions to one `Submission` per student.

Accepted layouts (``SUBMISSIONS`` is a folder or a ``.zip``)::

    <student_id>/<notebook>.ipynb
    <student_id>/<assignment>/<notebook>.ipynb

Rules, each reported in words (``Submission.notes``, ``Intake.rejected``), never silent:

- A notebook renamed by an LMS (``dot_product (1).ipynb``, ``dot_product-2.ipynb``,
  ``Dot_Product.ipynb``, ``12345_dot_product.ipynb``) matches the assignment's notebook.
  When a student folder holds no such name but exactly one notebook, that one is taken.
- Files that are not notebooks, hidden files (``.ipynb_checkpoints``, ``__MACOSX``) and
  notebooks of other assignments are discarded.
- Several candidates: the highest LMS copy number wins (``name (2)`` is a later upload
  than ``name (1)`` and ``name``), then the shorter path, then the path in sorted order.
- A zip entry that would land outside its folder (``../``, an absolute path, a drive
  letter) or that is a symlink, a symlink in a folder, and a student id that is not a safe
  name are rejected, each with a message; the other entries go on.
- A student folder with nothing usable yields a `Submission` with ``path=None`` (status
  ``missing``), so it gets a row in grades.csv and a line in the report.

Students are yielded one at a time in sorted order, and a zip member is extracted only
when its student comes up, so memory does not grow with the class.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

# A notebook file larger than this is not read at all (its saved outputs are dropped while it
# is read, so it may be large; what stays must fit MAX_CELLS_BYTES, see autograder.task).
MAX_NOTEBOOK_BYTES = 128 * 1024**2
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
_COPY_SUFFIX = re.compile(r"(?:\s*\((\d+)\)|[-_ ](\d+)|[-_ ]copy)$", re.IGNORECASE)


@dataclasses.dataclass
class Submission:
    student_id: str
    path: Path | None  # the notebook to grade; None when the folder has nothing usable
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def status(self):
        return None if self.path is not None else "missing"


def is_safe_id(student_id):
    return bool(SAFE_ID.match(student_id)) and ".." not in student_id


def _normalise(stem):
    """(canonical stem, LMS copy number) of a notebook's file name without .ipynb."""
    copy = 0
    stem = stem.strip().lower()
    while True:
        m = _COPY_SUFFIX.search(stem)
        if not m or m.start() == 0:
            break
        copy = max(copy, int(m.group(1) or m.group(2) or 1))
        stem = stem[: m.start()].rstrip()
    return re.sub(r"[-\s]+", "_", stem), copy


def match_rank(filename, notebook_name):
    """None when ``filename`` is not the assignment's notebook, else its LMS copy number."""
    if not filename.lower().endswith(".ipynb"):
        return None
    target, _ = _normalise(Path(notebook_name).stem)
    stem, copy = _normalise(filename[: -len(".ipynb")])
    if stem == target or stem.endswith("_" + target):
        return copy
    return None


@dataclasses.dataclass
class _Candidate:
    rel: str  # path inside the student folder, for messages
    key: object  # how to open it: a Path (folder) or a ZipInfo
    rank: int | None  # LMS copy number, None when the name does not match


class Intake:
    """Iterate over `Submission`s; ``rejected`` collects the entries refused on the way."""

    def __init__(self, source, assignment, notebook_name, staging):
        self.source = Path(source)
        self.assignment = assignment
        self.notebook_name = notebook_name
        self.staging = Path(staging)
        self.rejected: list[str] = []
        if not self.source.exists():
            raise FileNotFoundError(f"SUBMISSIONS {self.source} does not exist")
        self.is_zip = self.source.is_file()
        if self.is_zip and not zipfile.is_zipfile(self.source):
            raise ValueError(f"SUBMISSIONS {self.source} is a file but not a .zip archive")

    # ---- listing: (student_id, [(parts inside the student folder, key, is_link)])

    def _folder_entries(self):
        groups = {}
        for top in sorted(self.source.iterdir()):
            if top.name.startswith(".") or top.name == "__MACOSX":
                continue
            if top.is_symlink():
                self.rejected.append(f"{top.name}: a symlink, not a student folder; rejected")
                continue
            if not top.is_dir():
                self.rejected.append(f"{top.name}: not inside a student folder; ignored")
                continue
            files = []
            for folder, dirs, names in os.walk(top, followlinks=False):  # never into a linked folder
                for name in sorted(dirs + names):
                    path = Path(folder) / name
                    if path.is_symlink():
                        files.append((path.relative_to(top).parts, path, True))
                    elif path.is_file():
                        files.append((path.relative_to(top).parts, path, False))
            groups[top.name] = sorted(files, key=lambda f: f[0])
        return groups

    def _zip_entries(self, zf):
        groups = {}
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                self.rejected.append(f"{info.filename}: zip entry would land outside its folder (zip slip); rejected")
                continue
            if not parts or info.is_dir():
                continue
            if parts[0].startswith(".") or parts[0] == "__MACOSX":
                continue
            if len(parts) == 1:
                self.rejected.append(f"{info.filename}: not inside a student folder; ignored")
                continue
            is_link = stat.S_ISLNK(info.external_attr >> 16)
            groups.setdefault(parts[0], []).append((tuple(parts[1:]), info, is_link))
        return groups

    # ---- choosing a notebook

    def _candidates(self, student, files, notes):
        cands, others = [], []
        aid = self.assignment.lower()
        for parts, key, is_link in files:
            rel = "/".join(parts)
            if any(p.startswith(".") or p == "__MACOSX" for p in parts):
                continue
            if is_link:
                self.rejected.append(f"{student}/{rel}: a symlink; rejected")
                notes.append(f"{rel}: a symlink; rejected")
                continue
            if not rel.lower().endswith(".ipynb"):
                notes.append(f"{rel}: not a notebook; discarded")
                continue
            if len(parts) == 2 and parts[0].lower() != aid:
                notes.append(f"{rel}: in a folder of another assignment; discarded")
                continue
            if len(parts) > 2:
                notes.append(f"{rel}: too deep (expected <student>/<notebook> or <student>/<assignment>/<notebook>); discarded")
                continue
            rank = match_rank(parts[-1], self.notebook_name)
            (cands if rank is not None else others).append(_Candidate(rel, key, rank))
        if not cands and len(others) == 1:
            notes.append(f"{others[0].rel}: the only notebook, taken as {self.notebook_name}")
            others[0].rank = 0
            cands = others
        elif others:
            for other in others:
                notes.append(f"{other.rel}: not named like {self.notebook_name}; discarded")
        return cands

    def _choose(self, cands, notes):
        cands.sort(key=lambda c: (-c.rank, len(c.rel), c.rel))
        if len(cands) > 1:
            notes.append(
                f"{len(cands)} candidate notebooks; graded {cands[0].rel} (highest LMS copy number), "
                f"ignored {', '.join(c.rel for c in cands[1:])}"
            )
        return cands[0]

    def _materialise(self, student, chosen, zf):
        """The chosen notebook as a file on disk (zip members are extracted, size-capped)."""
        if not zf:
            return chosen.key
        info = chosen.key
        dest = self.staging / student / self.notebook_name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "wb") as out:
            # Copy at most MAX+1 bytes: a zip bomb stops here, the task calls it too large.
            shutil.copyfileobj(_Capped(src, MAX_NOTEBOOK_BYTES + 1), out)
        return dest

    def __iter__(self):
        zf = zipfile.ZipFile(self.source) if self.is_zip else None
        try:
            groups = self._zip_entries(zf) if zf else self._folder_entries()
            for student in sorted(groups):
                if not is_safe_id(student):
                    self.rejected.append(
                        f"{student!r}: not a safe student id (letters, digits and . _ @ + - only, "
                        "not starting with a dot); its files are rejected"
                    )
                    continue
                notes = []
                cands = self._candidates(student, groups[student], notes)
                if not cands:
                    notes.append(f"no notebook named like {self.notebook_name}")
                    yield Submission(student, None, notes)
                    continue
                chosen = self._choose(cands, notes)
                yield Submission(student, Path(self._materialise(student, chosen, zf)), notes)
        finally:
            if zf:
                zf.close()


class _Capped:
    """A file-like that reads at most ``limit`` bytes of ``raw``."""

    def __init__(self, raw, limit):
        self.raw, self.left = raw, limit

    def read(self, n=-1):
        if self.left <= 0:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.raw.read(n)
        self.left -= len(data)
        return data
