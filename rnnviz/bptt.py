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

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from rnnviz._blas import one_blas_thread
from rnnviz.models import cell_type, nonlinearity_of

# phi'(a), given a and h = phi(a); phi itself is applied in place by _PHI_OUT (below).
_PHI_PRIME = {
    "tanh": lambda a, h: 1.0 - h * h,
    "relu": lambda a, h: (a > 0).astype(np.float64),
    "sigmoid": lambda a, h: h * (1.0 - h),
    "identity": lambda a, h: np.ones_like(a),
}
PHI_PRIME_MAX = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "identity": 1.0}
r"""``max |phi'|`` over the real line, for the bound :math:`(\|W_{hh}\|_2 \max|\phi'|)^{T-k}`."""


def safe_norm(v: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""L2 norm along ``axis`` without overflow or underflow of the squares.

    :math:`\|v\| = m \sqrt{\sum_i (v_i/m)^2}` with :math:`m = \max_i |v_i|`; ``inf`` if any entry is
    infinite, ``nan`` if any entry is ``nan``. (``np.linalg.norm`` squares first, so a gradient of
    1e200 would overflow to ``inf`` and one of 1e-200 underflow to 0.)
    """
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(all="ignore"):
        m = np.max(np.abs(v), axis=axis, keepdims=True)
        ok = np.isfinite(m) & (m > 0)
        scaled = np.where(ok, v / np.where(ok, m, 1.0), 0.0)
        out = np.squeeze(m, axis=axis) * np.sqrt(np.sum(scaled * scaled, axis=axis))
        out = np.where(np.squeeze(m, axis=axis) == 0, 0.0, out)
        out = np.where(np.isinf(np.squeeze(m, axis=axis)), np.inf, out)
        out = np.where(np.isnan(v).any(axis=axis), np.nan, out)
    return out


@dataclass
class Params:
    r"""The weights of a one-layer recurrent module as float64 arrays.

    Attributes:
        kind: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        nonlinearity: the RNN activation (``"tanh"`` for LSTM/GRU).
        W_ih: ``(G*H, I)``; W_hh: ``(G*H, H)``; b_ih, b_hh: ``(G*H,)`` (zeros if the module has no bias).
        names: the module's parameter names for ``W_ih, W_hh, b_ih, b_hh`` (``None`` where absent).
    """

    kind: str
    nonlinearity: str
    W_ih: np.ndarray
    W_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    has_bias: bool = True
    W_hhT: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.W_hhT = np.ascontiguousarray(self.W_hh.T)  # (H, G*H), for the backward mat-vecs

    @property
    def H(self) -> int:
        return self.W_hh.shape[1]

    @property
    def I(self) -> int:  # noqa: E743 - the math name
        return self.W_ih.shape[1]


def params_of(module: nn.Module) -> Params:
    """Read a supported module's weights into float64 :class:`Params` (checks the module type)."""
    kind = cell_type(module)

    def arr(name):
        p = getattr(module, name, None)
        return None if p is None else p.detach().cpu().to(torch.float64).numpy().copy()

    W_ih, W_hh = arr("weight_ih_l0"), arr("weight_hh_l0")
    b_ih, b_hh = arr("bias_ih_l0"), arr("bias_hh_l0")
    has_bias = b_ih is not None
    if not has_bias:
        b_ih = np.zeros(W_ih.shape[0])
        b_hh = np.zeros(W_ih.shape[0])
    return Params(kind, nonlinearity_of(module) if kind == "RNN" else "tanh", W_ih, W_hh, b_ih, b_hh, has_bias)


@dataclass
class Forward:
    r"""Forward-pass record of one sequence.

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
        """``(T, H)``: :math:`h_0..h_{T-1}`."""
        return np.vstack([self.h0[None, :], self.h[:-1]])

    @property
    def c_prev(self) -> np.ndarray:
        return np.vstack([self.c0[None, :], self.c[:-1]])


def forward(p: Params, x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> Forward:
    """Run the recurrence over ``x`` of shape ``(T, I)``; returns a :class:`Forward` record."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != p.I:
        raise ValueError(f"x must have shape (T, {p.I}), got {x.shape}")
    T, H = x.shape[0], p.H
    if T < 1:
        raise ValueError("the sequence must have at least one step")
    h0 = np.zeros(H) if h0 is None else np.asarray(h0, dtype=np.float64).reshape(H)
    c0 = np.zeros(H) if c0 is None else np.asarray(c0, dtype=np.float64).reshape(H)
    with np.errstate(all="ignore"), one_blas_thread():
        if p.kind == "RNN":
            return _forward_rnn(p, x, h0, c0)
        if p.kind == "LSTM":
            return _forward_lstm(p, x, h0, c0)
        return _forward_gru(p, x, h0, c0)


def _forward_rnn(p, x, h0, c0):
    T, H = x.shape[0], p.H
    Ax = x @ p.W_ih.T + (p.b_ih + p.b_hh)  # (T, H)
    a = np.empty((T, H))
    h = np.empty((T, H))
    hp = h0
    W = p.W_hh
    Wh = np.empty(H)
    phi = _PHI_OUT[p.nonlinearity]
    for t in range(T):  # written with out= buffers: no temporaries in the hot loop
        np.dot(W, hp, out=Wh)
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
    T, H = x.shape[0], p.H
    # sigma(a) = (1 + tanh(a/2)) / 2: with every pre-activation scaled by 1/2 (1 for the g block),
    # all four gates are one tanh and one affine map per step. The scale is folded into W_hh and
    # the input projection once, so the loop has no temporaries (out= everywhere).
    scale = np.full(4 * H, 0.5)
    scale[2 * H:3 * H] = 1.0
    shift = np.full(4 * H, 0.5)
    shift[2 * H:3 * H] = 0.0
    Ax = (x @ p.W_ih.T + (p.b_ih + p.b_hh)) * scale  # (T, 4H), scaled pre-activations from x
    W = p.W_hh * scale[:, None]  # (4H, H)
    Z = np.empty((T, 4 * H))  # scaled pre-activations
    act = np.empty((T, 4 * H))
    h = np.empty((T, H))
    c = np.empty((T, H))
    tc = np.empty((T, H))
    buf = np.empty(4 * H)
    ig = np.empty(H)
    hp, cp = h0, c0
    for t in range(T):
        np.dot(W, hp, out=buf)
        np.add(buf, Ax[t], out=Z[t])
        s = act[t]
        np.tanh(Z[t], out=s)
        s *= scale
        s += shift  # now [i, f, g, o]
        np.multiply(s[H:2 * H], cp, out=c[t])
        np.multiply(s[:H], s[2 * H:3 * H], out=ig)
        c[t] += ig
        np.tanh(c[t], out=tc[t])
        np.multiply(s[3 * H:], tc[t], out=h[t])
        hp, cp = h[t], c[t]
    pre = Z / scale
    return Forward(x, h0, c0, h, c, pre, act, {"tanh_c": tc})


def _forward_gru(p, x, h0, c0):
    T, H = x.shape[0], p.H
    Ax = x @ p.W_ih.T + p.b_ih  # (T, 3H)
    pre = np.empty((T, 3 * H))
    act = np.empty((T, 3 * H))
    hn = np.empty((T, H))
    h = np.empty((T, H))
    hp = h0
    W, bh = p.W_hh, p.b_hh
    for t in range(T):
        Hh = W @ hp + bh  # (3H,)
        a_rz = Ax[t, :2 * H] + Hh[:2 * H]
        rz = 1.0 / (1.0 + np.exp(-a_rz))
        r, z = rz[:H], rz[H:]
        a_n = Ax[t, 2 * H:] + r * Hh[2 * H:]
        n = np.tanh(a_n)
        pre[t, :2 * H] = a_rz
        pre[t, 2 * H:] = a_n
        act[t, :2 * H] = rz
        act[t, 2 * H:] = n
        hn[t] = Hh[2 * H:]
        h[t] = (1.0 - z) * n + z * hp
        hp = h[t]
    return Forward(x, h0, c0, h, None, pre, act, {"hn": hn})


@dataclass
class Backward:
    r"""Backward-pass record.

    Attributes:
        grad_h: ``(T, H)`` total :math:`\partial L/\partial h_t` (the :math:`\delta_t` of the recursion).
        grad_c: ``(T, H)`` total :math:`\partial L/\partial c_t` (LSTM), else ``None``.
        dpre: ``(T, G*H)`` gradient w.r.t. the pre-activations that multiply :math:`x_t` (``W_ih`` side).
        dpre_h: ``(T, G*H)`` the same on the ``W_hh`` side (differs from ``dpre`` only for GRU's n block).
        grad_h0, grad_c0: ``(H,)`` gradient w.r.t. the initial states.
        dW_ih ``(G*H, I)``, dW_hh ``(G*H, H)``, db_ih, db_hh ``(G*H,)``: parameter gradients.
    """

    grad_h: np.ndarray
    grad_c: np.ndarray | None
    dpre: np.ndarray
    dpre_h: np.ndarray
    grad_h0: np.ndarray
    grad_c0: np.ndarray | None
    dW_ih: np.ndarray
    dW_hh: np.ndarray
    db_ih: np.ndarray
    db_hh: np.ndarray


def backward(p: Params, fw: Forward, dL_dh: np.ndarray) -> Backward:
    r"""Backpropagate the direct loss gradients ``dL_dh`` (``(T, H)``: :math:`\partial L_t / \partial h_t`
    holding the other states fixed) through time; returns the totals and parameter gradients."""
    g = np.asarray(dL_dh, dtype=np.float64)
    if g.shape != fw.h.shape:
        raise ValueError(f"dL_dh must have shape {fw.h.shape}, got {g.shape}")
    with np.errstate(all="ignore"), one_blas_thread():
        if p.kind == "RNN":
            grad_h, grad_c, dpre, dpre_h, gh0, gc0 = _backward_rnn(p, fw, g)
        elif p.kind == "LSTM":
            grad_h, grad_c, dpre, dpre_h, gh0, gc0 = _backward_lstm(p, fw, g)
        else:
            grad_h, grad_c, dpre, dpre_h, gh0, gc0 = _backward_gru(p, fw, g)
        dW_ih = dpre.T @ fw.x
        dW_hh = dpre_h.T @ fw.h_prev
        db_ih = dpre.sum(axis=0)
        db_hh = dpre_h.sum(axis=0)
    return Backward(grad_h, grad_c, dpre, dpre_h, gh0, gc0, dW_ih, dW_hh, db_ih, db_hh)


def _backward_rnn(p, fw, g):
    T, H = g.shape
    dphi = _PHI_PRIME[p.nonlinearity](fw.pre, fw.h)  # (T, H)
    delta = np.empty((T, H))
    da = np.empty((T, H))
    carry = np.zeros(H)  # W_hh^T (delta_{t+1} * phi'(a_{t+1}))
    WT = p.W_hhT
    for t in range(T - 1, -1, -1):
        np.add(g[t], carry, out=delta[t])
        np.multiply(delta[t], dphi[t], out=da[t])
        np.dot(WT, da[t], out=carry)
    return delta, None, da, da, carry, None


def _backward_lstm(p, fw, g):
    T, H = g.shape
    act, tc = fw.act, fw.extra["tanh_c"]
    i, f, gg, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
    c_prev = fw.c_prev
    A = o * (1.0 - tc * tc)  # dh_t/dc_t (diagonal), (T, H)
    # dpre = [dc, dc, dc, dh] * K, with K the local derivative of each gate's pre-activation;
    # the i, f, g blocks are one broadcast multiply of dc with K3 (T, 3, H).
    K3 = np.stack([gg * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - gg * gg)], axis=1)
    Ko = tc * o * (1.0 - o)
    grad_h = np.empty((T, H))
    grad_c = np.empty((T, H))
    dpre = np.empty((T, 4 * H))
    d3 = dpre[:, :3 * H].reshape(T, 3, H)  # a view: writing d3[t] fills dpre[t, :3H]
    carry_h = np.zeros(H)  # W_hh^T dpre_{t+1}
    carry_c = np.zeros(H)  # dL/dc_{t+1} * f_{t+1}
    WT = p.W_hhT
    for t in range(T - 1, -1, -1):
        dh, dc = grad_h[t], grad_c[t]
        np.add(g[t], carry_h, out=dh)
        np.multiply(dh, A[t], out=dc)
        dc += carry_c
        np.multiply(dc, K3[t], out=d3[t])
        np.multiply(dh, Ko[t], out=dpre[t, 3 * H:])
        np.dot(WT, dpre[t], out=carry_h)
        np.multiply(dc, f[t], out=carry_c)
    return grad_h, grad_c, dpre, dpre, carry_h, carry_c


