r"""The vanishing and gates labs on an uploaded model (:class:`rnnviz.byo.Upload`): pure, no Streamlit.

Layer ``k`` of the uploaded module is traced on its own input (the hidden sequence of layer
``k-1``, :func:`rnnviz.byo.layer_input`) with :func:`rnnviz.trace`, so every number shown is a
field of a :class:`rnnviz.Trace`, as for the shipped models:

- input: one-hot characters of a typed text over the model's vocabulary, ``x_t = e_{idx(s_t)}``
  ``(T, V)`` (a character model only), or ``x_t \sim \mathcal N(0, \sigma^2 I)`` / zeros ``(T, I)``;
- vanishing: :math:`\|\partial L/\partial h_t\|` for ``L = \sum h_T`` (or :math:`\sum_t \sum h_t`),
  the Jacobian norms :math:`\|\partial h_T/\partial h_k\|` (:func:`rnnviz.labs.vanishing.jacobians`);
- gates: every gate, ``c_t`` and ``h_t`` ``(T, H)``, the product of forget (LSTM) / update (GRU)
  gates :math:`\prod_{k>t} f_k`, and (character model, last layer) the read-out's
  :math:`\mathrm{softmax}(W_o h_t + b_o)`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from rnnviz import gates as G
from rnnviz.byo import Upload
from rnnviz.inputs import make_input, one_hot_text
from rnnviz.labs import vanishing as V
from rnnviz.labs.gates import quantities_of
from rnnviz.trace import Trace, every_step_loss, last_step_loss, trace

INPUTS = ("random", "zeros", "text")
MAX_T = 500


def describe(up: Upload) -> dict:
    """What the page says about the model in use: name, kind, layers, sizes, vocabulary size."""
    return {"name": up.name, "kind": up.kind, "layers": up.num_layers, "I": up.input_size, "H": up.hidden_size,
            "V": len(up.vocab) if up.vocab else 0}


def model_input(up: Upload, kind: str, *, T: int = 50, scale: float = 1.0, text: str = "",
                seed: int = 0) -> np.ndarray:
    """The ``(T, I)`` input of the uploaded module (layer 0); ``ValueError`` with a readable message."""
    if kind not in INPUTS:
        raise ValueError(f"unknown input kind {kind!r}; choose one of {INPUTS}")
    if kind == "text":
        if up.vocab is None:
            raise ValueError(f"{up.name} has no vocabulary (a plain nn.{up.kind} state_dict): "
                             "choose random or zero input, or upload a model saved by the train-live page")
        return one_hot_text(text, alphabet=up.vocab)[0]
    if not 1 <= int(T) <= MAX_T:
        raise ValueError(f"T must be between 1 and {MAX_T}")
    if not (math.isfinite(scale) and scale >= 0):
        raise ValueError("the input scale must be a finite number >= 0")
    return make_input(kind, int(T), up.input_size, seed=int(seed)) * float(scale)


def layer_trace(up: Upload, layer: int, x: np.ndarray, loss=None) -> Trace:
    """The engine's trace of layer ``layer`` on its own input (``ValueError`` for a missing layer)."""
    return trace(up.module, x, loss=loss, layer=int(layer))


# ---------------------------------------------------------------- vanishing lab
def vanishing_run(up: Upload, layer: int, cfg: V.VanishingConfig) -> V.VanishingResult:
    """The vanishing lab's result for the uploaded model: one curve, named after the cell kind.

    From ``cfg`` only the input (``input_kind``, ``T``, ``input_scale``, ``text``, ``seed``), the
    loss and the clip threshold are used; ``H``, the cell, its weights come from the file.
    """
    if cfg.loss not in V.LOSSES:
        raise ValueError(f"unknown loss {cfg.loss!r}")
    if cfg.clip < 0:
        raise ValueError("the clip threshold must be >= 0 (0 = off)")
    x = model_input(up, cfg.input_kind, T=cfg.T, scale=cfg.input_scale, text=cfg.text, seed=cfg.seed)
    tr = layer_trace(up, layer, x, every_step_loss if cfg.loss == "every" else last_step_loss)
    shown = replace(cfg, cells=(up.kind,), H=up.hidden_size, T=x.shape[0])
    return V.VanishingResult(shown, x, up.vocab if cfg.input_kind == "text" else None,
                             {up.kind: V.cell_result(tr, shown)})


# ---------------------------------------------------------------- gates lab
@dataclass
class ByoGates:
    """What the gates lab shows for the uploaded model.

    Attributes:
        labels: ``T`` x-axis labels: the characters read (text input) or ``"1".."T"``.
        text: the typed text, or ``None`` for random/zero input.
        trace: the engine's :class:`Trace` of the layer (loss ``sum(h_T)``).
        quantities: name -> ``(T, H)``: the gates in torch order, then ``c`` (LSTM) and ``h``.
        carry: ``(T, H)`` :math:`\prod_{k>t} f_k` (LSTM) / :math:`\prod_{k>t} z_k` (GRU), else ``None``.
        probs: ``(T, C)`` read-out probabilities (character model, last layer), else ``None``.
        classes: the read-out's labels.
    """

    labels: list[str]
    text: str | None
    trace: Trace
    quantities: dict[str, np.ndarray]
    carry: np.ndarray | None
    probs: np.ndarray | None
    classes: tuple[str, ...]


def gates_run(up: Upload, layer: int, kind: str, *, text: str = "", T: int = 50, seed: int = 0) -> ByoGates:
    """Gates, cell state and hidden state of layer ``layer`` on a typed text or random input."""
    x = model_input(up, kind, T=T, text=text, seed=seed)
    tr = layer_trace(up, layer, x)
    carry = G.carry_product(tr.gates[G.CARRY_GATE[tr.kind]]) if tr.kind in G.CARRY_GATE else None
    probs = None
    if up.readout is not None and int(layer) == up.num_layers - 1:
        with torch.no_grad():
            probs = torch.softmax(up.readout(torch.from_numpy(tr.h)), dim=-1).numpy()  # (T, C)
    labels = list(text) if kind == "text" else [str(t) for t in range(1, x.shape[0] + 1)]
    return ByoGates(labels, text if kind == "text" else None, tr, quantities_of(tr), carry, probs, up.classes)


def top_next(res: ByoGates, k: int = 5) -> list[tuple[str, float]]:
    """The read-out's ``k`` most likely classes after the last step (empty without a read-out)."""
    if res.probs is None:
        return []
    p = res.probs[-1]
    return [(res.classes[int(j)], float(p[j])) for j in np.argsort(p)[::-1][:k]]


SAMPLE = "the quick brown fox jumps over the lazy dog"


def default_text(up: Upload) -> str:
    """A first text for a character model: the sample sentence's characters that are in its vocabulary."""
    vocab = up.vocab or ""
    return "".join(c for c in SAMPLE if c in vocab) or vocab[:40]
