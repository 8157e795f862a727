r"""The train-live lab: page settings -> a :class:`rnnviz.train.TrainConfig`, and a runner snapshot -> what is drawn.

Pure functions (no Streamlit): the page reads its widgets into :class:`TrainLiveConfig`, starts a
:class:`rnnviz.train_runner.TrainingRunner` with :meth:`TrainLiveConfig.train_config`, and every half
second turns ``runner.snapshot()`` into a :class:`LiveView` with :func:`live_view` for the plots.

What is plotted (the equations shown on the page, :data:`LATEX`):

- the training loss per step and its exponential moving average
  :math:`\bar L_n = \beta \bar L_{n-1} + (1-\beta) L_n` (bias-corrected, :math:`\beta = 0.9`);
- LM: validation perplexity :math:`\exp(\bar L_{\mathrm{val}})`; names: test accuracy and confusion matrix;
- the global gradient norm before clipping :math:`\|g\|_2` per step, clipped steps marked;
- :math:`\log_{10}\big(\sum_b \|\partial L/\partial h^{(b)}_t\|^2\big)^{1/2}` on the probe batch, per
  timestep (y) and training step (x).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rnnviz.train_config import CELLS, OPTIMIZERS, TASKS, TrainConfig, check_text_fits
from rnnviz.text import quote

CLIP_OPTIONS = ("off", "0.1", "0.25", "0.5", "1", "2", "5", "10")
LR_OPTIONS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0)
BATCH_OPTIONS = (1, 2, 4, 8, 16, 32, 64, 128)
HIDDEN_OPTIONS = (8, 16, 32, 64, 128, 256)
CORPORA = ("sonnets", "pasted")
MAX_TEXT_CHARS = 20000
MAX_POINTS = 1500
"""Line charts keep at most this many points (every k-th step, clipped steps always kept)."""

LATEX = [
    r"h^{(l)}_t = \mathrm{cell}\big(h^{(l-1)}_t, h^{(l)}_{t-1}\big),\quad z_t = W_o h^{(L)}_t + b_o,\quad "
    r"p_\theta(\cdot \mid x_{\le t}) = \mathrm{softmax}(z_t / \tau)",
    r"L_{\mathrm{LM}} = -\frac{1}{kB}\sum_{b=1}^{B}\sum_{t=1}^{k}\log p_\theta\big(x^{(b)}_{t+1}\mid x^{(b)}_{\le t}\big),"
    r"\qquad \mathrm{PPL} = \exp\big(\bar L_{\mathrm{val}}\big)",
    r"L_{\mathrm{names}} = -\frac{1}{B}\sum_{b=1}^{B}\log \mathrm{softmax}\big(W_o h^{(b)}_{T_b} + b_o\big)_{y_b}",
    r"\|g\|_2 = \Big(\sum_{p}\big\|\tfrac{\partial L}{\partial p}\big\|_2^2\Big)^{1/2},\qquad "
    r"g \leftarrow g\,\min\!\Big(1, \frac{c}{\|g\|_2}\Big)",
    r"\mathrm{heatmap}(n, t) = \log_{10}\Big(\sum_{b \in \mathrm{probe}}\Big\|\frac{\partial L}{\partial h^{(b)}_t}\Big\|_2^2\Big)^{1/2}"
    r"\ \text{at training step } n",
]


# Presets: {name: (label key, help key, {widget key: value})}; every preset sets the seed.
PRESET_BASE = {"tl_task": "lm", "tl_cell": "LSTM", "tl_hidden": 64, "tl_layers": 1, "tl_bptt": 32,
               "tl_batch": 32, "tl_lr": 0.003, "tl_optimizer": "Adam", "tl_clip": "1", "tl_seed": 0}
"""The page's default setting (the fields of :class:`TrainLiveConfig`); the "LSTM + Adam" preset."""
PRESETS = {
    "explode": ("train_live.preset_explode", "train_live.preset_explode_help",
                {**PRESET_BASE, "tl_cell": "RNN", "tl_optimizer": "SGD", "tl_lr": 2.0, "tl_clip": "off", "tl_bptt": 64}),
    "clip": ("train_live.preset_clip", "train_live.preset_clip_help",
             {**PRESET_BASE, "tl_cell": "RNN", "tl_optimizer": "SGD", "tl_lr": 2.0, "tl_clip": "1", "tl_bptt": 64}),
    "lstm": ("train_live.preset_lstm", "train_live.preset_lstm_help", PRESET_BASE),
    "names": ("train_live.preset_names", "train_live.preset_names_help",
              {**PRESET_BASE, "tl_task": "names", "tl_cell": "GRU", "tl_hidden": 128, "tl_batch": 64}),
}


