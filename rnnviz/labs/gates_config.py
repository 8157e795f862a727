r"""The gates lab's settings, light to import (no torch): the config, its limits and presets, the input
text of a setting and its checks.

The page draws its sidebar, the model's answer and its first chart (shipped, :mod:`rnnviz.first_charts`)
from this module before torch is imported; :mod:`rnnviz.labs.gates` re-exports every name.
"""
from __future__ import annotations

import math
from dataclasses import astuple, dataclass, replace

import numpy as np

from rnnviz import gates_spec as G
from rnnviz import tasks as tk
from rnnviz.text import quote

MAX_CHARS = 400
"""Longest input the page accepts (the heatmaps become unreadable beyond that)."""
LM_EXAMPLE_LEN = 120
"""Characters of sonnet text in the generated language-model example."""


@dataclass
class GatesConfig:
    """Every control of the page; widget keys are the field names."""

    gt_task: str = "recall"  # trained model family: "recall", "depth" or "lm" (rnnviz.gates.TASKS)
    gt_cell: str = "LSTM"  # gated cell shown: "LSTM" or "GRU" (the vanilla RNN is the comparison)
    gt_source: str = "example"  # "example": generated from gt_seed (and gt_gap); "typed": gt_text
    gt_text: str = ""  # the user's own input (used when gt_source == "typed")
    gt_gap: int = 60  # recall: distractors between the flagged symbol and "?" (example and accuracy)
    gt_seed: int = 0  # seed of the generated example
    gt_unit: int = 0  # the unit (0-based) of the line plot, the colouring and the equations
    gt_step: int = 3  # the step t (1-based, clipped to T) of the substituted equations
    gt_fbias: float = 0.0  # Delta added to the forget (LSTM) / update (GRU) gate bias
    gt_color_by: str = "h"  # what colours the text: "h", "c" (LSTM) or a gate name


PRESET_BASE = {"gt_task": "recall", "gt_cell": "LSTM", "gt_source": "example", "gt_gap": 80, "gt_seed": 0,
               "gt_fbias": 0.0, "gt_unit": 0, "gt_step": 3, "gt_color_by": "h"}
PRESETS = {
    "recall": ("gates.presets_recall", "gates.presets_recall_help", PRESET_BASE),
    "forget": ("gates.presets_forget", "gates.presets_forget_help", {**PRESET_BASE, "gt_fbias": -4.0}),
    "lm": ("gates.presets_lm", "gates.presets_lm_help",
           {**PRESET_BASE, "gt_task": "lm", "gt_cell": "GRU", "gt_seed": 3, "gt_unit": 5, "gt_step": 10}),
}
"""The page's presets: ``{name: (label key, help key, {widget key: value})}``; every one sets the seed.
Their captions are checked over seeds 0-9 in tests/unit/test_gates.py."""


def example_text(cfg: GatesConfig) -> str:
    """The generated input of ``cfg.gt_task`` (deterministic in ``gt_seed``, ``gt_gap``)."""
    if cfg.gt_task == "recall":
        return tk.recall_example(int(cfg.gt_gap), lead=1, seed=int(cfg.gt_seed))[0]
    if cfg.gt_task == "depth":
        return tk.depth_example(G.DEPTH_LEN, seed=int(cfg.gt_seed))
    from rnnviz.data import load_sonnets

    text = load_sonnets()
    rng = np.random.default_rng(int(cfg.gt_seed))
    start = int(rng.integers(0, len(text) - LM_EXAMPLE_LEN))
    # start on a word boundary so the example reads naturally
    while start > 0 and text[start - 1] not in " \n":
        start -= 1
    return text[start:start + LM_EXAMPLE_LEN]


def input_text(cfg: GatesConfig) -> str:
    """The text the page analyses; ``ValueError`` with a readable message for bad typed input."""
    if cfg.gt_source == "typed":
        text = cfg.gt_text
        if not text or not text.strip("\n"):
            raise ValueError("the input text is empty: type something, or choose the generated example")
        if len(text) > MAX_CHARS:
            raise ValueError(f"the input has {len(text)} characters; at most {MAX_CHARS} are shown")
    else:
        text = example_text(cfg)
    tk.check_text(text, G.SPECS[cfg.gt_task].vocab, what=f"the {cfg.gt_task} model")
    return text


def analysis_key(cfg: GatesConfig) -> tuple:
    """The config tuple the analysis (and the heatmaps) depend on: ``cfg`` without the unit, the step and
    the colouring, which only pick among its results (set to 0, 1, "h")."""
    return astuple(replace(cfg, gt_unit=0, gt_step=1, gt_color_by="h"))


def validate(cfg: GatesConfig) -> None:
    """``ValueError`` for settings the page cannot show."""
    if cfg.gt_task not in G.TASKS:
        raise ValueError(f"unknown task {quote(cfg.gt_task)}; choose one of {G.TASKS}")
    if cfg.gt_cell not in ("LSTM", "GRU"):
        raise ValueError(f"the gates page shows LSTM or GRU, got {quote(cfg.gt_cell)}")
    if not math.isfinite(cfg.gt_fbias):
        raise ValueError("the forget-gate bias shift must be a finite number")


FRESH_SEED = 100
"""Seed of the fresh (untrained) model of the forget-gate bias experiment."""
BIAS_GRID = (-6.0, 6.0, 0.1)
"""The forget-gate bias slider: ``(lo, hi, step)`` (the browser animates the bias chart over this grid: 121 values,
so a one-second drag from Δ = 0 to an end passes 60 charts, enough for 30 updates a second)."""
