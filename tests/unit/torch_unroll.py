"""A torch step-by-step unroll of rnnviz.charmodel.CharRNN (via rnnviz.train): the reference the engine is tested against.

Kept in the tests only (the app computes every dL/dh_t with the engine, rnnviz.network).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def cell_step(cell: str, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step of torch's RNN(tanh)/LSTM/GRU equations: ``x`` ``(B, I)``, ``h``/``c`` ``(B, H)``."""
    if cell == "RNN":
        return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh), None
    if cell == "LSTM":
        i, f, g, o = (x @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
    gi = (x @ w_ih.T + b_ih).chunk(3, dim=1)  # GRU: r, z, n
    gh = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(gi[0] + gh[0])
    z = torch.sigmoid(gi[1] + gh[1])
    n = torch.tanh(gi[2] + r * gh[2])
    return (1 - z) * n + z * h, None


def unrolled_forward(model, x: torch.Tensor, *, retain: bool = False):
    """Step-by-step forward of ``model.rnn`` (any number of layers) from a zero state, float64.

    Returns ``(logits (T, B, n_out), hs)`` with ``hs[l][t]`` the ``(B, H)`` tensor :math:`h^{(l)}_t`
    (``retain_grad`` called on each when ``retain``). Equal to the fused module's output (tested).
    """
    rnn, dec = model.rnn, model.readout
    T, B = x.shape
    H = model.hidden_size
    inp = [F.one_hot(x[t], model.vocab_size).double() for t in range(T)]  # T x (B, V)
    hs_all = []
    for l in range(model.layers):
        w = [getattr(rnn, f"{n}_l{l}").double() for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        h = torch.zeros(B, H, dtype=torch.float64)
        c = torch.zeros(B, H, dtype=torch.float64) if model.cell == "LSTM" else None
        hs = []
        for t in range(T):
            h, c = cell_step(model.cell, inp[t], h, c, *w)
            if retain:
                h.retain_grad()
            hs.append(h)
        hs_all.append(hs)
        inp = hs
    top = torch.stack(hs_all[-1])  # (T, B, H)
    logits = top @ dec.weight.double().T + dec.bias.double()  # (T, B, n_out)
    return logits, hs_all


def probe_loss(task: str, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Batch loss of the probe: LM mean CE over all ``(T, B)`` positions, names mean CE of the last step."""
    if task == "lm":
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    return F.cross_entropy(logits[-1], y)


def unrolled_grad_norms(model, x: torch.Tensor, y: torch.Tensor, task: str) -> np.ndarray:
    r"""``(L, T)`` array: :math:`\big(\sum_b \|\partial L/\partial h^{(l,b)}_t\|^2\big)^{1/2}` by autograd ``retain_grad``."""
    logits, hs_all = unrolled_forward(model, x, retain=True)
    probe_loss(task, logits, y).backward()
    return np.array([[float(h.grad.norm()) if h.grad is not None else 0.0 for h in hs] for hs in hs_all])
