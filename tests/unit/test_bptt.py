"""Jacobians, the gradient bound, clipping and weight builders against torch.func.jacrev,
closed forms and torch.nn.utils.clip_grad_norm_."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from torch.func import jacrev

import rnnviz
from rnnviz import bptt
from rnnviz.checkpoint import load_checkpoint
from rnnviz.models import build, spectral_radius


def unroll_from(module, x, k, h_k, c_k=None):
    """h_T as a function of the state after step k (1-based), by running the fused module on x[k:]."""
    if k == x.shape[0]:
        return h_k
    state = (h_k[None], c_k[None]) if c_k is not None else h_k[None]
    out, _ = module(x[k:], state)
    return out[-1]


@pytest.mark.parametrize("cell,act", [("RNN", "tanh"), ("RNN", "relu"), ("RNN", "sigmoid"), ("LSTM", "tanh"), ("GRU", "tanh")])
def test_jacobian_norms_match_jacrev(cell, act):
    T, I, H = 9, 3, 4
    module = build(cell, I, H, nonlinearity=act, seed=11)
    x = torch.randn(T, I, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    tr = rnnviz.trace(module, x)
    jn = tr.jacobian_norms()
    h = torch.tensor(tr.h)
    c = torch.tensor(tr.c) if tr.c is not None else None
    for k in range(1, T + 1):
        if c is not None:
            J = jacrev(lambda hk: unroll_from(module, x, k, hk, c[k - 1]))(h[k - 1])
        else:
            J = jacrev(lambda hk: unroll_from(module, x, k, hk))(h[k - 1])
        J = J.detach().numpy()
        assert jn["fro"][k - 1] == pytest.approx(np.linalg.norm(J), rel=1e-10, abs=1e-14)
        assert jn["spec"][k - 1] == pytest.approx(np.linalg.norm(J, 2), rel=1e-10, abs=1e-14)
    assert list(jn["k"]) == list(range(1, T + 1))


def test_linear_rnn_closed_form_and_bound_is_tight():
    """Identity activation and W_hh = rho * Q (Q orthogonal): ||dh_T/dh_k||_2 = rho^(T-k) exactly,
    equal to the bound (||W_hh||_2 max|phi'|)^(T-k)."""
    T, H, rho = 30, 6, 0.8
    module = build("RNN", 2, H, nonlinearity="identity", init="orthogonal", radius=rho, seed=2)
    tr = rnnviz.trace(module, np.random.default_rng(0).standard_normal((T, 2)))
    jn = tr.jacobian_norms()
    expected = rho ** (T - np.arange(1, T + 1))
    np.testing.assert_allclose(jn["spec"], expected, rtol=1e-10)
    np.testing.assert_allclose(jn["fro"], np.sqrt(H) * expected, rtol=1e-10)
    np.testing.assert_allclose(tr.bound(), expected, rtol=1e-10)


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid", "identity"])
def test_bound_holds_for_vanilla_rnn(act):
    module = build("RNN", 3, 10, nonlinearity=act, radius=1.3, seed=1)
    tr = rnnviz.trace(module, np.random.default_rng(1).standard_normal((40, 3)))
    jn = tr.jacobian_norms()
    assert np.all(jn["spec"] <= tr.bound() * (1 + 1e-12))
    gamma = np.linalg.norm(tr.params.W_hh, 2) * bptt.PHI_PRIME_MAX[act]
    assert tr.bound()[0] == pytest.approx(gamma ** 39)


def test_bound_refuses_gated_cells():
    tr = rnnviz.trace(build("GRU", 2, 3), np.ones((5, 2)))
    with pytest.raises(ValueError):
        tr.bound()


def test_spectral_subsample_includes_ends():
    tr = rnnviz.trace(build("RNN", 2, 5, seed=0), np.random.default_rng(0).standard_normal((50, 2)))
    full = tr.jacobian_norms()
    sub = tr.jacobian_norms(spectral_steps=6)
    assert sub["spec_k"][0] == 1 and sub["spec_k"][-1] == 50 and len(sub["spec_k"]) == 6
    np.testing.assert_allclose(sub["spec"], full["spec"][sub["spec_k"] - 1], rtol=1e-12)
    np.testing.assert_allclose(sub["fro"], full["fro"])


@pytest.mark.parametrize("max_norm", [0.01, 0.5, 1e6])
def test_clip_grad_norm_matches_torch(max_norm):
    gen = torch.Generator().manual_seed(0)
    tensors = {"a": torch.randn(4, 3, dtype=torch.float64, generator=gen), "b": torch.randn(5, dtype=torch.float64, generator=gen)}
    params = {k: torch.nn.Parameter(torch.zeros_like(v)) for k, v in tensors.items()}
    for k, p in params.items():
        p.grad = tensors[k].clone()
    total_ref = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)
    clipped, total, coef = rnnviz.clip_grad_norm({k: v.numpy() for k, v in tensors.items()}, max_norm)
    assert total == pytest.approx(total_ref.item(), rel=1e-14)
    for k, p in params.items():
        np.testing.assert_allclose(clipped[k], p.grad.numpy(), rtol=1e-14)
    assert bptt.global_norm(clipped) <= max_norm * (1 + 1e-9)
    assert coef == pytest.approx(min(1.0, max_norm / (total + 1e-6)))


