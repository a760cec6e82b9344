"""LMS downloads at intake: every layout, any name, late files, two uploads, files of no one."""

import unicodedata
import zipfile

import pytest

from autograder.intake import lms
from autograder.model import Result
from autograder.intake.intake import Intake, closing_summary
from tests.grading.downloads import canvas_files, canvas_name, moodle_files, write_folder, write_zip

AID, NB = "02-dot-product", "dot_product.ipynb"
NAMES = ["张伟", "Zhang Wei", "Anne O'Neil", "Zoë Brontë", "Иван Петров"]


def take(source, tmp_path, layout=None):
    intake = Intake(source, AID, NB, tmp_path / "staging", layout=layout)
    return intake, {s.student_id: s for s in intake}


def text(sub):
    return sub.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("folders", [True, False], ids=["moodle-folders", "moodle-flat"])
def test_moodle_download(tmp_path, folders):
    files = moodle_files({n: f"nb of {n}" for n in NAMES}, NB, folders=folders)
    files["README.ipynb"] = "not of a student"
    if folders:  # a second upload in one folder: the later copy is graded
        files["Zhang Wei_501_assignsubmission_file_/dot_product (1).ipynb"] = "second upload"
    intake, subs = take(write_zip(tmp_path / "moodle.zip", files), tmp_path)
    assert intake.layout == "moodle"
    by_name = {s.identity.name: s for s in subs.values()}
    assert sorted(by_name) == sorted(NAMES)
    for k, name in enumerate(NAMES):
        sub = by_name[name]
        assert sub.identity == lms.Identity(name, "moodle", str(500 + k))
        assert lms.is_safe_id(sub.student_id) and sub.student_id == lms.safe_id(name)
        assert text(sub) == ("second upload" if folders and name == "Zhang Wei" else f"nb of {name}")
    assert intake.unmatched == ["README.ipynb"]


def test_canvas_download_late_two_uploads_and_anonymous(tmp_path):
    files = canvas_files({n: f"nb of {n}" for n in NAMES}, NB, late={"Anne O'Neil"})
    files[f"{canvas_name('Zhang Wei')}_9001_69000_{NB}"] = "earlier upload"
    files[f"{canvas_name('Zhang Wei')}_9001_70001_dot_product-1.ipynb"] = "later upload"
    del files[f"{canvas_name('Zhang Wei')}_9001_70001_{NB}"]
    files["late_9100_71000_dot_product.ipynb"] = "anonymous grading"
    files["stray.ipynb"] = "no one's"
    intake, subs = take(write_zip(tmp_path / "canvas.zip", files), tmp_path)
    assert intake.layout == "canvas"
    by_uid = {s.identity.lms_id: s for s in subs.values()}
    assert sorted(by_uid) == [str(9000 + k) for k in range(len(NAMES))] + ["9100"]
    assert text(by_uid["9001"]) == "later upload"
    assert any("2 candidate notebooks" in n for n in by_uid["9001"].notes)
    assert by_uid["9002"].late and any("late" in n for n in by_uid["9002"].notes)
    assert not by_uid["9000"].late
    assert by_uid["9000"].identity.name == "张伟" and by_uid["9000"].student_id == "student-9000"
    assert by_uid["9003"].student_id == "zoëbrontë-9003".replace("ë", "e")
    assert by_uid["9100"].late and by_uid["9100"].student_id == "student-9100"
    assert intake.unmatched == ["stray.ipynb"]


ZH = "dot_product.zh.ipynb"


