r"""The step-through page's checks: the same loss in PyTorch float64, differentiated by autograd.

The page shows the hand BPTT of :mod:`rnnviz.stepthrough` and the engine's :func:`rnnviz.trace`
gradients next to two independent references, so a student sees them agree (and a broken engine
shows as a large difference); nothing on the page is computed from them:

- :func:`autograd_reference`: ``torch.nn.RNN`` run one step at a time, ``h.detach()`` at chunk
  boundaries (truncated BPTT), ``retain_grad`` on every ``h_t``;
- :func:`module_autograd`: the real modules run as torch runs them, whole sequences through the
  fused ``nn.RNN`` (a ``bidirectional=True`` one for the bidirectional pattern), full BPTT.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # rnnviz.stepthrough imports this module; its names appear here in annotations only
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

    from rnnviz.stepthrough import _check_k

    k = _check_k(k)
    dt = torch.float64
    rnns = {name: torch_rnn(c) for name, c in net.cells.items()}
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


def torch_rnn(cell: S.Cell, reverse: S.Cell | None = None):
    """``torch.nn.RNN`` (tanh, float64) holding the page's cell: ``bias_ih = b``, ``bias_hh = 0``.

    ``reverse``: the cell of a backward direction, giving one ``bidirectional=True`` module.
    """
    import torch

    m = torch.nn.RNN(cell.W_xh.shape[1], cell.H, nonlinearity="tanh", dtype=torch.float64,
                     bidirectional=reverse is not None)
    with torch.no_grad():
        for suffix, c in [("", cell)] + ([("_reverse", reverse)] if reverse is not None else []):
            getattr(m, "weight_ih_l0" + suffix).copy_(torch.from_numpy(c.W_xh))
            getattr(m, "weight_hh_l0" + suffix).copy_(torch.from_numpy(c.W_hh))
            getattr(m, "bias_ih_l0" + suffix).copy_(torch.from_numpy(c.b))
            getattr(m, "bias_hh_l0" + suffix).zero_()
    return m


def module_autograd(net: S.Net, problem: S.Problem) -> dict:
    r"""Full-BPTT gradients of the page's loss from autograd through the fused ``torch.nn.RNN`` modules.

    .. math::
        L = \sum_{t \in \mathcal{S}} -\log \mathrm{softmax}(W_{ho} h^{cat}_t + b_o)_{y_t}

    with :math:`h^{cat}_t` the output of ``nn.RNN`` over the whole sequence (``(T, H)``; the
    bidirectional pattern: one ``nn.RNN(bidirectional=True)``, ``(T, 2H)``, torch aligns the
    backward direction in time; encoder-decoder: the decoder module starts from the encoder
    module's last output). Independent of :mod:`rnnviz.bptt`: no hand recursion is involved.

    Returns: ``{"loss": float, "grads": {"<cell>.W_xh", "<cell>.W_hh", "<cell>.b": arrays}}`` (the
    keys of :meth:`rnnviz.stepthrough.Backward.grads` for the recurrent cells).
    """
    import torch

    c = net.cells
    X = torch.from_numpy(problem.X)  # (T, D)
    if problem.pattern == "bidirectional":
        bi = torch_rnn(c["f"], reverse=c["b"])
        mods = {"f": (bi, ""), "b": (bi, "_reverse")}
        Hcat, _ = bi(X)  # (T, 2H): [h->_t ; h<-_t]
    else:
        mods = {name: (torch_rnn(cl), "") for name, cl in c.items()}
        if problem.pattern == "enc_dec":
            H_enc, h_n = mods["enc"][0](torch.from_numpy(problem.X_enc))  # h_n: (1, H)
            Hcat, _ = mods["dec"][0](X, h_n)
        else:
            Hcat, _ = mods["f"][0](X)
    logp = torch.log_softmax(Hcat @ torch.from_numpy(net.W_ho).T + torch.from_numpy(net.b_o), dim=-1)
    nll = -logp[torch.arange(problem.T), torch.from_numpy(problem.y.astype(np.int64))]
    loss = (nll * torch.from_numpy(problem.mask.astype(np.float64))).sum()
    loss.backward()
    grads = {}
    for name, (m, sfx) in mods.items():
        for key, pname in (("W_xh", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b", "bias_ih_l0")):
            g = getattr(m, pname + sfx).grad
            grads[f"{name}.{key}"] = (g if g is not None else torch.zeros_like(getattr(m, pname + sfx))).numpy().copy()
    return {"loss": float(loss.detach()), "grads": grads}


def max_abs_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """Per key ``max |a - b|`` (keys of ``a``)."""
    return {key: float(np.max(np.abs(np.asarray(a[key]) - np.asarray(b[key])))) if np.size(a[key]) else 0.0
            for key in a}
