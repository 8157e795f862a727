r"""Page logic of "LSTM and GRU gates, live": config in, arrays and LaTeX strings out.

No Streamlit here. :func:`analyse` runs the engine (:func:`rnnviz.trace`) on the *trained*
recurrent module (float64 copy) with the one-hot input text, so every gate, ``c_t`` and
``h_t`` on screen is a field of a :class:`rnnviz.trace.Trace`; then it adds

- the readout's predictions (``model.readout(tr.h)``);
- the gradient paths: the product of forget (LSTM) / update (GRU) gates
  :math:`\prod_{k>t} f_k` (:func:`rnnviz.gates.carry_product`) and the trained vanilla RNN's
  :math:`\|\prod_{k>t}\mathrm{diag}(\tanh'(a_k))W_{hh}\|_2` on the same text;
- the forget-gate bias experiment: :math:`b_f \leftarrow b_f + \Delta` on the trained model
  and on a fresh (untrained) one, with the memory horizon of each;
- one unit at one step with the numbers substituted (:func:`unit_step`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import torch

from rnnviz import gates as G
from rnnviz import tasks as tk
from rnnviz.i18n.tex import tex_words
from rnnviz.models import GATE_NAMES
from rnnviz.trace import Trace, trace

from rnnviz.labs.gates_config import (  # noqa: F401 (the light half: settings, presets, input text)
    FRESH_SEED, LM_EXAMPLE_LEN, MAX_CHARS, PRESET_BASE, PRESETS, GatesConfig, analysis_key, example_text, input_text, validate)

PRECISION = 3
"""Decimals of every number shown in the equations."""


def fmt(v: float, p: int = PRECISION) -> str:
    """``v`` with ``p`` decimals; ``-0.000`` shown as ``0.000``; non-finite as text."""
    v = float(v)
    if not math.isfinite(v):
        return "\\text{" + ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")) + "}"
    s = f"{v:.{p}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


@dataclass
class GatesResult:
    """Everything the page shows for one setting.

    Attributes:
        text: the analysed input (``T`` characters).
        trace: the engine's :class:`Trace` of the trained (bias-shifted) module on ``text``.
        quantities: name -> ``(T, H)``: the gates in torch order, then ``c`` (LSTM) and ``h``.
        probs: ``(T, C)`` readout probabilities.
        classes: the readout's labels.
        carry: ``(T, H)`` product of forget/update gates :math:`\prod_{k>t} f_k` (trained, shifted).
        carry_base: ``(T, H)`` the same with no bias shift.
        carry_fresh: ``(T, H)`` the same for a fresh (untrained) model with the shift.
        horizons: ``"trained"``, ``"base"``, ``"fresh"`` -> memory horizon in steps of the
            unit-averaged product (inf = beyond T); ``"<name>_max"``: of the longest-memory unit.
        rnn_path: ``(T,)`` :math:`\|\partial h_T/\partial h_t\|_2` of the trained vanilla RNN.
        summary: a short description of the model's answer (answer, truth, probability).
    """

    text: str
    trace: Trace
    quantities: dict[str, np.ndarray]
    probs: np.ndarray
    classes: tuple[str, ...]
    carry: np.ndarray
    carry_base: np.ndarray
    carry_fresh: np.ndarray
    horizons: dict[str, float]
    rnn_path: np.ndarray
    summary: dict = field(default_factory=dict)


def trace_model(model: G.CharRNN, text: str) -> tuple[Trace, np.ndarray]:
    """The engine's trace of ``model.rnn`` (float64) on ``text`` and the readout probabilities ``(T, C)``."""
    m64 = G.as_float64(model)
    x = m64.one_hot(text).double()  # (T, V)
    tr = trace(m64.rnn, x)
    with torch.no_grad():
        logits = m64.readout(torch.from_numpy(tr.h))  # (T, C)
        probs = torch.softmax(logits, dim=-1).numpy()
    return tr, probs


def quantities_of(tr: Trace) -> dict[str, np.ndarray]:
    """Gates (torch order), then ``c`` for the LSTM, then ``h``; each ``(T, H)``."""
    out = dict(tr.gates)
    if tr.c is not None:
        out["c"] = tr.c
    out["h"] = tr.h
    return out


def summarise(task: str, text: str, probs: np.ndarray, classes: tuple[str, ...]) -> dict:
    """What the model answers: recall at the last step, depth at every step, lm the next character."""
    if task == "recall":
        k = int(probs[-1].argmax())
        truth = tk.recall_answer(text)
        return {"answer": classes[k], "p": float(probs[-1, k]), "truth": truth,
                "correct": None if truth is None else classes[k] == truth}
    if task == "depth":
        pred = probs.argmax(axis=1)  # (T,)
        true = tk.bracket_depth(text)
        return {"pred_depth": pred, "true_depth": true, "accuracy": float((pred == true).mean())}
    top = np.argsort(probs[-1])[::-1][:5]
    return {"next": [(classes[int(k)], float(probs[-1, k])) for k in top]}