@pytest.mark.parametrize("layout", ["moodle", "canvas", "folders"])
def test_the_chinese_notebook_is_taken_and_staged_under_the_assignments_name(tmp_path, layout):
    english, chinese = {"Anne O'Neil": "english nb"}, {"张伟": "chinese nb", "Zhang Wei": "chinese nb 2"}
    if layout == "moodle":
        files = {**moodle_files(english, NB), **moodle_files(chinese, ZH, first_id=600)}
        files["Zhang Wei_601_assignsubmission_file_/dot_product.zh (1).ipynb"] = "second upload, chinese"
    elif layout == "canvas":
        files = {**canvas_files(english, NB), **canvas_files(chinese, ZH, first_user=9100)}
        files[f"{canvas_name('Zhang Wei')}_9101_70001_dot_product.zh-1.ipynb"] = "second upload, chinese"
    else:
        files = {"Anne O'Neil/02-dot-product/dot_product.ipynb": "english nb", f"张伟/{ZH}": "chinese nb",
                 f"Zhang Wei/{ZH}": "chinese nb 2", "Zhang Wei/dot_product.zh (1).ipynb": "second upload, chinese"}
    source = write_zip(tmp_path / "d.zip", files) if layout != "folders" else write_folder(tmp_path / "in", files)
    intake, subs = take(source, tmp_path)
    assert intake.layout == layout and intake.unmatched == []
    by_name = {s.identity.name: s for s in subs.values()}
    name = canvas_name if layout == "canvas" else str  # Canvas gives the names in its own form
    assert {n: text(s) for n, s in by_name.items()} == {
        name("Anne O'Neil"): "english nb", name("张伟"): "chinese nb", name("Zhang Wei"): "second upload, chinese"}
    assert any("2 candidate notebooks" in n for n in by_name[name("Zhang Wei")].notes)
    assert not any("discarded" in n or "only notebook" in n for s in subs.values() for n in s.notes)
    if layout != "folders":  # a zip member is staged under the assignment's notebook name
        assert {s.path.name for s in subs.values()} == {NB}


def test_both_languages_handed_in(tmp_path):
    """Two candidates, as two copies: the later upload where the LMS says (Canvas), else the English
    one (the shorter name); the note names the one ignored."""
    files = {f"{canvas_name('Bob')}_9000_70000_{NB}": "english, earlier",
             f"{canvas_name('Bob')}_9000_70005_{ZH}": "chinese, later"}
    _, subs = take(write_zip(tmp_path / "c.zip", files), tmp_path)
    (bob,) = subs.values()
    assert text(bob) == "chinese, later"
    assert any("2 candidate notebooks" in n and NB in n for n in bob.notes), bob.notes
    src = write_folder(tmp_path / "in", {f"bob/{NB}": "english", f"bob/{ZH}": "chinese"})
    _, subs = take(src, tmp_path)
    assert text(subs["bob"]) == "english"
    assert any(f"ignored {ZH}" in n for n in subs["bob"].notes), subs["bob"].notes


def test_hand_collected_folders_with_any_name(tmp_path):
    names = ["张伟", "Zhang Wei", "o'neil.anne", "zhang-wei", "alice"]
    src = write_folder(tmp_path / "in", {**{f"{n}/{NB}": f"nb of {n}" for n in names}, "stray.ipynb": "x"})
    intake, subs = take(src, tmp_path)
    assert intake.layout == "folders"
    assert {s.identity.name for s in subs.values()} == set(names)
    assert len(subs) == 5 and all(lms.is_safe_id(sid) for sid in subs)
    assert subs["alice"].identity == lms.Identity("alice", "")
    assert subs["zhang-wei"].path.read_text() == "nb of zhang-wei"  # a safe name is kept as it is
    assert subs[lms.safe_id("Zhang Wei")].path.read_text() == "nb of Zhang Wei"
    assert intake.unmatched == ["stray.ipynb"]


def test_layout_can_be_forced(tmp_path):
    # A class whose folders happen to look like a Canvas file name is still read as folders.
    src = write_folder(tmp_path / "in", {f"bob_1_2_x/{NB}": "nb"})
    _, subs = take(src, tmp_path, layout="folders")
    assert list(subs) == ["bob_1_2_x"]
    zipped = write_zip(tmp_path / "c.zip", canvas_files({"Bob": "nb"}, NB))
    intake, subs = take(zipped, tmp_path, layout="moodle")  # wrong layout: nothing matches, nothing is lost
    assert subs == {} and intake.unmatched == [f"bob_9000_70000_{NB}"]
    with pytest.raises(ValueError, match="unknown layout"):
        Intake(zipped, AID, NB, tmp_path, layout="blackboard")


