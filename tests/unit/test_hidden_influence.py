"""Connectivity ||dy_t/dx_k||_2 against torch autograd (every cell, several shapes, both readouts)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import bptt, jacobian
from rnnviz.hidden.influence import StepMaps, connectivity, input_jacobian, lag_profile, readout_gradients

CELLS = ["RNN", "LSTM", "GRU"]


def autograd_rows(module, x, readout, targets=None, h0=None):
    """The (T, T) array with torch autograd: one autograd.grad per row."""
    x = torch.as_tensor(x, dtype=torch.float64).clone().requires_grad_(True)
    module = module.double()
    state = None if h0 is None else torch.as_tensor(h0, dtype=torch.float64)[None]
    h, _ = module(x, state) if state is not None else module(x)
    if isinstance(readout, torch.nn.Linear):
        z = readout.double()(h)
        k = z.argmax(1) if targets is None else torch.as_tensor(targets)
        y = torch.log_softmax(z, 1)[torch.arange(len(k)), k]
    else:
        y = h @ torch.as_tensor(readout, dtype=torch.float64)
    T = x.shape[0]
    C = np.zeros((T, T))
    for t in range(T):
        (g,) = torch.autograd.grad(y[t], x, retain_graph=True)
        C[t] = g.norm(dim=1).numpy()
    return C


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("T,I,H", [(1, 3, 2), (6, 4, 5), (25, 9, 12), (40, 2, 7)])
def test_connectivity_matches_autograd_linear_readout(cell, T, I, H):
    module = rnnviz.build(cell, I, H, seed=T + H)
    torch.manual_seed(T)
    lin = torch.nn.Linear(H, 6).double()
    x = torch.randn(T, I, dtype=torch.float64)
    C = rnnviz.connectivity(module, x, lin)
    R = autograd_rows(module, x, lin)
    assert C.shape == (T, T)
    np.testing.assert_allclose(C, R, rtol=1e-10, atol=1e-14)
    assert np.all(np.triu(C, 1) == 0)


@pytest.mark.parametrize("cell", CELLS)
def test_connectivity_with_targets_vector_readout_and_h0(cell):
    T, I, H = 15, 5, 8
    module = rnnviz.build(cell, I, H, seed=3, init="orthogonal")
    x = torch.randn(T, I, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    lin = torch.nn.Linear(H, 4).double()
    targets = np.arange(T) % 4
    np.testing.assert_allclose(connectivity(module, x, lin, targets=targets), autograd_rows(module, x, lin, targets),
                               rtol=1e-10, atol=1e-14)
    w = np.zeros(H)
    w[2] = 1.0  # y_t = h_{t,2}: how far back unit 2 looks
    if cell != "LSTM":  # nn.LSTM needs (h0, c0); the engine path takes h0 alone
        h0 = np.linspace(-0.5, 0.5, H)
        np.testing.assert_allclose(connectivity(module, x, w, h0=h0), autograd_rows(module, x, w, h0=h0),
                                   rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(connectivity(module, x, w), autograd_rows(module, x, w), rtol=1e-10, atol=1e-14)


def test_float32_char_model_is_replayed_in_float64():
    """The shipped models are float32; connectivity replays them in float64 (compare with a float64 copy)."""
    module = rnnviz.build("LSTM", 6, 5, seed=0, dtype=torch.float32)
    lin = torch.nn.Linear(5, 6)
    x = torch.nn.functional.one_hot(torch.tensor([0, 3, 2, 5, 1, 1, 4]), 6).float()
    import copy

    np.testing.assert_allclose(connectivity(module, x, lin),
                               autograd_rows(copy.deepcopy(module), x, copy.deepcopy(lin)), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("cell", CELLS)
def test_step_maps_equal_engine_step_jacobian_and_autograd_input_jacobian(cell):
    T, I, H = 5, 3, 4
    module = rnnviz.build(cell, I, H, seed=7)
    x = np.random.default_rng(0).normal(size=(T, I))
    p = bptt.params_of(module)
    fw = bptt.forward(p, x)
    maps = StepMaps(p, fw)
    for k in range(1, T):
        M = maps(k).copy()
        J = jacobian.step_jacobian(p, fw, k)
        np.testing.assert_allclose(M[:, I:], J[:, :H], rtol=1e-12, atol=1e-15)
        D = np.random.default_rng(k).normal(size=(3, M.shape[0]))  # the product the connectivity loop uses
        np.testing.assert_allclose(maps.vjp(D, k), D @ M, rtol=1e-12, atol=1e-14)

        # input Jacobian of one cell step with torch autograd, the previous state fixed
        def step(xk, k=k):
            xs = torch.as_tensor(x, dtype=torch.float64).clone()
            h_prev = torch.as_tensor(fw.h[k - 1])[None]
            if cell == "LSTM":
                c_prev = torch.as_tensor(fw.c[k - 1])[None]
                _, (h, c) = module(xk[None], (h_prev, c_prev))
                return torch.cat([h.reshape(-1), c.reshape(-1)])
            _, h = module(xk[None], h_prev)
            return h.reshape(-1)

        Jx = torch.autograd.functional.jacobian(step, torch.as_tensor(x[k]))
        np.testing.assert_allclose(input_jacobian(p, fw, k), Jx.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_step_maps_blocks_in_any_order_across_chunks(cell):
    """The blocks N_k are formed a chunk of steps at a time into a reused ring: asked for in any order (the ring
    refilled between two steps of one chunk), every M_k still equals the engine's step Jacobian."""
    from rnnviz.hidden import influence

    T, I, H = 4 * influence.CHUNK + 3, 3, 5  # several chunks and a partial last one
    module = rnnviz.build(cell, I, H, seed=11)
    x = np.random.default_rng(4).normal(size=(T, I))
    p = bptt.params_of(module)
    fw = bptt.forward(p, x)
    maps = StepMaps(p, fw)
    assert maps.J % influence.ALIGN == 0 and maps.J >= I + H
    order = np.random.default_rng(5).permutation(np.arange(1, T))
    for k in np.concatenate([order, order[::-1]]):
        M = maps(int(k))
        assert M.shape == (maps.R if cell == "GRU" else 2 * H, I + H)
        np.testing.assert_allclose(M[:, I:], jacobian.step_jacobian(p, fw, int(k))[:, :H], rtol=1e-12, atol=1e-15)


