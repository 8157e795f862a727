r"""The vanishing & exploding gradients lab: one config in, everything the page shows out.

For each selected cell type the lab builds a one-layer model with the configured spectral
radius and initialisation, replays it on the input with :func:`rnnviz.trace`, and derives

- :math:`\|\partial L/\partial h_t\|` for every ``t`` and its decay rate,
- the envelope :math:`\|\partial L/\partial h_T\| \, (\|W_{hh}\|_2 \max|\phi'|)^{T-t}` (vanilla RNN,
  loss on the last step: there :math:`\partial L/\partial h_t = (\partial h_T/\partial h_t)^\top
  \partial L/\partial h_T`, so the envelope bounds it),
- the Jacobian norms :math:`\|\partial h_T/\partial h_k\|` (spectral and Frobenius),
- the global parameter-gradient norm before and after clipping.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from rnnviz import bptt
from rnnviz.inputs import make_input, one_hot_text
from rnnviz.models import build
from rnnviz.trace import Trace, every_step_loss, last_step_loss, trace

from rnnviz.labs.vanishing_config import (  # noqa: F401  (re-exported: the light part of the lab)
    H_MAX, JACOBIAN_AUTO_FLOPS, LOSSES, PRESET_BASE, PRESETS, SPECTRAL_STEPS, T_MAX, VanishingConfig, preset_config,
    sweep_key, sweep_meta)


@dataclass
class Readout:
    r"""Numbers for the sentence under the chart.

    Attributes:
        ratio: :math:`\|\partial L/\partial h_1\| / \|\partial L/\partial h_T\|` (nan if undefined).
        log2_slope: least-squares slope of :math:`\log_2 \|\partial L/\partial h_t\|` against ``t``
            over the finite, non-zero steps; > 0 means the gradient shrinks going back in time.
        halving_steps: steps back in time per halving (``1/slope``) if shrinking, else ``None``.
        doubling_steps: steps back per doubling if growing, else ``None``.
        nonfinite_steps: 1-based steps whose gradient is ``inf``/``nan``.
        zero_steps: 1-based steps whose gradient underflowed to exactly 0.
    """

    ratio: float
    log2_slope: float
    halving_steps: float | None
    doubling_steps: float | None
    nonfinite_steps: list[int]
    zero_steps: list[int]


def readout(grad_norm: np.ndarray) -> Readout:
    """Decay/growth summary of a ``(T,)`` gradient-norm profile."""
    g = np.asarray(grad_norm, dtype=np.float64)
    T = g.shape[0]
    finite = np.isfinite(g)
    nonfinite = [int(t) + 1 for t in np.flatnonzero(~finite)]
    zero = [int(t) + 1 for t in np.flatnonzero(finite & (g == 0))]
    with np.errstate(all="ignore"):
        ratio = float(g[0] / g[-1]) if finite[0] and finite[-1] and g[-1] > 0 else float("nan")
    ok = finite & (g > 0)
    slope = float("nan")
    if ok.sum() >= 2:
        t = np.arange(1, T + 1)[ok]
        slope = float(np.polyfit(t, np.log2(g[ok]), 1)[0])
    halving = 1.0 / slope if np.isfinite(slope) and slope > 1e-6 else None
    doubling = -1.0 / slope if np.isfinite(slope) and slope < -1e-6 else None
    return Readout(ratio, slope, halving, doubling, nonfinite, zero)


@dataclass
class CellResult:
    r"""What the page shows for one cell type.

    Attributes:
        cell: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        trace: the full :class:`rnnviz.Trace`.
        envelope: ``(T,)`` :math:`\|\partial L/\partial h_T\| \gamma^{T-t}` (RNN with last-step loss), else ``None``.
        gamma: :math:`\|W_{hh}\|_2 \max|\phi'|` (RNN), else ``None``.
        grad_total_norm: global norm of all parameter gradients before clipping.
        clip_coef: the factor clipping applies (1.0 when off or below the threshold).
        readout: :class:`Readout` of ``trace.grad_norm``.
    """

    cell: str
    trace: Trace
    envelope: np.ndarray | None
    gamma: float | None
    grad_total_norm: float
    clip_coef: float
    readout: Readout
    jacobian: dict | None = field(default=None)


@dataclass
class VanishingResult:
    config: VanishingConfig
    x: np.ndarray  # (T, I) the input actually used
    alphabet: str | None  # for text input: the one-hot alphabet
    cells: dict[str, CellResult]

    @property
    def T(self) -> int:
        return self.x.shape[0]


def make_x(cfg: VanishingConfig) -> tuple[np.ndarray, str | None]:
    """The ``(T, I)`` input for ``cfg`` and, for text, its alphabet."""
    if cfg.input_kind == "text":
        return one_hot_text(cfg.text)
    x = make_input(cfg.input_kind, cfg.T, cfg.input_size, seed=cfg.seed)
    return x * cfg.input_scale, None


def model_for(cfg: VanishingConfig, cell: str, input_size: int) -> torch.nn.Module:
    """The model the page traces for ``cell`` (float64; same seed for every cell type)."""
    return build(cell, input_size, cfg.H, nonlinearity=cfg.activation if cell == "RNN" else "tanh",
                 init=cfg.init, radius=cfg.radius, forget_bias=cfg.forget_bias if cell == "LSTM" else None,
                 seed=cfg.seed)


def jacobian_cost(cfg: VanishingConfig, cell: str, T: int) -> float:
    """Approximate flops of the Jacobian-norm chain for ``cell``: ``T * S^2 * H`` (S = state size)."""
    S = 2 * cfg.H if cell == "LSTM" else cfg.H
    return float(T) * S * S * cfg.H


def run(cfg: VanishingConfig) -> VanishingResult:
    """Build, trace and summarise every selected cell (no Jacobians; see :func:`jacobians`)."""
    cfg.validate()
    x, alphabet = make_x(cfg)
    loss = last_step_loss if cfg.loss == "last" else every_step_loss
    cells = {cell: cell_result(trace(model_for(cfg, cell, x.shape[1]), x, loss=loss), cfg) for cell in cfg.cells}
    return VanishingResult(cfg, x, alphabet, cells)


def cell_result(tr: Trace, cfg: VanishingConfig) -> CellResult:
    """What the page shows for one traced cell: the envelope and gamma (vanilla RNN), the parameter
    gradient's global norm and the clipping factor (``cfg.loss``, ``cfg.clip``), the readout."""
    envelope = gamma = None
    if tr.kind == "RNN":
        gamma = float(np.linalg.norm(tr.params.W_hh, 2) * bptt.PHI_PRIME_MAX[tr.nonlinearity])
        if cfg.loss == "last":
            with np.errstate(all="ignore"):
                envelope = tr.grad_norm[-1] * tr.bound()
    total = bptt.global_norm(tr.param_grads)
    coef = bptt.clip_grad_norm(tr.param_grads, cfg.clip)[2] if cfg.clip > 0 else 1.0
    return CellResult(tr.kind, tr, envelope, gamma, total, coef, readout(tr.grad_norm))


