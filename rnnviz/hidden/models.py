r"""The character language models the hidden-state lab looks inside, behind one small interface.

A :class:`CharLM` is a one-layer recurrent module on one-hot characters and a linear readout
that gives the logits of the next character:

.. math::
    h_t = \mathrm{cell}(e_{x_t}, h_{t-1}), \qquad z_t = W_{out} h_t + b_{out}, \qquad
    p(x_{t+1} \mid x_{\le t}) = \mathrm{softmax}(z_t)

Sources (every one a real ``torch.nn`` module, float32 as trained):

- ``"lstm"``, ``"gru"``, ``"rnn"``: the shipped sonnet models of the gates lab
  (``rnnviz/weights/gates_lm_<cell>.pt``, ``H = 64``);
- ``"lstm128"``: the train-live lab's shipped reference (``rnnviz/weights/sonnets_lstm.pt``,
  ``H = 128``); both :class:`rnnviz.charmodel.CharRNN`;
- a model trained on the train-live page in this session, given as the session record of
  :func:`rnnviz.train.trained_model_record` (:func:`from_record`);
- an uploaded file, read by the one safe loader (:func:`rnnviz.byo.load_upload`): the train-live
  page's download of a one-layer character language model (:func:`from_upload`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from torch import nn

from rnnviz import tasks as tk
from rnnviz.labs.hidden_config import SHIPPED  # noqa: F401  keys of the shipped models, in the page's order (light)


@dataclass(frozen=True, eq=False)
class CharLM:
    """A character language model: the recurrent module, its readout and its alphabet.

    Attributes:
        key: short identifier (``"lstm"``, ``"session"``, ...), also used as a cache key.
        cell: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        vocab: the alphabet; character ``vocab[i]`` is one-hot position ``i``.
        rnn: one-layer ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` with ``input_size = len(vocab)``.
        readout: ``nn.Linear(H, len(vocab))``, next-character logits.
        source: ``"shipped"``, ``"session"`` or ``"upload"``.
    """

    key: str
    cell: str
    vocab: str
    rnn: nn.Module
    readout: nn.Linear
    source: str = "shipped"

    @property
    def H(self) -> int:
        return int(self.rnn.hidden_size)

    def encode(self, text: str) -> np.ndarray:
        """``text`` -> one-hot ``(T, V)`` float64; a readable ``ValueError`` on unknown characters."""
        return tk.one_hot(tk.encode(text, self.vocab, what=f"the {self.cell} model"), len(self.vocab)).astype(np.float64)

    def knows(self, text: str) -> bool:
        """Whether every character of ``text`` is in the model's alphabet."""
        return set(text) <= set(self.vocab)


def check(model: CharLM) -> CharLM:
    """``ValueError`` unless ``model`` is a one-layer unidirectional next-character model."""
    rnn, ro = model.rnn, model.readout
    if int(getattr(rnn, "num_layers", 1)) != 1 or getattr(rnn, "bidirectional", False):
        raise ValueError("the hidden-state lab reads one-layer, one-directional models; this one has "
                         f"{getattr(rnn, 'num_layers', 1)} layers")
    if not isinstance(ro, nn.Linear) or ro.in_features != rnn.hidden_size or ro.out_features != len(model.vocab):
        raise ValueError("the readout must be a Linear layer from the hidden state to one logit per character")
    if rnn.input_size != len(model.vocab):
        raise ValueError(f"the model reads {rnn.input_size} input features but its alphabet has {len(model.vocab)}")
    return model


FILES = {"lstm": "gates_lm_lstm.pt", "gru": "gates_lm_gru.pt", "rnn": "gates_lm_rnn.pt", "lstm128": "sonnets_lstm.pt"}
"""The weights file of each shipped model (rows of :data:`rnnviz.zoo.REGISTRY`)."""


def shipped(key: str) -> CharLM:
    """A shipped sonnet model (see :data:`SHIPPED`), loaded by :func:`rnnviz.zoo.load` (the one safe loader)."""
    if key not in SHIPPED:
        raise ValueError(f"unknown model {key!r}; choose one of {SHIPPED}")
    from rnnviz import zoo

    m = zoo.load(FILES[key])  # a rnnviz.charmodel.CharRNN, its alphabet in m.vocab
    return check(CharLM(key, m.cell, m.vocab, m.rnn, m.readout, "shipped"))


def from_record(rec: dict, *, key: str = "session", source: str = "session") -> CharLM:
    """A model in the session format of :func:`rnnviz.train.trained_model_record`.

    This is the hook for models trained on the train-live page and for uploaded ones: any record
    with ``task == "lm"``, one layer, ``"model"`` (with ``.rnn`` and ``.readout``) and ``"vocab"``.
    """
    if not isinstance(rec, dict) or "model" not in rec:
        raise ValueError("not a model record")
    if rec.get("task") != "lm":
        raise ValueError("this lab reads character language models; the model in this session classifies names")
    m = rec["model"]
    return check(CharLM(key, rec["cell"], rec["vocab"], m.rnn, m.readout, source))


class NotALanguageModel(ValueError):
    """An uploaded model this lab cannot read; ``why`` is the key of its UI string (``rnnviz.i18n``),
    ``fmt`` the string's fields, ``str(err)`` the English sentence."""

    def __init__(self, why: str, message: str, **fmt):
        super().__init__(message)
        self.why, self.fmt = why, fmt


def from_upload(up) -> CharLM:
    """The uploaded model (a :class:`rnnviz.byo.Upload`) as a :class:`CharLM`, key and source ``"upload"``.

    Only a next-character model fits: a vocabulary, a read-out with one logit per character of it,
    one layer. Anything else raises :class:`NotALanguageModel` saying what the file is instead.
    """
    if up.vocab is None or up.readout is None:
        raise NotALanguageModel(
            "hidden.upload_plain", f"{up.name} is a plain nn.{up.kind} state_dict: no vocabulary and no read-out, "
            "so it cannot read text; upload a character model downloaded from the train-live page",
            name=up.name, kind=up.kind)
    if tuple(up.classes) != tuple(up.vocab):
        raise NotALanguageModel(
            "hidden.upload_classes", f"{up.name} classifies into {len(up.classes)} classes; this lab reads "
            "character language models (one logit per character of the vocabulary)", name=up.name, n=len(up.classes))
    if up.num_layers != 1:
        raise NotALanguageModel(
            "hidden.upload_layers", f"{up.name} has {up.num_layers} layers; this lab reads one-layer models",
            name=up.name, layers=up.num_layers)
    return check(CharLM("upload", up.kind, up.vocab, up.module, up.readout, "upload"))
