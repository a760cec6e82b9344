"""Intake: from a folder or a .zip of submissions to one `Submission` per student.

``SUBMISSIONS`` is a folder or a ``.zip`` in one of the layouts of :mod:`autograder.intake.lms`
(detected, or forced with ``--layout``): a Moodle or a Canvas download, or one folder per
student::

    <student>/<notebook>.ipynb
    <student>/<assignment>/<notebook>.ipynb

Any student name gets a row: the student's identity (name, LMS, LMS id) is kept beside a
safe id for file paths. Rules, each reported in words (``Submission.notes``,
``Intake.rejected``, ``Intake.unmatched``), never silent:

- A notebook renamed by an LMS (``dot_product (1).ipynb``, ``dot_product-2.ipynb``,
  ``Dot_Product.ipynb``, ``12345_dot_product.ipynb``) matches the assignment's notebook.
  So does the notebook in another language (``dot_product.zh.ipynb``, and its renamed forms
  ``dot_product.zh (1).ipynb``, ``12345_dot_product.zh.ipynb``): it has the same cells and
  code, and is graded as the assignment's notebook.
  When a student holds no such name but exactly one notebook, that one is taken.
- Files that are not notebooks, hidden files (``.ipynb_checkpoints``, ``__MACOSX``) and
  notebooks of other assignments are discarded, with a note in the student's row.
- Several candidates: the highest LMS copy number wins (``name (2)`` is a later upload
  than ``name (1)`` and ``name``), then the later upload (Canvas's file id), then the shorter
  path, then the path in sorted order. The two languages of a notebook are candidates like
  any two copies: a student who hands in both gets the later upload graded where the LMS
  tells (Canvas), else the English one (its name is shorter), and a note names the other.
- A file the layout does not attribute to any student is listed in ``unmatched``.
- A Moodle or Canvas download that sits in one folder (unzipped and zipped again) is read
  from inside that folder.
- A file the LMS marked late is graded, and the submission is marked ``late``.
- A zip entry's name without the UTF-8 flag is decoded as UTF-8 when it is, else in the code
  page detected over all such names (:mod:`autograder.intake.zipnames`) or given (``zip_encoding``);
  ``names`` says how, for the closing summary.
- A zip entry that would land outside its folder (``../``, an absolute path, a drive
  letter) or that is a symlink, and a symlink in a folder are rejected, each with a
  message; the other entries go on.
- A student with nothing usable yields a `Submission` with ``path=None`` (status
  ``missing``), so it gets a row in grades.csv and a line in the report.

Students are yielded one at a time in sorted order of their safe id, and a zip member is
extracted only when its student comes up.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

from autograder.assignments import LANGUAGES
from autograder.model import count_statuses
from autograder.intake import lms

from autograder.intake import zipnames
# A notebook file larger than this is not read at all (its saved outputs are dropped while it
# is read, so it may be large; what stays must fit MAX_CELLS_BYTES, see autograder.run.task).
MAX_NOTEBOOK_BYTES = 128 * 1024**2
_COPY_SUFFIX = re.compile(r"(?:\s*\((\d+)\)|[-_ ](\d+)|[-_ ]copy)$", re.IGNORECASE)
# The notebook in another language: ``<name>.<code>.ipynb`` (autograder.authoring.build.notebook_path).
LANGUAGE_SUFFIX = re.compile(r"\.(?:" + "|".join(code for code in LANGUAGES if code != "en") + r")$")


@dataclasses.dataclass
class Submission:
    """One student's submission, as intake found it.

    Attributes
    ----------
    student_id : str
        The safe id (:func:`autograder.intake.lms.safe_id`), used in file paths.
    path : Path or None
        The notebook to grade; None when the folder has nothing usable.
    notes : list of str
        The rules of the module docstring that applied, in words (a file rejected or
        discarded, and why).
    identity : autograder.intake.lms.Identity or None
        The name and LMS id as the download gave them.
    late : bool
        The LMS marked the graded file late.
    """

    student_id: str  # the safe id (autograder.intake.lms.safe_id), used in file paths
    path: Path | None  # the notebook to grade; None when the folder has nothing usable
    notes: list[str] = dataclasses.field(default_factory=list)
    identity: lms.Identity | None = None  # name and LMS id as the download gave them
    late: bool = False  # the LMS marked the graded file late

    @property
    def status(self) -> str | None:
        """``"missing"`` when there is no notebook to grade, else None (grading decides)."""
        return None if self.path is not None else "missing"


def _normalise(stem):
    """(canonical stem, LMS copy number) of a notebook's file name without .ipynb, in any language."""
    copy = 0
    stem = stem.strip().lower()
    while True:
        m = _COPY_SUFFIX.search(stem)
        if m and m.start() > 0:
            copy = max(copy, int(m.group(1) or m.group(2) or 1))
            stem = stem[: m.start()].rstrip()
            continue
        m = LANGUAGE_SUFFIX.search(stem)  # dot_product.zh (1).ipynb, dot_product (1).zh.ipynb
        if not m or m.start() == 0:
            break
        stem = stem[: m.start()].rstrip()
    return re.sub(r"[-\s]+", "_", stem), copy