def test_every_notebook_ends_in_a_row_or_the_summary(tmp_path):
    files = moodle_files({n: "nb" for n in NAMES}, NB)
    files["Zhang Wei_501_assignsubmission_file_/scratch.ipynb"] = "a second notebook"
    files["Zhang Wei_501_assignsubmission_file_/03-matrix-form/matrix_form.ipynb"] = "another assignment"
    files["lost.ipynb"] = "of no one"
    zipped = write_zip(tmp_path / "m.zip", files)
    intake, subs = take(zipped, tmp_path)
    said = " ".join(n for s in subs.values() for n in s.notes) + " ".join(intake.unmatched)
    with zipfile.ZipFile(zipped) as zf:
        for name in zf.namelist():
            inside = name.split("/", 1)[-1]
            assert inside in said or any(s.path and s.path.read_text() == zf.read(name).decode()
                                         and s.identity.name in name for s in subs.values()), name
    results = [Result(sid, "02-dot-product") for sid in subs]
    students = {sid: {"late": sid == lms.safe_id("Zhang Wei")} for sid in subs}
    line = closing_summary(results, intake.layout, students, intake.unmatched)
    assert line == (f"5 student(s) (moodle layout): graded 5; 1 handed in late: {lms.safe_id('Zhang Wei')}; "
                    "1 file(s) matched no student: lost.ipynb")


@pytest.mark.parametrize("name", ["张伟", "Zhang Wei", "o'neil.anne", "Zoë", "a b/c", "..", "-x-", "李" * 80])
def test_safe_ids_are_safe_stable_and_distinct(name):
    sid = lms.safe_id(name)
    assert lms.is_safe_id(sid) and sid == lms.safe_id(name)
    assert lms.is_safe_id(lms.safe_id(name, "123"))
    assert sid != lms.safe_id(name + " ")  # a changed name is another id, not a collision


def test_same_full_name_twice_in_moodle(tmp_path):
    files = {f"Li Na_{pid}_assignsubmission_file_/{NB}": pid for pid in ("11", "12")}
    _, subs = take(write_zip(tmp_path / "m.zip", files), tmp_path)
    assert sorted(s.identity.lms_id for s in subs.values()) == ["11", "12"]
    assert len(subs) == 2


def test_a_download_zipped_again_inside_a_folder(tmp_path):
    files = {f"course-assign-7/{k}": v for k, v in moodle_files({n: f"nb of {n}" for n in NAMES}, NB).items()}
    intake, subs = take(write_zip(tmp_path / "again.zip", files), tmp_path)
    assert intake.layout == "moodle" and sorted(s.identity.name for s in subs.values()) == sorted(NAMES)
    _, subs = take(write_folder(tmp_path / "one", {f"alice/{NB}": "nb"}), tmp_path)
    assert list(subs) == ["alice"]  # one student's folder is not a wrapper


def test_a_name_composed_or_decomposed_is_one_student(tmp_path):
    nfc, nfd = unicodedata.normalize("NFC", "Renée Faÿ"), unicodedata.normalize("NFD", "Renée Faÿ")
    assert nfc != nfd
    # Two downloads, one typed on Windows and one written by a Mac: the same id, each name as given.
    _, typed = take(write_folder(tmp_path / "a", {f"{nfc}/{NB}": "nb"}), tmp_path)
    _, macos = take(write_zip(tmp_path / "b.zip", moodle_files({nfd: "nb"}, NB)), tmp_path)
    assert list(typed) == list(macos) == [lms.safe_id(nfc)] == [lms.safe_id(nfd)]
    assert typed[lms.safe_id(nfc)].identity.name == nfc and macos[lms.safe_id(nfd)].identity.name == nfd
    # Both forms in one download: one student, named as first seen, both files considered.
    _, subs = take(write_zip(tmp_path / "c.zip", {f"{nfd}/{NB}": "first", f"{nfc}/dot_product (1).ipynb": "later"}),
                   tmp_path, layout="folders")
    assert list(subs) == [lms.safe_id(nfc)]
    assert subs[lms.safe_id(nfc)].identity.name == nfd and text(subs[lms.safe_id(nfc)]) == "later"