def _backward_gru(p, fw, g):
    T, H = g.shape
    act, hn = fw.act, fw.extra["hn"]
    r, z, n = act[:, :H], act[:, H:2 * H], act[:, 2 * H:]
    h_prev = fw.h_prev
    Kn = (1.0 - z) * (1.0 - n * n)  # d a_n-side: dh -> d(pre n)
    Kr = Kn * hn * r * (1.0 - r)  # dh -> d(pre r)
    Kz = (h_prev - n) * z * (1.0 - z)  # dh -> d(pre z)
    grad_h = np.empty((T, H))
    dpre = np.empty((T, 3 * H))
    dpre_h = np.empty((T, 3 * H))
    carry = np.zeros(H)
    WT = p.W_hhT
    for t in range(T - 1, -1, -1):
        dh = g[t] + carry
        grad_h[t] = dh
        dn_pre = dh * Kn[t]
        d = dpre[t]
        d[:H] = dh * Kr[t]
        d[H:2 * H] = dh * Kz[t]
        d[2 * H:] = dn_pre
        dh_side = dpre_h[t]
        dh_side[:2 * H] = d[:2 * H]
        dh_side[2 * H:] = dn_pre * r[t]
        carry = dh * z[t] + WT @ dh_side
    return grad_h, None, dpre, dpre_h, carry, None