@dataclass
class TrainLiveConfig:
    """The page's settings; widget keys are ``tl_<field>``."""

    task: str = "lm"  # "lm" (character language model) or "names" (surname -> language)
    cell: str = "LSTM"  # "RNN", "LSTM", "GRU"
    hidden: int = 64  # hidden units per layer
    layers: int = 1  # 1 or 2
    bptt: int = 32  # truncated-BPTT length (LM)
    batch: int = 32  # sequences per step
    lr: float = 0.003  # learning rate
    optimizer: str = "Adam"  # "SGD" or "Adam"
    clip: str = "1"  # clipping threshold as text, or "off"
    seed: int = 0  # seeds weights, batches, probe batch
    max_steps: int = 3000  # the run stops by itself after this many steps
    corpus: str = "sonnets"  # LM text: "sonnets" or "pasted"
    text: str = ""  # the pasted text (corpus="pasted")
    temperature: float = 0.8  # sampling temperature for the generated text (LM)
    name: str = "Nakamura"  # a typed name, classified character by character (names)

    def train_config(self) -> TrainConfig:
        """The :class:`TrainConfig` of this setting; ``ValueError`` with a readable message if impossible."""
        if self.task not in TASKS:
            raise ValueError(f"unknown task {quote(self.task)}")
        if self.cell not in CELLS or self.optimizer not in OPTIMIZERS:
            raise ValueError("unknown cell or optimiser")
        text = None
        if self.task == "lm" and self.corpus == "pasted":
            if len(self.text) > MAX_TEXT_CHARS:
                raise ValueError(f"the pasted text has {len(self.text)} characters, at most {MAX_TEXT_CHARS} are used")
            text = check_text_fits(self.text, int(self.batch), int(self.bptt))  # said when pasted, not at Start
        return TrainConfig(task=self.task, cell=self.cell, hidden_size=int(self.hidden), layers=int(self.layers),
                           bptt=int(self.bptt), batch_size=int(self.batch), lr=float(self.lr),
                           optimizer=self.optimizer, clip=parse_clip(self.clip), seed=int(self.seed),
                           max_steps=int(self.max_steps), text=text,
                           # names: one evaluation (1,441 test names) costs ~10-20 steps; a larger budget
                           # gives the accuracy curve and confusion matrix a point every few seconds
                           eval_overhead=0.06 if self.task == "names" else TrainConfig.eval_overhead).validate()


def parse_clip(value: str) -> float | None:
    """``"off"`` -> ``None``; a positive number as text -> float; else ``ValueError``."""
    v = str(value).strip().lower()
    if v in ("off", "", "none", "0"):
        return None
    try:
        c = float(v)
    except ValueError:
        raise ValueError(f"clipping threshold must be 'off' or a positive number, got {quote(value)}") from None
    if not (math.isfinite(c) and c > 0):
        raise ValueError(f"clipping threshold must be 'off' or a positive number, got {quote(value)}")
    return c