RADIUS_MAX = 3.0
SWEEP_STEPS = (0.05, 0.1, 0.25)
"""Radius grids tried for the live drag, finest first (the slider's own step is 0.05)."""
SWEEP_BUDGET_S = 2.0
"""A sweep is computed only if its estimated time (grid size x one run) stays below this (seconds); the
environment variable ``RNNVIZ_SWEEP_BUDGET_S`` replaces it (:func:`sweep_budget_s`)."""


def sweep_budget_s() -> float:
    """The sweep's time budget: ``RNNVIZ_SWEEP_BUDGET_S`` if it is a positive number, else :data:`SWEEP_BUDGET_S`.

    The grid depends on how fast this machine runs the lab: a slow or busy machine gets a coarser grid, or the
    Streamlit slider, for the same setting. A lecturer with a slow laptop can raise it (a longer wait once per
    setting, after the charts are drawn); the browser tests' server sets it high, so the grid of their settings
    does not depend on how busy the machine is (tests/e2e/conftest.py)."""
    import math
    import os

    try:
        v = float(os.environ.get("RNNVIZ_SWEEP_BUDGET_S", ""))
    except ValueError:
        return SWEEP_BUDGET_S
    return v if math.isfinite(v) and v > 0 else SWEEP_BUDGET_S


def radius_sweep(cfg: VanishingConfig, budget_s: float | None = None, clock=time.perf_counter):
    r"""Run :func:`run` for ``cfg`` with every radius of the finest grid ``0, s, 2s, ..., 3`` whose
    estimated time fits ``budget_s`` (two runs are timed first; default :func:`sweep_budget_s`).

    Returns ``(radii, results)``: the radii (rounded to 10 decimals, so ``0.9`` is the slider's
    ``0.9``) and one :class:`VanishingResult` per radius, or ``([], [])`` when even the coarsest
    grid would take too long. The page turns them into chart frames for a live drag.
    """
    cfg.validate()
    budget_s = sweep_budget_s() if budget_s is None else budget_s
    done, one = {}, float("inf")
    for r in (cfg.radius, 0.0):  # two timed runs: the first one may pay for warm-up
        t0 = clock()
        done[r] = run(replace(cfg, radius=r))
        one = min(one, max(clock() - t0, 1e-4))
    for step in SWEEP_STEPS:
        n = int(round(RADIUS_MAX / step)) + 1
        if n * one <= budget_s:
            radii = [round(k * step, 10) for k in range(n)]
            results = [done[r] if r in done else run(replace(cfg, radius=r)) for r in radii]
            return radii, results
    return [], []


