"""rnnviz.trace against PyTorch itself: forward of the fused modules, and per-step total
dL/dh_t, dL/dc_t and parameter gradients from autograd, all in float64 to <= 1e-10."""
from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.models import build

TOL = 1e-10

CASES = [
    ("RNN", "tanh"), ("RNN", "relu"), ("RNN", "sigmoid"), ("RNN", "identity"), ("LSTM", "tanh"), ("GRU", "tanh"),
]
SHAPES = [(1, 1, 1), (1, 3, 2), (2, 1, 1), (7, 4, 3), (30, 5, 8), (12, 1, 6)]  # (T, I, H)


def autograd_reference(module, x, loss, h0=None, c0=None):
    """Unroll ``module`` one step at a time in torch; a zero tensor e_t added to each h_t (and c_t)
    makes autograd report the *total* dL/dh_t (dL/dc_t) through the recurrence."""
    T = x.shape[0]
    H = module.hidden_size
    kind = rnnviz.models.cell_type(module)
    h = torch.zeros(1, H, dtype=torch.float64) if h0 is None else h0.reshape(1, H)
    c = torch.zeros(1, H, dtype=torch.float64) if c0 is None else c0.reshape(1, H)
    e_h = torch.zeros(T, H, dtype=torch.float64, requires_grad=True)
    e_c = torch.zeros(T, H, dtype=torch.float64, requires_grad=True)
    hs = []
    for t in range(T):
        xt = x[t:t + 1]
        if kind == "LSTM":
            _, (hn, cn) = module(xt, (h, c))
            c = cn + e_c[t]
        else:
            _, hn = module(xt, h)
        h = hn + e_h[t]
        hs.append(h[0])
    L = loss(torch.stack(hs))
    params = dict(module.named_parameters())
    grads = torch.autograd.grad(L, [e_h, e_c] + list(params.values()), allow_unused=True)
    return {
        "loss": L.item(), "h": torch.stack(hs).detach().numpy(), "grad_h": grads[0].numpy(),
        "grad_c": None if grads[1] is None else grads[1].numpy(), "params": {k: g.numpy() for k, g in zip(params, grads[2:])},
    }


def lstm_total_grad_c(module, x, loss):
    """Total dL/dc_t (through h_t = o_t tanh(c_t) *and* c_{t+1}) by autograd on the LSTM equations
    written out in torch (their forward is checked against nn.LSTM in the test)."""
    T, H = x.shape[0], module.hidden_size
    W_ih, W_hh = module.weight_ih_l0, module.weight_hh_l0
    b = module.bias_ih_l0 + module.bias_hh_l0
    e_c = torch.zeros(T, H, dtype=torch.float64, requires_grad=True)
    h = torch.zeros(H, dtype=torch.float64)
    c = torch.zeros(H, dtype=torch.float64)
    hs = []
    for t in range(T):
        a = W_ih @ x[t] + W_hh @ h + b
        i, f, g, o = torch.sigmoid(a[:H]), torch.sigmoid(a[H:2 * H]), torch.tanh(a[2 * H:3 * H]), torch.sigmoid(a[3 * H:])
        c = f * c + i * g + e_c[t]
        h = o * torch.tanh(c)
        hs.append(h)
    hs = torch.stack(hs)
    np.testing.assert_allclose(hs.detach().numpy(), module(x)[0].detach().numpy(), atol=1e-13)
    (g,) = torch.autograd.grad(loss(hs), e_c)
    return g.numpy()


def losses():
    w = torch.linspace(-1, 1, 5, dtype=torch.float64)
    return {
        "last": None,
        "every": rnnviz.every_step_loss,
        "quadratic": lambda hs: 0.5 * (hs ** 2).sum() + (hs[:, : min(5, hs.shape[1])] * w[: min(5, hs.shape[1])]).sum(),
    }