def test_readout_gradients_closed_form():
    h = np.random.default_rng(1).normal(size=(4, 3))
    lin = torch.nn.Linear(3, 5).double()
    y, g, k = readout_gradients(h, lin)
    z = h @ lin.weight.detach().numpy().T + lin.bias.detach().numpy()
    np.testing.assert_array_equal(k, z.argmax(1))
    np.testing.assert_allclose(y, np.log(np.exp(z) / np.exp(z).sum(1, keepdims=True))[np.arange(4), k])
    with pytest.raises(ValueError, match="targets"):
        readout_gradients(h, lin, targets=[0, 1, 2, 9])
    with pytest.raises(ValueError, match="vector readout"):
        readout_gradients(h, np.ones(4))


def test_exploding_rows_are_inf_not_a_crash():
    module = rnnviz.build("RNN", 2, 4, nonlinearity="relu", seed=0, radius=50.0)
    x = np.ones((400, 2))
    C = connectivity(module, x, np.ones(4))
    assert C.shape == (400, 400) and not np.all(np.isfinite(C))


def test_lag_profile():
    C = np.tril(np.arange(16, dtype=float).reshape(4, 4))
    np.testing.assert_allclose(lag_profile(C), [np.mean([0, 5, 10, 15]), np.mean([4, 9, 14]), np.mean([8, 13]), 12])
    assert lag_profile(C, max_lag=1).shape == (2,)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_norms_whose_squares_overflow_or_underflow(cell, scale):
    """A vector readout scaled by 1e±200 scales every entry by the same factor: the squared norms leave
    the float64 range, so the pass is redone with scaled norms (rnnviz.bptt.safe_norm), not inf or 0."""
    T, I, H = 12, 3, 6
    module = rnnviz.build(cell, I, H, seed=5)
    x = np.random.default_rng(2).normal(size=(T, I))
    w = np.random.default_rng(3).normal(size=H)
    C = connectivity(module, x, w)
    np.testing.assert_allclose(C, autograd_rows(module, x, w), rtol=1e-10, atol=1e-14)
    big = connectivity(module, x, scale * w)
    assert np.all(np.isfinite(big))
    np.testing.assert_allclose(big[np.tril_indices(T)] / scale, C[np.tril_indices(T)], rtol=1e-12)
    assert np.all(np.triu(big, 1) == 0)
