"""Benchmark: the train-live gradient probe, batched engine vs one rnnviz.trace per sequence.

The probe (``rnnviz.train.probe_grad_norms``) gives ``(sum_b ||dL/dh_t^(b)||^2)^(1/2)`` for every
step of a fixed batch. It runs the whole batch through the engine at once (``rnnviz.network.run``);
the baseline, measured in the same run, is what the probe did before: ``rnnviz.trace`` on each
sequence of the batch in a Python loop, with that sequence's share of the batch loss.
Both give the same numbers (checked here to 1e-9). Prints, never asserts.

    python bench/bench_probe.py [--repeats 15]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rnnviz  # noqa: E402
from rnnviz import train as T  # noqa: E402


def per_sequence(model, x, y, task):
    """The previous probe: one rnnviz.trace per sequence (one layer only)."""
    Tn, B = x.shape
    W, bias = model.readout.weight.detach().double(), model.readout.bias.detach().double()
    sq = np.zeros(Tn)
    for b in range(B):
        xb = F.one_hot(x[:, b], model.vocab_size).double()
        if task == "lm":
            loss = lambda hs, yb=y[:, b]: F.cross_entropy(hs @ W.T + bias, yb, reduction="sum") / (Tn * B)  # noqa: E731
        else:
            loss = lambda hs, yb=y[b:b + 1]: F.cross_entropy(hs[-1:] @ W.T + bias, yb, reduction="sum") / B  # noqa: E731
        sq += rnnviz.trace(model.rnn, xb, loss=loss).grad_norm ** 2
    return np.sqrt(sq)[None, :]


def cpu_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1e3)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"CPU ms of this process (median / min of {args.repeats}); batched = rnnviz.network, loop = trace per sequence")
    print(f"{'task':5} {'cell':4} {'H':>4} {'T':>3} {'B':>3} | {'batched':>15} | {'loop':>15} | ratio")
    for task, Tn, B in (("lm", 32, 8), ("names", 7, 8), ("lm", 64, 32)):
        for cell in T.CELLS:
            for H in (64, 128):
                torch.manual_seed(0)
                V, n_out = 62, (62 if task == "lm" else 20)
                model = T.CharRNN(T.CharRNNConfig(cell, V, H, 1, n_out))
                x = torch.randint(0, V, (Tn, B))
                y = torch.randint(0, n_out, (Tn, B) if task == "lm" else (B,))
                a, b = T.probe_grad_norms(model, x, y, task), per_sequence(model, x, y, task)
                assert np.allclose(a, b, rtol=1e-9, atol=1e-12)
                fast = cpu_ms(lambda: T.probe_grad_norms(model, x, y, task), args.repeats)
                slow = cpu_ms(lambda: per_sequence(model, x, y, task), args.repeats)
                print(f"{task:5} {cell:4} {H:4d} {Tn:3d} {B:3d} | {fast[0]:7.2f} / {fast[1]:5.2f} | "
                      f"{slow[0]:7.2f} / {slow[1]:5.2f} | {fast[0] / slow[0]:.2f}", flush=True)
    print("ratio = batched / loop (below 1: the batched engine is faster)")


if __name__ == "__main__":
    main()
