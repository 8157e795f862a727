"""Benchmark of the gates page: training time and accuracy per model, and analysis latency.

Prints (never asserts):

1. for each task x cell: a fresh training run with the shipped recipe (steps, seconds on one
   thread, held-out accuracy) next to the accuracy of the shipped weights; recall also by gap;
2. the latency of one page analysis (:func:`rnnviz.labs.gates.analyse`: three traces, the
   gradient paths, the bias experiment), median of 5.

Run: ``python bench/bench_gates.py [--no-train]``. Nothing is written to ``rnnviz/weights``.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import gates as G  # noqa: E402
from rnnviz.labs import gates as L  # noqa: E402


def main(train: bool) -> None:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread")
    print(f"{'task':7s}{'cell':6s}{'steps':>7s}{'train s':>9s}{'acc (new)':>11s}{'acc (shipped)':>15s}  metric")
    metric = {"recall": f"recall at gap {G.GAP_MAX}", "depth": "depth, every step", "lm": "next char (val)"}
    for task in G.TASKS:
        for cell in G.CELLS:
            shipped = G.evaluate(G.load(task, cell), task)
            if train:
                _, rep = G.train(task, cell)
                row = f"{rep.steps:7d}{rep.seconds:9.1f}{rep.accuracy:11.3f}"
            else:
                row = f"{'-':>7s}{'-':>9s}{'-':>11s}"
            print(f"{task:7s}{cell:6s}{row}{shipped:15.3f}  {metric[task]}", flush=True)
    print("\nrecall accuracy of the shipped models by gap (1000 sequences each):")
    gaps = (0, 10, 25, 50, 75, 100, 150)
    print("cell  " + "".join(f"{g:>7d}" for g in gaps))
    for cell in G.CELLS:
        m = G.load("recall", cell)
        print(f"{cell:6s}" + "".join(f"{G.recall_accuracy(m, g):7.3f}" for g in gaps))
    print("\nsonnets LM, shipped: " + ", ".join(
        f"{c} {a:.3f} acc / {b:.3f} bits/char" for c in G.CELLS for a, b in [G.lm_accuracy(G.load('lm', c))]))

    print("\npage analysis latency (lab.analyse, median of 5):")
    for task in G.TASKS:
        models = {c: G.load(task, c) for c in G.CELLS}
        for cell in ("LSTM", "GRU"):
            fresh = G.new_model(task, cell, seed=100)
            cfg = L.GatesConfig(gt_task=task, gt_cell=cell, gt_fbias=1.0)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                res = L.analyse(cfg, models, fresh)
                times.append(time.perf_counter() - t0)
            print(f"  {task:7s}{cell:5s} T={len(res.text):4d} H={res.trace.H:3d}: {1000 * statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main(train="--no-train" not in sys.argv)
