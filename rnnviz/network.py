r"""Stacked and bidirectional recurrent networks with a readout, on a batch: forward and hand BPTT.

The recurrence of every layer is :func:`rnnviz.bptt.forward` / :func:`rnnviz.bptt.backward`
(NumPy float64); this module only wires layers, directions and the readout together.

Layer :math:`l = 1..L`, direction :math:`d` (forward :math:`\rightarrow`, backward :math:`\leftarrow`):

.. math::
    \overrightarrow{h}^{(l)}_t = \mathrm{cell}(y^{(l-1)}_t, \overrightarrow{h}^{(l)}_{t-1}), \quad
    \overleftarrow{h}^{(l)}_t = \mathrm{cell}(y^{(l-1)}_t, \overleftarrow{h}^{(l)}_{t+1}), \quad
    y^{(l)}_t = [\overrightarrow{h}^{(l)}_t; \overleftarrow{h}^{(l)}_t], \quad y^{(0)}_t = x_t

(one direction: :math:`y^{(l)}_t = h^{(l)}_t`), as ``nn.RNN/LSTM/GRU(num_layers=L, bidirectional=...)``
in eval mode (no dropout). Optional readout and loss:

.. math::
    z_t = W_o\, y^{(L)}_t + b_o, \qquad
    L = \sum_{t,b} w_{t,b}\, \big(-\log \mathrm{softmax}(z_{t,b})_{k_{t,b}}\big)
    \qquad \text{or } L = \texttt{loss}(z) \text{ (any differentiable function, by autograd)}

Backward, top to bottom: the direct gradient of layer ``l``'s output is what layer ``l+1`` sends
to its inputs, :math:`\partial L/\partial y^{(l)}_t = \sum_d W^{(l+1,d)\top}_{ih}\,\mathrm{dpre}^{(l+1,d)}_t`
(the ``grad_x`` of :class:`rnnviz.bptt.Backward`), split by direction; the backward direction runs
on the time-reversed sequence, so its arrays are flipped in and out.

Shapes: ``x (T, B, I)`` (or ``(T, I)`` for one sequence: every array then lacks the ``B`` axis),
``y^{(l)} (T, B, dirs*H)``, logits ``(T, B, K)``, targets ``(T, B)`` int, weights ``(T, B)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from rnnviz import bptt
from rnnviz._blas import one_blas_thread
from rnnviz.models import cell_type


def layer_params(module: nn.Module) -> list[list[bptt.Params]]:
    """``params[l][d]``: layer ``l``, direction ``d`` (0 forward, 1 backward) of a torch recurrent module."""
    cell_type(module, stacked=True)
    dirs = 2 if getattr(module, "bidirectional", False) else 1
    return [[bptt.params_of(module, l, reverse=bool(d)) for d in range(dirs)]
            for l in range(getattr(module, "num_layers", 1))]


@dataclass
class Readout:
    r"""A linear readout :math:`z = W y + b`: ``W (K, D)``, ``b (K,)``."""

    W: np.ndarray
    b: np.ndarray

    @classmethod
    def of(cls, linear: nn.Linear) -> "Readout":
        W = linear.weight.detach().cpu().double().numpy()
        b = linear.bias.detach().cpu().double().numpy() if linear.bias is not None else np.zeros(W.shape[0])
        return cls(W, b)


@dataclass
class NetworkTrace:
    r"""Forward and backward record of a network on a sequence or a batch (float64).

    Attributes:
        x: ``(T, [B,] I)`` inputs.
        runs: ``runs[l][d] = (Forward, Backward)`` of :mod:`rnnviz.bptt`; the backward direction
            (``d = 1``) in its processing order (time reversed).
        outputs: ``outputs[l]`` ``(T, [B,] dirs*H)``: :math:`y^{(l+1)}`, time-aligned.
        grad_outputs: ``grad_outputs[l]`` ``(T, [B,] dirs*H)``: total :math:`\partial L/\partial h^{(l+1)}_t`
            (through the layer above *and* the recurrence; what ``retain_grad`` on each state reports).
        logits: ``(T, [B,] K)`` if there is a readout, else ``None``.
        loss: the scalar loss.
        grad_x: ``(T, [B,] I)``: :math:`\partial L/\partial x_t`.
        param_grads: torch's names (``weight_ih_l0``, ``weight_hh_l1_reverse``, ...; readout
            ``readout.weight``, ``readout.bias``) -> gradient.
    """

    x: np.ndarray
    runs: list[list[tuple[bptt.Forward, bptt.Backward]]]
    outputs: list[np.ndarray]
    grad_outputs: list[np.ndarray]
    logits: np.ndarray | None
    loss: float
    grad_x: np.ndarray
    param_grads: dict[str, np.ndarray]

    def grad_norms(self) -> np.ndarray:
        r"""``(L, T)``: :math:`\big(\sum_b \|\partial L/\partial h^{(l,b)}_t\|^2\big)^{1/2}` per layer and step (overflow-safe)."""
        T = self.x.shape[0]
        return np.stack([bptt.safe_norm(g.reshape(T, -1), axis=1) for g in self.grad_outputs])


def log_softmax(z: np.ndarray) -> np.ndarray:
    r""":math:`\log \mathrm{softmax}(z)` along the last axis, shifted by the max for stability."""
    m = np.max(z, axis=-1, keepdims=True)
    s = z - m
    return s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))


def _flip(a: np.ndarray) -> np.ndarray:
    """``a`` reversed in time (axis 0), contiguous: the backward direction's processing order."""
    return np.ascontiguousarray(a[::-1])


