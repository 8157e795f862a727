r"""Small trained LSTM / GRU / vanilla-RNN sequence models whose gates do a readable job.

A model is a one-layer ``torch.nn`` recurrent module (``nn.LSTM``, ``nn.GRU`` or ``nn.RNN``
with tanh) on one-hot characters, followed by a linear readout:

.. math::
    h_t = \mathrm{cell}(x_t, h_{t-1}), \qquad \hat y_t = \mathrm{softmax}(W_{out} h_t + b_{out})

Three tasks (see :mod:`rnnviz.tasks`):

- ``"recall"``: report the symbol flagged by ``*`` at the query ``?`` after a gap of
  distractors (classes ``abcd``, loss and accuracy at the last step only);
- ``"depth"``: the bracket nesting depth at every step (classes ``0..8``);
- ``"lm"``: next character of Shakespeare's sonnets (62 characters).

Shapes: inputs are one-hot ``(T, B, V)`` (or ``(T, V)`` for one sequence), logits
``(T, B, C)``. The recurrent module is ``model.rnn``; pass it to :func:`rnnviz.trace` with
the one-hot input to get every gate and state.

Gradient paths (the "why the LSTM does not forget" plot):

.. math::
    \left.\frac{\partial c_T}{\partial c_t}\right|_{\text{cell path}} = \prod_{k=t+1}^{T} f_k
    \qquad\text{vs.}\qquad
    \frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} \mathrm{diag}(\tanh'(a_k))\, W_{hh}

(the first elementwise, per unit; for the GRU the carry gate is :math:`z_k`, since
:math:`h_k = (1-z_k)\odot n_k + z_k\odot h_{k-1}`).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

from rnnviz import tasks as tk
from rnnviz._blas import torch_one_thread
from rnnviz import zoo
from rnnviz.zoo import WEIGHTS_DIR
from rnnviz.charmodel import CharRNN, CharRNNConfig
from rnnviz.gates_spec import (  # noqa: F401 (the tasks' sizes, light to import; re-exported here)
    CELLS, DEPTH_LEN, GAP_MAX, LM_LEN, SPECS, TASKS, TRAIN_SEED, TaskSpec, _lm_vocab)

ProgressFn = Callable[[float, str], None]
"""``progress(fraction_done, message)`` called during training."""


def new_model(task: str, cell: str, seed: int = 0) -> CharRNN:
    """An untrained :class:`rnnviz.charmodel.CharRNN` with the sizes of ``task`` (initialised from ``seed``)."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    spec = SPECS[task]
    return CharRNN(CharRNNConfig(cell, len(spec.vocab), spec.hidden, n_out=len(spec.classes), vocab=spec.vocab,
                                 init_seed=seed))


# ---------------------------------------------------------------- training
one_thread = torch_one_thread
"""Training and evaluation run on one torch thread (see :func:`rnnviz._blas.torch_one_thread`)."""


@dataclass
class TrainReport:
    """What a training run did: steps, wall time, final loss and the task's accuracy."""

    task: str
    cell: str
    steps: int
    seconds: float
    loss: float
    accuracy: float
    history: list[float] = field(default_factory=list)


def _lm_ids() -> tuple[np.ndarray, np.ndarray]:
    """Encoded sonnets split 90 % train / 10 % validation (the last 10 %), ``(N,)`` each."""
    from rnnviz.data import load_sonnets

    ids = tk.encode(load_sonnets(), SPECS["lm"].vocab)
    cut = int(0.9 * len(ids))
    return ids[:cut], ids[cut:]


def recall_gap(rng: np.random.Generator) -> int:
    """A training gap: with probability 1/2 a short one (``0..10``), else uniform in ``0..GAP_MAX``.

    The short half lets every cell learn *what* to store; the long half asks it to hold it.
    The same sampling is used for every cell."""
    hi = 10 if rng.random() < 0.5 else GAP_MAX
    return int(rng.integers(0, hi + 1))


def _batch(task: str, rng: np.random.Generator, spec: TaskSpec, train_ids=None):
    """One training batch: one-hot x ``(T, B, V)``, targets and the positions the loss uses."""
    V = len(spec.vocab)
    if task == "recall":
        gap = recall_gap(rng)
        b = tk.recall_batch(spec.batch, gap, lead=int(rng.integers(0, 3)), seed=rng)
        return torch.from_numpy(tk.one_hot(b.x, V)), torch.from_numpy(b.y), "last"
    if task == "depth":
        x, d = tk.depth_batch(spec.batch, DEPTH_LEN, seed=rng)
        return torch.from_numpy(tk.one_hot(x, V)), torch.from_numpy(d), "all"
    x, y = tk.lm_batch(train_ids, spec.batch, LM_LEN, seed=rng)
    return torch.from_numpy(tk.one_hot(x, V)), torch.from_numpy(y), "all"


def _loss(logits: torch.Tensor, y: torch.Tensor, where: str) -> torch.Tensor:
    if where == "last":
        return nn.functional.cross_entropy(logits[-1], y)  # (B, C) vs (B,)
    C = logits.shape[-1]
    return nn.functional.cross_entropy(logits.reshape(-1, C), y.reshape(-1))  # (T*B, C) vs (T*B,)


