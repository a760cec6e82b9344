"""Time and peak memory of the reference self-attention: loop form vs matrix form.

    python benchmarks/bench_reference.py [--max-n 2048] [--repeats 3] [--out benchmarks/results]

The loop form computes one query at a time (``solutions.self_attention_loop``, built on
``attend``); the matrix form computes ``A = K.T @ Q`` at once (``solutions.self_attention``).
Both run side by side in this one process for each N, on the same inputs. Prints a table,
writes ``reference.csv`` and ``reference.png`` to the output folder.
"""

import argparse
import time
import tracemalloc
from pathlib import Path

from autograder.store import csv_safe
import numpy as np

from solutions import self_attention, self_attention_loop

D, D_K, D_V = 64, 32, 48


def measure(fn, args, repeats):
    """Best wall time of ``repeats`` runs, and the peak of memory traced during one run."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-n", type=int, default=2048, help="largest N (powers of 2 from 16)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per point; the best is kept")
    parser.add_argument("--loop-max-n", type=int, default=None,
                        help="largest N for the slow loop form (default: --max-n)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    if args.max_n < 16:
        parser.error(f"--max-n {args.max_n} is below the first N, 16")
    loop_max = args.loop_max_n or args.max_n
    args.out.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(0)
    Wq, Wk, Wv = rng.normal(size=(D_K, D)), rng.normal(size=(D_K, D)), rng.normal(size=(D_V, D))
    rows = []
    N = 16
    print(f"{'N':>6} {'matrix s':>10} {'loop s':>10} {'loop/matrix':>12} {'matrix MiB':>11} {'loop MiB':>9}")
    while N <= args.max_n:
        I = rng.normal(size=(D, N)) / np.sqrt(D)
        t_mat, m_mat = measure(self_attention, (I, Wq, Wk, Wv), args.repeats)
        if N <= loop_max:
            t_loop, m_loop = measure(self_attention_loop, (I, Wq, Wk, Wv), 1 if N >= 512 else args.repeats)
        else:
            t_loop, m_loop = float("nan"), float("nan")
        rows.append({"N": N, "matrix_s": t_mat, "loop_s": t_loop,
                     "matrix_peak_bytes": m_mat, "loop_peak_bytes": m_loop})
        print(f"{N:>6} {t_mat:>10.5f} {t_loop:>10.4f} {t_loop / t_mat:>12.1f} "
              f"{m_mat / 2**20:>11.2f} {m_loop / 2**20:>9.2f}", flush=True)
        N *= 2

    with open(args.out / "reference.csv", "w", newline="") as f:
        writer = csv_safe.dict_writer(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    Ns = [r["N"] for r in rows]
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9, 3.6))
    ax_t.loglog(Ns, [r["matrix_s"] for r in rows], "o-", label="matrix form $O = VA'$")
    ax_t.loglog(Ns, [r["loop_s"] for r in rows], "s-", label="loop form (one $b^i$ at a time)")
    ax_t.set(xlabel="N", ylabel="seconds (best run)", title="Time")
    ax_m.loglog(Ns, [r["matrix_peak_bytes"] / 2**20 for r in rows], "o-", label="matrix form")
    ax_m.loglog(Ns, [r["loop_peak_bytes"] / 2**20 for r in rows], "s-", label="loop form")
    ax_m.set(xlabel="N", ylabel="MiB (peak traced)", title="Peak memory")
    for ax in (ax_t, ax_m):
        ax.set_xscale("log", base=2)
        ax.legend(fontsize=8)
    fig.suptitle(f"Reference self-attention, d={D}, d_k={D_K}, d_v={D_V}")
    fig.tight_layout()
    fig.savefig(args.out / "reference.png", dpi=120)
    print(f"wrote {args.out / 'reference.csv'} and {args.out / 'reference.png'}")


if __name__ == "__main__":
    main()