def forward_layers(params: list[list[bptt.Params]], x: np.ndarray, h0=None, c0=None) -> list[list[bptt.Forward]]:
    r"""The forward pass of every layer and direction; ``h0``/``c0`` ``(L*dirs, [B,] H)`` as in torch (zeros)."""
    fws, inp = [], x
    for l, dirs in enumerate(params):
        row = []
        for d, p in enumerate(dirs):
            k = l * len(dirs) + d
            s0 = None if h0 is None else h0[k]
            c_0 = None if c0 is None else c0[k]
            row.append(bptt.forward(p, inp if d == 0 else _flip(inp), s0, c_0))
        fws.append(row)
        inp = _output(row)
    return fws


def _output(row: list[bptt.Forward]) -> np.ndarray:
    """``y = [h_fwd; h_bwd]`` time-aligned along the last axis."""
    if len(row) == 1:
        return row[0].h
    return np.concatenate([row[0].h, row[1].h[::-1]], axis=-1)


def run(module_or_params, x, *, readout: Readout | nn.Linear | None = None, targets=None, weights=None,
        loss: Callable[[torch.Tensor], torch.Tensor] | None = None, h0=None, c0=None,
        truncate: int | None = None) -> NetworkTrace:
    r"""Forward a network over ``x`` and backpropagate the loss through every layer, direction and step.

    .. math::
        h^{(l,d)}_t = \mathrm{cell}(y^{(l-1)}_t, h^{(l,d)}_{t\mp1}),\quad
        y^{(l)}_t = [h^{(l,\rightarrow)}_t; h^{(l,\leftarrow)}_t],\quad y^{(0)}_t = x_t,\quad
        z_t = W y^{(L)}_t + b,\quad L = \textstyle\sum_{t,b} w_{t,b}\,\mathrm{CE}(z_{t,b}, k_{t,b})

    and going down, :math:`\partial L/\partial y^{(l-1)}_t = \sum_d W_{ih}^{(l,d)\top} \mathrm{dpre}^{(l,d)}_t`
    is the direct gradient of layer ``l-1`` (each layer's BPTT is :func:`rnnviz.bptt.backward`).
    Shapes: ``x (T, [B,] I)``, ``y^{(l)} (T, [B,] dirs*H)``, ``z (T, [B,] K)``.

    Args:
        module_or_params: an ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (any ``num_layers``, ``bidirectional``)
            or :class:`rnnviz.models.ElmanRNN`, or ``params[l][d]`` from :func:`layer_params`.
        x: ``(T, B, I)`` or ``(T, I)`` (tensor or array).
        readout: optional linear readout (``nn.Linear`` or :class:`Readout`).
        targets: with a readout, ``(T, [B])`` int class indices: the loss is the weighted
            softmax cross-entropy :math:`\sum w_{t,b}\,\mathrm{CE}_{t,b}`.
        weights: ``(T, [B])`` the :math:`w_{t,b}` (default: the mean over all positions).
            Zero weights select positions (e.g. only the last step).
        loss: instead of ``targets``, any function of the logits (or of the top outputs if there
            is no readout) as a float64 tensor to a scalar; its direct gradient comes from autograd.
            Default (no targets, no loss): :math:`\sum_j z_{T,j}`, the :func:`rnnviz.trace` default.
        h0, c0: initial states ``(L*dirs, [B,] H)`` (zeros by default).
        truncate: truncated BPTT chunk length for every layer (see :func:`rnnviz.bptt.backward`).

    Returns: a :class:`NetworkTrace`.
    """
    with one_blas_thread():  # small products: one BLAS thread is faster (see rnnviz._blas) and spares other sessions
        return _run(module_or_params, x, readout, targets, weights, loss, h0, c0, truncate)


