r"""Page logic of "Step through the unrolled RNN": config in, numbers and LaTeX strings out.

No Streamlit here. :func:`compute` builds the problem and the network, runs

- the engine (:func:`rnnviz.trace`) on every RNN of the pattern: the hidden states ``h_t``,
  pre-activations ``a_t``, the total ``dL/dh_t`` and its direct part, and the RNN parameter
  gradients, all shown on screen;
- the hand BPTT of :mod:`rnnviz.stepthrough` (the two sources of ``delta_t``, running sums,
  truncation), and for the check panel torch autograd (:func:`rnnviz.stepthrough.autograd_reference`,
  step by step, the hand BPTT's reference) and autograd through the fused ``nn.RNN`` modules
  (:func:`rnnviz.stepthrough_check.module_autograd`, the engine's reference).

The LaTeX strings of the equations are formatted from those arrays in
:mod:`rnnviz.labs.stepthrough_latex`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from rnnviz import stepthrough as S
from rnnviz.labs.stepthrough_config import (  # noqa: F401 (the light half: settings, readable before torch)
    StepConfig, clamp_step, figure_meta, notes_of, numbers_key, uses_trained)
from rnnviz.stepthrough_check import module_autograd, torch_rnn
from rnnviz.trace import Trace, trace


# --------------------------------------------------------------------------- timeline


@dataclass
class Slot:
    """One position of the page's time axis (the slider): which RNN step(s) happen there.

    ``items``: list of ``(cell name, index in that cell's processing order)``;
    ``out``: output time index (into ``y``, ``O``, ``P``) or ``None`` (encoder steps).
    """

    items: list[tuple[str, int]]
    out: int | None


def timeline(problem: S.Problem) -> list[Slot]:
    """The unrolled time axis: ``enc_dec`` has N encoder then M decoder slots; ``bidirectional``
    puts the forward step t and the backward step that produces h<-_t in the same slot."""
    T = problem.T
    if problem.pattern == "enc_dec":
        N = problem.X_enc.shape[0]
        return [Slot([("enc", i)], None) for i in range(N)] + [Slot([("dec", i)], i) for i in range(T)]
    if problem.pattern == "bidirectional":
        return [Slot([("f", t), ("b", T - 1 - t)], t) for t in range(T)]
    if problem.pattern == "many_to_one":  # one output, at the last step
        return [Slot([("f", t)], t if t == T - 1 else None) for t in range(T)]
    return [Slot([("f", t)], t) for t in range(T)]


# --------------------------------------------------------------------------- compute


@dataclass
class Result:
    """Everything the page shows. ``traces``: the engine's :class:`rnnviz.trace.Trace` per cell
    (full BPTT); ``bw``: hand BPTT with the config's truncation; ``bw_full``: hand, full BPTT;
    ``ref``: torch autograd with the config's truncation; ``ref_module``: torch autograd through the
    fused ``nn.RNN`` modules, full BPTT (the engine's reference); ``slots``: the time axis."""

    config: StepConfig
    problem: S.Problem
    net: S.Net
    fw: S.Forward
    bw: S.Backward
    bw_full: S.Backward
    ref: dict
    ref_module: dict
    traces: dict[str, Trace]
    slots: list[Slot]
    trained: bool
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int | None:
        return S._check_k(self.config.st_k)

    # arrays shown on screen ------------------------------------------------------
    def h(self, name: str) -> np.ndarray:
        """Hidden states ``(T, H)`` of cell ``name`` in processing order (the engine's)."""
        return self.traces[name].h

    def a(self, name: str) -> np.ndarray:
        """Pre-activations ``(T, H)`` (the engine's ``tr.pre``)."""
        return self.traces[name].pre

    def h0(self, name: str) -> np.ndarray:
        return self.fw.parts[name].h0

    def delta(self, name: str) -> np.ndarray:
        """dL/dh_t shown: the engine's ``grad_h`` (full BPTT) or the hand truncated one."""
        return self.traces[name].grad_h if self.k is None else self.bw.parts[name].delta

    def from_out(self, name: str) -> np.ndarray:
        """The direct part of dL/dh_t: the engine's ``grad_direct`` (full BPTT) or the hand truncated one.

        It depends on k where a cell's direct gradient comes through another cell: the
        encoder's last step receives the decoder's gradient into its initial state, which
        truncation changes. ``delta = from_out + from_next`` holds for both.
        """
        return self.traces[name].grad_direct if self.k is None else self.bw.parts[name].from_out

    def from_next(self, name: str) -> np.ndarray:
        return self.bw.parts[name].from_next

    def hcat(self) -> np.ndarray:
        """The readout input ``(T, Hc)`` built from the engine's states."""
        p = self.problem.pattern
        if p == "enc_dec":
            return self.h("dec")
        if p == "bidirectional":
            return np.concatenate([self.h("f"), self.h("b")[::-1]], axis=1)
        return self.h("f")

    def outputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``O (T, K)``, ``P (T, K)``, ``L (T,)`` from the engine's states (0 loss where none)."""
        O = self.hcat() @ self.net.W_ho.T + self.net.b_o
        P = S.softmax(O)
        L = np.where(self.problem.mask, -np.log(P[np.arange(self.problem.T), self.problem.y]), 0.0)
        return O, P, L

    def grads(self) -> dict[str, np.ndarray]:
        """Hand parameter gradients (config's truncation)."""
        return self.bw.grads()

    def check(self) -> list[dict]:
        """Rows of the check panel: hand vs autograd, and (full BPTT) the engine vs autograd on the real modules.

        ``max_abs_diff``: hand BPTT (config's truncation) against :func:`rnnviz.stepthrough.autograd_reference`;
        ``engine_max_abs_diff`` (recurrent parameters, full BPTT only): the engine's ``rnnviz.trace``
        gradients against :func:`rnnviz.stepthrough_check.module_autograd` (fused ``nn.RNN``, torch autograd).
        """
        hand, auto = self.bw.grads(), self.ref["grads"]
        rows = []
        for key in hand:
            r = {"param": key, "shape": "x".join(map(str, hand[key].shape)),
                 "hand_norm": float(np.linalg.norm(hand[key])),
                 "autograd_norm": float(np.linalg.norm(auto[key])),
                 "max_abs_diff": float(np.max(np.abs(hand[key] - auto[key])))}
            cell, _, pname = key.partition(".")
            if self.k is None and pname:
                g = self.traces[cell].param_grads
                eng = {"W_xh": g["weight_ih_l0"], "W_hh": g["weight_hh_l0"], "b": g["bias_ih_l0"]}[pname]
                r["engine_max_abs_diff"] = float(np.max(np.abs(eng - self.ref_module["grads"][key])))
            rows.append(r)
        return rows

    def max_diff(self) -> float:
        return max(max(r["max_abs_diff"], r.get("engine_max_abs_diff", 0.0)) for r in self.check())


def _ce(net: S.Net, problem: S.Problem):
    """``Hcat (T, Hc)`` torch -> summed masked cross-entropy (the page's loss)."""
    W = torch.from_numpy(net.W_ho)
    b = torch.from_numpy(net.b_o)
    y = torch.from_numpy(problem.y.astype(np.int64))
    m = torch.from_numpy(problem.mask.astype(np.float64))

    def loss(hcat: torch.Tensor) -> torch.Tensor:
        logp = torch.log_softmax(hcat @ W.T + b, dim=-1)
        return -(logp[torch.arange(problem.T), y] * m).sum()

    return loss


def engine_traces(net: S.Net, problem: S.Problem) -> dict[str, Trace]:
    """Run :func:`rnnviz.trace` on each RNN of the pattern with the page's loss (full BPTT).

    The engine's loss is a function of one RNN's states; the other RNN's states enter as
    constants (bidirectional: the other direction does not depend on this one's states) or
    are recomputed in torch from them (encoder: the decoder is run from ``hs[-1]``), so
    ``grad_h`` is the total dL/dh_t in every case.
    """
    ce = _ce(net, problem)
    X = torch.from_numpy(problem.X)
    if problem.pattern == "enc_dec":
        enc, dec = torch_rnn(net.cells["enc"]), torch_rnn(net.cells["dec"])
        for p in dec.parameters():
            p.requires_grad_(False)
        tr_enc = trace(enc, problem.X_enc, loss=lambda hs: ce(dec(X, hs[-1].reshape(1, -1))[0]))
        tr_dec = trace(dec.requires_grad_(True), problem.X, loss=ce, h0=tr_enc.h[-1])
        return {"enc": tr_enc, "dec": tr_dec}
    if problem.pattern == "bidirectional":
        f, b = torch_rnn(net.cells["f"]), torch_rnn(net.cells["b"])
        Xr = problem.X[::-1].copy()
        h_f = torch.from_numpy(trace(f, problem.X, loss=lambda hs: hs.sum() * 0).h)
        h_b = torch.from_numpy(trace(b, Xr, loss=lambda hs: hs.sum() * 0).h)
        tr_f = trace(f, problem.X, loss=lambda hs: ce(torch.cat([hs, h_b.flip(0)], dim=1)))
        tr_b = trace(b, Xr, loss=lambda hs: ce(torch.cat([h_f, hs.flip(0)], dim=1)))
        return {"f": tr_f, "b": tr_b}
    return {"f": trace(torch_rnn(net.cells["f"]), problem.X, loss=ce)}


def build_problem(cfg: StepConfig) -> S.Problem:
    return S.make_problem(cfg.st_input, cfg.st_pattern, word=cfg.st_word, target=cfg.st_target,
                          numbers=cfg.st_numbers, length=cfg.st_length, seed=cfg.st_seed)


def compute(cfg: StepConfig, state_dict: dict | None = None) -> Result:
    """All numbers of the page for ``cfg``; ``state_dict``: trained weights (when they apply).

    Raises ``ValueError`` (a readable message) on bad input.
    """
    if not 1 <= int(cfg.st_hidden) <= S.MAX_HIDDEN:
        raise ValueError(f"The hidden size must be between 1 and {S.MAX_HIDDEN}.")
    if int(cfg.st_k) < 0:
        raise ValueError("The truncation length k must be 0 (full BPTT) or positive.")
    problem = build_problem(cfg)
    notes = notes_of(cfg)
    trained = uses_trained(cfg) and state_dict is not None
    if trained:
        net = S.net_from_state_dict(state_dict, problem)
    else:
        net = S.random_net(problem, cfg.st_hidden, seed=cfg.st_seed, scale=cfg.st_scale)
    k = S._check_k(cfg.st_k)
    fw = S.forward(net, problem)
    bw = S.backward(net, problem, fw, k)
    bw_full = bw if k is None else S.backward(net, problem, fw, None)
    ref = S.autograd_reference(net, problem, k)
    ref_module = module_autograd(net, problem) if k is None else {}
    traces = engine_traces(net, problem)
    return Result(cfg, problem, net, fw, bw, bw_full, ref, ref_module, traces, timeline(problem), trained, notes)


# --------------------------------------------------------------------------- scalar RNN


def scalar_problem(cfg: StepConfig) -> tuple[np.ndarray, np.ndarray]:
    """``x (T,)`` from the numbers field, ``y_t = 1[x_1 + ... + x_t > 0]``."""
    x = S.parse_numbers(cfg.st_numbers)
    return x, (np.cumsum(x) > 0).astype(np.float64)


def scalar_compute(cfg: StepConfig) -> tuple[S.Scalar, dict]:
    """The scalar RNN (hand) and its autograd check."""
    for name in ("st_U", "st_W", "st_V"):
        v = float(getattr(cfg, name))
        if not np.isfinite(v) or abs(v) > 100:
            raise ValueError(f"{name[3:]} must be a number between -100 and 100.")
    x, y = scalar_problem(cfg)
    return S.scalar_rnn(cfg.st_U, cfg.st_W, cfg.st_V, x, y), S.scalar_autograd(cfg.st_U, cfg.st_W, cfg.st_V, x, y)

# --------------------------------------------------------------------------- truncation summary


def truncation_rows(res: Result) -> list[dict]:
    """Per parameter: norm of the full-BPTT gradient, of the truncated one, their cosine and
    relative difference (``k`` = 0 gives identical columns)."""
    full, trunc = res.bw_full.grads(), res.bw.grads()
    rows = []
    for key in full:
        a, b = full[key].ravel(), trunc[key].ravel()
        na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
        cos = float(a @ b / (na * nb)) if na > 0 and nb > 0 else float("nan")
        rel = float(np.linalg.norm(a - b) / na) if na > 0 else float("nan")
        rows.append({"param": key, "full_norm": na, "truncated_norm": nb, "cosine": cos, "rel_diff": rel})
    return rows


def slot_of(res: Result, name: str, i: int) -> int:
    """0-based slot (position on the page's time axis) of step ``i`` of cell ``name``."""
    if name == "dec":
        return res.problem.X_enc.shape[0] + i
    if name == "b":
        return res.problem.T - 1 - i
    return i


def slot_labels(res: Result) -> list[str]:
    """Short text for each slot's input (the letter, the number, ``<s>``...)."""
    p = res.problem
    if p.pattern == "enc_dec":
        return list(p.enc_labels) + list(p.x_labels)
    return list(p.x_labels)


def cut_after(res: Result) -> list[float]:
    """Slot positions (x + 0.5) where truncation cuts the gradient, for the plots."""
    xs = []
    for name, pb in res.bw.parts.items():
        for i in np.flatnonzero(pb.cut):
            a, b = slot_of(res, name, int(i)), slot_of(res, name, int(i) + 1)
            xs.append((a + b) / 2)
    return sorted(set(xs))