def step_jacobian(p: Params, fw: Forward, t: int) -> np.ndarray:
    r"""The one-step Jacobian of the state at step ``t`` (0-based) w.r.t. the state before it.

    RNN, GRU: :math:`\partial h_t/\partial h_{t-1}`, ``(H, H)``; for the RNN it is
    :math:`\mathrm{diag}(\phi'(a_t))\, W_{hh}`.
    LSTM: the state is :math:`(h, c)` and the Jacobian is ``(2H, 2H)``, blocks
    ``[[dh/dh, dh/dc], [dc/dh, dc/dc]]`` with :math:`\partial c_t/\partial c_{t-1} = \mathrm{diag}(f_t)`.
    """
    H = p.H
    W = p.W_hh
    with np.errstate(all="ignore"):
        if p.kind == "RNN":
            d = _PHI_PRIME[p.nonlinearity](fw.pre[t], fw.h[t])
            return d[:, None] * W
        if p.kind == "GRU":
            r, z, n = fw.act[t, :H], fw.act[t, H:2 * H], fw.act[t, 2 * H:]
            hp = fw.h_prev[t]
            hn = fw.extra["hn"][t]
            dn = (1 - z) * (1 - n * n)
            J = np.diag(z)
            J += ((hp - n) * z * (1 - z))[:, None] * W[H:2 * H]
            J += (dn * hn * r * (1 - r))[:, None] * W[:H]
            J += (dn * r)[:, None] * W[2 * H:]
            return J
        i, f, g, o = (fw.act[t, k * H:(k + 1) * H] for k in range(4))
        tc = fw.extra["tanh_c"][t]
        cp = fw.c_prev[t]
        dc_dh = ((cp * f * (1 - f))[:, None] * W[H:2 * H] + (g * i * (1 - i))[:, None] * W[:H]
                 + (i * (1 - g * g))[:, None] * W[2 * H:3 * H])
        A = o * (1 - tc * tc)
        dh_dh = (tc * o * (1 - o))[:, None] * W[3 * H:] + A[:, None] * dc_dh
        J = np.empty((2 * H, 2 * H))
        J[:H, :H] = dh_dh
        J[:H, H:] = np.diag(A * f)
        J[H:, :H] = dc_dh
        J[H:, H:] = np.diag(f)
        return J


