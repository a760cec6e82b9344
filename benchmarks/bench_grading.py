"""Grading throughput: ``python -m autograder grade`` against stock ``nbgrader autograde``.

    python benchmarks/bench_grading.py [--k 10 50 200] [--jobs 2] [--also-jobs 4] [--assignment 02-dot-product]
                                       [--variants stock ours ours-no-sandbox] [--out benchmarks/results]
    python benchmarks/bench_grading.py --smoke      # K = 4, for CI: checks the script, not the speed

For every K, one folder of K synthetic students is built from the committed student
notebook ``notebooks/<aid>/<name>.ipynb`` (nothing is edited by hand): 60 % answer every
part with the reference solution (the answer cells of ``autograder/source/``), 20 % carry one
mistake of the assignment's catalogue (``autograder/assignments/``, in turn), 20 % are broken
(in turn: a syntax error, a cell that raises before its ``def``, the notebook handed in
untouched, an empty file). The same folder is then graded, one variant after the other in
this one run:

- ``stock``: stock nbgrader's driver, ``nbgrader autograde <aid>`` run once (it grades the
  students one after the other), in a course folder set up by ``autograder.authoring.course.make_course``,
  so it runs the course's own preprocessors (ProbeCheck after Execute, kernels in a scratch
  folder without PYTHONPATH): same checks, same scores, no sandbox;
- ``ours``: ``python -m autograder grade <aid> SUBS --out OUT --jobs N`` (bubblewrap sandbox);
- ``ours-no-sandbox``: the same with ``--no-sandbox`` (like for like with ``stock``).

Both course folders are set up once before any timing (``generate_assignment``; the grading
command reuses an OUT whose course is already set up), so the figures are grading alone.
For each run: wall time, notebooks per second, and the peak of the summed RSS of the
command's whole process tree (workers, kernels, bwrap), sampled every 50 ms with psutil
(shared pages are counted once per process, so it overstates; the same way for all).

Every student's per-part scores must agree between the variants: otherwise the differences
are printed and the script exits 1. Prints a table, writes ``grading.csv`` and ``grading.png``.
Target (issue 14, after issue 7's 3x): ours >= 4x stock at K = 200 on 2 cores with the
command's default options, memory flat in K.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder.store import csv_safe
ROOT = Path(__file__).resolve().parents[1]

TARGET_RATIO = 4.0
# "Memory flat in K": between the two largest K, the peak grows by at most this many MiB per
# extra student (a leak of 0.25 MiB a student is 50 MiB over 200 students).
FLAT_MIB_PER_STUDENT = 0.25
SOLUTION_MARK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)
# One in ten students of each kind, in this order (so K = 4 already has all three kinds).
MIX = ["correct", "mistake", "correct", "broken", "correct", "correct", "mistake", "correct", "correct", "broken"]
BROKEN = ["syntax-error", "exception", "untouched", "empty-file"]


def revision():
    """The checkout's commit, with ``+dirty`` when the grader's files differ from it (others commit meanwhile)."""
    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--", "autograder") else "")


def env(root=ROOT):
    """The course's environment: .venv/bin on PATH (nbgrader starts ``alembic``), the repo on PYTHONPATH."""
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    e["PYTHONPATH"] = str(root)
    e.pop("MPLBACKEND", None)
    return e


# ----------------------------------------------------------------------------- the class

def _gid(cell):
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def make_class(spec, k, folder):
    """Write K students into ``folder/<sid>/<notebook>.ipynb``; return ``{sid: kind}``."""
    name = f"{spec.notebook}.ipynb"
    student = json.loads((ROOT / "notebooks" / spec.id / name).read_text(encoding="utf-8"))
    source = json.loads((ROOT / "autograder" / "source" / spec.id / name).read_text(encoding="utf-8"))
    solution = {_gid(c): SOLUTION_MARK.sub("", _text(c)) for c in source["cells"]
                if (_gid(c) or "").endswith("_answer")}
    first = next(g for g in (_gid(c) for c in student["cells"]) if g in solution)

    def notebook(answers):
        nb = json.loads(json.dumps(student))
        for cell in nb["cells"]:
            if _gid(cell) in answers:
                cell["source"] = answers[_gid(cell)]
        return json.dumps(nb, indent=1)

    kinds, n_mistake, n_broken = {}, 0, 0
    for i in range(k):
        sid = f"s{i:04d}"
        kind = MIX[i % len(MIX)]
        if kind == "correct":
            text = notebook(solution)
        elif kind == "mistake":
            m = spec.mistakes[n_mistake % len(spec.mistakes)]
            n_mistake += 1
            kind = f"mistake:{m.id}"
            text = notebook({**solution, f"{m.function}_answer": m.code.strip() + "\n"})
        else:
            kind = BROKEN[n_broken % len(BROKEN)]
            n_broken += 1
            if kind == "syntax-error":
                text = notebook({**solution, first: solution[first] + "\nprint('unclosed'\n"})
            elif kind == "exception":
                text = notebook({**solution, first: "results = undefined_name + 1\n\n" + solution[first]})
            elif kind == "untouched":
                text = notebook({})
            else:
                text = ""
        (folder / sid).mkdir(parents=True)
        (folder / sid / name).write_text(text, encoding="utf-8")
        kinds[sid] = kind
    return kinds


