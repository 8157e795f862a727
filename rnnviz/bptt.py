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
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from rnnviz._blas import one_blas_thread
from rnnviz.models import cell_type, nonlinearity_of
from rnnviz.norms import clip_grad_norm, global_norm, safe_norm  # noqa: F401 (re-exported, used by callers)

# phi'(a), given a and h = phi(a); phi itself is applied in place by _PHI_OUT (below).
_PHI_PRIME = {
    "tanh": lambda a, h: 1.0 - h * h,
    "relu": lambda a, h: (a > 0).astype(np.float64),
    "sigmoid": lambda a, h: h * (1.0 - h),
    "identity": lambda a, h: np.ones_like(a),
}
PHI_PRIME_MAX = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "identity": 1.0}
r"""``max |phi'|`` over the real line, for the bound :math:`(\|W_{hh}\|_2 \max|\phi'|)^{T-k}`."""


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
        return {"RNN": _forward_rnn, "LSTM": _forward_lstm, "GRU": _forward_gru}[p.kind](p, x, h0, c0)


def _matvec(M: np.ndarray, batched: bool):
    r"""``f(v, out)`` writing :math:`M v` for a vector ``v``, or :math:`V M^\top` for a batch ``V (B, n)``.

    Both forms run BLAS on a contiguous matrix without a transpose (measured faster for one
    sequence than ``v @ M.T``), so the loops below serve one sequence and a batch alike. The
    loops use out= buffers: a step allocates nothing.
    """
    if batched:
        MT = np.ascontiguousarray(M.T)
        return lambda v, out: np.dot(v, MT, out=out)
    return functools.partial(np.dot, np.ascontiguousarray(M))


def _cols(batched: bool, a: int, b: int):
    """Index of columns ``a:b`` of a per-step array: ``[a:b]`` for one sequence, ``[..., a:b]`` for a batch."""
    return (Ellipsis, slice(a, b)) if batched else slice(a, b)


def _forward_rnn(p, x, h0, c0):
    Ax = x @ p.W_ih.T + (p.b_ih + p.b_hh)  # (T, [B,] H)
    a = np.empty_like(Ax)
    h = np.empty_like(Ax)
    Wh_of = _matvec(p.W_hh, h0.ndim == 2)  # W_hh h_{t-1}
    Wh = np.empty(h0.shape)
    phi = _PHI_OUT[p.nonlinearity]
    hp = h0
    for t in range(x.shape[0]):
        Wh_of(hp, Wh)
        np.add(Ax[t], Wh, out=a[t])
        phi(a[t], h[t])
        hp = h[t]
    return Forward(x, h0, c0, h, None, a, h, {})


def _tanh_out(a, out):
    np.tanh(a, out=out)


def _relu_out(a, out):
    np.maximum(a, 0.0, out=out)


def _sigmoid_out(a, out):
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def _identity_out(a, out):
    np.copyto(out, a)


_PHI_OUT = {"tanh": _tanh_out, "relu": _relu_out, "sigmoid": _sigmoid_out, "identity": _identity_out}


def _forward_lstm(p, x, h0, c0):
    H = p.H
    # sigma(a) = (1 + tanh(a/2)) / 2: with every pre-activation scaled by 1/2 (1 for the g block),
    # all four gates are one tanh and one affine map per step. The scale is folded into W_hh and
    # the input projection once, so the loop has no temporaries (out= everywhere).
    scale = np.full(4 * H, 0.5)
    scale[2 * H:3 * H] = 1.0
    shift = np.full(4 * H, 0.5)
    shift[2 * H:3 * H] = 0.0
    Ax = (x @ p.W_ih.T + (p.b_ih + p.b_hh)) * scale  # (T, [B,] 4H), scaled pre-activations from x
    Wh_of = _matvec(p.W_hh * scale[:, None], h0.ndim == 2)  # (4H, H) scaled W_hh times h_{t-1}
    Z = np.empty_like(Ax)  # scaled pre-activations
    act = np.empty_like(Ax)
    h = np.empty(Ax.shape[:-1] + (H,))
    c = np.empty_like(h)
    tc = np.empty_like(h)
    buf = np.empty(h0.shape[:-1] + (4 * H,))
    ig = np.empty(h0.shape)
    i, f, g, o = (_cols(h0.ndim == 2, k * H, (k + 1) * H) for k in range(4))  # where each gate sits in act[t]
    hp, cp = h0, c0
    for t in range(x.shape[0]):
        Wh_of(hp, buf)
        np.add(buf, Ax[t], out=Z[t])
        s = act[t]
        np.tanh(Z[t], out=s)
        s *= scale
        s += shift  # now [i, f, g, o]
        np.multiply(s[f], cp, out=c[t])
        np.multiply(s[i], s[g], out=ig)
        c[t] += ig
        np.tanh(c[t], out=tc[t])
        np.multiply(s[o], tc[t], out=h[t])
        hp, cp = h[t], c[t]
    pre = Z / scale
    return Forward(x, h0, c0, h, c, pre, act, {"tanh_c": tc})


