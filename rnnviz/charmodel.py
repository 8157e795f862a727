r"""The one character model of rnnviz, and pure functions of it: evaluation, sampling, class probabilities.

:class:`CharRNN` (configured by a :class:`CharRNNConfig`, in the style of nanoGPT's one model file):
one-hot characters -> 1 or 2 recurrent layers -> a linear readout. It serves every lab that shows a
trained character model: the gates lab (recall, bracket depth, a sonnets language model;
:func:`rnnviz.gates.new_model`), train live (a sonnets language model and the surname classifier;
:class:`rnnviz.train.Trainer`) and the hidden-state lab (:mod:`rnnviz.hidden.models`). Its
``state_dict`` keys are ``rnn.weight_ih_l0`` ... (torch's) and ``readout.weight``, ``readout.bias``.

Training is in :mod:`rnnviz.train` and :mod:`rnnviz.gates`; the engine's view of it (dL/dh_t) in
:func:`rnnviz.train.probe_grad_norms`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz import tasks as tk
from rnnviz.data import names as names_data

CELLS = ("RNN", "LSTM", "GRU")


@dataclass(frozen=True)
class CharRNNConfig:
    """The sizes of a :class:`CharRNN` and how it is initialised."""

    cell: str  # "RNN" (tanh), "LSTM" or "GRU"
    vocab_size: int  # V, size of the one-hot input
    hidden_size: int  # H, units per layer
    layers: int = 1  # L, stacked recurrent layers (1 or 2)
    n_out: int | None = None  # C, readout size: classes, or None for V (a language model)
    vocab: str = ""  # the alphabet (character vocab[i] is one-hot position i); "" when not named
    init_seed: int | None = None  # None: torch's default init from the global RNG (train live);
    # an int: rnnviz.models.build(seed=init_seed) for the recurrent layer, then torch.manual_seed(init_seed)
    # for the readout (the gates lab; one layer only)

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {self.cell!r}")
        if self.vocab and len(self.vocab) != self.vocab_size:
            raise ValueError(f"vocab has {len(self.vocab)} characters but vocab_size is {self.vocab_size}")
        if self.init_seed is not None and self.layers != 1:
            raise ValueError("init_seed builds one-layer models only")

    @property
    def out_size(self) -> int:
        return self.vocab_size if self.n_out is None else self.n_out


class CharRNN(nn.Module):
    r"""One-hot characters -> ``L`` recurrent layers -> a linear readout.

    .. math::
        h^{(1)}_t = \mathrm{cell}(e_{x_t}, h^{(1)}_{t-1}),\quad
        h^{(l)}_t = \mathrm{cell}(h^{(l-1)}_t, h^{(l)}_{t-1}),\quad
        z_t = W_{out} h^{(L)}_t + b_{out}

    Args:
        config: a :class:`CharRNNConfig`.

    Attributes: ``config``; ``rnn`` (``nn.RNN``/``nn.LSTM``/``nn.GRU`` with ``num_layers=L``),
    ``readout`` (``nn.Linear(H, C)``); ``cell``, ``vocab``, ``vocab_size``, ``hidden_size``,
    ``layers``, ``n_out`` copied from the config.

    Inputs of :meth:`forward`: ``x`` int64 character indices ``(T, B)`` (or ``(T,)``), or one-hot
    floats ``(T, B, V)`` (or ``(T, V)``); an optional state (``(L, B, H)``, a pair for LSTM).
    Outputs: logits ``(T, B, C)`` (``(T, C)`` for one sequence) and the final state.
    """

    def __init__(self, config: CharRNNConfig):
        super().__init__()
        self.config = c = config
        self.cell, self.vocab, self.vocab_size, self.hidden_size = c.cell, c.vocab, c.vocab_size, c.hidden_size
        self.layers, self.n_out = c.layers, c.out_size
        if c.init_seed is None:
            rnn_cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[c.cell]
            self.rnn = rnn_cls(c.vocab_size, c.hidden_size, num_layers=c.layers)
        else:
            from rnnviz.models import build

            self.rnn = build(c.cell, c.vocab_size, c.hidden_size, seed=c.init_seed, dtype=torch.float32)
            torch.manual_seed(c.init_seed)
        self.readout = nn.Linear(c.hidden_size, self.n_out)

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """Indices ``(T, [B])`` int64 -> one-hot ``(T, [B,] V)`` in the model's dtype; float input as it is."""
        if x.is_floating_point():
            return x
        return F.one_hot(x, self.vocab_size).to(self.readout.weight.dtype)

    def forward(self, x: torch.Tensor, state=None):
        out, state = self.rnn(self.inputs(x), state)  # out: (T, [B,] H)
        return self.readout(out), state  # (T, [B,] C)

    def classify(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Padded ``x`` ``(T, B)`` with true ``lengths`` ``(B,)`` -> logits ``(B, C)`` read at each last character."""
        packed = nn.utils.rnn.pack_padded_sequence(self.inputs(x), lengths.cpu(), enforce_sorted=False)
        _, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state  # (L, B, H)
        return self.readout(h_n[-1])

    def one_hot(self, text: str, *, what: str = "this model") -> torch.Tensor:
        """Encode ``text`` over :attr:`vocab` to a ``(T, V)`` float32 one-hot tensor (``ValueError`` on unknown characters)."""
        return torch.from_numpy(tk.one_hot(tk.encode(text, self.vocab, what=what), self.vocab_size))


def encode_text(text: str, vocab: str) -> torch.Tensor:
    """Indices of ``text`` into ``vocab`` (``(N,)`` int64); ``ValueError`` on unknown characters (:func:`rnnviz.tasks.encode`)."""
    return torch.from_numpy(tk.encode(text, vocab, what="the model"))


@torch.no_grad()
def lm_eval(model: CharRNN, data: torch.Tensor, streams: int = 16) -> dict:
    r"""Mean cross-entropy (nats/char) and perplexity :math:`\exp(\bar L)` of ``model`` on ``data`` ``(N,)``.

    The data is cut into ``streams`` contiguous pieces read in parallel from a zero state;
    every character but the first of each piece is predicted once.
    """
    n = (len(data) // streams) * streams
    if n < 2 * streams:
        streams, n = 1, len(data)
    x = data[:n].view(streams, -1).T  # (N/streams, streams)
    logits, _ = model(x[:-1])
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[1:].reshape(-1)).item()
    return {"loss": ce, "ppl": math.exp(ce), "chars": int(x[1:].numel())}


@torch.no_grad()
def next_char_probs(model: CharRNN, prefix: torch.Tensor, temperature: float = 1.0) -> np.ndarray:
    r"""``(V,)``: :math:`\mathrm{softmax}(z_T / \tau)` after reading ``prefix`` ``(T,)`` from a zero state."""
    logits, _ = model(prefix[:, None])
    return torch.softmax(logits[-1, 0].double() / temperature, dim=-1).numpy()


@torch.no_grad()
def sample_text(model: CharRNN, vocab: str, length: int = 200, temperature: float = 0.8, seed: int = 0,
                prime: str | None = None) -> str:
    r"""Generate ``length`` characters, each drawn from :math:`\mathrm{softmax}(z_t/\tau)`.

    ``prime`` (default: a newline if the vocabulary has one) is read first and not returned.
    Same seed, same model, same text. ``temperature`` must be > 0.
    """
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    if prime is None:
        prime = "\n" if "\n" in vocab else vocab[0]
    gen = torch.Generator().manual_seed(int(seed))
    x = encode_text(prime, vocab)[:, None]  # (T, 1)
    logits, state = model(x)
    out = []
    for _ in range(length):
        p = torch.softmax(logits[-1, 0].double() / temperature, dim=-1)
        k = int(torch.multinomial(p, 1, generator=gen))
        out.append(vocab[k])
        logits, state = model(torch.tensor([[k]]), state)
    return "".join(out)


def _pad(seqs: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(s) for s in seqs])
    x = torch.zeros(int(lengths.max()), len(seqs), dtype=torch.long)  # (T, B), padded with index 0
    for b, s in enumerate(seqs):
        x[:len(s), b] = torch.from_numpy(s)
    return x, lengths


@torch.no_grad()
def names_eval(model: CharRNN, items: list[tuple[str, int]], n_classes: int) -> dict:
    """Accuracy, mean CE and confusion matrix ``(C, C)`` (rows: true language, columns: predicted)."""
    x, lengths = _pad([names_data.encode(n) for n, _ in items])
    y = torch.tensor([k for _, k in items])
    logits = model.classify(x, lengths)
    pred = logits.argmax(dim=1)
    conf = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(conf, (y.numpy(), pred.numpy()), 1)
    return {"accuracy": float((pred == y).double().mean()), "loss": float(F.cross_entropy(logits, y)),
            "confusion": conf}


@torch.no_grad()
def name_char_probs(model: CharRNN, name: str) -> np.ndarray:
    r"""``(T, C)``: row ``t`` is :math:`\mathrm{softmax}(W_o h_t + b_o)`, the class probabilities after reading ``name[:t+1]``."""
    x = torch.from_numpy(names_data.encode(name))[:, None]  # (T, 1)
    logits, _ = model(x)
    return torch.softmax(logits[:, 0].double(), dim=-1).numpy()
