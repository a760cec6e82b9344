"""Where one notebook's grading time goes: kernel start, execution, nbgrader + database, sandbox.

    python benchmarks/bench_breakdown.py [--assignment 02-dot-product] [--repeats 5] [--out benchmarks/results]

One submission (every answer the reference solution, built from the committed student
notebook like ``bench_grading.py``'s) is graded stage by stage with the pipeline's own
functions, each stage timed ``--repeats`` times in this one process (median and min kept):

- ``python start`` / ``import nbgrader.apps``: a fresh interpreter, and one that imports
  nbgrader's apps (paid once per process: by stock nbgrader once, by our command once in
  the parent and once per worker);
- ``sandbox set-up``: ``bwrap`` with every bind and limit of ``autograder.sandbox.bwrap`` running
  ``/bin/true``, minus ``/bin/true`` alone;
- ``kernel start+stop``: start, wait until ready, shut down, for a bare jupyter_client kernel,
  the course's ``ScratchKernelManager`` (stock and ``--no-sandbox``), and the sandbox's ``SandboxedKernelManager``;
- ``execution``: running the notebook's code cells in a kernel already started;
- our task's stages (``autograder.run.task``): read + sanitise, ``SandboxExecute`` (kernel start,
  cells, shut-down), ``ProbeCheck``, LimitOutput + scores, the autograded notebook, the feedback
  HTML; and ``task.grade`` whole, with and without the sandbox;
- ``gradebook write``: one result written by ``GradebookWriter`` (the parent's part);
- ``stock autograde``: nbgrader's ``autograde`` of this one student through its API in this
  process (nbgrader already imported): its cost beyond kernel start + execution is nbgrader's
  own work (gradebook reads/writes, OverwriteCells, preprocessors, files).
- ``our command, K = 1``: ``python -m autograder grade`` on one student, whole wall time
  (process start, imports, worker pool, one task, csv, report).

Prints a table, writes ``breakdown.csv`` and ``breakdown.png``.
"""

from __future__ import annotations

import argparse
import dataclasses
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.store import csv_safe
from bench_grading import env, make_class  # the script's own folder is first on sys.path

ROOT = Path(__file__).resolve().parents[1]


def cpu_now():
    """CPU seconds used so far by this process and by its children that have ended (kernels, bwrap, ...)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Clock:
    """Wall and CPU seconds of one stage (CPU: this process + children that ended meanwhile)."""

    def __enter__(self):
        self.t, self.c = time.perf_counter(), cpu_now()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.t, cpu_now() - self.c


def timed(fn, repeats):
    """``[(wall, cpu)]`` of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        with Clock() as c:
            fn()
        times.append((c.wall, c.cpu))
    return times