def match_rank(filename: str, notebook_name: str) -> int | None:
    """Whether a file is the assignment's notebook, and which copy of it.

    Parameters
    ----------
    filename : str
        A file's name.
    notebook_name : str
        The assignment's notebook, ``"dot_product.ipynb"``.

    Returns
    -------
    int or None
        None when ``filename`` is not the assignment's notebook in any language (case,
        spaces and hyphens aside, possibly with a prefix); else its LMS copy number (``name (2).ipynb``: 2; 0
        for no copy number).
    """
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
    entry: lms.Entry
    rank: int | None  # LMS copy number, None when the name does not match


class Intake:
    """Iterate over `Submission`s.

    ``layout`` is the one read (:data:`autograder.intake.lms.LAYOUTS`; detected unless given),
    ``rejected`` collects the entries refused for safety, ``unmatched`` the files that belong
    to no student (paths inside SUBMISSIONS), ``names`` how a zip's names were decoded
    (:class:`autograder.intake.zipnames.Names`, once iterated).
    """

    def __init__(self, source, assignment, notebook_name, staging, layout=None, zip_encoding=None):
        self.source = Path(source)
        self.assignment = assignment
        self.notebook_name = notebook_name
        self.staging = Path(staging)
        if layout is not None and layout not in lms.LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; known: {', '.join(lms.LAYOUTS)}")
        self.layout = layout
        self.zip_encoding = zipnames.check_encoding(zip_encoding) if zip_encoding else None
        self.names = None
        self.rejected: list[str] = []
        self.unmatched: list[str] = []
        self._folders = set()  # top-level folders, for the students whose folder is empty
        if not self.source.exists():
            raise FileNotFoundError(f"SUBMISSIONS {self.source} does not exist")
        self.is_zip = self.source.is_file()
        if self.is_zip and not zipfile.is_zipfile(self.source):
            raise ValueError(f"SUBMISSIONS {self.source} is a file but not a .zip archive")

    # ---- listing: every file of the download as an `lms.Entry` with its full path

    def _folder_files(self):
        files = []
        for top in sorted(self.source.iterdir()):
            if top.name.startswith(".") or top.name == "__MACOSX":
                continue
            if top.is_symlink():
                self.rejected.append(f"{top.name}: a symlink, not a student folder; rejected")
                continue
            if top.is_file():
                files.append(lms.Entry((top.name,), top))
                continue
            self._folders.add(top.name)
            for folder, dirs, names in os.walk(top, followlinks=False):  # never into a linked folder
                for name in sorted(dirs + names):
                    path = Path(folder) / name
                    if path.is_symlink() or path.is_file():
                        files.append(lms.Entry(path.relative_to(self.source).parts, path, path.is_symlink()))
        return files

    def _zip_files(self, zf):
        files = []
        infos = zf.infolist()
        self.names = zipnames.decode_names(infos, self.zip_encoding)
        for info, filename in zip(infos, self.names.names):
            name = filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                self.rejected.append(f"{filename}: zip entry would land outside its folder (zip slip); rejected")
                continue
            if not parts or parts[0].startswith(".") or parts[0] == "__MACOSX":
                continue
            if info.is_dir() or len(parts) > 1:
                self._folders.add(parts[0])
            if info.is_dir():
                continue
            files.append(lms.Entry(tuple(parts), info, stat.S_ISLNK(info.external_attr >> 16)))
        return files

    # ---- choosing a notebook

    def _candidates(self, student, entries, notes):
        cands, others = [], []
        aid = self.assignment.lower()
        for entry in entries:
            parts = entry.parts
            rel = "/".join(parts)
            if any(p.startswith(".") or p == "__MACOSX" for p in parts):
                continue
            if entry.is_link:
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
            (cands if rank is not None else others).append(_Candidate(rel, entry, rank))
        if not cands and len(others) == 1:
            notes.append(f"{others[0].rel}: the only notebook, taken as {self.notebook_name}")
            others[0].rank = 0
            cands = others
        elif others:
            for other in others:
                notes.append(f"{other.rel}: not named like {self.notebook_name}; discarded")
        return cands

    def _choose(self, cands, notes):
        cands.sort(key=lambda c: (-c.rank, -c.entry.upload, len(c.rel), c.rel))
        if len(cands) > 1:
            notes.append(
                f"{len(cands)} candidate notebooks; graded {cands[0].rel} (the latest upload), "
                f"ignored {', '.join(c.rel for c in cands[1:])}"
            )
        return cands[0]

    def _materialise(self, student, chosen, zf):
        """The chosen notebook as a file on disk (zip members are extracted, size-capped)."""
        if not zf:
            return chosen.entry.key
        info = chosen.entry.key
        dest = self.staging / student / self.notebook_name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "wb") as out:
            # Copy at most MAX+1 bytes: a zip bomb stops here, the task calls it too large.
            shutil.copyfileobj(_Capped(src, MAX_NOTEBOOK_BYTES + 1), out)
        return dest

    def __iter__(self):
        zf = zipfile.ZipFile(self.source) if self.is_zip else None
        try:
            files = lms.unwrap(self._zip_files(zf) if zf else self._folder_files(), self.layout)
            if self.layout is None:
                self.layout = lms.detect(f.parts for f in files)
            students, unmatched = lms.group(files, self.layout, self._folders)
            self.unmatched = ["/".join(f.parts) for f in unmatched]
            for sid in sorted(students):
                student = students[sid]
                notes = []
                cands = self._candidates(sid, student.entries, notes)
                if not cands:
                    notes.append(f"no notebook named like {self.notebook_name}")
                    yield Submission(sid, None, notes, student.identity)
                    continue
                chosen = self._choose(cands, notes)
                if chosen.entry.late:
                    notes.append(f"handed in late: the {student.identity.lms.capitalize()} download marks {chosen.rel} late")
                yield Submission(sid, Path(self._materialise(sid, chosen, zf)), notes, student.identity,
                                 chosen.entry.late)
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


