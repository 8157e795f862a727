r"""Encoder-decoder (seq2seq) with attention for date normalisation, and its no-attention baseline.

Model (Luong-style, one layer, GRU or LSTM; :math:`x_1..x_N` the input characters,
:math:`y_1..y_{10}` the output ``yyyy-mm-dd``, :math:`y_0` a start symbol):

.. math::
    \overrightarrow{h}_i = \mathrm{Enc}_\rightarrow(E_x x_i, \overrightarrow{h}_{i-1}), \quad
    \overleftarrow{h}_i = \mathrm{Enc}_\leftarrow(E_x x_i, \overleftarrow{h}_{i+1}), \quad
    h_i = \overrightarrow{h}_i + \overleftarrow{h}_i, \quad
    s_0 = \overrightarrow{h}_N + \overleftarrow{h}_1, \quad
    s_t = \mathrm{Dec}(E_y y_{t-1}, s_{t-1})

The encoder is bidirectional and the two directions are summed (as in the PyTorch chatbot
tutorial), so ``h_i`` and ``s_t`` have the same size D and the dot score applies. Why
bidirectional: with a forward-only encoder, the state at the day digit "3" of "2021年3月3日"
cannot know whether a second digit follows, and the dot model (1000 steps) wrote 2021-03-32 for
it (all of its held-out errors were such a final single-digit day 3, 0.25% of the set); the
backward direction sees the "日" that follows. ``ModelConfig(bidirectional=False)`` gives the
forward-only encoder (then :math:`h_i = \overrightarrow{h}_i`, :math:`s_0 = h_N`).

.. math::
    a_t(i) = \mathrm{softmax}_i\, \mathrm{score}(s_t, h_i), \qquad c_t = \sum_i a_t(i) h_i, \qquad
    \tilde h_t = \tanh(W_c [c_t; s_t] + b_c), \qquad p(y_t \mid \cdot) = \mathrm{softmax}(W_o \tilde h_t + b_o)

with ``score`` one of :data:`rnnviz.attention.SCORES`. The baseline (``score="none"``) has no
:math:`c_t`: :math:`\tilde h_t = \tanh(W_c s_t + b_c)`, so everything the decoder knows about the
input went through the single vector :math:`s_0` (the bottleneck).

Shapes: ``X (B, N)`` int64 (0 = padding), ``lengths (B,)``, ``Y (B, 10)``; encoder states
``H (B, N, D)``; logits ``(B, 10, V)`` with ``V = len(TARGET_CHARS) = 11``.

Training (:func:`rnnviz.seq2seq_train.train`): cross-entropy, Adam, gradient clipping at 1, batches generated on the
fly with a seeded RNG (:mod:`rnnviz.data.dates`, training dates only). At decoder step ``t`` the
input :math:`y_{t-1}` is the ground truth with probability :math:`\epsilon_i` (per token, ``i`` the
training step), otherwise the model's own greedy prediction (scheduled sampling, Bengio et al.
2015). :func:`epsilon` gives the schedules: always teacher forcing (:math:`\epsilon = 1`), never
(:math:`\epsilon = 0`), linear, exponential and inverse-sigmoid decay.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnnviz._blas import torch_one_thread
from rnnviz.attention import SCORES, Attention
from rnnviz.data import dates as D
from rnnviz import zoo
from rnnviz.zoo import WEIGHTS_DIR
from rnnviz.checkpoint import check_state_dict

MODEL_KINDS = SCORES + ("none",)
"""Score functions with a trained model each, plus the no-attention baseline."""
SCHEDULES = ("teacher", "free", "linear", "exponential", "inverse_sigmoid")
"""Teacher-forcing schedules: always, never, and the three decays of epsilon."""
DECAYS = ("linear", "exponential", "inverse_sigmoid")
HELDOUT_SEED = 20210303
"""Seed of the fixed held-out set (test dates only) used for every accuracy figure."""


@dataclass
class ModelConfig:
    """Architecture; the shipped weights use the defaults."""

    score: str = "dot"  # "dot", "general", "concat" or "none" (no attention, the baseline)
    cell: str = "GRU"  # "GRU" or "LSTM", encoder and decoder
    emb: int = 32  # embedding size of input and output characters
    hidden: int = 64  # D, size of h_i and s_t
    bidirectional: bool = True  # encoder reads both ways, h_i = forward + backward state


@dataclass
class TrainConfig:
    """One training run."""

    model: ModelConfig = field(default_factory=ModelConfig)
    steps: int = 800  # optimisation steps (one fresh batch each)
    batch: int = 128  # examples per batch
    lr: float = 3e-3  # Adam learning rate
    schedule: str = "teacher"  # one of SCHEDULES
    seed: int = 0  # seeds the weights, the batches and the sampling coins
    max_seconds: float | None = None  # optional wall-clock cap (the run stops early, flagged in the result)
    eval_every: int = 0  # 0 = no evaluation during training; else held-out accuracy every this many steps
    eval_n: int = 500  # held-out examples for that evaluation


class Seq2Seq(nn.Module):
    """Encoder-decoder with attention (see the module docstring for the equations)."""

    def __init__(self, cfg: ModelConfig | None = None):
        super().__init__()
        cfg = cfg or ModelConfig()
        if cfg.score not in MODEL_KINDS:
            raise ValueError(f"score must be one of {MODEL_KINDS}, not {cfg.score!r}")
        if cfg.cell not in ("GRU", "LSTM"):
            raise ValueError(f"cell must be 'GRU' or 'LSTM', not {cfg.cell!r}")
        self.cfg = cfg
        Hd = cfg.hidden
        self.src_emb = nn.Embedding(D.N_SOURCE, cfg.emb, padding_idx=D.PAD)
        self.tgt_emb = nn.Embedding(D.N_TARGET + 1, cfg.emb)  # + start symbol
        self.encoder = (nn.GRU if cfg.cell == "GRU" else nn.LSTM)(cfg.emb, Hd, batch_first=True,
                                                                  bidirectional=cfg.bidirectional)
        self.decoder = (nn.GRUCell if cfg.cell == "GRU" else nn.LSTMCell)(cfg.emb, Hd)
        self.attn = Attention(cfg.score, Hd, Hd) if cfg.score != "none" else None
        self.combine = nn.Linear(2 * Hd if self.attn is not None else Hd, Hd)  # W_c, b_c
        self.out = nn.Linear(Hd, D.N_TARGET)  # W_o, b_o

    # ------------------------------------------------------------------ pieces
    def encode(self, X: torch.Tensor, lengths: torch.Tensor):
        """``X (B, N)``, ``lengths (B,)`` -> ``H (B, N, D)``, ``mask (B, N)``, decoder state ``s_0``."""
        N = X.shape[1]
        packed = nn.utils.rnn.pack_padded_sequence(self.src_emb(X), lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        out, last = self.encoder(packed)
        H, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=N)  # (B, N, dirs * D)
        mask = torch.arange(N).unsqueeze(0) < lengths.unsqueeze(1)  # (B, N)
        if self.cfg.bidirectional:
            D_ = self.cfg.hidden
            H = H[..., :D_] + H[..., D_:]  # forward + backward states, (B, N, D); padding stays 0
        # last: (dirs, B, D) [GRU] or a pair of them [LSTM] -> sum over the directions
        state = last.sum(0) if self.cfg.cell == "GRU" else (last[0].sum(0), last[1].sum(0))
        return H, mask, state

    def step(self, y_prev: torch.Tensor, state, H: torch.Tensor, mask: torch.Tensor, keys=None):
        """One decoder step: ``y_prev (B,)`` -> logits ``(B, V)``, new state, and the record
        ``(s_t, scores, weights, c_t, h~_t)`` (``scores``/``weights``/``c_t`` None without attention).
        ``keys``: optional ``self.attn.keys(H)``, computed once per input (concat score)."""
        state = self.decoder(self.tgt_emb(y_prev), state)
        s = state if self.cfg.cell == "GRU" else state[0]
        if self.attn is not None:
            e, a, c = self.attn(s, H, mask, keys)
            ht = torch.tanh(self.combine(torch.cat([c, s], dim=1)))
        else:
            e = a = c = None
            ht = torch.tanh(self.combine(s))
        return self.out(ht), state, (s, e, a, c, ht)

    def forward(self, X, lengths, Y=None, epsilon: float = 1.0, generator: torch.Generator | None = None):
        """Logits ``(B, 10, V)``. With ``Y``, the decoder input at step t is the true ``Y[:, t-1]``
        with probability ``epsilon`` (per token), else the greedy prediction; without ``Y``, greedy."""
        H, mask, state = self.encode(X, lengths)
        keys = self.attn.keys(H) if self.attn is not None else None
        B = X.shape[0]
        y_prev = torch.full((B,), D.START, dtype=torch.long)
        logits = []
        for t in range(D.TARGET_LEN):
            lo, state, _ = self.step(y_prev, state, H, mask, keys)
            logits.append(lo)
            pred = lo.argmax(dim=1)
            if Y is None or epsilon <= 0.0:
                y_prev = pred
            elif epsilon >= 1.0:
                y_prev = Y[:, t]
            else:
                coin = torch.rand(B, generator=generator) < epsilon
                y_prev = torch.where(coin, Y[:, t], pred)
        return torch.stack(logits, dim=1)


# ---------------------------------------------------------------------- schedules
def decay_constant(kind: str, steps: int) -> float:
    r"""The constant ``k`` of a decay, chosen from the run length ``steps`` so the runs are comparable.

    - linear: :math:`\epsilon_i = \max(0, 1 - k i)`, :math:`k = 1/\text{steps}` (0 at the end);
    - exponential: :math:`\epsilon_i = k^i`, :math:`k = 0.01^{1/\text{steps}}` (0.01 at the end);
    - inverse sigmoid: :math:`\epsilon_i = k / (k + e^{i/k})`, ``k`` solving
      :math:`e^{\text{steps}/(2k)} = k`, so :math:`\epsilon = 1/2` at mid-run.
    """
    if steps < 1:
        raise ValueError("steps must be >= 1")
    if kind == "linear":
        return 1.0 / steps
    if kind == "exponential":
        return 0.01 ** (1.0 / steps)
    if kind == "inverse_sigmoid":
        lo, hi = 1.0 + 1e-9, float(max(steps, 3))  # f(k) = steps/(2k) - ln k is decreasing on k > 1
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if steps / (2 * mid) - math.log(mid) > 0:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)
    raise ValueError(f"no decay constant for schedule {kind!r}")


def epsilon(kind: str, i: int, steps: int) -> float:
    """Probability of feeding the ground truth at training step ``i`` (0-based) of a ``steps`` run."""
    if kind == "teacher":
        return 1.0
    if kind == "free":
        return 0.0
    k = decay_constant(kind, steps)
    if kind == "linear":
        return max(0.0, 1.0 - k * i)
    if kind == "exponential":
        return k ** i
    if kind == "inverse_sigmoid":
        return k / (k + math.exp(i / k))
    raise ValueError(f"schedule must be one of {SCHEDULES}, not {kind!r}")


# ---------------------------------------------------------------------- threads
single_thread = torch_one_thread
"""Training and decoding run on one torch thread (see :func:`rnnviz._blas.torch_one_thread`)."""


# ---------------------------------------------------------------------- data, evaluation
def tensors(examples):
    X, L, Y = D.batch(examples)
    return torch.from_numpy(X), torch.from_numpy(L), torch.from_numpy(Y)


def heldout(n: int = 2000, seed: int = HELDOUT_SEED):
    """The fixed held-out set: ``n`` examples of test dates only (never seen in training)."""
    return D.generate(n, seed, split="test")


@torch.no_grad()
def predict(model: Seq2Seq, sources: list[str], batch: int = 500) -> list[str]:
    """Greedy decoding of many sources -> ``yyyy-mm-dd`` strings (10 characters each)."""
    model.eval()
    out = []
    with single_thread():
        for k in range(0, len(sources), batch):
            ex = [(s, "2000-01-01", "") for s in sources[k:k + batch]]
            X, L, _ = tensors(ex)
            out += [D.decode_target(r) for r in model(X, L).argmax(-1).numpy()]
    return out


def evaluate(model: Seq2Seq, examples) -> dict:
    """Exact-match accuracy, overall and per input length: ``{"accuracy", "n", "by_length": {len: (acc, n)}}``."""
    preds = predict(model, [s for s, _, _ in examples])
    ok = np.array([p == t for p, (_, t, _) in zip(preds, examples)])
    lengths = np.array([len(s) for s, _, _ in examples])
    by = {int(n): (float(ok[lengths == n].mean()), int((lengths == n).sum())) for n in np.unique(lengths)}
    return {"accuracy": float(ok.mean()), "n": len(examples), "by_length": by}


def accuracy_by_length_bins(result: dict, edges=(0, 10, 14, 18, 22, 26, 41)) -> list[tuple[str, float, int]]:
    """Pool ``evaluate(...)["by_length"]`` into length bins ``[lo, hi)``: ``[(label, acc, n)]`` (empty bins skipped)."""
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        items = [(a, n) for L, (a, n) in result["by_length"].items() if lo <= L < hi]
        n = sum(n for _, n in items)
        if n:
            rows.append((f"{lo}-{hi - 1}", sum(a * n for a, n in items) / n, n))
    return rows

# ---------------------------------------------------------------------- shipped weights
SHIPPED = {kind: TrainConfig(model=ModelConfig(score=kind), steps=800, seed=0) for kind in MODEL_KINDS}
"""The configuration of each shipped model (``scripts/train_attention.py`` trains exactly these)."""


def weights_path(kind: str) -> Path:
    if kind not in MODEL_KINDS:
        raise ValueError(f"model must be one of {MODEL_KINDS}, not {kind!r}")
    return WEIGHTS_DIR / f"attn_{kind}.pt"


def load_state_dict(sd: dict, cfg: ModelConfig) -> Seq2Seq:
    """A model of ``cfg`` with the weights ``sd``; a clear ``ValueError`` on a missing key or a shape mismatch."""
    model = Seq2Seq(cfg)
    check_state_dict(model, sd)
    model.load_state_dict(sd)
    model.eval()
    return model


def shipped_module(kind: str) -> Seq2Seq:
    """The untrained model a shipped file of ``kind`` fits (the registry's builder)."""
    weights_path(kind)  # validates kind
    return Seq2Seq(SHIPPED[kind].model)


def load_shipped(kind: str, path: Path | None = None) -> Seq2Seq:
    """The shipped model of ``kind`` through :func:`rnnviz.zoo.load` (``FileNotFoundError`` if the file is missing)."""
    return zoo.load(weights_path(kind).name, path if path is not None else weights_path(kind))


# ---------------------------------------------------------------------- one decoding, recorded
@dataclass
class Decoding:
    """Greedy decoding of one input, every intermediate recorded (NumPy float64).

    ``source`` (N chars), ``output`` (10 chars); ``s (10, D)`` decoder states, ``scores (10, N)``,
    ``weights (10, N)``, ``context (10, D)`` (None for the baseline), ``htilde (10, D)``,
    ``probs (10, V)`` output distributions, ``H (N, D)`` encoder states.
    """

    source: str
    output: str
    s: np.ndarray
    scores: np.ndarray | None
    weights: np.ndarray | None
    context: np.ndarray | None
    htilde: np.ndarray
    probs: np.ndarray
    H: np.ndarray


@torch.no_grad()
def decode(model: Seq2Seq, text: str) -> Decoding:
    """Greedy decoding of ``text`` (``ValueError`` for empty input or unknown characters)."""
    model.eval()
    X = torch.from_numpy(D.encode_source(text)).unsqueeze(0)  # (1, N)
    L = torch.tensor([X.shape[1]])
    H, mask, state = model.encode(X, L)
    y_prev = torch.full((1,), D.START, dtype=torch.long)
    rec = {k: [] for k in ("s", "e", "a", "c", "ht", "p")}
    out = []
    for _ in range(D.TARGET_LEN):
        lo, state, (s, e, a, c, ht) = model.step(y_prev, state, H, mask)
        y_prev = lo.argmax(dim=1)
        out.append(int(y_prev))
        for k, v in (("s", s), ("e", e), ("a", a), ("c", c), ("ht", ht), ("p", torch.softmax(lo, dim=1))):
            rec[k].append(None if v is None else v[0].double().numpy())
    st = {k: (None if v[0] is None else np.stack(v)) for k, v in rec.items()}
    return Decoding(text, D.decode_target(out), st["s"], st["e"], st["a"], st["c"], st["ht"], st["p"],
                    H[0].double().numpy())
