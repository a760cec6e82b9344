"""The typed results: the status rule, the journal's JSON, and the mistakes export reads from fields."""

import json

import pytest

from autograder.model import PartResult, Result, Status, count_statuses
from autograder.reports.export import common_mistakes, export, read_all
from autograder.store.journal import read_journal, write_journal
from autograder.store.outdir import OutDir

A3 = "03-matrix-form"


def test_the_status_order_is_the_rule():
    assert [s.value for s in Status] == ["missing", "corrupt", "flagged", "crashed", "memory", "timeout",
                                         "flooded", "error", "graded"]
    assert Status.first(["flooded", "timeout"]) is Status.TIMEOUT
    assert Status.first({"graded", "crashed", "memory"}) is Status.CRASHED
    assert Status.first([Status.ERROR, "flagged"]) is Status.FLAGGED
    assert Status.first([]) is Status.GRADED
    assert all(s.description for s in Status)
    with pytest.raises(ValueError):
        Status.first(["lost"])


def test_statuses_are_their_words_in_json_csv_and_text():
    assert json.dumps({"s": Status.TIMEOUT}) == '{"s": "timeout"}'
    assert f"{Status.MEMORY} {Status.MEMORY!s}" == "memory memory" and Status.GRADED == "graded"


def test_statuses_are_counted_in_status_order():
    counts = count_statuses(["graded", "missing", Status.GRADED, "timeout"])
    assert list(counts.items()) == [(Status.MISSING, 1), (Status.TIMEOUT, 1), (Status.GRADED, 2)]
    assert count_statuses([]) == {}


def _result(**parts):
    return Result("s1", A3, digest="abc", status=Status.GRADED, score=3.0, max_score=10.0,
                  parts={pid: PartResult(**p) for pid, p in parts.items()}, notes=["a note"],
                  feedback="feedback/s1/x.html", autograded="autograded/s1/x.ipynb", seconds=1.5)


def test_a_result_round_trips_through_the_journal(tmp_path):
    result = _result(self_attention={"score": 0.0, "max_score": 3.0, "message": "wrong",
                                     "mistake": "sa-softmax-rows", "family": "wrong-axis",
                                     "function": "self_attention"},
                     qkv={"score": 3.0, "max_score": 3.0, "message": "right"})
    assert Result.from_json(json.loads(json.dumps(result.to_json()))) == result
    write_journal(tmp_path, result)
    assert read_journal(tmp_path, "s1") == result
    written = json.loads(OutDir(tmp_path).result("s1").read_text(encoding="utf-8"))
    assert written["status"] == "graded" and written["parts"]["self_attention"]["mistake"] == "sa-softmax-rows"
    assert written["parts"]["self_attention"]["family"] == "wrong-axis"


def test_an_entry_written_by_the_previous_version_loads(tmp_path):
    """The journal of an earlier run: parts without mistake/family/function, no manual, digest or seconds."""
    old = {"student_id": "s1", "assignment": A3, "status": "timeout", "score": 2.0, "max_score": 10.0,
           "parts": {"qkv": {"score": 2.0, "max_score": 3.0, "message": "hm"}}, "notes": ["slow"],
           "feedback": None, "autograded": None, "some_future_key": 1}
    path = OutDir(tmp_path).result("s1")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old), encoding="utf-8")
    result = read_journal(tmp_path, "s1")
    assert result.status is Status.TIMEOUT and result.digest is None and result.manual == {}
    assert result.parts["qkv"] == PartResult(2.0, 3.0, "hm", None, None, None)
    assert read_journal(tmp_path, "nobody") is None


def _out(path, results):
    """An OUT folder with grades.csv and the journal of ``results``."""
    path.mkdir(parents=True)
    (path / "grades.csv").write_text("student_id,assignment,score,max_score,status,name,lms,lms_id,late\n" + "".join(
        f"{r.student_id},{r.assignment},{r.score:g},10,{r.status},{r.student_id},,,\n" for r in results),
        encoding="utf-8")
    for r in results:
        write_journal(path, r)
    return path


def test_export_names_mistakes_from_the_fields_not_the_message(tmp_path):
    wrong = {"score": 0.0, "max_score": 3.0}
    tag = "[catalogued mistake: sa-softmax-rows]"
    results = [
        # named by the fields, whatever the message says
        Result("s1", A3, parts={"self_attention": PartResult(**wrong, message="no tag here",
                                                              mistake="sa-softmax-rows", family="wrong-axis")}),
        Result("s2", A3, parts={"self_attention": PartResult(**wrong, message="also none", family="wrong-axis")}),
        # a message that merely holds text like the tag names nothing
        Result("s3", A3, parts={"self_attention": PartResult(**wrong, message=f"Part: I wrote {tag} in my code")}),
    ]
    out = _out(tmp_path / "a", results)
    [m] = common_mistakes(read_all([out]))
    assert (m.family, m.mistakes, m.students, m.function) == ("wrong-axis", {"sa-softmax-rows"}, {"s1", "s2"},
                                                              "self_attention")
    export([out], tmp_path / "to")
    page = (tmp_path / "to" / "report.html").read_text(encoding="utf-8")
    assert "family wrong-axis: sa-softmax-rows" in page

    only_tag = _out(tmp_path / "b", results[2:])
    assert common_mistakes(read_all([only_tag])) == []
