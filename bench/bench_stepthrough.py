"""Timings of the step-through page's computations (prints figures, asserts nothing).

Run: ``python bench/bench_stepthrough.py``. Measures, per architecture pattern, the full
``rnnviz.labs.stepthrough.compute`` (hand forward + BPTT, torch autograd reference, engine
traces) at the largest size the page allows (T = 16 random steps, H = 4), the LaTeX of one
step and the four figures of one step; plus the training time of the shipped weights.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import stepthrough as S  # noqa: E402
from rnnviz.labs import stepthrough as L  # noqa: E402
from rnnviz.labs import stepthrough_latex as LT  # noqa: E402
from rnnviz.plots import stepthrough as P  # noqa: E402


def timeit(fn, n=5) -> float:
    fn()  # warm-up
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1e3


def main() -> None:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread; median of 5 runs, ms")
    print(f"{'pattern':<15}{'k':>3}{'compute':>10}{'latex fwd+bwd':>15}{'4 figures':>11}{'max|hand-autograd|':>20}")
    for pattern in S.PATTERNS:
        for k in (0, 4):
            cfg = L.StepConfig(st_input="random", st_length=S.MAX_STEPS, st_hidden=4, st_pattern=pattern,
                               st_weights="random", st_scale=2.0, st_k=k)
            res = L.compute(cfg)
            t_c = timeit(lambda: L.compute(cfg))
            t_l = timeit(lambda: (LT.forward_latex(res, 8), LT.backward_latex(res, 8)))
            t_f = timeit(lambda: (P.diagram(res, 8, "backward"), P.hidden_heatmap(res, 8), P.outputs_figure(res, 8),
                                  P.grad_figure(res, 8)), n=3)
            print(f"{pattern:<15}{k:>3}{t_c:>10.1f}{t_l:>15.1f}{t_f:>11.1f}{res.max_diff():>20.1e}")
    print()
    for H in range(1, S.MAX_HIDDEN + 1):
        _, info = S.train_next_letter(H, seed=0)
        print(f"train next-letter H={H}: {info['epochs']} epochs in {info['seconds']:.2f} s, "
              f"accuracy {info['accuracy']:.3f}, mean CE {info['loss']:.3f}")


if __name__ == "__main__":
    main()
