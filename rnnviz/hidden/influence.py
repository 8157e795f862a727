r"""Connectivity: how strongly the prediction at step ``t`` depends on the input at step ``k``.

For a one-layer recurrent module, a readout of its hidden state and one input sequence
:math:`x_1..x_T`, :func:`connectivity` returns the ``(T, T)`` array

.. math::
    C_{t,k} = \Big\| \frac{\partial y_t}{\partial x_k} \Big\|_2 \quad (k \le t), \qquad C_{t,k} = 0 \quad (k > t),

where :math:`y_t` is a **scalar** readout of :math:`h_t` and the norm is the vector 2-norm over the
``I`` input features (for one-hot characters: over all ``V`` positions of the one-hot vector).
With a ``nn.Linear`` readout :math:`z_t = W_{out} h_t + b_{out}`,

.. math::
    y_t = \log \mathrm{softmax}(z_t)_{k_t}, \qquad
    \frac{\partial y_t}{\partial h_t} = W_{out}[k_t] - \mathrm{softmax}(z_t)^\top W_{out},

the log-probability of one character :math:`k_t`: the model's own top prediction
:math:`\arg\max z_t` (held fixed, the default) or a given target such as the actual next character.
A vector readout ``w`` gives :math:`y_t = w^\top h_t` (``w = e_j``: hidden unit ``j``).

Row ``t`` is one backpropagation through time from :math:`y_t`. All rows are run together,
right to left, as row vectors times the one-step Jacobians of the engine
(:func:`rnnviz.jacobian.step_jacobian`, :math:`\partial s_k/\partial s_{k-1}` with the state
:math:`s = h`, or :math:`(h, c)` for the LSTM) and the input Jacobians
:math:`\partial s_k/\partial x_k` (:func:`input_jacobian`):

.. math::
    g_{t,k} = \frac{\partial y_t}{\partial s_k}, \quad g_{t,t} = \Big(\frac{\partial y_t}{\partial h_t}, 0\Big), \quad
    g_{t,k-1} = g_{t,k}\,\frac{\partial s_k}{\partial s_{k-1}}, \quad
    \frac{\partial y_t}{\partial x_k} = g_{t,k}\,\frac{\partial s_k}{\partial x_k}.

Each Jacobian is formed once per step (:math:`O(H^2)`), so a row costs :math:`O(H^2 + HI)` per step
instead of the :math:`O(GH^2)` of a gate-level BPTT; the forward states come from
:func:`rnnviz.bptt.forward`. Checked against torch autograd in ``tests/unit/test_hidden_influence.py``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnviz import bptt
from rnnviz._blas import one_blas_thread


class StepMaps:
    r"""The one-step Jacobians of a recorded forward pass, built once per step from per-step coefficients.

    ``maps(k)`` is the ``(S, I + H)`` matrix :math:`M_k = [\partial s_k/\partial x_k \;|\; \partial s_k/\partial h_{k-1}]`
    (previous state held fixed; ``S = H``, or ``2H`` for the LSTM with :math:`s = (h, c)`):

    - RNN: :math:`\mathrm{diag}(\phi'(a_k))\,[W_{ih} | W_{hh}]`;
    - GRU, with :math:`d_n = (1-z_k)(1-n_k^2)`: :math:`\mathrm{diag}((h_{k-1}-n_k) z_k(1-z_k))[W_{iz}|W_{hz}]
      + \mathrm{diag}(d_n h^n_k r_k(1-r_k))[W_{ir}|W_{hr}] + [\mathrm{diag}(d_n) W_{in} \;|\; \mathrm{diag}(d_n r_k) W_{hn} + \mathrm{diag}(z_k)]`;
    - LSTM: the ``c`` rows :math:`\mathrm{diag}(c_{k-1}f(1-f))[W_{if}|W_{hf}] + \mathrm{diag}(g\,i(1-i))[W_{ii}|W_{hi}]
      + \mathrm{diag}(i(1-g^2))[W_{ig}|W_{hg}]`, the ``h`` rows :math:`\mathrm{diag}(\tanh c_k\, o(1-o))[W_{io}|W_{ho}]
      + \mathrm{diag}(o(1-\tanh^2 c_k))\,(\text{c rows})`. The ``c``-columns of the LSTM's
      :math:`\partial s_k/\partial s_{k-1}` are diagonal, ``diag(o(1-\tanh^2 c_k) f_k)`` and ``diag(f_k)``: see :attr:`carry_c`.

    The hidden-state columns equal :func:`rnnviz.jacobian.step_jacobian` (the engine's; the tests check
    it and the input columns against torch autograd). Built from ``(T, H)`` coefficient arrays and
    the weight blocks stacked once, ``(G, H, I + H)``: one ``einsum`` pass per step into a reused buffer.
    """

    def __init__(self, p: bptt.Params, fw: bptt.Forward):
        self.kind, H, I = p.kind, p.H, p.I
        self.H, self.I = H, I
        Wcat = np.hstack([p.W_ih, p.W_hh])  # (G*H, I + H)
        blocks = [Wcat[g * H:(g + 1) * H] for g in range(Wcat.shape[0] // H)]
        J = I + H
        with np.errstate(all="ignore"):
            if p.kind == "RNN":
                self.W = np.ascontiguousarray(blocks[0])
                self.K = bptt._PHI_PRIME[p.nonlinearity](fw.pre, fw.h)  # (T, H)
            elif p.kind == "GRU":
                Wr, Wz, Wn = blocks
                Wn_x, Wn_h = np.zeros((H, J)), np.zeros((H, J))
                Wn_x[:, :I], Wn_h[:, I:] = Wn[:, :I], Wn[:, I:]
                self.W = np.stack([Wr, Wz, Wn_x, Wn_h])  # (4, H, J)
                r, z, n = fw.act[:, :H], fw.act[:, H:2 * H], fw.act[:, 2 * H:]
                dn = (1 - z) * (1 - n * n)
                self.K = np.stack([dn * fw.extra["hn"] * r * (1 - r), (fw.h_prev - n) * z * (1 - z), dn, dn * r],
                                  axis=1)  # (T, 4, H)
                self.z = z
            else:
                Wi, Wf, Wg, Wo = blocks
                self.W = np.stack([Wi, Wf, Wg])  # (3, H, J): the c rows
                i, f, g, o = (fw.act[:, k * H:(k + 1) * H] for k in range(4))
                tc = fw.extra["tanh_c"]
                A = o * (1 - tc * tc)
                self.K = np.stack([g * i * (1 - i), fw.c_prev * f * (1 - f), i * (1 - g * g)], axis=1)  # (T, 3, H)
                self.K_h = np.stack([A, tc * o * (1 - o)], axis=1)  # (T, 2, H): h rows = A * (c rows) + ko * W_o
                self.carry_c = (A * f, f)  # (T, H) each: the diagonals of dh_k/dc_{k-1} and dc_k/dc_{k-1}
        # one buffer (rows of M, then W_o for the LSTM): M is a view, the LSTM's h rows read [c rows; W_o]
        self._buf = np.empty((3 if p.kind == "LSTM" else 1, H, J))
        if p.kind == "LSTM":
            self._buf[2] = Wo
        self._M = self._buf[:2 if p.kind == "LSTM" else 1].reshape(-1, J)
        self._diag = (np.arange(H), I + np.arange(H))

    def __call__(self, k: int) -> np.ndarray:
        """:math:`M_k`, ``(S, I + H)``; the returned array is reused by the next call.

        Each sum of row-scaled blocks, :math:`\sum_g \mathrm{diag}(\kappa_{g,k}) W_g`, is one
        ``einsum('gh,ghj->hj')`` pass (no temporaries): about 3x faster than block-by-block products.
        """
        buf = self._buf
        with np.errstate(all="ignore"):
            if self.kind == "RNN":
                np.multiply(self.W, self.K[k][:, None], out=buf[0])
            elif self.kind == "GRU":
                np.einsum("gh,ghj->hj", self.K[k], self.W, out=buf[0])
                buf[0][self._diag] += self.z[k]
            else:
                np.einsum("gh,ghj->hj", self.K[k], self.W, out=buf[1])  # c rows
                np.einsum("gh,ghj->hj", self.K_h[k], buf[1:3], out=buf[0])  # h rows
        return self._M

    def vjp(self, D: np.ndarray, k: int) -> np.ndarray:
        r"""``(B, I + H)``: :math:`D\,M_k` for ``B`` row vectors ``D`` ``(B, S)``, equal to ``D @ self(k)``.

        For the LSTM the ``h`` rows are never formed: with :math:`D = [D_h | D_c]`,
        :math:`D M_k = (D_h \odot A_k + D_c)\,M^c_k + (D_h \odot \kappa^o_k)\,W_o` (one block
        pass and the same multiply-adds as ``D @ M_k``).
        """
        if self.kind != "LSTM":
            return D @ self(k)
        H, buf = self.H, self._buf
        with np.errstate(all="ignore"):
            np.einsum("gh,ghj->hj", self.K[k], self.W, out=buf[1])  # c rows
            A, ko = self.K_h[k]
            Dh = D[:, :H]
            out = (Dh * A + D[:, H:]) @ buf[1]
            out += (Dh * ko) @ buf[2]
        return out


def input_jacobian(p: bptt.Params, fw: bptt.Forward, t: int) -> np.ndarray:
    r"""``(S, I)``: :math:`\partial s_t/\partial x_t` at step ``t`` (0-based), previous state fixed (see :class:`StepMaps`)."""
    return StepMaps(p, fw)(t)[:, :p.I].copy()


def _readout_arrays(readout, H: int):
    """``(W (V, H), b (V,))`` for a Linear readout, or ``(w (H,), None)`` for a vector readout."""
    if isinstance(readout, nn.Linear):
        W = readout.weight.detach().cpu().to(torch.float64).numpy()
        b = (readout.bias.detach().cpu().to(torch.float64).numpy() if readout.bias is not None
             else np.zeros(W.shape[0]))
        if W.shape[1] != H:
            raise ValueError(f"the readout reads {W.shape[1]} features but the hidden state has {H}")
        return W, b
    w = readout.detach().cpu().to(torch.float64).numpy() if isinstance(readout, torch.Tensor) else np.asarray(readout, np.float64)
    if w.shape != (H,):
        raise ValueError(f"a vector readout must have shape ({H},), got {w.shape}")
    return w, None


def readout_gradients(h: np.ndarray, readout, targets=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    r"""The scalar readouts :math:`y_t` and their direct gradients :math:`\partial y_t/\partial h_t`.

    Args:
        h: ``(T, H)`` hidden states.
        readout: ``nn.Linear(H, V)`` (log-probability readout) or a vector ``(H,)`` (linear readout).
        targets: ``(T,)`` character indices :math:`k_t` for a Linear readout; ``None``: the argmax of
            :math:`z_t`. Ignored for a vector readout.

    Returns: ``(y (T,), dy_dh (T, H), targets (T,) or None)``.
    """
    T, H = h.shape
    W, b = _readout_arrays(readout, H)
    if b is None:
        return h @ W, np.broadcast_to(W, (T, H)).copy(), None
    z = h @ W.T + b  # (T, V)
    k = np.argmax(z, axis=1) if targets is None else np.asarray(targets, dtype=np.int64).reshape(-1)
    if k.shape != (T,) or (k.size and (k.min() < 0 or k.max() >= W.shape[0])):
        raise ValueError(f"targets must be {T} class indices in 0..{W.shape[0] - 1}")
    with np.errstate(all="ignore"):
        zmax = z.max(axis=1, keepdims=True)
        e = np.exp(z - zmax)
        s = e.sum(axis=1, keepdims=True)
        prob = e / s  # (T, V)
        y = z[np.arange(T), k] - (zmax[:, 0] + np.log(s[:, 0]))
        g = W[k] - prob @ W  # (T, H)
    return y, g, k


def _row_norms(G: np.ndarray) -> np.ndarray:
    """Row 2-norms: the plain formula when it cannot overflow or underflow, else :func:`rnnviz.bptt.safe_norm`."""
    with np.errstate(all="ignore"):
        sq = np.einsum("ij,ij->i", G, G)
    if np.all(np.isfinite(sq)) and sq.max(initial=0.0) < 1e300 and np.all((sq == 0) | (sq > 1e-300)):
        return np.sqrt(sq)
    return bptt.safe_norm(G, axis=1)


def connectivity_from(p: bptt.Params, fw: bptt.Forward, dy_dh: np.ndarray) -> np.ndarray:
    r"""``(T, T)`` :math:`\|\partial y_t/\partial x_k\|_2` for the recorded forward ``fw`` and the
    direct readout gradients ``dy_dh`` ``(T, H)`` (row ``t`` seeds :math:`\partial y_t/\partial h_t`)."""
    T, H = fw.h.shape
    lstm = p.kind == "LSTM"
    I = p.I
    C = np.zeros((T, T))
    D = np.zeros((T, 2 * H if lstm else H))  # row t: dy_t/ds_k for the current k (rows t >= k are live)
    maps = StepMaps(p, fw)
    with np.errstate(all="ignore"), one_blas_thread():
        for k in range(T - 1, -1, -1):
            D[k, :H] = dy_dh[k]
            Dk = D[k:]  # (B, S), B = T - k
            out = maps.vjp(Dk, k)  # (B, I + H): [dy/dx_k | dy/dh_{k-1}]
            C[k:, k] = _row_norms(out[:, :I])
            if k == 0:
                break
            if lstm:  # dy/dc_{k-1} = dy/dh_k * diag(A f) + dy/dc_k * diag(f), before dy/dh_k is overwritten
                a, f = maps.carry_c
                Dc = Dk[:, :H] * a[k]
                Dc += Dk[:, H:] * f[k]
                Dk[:, H:] = Dc
            Dk[:, :H] = out[:, I:]
    return C


def connectivity(module: nn.Module, x, readout, targets=None, h0=None, c0=None) -> np.ndarray:
    r"""``(T, T)`` array :math:`C_{t,k} = \|\partial y_t/\partial x_k\|_2` for ``k <= t``, zero above the diagonal.

    Args:
        module: one-layer ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (or :class:`rnnviz.models.ElmanRNN`).
        x: ``(T, I)`` input sequence (tensor or array; replayed in float64).
        readout: ``nn.Linear(H, V)``: :math:`y_t = \log\mathrm{softmax}(z_t)_{k_t}`; or a vector ``(H,)``:
            :math:`y_t = w^\top h_t`.
        targets: ``(T,)`` indices :math:`k_t` (e.g. the next characters); default the argmax of :math:`z_t`.
        h0, c0: initial states ``(H,)`` (zeros by default).

    Returns: ``(T, T)`` float64; row ``t`` is the influence of every input ``x_k`` on the readout at step ``t``.
    """
    from rnnviz.trace import _as_array

    p = bptt.params_of(module)
    xa = _as_array(x)
    with one_blas_thread():  # the readout's (T, V) x (V, H) products too: idle OpenBLAS workers spin
        fw = bptt.forward(p, xa, None if h0 is None else _as_array(h0), None if c0 is None else _as_array(c0))
        _, g, _ = readout_gradients(fw.h, readout, targets)
        return connectivity_from(p, fw, g)


def lag_profile(C: np.ndarray, max_lag: int | None = None) -> np.ndarray:
    r"""Mean influence at each lag: :math:`m_\ell = \frac{1}{T-\ell}\sum_{t=\ell}^{T-1} C_{t,t-\ell}`, ``ell = 0..max_lag``.

    ``(max_lag + 1,)``; ``nan`` where a lag has no entry. How far back a model looks, on average.
    """
    T = C.shape[0]
    L = T - 1 if max_lag is None else min(max_lag, T - 1)
    return np.array([np.mean(np.diagonal(C, offset=-lag)) for lag in range(L + 1)])
