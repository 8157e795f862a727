r"""The configuration of a train-live run and the checks of its training text (no torch here).

:class:`TrainConfig` holds everything that defines a run of :class:`rnnviz.train.Trainer`; the
same seed and config give the same run. :func:`check_text` / :func:`check_text_fits` say in words
why a pasted language-model text cannot be used (:func:`min_text_length` is the exact bound).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rnnviz.text import quote

TASKS = ("lm", "names")
CELLS = ("RNN", "LSTM", "GRU")
OPTIMIZERS = ("SGD", "Adam")
MIN_TEXT = 200


@dataclass
class TrainConfig:
    """Everything that defines a training run (the same seed and config give the same run)."""

    task: str = "lm"  # "lm" (character language model) or "names" (surname -> language)
    cell: str = "LSTM"  # "RNN" (tanh), "LSTM" or "GRU"
    hidden_size: int = 64  # H, units per layer
    layers: int = 1  # 1 or 2 stacked recurrent layers
    bptt: int = 32  # truncated-BPTT length k in characters (LM only; names use the full name)
    batch_size: int = 32  # B, sequences per step
    lr: float = 0.003  # learning rate
    optimizer: str = "Adam"  # "SGD" or "Adam"
    clip: float | None = 1.0  # global-norm clipping threshold c; None = off
    seed: int = 0  # seeds weights, batch order, probe batch
    max_steps: int = 3000  # the run ends by itself after this many steps
    text: str | None = None  # LM corpus; None = Shakespeare's sonnets
    probe_size: int = 8  # sequences in the fixed probe batch
    probe_len: int = 32  # probe length T for the LM (names: a length most test names have)
    probe_every: int | None = None  # probe every n steps; None = on the overhead time budget
    eval_every: int | None = None  # evaluate every n steps; None = on the overhead time budget
    probe_overhead: float = 0.04  # time budget of the probe, as a fraction of training time
    eval_overhead: float = 0.02  # time budget of evaluation, as a fraction of training time

    def validate(self) -> "TrainConfig":
        """Raise ``ValueError`` with a readable message on an impossible setting; return self."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {quote(self.task)}")
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {quote(self.cell)}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {quote(self.optimizer)}")
        if not 1 <= int(self.hidden_size) <= 1024:
            raise ValueError("hidden size must be between 1 and 1024")
        if self.layers not in (1, 2):
            raise ValueError("layers must be 1 or 2")
        if not 1 <= int(self.bptt) <= 1000:
            raise ValueError("truncated-BPTT length must be between 1 and 1000")
        if not 1 <= int(self.batch_size) <= 1024:
            raise ValueError("batch size must be between 1 and 1024")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError("learning rate must be a positive number")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise ValueError("clipping threshold must be a positive number (or off)")
        if self.max_steps < 1:
            raise ValueError("max_steps must be >= 1")
        if self.probe_size < 1 or self.probe_len < 2:
            raise ValueError("probe_size must be >= 1 and probe_len >= 2")
        if self.task == "lm" and self.text is not None:
            check_text(self.text)
        return self


def _n_val(n: int, bptt: int) -> int:
    """Characters of an ``n``-character text held out for validation (the last ones)."""
    return max(n // 10, 2 * bptt + 2)


def min_text_length(batch_size: int, bptt: int) -> int:
    """The shortest LM text :class:`Trainer` can use: ``B`` streams of ``bptt + 1`` characters
    after the held-out validation part (:func:`_n_val`), and at least :data:`MIN_TEXT`.
    """
    need = batch_size * (bptt + 1)
    n = max(MIN_TEXT, need + 2 * bptt + 2)
    while n - _n_val(n, bptt) < need:
        n += 1
    return n


def check_text_fits(text: str, batch_size: int, bptt: int) -> str:
    """:func:`check_text`, and long enough for ``batch_size`` x ``bptt`` (:func:`min_text_length`)."""
    check_text(text)
    need = min_text_length(batch_size, bptt)
    if len(text) < need:
        raise ValueError(f"the training text is too short for batch size {batch_size} x BPTT length {bptt}: "
                         f"it has {len(text)} characters, at least {need} are needed; paste a longer text "
                         f"or use smaller values")
    return text


def check_text(text: str) -> str:
    """A usable LM corpus: at least :data:`MIN_TEXT` characters, at most 200 distinct ones."""
    if text is None or not text.strip():
        raise ValueError("the training text is empty: paste some text or use the sonnets")
    if len(text) < MIN_TEXT:
        raise ValueError(f"the training text is too short ({len(text)} characters, need at least {MIN_TEXT})")
    if len(set(text)) > 200:
        raise ValueError(f"the text has {len(set(text))} distinct characters, at most 200 are supported")
    return text
