"""Book build times: cold (no cache), warm (nothing changed), and after editing one chapter.

    python benchmarks/bench_book.py [--chapter book/ch03-matrix-form.md] [--out benchmarks/results]

Works on a copy of the book's sources in a temporary folder, so the checkout is never
touched. Each build is `jupyter-book build <copy> -W`, run one after another in this one
process. Prints the three times, writes ``book.csv`` and ``book.png``.
Targets (issue 7): warm <= 15 s, one chapter edited <= 30 s.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.store import csv_safe
ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["_config.yml", "_toc.yml", "_ext", "book", "notebooks"]  # _ext: the local Sphinx extension
TARGETS = {"cold": None, "warm": 15.0, "one chapter edited": 30.0}


def build(copy, env):
    start = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(copy), "-W"],
                            env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("build failed:\n" + result.stdout[-3000:] + result.stderr[-3000:])
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="book/ch03-matrix-form.md", help="the page edited for the third build")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("MPLBACKEND", None)  # kernels need the inline backend for figures

    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        copy = Path(tmp) / "course"
        copy.mkdir()
        for name in SOURCES:
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name)
        times = {"cold": build(copy, env), "warm": build(copy, env)}
        page = copy / args.chapter
        page.write_text(page.read_text() + "\n\nOne more sentence, added by the benchmark.\n")
        times["one chapter edited"] = build(copy, env)

    print(f"{'build':<20} {'seconds':>8} {'target':>8}")
    for name, seconds in times.items():
        target = TARGETS[name]
        verdict = "" if target is None else ("  met" if seconds <= target else "  MISSED")
        print(f"{name:<20} {seconds:>8.1f} {('<= %g' % target) if target else '-':>8}{verdict}")
    with open(args.out / "book.csv", "w", newline="") as f:
        writer = csv_safe.writer(f)
        writer.writerow(["build", "seconds", "target_seconds"])
        for name, seconds in times.items():
            writer.writerow([name, f"{seconds:.2f}", TARGETS[name] or ""])

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(list(times), list(times.values()), color=["#888", "#4a8", "#48a"])
    for x, name in enumerate(times):
        if TARGETS[name]:
            ax.hlines(TARGETS[name], x - 0.4, x + 0.4, colors="red", linestyles="--")
    ax.set_ylabel("seconds")
    ax.set_title("jupyter-book build -W (red: target)")
    fig.tight_layout()
    fig.savefig(args.out / "book.png", dpi=120)
    print(f"wrote {args.out / 'book.csv'} and {args.out / 'book.png'}")


if __name__ == "__main__":
    main()
