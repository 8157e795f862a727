r"""The vanishing lab's settings, light to import (no torch, no NumPy): the config, its limits and presets,
and the name of the radius sweep a gradient chart belongs to.

The page draws its sidebar and its first chart from this module before torch is imported
(:mod:`rnnviz.first_charts`); :mod:`rnnviz.labs.vanishing` re-exports every name.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import astuple, dataclass, replace

from rnnviz.text import quote

LOSSES = ("last", "every")
T_MAX, H_MAX = 500, 256
JACOBIAN_AUTO_FLOPS = 3e8
"""Jacobian norms are computed without asking when ``T * S^2 * H`` (S = state size) is below this."""
SPECTRAL_STEPS = 80
"""The spectral norm (an SVD) is computed at this many steps k; the Frobenius norm at all."""


PRESET_BASE = {"vg_cells": ["RNN"], "vg_T": 100, "vg_H": 64, "vg_radius": 0.9, "vg_activation": "tanh",
               "vg_init": "default", "vg_forget_bias": 0.0, "vg_input_kind": "random", "vg_input_scale": 1.0,
               "vg_loss": "last", "vg_clip": 0.0, "vg_seed": 0}
PRESETS = {
    "vanish": ("vanishing.preset_vanish", "vanishing.preset_vanish_help", PRESET_BASE),
    "explode": ("vanishing.preset_explode", "vanishing.preset_explode_help",
                {**PRESET_BASE, "vg_radius": 1.5, "vg_activation": "identity", "vg_init": "orthogonal"}),
    "lstm": ("vanishing.preset_lstm", "vanishing.preset_lstm_help",
             {**PRESET_BASE, "vg_cells": ["RNN", "LSTM"], "vg_forget_bias": 1.0}),
    "irnn": ("vanishing.preset_irnn", "vanishing.preset_irnn_help",
             {**PRESET_BASE, "vg_activation": "relu", "vg_init": "identity", "vg_radius": 1.0, "vg_T": 200}),
}
"""The page's presets ``{name: (label key, help key, {widget key: value})}``; every one sets the seed.
What their captions claim is checked over seeds 0-9 in tests/unit/test_vanishing_presets.py."""


def preset_config(name: str, **changes) -> "VanishingConfig":
    """The :class:`VanishingConfig` a preset sets (``changes``: fields to override, e.g. ``seed=3``)."""
    values = {k.removeprefix("vg_"): v for k, v in PRESETS[name][2].items()}
    values["cells"] = tuple(values["cells"])
    return VanishingConfig(**{**values, **changes})


@dataclass(frozen=True)
class VanishingConfig:
    cells: tuple[str, ...] = ("RNN",)  # cell types drawn on top of each other: "RNN", "LSTM", "GRU"
    T: int = 100  # sequence length (for typed text: the text's length)
    H: int = 64  # hidden units
    radius: float = 0.9  # spectral radius of W_hh (of each gate block for LSTM/GRU)
    activation: str = "tanh"  # vanilla RNN activation: tanh, relu, sigmoid, identity
    init: str = "default"  # W_hh before rescaling: default (PyTorch), orthogonal, identity
    forget_bias: float = 0.0  # LSTM forget-gate bias (total of b_ih and b_hh)
    input_kind: str = "random"  # random (standard normal), zeros, text (one-hot characters)
    input_scale: float = 1.0  # random input is input_scale * N(0, 1)
    input_size: int = 8  # features of x_t for random/zeros input
    text: str = "the quick brown fox jumps over the lazy dog"  # typed input for input_kind="text"
    loss: str = "last"  # "last": L = sum(h_T); "every": L = sum_t sum(h_t)
    clip: float = 0.0  # max global norm of the parameter gradient (0 = no clipping)
    seed: int = 0  # seeds the weights and the random input

    def validate(self) -> None:
        """Raise ``ValueError`` with a readable message for any out-of-range field."""
        from rnnviz.inputs import INPUT_KINDS
        from rnnviz.models import CELLS, INITS, NONLINEARITIES  # torch: imported on first validation

        if not self.cells:
            raise ValueError("choose at least one cell type")
        for c in self.cells:
            if c not in CELLS:
                raise ValueError(f"unknown cell type {quote(c)}")
        if not 1 <= self.T <= T_MAX:
            raise ValueError(f"T must be between 1 and {T_MAX}")
        if not 1 <= self.H <= H_MAX:
            raise ValueError(f"H must be between 1 and {H_MAX}")
        if not (0 <= self.radius <= 3 and math.isfinite(self.radius)):
            raise ValueError("the spectral radius must be between 0 and 3")
        if self.activation not in NONLINEARITIES:
            raise ValueError(f"unknown activation {quote(self.activation)}")
        if self.init not in INITS:
            raise ValueError(f"unknown initialisation {quote(self.init)}")
        if self.input_kind not in INPUT_KINDS:
            raise ValueError(f"unknown input kind {quote(self.input_kind)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {quote(self.loss)}")
        if self.clip < 0:
            raise ValueError("the clip threshold must be >= 0 (0 = off)")


def sweep_key(cfg: VanishingConfig) -> tuple:
    """The cache key of the radius sweep ``cfg`` belongs to: every field but the radius (set to 0.9)."""
    return astuple(replace(cfg, radius=0.9))


def sweep_meta(key: tuple, lang: str) -> str:
    """Names the figure a radius sweep belongs to (its ``layout.meta``): the live component puts the
    sweep's frames only onto the gradient chart with this name."""
    return hashlib.sha1(repr((key, lang)).encode()).hexdigest()[:16]
