r"""Forward pass and backpropagation through time by hand, in NumPy float64.

Everything rnnviz shows about gradients is computed here, with the textbook recursions,
and checked against PyTorch autograd in ``tests/unit/test_bptt.py``. Shapes: ``T`` time
steps, ``I`` input features, ``H`` hidden units, ``G`` gate blocks (RNN 1, LSTM 4, GRU 3).
Gate blocks are stacked in torch's order: LSTM ``i, f, g, o``; GRU ``r, z, n``.

Vanilla RNN, with activation :math:`\phi`:

.. math::
    a_t = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}, \qquad h_t = \phi(a_t)

    \delta_t = \frac{\partial L}{\partial h_t}
             = \frac{\partial L_t}{\partial h_t} + W_{hh}^\top \big(\delta_{t+1} \odot \phi'(a_{t+1})\big)

    \frac{\partial L}{\partial W_{hh}} = \sum_t (\delta_t \odot \phi'(a_t))\, h_{t-1}^\top, \quad
    \frac{\partial L}{\partial W_{ih}} = \sum_t (\delta_t \odot \phi'(a_t))\, x_t^\top, \quad
    \frac{\partial L}{\partial b} = \sum_t \delta_t \odot \phi'(a_t)

LSTM:

.. math::
    i_t = \sigma(a^i_t),\ f_t = \sigma(a^f_t),\ g_t = \tanh(a^g_t),\ o_t = \sigma(a^o_t), \quad
    c_t = f_t \odot c_{t-1} + i_t \odot g_t, \quad h_t = o_t \odot \tanh(c_t)

    \frac{\partial L}{\partial c_t} = \delta_t \odot o_t \odot (1 - \tanh^2 c_t)
        + \frac{\partial L}{\partial c_{t+1}} \odot f_{t+1}

GRU:

.. math::
    r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}), \quad
    z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})

    n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})), \quad
    h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}

Why NumPy and not a torch unroll: the input projections and the parameter gradients are
single matrix products over all ``T`` steps; only the recurrence is a Python loop of a few
small vector operations per step, which is faster than a per-step torch graph with
``retain_grad`` and, in float64, keeps gradients of 1e-30 visible instead of underflowing.
Overflow (exploding gradients) produces ``inf``/``nan`` without warnings; callers flag them.

This module checks shapes and keeps the records (:class:`Forward`, :class:`Backward`); the loops
of each cell are in :mod:`rnnviz.bptt_kernels`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from rnnviz import bptt_kernels as K
from rnnviz._blas import one_blas_thread
from rnnviz.bptt_kernels import _PHI_PRIME, PHI_PRIME_MAX  # noqa: F401 (phi' of each activation; read by rnnviz.jacobian)
from rnnviz.models import cell_type, nonlinearity_of
from rnnviz.norms import clip_grad_norm, global_norm, safe_norm  # noqa: F401 (re-exported, used by callers)


@dataclass
class Params:
    r"""The weights of one recurrent layer (one direction) as float64 arrays.

    Attributes:
        kind: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        nonlinearity: the RNN activation (``"tanh"`` for LSTM/GRU).
        W_ih: ``(G*H, I)``; W_hh: ``(G*H, H)``; b_ih, b_hh: ``(G*H,)`` (zeros if the module has no bias).
    """

    kind: str
    nonlinearity: str
    W_ih: np.ndarray
    W_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    has_bias: bool = True

    @property
    def H(self) -> int:
        return self.W_hh.shape[1]

    @property
    def I(self) -> int:  # noqa: E743 - the math name
        return self.W_ih.shape[1]


def params_of(module: nn.Module, layer: int = 0, reverse: bool = False) -> Params:
    """Read layer ``layer`` (direction ``reverse``) of a module into float64 :class:`Params`.

    ``module`` is an ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (any ``num_layers``, ``bidirectional``) or
    :class:`rnnviz.models.ElmanRNN`; torch's names ``weight_ih_l{layer}[_reverse]`` are read.
    """
    kind = cell_type(module, stacked=True)
    suffix = f"_l{int(layer)}" + ("_reverse" if reverse else "")
    if getattr(module, "weight_ih" + suffix, None) is None:
        raise ValueError(f"{type(module).__name__} has no layer {layer}{' (reverse)' if reverse else ''}")

    def arr(name):
        p = getattr(module, name + suffix, None)
        return None if p is None else p.detach().cpu().to(torch.float64).numpy().copy()

    W_ih, W_hh = arr("weight_ih"), arr("weight_hh")
    b_ih, b_hh = arr("bias_ih"), arr("bias_hh")
    has_bias = b_ih is not None
    if not has_bias:
        b_ih = np.zeros(W_ih.shape[0])
        b_hh = np.zeros(W_ih.shape[0])
    return Params(kind, nonlinearity_of(module) if kind == "RNN" else "tanh", W_ih, W_hh, b_ih, b_hh, has_bias)


@dataclass
class Forward:
    r"""Forward-pass record of one layer over a sequence or a batch.

    Shapes below are for one sequence; a batch adds ``B`` after ``T`` (``x (T, B, I)``,
    ``h (T, B, H)``, ``h0 (B, H)``, ...).

    Attributes:
        x: ``(T, I)`` inputs.  h0, c0: ``(H,)`` initial states (c0 zeros unless LSTM).
        h: ``(T, H)`` hidden states :math:`h_1..h_T`.  c: ``(T, H)`` LSTM cell states, else ``None``.
        pre: ``(T, G*H)`` pre-activations (GRU: the ``n`` block is :math:`W_{in}x_t + b_{in} + r_t \odot h^n_t`).
        act: ``(T, G*H)`` gate activations, torch order (RNN: ``h`` itself).
        extra: GRU ``hn`` = :math:`W_{hn} h_{t-1} + b_{hn}` ``(T, H)``; LSTM ``tanh_c`` ``(T, H)``.
    """

    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    pre: np.ndarray
    act: np.ndarray
    extra: dict

    @property
    def h_prev(self) -> np.ndarray:
        """``(T, [B,] H)``: :math:`h_0..h_{T-1}`."""
        return np.concatenate([self.h0[None], self.h[:-1]])

    @property
    def c_prev(self) -> np.ndarray:
        return np.concatenate([self.c0[None], self.c[:-1]])


def _state(s, shape) -> np.ndarray:
    return np.zeros(shape) if s is None else np.asarray(s, dtype=np.float64).reshape(shape)


def forward(p: Params, x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> Forward:
    r"""Run the recurrence of one layer over ``x``.

    .. math:: h_t = \mathrm{cell}(x_t, h_{t-1})\ \ (t = 1..T), \qquad h_0 = \texttt{h0}\ (\text{zeros})

    Args:
        x: ``(T, I)`` one sequence, or ``(T, B, I)`` a batch (sequences independent).
        h0, c0: ``(H,)`` / ``(B, H)`` initial states (zeros by default).
    Returns: a :class:`Forward` whose arrays have the batch axis iff ``x`` has.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3) or x.shape[-1] != p.I:
        raise ValueError(f"x must have shape (T, {p.I}) or (T, B, {p.I}), got {x.shape}")
    if x.shape[0] < 1:
        raise ValueError("the sequence must have at least one step")
    shape = x.shape[1:-1] + (p.H,)  # (H,) or (B, H)
    h0, c0 = _state(h0, shape), _state(c0, shape)
    with np.errstate(all="ignore"), one_blas_thread():
        h, c, pre, act, extra = _FORWARD[p.kind](p, x, h0, c0)
    return Forward(x, h0, c0, h, c, pre, act, extra)


