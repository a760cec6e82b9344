"""Who handed in which file: the layouts of LMS downloads, and each student's identity.

A layout turns the paths of a download into students. Each is read from the LMS's own
naming, not guessed:

``moodle``
    Moodle's "Download all submissions" (``mod/assign/locallib.php``,
    ``assign::download_submissions``): the prefix is the full name with ``_`` replaced by a
    space, then ``_<participant id>``, then ``_assignsubmission_<plugin>_``. With "Download
    submissions in folders" (the default since Moodle 3.1) the prefix is a folder,
    ``Full Name_123456_assignsubmission_file_/dot_product.ipynb``; without it, the prefix
    starts each file name, ``Full Name_123456_assignsubmission_file_dot_product.ipynb``.
    The participant id is Moodle's per-assignment id of the student (``assign_user_mapping``),
    also used when names are hidden (blind marking: ``Participant_123456_…``).
``canvas``
    Canvas's "Download submissions" (``app/models/content_zipper.rb`` of canvas-lms,
    ``get_filename`` and ``add_upload_submission``): flat files named
    ``<name>[_late]_<user id>_<file id>_<file name>``. ``<name>`` is the sortable name
    ("Last, First") lower-cased with every non-word character removed; ``late`` is there when
    Canvas counted the submission late; the user id is the student's Canvas user id; the
    file id grows with each upload. With anonymous grading the name is left out.
``folders``
    One folder per student, named anything (``alice``, ``张伟``, ``Zhang Wei``,
    ``o'neil.anne``): ``<student>/<notebook>`` or ``<student>/<assignment>/<notebook>``.

Blackboard, Brightspace and Gradescope are not recognised: their documentation of the
download's file names could not be checked here. Their downloads can be regrouped into the
``folders`` layout.

Every student gets a **safe id** for file paths (:func:`safe_id`): the folder name itself when
it is already safe (letters, digits and ``. _ @ + -``), otherwise an ASCII form of the name
with a short hash of the original, or for Canvas the name and the Canvas user id. The same
student gets the same id in every assignment, so ``export`` can join the assignments on it.
Ids and matches are made from the name in Unicode's composed form (NFC, :func:`canonical_name`):
``Renée`` typed on Windows (``é`` one character) and written by a Mac (``e`` and a combining
accent) is one student; the name is kept as it was first seen.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata

LAYOUTS = ("moodle", "canvas", "folders")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
# Moodle: "<full name>_<participant id>_assignsubmission_<plugin>_" then "/" (folders) or the file name.
MOODLE = re.compile(r"^(?P<name>[^/]*?)_(?P<lms_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$", re.DOTALL)
# Canvas: "<name>[_late]_<user id>_<file id>_<file name>"; the name may be empty (anonymous grading).
CANVAS = re.compile(r"^(?:(?P<name>[^/]*?)_)??(?:(?P<late>late)_)?(?P<lms_id>\d+)_(?P<file_id>\d+)_(?P<rest>.+)$",
                    re.DOTALL | re.IGNORECASE)


def is_safe_id(student_id: str) -> bool:
    """Whether a student id is safe as a file name: :data:`SAFE_ID`'s characters, and no ``..``.

    Parameters
    ----------
    student_id : str

    Returns
    -------
    bool
    """
    return bool(SAFE_ID.match(student_id)) and ".." not in student_id


# Latin letters that Unicode does not decompose into an ASCII letter and a mark.
_LATIN = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                        "þ": "th", "Þ": "Th", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def _ascii(name):
    """``Zhang Wei`` -> ``Zhang-Wei``, ``Søren O'Neil`` -> ``Soren-O-Neil``, ``张伟`` -> ``''``."""
    text = unicodedata.normalize("NFKD", name.translate(_LATIN)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._@+-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    return text.strip("-._@+")[:60].strip("-._@+")


def canonical_name(name: str) -> str:
    """The form of a name that ids and matches are made from: composed (NFC), as one keyboard types it.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    return unicodedata.normalize("NFC", name)


def safe_id(name: str, lms_id: str = "") -> str:
    """The student id used in file paths, derived from the name (and the LMS's user id).

    Parameters
    ----------
    name : str
        The student's name as the download gives it.
    lms_id : str, default ""
        The LMS's user id, appended when given.

    Returns
    -------
    str
        The name itself when it is safe and no ``lms_id`` is given; else its ASCII form
        followed by ``lms_id``, or by a short digest of the name.
    """
    name = canonical_name(name)
    if not lms_id and is_safe_id(name):
        return name
    base = _ascii(name)
    if lms_id:
        return f"{base}-{lms_id}" if base else f"student-{lms_id}"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{base}-{digest}" if base else f"student-{digest}"


@dataclasses.dataclass(frozen=True)
class Identity:
    """A student as the download names them.

    Attributes
    ----------
    name : str
        The full name (Moodle), the name part of the file (Canvas), the folder's name.
    lms : str
        ``"moodle"``, ``"canvas"`` or ``""`` (a folder collected by hand).
    lms_id : str
        The Moodle participant id or the Canvas user id.
    """

    name: str  # full name (Moodle), the name part of the file (Canvas), the folder's name
    lms: str  # "moodle", "canvas" or "" (a folder collected by hand)
    lms_id: str = ""  # Moodle participant id, Canvas user id

    def as_dict(self) -> dict:
        """The identity as a JSON-ready dict.

        Returns
        -------
        dict
            ``{"name", "lms", "lms_id"}``.
        """
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Entry:
    """One file of the download, as the layout reads it."""

    parts: tuple  # path inside the student's folder (a flat file: just its name)
    key: object  # how to open it (a Path or a ZipInfo)
    is_link: bool = False
    late: bool = False
    upload: int = 0  # the LMS's upload order (Canvas file id), higher is later


@dataclasses.dataclass
class Student:
    identity: Identity
    entries: list = dataclasses.field(default_factory=list)


def _moodle(parts):
    m = MOODLE.match(parts[0])
    if not m:
        return None
    name = m["name"].strip() or "Participant"
    if m["rest"]:  # flat: the file name follows the prefix
        if len(parts) != 1:
            return None
        inner = (m["rest"],)
    else:  # a folder per student
        if len(parts) == 1:
            return None
        inner = tuple(parts[1:])
    return Identity(name, "moodle", m["lms_id"]), inner, False, 0


def _canvas(parts):
    if len(parts) != 1:
        return None
    m = CANVAS.match(parts[0])
    if not m:
        return None
    return Identity(m["name"] or "", "canvas", m["lms_id"]), (m["rest"],), bool(m["late"]), int(m["file_id"])


def _folders(parts):
    if len(parts) == 1:
        return None  # a file beside the student folders
    return Identity(parts[0], ""), tuple(parts[1:]), False, 0


READERS = {"moodle": _moodle, "canvas": _canvas, "folders": _folders}


def detect(paths) -> str:
    """The layout of a download.

    Parameters
    ----------
    paths : iterable of tuple of str
        The download's files, as tuples of path parts.

    Returns
    -------
    str
        ``"moodle"`` or ``"canvas"`` when it explains at least half of ``paths``, else ``"folders"``.
    """
    paths = list(paths)
    for layout in ("moodle", "canvas"):
        hits = sum(1 for p in paths if READERS[layout](p))
        if hits and 2 * hits >= len(paths):
            return layout
    return "folders"


def unwrap(files, layout: str | None = None) -> list:
    """The files without the one folder they all sit in (a download unzipped and zipped again).

    Parameters
    ----------
    files : list of Entry
    layout : str, optional
        The layout expected inside: ``"moodle"`` or ``"canvas"``; either when None.

    Returns
    -------
    list of Entry
        ``files`` one folder down when inside that folder is such a download, else ``files``.
    """
    if not files or len({f.parts[0] for f in files}) != 1 or any(len(f.parts) < 2 for f in files):
        return files
    inner = [dataclasses.replace(f, parts=f.parts[1:]) for f in files]
    found = detect(f.parts for f in inner)
    return inner if found != "folders" and layout in (None, found) else files


def group(files, layout: str, folders=()) -> tuple[dict, list]:
    """The files of a download, grouped by student.

    Parameters
    ----------
    files : list of Entry
        Their ``parts`` are paths in the download.
    layout : str
        ``"moodle"``, ``"canvas"`` or ``"folders"``.
    folders : iterable of str
        The names of the download's top-level folders (in the ``folders`` layout an empty one
        is a student who handed in nothing).

    Returns
    -------
    students : dict
        ``{safe id: Student}``, each entry's ``parts`` now inside the student's folder.
    unmatched : list of Entry
        The entries that matched no student.
    """
    read = READERS[layout]
    by_identity, unmatched = {}, []

    def student(identity):  # one student however the name's accents were composed; named as first seen
        key = (canonical_name(identity.name), identity.lms, identity.lms_id)
        return by_identity.setdefault(key, Student(identity))

    if layout == "folders":
        for name in sorted(folders):
            student(Identity(name, ""))
    for entry in files:
        found = read(entry.parts)
        if found is None:
            unmatched.append(entry)
            continue
        identity, inner, late, upload = found
        student(identity).entries.append(dataclasses.replace(entry, parts=inner, late=late, upload=upload))
    students = {}
    for key in sorted(by_identity, key=lambda k: (k[0], k[2])):
        identity = by_identity[key].identity
        sid = safe_id(identity.name, identity.lms_id if identity.lms == "canvas" else "")
        if sid in students:  # two Moodle students of the same name: their participant ids differ
            sid = safe_id(identity.name, identity.lms_id or str(len(students)))
        students[sid] = by_identity[key]
    return students, unmatched
