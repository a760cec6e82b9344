"""Intake: layouts, LMS renames, discarded files, zip slip, unsafe ids, empty folders, duplicates."""

import os
import stat
import zipfile

import pytest

from autograder.intake.intake import MAX_NOTEBOOK_BYTES, Intake, match_rank
from autograder.intake.lms import is_safe_id

NB = "dot_product.ipynb"


@pytest.mark.parametrize("name, rank", [
    ("dot_product.ipynb", 0), ("dot_product (1).ipynb", 1), ("dot_product-2.ipynb", 2),
    ("Dot_Product.IPYNB", 0), ("DOT-PRODUCT (3).ipynb", 3), ("12345_67_dot_product.ipynb", 0),
    ("dot_product_copy.ipynb", 1),
    # the Chinese notebook, and the same renames of it
    ("dot_product.zh.ipynb", 0), ("dot_product.zh (1).ipynb", 1), ("dot_product (2).zh.ipynb", 2),
    ("12345_dot_product.zh.ipynb", 0), ("Dot_Product.ZH.ipynb", 0), ("dot_product.zh-3.ipynb", 3),
])
def test_lms_renamed_notebooks_match(name, rank):
    assert match_rank(name, NB) == rank


@pytest.mark.parametrize("name", ["softmax.ipynb", "dot_product.py", "dot_product.ipynb.txt", "dot.ipynb",
                                  "product.ipynb", "dot_product-checkpoint.ipynb", "dot_product.fr.ipynb",
                                  "zh.ipynb", "matrix_form.zh.ipynb", "dot_productzh.ipynb"])
def test_other_files_do_not_match(name):
    assert match_rank(name, NB) is None


@pytest.mark.parametrize("sid, ok", [("alice", True), ("s.123", True), ("a@uni.edu", True), ("..", False),
                                     (".hidden", False), ("a b", False), ("a/b", False), ("", False),
                                     ("x" * 101, False), ("a..b", False)])
def test_safe_ids(sid, ok):
    assert is_safe_id(sid) is ok


def _subs(intake):
    return {s.student_id: s for s in intake}


def test_folder_layouts_and_reports(tmp_path):
    src = tmp_path / "in"
    for rel in ["alice/dot_product.ipynb", "bob/02-dot-product/Dot_Product (1).ipynb", "carol/notes.txt",
                "dave/dot_product.ipynb", "dave/dot_product (2).ipynb", "erin/homework.ipynb",
                "frank/03-matrix-form/matrix_form.ipynb", "gina/.ipynb_checkpoints/dot_product-checkpoint.ipynb",
                "stray.ipynb"]:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("{}")
    (src / "hank").mkdir()
    (src / "bad id").mkdir()
    (src / "bad id" / NB).write_text("{}")
    intake = Intake(src, "02-dot-product", NB, tmp_path / "staging")
    subs = _subs(intake)
    assert subs["alice"].path == src / "alice" / NB
    assert subs["bob"].path.name == "Dot_Product (1).ipynb"
    assert subs["carol"].path is None and subs["carol"].status == "missing"
    assert any("notes.txt: not a notebook" in n for n in subs["carol"].notes)
    assert subs["dave"].path.name == "dot_product (2).ipynb"
    assert any("2 candidate notebooks" in n for n in subs["dave"].notes)
    assert subs["erin"].path.name == "homework.ipynb" and any("only notebook" in n for n in subs["erin"].notes)
    assert subs["frank"].path is None and any("another assignment" in n for n in subs["frank"].notes)
    assert subs["gina"].path is None and subs["hank"].path is None  # reported, never skipped
    # any folder name gets a row, under a safe id; the name is kept in the identity
    bad = [s for s in subs.values() if s.identity.name == "bad id"]
    assert len(bad) == 1 and is_safe_id(bad[0].student_id) and bad[0].path == src / "bad id" / NB
    assert intake.unmatched == ["stray.ipynb"]


def test_symlinks_in_a_folder_are_rejected(tmp_path):
    src = tmp_path / "in"
    (src / "mallory").mkdir(parents=True)
    secret = tmp_path / "secret.ipynb"
    secret.write_text("{}")
    os.symlink(secret, src / "mallory" / NB)
    os.symlink(tmp_path, src / "linked")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / NB).write_text("{}")
    (src / "oscar").mkdir()
    os.symlink(elsewhere, src / "oscar" / "02-dot-product")
    intake = Intake(src, "02-dot-product", NB, tmp_path / "staging")
    subs = _subs(intake)
    assert subs["mallory"].path is None
    assert any("mallory/dot_product.ipynb: a symlink" in r for r in intake.rejected)
    assert any("linked: a symlink" in r for r in intake.rejected)
    assert subs["oscar"].path is None  # a linked folder is never entered
    assert any("oscar/02-dot-product: a symlink" in r for r in intake.rejected)


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            if name.startswith("LINK:"):
                info = zipfile.ZipInfo(name[5:])
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, data)
            else:
                zf.writestr(name, data)
    return path


def test_zip_slip_and_symlinks_are_rejected_per_entry(tmp_path):
    z = _zip(tmp_path / "subs.zip", [
        ("alice/dot_product.ipynb", "{}"),
        ("../evil/dot_product.ipynb", "{}"),
        ("bob/../../evil.ipynb", "{}"),
        ("/abs/dot_product.ipynb", "{}"),
        ("C:\\win\\dot_product.ipynb", "{}"),
        ("LINK:carol/dot_product.ipynb", "/work/main/solutions/__init__.py"),
        ("dan\\02-dot-product\\dot_product.ipynb", "{}"),
        ("__MACOSX/alice/._dot_product.ipynb", "x"),
    ])
    staging = tmp_path / "staging"
    intake = Intake(z, "02-dot-product", NB, staging)
    subs = _subs(intake)
    assert set(subs) == {"alice", "carol", "dan"}
    assert subs["alice"].path == staging / "alice" / NB and subs["alice"].path.read_text() == "{}"
    assert subs["dan"].path.read_text() == "{}"
    assert subs["carol"].path is None
    text = "\n".join(intake.rejected)
    for name in ["../evil/dot_product.ipynb", "bob/../../evil.ipynb", "/abs/dot_product.ipynb", "C:\\win"]:
        assert f"{name}" in text and "zip slip" in text
    assert "carol/dot_product.ipynb: a symlink" in text
    assert not (tmp_path / "evil").exists() and not (tmp_path / "evil.ipynb").exists()
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == \
        ["alice/dot_product.ipynb", "dan/dot_product.ipynb"]


def test_zip_bomb_is_cut(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("eve/dot_product.ipynb", b"0" * (MAX_NOTEBOOK_BYTES + 1000))
    subs = _subs(Intake(z, "02-dot-product", NB, tmp_path / "staging"))
    assert subs["eve"].path.stat().st_size == MAX_NOTEBOOK_BYTES + 1  # the task calls it corrupt


def test_bad_sources(tmp_path):
    with pytest.raises(FileNotFoundError):
        Intake(tmp_path / "nope", "02-dot-product", NB, tmp_path)
    (tmp_path / "x.zip").write_text("not a zip")
    with pytest.raises(ValueError, match="not a .zip"):
        Intake(tmp_path / "x.zip", "02-dot-product", NB, tmp_path)