_FORWARD = {"RNN": K.forward_rnn, "LSTM": K.forward_lstm, "GRU": K.forward_gru}

@dataclass
class Backward:
    r"""Backward-pass record (shapes for one sequence; a batch adds ``B`` after ``T``).

    Attributes:
        grad_h: ``(T, H)`` total :math:`\delta_t = \partial L/\partial h_t`.
        grad_next: ``(T, H)`` the part of :math:`\delta_t` that comes back from step ``t+1``
            (:math:`\delta_t` = the direct gradient + ``grad_next``; zero at ``T`` and where truncated).
        grad_c: ``(T, H)`` total :math:`\partial L/\partial c_t` (LSTM), else ``None``.
        dpre: ``(T, G*H)`` gradient w.r.t. the pre-activations that multiply :math:`x_t` (``W_ih`` side).
        dpre_h: ``(T, G*H)`` the same on the ``W_hh`` side (differs from ``dpre`` only for GRU's n block).
        grad_h0, grad_c0: ``(H,)`` gradient w.r.t. the initial states.
        dW_ih ``(G*H, I)``, dW_hh ``(G*H, H)``, db_ih, db_hh ``(G*H,)``: parameter gradients (summed over the batch).
        cut: ``(T,)`` bool, ``True`` at ``t`` when the gradient from ``t+1`` was cut (truncated BPTT).
    """

    grad_h: np.ndarray
    grad_next: np.ndarray
    grad_c: np.ndarray | None
    dpre: np.ndarray
    dpre_h: np.ndarray
    grad_h0: np.ndarray
    grad_c0: np.ndarray | None
    dW_ih: np.ndarray
    dW_hh: np.ndarray
    db_ih: np.ndarray
    db_hh: np.ndarray
    cut: np.ndarray
    W_ih: np.ndarray = field(repr=False)

    @functools.cached_property
    def grad_x(self) -> np.ndarray:
        r"""``(T, [B,] I)``: :math:`\partial L/\partial x_t = W_{ih}^\top \mathrm{dpre}_t` (computed when first read)."""
        with one_blas_thread():
            return self.dpre @ self.W_ih