def _forward_gru(p, x, h0, c0):
    H = p.H
    bt = h0.ndim == 2
    RZ, R, Z, N = _cols(bt, 0, 2 * H), _cols(bt, 0, H), _cols(bt, H, 2 * H), _cols(bt, 2 * H, 3 * H)
    Ax = x @ p.W_ih.T + p.b_ih  # (T, [B,] 3H)
    pre = np.empty_like(Ax)
    act = np.empty_like(Ax)
    h = np.empty(Ax.shape[:-1] + (H,))
    hn = np.empty_like(h)
    Wh_of, bh = _matvec(p.W_hh, bt), p.b_hh
    Hh = np.empty(h0.shape[:-1] + (3 * H,))
    hp = h0
    for t in range(x.shape[0]):
        Wh_of(hp, Hh)
        Hh += bh  # W_hh h_{t-1} + b_hh, ([B,] 3H)
        a, s, x_t = pre[t], act[t], Ax[t]
        np.add(x_t[RZ], Hh[RZ], out=a[RZ])
        _sigmoid_out(a[RZ], s[RZ])  # r, z
        np.copyto(hn[t], Hh[N])
        np.multiply(s[R], hn[t], out=a[N])
        a[N] += x_t[N]  # W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)
        np.tanh(a[N], out=s[N])  # n
        np.subtract(hp, s[N], out=h[t])
        h[t] *= s[Z]
        h[t] += s[N]  # (1 - z) n + z h_{t-1} = n + z (h_{t-1} - n)
        hp = h[t]
    return Forward(x, h0, c0, h, None, pre, act, {"hn": hn})


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
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = _backward_rnn(p, fw, g, cut)
        elif p.kind == "LSTM":
            dc = None if dL_dc is None else np.asarray(dL_dc, dtype=np.float64)
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = _backward_lstm(p, fw, g, cut, dc)
        else:
            grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0 = _backward_gru(p, fw, g, cut)
        GH = dpre.shape[-1]
        dW_ih = dpre.reshape(-1, GH).T @ fw.x.reshape(-1, p.I)  # sum over t (and b) of dpre x^T
        dW_hh = dpre_h.reshape(-1, GH).T @ fw.h_prev.reshape(-1, p.H)
        db_ih = dpre.reshape(-1, GH).sum(axis=0)
        db_hh = dpre_h.reshape(-1, GH).sum(axis=0)
    return Backward(grad_h, nxt, grad_c, dpre, dpre_h, gh0, gc0, dW_ih, dW_hh, db_ih, db_hh, cut, p.W_ih)


def _carry_buffers(g, cut):
    """``back (T+1, [B,] H)`` zeros and ``flows`` (list of bool).

    ``back[t]`` receives what step ``t`` sends back (``back[0]`` is the initial-state gradient,
    ``back[t+1]`` the "from t+1" part of :math:`\delta_t`); ``flows[t]`` is ``False`` where the
    gradient from step ``t`` to ``t-1`` is cut.
    """
    flows = [True] + [not c for c in cut[:-1].tolist()]
    return np.zeros((g.shape[0] + 1,) + g.shape[1:]), flows


def _backward_rnn(p, fw, g, cut):
    dphi = _PHI_PRIME[p.nonlinearity](fw.pre, fw.h)  # (T, [B,] H)
    delta = np.empty_like(g)
    da = np.empty_like(g)
    back, flows = _carry_buffers(g, cut)  # back[t+1] = W_hh^T (delta_{t+1} * phi'(a_{t+1}))
    WTd = _matvec(p.W_hh.T, g.ndim == 3)  # W_hh^T d
    for t in range(g.shape[0] - 1, -1, -1):
        np.add(g[t], back[t + 1], out=delta[t])
        np.multiply(delta[t], dphi[t], out=da[t])
        if flows[t]:
            WTd(da[t], back[t])
    return delta, back[1:], None, da, da, back[0], None