def jacobian_norms(p: Params, fw: Forward, *, spectral_steps: int | None = None) -> dict:
    r"""Norms of :math:`J_k = \partial h_T / \partial h_k` for every ``k = 1..T``.

    Accumulated right to left, :math:`J_{k} = J_{k+1}\, \partial h_{k+1}/\partial h_k`, with
    :math:`J_T = I`. For the LSTM the state is :math:`(h, c)` and :math:`J_k` is the ``h``-block
    of :math:`\partial (h_T, c_T)/\partial (h_k, c_k)`, i.e. ``c_k`` held fixed.

    Args:
        spectral_steps: compute the spectral norm (an SVD, the costly part) at this many ``k``
            spread evenly over ``1..T`` (always including ``T`` and ``1``); ``None`` means all.

    Returns: dict with ``k`` ``(T,)`` (1-based steps), ``fro`` ``(T,)`` Frobenius norms, and
    ``spec_k``/``spec`` for the steps where the spectral norm was computed.
    """
    T, H = fw.h.shape
    S = 2 * H if p.kind == "LSTM" else H
    M = np.zeros((H, S))
    M[:, :H] = np.eye(H)
    if spectral_steps is None or spectral_steps >= T:
        spec_idx = set(range(T))
    else:
        spec_idx = set(np.unique(np.round(np.linspace(0, T - 1, max(2, spectral_steps))).astype(int)).tolist())
    fro = np.empty(T)
    spec_k, kept = [], []
    with np.errstate(all="ignore"), one_blas_thread():
        for k in range(T - 1, -1, -1):  # M = dh_T / d state_k  (0-based index k is step k+1)
            Jk = M[:, :H]
            fro[k] = safe_norm(Jk.ravel())
            if k in spec_idx:
                spec_k.append(k + 1)
                kept.append(Jk.copy())
            if k > 0:
                M = M @ step_jacobian(p, fw, k)
        stack = np.asarray(kept)  # (K, H, H): one batched SVD instead of K separate calls
        finite = np.all(np.isfinite(stack), axis=(1, 2))
        spec = np.full(len(kept), np.nan)
        if finite.any():
            spec[finite] = np.linalg.svd(stack[finite], compute_uv=False)[:, 0]
    order = np.argsort(spec_k)
    return {"k": np.arange(1, T + 1), "fro": fro, "spec_k": np.asarray(spec_k)[order], "spec": spec[order]}