# ----------------------------------------------------------------------------- measuring a command

def run_measured(cmd, cwd, log, root=ROOT):
    """Run ``cmd``; return (wall s, peak summed RSS of its process tree in bytes, CPU s of the tree, exit code).

    CPU seconds are the user + system time of every process of the tree, as last sampled
    (a process's last < 50 ms may be missed).
    """
    import psutil

    peak, cpu = [0], {}
    with open(log, "w") as logf:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env(root), stdout=logf, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            try:
                root = psutil.Process(proc.pid)
            except psutil.NoSuchProcess:
                return
            while not done.is_set():
                total = 0
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    break
                for p in procs:
                    try:
                        with p.oneshot():
                            total += p.memory_info().rss
                            t = p.cpu_times()
                            cpu[(p.pid, p.create_time())] = t.user + t.system
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                peak[0] = max(peak[0], total)
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    return wall, peak[0], sum(cpu.values()), code


# ----------------------------------------------------------------------------- the variants

def prepare(spec, work):
    """Course folders set up once (not timed): one for stock nbgrader, one OUT for our command."""
    from autograder.store.prepare import prepare_course
    from autograder.authoring.course import ensure_path, make_course

    ensure_path()
    stock = work / "template-stock"
    make_course(stock, [spec.id])
    ours = work / "template-ours"
    prepare_course(ours, spec)
    return stock, ours


def run_stock(spec, subs, template, work, tag):
    course = work / f"stock-{tag}"
    shutil.copytree(template, course)
    for student in sorted(subs.iterdir()):
        dest = course / "submitted" / student.name / spec.id
        dest.mkdir(parents=True)
        for f in student.iterdir():
            shutil.copy2(f, dest / f.name)
    cmd = [str(Path(sys.executable).parent / "nbgrader"), "autograde", spec.id]  # the copy's config: root = the copy
    wall, peak, cpu, code = run_measured(cmd, course, work / f"stock-{tag}.log")
    return wall, peak, cpu, code, stock_scores(spec, course, [s.name for s in subs.iterdir()])


def stock_exit_ok(code, log, kinds):
    """0 when stock nbgrader failed only on the students whose notebook is an empty file (it exits 1 then)."""
    failed = set(re.findall(r"error processing assignment '[^']*' for student '([^']+)'", Path(log).read_text()))
    if code == 1 and failed and all(kinds.get(s) == "empty-file" for s in failed):
        return 0
    return code


def stock_scores(spec, course, students):
    """``{sid: {part: score}}`` from stock nbgrader's gradebook (a student it could not grade: all 0)."""
    from nbgrader.api import MissingEntry

    from autograder.authoring.course import api

    scores = {}
    with api(course).gradebook as gb:  # the stock course's own gradebook
        for sid in students:
            try:
                nb = gb.find_submission_notebook(spec.notebook, spec.id, sid)
                got = {g.name: float(g.score or 0) for g in nb.grades if g.max_score}
            except MissingEntry:
                got = {}
            scores[sid] = {p.id: got.get(p.id, 0.0) for p in spec.parts}
    return scores


def checkout(rev, work):
    """The repository at commit ``rev``, extracted into ``work`` (``git archive``: no worktree is added)."""
    dest = work / f"checkout-{rev}"
    if not dest.is_dir():
        dest.mkdir()
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def run_ours(spec, subs, template, work, tag, jobs, sandbox, root=ROOT, name="ours"):
    out = work / f"{name if sandbox else 'ours-nosb'}-j{jobs}-{tag}"
    shutil.copytree(template, out)
    cmd = [sys.executable, "-m", "autograder", "grade", spec.id, str(subs), "--out", str(out), "--jobs", str(jobs)]
    if not sandbox:
        cmd.append("--no-sandbox")
    wall, peak, cpu, code = run_measured(cmd, root, work / f"{out.name}.log", root)
    scores = {}
    with open(out / "grades.csv", newline="") as f:
        for row in csv.DictReader(f):
            scores[row["student_id"]] = {p.id: float(row[p.id] or 0) for p in spec.parts}
    return wall, peak, cpu, code, scores