def jacobians(res: VanishingResult, cell: str) -> dict:
    r"""Norms of :math:`\partial h_T/\partial h_k` for ``cell`` (spectral at up to
    :data:`SPECTRAL_STEPS` steps, Frobenius at all)."""
    return res.cells[cell].trace.jacobian_norms(spectral_steps=SPECTRAL_STEPS)


def fmt_sci(v: float, digits: int = 2) -> str:
    """``3.1e-12`` style, with ``inf``/``nan`` spelled out."""
    if v is None or not np.isfinite(v):
        return "inf" if v is not None and np.isinf(v) else "nan"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.{digits + 1}g}"
    return f"{v:.{digits - 1}e}".replace("e-0", "e-").replace("e+0", "e+")


def readout_sentences(res: VanishingResult, lang: str = "en") -> list[str]:
    """One paragraph per cell, in ``lang``: decay/growth, overflow, underflow, clipping."""
    from rnnviz.i18n import t

    out = []
    clip = res.config.clip
    for cell, cr in res.cells.items():
        ro = cr.readout
        parts = []
        if ro.nonfinite_steps:
            parts.append(t("vanishing.read_nonfinite", lang, cell=cell, n=len(ro.nonfinite_steps), first=min(ro.nonfinite_steps)))
        elif res.T == 1:
            parts.append(t("vanishing.read_single", lang, cell=cell))
        elif ro.halving_steps is not None and ro.halving_steps < 4 * res.T:
            parts.append(t("vanishing.read_vanish", lang, cell=cell, ratio=fmt_sci(ro.ratio),
                           factor=f"{2.0 ** -ro.log2_slope:.3g}", steps=f"{ro.halving_steps:.1f}"))
        elif ro.doubling_steps is not None and ro.doubling_steps < 4 * res.T:
            parts.append(t("vanishing.read_explode", lang, cell=cell, ratio=fmt_sci(ro.ratio),
                           factor=f"{2.0 ** -ro.log2_slope:.3g}", steps=f"{ro.doubling_steps:.1f}"))
        else:
            parts.append(t("vanishing.read_flat", lang, cell=cell, ratio=fmt_sci(ro.ratio)))
        if ro.zero_steps:
            parts.append(t("vanishing.read_zero", lang, cell=cell, n=len(ro.zero_steps)))
        norm = fmt_sci(cr.grad_total_norm)
        if clip <= 0:
            parts.append(t("vanishing.read_clip_off", lang, norm=norm))
        elif cr.clip_coef < 1.0 or not np.isfinite(cr.clip_coef):
            parts.append(t("vanishing.read_clip", lang, norm=norm, clip=f"{clip:g}", coef=fmt_sci(cr.clip_coef)))
        else:
            parts.append(t("vanishing.read_noclip", lang, norm=norm, clip=f"{clip:g}"))
        out.append(" ".join(parts))
    rnn = res.cells.get("RNN")
    for cell in ("LSTM", "GRU"):
        gated = res.cells.get(cell)
        if rnn is None or gated is None or res.T == 1:
            continue
        r_rnn, r_gated = rnn.readout.ratio, gated.readout.ratio
        if np.isfinite(r_rnn) and np.isfinite(r_gated) and r_rnn > 0 and r_gated > 0:
            out.append(t("vanishing.read_compare", lang, cell=cell, factor=fmt_sci(r_gated / r_rnn)))
    return out


LATEX = [
    r"h_t = \phi(a_t),\qquad a_t = W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}",
    r"\delta_t \equiv \frac{\partial L}{\partial h_t} = \frac{\partial L_t}{\partial h_t}"
    r" + W_{hh}^{\top}\big(\delta_{t+1} \odot \phi'(a_{t+1})\big)",
    r"\frac{\partial h_T}{\partial h_k} = \prod_{t=k+1}^{T} \operatorname{diag}\big(\phi'(a_t)\big)\,W_{hh},\qquad"
    r"\Big\|\frac{\partial h_T}{\partial h_k}\Big\|_2 \le \big(\|W_{hh}\|_2 \max|\phi'|\big)^{T-k} = \gamma^{T-k}",
    r"\text{LSTM: } c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad"
    r"\frac{\partial L}{\partial c_t} = \delta_t \odot o_t \odot (1-\tanh^2 c_t) + \frac{\partial L}{\partial c_{t+1}} \odot f_{t+1}",
    r"\text{clipping: } g \leftarrow g \cdot \min\!\Big(1, \frac{\theta}{\|g\|_2 + 10^{-6}}\Big)",
]
"""The equations shown under "The equations behind the plots"."""
