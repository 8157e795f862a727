"""Benchmark: rnnviz.trace (NumPy float64 forward + hand BPTT + autograd for the loss) against
fused torch forward+backward (nn.RNN / nn.LSTM / nn.GRU) on one sequence. Prints, never asserts.

Targets (issue 2): LSTM T=500 H=128 within 2x of fused nn.LSTM forward+backward; the vanilla
RNN faster than fused nn.RNN.

    python bench/bench_trace.py [--repeats 15]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rnnviz
from rnnviz.models import build


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def torch_fused(module, x):
    def run():
        module.zero_grad(set_to_none=True)
        out, _ = module(x)
        out[-1].sum().backward()
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; median of {args.repeats} runs, ms")
    print(f"{'cell':5} {'T':>4} {'H':>4} | {'rnnviz.trace':>12} | {'torch f32':>9} {'ratio':>6} | {'torch f64':>9} {'ratio':>6}")
    for cell in ("RNN", "LSTM", "GRU"):
        for T in (100, 500):
            for H in (64, 128):
                m64 = build(cell, 32, H, seed=0, dtype=torch.float64)
                m32 = build(cell, 32, H, seed=0, dtype=torch.float32)
                x64 = torch.randn(T, 32, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
                x32 = x64.float()
                ours = median_ms(lambda: rnnviz.trace(m64, x64), args.repeats)
                t32 = median_ms(torch_fused(m32, x32), args.repeats)
                t64 = median_ms(torch_fused(m64, x64), args.repeats)
                print(f"{cell:5} {T:4d} {H:4d} | {ours:12.2f} | {t32:9.2f} {ours / t32:6.2f} | {t64:9.2f} {ours / t64:6.2f}")
    print("ratio = rnnviz.trace time / torch time (below 1: rnnviz is faster)")


if __name__ == "__main__":
    main()