@pytest.mark.parametrize("cell,act", CASES)
@pytest.mark.parametrize("T,I,H", SHAPES)
def test_trace_matches_autograd(cell, act, T, I, H):
    seed = zlib.crc32(repr((cell, act, T, I, H)).encode()) % 1000
    module = build(cell, I, H, nonlinearity=act, seed=seed)
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(T, I, dtype=torch.float64, generator=gen)
    for name, loss in losses().items():
        tr = rnnviz.trace(module, x, loss=loss)
        ref = autograd_reference(module, x, loss or rnnviz.last_step_loss)
        np.testing.assert_allclose(tr.h, ref["h"], rtol=0, atol=TOL, err_msg=name)
        assert tr.loss == pytest.approx(ref["loss"], abs=TOL)
        np.testing.assert_allclose(tr.grad_h, ref["grad_h"], rtol=0, atol=TOL, err_msg=name)
        if cell == "LSTM":
            ref_c = lstm_total_grad_c(module, x, loss or rnnviz.last_step_loss)
            np.testing.assert_allclose(tr.grad_c, ref_c, rtol=0, atol=TOL, err_msg=name)
        else:
            assert tr.grad_c is None and tr.c is None
        assert set(tr.param_grads) == set(ref["params"])
        for k, g in ref["params"].items():
            np.testing.assert_allclose(tr.param_grads[k], g, rtol=0, atol=TOL, err_msg=f"{name} {k}")
        np.testing.assert_allclose(tr.grad_norm, np.linalg.norm(ref["grad_h"], axis=1), rtol=1e-12, atol=0)


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_forward_equals_fused_module_and_gates(cell):
    module = build(cell, 6, 9, seed=3)
    x = torch.randn(40, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    out, _ = module(x)
    tr = rnnviz.trace(module, x)
    np.testing.assert_allclose(tr.h, out.detach().numpy(), rtol=0, atol=1e-13)
    H = 9
    W_ih, W_hh = module.weight_ih_l0.detach().numpy(), module.weight_hh_l0.detach().numpy()
    b = (module.bias_ih_l0 + module.bias_hh_l0).detach().numpy()
    h_prev = np.vstack([np.zeros(H), tr.h[:-1]])
    pre = x.numpy() @ W_ih.T + h_prev @ W_hh.T + b  # (T, G*H), valid for RNN and LSTM
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    if cell == "LSTM":
        assert list(tr.gates) == ["i", "f", "g", "o"]
        np.testing.assert_allclose(tr.gates["i"], sig(pre[:, :H]), atol=1e-13)
        np.testing.assert_allclose(tr.gates["f"], sig(pre[:, H:2 * H]), atol=1e-13)
        np.testing.assert_allclose(tr.gates["g"], np.tanh(pre[:, 2 * H:3 * H]), atol=1e-13)
        np.testing.assert_allclose(tr.gates["o"], sig(pre[:, 3 * H:]), atol=1e-13)
        c_prev = np.vstack([np.zeros(H), tr.c[:-1]])
        np.testing.assert_allclose(tr.c, tr.gates["f"] * c_prev + tr.gates["i"] * tr.gates["g"], atol=1e-13)
        np.testing.assert_allclose(tr.h, tr.gates["o"] * np.tanh(tr.c), atol=1e-13)
    elif cell == "GRU":
        assert list(tr.gates) == ["r", "z", "n"]
        np.testing.assert_allclose(tr.h, (1 - tr.gates["z"]) * tr.gates["n"] + tr.gates["z"] * h_prev, atol=1e-13)
        np.testing.assert_allclose(tr.gates["r"], sig(pre[:, :H]), atol=1e-13)
    else:
        assert tr.gates == {}
        np.testing.assert_allclose(tr.h, np.tanh(pre), atol=1e-13)


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_initial_state_and_its_gradient(cell):
    module = build(cell, 3, 4, seed=5)
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(6, 3, dtype=torch.float64, generator=gen)
    h0 = torch.randn(4, dtype=torch.float64, generator=gen, requires_grad=True)
    c0 = torch.randn(4, dtype=torch.float64, generator=gen, requires_grad=True)
    state = (h0[None], c0[None]) if cell == "LSTM" else h0[None]
    out, _ = module(x, state)
    out.pow(2).sum().backward()
    tr = rnnviz.trace(module, x, loss=lambda hs: hs.pow(2).sum(), h0=h0.detach(), c0=c0.detach() if cell == "LSTM" else None)
    np.testing.assert_allclose(tr.h, out.detach().numpy(), atol=1e-13)
    np.testing.assert_allclose(tr.grad_h0, h0.grad.numpy(), atol=TOL)


def test_float32_module_is_replayed_in_float64():
    module = torch.nn.GRU(4, 5)  # float32, PyTorch's own init
    x = torch.randn(20, 4)
    tr = rnnviz.trace(module, x)
    assert tr.h.dtype == np.float64
    np.testing.assert_allclose(tr.h, module(x)[0].detach().numpy(), atol=1e-6)
    ref = autograd_reference(module.double(), x.double(), rnnviz.last_step_loss)
    np.testing.assert_allclose(tr.grad_h, ref["grad_h"], atol=TOL)


def test_no_bias_module():
    module = build("LSTM", 3, 4, bias=False, seed=1)
    x = torch.randn(9, 3, dtype=torch.float64)
    tr = rnnviz.trace(module, x)
    ref = autograd_reference(module, x, rnnviz.last_step_loss)
    assert set(tr.param_grads) == {"weight_ih_l0", "weight_hh_l0"}
    for k in tr.param_grads:
        np.testing.assert_allclose(tr.param_grads[k], ref["params"][k], atol=TOL)


def test_loss_independent_of_h_gives_zero_gradient():
    module = build("RNN", 2, 3)
    tr = rnnviz.trace(module, np.ones((4, 2)), loss=lambda hs: torch.tensor(1.0, dtype=torch.float64))
    assert np.all(tr.grad_h == 0) and tr.loss == 1.0


@pytest.mark.parametrize("bad", [
    lambda: rnnviz.trace(torch.nn.RNN(2, 3, num_layers=2), np.ones((4, 2))),
    lambda: rnnviz.trace(torch.nn.RNN(2, 3, bidirectional=True), np.ones((4, 2))),
    lambda: rnnviz.trace(torch.nn.Linear(2, 3), np.ones((4, 2))),
    lambda: rnnviz.trace(torch.nn.RNN(2, 3), np.ones((4, 5))),
    lambda: rnnviz.trace(torch.nn.RNN(2, 3), np.ones((0, 2))),
    lambda: rnnviz.trace(torch.nn.RNN(2, 3), np.ones((4, 2)), loss=lambda hs: hs.sum(0)),
])
def test_bad_input_is_a_clear_value_error(bad):
    with pytest.raises(ValueError):
        bad()


def test_exploding_overflow_is_flagged_not_crashing():
    module = build("RNN", 2, 8, nonlinearity="identity", radius=3.0, seed=0)
    x = np.random.default_rng(0).standard_normal((700, 2))  # 3^700 > float64 max
    tr = rnnviz.trace(module, x)
    assert not tr.finite
    assert np.isinf(tr.h).any() or np.isnan(tr.h).any()
    # early in the sequence the values are still finite and huge
    assert np.all(np.isfinite(tr.h[:100]))


def test_vanishing_gradient_kept_in_float64():
    module = build("RNN", 2, 8, radius=0.5, seed=0)
    x = np.random.default_rng(0).standard_normal((400, 2))
    tr = rnnviz.trace(module, x)
    assert tr.finite
    assert 0 < tr.grad_norm[0] < 1e-100  # float32 would underflow to 0 long before


def test_safe_norm_no_overflow_or_underflow():
    for scale in (1e-200, 1.0, 1e200):
        v = np.array([3.0, 4.0]) * scale
        assert rnnviz.safe_norm(v) == pytest.approx(5 * scale, rel=1e-15)
    assert rnnviz.safe_norm(np.zeros(3)) == 0
    assert np.isinf(rnnviz.safe_norm(np.array([1.0, np.inf])))
    assert np.isnan(rnnviz.safe_norm(np.array([np.nan, np.inf])))
    m = np.array([[1e300, 1e300], [0.0, 2.0]])
    np.testing.assert_allclose(rnnviz.safe_norm(m, axis=1), [np.sqrt(2) * 1e300, 2.0], rtol=1e-15)


def test_public_trace_fields_and_contract():
    model = torch.nn.LSTM(input_size=8, hidden_size=16)
    x = torch.randn(50, 8)
    tr = rnnviz.trace(model, x, loss=lambda hs: hs[-1].sum())
    for name in ("h", "c", "grad_h"):
        assert getattr(tr, name).shape == (50, 16)
    assert set(tr.gates) == {"i", "f", "g", "o"} and all(g.shape == (50, 16) for g in tr.gates.values())
    assert tr.grad_norm.shape == (50,)
    assert tr.T == 50 and tr.H == 16 and tr.kind == "LSTM" and tr.finite


def test_all_cells_all_shapes_small_grid():
    """A denser grid of tiny shapes (every combination of T, I, H in {1, 2})."""
    for (cell, act), T, I, H in itertools.product(CASES, (1, 2), (1, 2), (1, 2)):
        module = build(cell, I, H, nonlinearity=act, seed=T * 7 + I * 3 + H)
        x = torch.randn(T, I, dtype=torch.float64)
        tr = rnnviz.trace(module, x, loss=rnnviz.every_step_loss)
        ref = autograd_reference(module, x, rnnviz.every_step_loss)
        np.testing.assert_allclose(tr.grad_h, ref["grad_h"], atol=TOL)
        for k, g in ref["params"].items():
            np.testing.assert_allclose(tr.param_grads[k], g, atol=TOL)
