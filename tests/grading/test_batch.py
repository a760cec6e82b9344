"""The batch machinery without kernels: workers, a dying worker, memory as the class grows."""

import os
import time
import tracemalloc

from autograder.model import Task
from autograder.run import pool
def fake_grade(task, ctx):
    """Stands in for autograder.run.task.grade: dies like a crashed worker on request (a task
    whose notes say "die")."""
    if "die" in task.notes:
        os._exit(1)
    time.sleep(0.01)
    return {"student_id": task.student_id, "pid": os.getpid()}


def _task(student_id, notes=()):
    return Task("a", "a.ipynb", student_id, "out", {"cells": []}, notes=tuple(notes))


def _tasks(n):
    return [_task(f"s{i:03d}") for i in range(n)]


def _stream(n):
    for i in range(n):
        yield _task(f"s{i:05d}", notes=["x" * 1000])


def test_workers_run_every_task_once():
    got = []
    pool.run_tasks(iter(_tasks(20)), 2, got.append, fn=fake_grade)
    assert sorted(r["student_id"] for r in got) == [f"s{i:03d}" for i in range(20)]
    assert len({r["pid"] for r in got}) <= 2  # long-lived workers, not one process per task


def test_a_dying_worker_costs_only_its_student():
    tasks = _tasks(8)
    tasks[2] = _task("s002", notes=["die"])
    got = []
    pool.run_tasks(iter(tasks), 2, got.append, fn=fake_grade)
    by = {(r["student_id"] if isinstance(r, dict) else r.student_id): r for r in got}
    assert sorted(by) == [t.student_id for t in tasks]
    assert by["s002"].status == "error" and "died twice" in by["s002"].notes[-1]
    # the others, in flight when the pool broke, ran again and were graded
    assert all("pid" in r for sid, r in by.items() if sid != "s002")


def test_parent_memory_is_flat_in_the_class_size(tmp_path):
    """Results stream through the parent: 10x the tasks must not need 10x the memory."""
    def peak(n):
        tracemalloc.start()
        pool.run_tasks(_stream(n), 1, lambda r: None, fn=lambda t, ctx: {"student_id": t.student_id})
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(200), peak(2000)
    assert large < 2 * small + 100_000, (small, large)