def gradient_bound(p: Params, T: int) -> np.ndarray:
    r"""The classic bound for the vanilla RNN: :math:`\|\partial h_T/\partial h_k\|_2 \le
    (\|W_{hh}\|_2 \max|\phi'|)^{T-k}` for ``k = 1..T``; ``(T,)``. ``ValueError`` for LSTM/GRU."""
    if p.kind != "RNN":
        raise ValueError("the bound (||W_hh|| max|phi'|)^(T-k) is for the vanilla RNN")
    gamma = np.linalg.norm(p.W_hh, 2) * PHI_PRIME_MAX[p.nonlinearity]
    with np.errstate(all="ignore"):
        return gamma ** (T - np.arange(1, T + 1, dtype=np.float64))


def global_norm(grads: dict[str, np.ndarray]) -> float:
    r""":math:`\sqrt{\sum_p \|g_p\|^2}` over all arrays (overflow-safe)."""
    if not grads:
        return 0.0
    return float(safe_norm(np.concatenate([np.ravel(g) for g in grads.values()])))


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float, float]:
    r"""Gradient clipping by global norm, exactly as ``torch.nn.utils.clip_grad_norm_``.

    .. math:: g \leftarrow g \cdot \min\!\Big(1, \frac{\text{max\_norm}}{\|g\| + 10^{-6}}\Big)

    Returns ``(clipped grads, total norm before clipping, coefficient applied)``.
    """
    if max_norm <= 0:
        raise ValueError("max_norm must be > 0")
    total = global_norm(grads)
    with np.errstate(all="ignore"):
        coef = min(1.0, max_norm / (total + 1e-6)) if np.isfinite(total) else (0.0 if np.isinf(total) else np.nan)
        return {k: v * coef for k, v in grads.items()}, total, float(coef)

