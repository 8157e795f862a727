"""Run small per-step matrix-vector products on one BLAS thread.

The recurrences in :mod:`rnnviz.bptt` do ``T`` small mat-vecs (``(G*H, H) @ (H,)``) in a Python
loop. OpenBLAS splits such a product over all cores, and the thread hand-off costs more than
the product: measured here on 2 cores, an LSTM trace with T=500, H=128 took 117 ms on one BLAS
thread and 200-840 ms with the default two (the larger figure while other processes were busy).
:func:`one_blas_thread` sets OpenBLAS's *thread-local* thread count (OpenBLAS >= 0.3.27), so
other threads, and other Streamlit sessions, are unaffected. Where NumPy is not linked to such
an OpenBLAS (other BLAS, older builds) it does nothing.
"""
from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import numpy as np


@lru_cache(maxsize=1)
def _set_local():
    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs_dir, "*openblas*.so*"))):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes = [ctypes.c_int]
        fn.restype = ctypes.c_int
        return fn
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within the block, BLAS calls made by this thread use a single thread."""
    fn = _set_local()
    if fn is None:
        yield
        return
    previous = fn(1)
    try:
        yield
    finally:
        fn(previous if previous > 0 else 0)


@contextmanager
def torch_one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block, then restore the previous count.

    rnnviz's models are tiny: measured here on the shared 2-core machine, two torch threads
    made the same 60 GRU training steps take 12.7 s instead of 0.8 s, and a seq2seq run 51 s
    instead of 7.5 s, the threads spinning while they wait for each other. Unlike the BLAS
    setting above, ``torch.set_num_threads`` is process-wide, so the app sets one thread once
    at start-up (``app.py``) and this context manager is then a no-op there; it matters in
    notebooks and scripts.
    """
    import torch

    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