def ema(x, beta: float = 0.9) -> np.ndarray:
    r"""Bias-corrected exponential moving average: :math:`m_n = \beta m_{n-1} + (1-\beta)x_n`, :math:`\hat m_n = m_n/(1-\beta^n)`.

    Non-finite values are skipped (the average holds its last value)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    m, w = 0.0, 0.0
    for i, v in enumerate(x):
        if math.isfinite(v):
            m = beta * m + (1 - beta) * v
            w = beta * w + (1 - beta)
        out[i] = m / w if w > 0 else np.nan
    return out


def decimate(n: int, max_points: int = MAX_POINTS, keep=None) -> np.ndarray:
    """Indices ``0..n-1`` thinned to about ``max_points`` (every k-th, the last always kept, plus ``keep``)."""
    if n <= max_points:
        idx = np.arange(n)
    else:
        k = math.ceil(n / max_points)
        idx = np.unique(np.r_[np.arange(0, n, k), n - 1])
    if keep is not None and len(keep):
        idx = np.union1d(idx, np.asarray(keep, dtype=np.int64))
    return idx


@dataclass
class LiveView:
    """Arrays ready to draw (all NumPy); built by :func:`live_view` from a runner snapshot."""

    state: str  # runner state: idle, running, paused, stopping, stopped, finished, error
    task: str  # "lm" or "names"
    step: int  # steps done
    steps: np.ndarray  # (n,) step numbers shown on the line charts (thinned)
    loss: np.ndarray  # (n,) training loss at those steps
    loss_ema: np.ndarray  # (n,) moving average of the loss (computed on every step, then thinned)
    grad_norm: np.ndarray  # (n,) global gradient norm before clipping
    clipped_steps: np.ndarray  # steps where the norm exceeded the threshold (all of them)
    clipped_norms: np.ndarray  # their norms
    n_clipped: int  # number of clipped steps
    nonfinite_steps: np.ndarray  # steps whose gradient norm was inf/nan
    eval_steps: np.ndarray  # steps at which evaluation ran
    eval_loss: np.ndarray  # validation/test loss at those steps
    eval_metric: np.ndarray  # LM: validation perplexity; names: test accuracy
    confusion: np.ndarray | None  # names: last (C, C) confusion matrix
    probe_steps: np.ndarray  # (m,) steps at which the probe ran
    probe: np.ndarray | None  # (layers, T, m) per-timestep gradient norms
    chars_per_s: float  # training throughput (characters per second of training time)
    train_time: float  # seconds spent training
    classes: tuple = field(default_factory=tuple)  # names: the languages


def live_view(snap: dict, task: str, max_points: int = MAX_POINTS) -> LiveView:
    """Turn ``TrainingRunner.snapshot()`` into drawable arrays (pure, no copy of the model)."""
    loss = np.asarray(snap["loss"], dtype=np.float64)
    gn = np.asarray(snap["grad_norm"], dtype=np.float64)
    steps = np.asarray(snap["steps"], dtype=np.int64)
    clipped = np.asarray(snap["clipped"], dtype=bool)
    n = len(loss)
    nonfinite = ~np.isfinite(gn)
    idx = decimate(n, max_points)
    evals = snap["evals"]
    if task == "lm":
        metric = np.array([e["ppl"] for e in evals], dtype=np.float64)
        confusion = None
    else:
        metric = np.array([e["accuracy"] for e in evals], dtype=np.float64)
        confusion = evals[-1]["confusion"] if evals else None
    probe = np.stack(snap["probe"], axis=-1) if snap["probe"] else None  # (L, T, m)
    t = snap["train_time"]
    return LiveView(
        state=snap["state"], task=task, step=snap["step"], steps=steps[idx], loss=loss[idx], loss_ema=ema(loss)[idx],
        grad_norm=gn[idx], clipped_steps=steps[clipped], clipped_norms=gn[clipped], n_clipped=int(clipped.sum()),
        nonfinite_steps=steps[nonfinite], eval_steps=np.asarray(snap["eval_step"], dtype=np.int64),
        eval_loss=np.array([e["loss"] for e in evals], dtype=np.float64), eval_metric=metric, confusion=confusion,
        probe_steps=np.asarray(snap["probe_step"], dtype=np.int64), probe=probe,
        chars_per_s=snap["chars"] / t if t > 0 else 0.0, train_time=t, classes=tuple(snap.get("classes", ())),
    )


def top_classes(probs: np.ndarray, classes, k: int = 3) -> list[tuple[str, float]]:
    """The ``k`` most probable classes after the whole name: ``[(language, probability), ...]``."""
    last = probs[-1]
    order = np.argsort(-last)[:k]
    return [(classes[i], float(last[i])) for i in order]
