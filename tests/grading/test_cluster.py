"""Grading beyond one machine: a real Dask cluster and a real PostgreSQL gradebook, on 127.0.0.1.

Done when the same class graded locally and on a 2-worker cluster with a PostgreSQL
gradebook gives the same grades.csv, byte for byte, and a worker killed mid-batch changes
nothing but the time it takes.
"""

import threading
import time

import pytest

from tests.grading.cases import CLASS, write_class
from tests.grading.conftest import grade, grade_new
from tests.grading.servers import DaskCluster, Postgres, free_port

pytestmark = pytest.mark.slow

# Quick ones of the 40, one of each kind: right, partly wrong, crashed, corrupt, flagged, missing.
SMALL = ["s01-correct", "s04-nested", "s06-blank", "s08-additive-wrong", "s09-attend-wrong", "s17-os-exit",
         "s19-syntax-error", "s20-empty-file", "s27-duplicate-ids", "s38-fake-solutions-module", "s40-no-notebook"]


@pytest.fixture(scope="module")
def cluster():
    c = DaskCluster(workers=2)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def postgres():
    why_not = Postgres.available()
    if why_not:
        pytest.skip(why_not)
    server = Postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    return write_class(tmp_path_factory.mktemp("small") / "submissions", SMALL)


@pytest.fixture(scope="module")
def local_run(course_template, small_class, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    grade_new(course_template, small_class, out)
    return out


def expected_rows(csv_text):
    return {line.split(",")[0]: line.split(",")[2:5] for line in csv_text.splitlines()[1:]}


def test_a_cluster_with_a_postgresql_gradebook_gives_the_local_grades(local_run, small_class, cluster, postgres,
                                                                       tmp_path):
    from nbgrader.api import Gradebook

    from autograder.authoring.course import COURSE_ID
    from tests.grading.students import ASSIGNMENT

    db = postgres.create_database("same_grades")
    out = tmp_path / "out"
    run = grade(small_class, out, "--scheduler", cluster.address, "--db", db)
    local = (local_run / "grades.csv").read_bytes()
    assert (out / "grades.csv").read_bytes() == local
    rows = expected_rows(local.decode())
    assert {sid: (rows[sid][2], float(rows[sid][0])) for sid in SMALL} == \
        {sid: (CLASS[sid][1], float(CLASS[sid][2])) for sid in SMALL}
    # the parent wrote every feedback page and autograded notebook that came back from the workers
    for sid in SMALL:
        assert (out / "feedback" / sid / ASSIGNMENT / "dot_product.html").is_file(), sid
    assert not (out / "gradebook.db").exists(), "the gradebook is in PostgreSQL, not in OUT"
    with Gradebook(db, COURSE_ID) as gb:
        scores = {s.student_id: s.score for s in gb.assignment_submissions(ASSIGNMENT)}
    assert scores == {sid: float(CLASS[sid][2]) for sid in SMALL if CLASS[sid][1] != "missing"}
    assert f"{len(SMALL)} student(s)" in run.stdout
    # a rerun grades nothing again and changes nothing
    before = {p: p.stat().st_mtime_ns for p in (out / "feedback").rglob("*.html")}
    grade(small_class, out, "--scheduler", cluster.address, "--db", db)
    assert (out / "grades.csv").read_bytes() == local
    assert {p: p.stat().st_mtime_ns for p in (out / "feedback").rglob("*.html")} == before


def test_a_worker_killed_mid_batch_changes_no_grade(local_run, small_class, tmp_path):
    own = DaskCluster(workers=2)  # its own: this test leaves it with one worker
    killed = {}

    def kill_a_busy_worker():
        with own.client() as c:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not killed:
                names = {addr: w["name"] for addr, w in c.scheduler_info()["workers"].items()}
                for addr, keys in c.processing().items():
                    if keys and names.get(addr) == "w0":
                        own.kill("w0")
                        killed["keys"] = list(keys)
                        break
                time.sleep(0.2)

    try:
        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        grade(small_class, tmp_path / "out", "--scheduler", own.address, "--in-flight", "4")
        killer.join()
        assert killed.get("keys"), "w0 never had a task to lose"
        assert own.workers["w0"].poll() is not None
    finally:
        own.close()
    assert (tmp_path / "out" / "grades.csv").read_bytes() == (local_run / "grades.csv").read_bytes()


def test_a_worker_without_the_sandbox_is_refused_by_name(small_class, tmp_path):
    import os
    import sys

    from tests.conftest import course_env

    bare = tmp_path / "bin"  # python, but no bwrap, prlimit or setpriv on PATH
    bare.mkdir()
    for tool in ("python", "dask"):
        (bare / tool).symlink_to(os.path.join(os.path.dirname(sys.executable), tool))
    env = dict(course_env(), PATH=str(bare))
    own = DaskCluster(workers=0)
    try:
        own.add_worker("bare", env)
        own.wait_for(1)
        run = grade(small_class, tmp_path / "out", "--scheduler", own.address, check=False)
    finally:
        own.close()
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert "worker tcp://127.0.0.1:" in lines[0] and "bubblewrap" in lines[0], lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag", ["--scheduler", "--db"])
def test_an_unreachable_server_is_one_line_and_nothing_is_written(flag, small_class, tmp_path):
    port = free_port()  # nothing listens there
    value = f"tcp://127.0.0.1:{port}" if flag == "--scheduler" else f"postgresql+psycopg://postgres@127.0.0.1:{port}/x"
    run = grade(small_class, tmp_path / "out", flag, value, check=False)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert "cannot be reached" in lines[0] and str(port) in lines[0], lines[0]
    assert not (tmp_path / "out").exists()
