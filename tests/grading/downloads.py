"""LMS downloads for the tests, built from the committed student notebooks.

Each builder writes what the LMS's "download all submissions" gives, following the naming of
:mod:`autograder.intake.lms`: a Moodle zip (folders or flat files), a Canvas zip (flat files, ``late``
after the name), or a folder collected by hand. ``notebook(aid, answers)`` is the student
notebook of any assignment with the reference answers, except the answer cells in
``answers`` (cell id -> code), e.g. a catalogued mistake's code.
"""

import json
import re
import zipfile

from autograder import assignments
from tests.conftest import ROOT

SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)

# 30 students, names in several scripts, with spaces, apostrophes and hyphens.
NAMES = [
    "张伟", "王芳", "李娜", "Zhang Wei", "Anne O'Neil", "Zoë Brontë", "José Álvarez-Núñez", "Łukasz Żółw",
    "Ngọc Anh Trần", "Иван Петров", "Ольга Смирнова", "Γιώργος Παπαδόπουλος", "محمد علي", "דוד לוי",
    "प्रिया शर्मा", "김민준", "佐藤 花子", "Søren Kierkegaard", "Renée D'Arcy", "Mary-Jane Watson",
    "Seán Ó Briain", "Ali Öztürk", "Nguyễn Văn An", "Björk Guðmundsdóttir", "Kwame Nkrumah", "Ana Lúcia",
    "Jean-Luc Picard", "Chloé Dubois", "Amara Okafor", "Liu Yang",
]


def notebook(aid, answers=None):
    """Notebook text of ``aid`` answered with the reference code, except ``answers``."""
    spec = assignments.get(aid)
    source = json.loads((ROOT / "autograder" / "source" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
    code = {}
    for cell in source["cells"]:
        meta = cell["metadata"].get("nbgrader") or {}
        if meta.get("solution"):
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            code[meta["grade_id"]] = SOLUTION.sub("", text)
    code.update(answers or {})
    nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        gid = (cell["metadata"].get("nbgrader") or {}).get("grade_id")
        if gid in code:
            cell["source"] = code[gid]
    return json.dumps(nb, indent=1)


def mistake(aid, mistake_id):
    """``answers`` that put a catalogued mistake in place of its function's answer."""
    m = assignments.get(aid).mistake(mistake_id)
    return {f"{m.function}_answer": m.code}


def blank(aid):
    """``answers`` with every answer left as given (raising NotImplementedError)."""
    spec = assignments.get(aid)
    nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
    return {g: "".join(c["source"]) for c in nb["cells"]
            if (g := (c["metadata"].get("nbgrader") or {}).get("grade_id")) and c["metadata"]["nbgrader"].get("solution")}


def canvas_name(name):
    """Canvas's file-name form of a name: lower case, every non-word character removed."""
    return re.sub(r"\W", "", name).lower()


def write_zip(path, files):
    """``files`` maps a path in the zip to text."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


UTF8_FLAG = 0x800  # bit 11 of a zip entry's flags: its name is UTF-8


class _RawName(zipfile.ZipInfo):
    """A zip entry whose name is written as the bytes given, without the UTF-8 flag."""

    def __init__(self, raw):
        super().__init__(raw.decode("cp437"))  # how zipfile reads a name without the flag
        self.compress_type = zipfile.ZIP_DEFLATED
        self.raw = raw

    def _encodeFilenameFlags(self):  # zipfile's own would write a non-ASCII name as UTF-8 with the flag
        return self.raw, self.flag_bits & ~UTF8_FLAG


def write_legacy_zip(path, files, encoding):
    """A zip as older Windows tools and WinRAR write one: ``files`` (path -> text) with every name
    in ``encoding`` (e.g. gbk, cp1252; utf-8 for a tool that writes UTF-8 but not the flag), no flag."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(_RawName(name.encode(encoding)), text)
    with zipfile.ZipFile(path) as zf:  # as written: the stored bytes, no flag
        assert [i.flag_bits & UTF8_FLAG for i in zf.infolist()] == [0] * len(files)
        assert [i.orig_filename.encode("cp437") for i in zf.infolist()] == [n.encode(encoding) for n in files]
    return path


def moodle_files(class_, notebook_name, folders=True, first_id=500):
    """{path: text} of a Moodle download; ``class_`` maps a full name to notebook text."""
    files = {}
    for k, (name, text) in enumerate(class_.items()):
        prefix = f"{name}_{first_id + k}_assignsubmission_file_"
        files[f"{prefix}/{notebook_name}" if folders else f"{prefix}{notebook_name}"] = text
    return files


def canvas_files(class_, notebook_name, late=(), first_user=9000):
    """{path: text} of a Canvas download; the names in ``late`` are marked late."""
    files = {}
    for k, (name, text) in enumerate(class_.items()):
        tag = "_late" if name in late else ""
        files[f"{canvas_name(name)}{tag}_{first_user + k}_{70000 + k}_{notebook_name}"] = text
    return files


def write_folder(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