@dataclasses.dataclass
class IntakeSummary:
    """What the intake of a grading run found; saved in ``OUT/.grader/intake.json``.

    Parameters
    ----------
    layout : str
        The layout read (:data:`autograder.intake.lms.LAYOUTS`).
    students : dict
        Student id -> identity dict (``Identity.as_dict`` with ``late``).
    unmatched : list of str
        The files that matched no student.
    rejected : list of str
        The entries rejected, each with its reason.
    names : str
        How a zip's names were decoded (:meth:`autograder.intake.zipnames.Names.summary`), or "".
    """

    layout: str
    students: dict
    unmatched: list
    rejected: list
    names: str = ""

    def as_dict(self) -> dict:
        """The summary as JSON-ready data.

        Returns
        -------
        dict
            The fields, by name.
        """
        return dataclasses.asdict(self)

    def closing(self, results: list) -> str:
        """The run's last line (`closing_summary`) for these results.

        Parameters
        ----------
        results : list of autograder.model.Result

        Returns
        -------
        str
        """
        return closing_summary(results, self.layout, self.students, self.unmatched, self.names)


def closing_summary(results, layout: str, students: dict, unmatched: list, names: str = "") -> str:
    """The run's last line.

    It counts students by status (in `autograder.model.Status` order), names the late ones and
    every unmatched file, and says how a zip's names without the UTF-8 flag were decoded.

    Parameters
    ----------
    results : iterable of autograder.model.Result
    layout : str
        The download's layout.
    students : dict
        ``{student id: identity dict (with "late")}``.
    unmatched : list of str
        The files that matched no student.
    names : str, default ""
        :meth:`autograder.intake.zipnames.Names.summary`.

    Returns
    -------
    str
    """
    counts = count_statuses(r.status for r in results)
    text = f"{len(results)} student(s) ({layout} layout): " + (", ".join(
        f"{k} {v}" for k, v in counts.items()) or "none")
    late = sorted(sid for sid, who in students.items() if who.get("late"))
    if late:
        text += f"; {len(late)} handed in late: {', '.join(late)}"
    if unmatched:
        text += f"; {len(unmatched)} file(s) matched no student: {', '.join(unmatched)}"
    if names:
        text += f"; {names}"
    return text
