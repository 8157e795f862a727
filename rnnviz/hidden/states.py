r"""Forward states of a character model over a text, and their principal components.

:func:`run` replays the model with the engine (:func:`rnnviz.bptt.forward`, float64, zero initial
state) and records every hidden state :math:`h_t` (the state after reading character ``t``), the
LSTM cell state, the gates, and the next-character distribution
:math:`p_t = \mathrm{softmax}(W_{out} h_t + b_{out})`. The states equal ``model.rnn(x)[0]`` (tested).

:func:`pca` projects a state sequence on its principal axes:

.. math::
    \bar h = \frac1T \sum_t h_t, \quad
    \tilde H = H - \mathbf 1 \bar h^\top = U \Sigma V^\top, \quad
    P = \tilde H V_{:, :k} = U_{:, :k} \Sigma_{:k}, \quad
    \lambda_j = \frac{\sigma_j^2}{T-1}, \quad \rho_j = \frac{\sigma_j^2}{\sum_i \sigma_i^2}.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz import bptt
from rnnviz.hidden.influence import readout_arrays
from rnnviz.hidden.models import CharLM
from rnnviz.network import log_softmax
from rnnviz.trace import Replay, gates_of


@dataclass
class States(Replay):
    """Everything the forward pass of one text records (NumPy float64): the :class:`rnnviz.trace.Replay`
    fields (``kind``, ``x`` the ``(T, V)`` one-hot input, ``h``, ``c``, ``gates``, ``params``, ``forward``;
    ``T``, ``H``) and

    Attributes:
        text: the ``T`` characters read.
        probs: ``(T, V)`` next-character probabilities :math:`p_t` after each character.
    """

    text: str
    probs: np.ndarray


def run(model: CharLM, text: str) -> States:
    """Read ``text`` with ``model`` from a zero state (``ValueError`` on characters outside its alphabet)."""
    x = model.encode(text)
    p = bptt.params_of(model.rnn)
    fw = bptt.forward(p, x)
    W, b = readout_arrays(model.readout, p.H)
    with np.errstate(all="ignore"):
        probs = np.exp(log_softmax(fw.h @ W.T + b))
    return States(kind=p.kind, x=x, h=fw.h, c=fw.c, gates=gates_of(p, fw), params=p, forward=fw,
                  text=text, probs=probs)


@dataclass
class PCA:
    r"""Principal components of a ``(T, H)`` sequence.

    Attributes:
        mean: ``(H,)`` :math:`\bar h`.
        components: ``(k, H)`` principal axes (rows of :math:`V^\top`), sign fixed so the entry of
            largest magnitude in each is positive.
        projected: ``(T, k)`` coordinates :math:`P` of every :math:`h_t - \bar h` on the axes.
        explained_variance: ``(k,)`` :math:`\lambda_j = \sigma_j^2/(T-1)` (the covariance eigenvalues).
        explained_ratio: ``(k,)`` :math:`\rho_j`, the share of the total variance on axis ``j``.
    """

    mean: np.ndarray
    components: np.ndarray
    projected: np.ndarray
    explained_variance: np.ndarray
    explained_ratio: np.ndarray


def pca(h, k: int = 3) -> PCA:
    """NumPy-SVD PCA of ``h`` ``(T, H)`` keeping ``k`` axes (fewer if ``min(T, H)`` is smaller).

    ``ValueError`` for fewer than two rows or non-finite values. A sequence with no variance has
    ``explained_ratio`` all zero.
    """
    h = np.asarray(h, dtype=np.float64)
    if h.ndim != 2 or h.shape[0] < 2:
        raise ValueError("PCA needs a (T, H) array with at least two time steps")
    if not np.all(np.isfinite(h)):
        raise ValueError("PCA needs finite states (this sequence overflowed)")
    T, H = h.shape
    k = max(1, min(int(k), T, H))
    mean = h.mean(axis=0)
    U, S, Vt = np.linalg.svd(h - mean, full_matrices=False)
    V = Vt[:k]
    sign = np.sign(V[np.arange(k), np.argmax(np.abs(V), axis=1)])
    sign[sign == 0] = 1.0
    V = V * sign[:, None]
    proj = U[:, :k] * (S[:k] * sign)
    total = float(np.sum(S * S))
    ratio = S[:k] ** 2 / total if total > 0 else np.zeros(k)
    return PCA(mean, V, proj, S[:k] ** 2 / (T - 1), ratio)
