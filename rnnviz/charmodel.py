r"""The character model of train live, and pure functions of it: evaluation, sampling, class probabilities.

:class:`CharRNN`: one-hot characters -> 1 or 2 recurrent layers -> a linear readout, for a character
language model (``n_out = V``) or a sequence classifier (``n_out`` classes, read at the last step).
Training is in :mod:`rnnviz.train`; the engine's view of it (dL/dh_t) in :func:`rnnviz.train.probe_grad_norms`.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz.data import names as names_data


class CharRNN(nn.Module):
    r"""One-hot characters -> ``layers`` recurrent layers -> a linear read-out.

    .. math::
        h^{(1)}_t = \mathrm{cell}(e_{x_t}, h^{(1)}_{t-1}),\quad
        h^{(2)}_t = \mathrm{cell}(h^{(1)}_t, h^{(2)}_{t-1}),\quad
        z_t = W_o h^{(L)}_t + b_o

    Args:
        cell: ``"RNN"`` (tanh), ``"LSTM"`` or ``"GRU"``.
        vocab_size: V, size of the one-hot input.
        hidden_size: H.
        layers: L (1 or 2).
        n_out: read-out size (V for a language model, the number of classes for names).

    Attributes: ``rnn`` (``nn.RNN``/``nn.LSTM``/``nn.GRU`` with ``num_layers=L``), ``decoder`` (``nn.Linear(H, n_out)``).

    Inputs of :meth:`forward`: ``x`` int64 ``(T, B)`` character indices, optional state (``(L, B, H)``,
    a pair for LSTM). Outputs: logits ``(T, B, n_out)`` and the final state.
    """

    def __init__(self, cell: str, vocab_size: int, hidden_size: int, layers: int, n_out: int):
        super().__init__()
        self.cell, self.vocab_size, self.hidden_size, self.layers, self.n_out = cell, vocab_size, hidden_size, layers, n_out
        rnn_cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cell]
        self.rnn = rnn_cls(vocab_size, hidden_size, num_layers=layers)
        self.decoder = nn.Linear(hidden_size, n_out)

    def onehot(self, x: torch.Tensor) -> torch.Tensor:
        """``(T, B)`` int64 -> ``(T, B, V)`` float one-hot in the model's dtype."""
        return F.one_hot(x, self.vocab_size).to(self.decoder.weight.dtype)

    def forward(self, x: torch.Tensor, state=None):
        out, state = self.rnn(self.onehot(x), state)  # out: (T, B, H)
        return self.decoder(out), state  # (T, B, n_out)

    def classify(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Padded ``x`` ``(T, B)`` with true ``lengths`` ``(B,)`` -> logits ``(B, n_out)`` read at each last character."""
        packed = nn.utils.rnn.pack_padded_sequence(self.onehot(x), lengths.cpu(), enforce_sorted=False)
        _, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state  # (L, B, H)
        return self.decoder(h_n[-1])


def encode_text(text: str, vocab: str) -> torch.Tensor:
    """Indices of ``text`` into ``vocab`` (``(N,)`` int64); ``ValueError`` on unknown characters."""
    index = {c: i for i, c in enumerate(vocab)}
    bad = sorted({c for c in text if c not in index})
    if bad:
        raise ValueError(f"characters not in the model's vocabulary: {' '.join(repr(c) for c in bad[:10])}")
    return torch.tensor([index[c] for c in text], dtype=torch.long)


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
