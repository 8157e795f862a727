r"""The scalar RNN of the step-through page (one unit, weights U, W, V): BPTT written out in scalars.

The recurrence itself runs on the engine (:mod:`rnnviz.bptt`, a one-unit tanh RNN); this module adds
the sigmoid output, the binary cross-entropy and the running sums the page prints, and the autograd
check.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz import bptt


@dataclass
class Scalar:
    r"""The one-unit RNN with scalar weights, sigmoid output and binary cross-entropy.

    .. math::
        a_t = U x_t + W h_{t-1}, \quad h_t = \tanh(a_t), \quad z_t = V h_t, \quad
        \hat y_t = \sigma(z_t), \quad L = \sum_t -[y_t \log \hat y_t + (1 - y_t)\log(1 - \hat y_t)]

    and BPTT: :math:`\partial L/\partial z_t = \hat y_t - y_t`,
    :math:`\delta_t = (\hat y_t - y_t) V + \delta_{t+1} W (1 - h_{t+1}^2)`,
    :math:`\partial L/\partial V = \sum_t (\hat y_t - y_t) h_t`,
    :math:`\partial L/\partial W = \sum_t \delta_t (1 - h_t^2) h_{t-1}`,
    :math:`\partial L/\partial U = \sum_t \delta_t (1 - h_t^2) x_t`.
    All arrays ``(T,)``; ``h_prev[t]`` = h_{t-1} (h_0 = 0); running sums from T down to t.
    """

    U: float
    W: float
    V: float
    x: np.ndarray
    y: np.ndarray
    a: np.ndarray
    h: np.ndarray
    h_prev: np.ndarray
    z: np.ndarray
    yhat: np.ndarray
    L: np.ndarray
    dz: np.ndarray
    delta: np.ndarray
    from_out: np.ndarray
    from_next: np.ndarray
    dV: float
    dW: float
    dU: float
    run_V: np.ndarray
    run_W: np.ndarray
    run_U: np.ndarray


def scalar_rnn(U: float, W: float, V: float, x, y) -> Scalar:
    """Forward and BPTT of the scalar RNN (see :class:`Scalar`) on ``x (T,)``, ``y (T,)`` in {0, 1}.

    The recurrence is the engine's (a one-unit tanh RNN, :mod:`rnnviz.bptt`); the sigmoid output
    and the binary cross-entropy are per step.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    T = len(x)
    if T == 0:
        e = np.zeros(0)
        return Scalar(float(U), float(W), float(V), x, y, e, e, e, e, e, e, e, e, e, e, 0.0, 0.0, 0.0, e, e, e)
    p = bptt.Params("RNN", "tanh", np.array([[float(U)]]), np.array([[float(W)]]), np.zeros(1), np.zeros(1))
    fw = bptt.forward(p, x[:, None])
    a, h, hp = fw.pre[:, 0], fw.h[:, 0], fw.h_prev[:, 0]
    z = V * h
    yhat = 1.0 / (1.0 + np.exp(-z))
    # BCE via log-sigmoid for stability: log(yhat) = -softplus(-z), log(1-yhat) = -softplus(z)
    L = y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)
    dz = yhat - y
    fo = dz * V
    bw = bptt.backward(p, fw, fo[:, None])
    delta, fn, g = bw.grad_h[:, 0], bw.grad_next[:, 0], bw.dpre[:, 0]  # g = delta * (1 - h^2)
    run_V = np.cumsum((dz * h)[::-1])[::-1]
    run_W = np.cumsum((g * hp)[::-1])[::-1]
    run_U = np.cumsum((g * x)[::-1])[::-1]
    return Scalar(float(U), float(W), float(V), x, y, a, h, hp, z, yhat, L, dz, delta, fo, fn,
                  float(run_V[0]), float(run_W[0]), float(run_U[0]), run_V, run_W, run_U)


def scalar_autograd(U: float, W: float, V: float, x, y) -> dict[str, float]:
    """``dL/dU, dL/dW, dL/dV`` and ``L`` of the scalar RNN by torch autograd (float64)."""
    import torch

    p = {n: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for n, v in (("U", U), ("W", W), ("V", V))}
    xs = torch.as_tensor(np.asarray(x, dtype=np.float64))
    ys = torch.as_tensor(np.asarray(y, dtype=np.float64))
    h = torch.zeros((), dtype=torch.float64)
    loss = torch.zeros((), dtype=torch.float64)
    for t in range(len(xs)):
        h = torch.tanh(p["U"] * xs[t] + p["W"] * h)
        loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(p["V"] * h, ys[t], reduction="sum")
    loss.backward()
    return {"L": float(loss.detach()), "dU": float(p["U"].grad), "dW": float(p["W"].grad), "dV": float(p["V"].grad)}