def _backward_lstm(p, fw, g, cut, dL_dc):
    H = p.H
    act, tc = fw.act, fw.extra["tanh_c"]
    i, f, gg, o = act[..., :H], act[..., H:2 * H], act[..., 2 * H:3 * H], act[..., 3 * H:]
    c_prev = fw.c_prev
    A = o * (1.0 - tc * tc)  # dh_t/dc_t (diagonal), (T, [B,] H)
    # dpre = [dc, dc, dc, dh] * K, with K the local derivative of each gate's pre-activation;
    # the i, f, g blocks are one broadcast multiply of dc with K3 (T, [B,] 3, H).
    K3 = np.stack([gg * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - gg * gg)], axis=-2)
    Ko = tc * o * (1.0 - o)
    grad_h = np.empty_like(g)
    grad_c = np.empty_like(g)
    dpre = np.empty(g.shape[:-1] + (4 * H,))
    d3 = dpre[..., :3 * H].reshape(g.shape[:-1] + (3, H))  # a view: writing d3[t] fills dpre[t, ..., :3H]
    do = dpre[..., 3 * H:]  # a view: the o block
    back, flows = _carry_buffers(g, cut)  # back[t+1] = W_hh^T dpre_{t+1}
    carry_c = np.zeros(g.shape[1:])  # dL/dc_{t+1} * f_{t+1}
    WTd = _matvec(p.W_hh.T, g.ndim == 3)
    for t in range(g.shape[0] - 1, -1, -1):
        dh, dc = grad_h[t], grad_c[t]
        np.add(g[t], back[t + 1], out=dh)
        np.multiply(dh, A[t], out=dc)
        dc += carry_c
        if dL_dc is not None:
            dc += dL_dc[t]
        np.multiply(dc[..., None, :], K3[t], out=d3[t])
        np.multiply(dh, Ko[t], out=do[t])
        if flows[t]:
            WTd(dpre[t], back[t])
            np.multiply(dc, f[t], out=carry_c)
        else:
            carry_c[...] = 0.0
    return grad_h, back[1:], grad_c, dpre, dpre, back[0], carry_c


def _backward_gru(p, fw, g, cut):
    H = p.H
    act, hn = fw.act, fw.extra["hn"]
    r, z, n = act[..., :H], act[..., H:2 * H], act[..., 2 * H:]
    Kn = (1.0 - z) * (1.0 - n * n)  # dh -> d(pre n)
    Kr = Kn * hn * r * (1.0 - r)  # dh -> d(pre r)
    Kz = (fw.h_prev - n) * z * (1.0 - z)  # dh -> d(pre z)
    grad_h = np.empty_like(g)
    dpre = np.empty(g.shape[:-1] + (3 * H,))
    dpre_h = np.empty_like(dpre)
    back, flows = _carry_buffers(g, cut)
    WTd = _matvec(p.W_hh.T, g.ndim == 3)
    dr, dz, dn = (dpre[..., k * H:(k + 1) * H] for k in range(3))  # views of the three blocks
    dside_rz, dside_n = dpre_h[..., :2 * H], dpre_h[..., 2 * H:]
    for t in range(g.shape[0] - 1, -1, -1):
        dh, dside = grad_h[t], dpre_h[t]
        np.add(g[t], back[t + 1], out=dh)
        np.multiply(dh, Kr[t], out=dr[t])
        np.multiply(dh, Kz[t], out=dz[t])
        np.multiply(dh, Kn[t], out=dn[t])
        dside_rz[t] = dpre[t, ..., :2 * H]
        np.multiply(dn[t], r[t], out=dside_n[t])
        if flows[t]:
            WTd(dside, back[t])
            back[t] += dh * z[t]
    return grad_h, back[1:], None, dpre, dpre_h, back[0], None


# Jacobians live in rnnviz.jacobian (they read a Forward record); kept reachable here for existing callers.
from rnnviz.jacobian import gradient_bound, jacobian_norms, step_jacobian  # noqa: E402,F401
