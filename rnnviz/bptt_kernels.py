r"""The engine's inner loops: one forward and one backward recursion per cell, NumPy float64, in place.

:func:`rnnviz.bptt.forward` and :func:`rnnviz.bptt.backward` check shapes and dispatch here; the
equations are in :mod:`rnnviz.bptt` and at the top of each function. Shapes: ``x (T, [B,] I)``;
states ``(T, [B,] H)``; pre-activations and gate activations ``(T, [B,] G*H)`` in torch's gate
order; ``g`` the direct loss gradients ``(T, [B,] H)``; ``cut (T,)`` bool (truncated BPTT).
The loops write into preallocated arrays (``out=``): a step allocates nothing.
"""
from __future__ import annotations

import functools

import numpy as np

# phi'(a), given a and h = phi(a); phi itself is applied in place by _PHI_OUT (below).
_PHI_PRIME = {
    "tanh": lambda a, h: 1.0 - h * h,
    "relu": lambda a, h: (a > 0).astype(np.float64),
    "sigmoid": lambda a, h: h * (1.0 - h),
    "identity": lambda a, h: np.ones_like(a),
}
PHI_PRIME_MAX = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "identity": 1.0}
r"""``max |phi'|`` over the real line, for the bound :math:`(\|W_{hh}\|_2 \max|\phi'|)^{T-k}`."""


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


def forward_rnn(p, x, h0, c0):
    r"""Vanilla RNN forward: :math:`a_t = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}`, :math:`h_t = \phi(a_t)`.

    Args: ``p`` :class:`rnnviz.bptt.Params`; ``x (T, [B,] I)``; ``h0 ([B,] H)``; ``c0`` unused.
    Returns: ``(h, None, pre, act, extra)``: ``h (T, [B,] H)``, ``pre = a (T, [B,] H)``, ``act = h``, ``{}``.
    """
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
    return h, None, a, h, {}


def _tanh_out(a, out):
    r"""``out = tanh(a)`` (any shape)."""
    np.tanh(a, out=out)


def _relu_out(a, out):
    r"""``out = max(a, 0)``."""
    np.maximum(a, 0.0, out=out)


def _sigmoid_out(a, out):
    r"""``out = 1 / (1 + exp(-a))``."""
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def _identity_out(a, out):
    r"""``out = a``."""
    np.copyto(out, a)


_PHI_OUT = {"tanh": _tanh_out, "relu": _relu_out, "sigmoid": _sigmoid_out, "identity": _identity_out}


def forward_lstm(p, x, h0, c0):
    r"""LSTM forward (gates :math:`i, f, g, o` from :math:`W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}`).

    .. math::
        c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t)

    Args: ``x (T, [B,] I)``; ``h0, c0 ([B,] H)``.
    Returns: ``(h, c, pre, act, {"tanh_c": tanh(c)})``: ``h, c (T, [B,] H)``, ``pre, act (T, [B,] 4H)``.
    """
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
    return h, c, pre, act, {"tanh_c": tc}


def forward_gru(p, x, h0, c0):
    r"""GRU forward.

    .. math::
        r_t, z_t = \sigma(W_{i\cdot} x_t + b_{i\cdot} + W_{h\cdot} h_{t-1} + b_{h\cdot}),\quad
        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot h^n_t),\quad h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}

    with :math:`h^n_t = W_{hn} h_{t-1} + b_{hn}`. Args: ``x (T, [B,] I)``; ``h0 ([B,] H)``; ``c0`` unused.
    Returns: ``(h, None, pre, act, {"hn": h^n})``: ``h, h^n (T, [B,] H)``, ``pre, act (T, [B,] 3H)``.
    """
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
    return h, None, pre, act, {"hn": hn}


def _carry_buffers(g, cut):
    """``back (T+1, [B,] H)`` zeros and ``flows`` (list of bool).

    ``back[t]`` receives what step ``t`` sends back (``back[0]`` is the initial-state gradient,
    ``back[t+1]`` the "from t+1" part of :math:`\delta_t`); ``flows[t]`` is ``False`` where the
    gradient from step ``t`` to ``t-1`` is cut.
    """
    flows = [True] + [not c for c in cut[:-1].tolist()]
    return np.zeros((g.shape[0] + 1,) + g.shape[1:]), flows


def backward_rnn(p, fw, g, cut):
    r"""Vanilla RNN BPTT: :math:`\delta_t = g_t + W_{hh}^\top(\phi'(a_{t+1}) \odot \delta_{t+1})` (second term 0 where cut).

    Args: ``fw`` the :class:`rnnviz.bptt.Forward` record; ``g (T, [B,] H)`` direct gradients; ``cut (T,)``.
    Returns: ``(grad_h, grad_next, None, dpre, dpre_h, grad_h0, None)``; ``dpre = dpre_h = \phi'(a_t) \odot \delta_t``,
    all ``(T, [B,] H)`` (``grad_h0 ([B,] H)``).
    """
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


def backward_lstm(p, fw, g, cut, dL_dc):
    r"""LSTM BPTT through :math:`h` and the cell path :math:`c`.

    .. math::
        \delta_t = g_t + W_{hh}^\top \mathrm{dpre}_{t+1},\qquad
        \frac{\partial L}{\partial c_t} = \delta_t \odot o_t \odot (1 - \tanh^2 c_t) + \frac{\partial L}{\partial c_{t+1}} \odot f_{t+1}

    Args: ``g (T, [B,] H)``; ``cut (T,)``; ``dL_dc`` optional direct :math:`\partial L/\partial c_t` ``(T, [B,] H)``.
    Returns: ``(grad_h, grad_next, grad_c, dpre, dpre, grad_h0, grad_c0)``; ``dpre (T, [B,] 4H)``, the rest ``(T, [B,] H)``.
    """
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


def backward_gru(p, fw, g, cut):
    r"""GRU BPTT: :math:`\delta_t = g_t + W_{hh}^\top \mathrm{dpre}^h_{t+1} + \delta_{t+1} \odot z_{t+1}`.

    ``dpre`` (the :math:`W_{ih}` side) and ``dpre_h`` (the :math:`W_{hh}` side) differ in the ``n``
    block: :math:`\mathrm{dpre}^h_n = \mathrm{dpre}_n \odot r_t`.
    Returns: ``(grad_h, grad_next, None, dpre, dpre_h, grad_h0, None)``; ``dpre, dpre_h (T, [B,] 3H)``.
    """
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