def differences(a_name, a, b_name, b, kinds):
    lines = []
    for sid in sorted(set(a) | set(b)):
        if a.get(sid) != b.get(sid):
            lines.append(f"  {sid} ({kinds.get(sid, '?')}): {a_name} {a.get(sid)}  {b_name} {b.get(sid)}")
    return lines


# ----------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, nargs="+", default=[10, 50, 200], help="class sizes")
    parser.add_argument("--smoke", action="store_true", help="K = 4 only (a quick check that everything runs)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="--jobs of our command (default: the number of cores, as the command's own default)")
    parser.add_argument("--also-jobs", type=int, nargs="*", default=[],
                        help="also run our command (sandboxed) with these --jobs (to see whether it is CPU-bound)")
    parser.add_argument("--assignment", default="02-dot-product")
    parser.add_argument("--variants", nargs="+", default=["stock", "ours", "ours-no-sandbox"],
                        choices=["stock", "ours", "ours-no-sandbox"])
    parser.add_argument("--revisions", nargs="*", default=[],
                        help="also grade with our command as of these commits (variant ours@REV, same --jobs): "
                             "what a change gained, measured side by side in one run")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work folders (logs, gradebooks) here")
    args = parser.parse_args(argv)
    ks = [4] if args.smoke else args.k
    args.out.mkdir(parents=True, exist_ok=True)
    runs = [(v, 1 if v == "stock" else args.jobs) for v in args.variants]
    runs += [("ours", j) for j in args.also_jobs if ("ours", j) not in runs]
    runs += [(f"ours@{rev}", args.jobs) for rev in args.revisions]

    from autograder import assignments
    spec = assignments.get(args.assignment)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-grading-", dir=args.keep))
    rev = revision()
    print(f"commit {rev}; {args.assignment}: {len(spec.parts)} parts, {len(spec.mistakes)} catalogued mistakes; "
          f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; work folder {work}",
          flush=True)
    t0 = time.perf_counter()
    templates = prepare(spec, work)
    print(f"course folders set up in {time.perf_counter() - t0:.1f} s (not counted below)", flush=True)

    rows, failures = [], []
    print(f"{'K':>5} {'variant':<16} {'jobs':>4} {'wall s':>8} {'nb/s':>7} {'s/nb':>6} {'CPU s':>7} "
          f"{'cores':>5} {'peak MiB':>9} {'stock/this':>10} {'load':>5}", flush=True)
    for k in ks:
        subs = work / f"subs-{k}"
        kinds = make_class(spec, k, subs)
        results = {}
        for variant, jobs in runs:
            load = os.getloadavg()[0]
            if variant == "stock":
                wall, peak, cpu, code, scores = run_stock(spec, subs, templates[0], work, k)
            elif variant.startswith("ours@"):
                wall, peak, cpu, code, scores = run_ours(spec, subs, templates[1], work, k, jobs, sandbox=True,
                                                         root=checkout(variant[5:], work), name=variant)
            else:
                wall, peak, cpu, code, scores = run_ours(spec, subs, templates[1], work, k, jobs,
                                                         sandbox=variant == "ours")
            name = variant if jobs == args.jobs or variant == "stock" else f"{variant} --jobs {jobs}"
            if variant == "stock":
                code = stock_exit_ok(code, work / f"stock-{k}.log", kinds)
            if code != 0:
                failures.append(f"K={k} {name}: exit code {code} (log in {work})")
            results[name] = (wall, scores)
            ratio = results["stock"][0] / wall if "stock" in results else float("nan")
            rows.append({"K": k, "variant": variant, "jobs": jobs, "wall_s": round(wall, 3),
                         "notebooks_per_s": round(k / wall, 4), "s_per_notebook": round(wall / k, 4),
                         "cpu_s": round(cpu, 2), "cores_busy": round(cpu / wall, 2),
                         "peak_rss_mib": round(peak / 2**20, 1), "stock_over_this": round(ratio, 3),
                         "load_1min_before": round(load, 2),
                         "mean_score": round(sum(sum(p.values()) for p in scores.values()) / k, 3),
                         "commit": revision()})
            r = rows[-1]
            print(f"{k:>5} {variant:<16} {jobs:>4} {wall:>8.1f} {r['notebooks_per_s']:>7.2f} {r['s_per_notebook']:>6.2f} "
                  f"{cpu:>7.1f} {r['cores_busy']:>5.2f} {r['peak_rss_mib']:>9.0f} {ratio:>10.2f} {load:>5.2f}", flush=True)
        names = list(results)
        for other in names[1:]:
            diff = differences(names[0], results[names[0]][1], other, results[other][1], kinds)
            if diff:
                failures.append(f"K={k}: per-part scores differ between {names[0]} and {other}:\n" + "\n".join(diff))

    with open(args.out / "grading.csv", "w", newline="") as f:
        writer = csv_safe.dict_writer(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plot(rows, args.out / "grading.png", args.jobs)
    print(f"wrote {args.out / 'grading.csv'} and {args.out / 'grading.png'}")
    verdicts(rows, ks, args.jobs)
    if len({r["commit"] for r in rows} | {rev}) > 1:
        print(f"WARNING: the grader's code changed during the run ({', '.join(sorted({r['commit'] for r in rows} | {rev}))}): "
              "the figures mix versions (see the commit column); run again for clean figures", file=sys.stderr)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    print(f"scores: every student's per-part scores identical across {', '.join(dict.fromkeys(names))}")
    return 0


def verdicts(rows, ks, jobs):
    """The targets (speed: issue 14; memory: issue 7), at the largest K measured, for our command with ``--jobs jobs``."""
    by = {(r["K"], r["variant"], r["jobs"]): r for r in rows}
    ks = sorted(set(ks))
    kmax = ks[-1]
    for variant in ("ours", "ours-no-sandbox"):
        r = by.get((kmax, variant, jobs))
        if r and (kmax, "stock", 1) in by:
            ok = r["stock_over_this"] >= TARGET_RATIO
            print(f"target: {variant} --jobs {jobs} >= {TARGET_RATIO:g}x stock at K = {kmax}: "
                  f"{r['stock_over_this']:.2f}x -> {'met' if ok else 'MISSED'}")
    if len(ks) < 2:
        return
    k1 = ks[-2]
    for variant, j in (("stock", 1), ("ours", jobs), ("ours-no-sandbox", jobs)):
        big, small, first = by.get((kmax, variant, j)), by.get((k1, variant, j)), by.get((ks[0], variant, j))
        if not (big and small):
            continue
        slope = (big["peak_rss_mib"] - small["peak_rss_mib"]) / (kmax - k1)
        peaks = " -> ".join(f"{by[(k, variant, j)]['peak_rss_mib']:.0f}" for k in ks if (k, variant, j) in by)
        line = (f"memory: {variant}: peak {peaks} MiB for K = {', '.join(map(str, ks))}; "
                f"{slope:+.2f} MiB per student from K = {k1} to {kmax}")
        if variant != "stock":
            line += (f" -> target 'flat in K' (<= {FLAT_MIB_PER_STUDENT:g} MiB per student): "
                     f"{'met' if slope <= FLAT_MIB_PER_STUDENT else 'MISSED'}")
        print(("target: " if variant != "stock" else "") + line)


def plot(rows, path, jobs_main):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9, 3.6))
    runs = list(dict.fromkeys((r["variant"], r["jobs"]) for r in rows))
    styles = {"stock": "s-", "ours": "o-", "ours-no-sandbox": "^--"}
    for variant, jobs in runs:
        rs = [r for r in rows if (r["variant"], r["jobs"]) == (variant, jobs)]
        style = styles.get(variant, "x:") if variant == "stock" or jobs == jobs_main else "d:"
        label = "stock nbgrader autograde" if variant == "stock" else f"{variant} --jobs {jobs}"
        ax_t.plot([r["K"] for r in rs], [r["notebooks_per_s"] for r in rs], style, label=label)
        ax_m.plot([r["K"] for r in rs], [r["peak_rss_mib"] for r in rs], style, label=label)
    ax_t.set(xlabel="students K", ylabel="notebooks per second", title="Throughput")
    ax_m.set(xlabel="students K", ylabel="MiB (peak summed RSS)", title="Peak memory of the process tree")
    for ax in (ax_t, ax_m):
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
