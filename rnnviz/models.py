r"""Builders for one-layer recurrent modules and their initialisations.

All models are real ``torch.nn`` modules: ``nn.RNN`` (tanh, relu), ``nn.LSTM``, ``nn.GRU``,
plus :class:`ElmanRNN` for the activations torch lacks (sigmoid, identity). ElmanRNN uses
the same parameter names as ``nn.RNN`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``), so the engine (:func:`rnnviz.trace`) reads every cell the same way.

Initialisations of the recurrent matrix ``W_hh`` (per gate block ``W_h*`` for LSTM/GRU):

- ``"default"``: PyTorch's ``U(-1/sqrt(H), 1/sqrt(H))``;
- ``"orthogonal"``: a random orthogonal matrix (all singular values 1);
- ``"identity"``: :math:`W_{hh} = I` and zero biases (the IRNN of Le et al., 2015).

``radius`` then rescales each block to the given spectral radius
:math:`\rho(W) = \max_i |\lambda_i(W)|`.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


CELLS = ("RNN", "LSTM", "GRU")
NONLINEARITIES = ("tanh", "relu", "sigmoid", "identity")
INITS = ("default", "orthogonal", "identity")
GATE_NAMES = {"RNN": (), "LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n")}
"""Gate names in the order torch stacks them in ``weight_ih_l0`` / ``weight_hh_l0``."""


def _act(name: str):
    return {
        "tanh": torch.tanh,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "identity": lambda a: a,
    }[name]


class ElmanRNN(nn.Module):
    r"""A one-layer Elman RNN with any of the activations tanh, relu, sigmoid, identity.

    .. math::
        h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

    Same parameters, shapes and call convention as ``nn.RNN(num_layers=1)``:

    Args:
        input_size: features of :math:`x_t`.
        hidden_size: features of :math:`h_t`.
        nonlinearity: ``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"identity"``.
        bias: if ``False`` there are no ``b_ih``, ``b_hh``.

    Inputs: ``x`` of shape ``(T, input_size)`` or ``(T, B, input_size)``, optional ``h0`` of
    shape ``(1, H)`` or ``(1, B, H)``.

    Outputs: ``output`` ``(T, [B,] H)`` holding every :math:`h_t`, and ``h_n`` ``(1, [B,] H)``.
    """

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", bias: bool = True,
                 dtype: torch.dtype | None = None):
        super().__init__()
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.nonlinearity = nonlinearity
        self.bias = bias
        self.num_layers = 1
        self.bidirectional = False
        self.batch_first = False
        k = 1.0 / math.sqrt(hidden_size)
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size, dtype=dtype).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size, dtype=dtype).uniform_(-k, k))
        if bias:
            self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size, dtype=dtype).uniform_(-k, k))
            self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size, dtype=dtype).uniform_(-k, k))

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        unbatched = x.dim() == 2
        if unbatched:
            x = x.unsqueeze(1)  # (T, 1, I)
        T, B, _ = x.shape
        h = x.new_zeros(B, self.hidden_size) if h0 is None else (h0.unsqueeze(1) if unbatched else h0)[0]
        phi = _act(self.nonlinearity)
        pre_x = x @ self.weight_ih_l0.T  # (T, B, H)
        if self.bias:
            pre_x = pre_x + self.bias_ih_l0 + self.bias_hh_l0
        outs = []
        for t in range(T):
            h = phi(pre_x[t] + h @ self.weight_hh_l0.T)
            outs.append(h)
        out = torch.stack(outs)  # (T, B, H)
        h_n = h.unsqueeze(0)  # (1, B, H)
        if unbatched:
            return out[:, 0], h_n[:, 0]
        return out, h_n

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, nonlinearity={self.nonlinearity!r}, bias={self.bias}"


def cell_type(module: nn.Module, *, stacked: bool = False) -> str:
    """``"RNN"``, ``"LSTM"`` or ``"GRU"`` for a supported module; ``ValueError`` otherwise.

    One-layer unidirectional modules only, unless ``stacked`` (then any ``num_layers`` and
    ``bidirectional``, as :mod:`rnnviz.network` reads them). ``proj_size`` is never supported.
    """
    if isinstance(module, nn.LSTM):
        kind = "LSTM"
    elif isinstance(module, nn.GRU):
        kind = "GRU"
    elif isinstance(module, (nn.RNN, ElmanRNN)):
        kind = "RNN"
    else:
        raise ValueError(f"unsupported module {type(module).__name__}: use nn.RNN, nn.LSTM, nn.GRU or rnnviz.models.ElmanRNN")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTM with proj_size is not supported")
    if stacked:
        return kind
    if getattr(module, "num_layers", 1) != 1:
        raise ValueError(f"only one-layer modules can be traced (got num_layers={module.num_layers})")
    if getattr(module, "bidirectional", False):
        raise ValueError("bidirectional modules are not supported by trace(); trace each direction separately")
    return kind


def nonlinearity_of(module: nn.Module) -> str:
    """The activation of a vanilla RNN module (``"tanh"`` for LSTM/GRU candidate paths)."""
    return getattr(module, "nonlinearity", "tanh")


def spectral_radius(W: np.ndarray | torch.Tensor) -> float:
    r""":math:`\rho(W) = \max_i |\lambda_i(W)|` of a square matrix."""
    W = W.detach().cpu().numpy() if isinstance(W, torch.Tensor) else np.asarray(W)
    if W.size == 0:
        return 0.0
    return float(np.max(np.abs(np.linalg.eigvals(W.astype(np.float64)))))


def _blocks(module: nn.Module) -> int:
    return {"RNN": 1, "LSTM": 4, "GRU": 3}[cell_type(module)]


@torch.no_grad()
def set_spectral_radius(module: nn.Module, radius: float) -> nn.Module:
    r"""Rescale each ``H x H`` block of ``W_hh`` to spectral radius ``radius`` (in place).

    ``W_hh <- W_hh * radius / rho(W_hh)`` for each gate block. A zero block stays zero.
    Returns the module.
    """
    if radius < 0 or not math.isfinite(radius):
        raise ValueError(f"spectral radius must be a finite number >= 0, got {radius}")
    W = module.weight_hh_l0
    H = module.hidden_size
    for g in range(_blocks(module)):
        block = W[g * H:(g + 1) * H]
        rho = spectral_radius(block)
        if rho > 0:
            block.mul_(radius / rho)
    return module


@torch.no_grad()
def set_forget_bias(module: nn.LSTM, value: float) -> nn.LSTM:
    r"""LSTM forget-gate bias: ``b_ih[H:2H] = value`` and ``b_hh[H:2H] = 0`` (total bias = value)."""
    if cell_type(module) != "LSTM":
        raise ValueError("forget-gate bias applies to LSTM only")
    if not module.bias:
        raise ValueError("this LSTM was built with bias=False")
    H = module.hidden_size
    module.bias_ih_l0[H:2 * H] = value
    module.bias_hh_l0[H:2 * H] = 0.0
    return module


def build(cell: str, input_size: int, hidden_size: int, *, nonlinearity: str = "tanh", init: str = "default",
          radius: float | None = None, forget_bias: float | None = None, seed: int = 0,
          dtype: torch.dtype = torch.float64, bias: bool = True) -> nn.Module:
    r"""Build a one-layer recurrent module with a reproducible initialisation.

    Args:
        cell: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        input_size, hidden_size: sizes of :math:`x_t` and :math:`h_t`.
        nonlinearity: RNN only; tanh and relu give ``nn.RNN``, sigmoid and identity :class:`ElmanRNN`.
        init: ``"default"`` (PyTorch's), ``"orthogonal"`` or ``"identity"`` for the ``W_hh`` blocks
            (``"identity"`` also zeroes the biases, as in the IRNN).
        radius: if given, rescale every ``W_hh`` block to this spectral radius.
        forget_bias: LSTM only; total forget-gate bias (see :func:`set_forget_bias`).
        seed: seeds ``torch.Generator`` for every random draw, so the same arguments give the same weights.
        dtype: parameter dtype (float64 by default: the engine works in float64).

    Returns: the module, in eval mode.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if input_size < 1 or hidden_size < 1:
        raise ValueError("input_size and hidden_size must be >= 1")
    gen = torch.Generator().manual_seed(int(seed))
    if cell == "RNN" and nonlinearity in ("tanh", "relu"):
        module = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, bias=bias, dtype=dtype)
    elif cell == "RNN":
        module = ElmanRNN(input_size, hidden_size, nonlinearity=nonlinearity, bias=bias, dtype=dtype)
    elif cell == "LSTM":
        module = nn.LSTM(input_size, hidden_size, bias=bias, dtype=dtype)
    else:
        module = nn.GRU(input_size, hidden_size, bias=bias, dtype=dtype)
    H = hidden_size
    k = 1.0 / math.sqrt(H)
    with torch.no_grad():
        for _, p in module.named_parameters():  # seeded re-draw of PyTorch's default init
            p.copy_(torch.empty(p.shape, dtype=torch.float64).uniform_(-k, k, generator=gen).to(dtype))
        W = module.weight_hh_l0
        for g in range(W.shape[0] // H):
            block = W[g * H:(g + 1) * H]
            if init == "orthogonal":
                q, r = torch.linalg.qr(torch.randn(H, H, dtype=torch.float64, generator=gen))
                q = q * torch.sign(torch.diagonal(r)).where(torch.diagonal(r) != 0, torch.ones(()))
                block.copy_(q.to(dtype))
            elif init == "identity":
                block.copy_(torch.eye(H, dtype=dtype))
        if init == "identity" and bias:
            module.bias_ih_l0.zero_()
            module.bias_hh_l0.zero_()
    if radius is not None:
        set_spectral_radius(module, radius)
    if forget_bias is not None and cell == "LSTM":
        set_forget_bias(module, forget_bias)
    return module.eval()
