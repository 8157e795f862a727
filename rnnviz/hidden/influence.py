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

Per step, all live rows go through one matrix product ``(B, R) @ (R, I + H)`` (:class:`StepMaps`,
``R = H``, ``2H`` for the LSTM), so a row costs :math:`R(I + H)` multiply-adds per step instead of the
:math:`GH(I + H)` of a gate-level BPTT (``G`` = 3 or 4 gates); the forward states come from
:func:`rnnviz.bptt.forward`. Checked against torch autograd in ``tests/unit/test_hidden_influence.py``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnviz import bptt
from rnnviz._blas import one_blas_thread, torch_one_thread
from rnnviz.network import log_softmax
from rnnviz.trace import _as_array

ALIGN = 8
"""The blocks' ``I + H`` columns are padded with zeros to a multiple of ``ALIGN`` (float64: 64-byte rows): the GEMMs
of the connectivity loop ran about 5 % faster with J = 192 than with J = 190 here."""
CHUNK = 4
"""Steps whose blocks :math:`N_k` are formed by one batched product (:meth:`StepMaps.block`): about 3x faster than
one ``einsum`` per step here (LSTM, H = 128: 3 ms against 10 ms for 200 steps)."""


class StepMaps:
    r"""The one-step Jacobians of a recorded forward pass, as the connectivity loop multiplies by them.

    :math:`M_k = [\partial s_k/\partial x_k \;|\; \partial s_k/\partial h_{k-1}]`, ``(S, I + H)``
    (previous state held fixed; ``S = H``, or ``2H`` for the LSTM with :math:`s = (h, c)`).
    The loop needs only products :math:`D\,M_k` of ``B`` row vectors ``D`` ``(B, S)``, written as

    .. math:: D\,M_k = U_k(D)\,N_k, \qquad U_k(D)\ (B, R) \text{ row-scaled deltas},\quad N_k\ (R, J) \text{ a block},

    with ``J = I + H`` padded with zero columns to a multiple of :data:`ALIGN` (``N_k``'s last columns are 0),

    so that the only :math:`O(B\,H\,J)` work per step is one matrix product (:meth:`scale`, :meth:`block`):

    - RNN (``R = H``): :math:`U = D \odot \phi'(a_k)`, :math:`N = [W_{ih} | W_{hh}]` (the same every step);
    - GRU (``R = H``): :math:`U = D`, :math:`N_k = M_k = \mathrm{diag}((h_{k-1}-n_k) z_k(1-z_k))[W_{iz}|W_{hz}]
      + \mathrm{diag}(d_n h^n_k r_k(1-r_k))[W_{ir}|W_{hr}] + [\mathrm{diag}(d_n) W_{in} \;|\; \mathrm{diag}(d_n r_k) W_{hn}
      + \mathrm{diag}(z_k)]` with :math:`d_n = (1-z_k)(1-n_k^2)`;
    - LSTM (``R = 2H``), with :math:`D = [D_h | D_c]`, :math:`A_k = o_k(1-\tanh^2 c_k)`,
      :math:`\kappa^o_k = \tanh c_k\, o_k(1-o_k)`: :math:`U = [D_h \odot A_k + D_c \;|\; D_h \odot \kappa^o_k]`,
      :math:`N_k = [N^c_k; W_o]` with the ``c`` rows of :math:`M_k`,
      :math:`N^c_k = \mathrm{diag}(c_{k-1}f_k(1-f_k))[W_{if}|W_{hf}] + \mathrm{diag}(g_k i_k(1-i_k))[W_{ii}|W_{hi}]
      + \mathrm{diag}(i_k(1-g_k^2))[W_{ig}|W_{hg}]`; the ``h`` rows, :math:`\mathrm{diag}(A_k) N^c_k + \mathrm{diag}(\kappa^o_k) W_o`,
      are never formed. The first half of ``U`` is :math:`\partial y/\partial c_k` through both paths, and
      :math:`\partial y/\partial c_{k-1} = (D_h \odot A_k + D_c) \odot f_k` (:meth:`carry`).

    The block sums :math:`\sum_g \mathrm{diag}(\kappa_{g,k}) W_g` of ``CHUNK`` consecutive steps are one batched
    product ``(H, C, G) @ (H, G, J) -> (H, C, J)`` (one ``(C, G) @ (G, J)`` per unit ``h``; ``G`` = 3 LSTM, 4 GRU
    coefficient rows), from the coefficients ``(H, T, G)`` and the weight blocks stacked once, ``(H, G, J)``,
    written into a ring of ``C`` reused ``(R, J)`` buffers (the LSTM's ``W_o`` rows are written once).
    :meth:`__call__` gives :math:`M_k` itself; its hidden-state columns equal
    :func:`rnnviz.jacobian.step_jacobian` (the tests check them and the input columns against torch autograd).
    """

    def __init__(self, p: bptt.Params, fw: bptt.Forward):
        self.kind, self.H, self.I = p.kind, p.H, p.I
        H, I = p.H, p.I
        self.J = J = -(-(I + H) // ALIGN) * ALIGN  # I + H, padded with zero columns (see ALIGN)
        Wcat = np.zeros((p.W_ih.shape[0], J))  # (G*H, J)
        Wcat[:, :I], Wcat[:, I:I + H] = p.W_ih, p.W_hh
        blocks = [Wcat[g * H:(g + 1) * H] for g in range(Wcat.shape[0] // H)]
        self.T = T = fw.h.shape[0]
        with np.errstate(all="ignore"):
            if p.kind == "RNN":
                self.K = bptt._PHI_PRIME[p.nonlinearity](fw.pre, fw.h)  # (T, H): phi'(a_k)
                self.N = np.ascontiguousarray(blocks[0])  # (H, J)
            elif p.kind == "GRU":
                Wr, Wz, Wn = blocks
                Wn_x, Wn_h = np.zeros((H, J)), np.zeros((H, J))
                Wn_x[:, :I], Wn_h[:, I:] = Wn[:, :I], Wn[:, I:]
                W = [Wr, Wz, Wn_x, Wn_h]
                r, z, n = fw.act[:, :H], fw.act[:, H:2 * H], fw.act[:, 2 * H:]
                dn = (1 - z) * (1 - n * n)
                K = [dn * fw.extra["hn"] * r * (1 - r), (fw.h_prev - n) * z * (1 - z), dn, dn * r]  # 4 x (T, H)
                self.z = z
                R = H
            else:
                Wi, Wf, Wg, Wo = blocks
                W = [Wi, Wf, Wg]  # the c rows
                i, f, g, o = (fw.act[:, k * H:(k + 1) * H] for k in range(4))
                tc = fw.extra["tanh_c"]
                K = [g * i * (1 - i), fw.c_prev * f * (1 - f), i * (1 - g * g)]  # 3 x (T, H)
                self.A, self.k_o, self.f = o * (1 - tc * tc), tc * o * (1 - o), f  # (T, H) each
                R = 2 * H
            if p.kind != "RNN":
                self.Kh = np.ascontiguousarray(np.stack(K, axis=2).transpose(1, 0, 2))  # (H, T, G)
                self.Wh = np.ascontiguousarray(np.stack(W, axis=1))  # (H, G, J)
                self.C = max(1, min(CHUNK, T))
                self.ring = np.empty((self.C, R, J))  # N_k for the steps of one chunk; LSTM: [N^c_k; W_o]
                if p.kind == "LSTM":
                    self.ring[:, H:] = Wo
                self.N = self.ring[0]
                self._lo = -1  # first step of the chunk in the ring
        self.R = self.N.shape[0]
        self._diag = (np.arange(H), I + np.arange(H))
        # torch views of the same memory for the loop's GEMM and fused multiply-adds (see _backprop)
        # (the per-step rows as tuples of views: indexing a tensor costs more than the small ops themselves)
        self.N_t = torch.from_numpy(self.N)
        if p.kind != "RNN":
            self.ring_t = torch.from_numpy(self.ring).unbind(0)
        self.K_t = torch.from_numpy(self.K).unbind(0) if p.kind == "RNN" else None
        if p.kind == "LSTM":
            self.A_t, self.k_o_t, self.f_t = (torch.from_numpy(np.ascontiguousarray(a)).unbind(0)
                                              for a in (self.A, self.k_o, self.f))

    def block(self, k: int) -> torch.Tensor:
        r""":math:`N_k`, ``(R, J)``: a torch view of a ring buffer, valid until a step of another chunk is asked for.

        The first call for a step of chunk ``[lo, lo + C)`` (``lo`` a multiple of ``C``) forms the blocks of all its
        steps at once; the connectivity loop, right to left, forms each chunk once.
        """
        if self.kind == "RNN":
            return self.N_t
        lo = k - k % self.C
        if lo != self._lo:
            hi = min(lo + self.C, self.T)
            ring = self.ring[:hi - lo]
            np.matmul(self.Kh[:, lo:hi], self.Wh, out=ring[:, :self.H].transpose(1, 0, 2))  # (H, C, J)
            if self.kind == "GRU":
                ring[:, self._diag[0], self._diag[1]] += self.z[lo:hi]  # + diag(z_k)
            self._lo = lo
        return self.ring_t[k - lo]

    def scale(self, D_h: torch.Tensor, k: int, U: torch.Tensor) -> None:
        r"""Write :math:`U_k(D)` ``(B, R)`` into ``U`` from :math:`D_h` ``(B, H)`` (torch views, float64).

        For the LSTM, ``U[:, :H]`` holds :math:`D_c` on entry and is updated in place.
        """
        H = self.H
        if self.kind == "RNN":
            torch.mul(D_h, self.K_t[k], out=U)
        elif self.kind == "GRU":
            U.copy_(D_h)
        else:
            U[:, :H].addcmul_(D_h, self.A_t[k])
            torch.mul(D_h, self.k_o_t[k], out=U[:, H:])

    def carry(self, U: torch.Tensor, k: int) -> None:
        r"""LSTM: turn ``U[:, :H]`` (:math:`\partial y/\partial c_k`) into :math:`D_c = \partial y/\partial c_{k-1}`, in place."""
        if self.kind == "LSTM":
            U[:, :self.H].mul_(self.f_t[k])

    def vjp(self, D: np.ndarray, k: int) -> np.ndarray:
        r"""``(B, I + H)``: :math:`D\,M_k` for ``B`` row vectors ``D`` ``(B, S)``, as the connectivity loop computes it."""
        H = self.H
        U = torch.zeros((D.shape[0], self.R), dtype=torch.float64)
        if self.kind == "LSTM":
            U[:, :H] = torch.from_numpy(D[:, H:])
        self.scale(torch.from_numpy(np.ascontiguousarray(D[:, :H])), k, U)
        return (U @ self.block(k)).numpy()[:, :self.I + H]

    def __call__(self, k: int) -> np.ndarray:
        """:math:`M_k`, ``(S, I + H)`` (a new array)."""
        with np.errstate(all="ignore"):
            N = self.block(k).numpy()[:, :self.I + self.H]  # the ring's memory: read before any other block() call
            if self.kind == "RNN":
                return N * self.K[k][:, None]
            if self.kind == "GRU":
                return N.copy()
            H = self.H
            return np.vstack([self.A[k][:, None] * N[:H] + self.k_o[k][:, None] * N[H:], N[:H]])


def input_jacobian(p: bptt.Params, fw: bptt.Forward, t: int) -> np.ndarray:
    r"""``(S, I)``: :math:`\partial s_t/\partial x_t` at step ``t`` (0-based), previous state fixed (see :class:`StepMaps`)."""
    return StepMaps(p, fw)(t)[:, :p.I].copy()


def readout_arrays(readout, H: int):
    """``(W (V, H), b (V,))`` for a Linear readout, or ``(w (H,), None)`` for a vector readout."""
    if isinstance(readout, nn.Linear):
        W = _as_array(readout.weight)
        b = _as_array(readout.bias) if readout.bias is not None else np.zeros(W.shape[0])
        if W.shape[1] != H:
            raise ValueError(f"the readout reads {W.shape[1]} features but the hidden state has {H}")
        return W, b
    w = _as_array(readout)
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
    W, b = readout_arrays(readout, H)
    if b is None:
        return h @ W, np.broadcast_to(W, (T, H)).copy(), None
    z = h @ W.T + b  # (T, V)
    k = np.argmax(z, axis=1) if targets is None else np.asarray(targets, dtype=np.int64).reshape(-1)
    if k.shape != (T,) or (k.size and (k.min() < 0 or k.max() >= W.shape[0])):
        raise ValueError(f"targets must be {T} class indices in 0..{W.shape[0] - 1}")
    with np.errstate(all="ignore"):
        logp = log_softmax(z)  # (T, V)
        y = logp[np.arange(T), k]
        g = W[k] - np.exp(logp) @ W  # (T, H)
    return y, g, k


def _sum_squares(G: np.ndarray, out: np.ndarray) -> None:
    np.einsum("ij,ij->i", G, G, out=out)


def _scaled_norms(G: np.ndarray, out: np.ndarray) -> None:
    out[...] = bptt.safe_norm(G, axis=1)


def _backprop(maps: StepMaps, dy_dh: np.ndarray, row_norm) -> np.ndarray:
    r"""``(T, T)``: ``row_norm`` of :math:`\partial y_t/\partial x_k` for all ``k <= t``, all rows together.

    Right to left over ``k``; at step ``k`` the live rows are ``t = k..T-1`` (``B = T - k``):

    - ``G[t, I:I+H]`` holds :math:`\partial y_t/\partial h_k` (row ``k`` is seeded with :math:`\partial y_k/\partial h_k`);
    - ``U[t]`` := :math:`U_k(\partial y_t/\partial s_k)` (:meth:`StepMaps.scale`), then one product
      ``G[k:] = U[k:] @ N_k`` gives :math:`[\partial y_t/\partial x_k \;|\; \partial y_t/\partial h_{k-1} \;|\; 0]` ``(B, J)``;
    - column ``k`` of the result, ``row_norm(G[k:, :I])``, is written as row ``k`` of its transpose (contiguous).

    ``G`` and ``U`` are torch tensors (float64): torch's MKL GEMM ran about 20 % faster than NumPy's
    OpenBLAS on these ``(B, R) @ (R, J)`` products here, and its fused in-place multiply-adds about 2x
    faster than NumPy's; the norms are NumPy ``einsum`` passes on the same memory.
    """
    T, I, H = dy_dh.shape[0], maps.I, maps.H
    out_T = np.zeros((T, T))  # out_T[k, t] = row_norm(dy_t/dx_k)
    G = torch.zeros((T, maps.J), dtype=torch.float64)  # (T, J); columns past I + H stay 0
    U = torch.zeros((T, maps.R), dtype=torch.float64)  # (T, R); the LSTM's first H columns carry dy/dc
    G_np = G.numpy()
    for k in range(T - 1, -1, -1):
        G_np[k, I:I + H] = dy_dh[k]
        G_k, U_k = G[k:], U[k:]  # the live rows
        maps.scale(G_k[:, I:I + H], k, U_k)
        torch.mm(U_k, maps.block(k), out=G_k)
        row_norm(G_np[k:, :I], out_T[k, k:])
        maps.carry(U_k, k)
    return out_T.T.copy()


def connectivity_from(p: bptt.Params, fw: bptt.Forward, dy_dh: np.ndarray) -> np.ndarray:
    r"""``(T, T)`` :math:`\|\partial y_t/\partial x_k\|_2` for the recorded forward ``fw`` and the
    direct readout gradients ``dy_dh`` ``(T, H)`` (row ``t`` seeds :math:`\partial y_t/\partial h_t`).

    The norms are :math:`\sqrt{\sum_i g_i^2}`; where a sum of squares is out of ``(1e-300, 1e300)`` (it
    may have overflowed or underflowed: an exploding or vanishing model, or an exact zero) the whole pass
    is run again with scaled norms (:func:`rnnviz.bptt.safe_norm`).
    """
    maps = StepMaps(p, fw)
    with np.errstate(all="ignore"), one_blas_thread(), torch_one_thread():
        sq = _backprop(maps, dy_dh, _sum_squares)
        lower = sq[np.tril_indices(len(sq))]  # a 0 here may be an underflow: only a scaled norm can tell
        if np.all(np.isfinite(lower) & (lower > 1e-300) & (lower < 1e300)):
            return np.sqrt(sq)
        return _backprop(maps, dy_dh, _scaled_norms)


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
    p = bptt.params_of(module)
    xa = _as_array(x)
    fw = bptt.forward(p, xa, None if h0 is None else _as_array(h0), None if c0 is None else _as_array(c0))
    return readout_connectivity(p, fw, readout, targets)[0]


def readout_connectivity(p: bptt.Params, fw: bptt.Forward, readout, targets=None):
    r"""``(C (T, T), y (T,), targets (T,) or None)`` for a recorded forward ``fw``: :func:`readout_gradients` of
    ``fw.h``, then :func:`connectivity_from`, all on one BLAS thread (as :func:`connectivity`; the readout's
    ``(T, H) @ (H, V)`` and ``(T, V) @ (V, H)`` products too: OpenBLAS's idle workers spin on the other core,
    measured here at about 25 % more CPU time for the readout step with two threads than with one).
    """
    with one_blas_thread():
        y, g, k = readout_gradients(fw.h, readout, targets)
        return connectivity_from(p, fw, g), y, k


def lag_profile(C: np.ndarray, max_lag: int | None = None) -> np.ndarray:
    r"""Mean influence at each lag: :math:`m_\ell = \frac{1}{T-\ell}\sum_{t=\ell}^{T-1} C_{t,t-\ell}`, ``ell = 0..max_lag``.

    ``(max_lag + 1,)``; ``nan`` where a lag has no entry. How far back a model looks, on average.
    """
    T = C.shape[0]
    L = T - 1 if max_lag is None else min(max_lag, T - 1)
    return np.array([np.mean(np.diagonal(C, offset=-lag)) for lag in range(L + 1)])
