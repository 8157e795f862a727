r"""Jacobians of the state along the sequence, and the classic bound, from a :mod:`rnnviz.bptt` forward record.

One sequence, one layer (``fw.h`` of shape ``(T, H)``):

.. math::
    J_k = \frac{\partial h_T}{\partial h_k} = \prod_{t=k+1}^{T} \frac{\partial h_t}{\partial h_{t-1}},
    \qquad \text{vanilla RNN: } \frac{\partial h_t}{\partial h_{t-1}} = \mathrm{diag}(\phi'(a_t))\, W_{hh},
    \qquad \|J_k\|_2 \le (\|W_{hh}\|_2 \max|\phi'|)^{T-k}
"""
from __future__ import annotations

import numpy as np

from rnnviz._blas import one_blas_thread
from rnnviz.bptt import Forward, Params
from rnnviz.bptt_kernels import _PHI_PRIME, PHI_PRIME_MAX
from rnnviz.norms import safe_norm


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