def backward(p: Params, fw: Forward, dL_dh: np.ndarray, *, dL_dc: np.ndarray | None = None,
             truncate: int | None = None) -> Backward:
    r"""Backpropagate direct loss gradients through time (the recursions in the module docstring).

    .. math::
        \delta_t = \frac{\partial L}{\partial h_t}\Big|_{\text{direct}} + \Big(\frac{\partial h_{t+1}}{\partial h_t}\Big)^{\!\top} \delta_{t+1}

    Args:
        dL_dh: ``(T, [B,] H)``: :math:`\partial L/\partial h_t` holding the other states fixed.
        dL_dc: LSTM only, optional ``(T, [B,] H)`` direct :math:`\partial L/\partial c_t` (e.g. a final
            cell state handed to a decoder).
        truncate: truncated BPTT with chunk length ``k``: the gradient from step ``t+1`` to ``t``
            is dropped when ``t+1`` (0-based) is a multiple of ``k`` (``h = h.detach()`` there in
            PyTorch). ``None`` or ``0``: full BPTT. The initial-state gradient is never cut.
    Returns: a :class:`Backward` (totals, input and parameter gradients).
    """
    g = np.asarray(dL_dh, dtype=np.float64)
    if g.shape != fw.h.shape:
        raise ValueError(f"dL_dh must have shape {fw.h.shape}, got {g.shape}")
    if dL_dc is not None and (p.kind != "LSTM" or np.shape(dL_dc) != fw.h.shape):
        raise ValueError(f"dL_dc is for an LSTM and must have shape {fw.h.shape}")
    T = g.shape[0]
    cut = np.zeros(T, dtype=bool)
    if truncate is not None and int(truncate) > 0:
        cut[int(truncate) - 1:T - 1:int(truncate)] = True  # t with (t + 1) % k == 0
    with np.errstate(all="ignore"), one_blas_thread():
        if p.kind == "RNN":
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = K.backward_rnn(p, fw, g, cut)
        elif p.kind == "LSTM":
            dc = None if dL_dc is None else np.asarray(dL_dc, dtype=np.float64)
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = K.backward_lstm(p, fw, g, cut, dc)
        else:
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = K.backward_gru(p, fw, g, cut)
        GH = dpre.shape[-1]
        dW_ih = dpre.reshape(-1, GH).T @ fw.x.reshape(-1, p.I)  # sum over t (and b) of dpre x^T
        dW_hh = dpre_h.reshape(-1, GH).T @ fw.h_prev.reshape(-1, p.H)
        db_ih = dpre.reshape(-1, GH).sum(axis=0)
        db_hh = dpre_h.reshape(-1, GH).sum(axis=0)
    return Backward(grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0, dW_ih, dW_hh, db_ih, db_hh, cut, p.W_ih)