def train(task: str, cell: str, *, steps: int | None = None, seed: int | None = None,
          time_limit: float = 60.0, progress: ProgressFn | None = None) -> tuple[CharRNN, TrainReport]:
    """Train a fresh model on ``task`` with Adam and gradient clipping (norm 1).

    Args:
        task, cell: see :data:`TASKS`, :data:`CELLS`.
        steps: optimiser steps (default: the task's ``SPECS[task].steps``).
        seed: seeds the initialisation and the data stream (default ``TRAIN_SEED[task]``),
            so a run is reproducible when it is not cut by ``time_limit``.
        time_limit: stop after this many seconds of wall time (a safety net).
        progress: called as ``progress(fraction, message)`` every few steps.

    Returns: the trained model (eval mode) and a :class:`TrainReport` whose ``accuracy`` is
    :func:`evaluate` on held-out data.
    """
    with one_thread():
        return _train(task, cell, steps=steps, seed=seed, time_limit=time_limit, progress=progress)


def _train(task, cell, *, steps, seed, time_limit, progress):
    spec = SPECS[task]
    steps = spec.steps if steps is None else int(steps)
    seed = TRAIN_SEED[task] if seed is None else int(seed)
    model = new_model(task, cell, seed=seed)
    rng = np.random.default_rng(seed)
    train_ids = _lm_ids()[0] if task == "lm" else None
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, steps), eta_min=spec.lr * 0.05)
    model.train()
    t0 = time.perf_counter()
    history: list[float] = []
    done = 0
    for step in range(steps):
        x, y, where = _batch(task, rng, spec, train_ids)
        loss = _loss(model(x)[0], y, where)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        history.append(float(loss.detach()))
        done = step + 1
        if progress is not None and (step % 20 == 0 or done == steps):
            progress(done / steps, f"{cell} on {task}: step {done}/{steps}, loss {history[-1]:.3f}")
        if time.perf_counter() - t0 > time_limit:
            if progress is not None:
                progress(1.0, f"{cell} on {task}: stopped at the {time_limit:.0f} s limit after {done} steps")
            break
    seconds = time.perf_counter() - t0
    model.eval()
    acc = evaluate(model, task)
    return model, TrainReport(task, cell, done, seconds, history[-1], acc, history)


# ---------------------------------------------------------------- evaluation
@torch.no_grad()
def recall_accuracy(model: CharRNN, gap: int, *, n: int = 1000, seed: int = 12345) -> float:
    """Fraction of ``n`` fresh recall sequences with gap ``gap`` answered correctly at ``?``."""
    b = tk.recall_batch(n, gap, lead=1, seed=seed)
    logits, _ = model(torch.from_numpy(tk.one_hot(b.x, len(model.vocab))))  # (T, n, 4)
    return float((logits[-1].argmax(-1).numpy() == b.y).mean())


@torch.no_grad()
def depth_accuracy(model: CharRNN, *, n: int = 500, length: int = DEPTH_LEN, seed: int = 12345) -> float:
    """Per-step accuracy of the predicted depth over ``n`` fresh strings of ``length`` characters."""
    x, d = tk.depth_batch(n, length, seed=seed)
    logits, _ = model(torch.from_numpy(tk.one_hot(x, len(model.vocab))))  # (T, n, 9)
    return float((logits.argmax(-1).numpy() == d).mean())


@torch.no_grad()
def lm_accuracy(model: CharRNN, *, max_chars: int = 6000) -> tuple[float, float]:
    """Next-character accuracy and cross-entropy (bits/char) on the held-out 10 % of the sonnets.

    The validation text is cut into windows of ``LM_LEN`` characters (each window starts from
    a zero state, as in training).
    """
    ids = _lm_ids()[1][: max_chars + 1]
    n = (len(ids) - 1) // LM_LEN
    x = ids[: n * LM_LEN].reshape(n, LM_LEN).T  # (T, n)
    y = ids[1: n * LM_LEN + 1].reshape(n, LM_LEN).T  # (T, n)
    logits, _ = model(torch.from_numpy(tk.one_hot(x, len(model.vocab))))  # (T, n, V)
    acc = float((logits.argmax(-1).numpy() == y).mean())
    ce = float(nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1)))
    return acc, ce / math.log(2)


def evaluate(model: CharRNN, task: str) -> float:
    """The headline accuracy of ``task``: recall at ``GAP_MAX``, depth per step, lm next char."""
    with one_thread():
        if task == "recall":
            return recall_accuracy(model, GAP_MAX)
        if task == "depth":
            return depth_accuracy(model)
        return lm_accuracy(model)[0]


# ---------------------------------------------------------------- weights
def weights_path(task: str, cell: str) -> Path:
    """``rnnviz/weights/gates_<task>_<cell>.pt``."""
    return WEIGHTS_DIR / f"gates_{task}_{cell.lower()}.pt"


