r"""The gates lab's tasks, their sizes and training schedules, light to import (no torch).

:mod:`rnnviz.gates` (models, training, evaluation; torch) re-exports every name; the gates page reads
its controls from here before torch is imported (:mod:`rnnviz.first_charts`).
"""
from __future__ import annotations

from dataclasses import dataclass

from rnnviz import tasks as tk

TASKS = ("recall", "depth", "lm")
CELLS = ("LSTM", "GRU", "RNN")


@dataclass(frozen=True)
class TaskSpec:
    """Sizes and training schedule of one task.

    Attributes:
        vocab: input alphabet (one-hot size ``V = len(vocab)``).
        classes: output labels (the readout has ``len(classes)`` outputs).
        hidden: hidden size ``H`` of every cell trained on it.
        steps: optimiser steps of the shipped training run.
        batch: sequences per step.
        lr: Adam learning rate.
    """

    vocab: str
    classes: tuple[str, ...]
    hidden: int
    steps: int
    batch: int
    lr: float


GAP_MAX = 100
"""Longest recall gap seen in training (and the gap at which accuracies are reported)."""
DEPTH_LEN = 48
"""Length of the bracket strings in training and evaluation."""
LM_LEN = 64
"""Truncated-BPTT window of the character language model."""


def _lm_vocab() -> str:
    from rnnviz.data import load_sonnets

    return "".join(sorted(set(load_sonnets())))


SPECS: dict[str, TaskSpec] = {
    "recall": TaskSpec(tk.RECALL_VOCAB, tuple(tk.PAYLOAD), hidden=16, steps=3000, batch=64, lr=1e-2),
    "depth": TaskSpec(tk.DEPTH_VOCAB, tuple(str(d) for d in range(tk.DEPTH_MAX + 1)), hidden=12, steps=2000,
                      batch=32, lr=1e-2),
    "lm": TaskSpec(_lm_vocab(), tuple(_lm_vocab()), hidden=64, steps=4000, batch=32, lr=5e-3),
}

TRAIN_SEED = {"recall": 1, "depth": 2, "lm": 3}
