r"""The small RNN of the step-through page: forward pass, loss, and BPTT written by hand.

Everything here is NumPy float64 so every number can be printed and compared with torch
autograd (:func:`autograd_reference`, float64, agreement to 1e-10 is tested).

The network (one hidden layer, ``tanh``), for every step :math:`t = 1..T`:

.. math::
    a_t = W_{xh} x_t + W_{hh} h_{t-1} + b \qquad h_t = \tanh(a_t)

    o_t = W_{ho} h_t + b_o \qquad \hat y_t = \mathrm{softmax}(o_t) \qquad
    L_t = -\log \hat y_{t, y_t} \qquad L = \sum_{t \in \mathcal{S}} L_t

where :math:`\mathcal{S}` is the set of steps that carry a loss (it depends on the
architecture pattern). Shapes: ``x_t (D,)``, ``h_t (H,)``, ``o_t (K,)``, ``W_xh (H, D)``,
``W_hh (H, H)``, ``b (H,)`` (torch's ``b_ih + b_hh``), ``W_ho (K, H)``, ``b_o (K,)``.

Backpropagation through time, :math:`\delta_t = \partial L / \partial h_t` (total, through
the recurrence), is the sum of two sources:

.. math::
    \delta_t = \underbrace{W_{ho}^\top (\hat y_t - e_{y_t})\,[t \in \mathcal{S}]}_{\text{output at } t}
      + \underbrace{W_{hh}^\top \big(\tanh'(a_{t+1}) \odot \delta_{t+1}\big)}_{\text{from } t+1}
    \qquad \tanh'(a) = 1 - \tanh^2(a)

and with :math:`g_t = \tanh'(a_t) \odot \delta_t`:
:math:`\partial L/\partial W_{xh} = \sum_t g_t x_t^\top`,
:math:`\partial L/\partial W_{hh} = \sum_t g_t h_{t-1}^\top`,
:math:`\partial L/\partial b = \sum_t g_t`,
:math:`\partial L/\partial W_{ho} = \sum_t (\hat y_t - e_{y_t}) h_t^\top`.

Architecture patterns (:data:`PATTERNS`): ``many_to_many`` (a loss at every step),
``many_to_one`` (one loss at the last step), ``one_to_many`` (one input at t=1, zeros after,
a loss at every step), ``enc_dec`` (an encoder RNN reads N inputs, no outputs; a decoder
RNN starts from the encoder's last state and emits M outputs), ``bidirectional`` (a forward
and a backward RNN, :math:`o_t = W_{ho} [h^\rightarrow_t; h^\leftarrow_t] + b_o`).

Truncated BPTT with chunk length ``k``: the forward pass is unchanged (the state carries
across chunk boundaries), but the gradient does not cross them: at a chunk start ``s``
(0-based ``s % k == 0``, ``s > 0``) ``h_{s-1}`` is treated as a constant, so the
"from t+1" term of :math:`\delta_{s-1}` is zero. This is what ``h = h.detach()`` at chunk
boundaries does in PyTorch (:func:`autograd_reference` does exactly that). The link from
the encoder to the decoder (the decoder's initial state) is not a chunk boundary.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz import bptt
from rnnviz.stepthrough_data import (  # noqa: F401 (the data half; rnnviz.stepthrough is the one name the page uses)
    INPUT_KINDS, MAX_HIDDEN, MAX_SLOTS, MAX_STEPS, PATTERNS, VOCAB, Problem, _onehot, make_problem, parse_numbers,
    parse_word,
)
# --------------------------------------------------------------------------- network


@dataclass
class Cell:
    """Parameters of one tanh RNN: ``W_xh (H, D)``, ``W_hh (H, H)``, ``b (H,)``."""

    W_xh: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray

    @property
    def H(self) -> int:
        return int(self.W_hh.shape[0])


@dataclass
class Net:
    """The whole network: one or two RNN cells and the output layer.

    ``cells`` keys: ``"f"`` (the RNN of the one-directional patterns, and the forward
    direction of ``bidirectional``), ``"b"`` (backward direction), ``"enc"``/``"dec"``.
    ``W_ho (K, H)`` (``(K, 2H)`` for bidirectional: forward columns first), ``b_o (K,)``.
    """

    cells: dict[str, Cell]
    W_ho: np.ndarray
    b_o: np.ndarray


def part_names(pattern: str) -> tuple[str, ...]:
    """The RNN cells a pattern uses, in forward-computation order."""
    return {"enc_dec": ("enc", "dec"), "bidirectional": ("f", "b")}.get(pattern, ("f",))


def random_net(problem: Problem, hidden: int, seed: int = 0, scale: float = 1.0) -> Net:
    """Seeded weights, uniform in ``[-scale/sqrt(H), scale/sqrt(H)]`` (torch's default rule)."""
    if not 1 <= int(hidden) <= MAX_HIDDEN:
        raise ValueError(f"The hidden size must be between 1 and {MAX_HIDDEN}.")
    H = int(hidden)
    rng = np.random.default_rng(int(seed))
    s = scale / np.sqrt(H)
    u = lambda *shape: rng.uniform(-s, s, size=shape)  # noqa: E731
    cells = {}
    for name in part_names(problem.pattern):
        D = problem.X_enc.shape[1] if name == "enc" else problem.D
        cells[name] = Cell(u(H, D), u(H, H), u(H))
    n_in = 2 * H if problem.pattern == "bidirectional" else H
    return Net(cells, u(problem.K, n_in), u(problem.K))


def net_from_state_dict(sd: dict, problem: Problem) -> Net:
    """A one-directional :class:`Net` from ``{"rnn.weight_ih_l0", ..., "head.weight", "head.bias"}``.

    ``b = rnn.bias_ih_l0 + rnn.bias_hh_l0``. Shapes are checked against ``problem``.
    """
    g = lambda k: np.asarray(sd[k].detach().cpu().double().numpy() if hasattr(sd[k], "detach") else sd[k],  # noqa: E731
                             dtype=np.float64)
    W_xh, W_hh = g("rnn.weight_ih_l0"), g("rnn.weight_hh_l0")
    b = g("rnn.bias_ih_l0") + g("rnn.bias_hh_l0")
    W_ho, b_o = g("head.weight"), g("head.bias")
    H = W_hh.shape[0]
    expected = {"W_xh": (H, problem.D), "W_hh": (H, H), "b": (H,), "W_ho": (problem.K, H), "b_o": (problem.K,)}
    got = {"W_xh": W_xh.shape, "W_hh": W_hh.shape, "b": b.shape, "W_ho": W_ho.shape, "b_o": b_o.shape}
    for k, shp in expected.items():
        if tuple(got[k]) != shp:
            raise ValueError(f"Weights do not fit this input: {k} has shape {tuple(got[k])}, expected {shp}.")
    return Net({"f": Cell(W_xh, W_hh, b)}, W_ho, b_o)


# --------------------------------------------------------------------------- forward


@dataclass
class PartForward:
    """One RNN's forward pass, in its own processing order.

    ``X (T, D)`` inputs as fed, ``h0 (H,)``, ``A (T, H)`` pre-activations, ``Hs (T, H)`` states.
    """

    X: np.ndarray
    h0: np.ndarray
    A: np.ndarray
    Hs: np.ndarray


@dataclass
class Forward:
    """Forward pass of the whole network.

    ``parts`` per cell name; ``Hcat (T, H or 2H)`` the readout input (bidirectional: forward
    and time-aligned backward states side by side), ``O (T, K)`` logits, ``P (T, K)`` softmax,
    ``L (T,)`` per-step losses (0 where there is no loss), ``loss`` the sum.
    """

    parts: dict[str, PartForward]
    Hcat: np.ndarray
    O: np.ndarray
    P: np.ndarray
    L: np.ndarray
    loss: float


def _params(cell: Cell) -> bptt.Params:
    """The cell as engine parameters (``b_ih = b``, ``b_hh = 0``, tanh)."""
    return bptt.Params("RNN", "tanh", cell.W_xh, cell.W_hh, cell.b, np.zeros_like(cell.b))


def rnn_forward(cell: Cell, X: np.ndarray, h0: np.ndarray | None = None) -> PartForward:
    r""":math:`h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b)` for ``X (T, D)``, ``h0 (H,)`` (zeros).

    The recurrence is the engine's (:func:`rnnviz.bptt.forward`).
    """
    fw = bptt.forward(_params(cell), X, h0)
    return PartForward(fw.x, fw.h0, fw.pre, fw.h)


def softmax(O: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``O (T, K)``, shifted by the row max for stability."""
    Z = O - O.max(axis=-1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=-1, keepdims=True)


def forward(net: Net, problem: Problem) -> Forward:
    """The forward pass of ``net`` on ``problem`` (see the module docstring)."""
    parts: dict[str, PartForward] = {}
    if problem.pattern == "enc_dec":
        parts["enc"] = rnn_forward(net.cells["enc"], problem.X_enc)
        parts["dec"] = rnn_forward(net.cells["dec"], problem.X, parts["enc"].Hs[-1])
        Hcat = parts["dec"].Hs
    elif problem.pattern == "bidirectional":
        parts["f"] = rnn_forward(net.cells["f"], problem.X)
        parts["b"] = rnn_forward(net.cells["b"], problem.X[::-1].copy())  # processing order T..1
        Hcat = np.concatenate([parts["f"].Hs, parts["b"].Hs[::-1]], axis=1)  # (T, 2H), time-aligned
    else:
        parts["f"] = rnn_forward(net.cells["f"], problem.X)
        Hcat = parts["f"].Hs
    O = Hcat @ net.W_ho.T + net.b_o  # (T, K)
    P = softmax(O)
    L = np.where(problem.mask, -np.log(P[np.arange(problem.T), problem.y]), 0.0)
    return Forward(parts, Hcat, O, P, L, float(L.sum()))


# --------------------------------------------------------------------------- backward


@dataclass
class PartBackward:
    """Hand BPTT of one RNN, in its processing order (step index ``t`` = 0..T-1).

    ``delta (T, H)`` = dL/dh_t = ``from_out + from_next``; ``from_out (T, H)`` the gradient
    arriving directly from the output/loss at t; ``from_next (T, H)`` = W_hh^T (tanh'(a_{t+1})
    * delta_{t+1}) (zero across a truncation boundary); ``G (T, H)`` = tanh'(a_t) * delta_t;
    totals ``dW_xh, dW_hh, db``; ``dh0 (H,)``; running sums ``run_W_xh (T, H, D)``,
    ``run_W_hh (T, H, H)``, ``run_b (T, H)``: the sums over steps ``s >= t`` (what BPTT has
    accumulated when it has just processed step t going backwards).
    """

    delta: np.ndarray
    from_out: np.ndarray
    from_next: np.ndarray
    G: np.ndarray
    dW_xh: np.ndarray
    dW_hh: np.ndarray
    db: np.ndarray
    dh0: np.ndarray
    run_W_xh: np.ndarray
    run_W_hh: np.ndarray
    run_b: np.ndarray
    cut: np.ndarray  # (T,) bool: True where the gradient from t+1 was cut (chunk boundary after t)


@dataclass
class Backward:
    """Hand gradients of the whole network.

    ``dO (T, K)`` = dL/do_t = (yhat_t - e_{y_t}) [t has a loss]; ``dW_ho``, ``db_o`` totals,
    ``run_W_ho (T, K, Hc)``, ``run_b_o (T, K)`` running sums from T down to t (time order);
    ``parts`` per cell name.
    """

    dO: np.ndarray
    dW_ho: np.ndarray
    db_o: np.ndarray
    run_W_ho: np.ndarray
    run_b_o: np.ndarray
    parts: dict[str, PartBackward]

    def grads(self) -> dict[str, np.ndarray]:
        """Flat dict ``"<cell>.W_xh"``, ``"<cell>.W_hh"``, ``"<cell>.b"``, ``"W_ho"``, ``"b_o"``."""
        out = {"W_ho": self.dW_ho, "b_o": self.db_o}
        for name, pb in self.parts.items():
            out[f"{name}.W_xh"], out[f"{name}.W_hh"], out[f"{name}.b"] = pb.dW_xh, pb.dW_hh, pb.db
        return out


def _check_k(k: int | None) -> int | None:
    if k is None or int(k) <= 0:
        return None
    return int(k)


def rnn_backward(cell: Cell, pf: PartForward, from_out: np.ndarray, k: int | None = None) -> PartBackward:
    r"""BPTT through one RNN given the direct gradients ``from_out (T, H)`` (the engine's :func:`rnnviz.bptt.backward`).

    .. math::
        \delta_t = \text{from\_out}_t + W_{hh}^\top\big((1 - h_{t+1}^2) \odot \delta_{t+1}\big)

    the second term being dropped when ``t+1`` starts a chunk of length ``k`` (truncation).
    The running sums are :math:`\sum_{s \ge t} G_s x_s^\top` etc., suffix sums of the per-step terms.
    """
    p = _params(cell)
    fw = bptt.Forward(pf.X, pf.h0, np.zeros_like(pf.h0), pf.Hs, None, pf.A, pf.Hs, {})
    from_out = np.asarray(from_out, dtype=np.float64)
    bw = bptt.backward(p, fw, from_out, truncate=_check_k(k))
    G = bw.dpre  # (T, H): tanh'(a_t) * delta_t

    def suffix(terms):  # row t = sum over s >= t
        return np.cumsum(terms[::-1], axis=0)[::-1]

    run_W_xh = suffix(G[:, :, None] * pf.X[:, None, :])  # (T, H, D)
    run_W_hh = suffix(G[:, :, None] * fw.h_prev[:, None, :])  # (T, H, H)
    run_b = suffix(G)  # (T, H)
    return PartBackward(bw.grad_h, from_out.copy(), bw.grad_next, G, bw.dW_ih, bw.dW_hh, bw.db_ih, bw.grad_h0,
                        run_W_xh, run_W_hh, run_b, bw.cut)


def backward(net: Net, problem: Problem, fw: Forward, k: int | None = None) -> Backward:
    """Hand gradients of ``fw.loss`` w.r.t. every parameter; truncated BPTT if ``k`` > 0."""
    T = problem.T
    dO = fw.P.copy()
    dO[np.arange(T), problem.y] -= 1.0
    dO *= problem.mask[:, None]  # (T, K): yhat - onehot(y) where there is a loss
    dW_ho = dO.T @ fw.Hcat  # (K, Hc)
    db_o = dO.sum(axis=0)
    run_W_ho = np.cumsum((dO[:, :, None] * fw.Hcat[:, None, :])[::-1], axis=0)[::-1]  # (T, K, Hc)
    run_b_o = np.cumsum(dO[::-1], axis=0)[::-1]
    Gcat = dO @ net.W_ho  # (T, Hc): gradient reaching the readout input directly
    parts: dict[str, PartBackward] = {}
    if problem.pattern == "enc_dec":
        parts["dec"] = rnn_backward(net.cells["dec"], fw.parts["dec"], Gcat, k)
        n = fw.parts["enc"].Hs.shape[0]
        g_enc = np.zeros((n, net.cells["enc"].H))
        g_enc[-1] = parts["dec"].dh0  # the decoder's h_0 is the encoder's h_N
        parts["enc"] = rnn_backward(net.cells["enc"], fw.parts["enc"], g_enc, k)
        parts = {"enc": parts["enc"], "dec": parts["dec"]}
    elif problem.pattern == "bidirectional":
        H = net.cells["f"].H
        parts["f"] = rnn_backward(net.cells["f"], fw.parts["f"], Gcat[:, :H], k)
        parts["b"] = rnn_backward(net.cells["b"], fw.parts["b"], Gcat[::-1, H:].copy(), k)
    else:
        parts["f"] = rnn_backward(net.cells["f"], fw.parts["f"], Gcat, k)
    return Backward(dO, dW_ho, db_o, run_W_ho, run_b_o, parts)


# The check, the scalar RNN and the trained weights live in their own modules; re-exported here
# so ``rnnviz.stepthrough`` stays the one name the page and the scripts use.
from rnnviz.stepthrough_check import autograd_reference, max_abs_diff  # noqa: E402,F401
from rnnviz.stepthrough_scalar import Scalar, scalar_autograd, scalar_rnn  # noqa: E402,F401
from rnnviz.stepthrough_weights import (  # noqa: E402,F401
    WEIGHTS_FILE, WORDS, expected_module, load_trained, next_letter_accuracy, train_next_letter, weights_path,
)