def kernel_cycle(km_factory):
    """Start a kernel, wait until it answers, shut it down."""
    async def go():
        km = km_factory()
        await km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            if hasattr(km, "cleanup_resources"):
                await km.cleanup_resources()
    asyncio.run(go())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="02-dot-product")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.update({k: v for k, v in env().items() if k in ("PATH",)})

    import nbformat
    from jupyter_client.manager import AsyncKernelManager, KernelManager
    from nbgrader.preprocessors import LimitOutput
    from nbgrader.utils import determine_grade

    from autograder import assignments

    from autograder.model import Task
    from autograder.run import task as task_mod
    from autograder.store.files import atomic_write
    from autograder.store.gradebook import GradebookWriter
    from autograder.store.prepare import prepare_course
    from autograder.judge.check import ProbeCheck
    from autograder.authoring.course import api, make_course
    from autograder.sandbox.scratch import ScratchKernelManager
    from autograder.run.execute import SandboxExecute
    from autograder.sandbox.bwrap import sandbox_command
    from autograder.sandbox.kernel import SandboxedKernelManager
    from autograder.sandbox.limits import Limits
    from autograder.run.context import WorkerContext
    from autograder.sandbox.uids import UidLease

    spec = assignments.get(args.assignment)
    R = args.repeats
    work = Path(tempfile.mkdtemp(prefix="bench-breakdown-"))
    subs = work / "subs"
    make_class(spec, 1, subs)  # s0000: every answer correct
    nb_path = subs / "s0000" / f"{spec.notebook}.ipynb"
    out = work / "out"
    snap = prepare_course(out, spec)
    stock = make_course(work / "stock", [spec.id])
    limits = Limits()
    rows = []

    def record(stage, group, times, note=""):
        walls = [t[0] if isinstance(t, tuple) else t for t in times]
        cpus = [t[1] for t in times if isinstance(t, tuple)]
        cpu = statistics.median(cpus) if cpus else float("nan")
        rows.append({"stage": stage, "group": group, "median_s": statistics.median(walls), "min_s": min(walls),
                     "median_cpu_s": cpu, "repeats": len(walls), "note": note})
        print(f"{stage:<50} {statistics.median(walls):>8.3f} {min(walls):>8.3f} {cpu:>8.3f}  {note}", flush=True)

    print(f"{'stage':<50} {'median s':>8} {'min s':>8} {'CPU s':>8}  (load average {os.getloadavg()[0]:.2f}; "
          "CPU: this process + ended children)", flush=True)

    # ---- processes
    py = [sys.executable]
    t_py = timed(lambda: subprocess.run([*py, "-c", "pass"], check=True), R)
    record("python start", "process", t_py)
    t_imp = timed(lambda: subprocess.run([*py, "-c", "import nbgrader.apps"], check=True, env=env()), R)
    record("python start + import nbgrader.apps", "process", t_imp, "once per process")

    # ---- sandbox set-up alone
    ipc = tempfile.mkdtemp(prefix="ag-")
    lease = UidLease()
    uid = lease.next_uid()
    os.chown(ipc, uid, uid)
    box = sandbox_command(["/bin/true"], limits=limits, uid=uid, ipc_dir=ipc)
    t_true = timed(lambda: subprocess.run(["/bin/true"], check=True), R)
    t_box = timed(lambda: subprocess.run(box, check=True), R)
    t_true_min = min(w for w, _ in t_true)
    record("sandbox set-up (prlimit+bwrap+setpriv)", "sandbox", [(w - t_true_min, c) for w, c in t_box], "minus /bin/true")
    box_py = sandbox_command([sys.executable, "-c", "pass"], limits=limits, uid=uid, ipc_dir=ipc)
    record("python start in the sandbox", "sandbox", timed(lambda: subprocess.run(box_py, check=True), R))
    shutil.rmtree(ipc, ignore_errors=True)
    lease.close()
    ctx = WorkerContext()  # the resources of one worker, for every kernel below

    # ---- kernels
    record("kernel start+stop, bare", "kernel", timed(lambda: kernel_cycle(lambda: AsyncKernelManager(kernel_name="python3")), R))
    record("kernel start+stop, scratch (stock, --no-sandbox)", "kernel",
           timed(lambda: kernel_cycle(lambda: ScratchKernelManager(kernel_name="python3")), R))
    record("kernel start+stop, sandboxed", "kernel",
           timed(lambda: kernel_cycle(lambda: SandboxedKernelManager(kernel_name="python3", limits=limits,
                                                                     resources=ctx.sandbox)), R))

    # ---- execution of the cells in a started kernel
    nb0 = task_mod.read_notebook(nb_path)
    task_mod.sanitise(nb0, snap)
    codes = [c.source for c in nb0.cells if c.cell_type == "code"]

    def execute_cells():
        import psutil

        km = KernelManager(kernel_name="python3")
        km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kernel = psutil.Process(km.provisioner.process.pid)
        k0 = sum(kernel.cpu_times()[:2])
        with Clock() as c:
            for code in codes:
                kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
            kernel_cpu = sum(kernel.cpu_times()[:2]) - k0
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        return c.wall, c.cpu + kernel_cpu

    record("execution of the code cells (kernel up)", "execution", [execute_cells() for _ in range(R)],
           f"{len(codes)} code cells; CPU includes the kernel's")

    # ---- our task, stage by stage (as autograder.run.task._grade_notebook does them)
    base = Task(spec.id, nb_path.name, "s0000", str(out), snap, path=str(nb_path), limits=limits.as_dict(),
                digest="x")
    ahead, inside, nosb = ("SandboxExecute, sandbox, kernel started ahead", "SandboxExecute, sandbox, kernel started inside",
                           "SandboxExecute, no sandbox")
    stages = {k: [] for k in ("read + sanitise", ahead, inside, nosb,
                              "ProbeCheck", "LimitOutput + scores", "write autograded notebook", "feedback HTML")}

    def stage(key):
        clock = Clock()

        class Stage:
            def __enter__(self):
                clock.__enter__()

            def __exit__(self, *exc):
                clock.__exit__(*exc)
                stages[key].append((clock.wall, clock.cpu))
        return Stage()

    # "ahead": our executor boots the next notebook's kernel while one runs (prefetch); the first
    # round has no kernel ready yet and is not kept.
    prefetch_ok = "prefetch" in SandboxExecute.class_trait_names()
    for round_ in range(R + 1):
        with stage("read + sanitise"):
            nb = task_mod.read_notebook(nb_path)
            task_mod.sanitise(nb, snap)
        runs = [(False, False, nosb), (True, False, inside)] + ([(True, True, ahead)] if prefetch_ok else [])
        for sandbox, prefetch, key in runs:
            run_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
            resources = {"nbgrader": {"assignment": spec.id, "notebook": spec.notebook, "student": "s0000"}}
            extra = {"prefetch": prefetch} if prefetch_ok else {}
            with stage(key):
                ex = SandboxExecute(context=ctx, limits=limits, sandbox=sandbox, notebook_name=nb_path.name, **extra)
                executed, resources = ex.preprocess(run_nb, resources)
            if round_ == 0:
                stages[key].pop()
        with stage("ProbeCheck"):
            executed, resources = ProbeCheck().preprocess(executed, resources)
        with stage("LimitOutput + scores"):
            executed, resources = LimitOutput().preprocess(executed, resources)
            result = task_mod.result_skeleton(base)
            for cell in executed.cells:
                meta = cell.metadata.get("nbgrader") or {}
                if meta.get("grade") and meta.get("grade_id") in result.parts:
                    result.parts[meta["grade_id"]].score = float(determine_grade(cell)[0] or 0)
            result.score = sum(p.score for p in result.parts.values())
        with stage("write autograded notebook"):
            atomic_write(work / "graded.ipynb", nbformat.writes(executed))
        with stage("feedback HTML"):
            (work / "feedback.html").write_text(task_mod.feedback_page(executed, result, base, ctx.exporter))
    for key, times in stages.items():
        if times:
            record(f"task: {key}", "task stage", times)
    assert result.score == spec.total_points, f"the reference solution scored {result.score}"

    for sandbox in (True, False):
        t = timed(lambda: task_mod.grade(dataclasses.replace(base, sandbox=sandbox), ctx), R)
        record(f"task.grade whole ({'sandbox' if sandbox else 'no sandbox'})", "task", t)

    writer = GradebookWriter(out, spec)
    graded = task_mod.grade(dataclasses.replace(base, sandbox=False), ctx)

    def write_one():
        writer.add(graded)
        writer.flush()
    record("gradebook write of one result (parent)", "nbgrader+db", timed(write_one, R))
    writer.close()

    # ---- stock nbgrader, one student, in this process
    grader = api(stock)
    dest = stock / "submitted" / "s0000" / spec.id
    dest.mkdir(parents=True)
    shutil.copy2(nb_path, dest / nb_path.name)

    def stock_one():
        outcome = grader.autograde(spec.id, "s0000", force=True, create=True)
        assert outcome.get("success"), outcome.get("error")
    stock_one()  # first run creates the student and submission rows
    record("stock autograde, one student (in process)", "stock", timed(stock_one, R))

    # ---- our command on one student, whole
    def command_one():
        o = work / f"cmd-{time.perf_counter_ns()}"
        shutil.copytree(out, o, ignore=shutil.ignore_patterns("results", "autograded", "feedback"))
        subprocess.run([sys.executable, "-m", "autograder", "grade", spec.id, str(subs), "--out", str(o),
                        "--jobs", "2"], check=True, env=env(), capture_output=True)
    record("our command, K = 1 (whole wall time)", "command", timed(command_one, max(2, R // 2)))

    with open(args.out / "breakdown.csv", "w", newline="") as f:
        writer = csv_safe.dict_writer(f, list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, **{k: round(r[k], 4) for k in ("median_s", "min_s", "median_cpu_s")}})
    plot(rows, args.out / "breakdown.png")
    print(f"wrote {args.out / 'breakdown.csv'} and {args.out / 'breakdown.png'}")
    ctx.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"process": "#999", "sandbox": "#c84", "kernel": "#48a", "execution": "#4a8", "task stage": "#a6c",
               "task": "#627", "nbgrader+db": "#c44", "stock": "#444", "command": "#222"}
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1))
    y = range(len(rows))[::-1]
    ax.barh(list(y), [r["median_s"] for r in rows], color=[colours.get(r["group"], "#888") for r in rows])
    ax.set_yticks(list(y), [r["stage"] for r in rows], fontsize=8)
    ax.set_xlabel("seconds (median)")
    ax.set_title("Grading one notebook, stage by stage")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
