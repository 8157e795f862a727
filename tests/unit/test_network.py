"""rnnviz.network (batched, stacked, bidirectional engine with a readout) against torch autograd.

The reference unrolls every layer and direction one step at a time in torch (each step a one-layer
torch module with the layer's weights) and adds a zero tensor e_t to every state, so autograd
reports the *total* dL/dh_t; dL/dx and parameter gradients come from the same graph; the forward
is also compared with the fused multi-layer module. Everything in float64, to 1e-10.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz import bptt, network

TOL = 1e-10
CELLS = ("RNN", "LSTM", "GRU")


def _module(cell, I, H, layers, bidir, seed):
    torch.manual_seed(seed)
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cell]
    return cls(I, H, num_layers=layers, bidirectional=bidir, dtype=torch.float64).eval()


def torch_reference(module, x, readout, loss_of_logits):
    """Step-by-step torch unroll; returns loss, logits, dL/dx, total dL/dh per layer (time-aligned,
    directions concatenated) and parameter gradients under torch's names."""
    cell = type(module).__name__
    T, B, _ = x.shape
    H, L = module.hidden_size, module.num_layers
    dirs = 2 if module.bidirectional else 1
    x = x.clone().requires_grad_(True)
    inp, es, per_layer = x, [], []
    params = dict(module.named_parameters())
    for l in range(L):
        outs = []
        for d in range(dirs):
            sfx = f"_l{l}" + ("_reverse" if d else "")
            step = {"RNN": nn.RNNCell, "LSTM": nn.LSTMCell, "GRU": nn.GRUCell}[cell](inp.shape[-1], H, dtype=torch.float64)
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                setattr(step, n, params[n + sfx])  # the very same tensors: gradients land on `module`
            e = torch.zeros(T, B, H, dtype=torch.float64, requires_grad=True)
            es.append(e)
            h = torch.zeros(B, H, dtype=torch.float64)
            c = torch.zeros(B, H, dtype=torch.float64)
            hs = [None] * T
            for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
                if cell == "LSTM":
                    h, c = step(inp[t], (h, c))
                else:
                    h = step(inp[t], h)
                h = h + e[t]
                hs[t] = h
            outs.append(torch.stack(hs))
        inp = torch.cat(outs, dim=-1)
        per_layer.append(len(outs))
    logits = inp @ readout.weight.T + readout.bias
    loss = loss_of_logits(logits)
    wanted = [x] + es + list(params.values()) + [readout.weight, readout.bias]
    grads = torch.autograd.grad(loss, wanted, allow_unused=True)
    gx, ge = grads[0], grads[1:1 + len(es)]
    gp = dict(zip(list(params) + ["readout.weight", "readout.bias"], grads[1 + len(es):]))
    totals = [torch.cat(ge[l * dirs:(l + 1) * dirs], dim=-1).numpy() for l in range(L)]
    return {"loss": loss.item(), "logits": logits.detach().numpy(), "grad_x": gx.numpy(), "totals": totals,
            "params": {k: v.numpy() for k, v in gp.items()}}