def save(model: CharRNN, path: Path) -> None:
    """Save the plain ``state_dict`` (float32)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, path)


def load(task: str, cell: str, path: Path | None = None) -> CharRNN:
    """Shipped weights through :func:`rnnviz.zoo.load` (the one safe loader); ``FileNotFoundError`` if absent.

    Raises :class:`rnnviz.checkpoint.CheckpointError` (a ``ValueError``) if the file does not fit.
    """
    path = weights_path(task, cell) if path is None else Path(path)
    return zoo.load(f"gates_{task}_{cell.lower()}.pt", path)


def get_model(task: str, cell: str, progress: ProgressFn | None = None) -> tuple[CharRNN, str]:
    """The shipped model if its weights file exists, else one trained now (first-use path).

    Returns ``(model, source)`` with ``source`` ``"shipped"`` or ``"trained"``.
    """
    try:
        return load(task, cell), "shipped"
    except FileNotFoundError:
        model, _ = train(task, cell, progress=progress)
        return model, "trained"


def as_float64(model: CharRNN) -> CharRNN:
    """A float64 copy (the engine and the displayed numbers are float64)."""
    import copy

    return copy.deepcopy(model).double().eval()


@torch.no_grad()
def shift_carry_bias(model: CharRNN, delta: float) -> CharRNN:
    r"""A copy with the forget (LSTM) / update (GRU) gate bias shifted: :math:`b_{ih}[H:2H] \mathrel{+}= \delta`.

    In torch's gate order both the LSTM ``f`` and the GRU ``z`` block are rows ``H:2H``.
    A larger bias pushes the gate towards 1: more of the old state is kept. ``ValueError`` for RNN.
    """
    import copy

    if model.cell == "RNN":
        raise ValueError("the vanilla RNN has no forget gate")
    out = copy.deepcopy(model)
    H = out.rnn.hidden_size
    out.rnn.bias_ih_l0[H:2 * H] += delta
    return out.eval()


# ---------------------------------------------------------------- gradient paths
CARRY_GATE = {"LSTM": "f", "GRU": "z"}
"""The gate whose product carries the state: LSTM forget gate, GRU update gate."""


def carry_product(gate: np.ndarray) -> np.ndarray:
    r"""Per-unit products of a carry gate from each step to the end.

    .. math::
        P_t = \prod_{k=t+1}^{T} f_k \quad (t = 1..T,\ P_T = 1)

    which is :math:`\partial c_T/\partial c_t` along the cell path (the gates held fixed).

    Args:
        gate: ``(T, H)`` values of :math:`f_1..f_T` (or GRU :math:`z`).
    Returns: ``(T, H)``; row ``t-1`` is :math:`P_t`. Computed in log space, so it underflows
    to exactly 0 only when a gate is exactly 0.
    """
    gate = np.asarray(gate, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logs = np.log(gate)  # (T, H)
    # suffix sums of logs over k = t+1..T  ->  row t-1 (0-based t) sums logs[t:]
    suffix = np.zeros_like(logs)
    suffix[:-1] = np.cumsum(logs[::-1], axis=0)[::-1][1:]
    return np.exp(suffix)


def rnn_path_norm(tr) -> np.ndarray:
    r""":math:`\|\partial h_T/\partial h_t\|_2 = \|\prod_{k=t+1}^{T} \mathrm{diag}(\phi'(a_k)) W_{hh}\|_2` for t = 1..T.

    Args:
        tr: a :class:`rnnviz.trace.Trace` of a vanilla RNN.
    Returns: ``(T,)`` spectral norms (from the engine's :meth:`Trace.jacobian_norms`).
    """
    if tr.kind != "RNN":
        raise ValueError("rnn_path_norm is for a vanilla RNN trace")
    return np.asarray(tr.jacobian_norms()["spec"], dtype=np.float64)


def unit_horizons(product: np.ndarray, threshold: float = math.exp(-1)) -> np.ndarray:
    r"""Per-unit memory horizon: steps back until :math:`P_{t,j}` falls below ``threshold``.

    Args:
        product: ``(T, H)`` from :func:`carry_product`.
    Returns: ``(H,)`` float; ``inf`` for a unit that keeps more than ``threshold`` over the whole text.
    """
    product = np.asarray(product, dtype=np.float64)
    return np.array([memory_horizon(product[:, j], threshold) for j in range(product.shape[1])])


def memory_horizon(product: np.ndarray, threshold: float = math.exp(-1)) -> float:
    r"""Steps back until the unit-averaged carry product falls below ``threshold`` (``1/e``).

    Args:
        product: ``(T, H)`` from :func:`carry_product` (or ``(T,)``).
    Returns: the smallest lag ``T - t`` with ``mean_j P_{t,j} < threshold``, or ``inf`` if it
    never falls that low within the sequence.
    """
    mean = np.asarray(product, dtype=np.float64)
    if mean.ndim == 2:
        mean = mean.mean(axis=1)
    below = np.nonzero(mean[::-1] < threshold)[0]  # lag = index in the reversed array
    return float(below[0]) if below.size else math.inf
