"""Benchmark of the attention page's models: prints figures, never asserts.

    python bench/bench_attention.py            # accuracy + per-step training cost + decoding latency
    python bench/bench_attention.py --full dot # also time one full training run of the shipped config

Accuracy: exact match of the shipped models on the fixed held-out set (2000 dates never used in
training), overall and by input length. Training time: ms per optimisation step (median of 3
chunks of 20 steps, one thread) x the shipped number of steps. The machine is shared: the load
average is printed with the timings.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz import seq2seq as S  # noqa: E402
from rnnviz import seq2seq_train as ST  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", choices=S.MODEL_KINDS, default=None)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"cores={os.cpu_count()} load average at start={os.getloadavg()[0]:.1f} torch={torch.__version__}")
    test = S.heldout(args.n)
    res = {}
    print(f"\nExact match on the held-out set ({args.n} dates never seen in training)")
    for kind in S.MODEL_KINDS:
        t0 = time.perf_counter()
        res[kind] = S.evaluate(S.load_shipped(kind), test)
        print(f"  {kind:8s} {100 * res[kind]['accuracy']:6.2f}%   (evaluated in {time.perf_counter() - t0:.2f} s)")
    bins = [b[0] for b in S.accuracy_by_length_bins(res["dot"])]
    print("\nBy input length (characters): exact match %")
    print("  " + "length".ljust(9) + "".join(k.rjust(9) for k in S.MODEL_KINDS) + "        n")
    for j, label in enumerate(bins):
        rows = [S.accuracy_by_length_bins(res[k])[j] for k in S.MODEL_KINDS]
        print("  " + label.ljust(9) + "".join(f"{100 * r[1]:9.1f}" for r in rows) + f"{rows[0][2]:9d}")

    print(f"\nTraining cost (batch {S.SHIPPED['dot'].batch}, {S.SHIPPED['dot'].steps} steps shipped, one thread)")
    for kind in S.MODEL_KINDS:
        cfg = S.SHIPPED[kind]
        chunks = []
        for c in range(3):
            small = S.TrainConfig(model=cfg.model, steps=20, batch=cfg.batch, lr=cfg.lr, seed=c)
            t0 = time.perf_counter()
            ST.train(small)
            chunks.append((time.perf_counter() - t0) / 20)
        ms = 1000 * float(np.median(chunks))
        print(f"  {kind:8s} {ms:7.1f} ms/step -> {ms * cfg.steps / 1000:6.1f} s for {cfg.steps} steps "
              f"(load {os.getloadavg()[0]:.1f})")

    print("\nDecoding one input with every intermediate recorded (what the page does per keystroke)")
    for kind in S.MODEL_KINDS:
        m = S.load_shipped(kind)
        S.decode(m, "Wednesday, March 3rd 2021")
        t0 = time.perf_counter()
        for _ in range(50):
            S.decode(m, "Wednesday, March 3rd 2021")
        print(f"  {kind:8s} {1000 * (time.perf_counter() - t0) / 50:6.2f} ms")

    if args.full:
        t0 = time.perf_counter()
        r = ST.train(S.SHIPPED[args.full])
        acc = S.evaluate(S.load_state_dict(r.state_dict, S.SHIPPED[args.full].model), test)["accuracy"]
        print(f"\nFull training of '{args.full}': {time.perf_counter() - t0:.1f} s, held-out exact match "
              f"{100 * acc:.2f}% (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