def _check(tr, ref):
    assert tr.loss == pytest.approx(ref["loss"], rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(tr.logits, ref["logits"], atol=TOL, rtol=0)
    np.testing.assert_allclose(tr.grad_x, ref["grad_x"], atol=TOL, rtol=0)
    for got, want in zip(tr.grad_outputs, ref["totals"]):
        np.testing.assert_allclose(got, want, atol=TOL, rtol=0)
    assert set(tr.param_grads) == set(ref["params"])
    for k, v in ref["params"].items():
        np.testing.assert_allclose(tr.param_grads[k], v, atol=TOL, rtol=0, err_msg=k)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("T,B,I,H,layers,bidir", [
    (1, 1, 1, 1, 1, False), (6, 3, 4, 5, 1, False), (5, 2, 3, 4, 2, False), (4, 3, 2, 3, 1, True),
    (7, 2, 3, 4, 2, True), (3, 1, 2, 2, 3, True),
])
def test_network_matches_autograd_cross_entropy(cell, T, B, I, H, layers, bidir):
    module = _module(cell, I, H, layers, bidir, seed=T * 7 + B)
    K = 5
    readout = nn.Linear(H * (2 if bidir else 1), K, dtype=torch.float64)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(T, B, I, dtype=torch.float64, generator=g)
    y = torch.randint(0, K, (T, B), generator=g)
    w = torch.rand(T, B, dtype=torch.float64, generator=g)
    tr = network.run(module, x, readout=readout, targets=y, weights=w)
    ref = torch_reference(module, x, readout,
                          lambda z: (w * nn.functional.cross_entropy(z.reshape(-1, K), y.reshape(-1), reduction="none")
                                     .reshape(T, B)).sum())
    _check(tr, ref)
    fused, _ = module(x)
    np.testing.assert_allclose(tr.outputs[-1], fused.detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_network_user_loss_and_default_mean(cell):
    module = _module(cell, 3, 4, 2, True, seed=5)
    readout = nn.Linear(8, 3, dtype=torch.float64)
    x = torch.randn(6, 2, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    quad = lambda z: (z ** 2).sum() * 0.5 + z[-1, :, 0].sum()  # noqa: E731
    _check(network.run(module, x, readout=readout, loss=quad), torch_reference(module, x, readout, quad))
    y = torch.randint(0, 3, (6, 2), generator=torch.Generator().manual_seed(2))
    mean_ce = lambda z: nn.functional.cross_entropy(z.reshape(-1, 3), y.reshape(-1))  # noqa: E731
    _check(network.run(module, x, readout=readout, targets=y), torch_reference(module, x, readout, mean_ce))


@pytest.mark.parametrize("cell", CELLS)
def test_one_sequence_equals_batch_of_one_and_trace(cell):
    """(T, I) input: the same numbers as a batch of one, and as rnnviz.trace for one layer."""
    import rnnviz

    module = _module(cell, 3, 4, 1, False, seed=2)
    x = torch.randn(9, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    one = network.run(module, x, loss=lambda hs: (hs ** 2).sum())
    batch = network.run(module, x[:, None], loss=lambda hs: (hs ** 2).sum())
    tr = rnnviz.trace(module, x, loss=lambda hs: (hs ** 2).sum())
    np.testing.assert_allclose(one.grad_outputs[0], tr.grad_h, atol=1e-14)
    np.testing.assert_allclose(batch.grad_outputs[0][:, 0], tr.grad_h, atol=1e-14)
    np.testing.assert_allclose(batch.grad_x[:, 0], one.grad_x, atol=1e-14)
    for k, v in tr.param_grads.items():
        np.testing.assert_allclose(one.param_grads[k], v, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_batch_equals_sequences_one_by_one(cell):
    p = bptt.params_of(_module(cell, 3, 5, 1, False, seed=4))
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((8, 4, 3)), rng.standard_normal((8, 4, 5))
    fw = bptt.forward(p, x)
    bw = bptt.backward(p, fw, g)
    dW = np.zeros_like(bw.dW_hh)
    for b in range(4):
        f1 = bptt.forward(p, x[:, b])
        b1 = bptt.backward(p, f1, g[:, b])
        np.testing.assert_allclose(fw.h[:, b], f1.h, atol=1e-14)
        np.testing.assert_allclose(bw.grad_h[:, b], b1.grad_h, atol=1e-14)
        np.testing.assert_allclose(bw.grad_x[:, b], b1.grad_x, atol=1e-14)
        np.testing.assert_allclose(bw.grad_next[:, b], b1.grad_next, atol=1e-14)
        dW += b1.dW_hh
    np.testing.assert_allclose(bw.dW_hh, dW, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_truncated_bptt_matches_detach(cell, k):
    """truncate=k equals torch with h (and c) detached before every step t with t % k == 0."""
    module = _module(cell, 2, 3, 1, False, seed=k)
    T, B = 7, 2
    x = torch.randn(T, B, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(k))
    p = bptt.params_of(module)
    fw = bptt.forward(p, x.numpy())
    w = torch.linspace(-1, 1, 3, dtype=torch.float64)
    e = torch.zeros(T, B, 3, dtype=torch.float64, requires_grad=True)
    h = torch.zeros(1, B, 3, dtype=torch.float64)
    c = torch.zeros(1, B, 3, dtype=torch.float64)
    hs = []
    for t in range(T):
        if t > 0 and t % k == 0:
            h, c = h.detach(), c.detach()
        if cell == "LSTM":
            _, (h, c) = module(x[t:t + 1], (h, c))
        else:
            _, h = module(x[t:t + 1], h)
        h = h + e[t]
        hs.append(h[0])
    loss = (torch.stack(hs) * w).sum()
    (ge,) = torch.autograd.grad(loss, [e])
    bw = bptt.backward(p, fw, np.broadcast_to(w.numpy(), (T, B, 3)).copy(), truncate=k)
    np.testing.assert_allclose(bw.grad_h, ge.numpy(), atol=TOL)
    assert bw.cut.tolist() == [(t + 1) % k == 0 and t < T - 1 for t in range(T)]


def test_bad_arguments_are_value_errors():
    module = _module("GRU", 2, 3, 1, False, seed=0)
    x = np.zeros((4, 2, 2))
    with pytest.raises(ValueError, match="readout"):
        network.run(module, x, targets=np.zeros((4, 2), dtype=int))
    ro = nn.Linear(3, 4, dtype=torch.float64)
    with pytest.raises(ValueError, match="shape"):
        network.run(module, x, readout=ro, targets=np.zeros((4, 3), dtype=int))
    with pytest.raises(ValueError, match="class indices"):
        network.run(module, x, readout=ro, targets=np.full((4, 2), 7))
    with pytest.raises(ValueError, match="proj_size"):
        network.run(nn.LSTM(2, 4, proj_size=2), x)