def test_clip_grad_norm_nonfinite_like_torch():
    g = {"a": np.array([np.inf, 1.0])}
    clipped, total, coef = rnnviz.clip_grad_norm(g, 1.0)
    p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([np.inf, 1.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], 1.0)
    np.testing.assert_array_equal(clipped["a"], p.grad.numpy())
    assert np.isinf(total)
    with pytest.raises(ValueError):
        rnnviz.clip_grad_norm(g, 0.0)


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("radius", [0.0, 0.5, 1.5, 3.0])
def test_spectral_radius_per_block(cell, radius):
    module = build(cell, 3, 7, radius=radius, seed=4)
    W = module.weight_hh_l0.detach().numpy()
    for g in range(W.shape[0] // 7):
        assert spectral_radius(W[g * 7:(g + 1) * 7]) == pytest.approx(radius, abs=1e-12)


def test_orthogonal_identity_and_forget_bias():
    W = build("RNN", 2, 6, init="orthogonal", seed=3).weight_hh_l0.detach().numpy()
    np.testing.assert_allclose(W.T @ W, np.eye(6), atol=1e-12)
    irnn = build("RNN", 2, 6, nonlinearity="relu", init="identity")
    np.testing.assert_array_equal(irnn.weight_hh_l0.detach().numpy(), np.eye(6))
    assert float(irnn.bias_hh_l0.detach().abs().sum()) == 0 and float(irnn.bias_ih_l0.detach().abs().sum()) == 0
    lstm = build("LSTM", 2, 5, forget_bias=1.0, seed=0)
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    np.testing.assert_array_equal(b[5:10], np.ones(5))
    assert not np.allclose(b[:5], 1.0)
    tr = rnnviz.trace(lstm, np.zeros((1, 2)))  # zero input and state: f_1 = sigmoid(1)
    np.testing.assert_allclose(tr.gates["f"][0], 1 / (1 + np.exp(-1.0)), rtol=1e-15)


def test_build_is_reproducible_and_validates():
    a, b = build("GRU", 3, 4, seed=9), build("GRU", 3, 4, seed=9)
    for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert torch.equal(p, q), n
    assert not torch.equal(build("GRU", 3, 4, seed=10).weight_hh_l0, a.weight_hh_l0)
    for kwargs in ({"cell": "XRNN"}, {"nonlinearity": "softplus"}, {"init": "zeros"}):
        args = {"cell": "RNN", "input_size": 2, "hidden_size": 3, **kwargs}
        with pytest.raises(ValueError):
            build(**args)
    with pytest.raises(ValueError):
        rnnviz.set_forget_bias(build("GRU", 2, 3), 1.0)


def test_load_checkpoint_from_bytes():
    src, dst = build("LSTM", 3, 4, seed=1), build("LSTM", 3, 4, seed=2)
    buf = io.BytesIO()
    torch.save(src.state_dict(), buf)
    load_checkpoint(buf.getvalue(), dst)
    assert torch.equal(src.weight_hh_l0, dst.weight_hh_l0)
    wrong = io.BytesIO()
    torch.save(build("LSTM", 3, 5).state_dict(), wrong)
    before = dst.weight_hh_l0.clone()
    with pytest.raises(ValueError, match="shape"):
        load_checkpoint(wrong.getvalue(), dst)
    assert torch.equal(before, dst.weight_hh_l0)
    with pytest.raises(ValueError, match="readable"):
        load_checkpoint(b"not a checkpoint", dst)
    with pytest.raises(ValueError, match="limit"):
        load_checkpoint(buf.getvalue(), dst, max_bytes=10)
    gru = io.BytesIO()
    torch.save(build("GRU", 3, 4).state_dict(), gru)
    with pytest.raises(ValueError, match="shape"):
        load_checkpoint(gru.getvalue(), dst)