def _run(module_or_params, x, readout, targets, weights, loss, h0, c0, truncate) -> NetworkTrace:
    """:func:`run` on the calling thread's BLAS setting (the arguments as there)."""
    params = module_or_params if isinstance(module_or_params, list) else layer_params(module_or_params)
    xa = np.asarray(x.detach().cpu().double().numpy() if isinstance(x, torch.Tensor) else x, dtype=np.float64)
    if isinstance(readout, nn.Linear):
        readout = Readout.of(readout)
    fws = forward_layers(params, xa, h0, c0)
    outputs = [_output(row) for row in fws]
    top = outputs[-1]
    logits = None if readout is None else top @ readout.W.T + readout.b  # (T, [B,] K)
    z = top if logits is None else logits
    if targets is not None:
        if readout is None:
            raise ValueError("targets need a readout (the cross-entropy is over its logits)")
        L, dz = _cross_entropy(z, targets, weights)
    else:
        L, dz = _autograd_direct(z, loss)
    param_grads: dict[str, np.ndarray] = {}
    if readout is not None:
        K = z.shape[-1]
        param_grads["readout.weight"] = dz.reshape(-1, K).T @ top.reshape(-1, top.shape[-1])
        param_grads["readout.bias"] = dz.reshape(-1, K).sum(axis=0)
        g = dz @ readout.W  # (T, [B,] D)
    else:
        g = dz
    runs: list[list] = [None] * len(params)
    grad_outputs: list[np.ndarray] = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        row, H = [], params[l][0].H
        for d, (p, fw) in enumerate(zip(params[l], fws[l])):
            gd = g[..., :H] if d == 0 else _flip(g[..., H:])
            bw = bptt.backward(p, fw, np.ascontiguousarray(gd), truncate=truncate)
            row.append((fw, bw))
            sfx = f"_l{l}" + ("_reverse" if d else "")
            param_grads.update({f"weight_ih{sfx}": bw.dW_ih, f"weight_hh{sfx}": bw.dW_hh})
            if p.has_bias:
                param_grads.update({f"bias_ih{sfx}": bw.db_ih, f"bias_hh{sfx}": bw.db_hh})
        runs[l] = row
        totals = [bw.grad_h if d == 0 else bw.grad_h[::-1] for d, (_, bw) in enumerate(row)]
        grad_outputs[l] = totals[0] if len(row) == 1 else np.concatenate(totals, axis=-1)
        g = row[0][1].grad_x if len(row) == 1 else row[0][1].grad_x + row[1][1].grad_x[::-1]
    return NetworkTrace(xa, runs, outputs, grad_outputs, logits, L, g, param_grads)


def _cross_entropy(z: np.ndarray, targets, weights) -> tuple[float, np.ndarray]:
    r""":math:`L = \sum w\, \mathrm{CE}` and :math:`\partial L/\partial z = w\,(\mathrm{softmax}(z) - e_k)`."""
    k = np.asarray(targets.numpy() if isinstance(targets, torch.Tensor) else targets, dtype=np.int64)
    if k.shape != z.shape[:-1]:
        raise ValueError(f"targets must have shape {z.shape[:-1]}, got {k.shape}")
    if k.size and (k.min() < 0 or k.max() >= z.shape[-1]):
        raise ValueError(f"targets must be class indices in [0, {z.shape[-1]})")
    if weights is None:
        w = np.full(k.shape, 1.0 / max(k.size, 1))
    else:
        w = np.asarray(weights.numpy() if isinstance(weights, torch.Tensor) else weights, dtype=np.float64)
        if w.shape != k.shape:
            raise ValueError(f"weights must have shape {k.shape}, got {w.shape}")
    with np.errstate(all="ignore"):
        logp = log_softmax(z)
        picked = np.take_along_axis(logp, k[..., None], axis=-1)[..., 0]
        L = float(-(w * picked).sum())
        dz = np.exp(logp)
        np.put_along_axis(dz, k[..., None], np.take_along_axis(dz, k[..., None], axis=-1) - 1.0, axis=-1)
        dz *= w[..., None]
    return L, dz


def _autograd_direct(z: np.ndarray, loss) -> tuple[float, np.ndarray]:
    """A user loss of ``z`` and its direct gradient by autograd (``z`` a leaf)."""
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    L = loss(zt) if loss is not None else zt[-1].sum()
    if not isinstance(L, torch.Tensor) or L.numel() != 1:
        raise ValueError("loss must return a scalar tensor")
    if not L.requires_grad:
        return float(L.detach()), np.zeros_like(z)
    (g,) = torch.autograd.grad(L.reshape(()), zt, allow_unused=True)
    return float(L.detach()), (np.zeros_like(z) if g is None else g.numpy())
