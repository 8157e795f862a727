"""Benchmark of the hidden-state lab's connectivity: all rows of ||dy_t/dx_k||, next to torch autograd.

Prints (never asserts), for an LSTM with T = 200, H = 128 on one-hot sonnet characters (I = 62) and a
Linear readout (y_t = log-probability of the model's top prediction):

1. ``rnnviz.connectivity`` (float64: the engine's NumPy forward, then all T rows backpropagated
   together, one GEMM per step through torch.mm on the same memory), median of ``--repeat`` runs;
2. torch autograd in the same run and the same float64: one forward, then one ``autograd.grad`` per
   row t (``retain_graph=True``), and, where torch supports it, all rows at once with
   ``is_grads_batched=True`` (vmap over the T seeds);
3. the largest difference between the two arrays;
4. the same for GRU and vanilla RNN (H = 128), and for an LSTM of the page's shipped size (H = 64).

Run: ``python bench/bench_hidden.py [--repeat 7]``. Target: at most 100 ms for (1) on a quiet machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rnnviz  # noqa: E402
from rnnviz.hidden.influence import connectivity  # noqa: E402


def torch_rows(module, lin, x, batched: bool) -> np.ndarray:
    """The same (T, T) array with torch autograd, float64."""
    xr = x.clone().requires_grad_(True)
    h, _ = module(xr)
    z = lin(h)
    k = z.argmax(1)
    y = torch.log_softmax(z, 1)[torch.arange(len(k)), k]  # (T,)
    T = x.shape[0]
    if batched:
        (g,) = torch.autograd.grad(y, xr, grad_outputs=torch.eye(T, dtype=y.dtype), is_grads_batched=True)
        return g.norm(dim=2).numpy()  # (T, T, I) -> (T, T)
    C = np.zeros((T, T))
    for t in range(T):
        (g,) = torch.autograd.grad(y[t], xr, retain_graph=True)
        C[t] = g.norm(dim=1).numpy()
    return C


CPU_MS: list[float] = []
"""CPU time of this process for the last :func:`median_ms` (median): on a shared, oversubscribed machine the
wall time counts the time the process waited for a core; the CPU time of a one-thread run does not."""


def median_ms(fn, repeat: int) -> tuple[float, object]:
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU_MS.append(1000 * statistics.median(cpu))
    return 1000 * statistics.median(times), out


args_only_first = False


def main(repeat: int) -> None:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, numpy {np.__version__}, 1 thread each; median of {repeat}")
    print(f"{'cell':5s}{'T':>5s}{'H':>5s}{'I':>4s}{'rnnviz ms':>11s}{'torch loop ms':>15s}{'torch vmap ms':>15s}"
          f"{'max |diff|':>12s}{'cpu ms: rnnviz / torch loop':>30s}")
    V, T = 62, 200
    gen = torch.Generator().manual_seed(0)
    x = torch.nn.functional.one_hot(torch.randint(0, V, (T,), generator=gen), V).double()
    for cell, H in (("LSTM", 128), ("GRU", 128), ("RNN", 128), ("LSTM", 64)):
        module = rnnviz.build(cell, V, H, seed=1, dtype=torch.float64)
        torch.manual_seed(2)
        lin = torch.nn.Linear(H, V).double()
        ms, C = median_ms(lambda: connectivity(module, x, lin), repeat)
        cpu = CPU_MS[-1]
        ms_loop, R = median_ms(lambda: torch_rows(module, lin, x, batched=False), max(1, repeat // 3))
        cpu_loop = CPU_MS[-1]
        try:
            ms_vmap, R2 = median_ms(lambda: torch_rows(module, lin, x, batched=True), max(1, repeat // 3))
            vmap = f"{ms_vmap:15.1f}"
            diff = max(np.abs(C - R).max(), np.abs(C - R2).max())
        except RuntimeError as exc:  # vmap over a fused kernel's backward may be unsupported
            vmap = f"{'n/a':>15s}"
            diff = np.abs(C - R).max()
            print(f"  (torch is_grads_batched: {str(exc).splitlines()[0][:90]})")
        print(f"{cell:5s}{T:5d}{H:5d}{V:4d}{ms:11.1f}{ms_loop:15.1f}{vmap}{diff:12.1e}{cpu:17.1f} / {cpu_loop:.1f}",
              flush=True)
        if args_only_first:
            break


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--first", action="store_true", help="only the LSTM, T = 200, H = 128 row")
    a = ap.parse_args()
    args_only_first = a.first
    main(a.repeat)