def analyse(cfg: GatesConfig, models: dict[str, G.CharRNN], fresh: G.CharRNN) -> GatesResult:
    """Run every computation of the page.

    Args:
        cfg: the page settings.
        models: trained models of ``cfg.gt_task`` keyed by cell (needs ``cfg.gt_cell`` and ``"RNN"``).
        fresh: an untrained model of the same task and cell (the bias experiment).
    """
    validate(cfg)
    text = input_text(cfg)
    trained = models[cfg.gt_cell]
    shifted = G.shift_carry_bias(trained, cfg.gt_fbias) if cfg.gt_fbias else trained
    tr, probs = trace_model(shifted, text)
    gate = G.CARRY_GATE[cfg.gt_cell]
    carry = G.carry_product(tr.gates[gate])
    base = carry if not cfg.gt_fbias else G.carry_product(trace_model(trained, text)[0].gates[gate])
    tr_fresh, _ = trace_model(G.shift_carry_bias(fresh, cfg.gt_fbias), text)
    carry_fresh = G.carry_product(tr_fresh.gates[gate])
    tr_rnn, _ = trace_model(models["RNN"], text)
    classes = G.SPECS[cfg.gt_task].classes
    return GatesResult(
        text=text, trace=tr, quantities=quantities_of(tr), probs=probs, classes=classes,
        carry=carry, carry_base=base, carry_fresh=carry_fresh,
        horizons=_horizons({"trained": carry, "base": base, "fresh": carry_fresh}),
        rnn_path=G.rnn_path_norm(tr_rnn),
        summary=summarise(cfg.gt_task, text, probs, classes),
    )


def sci(v: float) -> str:
    """``4.6e-03``-style for the gradient-path numbers (tiny and huge values alike)."""
    v = float(v)
    return f"{v:.2g}" if math.isfinite(v) and 0.01 <= abs(v) < 100 else f"{v:.1e}"


def path_summary(carry: np.ndarray, rnn_path: np.ndarray) -> dict:
    r"""What the gradient-path chart shows at ``t = 1``, for its caption.

    Returns ``best`` (the unit with the largest :math:`\prod_{k>1} f_k`), ``kept`` (that product),
    ``rnn`` (:math:`\|\partial h_T/\partial h_1\|_2` of the vanilla RNN) and ``more``: ``"gated"``,
    ``"rnn"`` or ``"equal"`` (which of the two is larger on this input).
    """
    best = int(np.argmax(carry[0]))
    kept, rnn = float(carry[0, best]), float(rnn_path[0])
    more = "gated" if kept > rnn else "rnn" if rnn > kept else "equal"
    return {"best": best, "kept": kept, "rnn": rnn, "more": more}


def _horizons(products: dict[str, np.ndarray]) -> dict[str, float]:
    out = {}
    for name, P in products.items():
        out[name] = G.memory_horizon(P)
        out[f"{name}_max"] = float(np.max(G.unit_horizons(P)))
    return out


def clip_unit(cfg: GatesConfig, H: int) -> int:
    """``gt_unit`` clipped to ``0..H-1``."""
    return int(min(max(int(cfg.gt_unit), 0), H - 1))


def clip_step(cfg: GatesConfig, T: int) -> int:
    """``gt_step`` clipped to ``1..T``."""
    return int(min(max(int(cfg.gt_step), 1), T))


