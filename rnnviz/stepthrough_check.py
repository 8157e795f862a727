r"""The step-through page's check: the same loss in PyTorch float64, differentiated by autograd.

The page shows the hand BPTT of :mod:`rnnviz.stepthrough` (the engine's recursion) next to these
autograd numbers, so a student sees the two agree; nothing on the page is computed from them.
"""
from __future__ import annotations

import numpy as np

from rnnviz import stepthrough as S


def autograd_reference(net: S.Net, problem: S.Problem, k: int | None = None) -> dict:
    """The same loss in PyTorch float64, differentiated by autograd.

    Each RNN is ``torch.nn.RNN`` (one layer, tanh, ``bias_ih = b``, ``bias_hh = 0``) run one
    step at a time so that ``h`` can be detached at chunk boundaries (truncated BPTT, the
    usual ``h = h.detach()``); ``h_t.retain_grad()`` gives ``dL/dh_t``.

    Returns:
        ``{"loss": float, "grads": {same keys as Backward.grads()}, "delta": {cell: (T, H)},
        "h": {cell: (T, H)}}`` (processing order per cell, like :class:`PartBackward`).
    """
    import torch

    k = S._check_k(k)
    dt = torch.float64
    rnns, params = {}, {}
    for name, c in net.cells.items():
        m = torch.nn.RNN(c.W_xh.shape[1], c.H, nonlinearity="tanh", dtype=dt)
        with torch.no_grad():
            m.weight_ih_l0.copy_(torch.from_numpy(c.W_xh))
            m.weight_hh_l0.copy_(torch.from_numpy(c.W_hh))
            m.bias_ih_l0.copy_(torch.from_numpy(c.b))
            m.bias_hh_l0.zero_()
        rnns[name] = m
    W_ho = torch.tensor(net.W_ho, dtype=dt, requires_grad=True)
    b_o = torch.tensor(net.b_o, dtype=dt, requires_grad=True)

    def run(name, X, h0):
        m = rnns[name]
        h = h0.reshape(1, 1, -1)  # (layers, batch, H)
        hs = []
        for t in range(X.shape[0]):
            if k is not None and t > 0 and t % k == 0:
                h = h.detach()
            out, h = m(X[t].reshape(1, 1, -1), h)  # (seq=1, batch=1, D)
            out.retain_grad()
            hs.append(out)
            h = out
        return hs

    zeros = lambda name: torch.zeros(net.cells[name].H, dtype=dt)  # noqa: E731
    tX = torch.from_numpy(problem.X)
    if problem.pattern == "enc_dec":
        hs = {"enc": run("enc", torch.from_numpy(problem.X_enc), zeros("enc"))}
        hs["dec"] = run("dec", tX, hs["enc"][-1].reshape(-1))
        Hcat = torch.cat([h.reshape(1, -1) for h in hs["dec"]])
    elif problem.pattern == "bidirectional":
        hs = {"f": run("f", tX, zeros("f")), "b": run("b", torch.flip(tX, [0]), zeros("b"))}
        Hf = torch.cat([h.reshape(1, -1) for h in hs["f"]])
        Hb = torch.cat([h.reshape(1, -1) for h in hs["b"]]).flip(0)
        Hcat = torch.cat([Hf, Hb], dim=1)
    else:
        hs = {"f": run("f", tX, zeros("f"))}
        Hcat = torch.cat([h.reshape(1, -1) for h in hs["f"]])
    O = Hcat @ W_ho.T + b_o
    logp = torch.log_softmax(O, dim=-1)
    y = torch.from_numpy(problem.y.astype(np.int64))
    nll = -logp[torch.arange(problem.T), y]
    loss = (nll * torch.from_numpy(problem.mask.astype(np.float64))).sum()
    loss.backward()
    grads = {"W_ho": W_ho.grad.numpy().copy(), "b_o": b_o.grad.numpy().copy()}
    delta, hvals = {}, {}
    for name, m in rnns.items():
        grads[f"{name}.W_xh"] = m.weight_ih_l0.grad.numpy().copy()
        grads[f"{name}.W_hh"] = m.weight_hh_l0.grad.numpy().copy()
        grads[f"{name}.b"] = m.bias_ih_l0.grad.numpy().copy()
        delta[name] = np.stack([(h.grad if h.grad is not None else torch.zeros_like(h)).reshape(-1).numpy()
                                for h in hs[name]])
        hvals[name] = np.stack([h.detach().reshape(-1).numpy() for h in hs[name]])
    return {"loss": float(loss.detach()), "grads": grads, "delta": delta, "h": hvals}


def max_abs_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """Per key ``max |a - b|`` (keys of ``a``)."""
    return {key: float(np.max(np.abs(np.asarray(a[key]) - np.asarray(b[key])))) if np.size(a[key]) else 0.0
            for key in a}
