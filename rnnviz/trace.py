r"""``rnnviz.trace``: replay a one-layer recurrent module on one sequence and record everything.

>>> import torch, rnnviz
>>> model = torch.nn.LSTM(input_size=8, hidden_size=16)
>>> x = torch.randn(50, 8)                                     # (T, input_size)
>>> tr = rnnviz.trace(model, x, loss=lambda hs: hs[-1].sum())  # the default loss
>>> tr.h.shape, tr.grad_norm.shape
((50, 16), (50,))

The forward and backward passes are the hand-derived recursions of :mod:`rnnviz.bptt` in
NumPy float64; torch autograd is used only for the loss's *direct* gradient
:math:`\partial L/\partial h_t` (each ``h_t`` treated as a leaf), so any differentiable loss
of the hidden sequence works.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn

from rnnviz import bptt, jacobian
from rnnviz.models import GATE_NAMES, cell_type

LossFn = Callable[[torch.Tensor], torch.Tensor]


def last_step_loss(hs: torch.Tensor) -> torch.Tensor:
    r""":math:`L = \sum_j h_{T,j}`: the gradient enters only at the last step (the default)."""
    return hs[-1].sum()


def every_step_loss(hs: torch.Tensor) -> torch.Tensor:
    r""":math:`L = \sum_t \sum_j h_{t,j}`: every step receives a direct gradient of ones."""
    return hs.sum()


@dataclass
class Replay:
    r"""What a float64 replay of one layer over one sequence records (NumPy arrays).

    Attributes:
        kind: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        x: ``(T, I)`` input.
        h: ``(T, H)`` hidden states :math:`h_1..h_T` (equal to ``module(x)[0]``).
        c: ``(T, H)`` LSTM cell states, else ``None``.
        gates: dict of ``(T, H)``: LSTM ``i, f, g, o``; GRU ``r, z, n``; RNN ``{}`` (:func:`gates_of`).
        params, forward: the engine's records (:class:`rnnviz.bptt.Params`, :class:`rnnviz.bptt.Forward`).
    """

    kind: str
    x: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]
    params: bptt.Params = field(repr=False)
    forward: bptt.Forward = field(repr=False)

    @property
    def T(self) -> int:
        return self.h.shape[0]

    @property
    def H(self) -> int:
        return self.h.shape[1]


def gates_of(p: bptt.Params, fw: bptt.Forward) -> dict[str, np.ndarray]:
    """The gate activations of a forward record by name, ``(T, H)`` views of ``fw.act`` (RNN: ``{}``)."""
    H = p.H
    return {name: fw.act[:, k * H:(k + 1) * H] for k, name in enumerate(GATE_NAMES[p.kind])}


@dataclass
class Trace(Replay):
    r"""Everything recorded for one sequence (all arrays NumPy float64): a :class:`Replay` and its backward pass.

    Attributes (besides :class:`Replay`'s ``kind, x, h, c, gates, params, forward``):
        nonlinearity: RNN activation.
        pre: ``(T, G*H)`` pre-activations.
        loss: the scalar loss value.
        grad_direct: ``(T, H)`` direct :math:`\partial L/\partial h_t` from the loss alone.
        grad_h: ``(T, H)`` total :math:`\partial L/\partial h_t` through the recurrence.
        grad_c: ``(T, H)`` total :math:`\partial L/\partial c_t` (LSTM), else ``None``.
        grad_norm: ``(T,)`` :math:`\|\partial L/\partial h_t\|_2`.
        grad_h0: ``(H,)`` gradient w.r.t. the initial state.
        param_grads: parameter name -> gradient, same names and shapes as ``module.named_parameters()``.
    """

    nonlinearity: str
    pre: np.ndarray
    loss: float
    grad_direct: np.ndarray
    grad_h: np.ndarray
    grad_c: np.ndarray | None
    grad_norm: np.ndarray
    grad_h0: np.ndarray
    param_grads: dict[str, np.ndarray]

    @property
    def finite(self) -> bool:
        """``False`` if any state or gradient overflowed to ``inf``/``nan``."""
        arrays = [self.h, self.grad_h] + ([self.c, self.grad_c] if self.c is not None else [])
        return bool(all(np.all(np.isfinite(a)) for a in arrays))

    def jacobian_norms(self, spectral_steps: int | None = None) -> dict:
        r"""Norms of :math:`\partial h_T/\partial h_k`; see :func:`rnnviz.jacobian.jacobian_norms`."""
        return jacobian.jacobian_norms(self.params, self.forward, spectral_steps=spectral_steps)

    def bound(self) -> np.ndarray:
        r""":math:`(\|W_{hh}\|_2 \max|\phi'|)^{T-k}` (vanilla RNN only); see :func:`rnnviz.jacobian.gradient_bound`."""
        return jacobian.gradient_bound(self.params, self.T)


def _as_array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().to(torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def trace(module: nn.Module, x, loss: LossFn | None = None, h0=None, c0=None, *, layer: int | None = None) -> Trace:
    r"""Replay ``module`` on one sequence ``x`` and backpropagate ``loss`` through time.

    Args:
        module: a one-layer, unidirectional ``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` or
            :class:`rnnviz.models.ElmanRNN` (any dtype; the replay is float64).
        x: ``(T, input_size)`` tensor or array.
        loss: callable mapping the ``(T, H)`` float64 hidden sequence to a scalar tensor;
            default :func:`last_step_loss` (``hs[-1].sum()``).
        h0, c0: optional initial states ``(H,)`` (zeros by default).
        layer: for a stacked module (``num_layers > 1``), trace layer ``layer`` on its own input, the
            hidden sequence of the layer below (:func:`rnnviz.byo.layer_input`).

    Returns: a :class:`Trace`. Raises ``ValueError`` on an unsupported module or bad shapes.
    """
    if layer is not None:
        from rnnviz.byo import layer_input, layer_module

        x, module = layer_input(module, x, layer), layer_module(module, layer)
    cell_type(module)  # one layer, one direction: the Trace contract
    p = bptt.params_of(module)
    xa = _as_array(x)
    if xa.ndim == 1 and p.I == 1:
        xa = xa[:, None]
    fw = bptt.forward(p, xa, None if h0 is None else _as_array(h0), None if c0 is None else _as_array(c0))

    loss = loss or last_step_loss
    hs = torch.tensor(fw.h, dtype=torch.float64, requires_grad=True)
    L = loss(hs)
    if not isinstance(L, torch.Tensor) or L.numel() != 1:
        raise ValueError("loss must return a scalar tensor")
    if L.requires_grad:
        (g,) = torch.autograd.grad(L.reshape(()), hs, allow_unused=True)
        g = np.zeros_like(fw.h) if g is None else g.numpy()
    else:
        g = np.zeros_like(fw.h)
    bw = bptt.backward(p, fw, g)

    gates = gates_of(p, fw)
    param_grads = {"weight_ih_l0": bw.dW_ih, "weight_hh_l0": bw.dW_hh}
    if p.has_bias:
        param_grads.update(bias_ih_l0=bw.db_ih, bias_hh_l0=bw.db_hh)
    return Trace(
        kind=p.kind, nonlinearity=p.nonlinearity, x=xa, h=fw.h, c=fw.c, gates=gates, pre=fw.pre,
        loss=float(L.detach()), grad_direct=g, grad_h=bw.grad_h, grad_c=bw.grad_c,
        grad_norm=bptt.safe_norm(bw.grad_h, axis=1), grad_h0=bw.grad_h0, param_grads=param_grads,
        params=p, forward=fw,
    )