# ---------------------------------------------------------------- one unit, one step
def _sig(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def unit_step(tr: Trace, text: str, vocab: str, unit: int, step: int, lang: str = "en") -> tuple[dict[str, float], list[str]]:
    r"""Unit ``j`` at step ``t`` with every number substituted.

    Pre-activations are split into their input part :math:`W_{\cdot}[j]\,x_t + b_{i\cdot}` (with
    one-hot :math:`x_t` this is one column of ``W_ih``) and their recurrent part
    :math:`W_{h\cdot}[j]\,h_{t-1} + b_{h\cdot}`, from the module's parameters (``tr.params``).

    Args:
        tr: the engine's trace (LSTM, GRU or RNN).
        text: the input text (``T`` characters); ``vocab`` its alphabet.
        unit: ``j`` (0-based); step: ``t`` (1-based).
        lang: the language of the words in the equations (``one-hot``).

    Returns: ``(numbers, latex)``: the values by name (``x_<gate>``, ``h_<gate>`` input and
    recurrent parts, ``a_<gate>`` pre-activations, gate values, ``c_prev``, ``c``, ``h_prev``,
    ``h``) and one LaTeX line per equation, showing exactly those numbers: the lines of
    :func:`unit_step_template` filled with :func:`unit_step_strings`.
    """
    num = unit_step_numbers(tr, text, vocab, unit, step)
    return num, fill(unit_step_template(tr.kind, lang), unit_step_strings(tr.kind, num, text[int(step) - 1], unit, step))


def unit_step_numbers(tr: Trace, text: str, vocab: str, unit: int, step: int) -> dict[str, float]:
    """The numbers of :func:`unit_step` (no LaTeX)."""
    p = tr.params
    H = tr.H
    j, t = int(unit), int(step) - 1  # t: 0-based row of the trace
    ch = vocab.index(text[t])
    h_prev = tr.h[t - 1] if t > 0 else np.zeros(H)
    names = GATE_NAMES[tr.kind] or ("h",)  # the vanilla RNN has one block, shown as "h"
    W_ih, W_hh, b_ih, b_hh = p.W_ih, p.W_hh, p.b_ih, p.b_hh  # Params holds zero biases when there are none
    num: dict[str, float] = {}
    for k, g in enumerate(names):
        row = k * H + j
        num[f"x_{g}"] = float(W_ih[row, ch] + b_ih[row])
        num[f"h_{g}"] = float(W_hh[row] @ h_prev + b_hh[row])
    num["h_prev"] = float(h_prev[j])
    if tr.kind == "LSTM":
        for g in ("i", "f", "g", "o"):  # torch's order
            num[f"a_{g}"] = num[f"x_{g}"] + num[f"h_{g}"]
            num[g] = (math.tanh if g == "g" else _sig)(num[f"a_{g}"])
        num["c_prev"] = float(tr.c[t - 1, j] if t > 0 else 0.0)
        num["c"] = num["f"] * num["c_prev"] + num["i"] * num["g"]
        num["h"] = num["o"] * math.tanh(num["c"])
    elif tr.kind == "GRU":
        for g in ("r", "z"):
            num[f"a_{g}"] = num[f"x_{g}"] + num[f"h_{g}"]
            num[g] = _sig(num[f"a_{g}"])
        num["a_n"] = num["x_n"] + num["r"] * num["h_n"]
        num["n"] = math.tanh(num["a_n"])
        num["h"] = (1 - num["z"]) * num["n"] + num["z"] * num["h_prev"]
    else:
        num["a_h"] = num["x_h"] + num["h_h"]
        num["h"] = math.tanh(num["a_h"])
    return num


SLOT = "⟦{}⟧"
"""A named slot of a LaTeX template (:func:`unit_step_template`); ``⟦`` never occurs in the fixed text."""
_SLOT_RE = re.compile("⟦([A-Za-z0-9_]+)⟧")


def fill(template: list[str], strings: dict[str, str]) -> list[str]:
    """The template's lines with every slot ``⟦name⟧`` replaced by ``strings[name]`` (the browser does the
    same replacement, rnnviz/assets/live/)."""
    return [_SLOT_RE.sub(lambda m: strings[m.group(1)], line) for line in template]


def unit_step_strings(kind: str, num: dict[str, float], char: str, unit: int, step: int) -> dict[str, str]:
    """What fills the slots of :func:`unit_step_template`: every number formatted as shown (``fmt``, and
    ``p_<name>``: in parentheses when negative), the step, the unit and the input character."""
    sym = {" ": r"\text{\textvisiblespace}", "\n": r"\hookleftarrow"}
    out = {"t": str(int(step)), "j": str(int(unit)), "x": sym.get(char, r"\text{" + _latex_char(char) + "}")}
    for k, v in num.items():
        out[k] = fmt(v)
        out[f"p_{k}"] = _paren(v)
    if kind == "GRU":
        out["omz"] = fmt(1 - num["z"])
    return out


def unit_step_template(kind: str, lang: str = "en") -> list[str]:
    """The LaTeX lines of :func:`unit_step` with slots (``⟦name⟧``) for the numbers, per cell kind; the words
    in ``lang`` (:func:`rnnviz.i18n.tex.tex_words`)."""
    S = SLOT.format
    lines = [rf"t = {S('t')},\ j = {S('j')},\ x_t = \text{{one-hot}}(\,{S('x')}\,)"]

    def gate(g: str, fname: str) -> str:
        return (rf"{g}_t = {fname}(\underbrace{{{S('x_' + g)}}}_{{W_{{i{g}}}x_t+b_{{i{g}}}}}"
                rf" + \underbrace{{{S('p_h_' + g)}}}_{{W_{{h{g}}}h_{{t-1}}+b_{{h{g}}}}})"
                rf" = {fname}({S('a_' + g)}) = {S(g)}")

    if kind == "LSTM":
        lines += [gate(g, r"\tanh" if g == "g" else r"\sigma") for g in ("i", "f", "g", "o")]
        lines.append(rf"c_t = f_t c_{{t-1}} + i_t g_t = {S('f')}\cdot{S('p_c_prev')}"
                     rf" + {S('i')}\cdot{S('p_g')} = {S('c')}")
        lines.append(rf"h_t = o_t \tanh(c_t) = {S('o')}\cdot\tanh({S('c')}) = {S('h')}")
    elif kind == "GRU":
        lines += [gate(g, r"\sigma") for g in ("r", "z")]
        lines.append(rf"n_t = \tanh(\underbrace{{{S('x_n')}}}_{{W_{{in}}x_t+b_{{in}}}} + r_t"
                     rf"\underbrace{{{S('p_h_n')}}}_{{W_{{hn}}h_{{t-1}}+b_{{hn}}}})"
                     rf" = \tanh({S('x_n')} + {S('r')}\cdot{S('p_h_n')}) = {S('n')}")
        lines.append(rf"h_t = (1-z_t)\,n_t + z_t h_{{t-1}} = {S('omz')}\cdot{S('p_n')}"
                     rf" + {S('z')}\cdot{S('p_h_prev')} = {S('h')}")
    else:
        lines.append(rf"h_t = \tanh({S('x_h')} + {S('p_h_h')}) = {S('h')}")
    return [tex_words(line, lang) for line in lines]


def _paren(v: float) -> str:
    s = fmt(v)
    return f"({s})" if s.startswith("-") else s


def _latex_char(c: str) -> str:
    """A character safe inside ``\\text{...}``."""
    special = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
               "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}
    return special.get(c, c)


# ---------------------------------------------------------------- accuracies (cached by the page)
def accuracy_table(models: dict[str, G.CharRNN], task: str) -> dict[str, float]:
    """Held-out accuracy of each trained cell on ``task`` (:func:`rnnviz.gates.evaluate`)."""
    return {cell: G.evaluate(m, task) for cell, m in models.items()}


RECALL_GAPS = (0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 120, 150)
"""Gaps of the recall accuracy curve (training went up to ``GAP_MAX = 100``)."""


def recall_curve(models: dict[str, G.CharRNN], *, n: int = 300) -> dict[str, np.ndarray]:
    """Recall accuracy vs gap for each cell, ``(len(RECALL_GAPS),)`` arrays."""
    with G.one_thread():
        return {cell: np.array([G.recall_accuracy(m, g, n=n) for g in RECALL_GAPS]) for cell, m in models.items()}


LATEX = [
    r"\text{LSTM: } \begin{aligned} i_t &= \sigma(W_{ii}x_t + b_{ii} + W_{hi}h_{t-1} + b_{hi}), &"
    r" f_t &= \sigma(W_{if}x_t + b_{if} + W_{hf}h_{t-1} + b_{hf}),\\"
    r" g_t &= \tanh(W_{ig}x_t + b_{ig} + W_{hg}h_{t-1} + b_{hg}), &"
    r" o_t &= \sigma(W_{io}x_t + b_{io} + W_{ho}h_{t-1} + b_{ho}),\\"
    r" c_t &= f_t \odot c_{t-1} + i_t \odot g_t, & h_t &= o_t \odot \tanh(c_t) \end{aligned}",
    r"\text{GRU: } \begin{aligned} r_t &= \sigma(W_{ir}x_t + b_{ir} + W_{hr}h_{t-1} + b_{hr}), &"
    r" z_t &= \sigma(W_{iz}x_t + b_{iz} + W_{hz}h_{t-1} + b_{hz}),\\"
    r" n_t &= \tanh(W_{in}x_t + b_{in} + r_t \odot (W_{hn}h_{t-1} + b_{hn})), &"
    r" h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1} \end{aligned}",
    r"\hat y_t = \operatorname{softmax}(W_{out} h_t + b_{out}),\qquad x_t = \text{one-hot}(\text{character}_t)",
    r"\left.\frac{\partial c_T}{\partial c_t}\right|_{\text{cell path}} = \prod_{k=t+1}^{T} f_k"
    r"\quad(\text{GRU: } \textstyle\prod_{k=t+1}^{T} z_k)"
    r"\qquad\text{vs.}\qquad \Big\|\frac{\partial h_T}{\partial h_t}\Big\|_2"
    r" = \Big\|\prod_{k=t+1}^{T} \operatorname{diag}\big(1 - h_k^2\big)\, W_{hh}\Big\|_2",
    r"b_f \leftarrow b_f + \Delta,\qquad \text{horizon} = \min\{T - t : \tfrac{1}{H}\textstyle\sum_j"
    r" \prod_{k=t+1}^{T} f_{k,j} < e^{-1}\}",
]
"""The equations shown under "The equations behind the plots"."""
