r"""Training loops that report what happens inside: loss, perplexity, gradient norms, per-step gradients.

No UI here: a :class:`Trainer` does one optimisation step at a time and returns plain numbers,
and :func:`train_steps` is a generator of those metrics. The run's configuration is
:class:`rnnviz.train_config.TrainConfig`; :class:`rnnviz.train_runner.TrainingRunner` runs the loop
in a background thread with start / pause / resume / stop that a page can poll.

Two tasks, one model (:class:`CharRNN`: one-hot characters -> 1 or 2 recurrent layers -> linear):

* ``"lm"``, a character-level language model trained with truncated BPTT. The text is cut into
  ``B`` contiguous streams; each step reads the next ``k`` characters of every stream, starting
  from the (detached) hidden state the previous step ended with, and minimises

  .. math::
      L = -\frac{1}{kB}\sum_{b=1}^{B}\sum_{t=1}^{k} \log p_\theta(x^{(b)}_{t+1} \mid x^{(b)}_{\le t}),
      \qquad \mathrm{PPL} = \exp(L).

* ``"names"``, classification of a surname into one of 20 languages (:mod:`rnnviz.data.names`):
  the class is read from the last hidden state, :math:`p(y \mid x) = \mathrm{softmax}(W_o h_T + b_o)`,
  and :math:`L = -\frac1B \sum_b \log p(y_b \mid x_b)`. Batches are class-balanced (a language,
  then a name of it, uniformly), as in the classic char-RNN tutorial.

Instrumentation, measured at every step:

* the global gradient norm **before** clipping, :math:`\|g\|_2 = \sqrt{\sum_p \|\partial L/\partial p\|_2^2}`;
  with clipping threshold :math:`c`, :math:`g \leftarrow g \cdot \min(1, c / \|g\|_2)` and the step is
  marked *clipped* when :math:`\|g\|_2 > c`;

and on a fixed probe batch (same sequences every time, zero initial state), every few steps:

* the per-timestep profile :math:`\big(\sum_b \|\partial L/\partial h^{(b)}_t\|_2^2\big)^{1/2}` for
  :math:`t = 1..T` and each layer, where :math:`\partial L/\partial h_t` is the *total* derivative
  through the recurrence: :func:`probe_grad_norms`, the engine (:mod:`rnnviz.network`) on the whole
  batch, one and two layers (checked against a torch unroll with ``retain_grad`` in the tests).

The probe and evaluation run on a time budget (:class:`TrainConfig` ``probe_overhead``,
``eval_overhead``: 4% and 2% of the training time by default), so the
instrumented loop stays close to a plain PyTorch loop (``bench/bench_train.py`` measures it).
"""
from __future__ import annotations

import copy
import math
import random
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz.charmodel import (  # noqa: F401 (the model and its evaluation helpers: one name for the page)
    CharRNN, CharRNNConfig, _pad, encode_text, lm_eval, name_char_probs, names_eval, next_char_probs, sample_text,
)
from rnnviz.data import names as names_data
from rnnviz.train_config import (  # noqa: F401 (the run's configuration, used here and by the page)
    CELLS, MIN_TEXT, OPTIMIZERS, TASKS, TrainConfig, _n_val, check_text, check_text_fits, min_text_length,
)
from rnnviz.zoo import MAX_SHIPPED_BYTES as MAX_WEIGHTS_BYTES, WEIGHTS_DIR  # noqa: F401 (re-exported)


# --------------------------------------------------------------------------------------------
# per-timestep gradients on a probe batch
# --------------------------------------------------------------------------------------------
def probe_grad_norms(model: CharRNN, x: torch.Tensor, y: torch.Tensor, task: str) -> np.ndarray:
    r"""``(L, T)``: :math:`\big(\sum_b \|\partial L/\partial h^{(l,b)}_t\|_2^2\big)^{1/2}` for every layer and step.

    Computed by the engine (:func:`rnnviz.network.run`, NumPy float64 hand BPTT) on the whole
    probe batch at once, with the batch loss of the task as a weighted cross-entropy:

    - ``"lm"``: ``x``, ``y`` ``(T, B)``; :math:`L = \frac{1}{TB}\sum_{t,b} \mathrm{CE}(z_{t,b}, y_{t,b})`;
    - ``"names"``: ``y`` ``(B,)``; :math:`L = \frac1B \sum_b \mathrm{CE}(z_{T,b}, y_b)` (weights only at ``T``).

    :math:`\partial L/\partial h^{(l)}_t` is the total derivative, through the layer above and the
    recurrence (what ``retain_grad`` on every state reports; tested against a torch unroll).
    """
    from rnnviz import network  # the engine

    T, B = x.shape
    xa = F.one_hot(x, model.vocab_size).double().numpy()  # (T, B, V)
    if task == "lm":
        targets, weights = y.numpy(), np.full((T, B), 1.0 / (T * B))
    else:
        targets = np.zeros((T, B), dtype=np.int64)
        targets[-1] = y.numpy()
        weights = np.zeros((T, B))
        weights[-1] = 1.0 / B
    tr = network.run(model.rnn, xa, readout=model.readout, targets=targets, weights=weights)
    return tr.grad_norms()


# --------------------------------------------------------------------------------------------
# the trainer: one step at a time
# --------------------------------------------------------------------------------------------
def _global_norm(params) -> float:
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])))


class Trainer:
    """Builds data, model, optimiser and probe batch from a :class:`TrainConfig`; :meth:`step` trains once.

    Attributes: ``model`` (:class:`CharRNN`, float32), ``vocab`` (LM: the sorted characters of the
    text; names: :data:`rnnviz.data.names.ALPHABET`), ``classes`` (names: the languages, else ``()``),
    ``probe_x``/``probe_y`` (the fixed probe batch), ``steps``, ``chars`` (characters trained on).
    """

    def __init__(self, config: TrainConfig, model: CharRNN | None = None):
        self.config = cfg = config.validate()
        torch.manual_seed(cfg.seed)
        self.rng = random.Random(cfg.seed)
        self.steps = 0
        self.chars = 0
        if cfg.task == "lm":
            from rnnviz.data import load_sonnets

            text = check_text(cfg.text if cfg.text is not None else load_sonnets())
            self.vocab = "".join(sorted(set(text)))
            self.classes: tuple[str, ...] = ()
            data = encode_text(text, self.vocab)
            n_val = _n_val(len(data), cfg.bptt)
            self.train_data, self.val_data = data[:-n_val], data[-min(n_val, 4000):]
            if len(self.train_data) < cfg.batch_size * (cfg.bptt + 1):
                raise ValueError(f"the text is too short for batch size {cfg.batch_size} x BPTT length {cfg.bptt}: "
                                 f"use a longer text or smaller values")
            self.stream_len = len(self.train_data) // cfg.batch_size
            self.streams = self.train_data[:self.stream_len * cfg.batch_size].view(cfg.batch_size, -1).T  # (S, B)
            self.pos = 0
            self.state = None
            n_out = len(self.vocab)
            g = torch.Generator().manual_seed(cfg.seed + 1)
            T = min(cfg.probe_len, len(self.val_data) - 2)  # at least one possible start
            starts = torch.randint(0, len(self.val_data) - T - 1, (cfg.probe_size,), generator=g)
            idx = starts[None, :] + torch.arange(T + 1)[:, None]  # (T+1, P)
            self.probe_x, self.probe_y = self.val_data[idx[:-1]], self.val_data[idx[1:]]
        else:
            self.vocab = names_data.ALPHABET
            self.classes = names_data.LANGUAGES
            self.train_items, self.test_items = names_data.split(seed=0)
            self.by_class: list[list[np.ndarray]] = [[] for _ in self.classes]
            for name, k in self.train_items:
                self.by_class[k].append(names_data.encode(name))
            n_out = len(self.classes)
            lengths = {}
            for name, k in self.test_items:
                lengths.setdefault(len(name), []).append((name, k))
            ok = [L for L, v in lengths.items() if len(v) >= cfg.probe_size] or [max(lengths, key=lambda L: len(lengths[L]))]
            T = max(L for L in ok if L <= 12) if any(L <= 12 for L in ok) else min(ok)
            probe = random.Random(cfg.seed + 1).sample(lengths[T], min(cfg.probe_size, len(lengths[T])))
            self.probe_names = [n for n, _ in probe]
            self.probe_x = torch.stack([torch.from_numpy(names_data.encode(n)) for n in self.probe_names], dim=1)
            self.probe_y = torch.tensor([k for _, k in probe])
        self.model = model if model is not None else CharRNN(
            CharRNNConfig(cfg.cell, len(self.vocab), cfg.hidden_size, cfg.layers, n_out, vocab=self.vocab))
        params = list(self.model.parameters())
        self.params = params
        self.opt = torch.optim.Adam(params, lr=cfg.lr) if cfg.optimizer == "Adam" else torch.optim.SGD(params, lr=cfg.lr)

    # -- batches ------------------------------------------------------------------------------
    def next_batch(self):
        """LM: ``(x, y)`` of shape ``(k, B)``; names: ``(x (T, B) padded, lengths (B,), y (B,))``."""
        cfg = self.config
        if cfg.task == "lm":
            if self.pos + cfg.bptt + 1 > self.stream_len:
                self.pos, self.state = 0, None  # wrap around: start the streams again from a zero state
            chunk = self.streams[self.pos:self.pos + cfg.bptt + 1]  # (k+1, B)
            self.pos += cfg.bptt
            return chunk[:-1], chunk[1:]
        seqs, ys = [], []
        for _ in range(cfg.batch_size):
            k = self.rng.randrange(len(self.classes))
            seqs.append(self.by_class[k][self.rng.randrange(len(self.by_class[k]))])
            ys.append(k)
        x, lengths = _pad(seqs)
        return x, lengths, torch.tensor(ys)

    def loss_on(self, batch) -> torch.Tensor:
        """The training loss of ``batch`` (carries the LM hidden state, detached, from step to step)."""
        if self.config.task == "lm":
            x, y = batch
            state = self.state
            logits, state = self.model(x, state)
            self.state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        x, lengths, y = batch
        return F.cross_entropy(self.model.classify(x, lengths), y)

    def step(self, batch=None) -> dict:
        """One optimisation step. Returns ``loss``, ``grad_norm`` (global, before clipping),
        ``clipped`` (``grad_norm > clip``), ``chars`` (characters in the batch)."""
        cfg = self.config
        batch = self.next_batch() if batch is None else batch
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_on(batch)
        loss.backward()
        if cfg.clip is not None:
            norm = float(nn.utils.clip_grad_norm_(self.params, cfg.clip))
        else:
            norm = _global_norm(self.params)
        clipped = cfg.clip is not None and norm > cfg.clip
        if math.isfinite(norm):
            self.opt.step()  # a non-finite gradient is reported, never applied
        n_chars = int(batch[0].numel()) if cfg.task == "lm" else int(batch[1].sum())
        self.steps += 1
        self.chars += n_chars
        return {"step": self.steps, "loss": loss.item(), "grad_norm": norm, "clipped": bool(clipped), "chars": n_chars}

    def probe(self) -> np.ndarray:
        """``(L, T)`` per-timestep gradient norms on the fixed probe batch (see :func:`probe_grad_norms`)."""
        self.model.eval()
        return probe_grad_norms(self.model, self.probe_x, self.probe_y, self.config.task)

    def evaluate(self) -> dict:
        """LM: validation ``loss`` and ``ppl``; names: test ``accuracy``, ``loss``, ``confusion``."""
        self.model.eval()
        if self.config.task == "lm":
            return lm_eval(self.model, self.val_data)
        return names_eval(self.model, self.test_items, len(self.classes))

    def export(self) -> dict:
        """A copy of the model in the session format (see :func:`trained_model_record`)."""
        return trained_model_record(self.model, self.config, self.vocab, self.classes, self.steps)


def trained_model_record(model: CharRNN, config: TrainConfig, vocab: str, classes, steps: int,
                         metrics: dict | None = None) -> dict:
    """The format of ``st.session_state["trained_model"]``, shared with the other pages.

    A plain dict::

        {"task": "lm" | "names",
         "cell": "RNN" | "LSTM" | "GRU", "layers": 1 | 2, "hidden_size": H,
         "model": CharRNN (a private copy, eval mode, float32; .rnn is the torch nn.RNN/LSTM/GRU,
                  .readout the nn.Linear read-out; input is one-hot over `vocab`),
         "rnn": the same model.rnn (one-layer ones can be passed to rnnviz.trace with one-hot x),
         "vocab": str (character i <-> one-hot position i),
         "classes": tuple of language names (names task) or (),
         "steps": optimisation steps done, "config": dict (TrainConfig fields, without the text),
         "metrics": dict of the last evaluation (may be empty)}
    """
    m = copy.deepcopy(model).eval()
    cfg = {k: v for k, v in asdict(config).items() if k != "text"}
    return {"task": config.task, "cell": config.cell, "layers": config.layers, "hidden_size": config.hidden_size,
            "model": m, "rnn": m.rnn, "vocab": vocab, "classes": tuple(classes), "steps": int(steps),
            "config": cfg, "metrics": dict(metrics or {})}


# --------------------------------------------------------------------------------------------
# the instrumented loop as a generator
# --------------------------------------------------------------------------------------------
class _Budget:
    """Run a side task so that its total time stays below ``fraction`` of the training time."""

    def __init__(self, fraction: float, every: int | None):
        self.fraction, self.every = fraction, every
        self.train_time = 0.0
        self.next_at = 0.0  # training time at which the task may run again
        self.recent: list[float] = []  # the last durations of the task

    def due(self, step: int) -> bool:
        if self.every is not None:
            return step % self.every == 0
        return self.train_time >= self.next_at

    def ran(self, seconds: float) -> None:
        # the median of the last three durations: one run slowed down by another thread holding the
        # GIL (the page redrawing) says little about the task's own cost and must not stall it for long
        self.recent = (self.recent + [seconds])[-3:]
        cost = sorted(self.recent)[len(self.recent) // 2]
        self.next_at = self.train_time + cost / max(self.fraction, 1e-6)


def train_steps(trainer: Trainer, *, should_stop: Callable[[], bool] | None = None) -> Iterator[dict]:
    """Train until ``config.max_steps`` or ``should_stop()``; yield one metrics dict per step.

    Every dict has ``step, loss, grad_norm, clipped, chars, time`` (seconds of training so far,
    side tasks excluded); some also ``probe`` (``(L, T)`` gradient norms, also yielded once
    before the first step as step 0) and ``eval`` (see :meth:`Trainer.evaluate`). A probe or
    evaluation due once ``should_stop()`` is true is skipped: a stop ends the run after the step.
    """
    cfg = trainer.config
    probe_b = _Budget(cfg.probe_overhead, cfg.probe_every)
    eval_b = _Budget(cfg.eval_overhead, cfg.eval_every)
    t0 = time.perf_counter()
    first = {"step": 0, "probe": trainer.probe(), "time": 0.0}
    t1 = time.perf_counter()
    first["eval"] = trainer.evaluate()
    probe_b.ran(t1 - t0)
    eval_b.ran(time.perf_counter() - t1)
    yield first
    train_time = 0.0
    while trainer.steps < cfg.max_steps and not (should_stop and should_stop()):
        t = time.perf_counter()
        m = trainer.step()
        train_time += time.perf_counter() - t
        probe_b.train_time = eval_b.train_time = train_time
        m["time"] = train_time
        last = trainer.steps >= cfg.max_steps
        if should_stop and should_stop():
            yield m
            return
        if probe_b.due(trainer.steps) or last:
            t = time.perf_counter()
            m["probe"] = trainer.probe()
            probe_b.ran(time.perf_counter() - t)
        if eval_b.due(trainer.steps) or last:
            t = time.perf_counter()
            m["eval"] = trainer.evaluate()
            eval_b.ran(time.perf_counter() - t)
        yield m


# --------------------------------------------------------------------------------------------
# shipped pretrained weights
# --------------------------------------------------------------------------------------------
PRETRAINED = {
    # task -> (file, config used by scripts/train_charrnn.py)
    "lm": ("sonnets_lstm.pt", TrainConfig(task="lm", cell="LSTM", hidden_size=128, layers=1, bptt=64,
                                          batch_size=32, lr=0.003, optimizer="Adam", clip=1.0, seed=0,
                                          max_steps=2500, probe_every=10**9, eval_every=500)),
    "names": ("names_gru.pt", TrainConfig(task="names", cell="GRU", hidden_size=128, layers=1, batch_size=64,
                                          lr=0.003, optimizer="Adam", clip=1.0, seed=0, max_steps=6000,
                                          probe_every=10**9, eval_every=500)),
}


def _pretrained_alphabet(task: str) -> tuple[str, tuple[str, ...]]:
    """``(vocab, classes)`` of the reference model of ``task``."""
    if task == "lm":
        from rnnviz.data import load_sonnets

        return "".join(sorted(set(load_sonnets()))), ()
    return names_data.ALPHABET, names_data.LANGUAGES


def pretrained_module(task: str) -> CharRNN:
    """The untrained :class:`CharRNN` the shipped file of ``task`` fits (the registry's builder)."""
    _, cfg = PRETRAINED[task]
    vocab, classes = _pretrained_alphabet(task)
    return CharRNN(CharRNNConfig(cfg.cell, len(vocab), cfg.hidden_size, cfg.layers, len(classes) or len(vocab),
                                 vocab=vocab))


def train_pretrained(task: str, progress: Callable[[float, str], None] | None = None,
                     max_steps: int | None = None) -> tuple[Trainer, dict]:
    """Train the reference model of ``task`` with its fixed config; ``progress(fraction, message)``."""
    _, cfg = PRETRAINED[task]
    if max_steps is not None:
        cfg = TrainConfig(**{**asdict(cfg), "max_steps": max_steps})
    trainer = Trainer(cfg)
    last = {}
    for m in train_steps(trainer):
        if "eval" in m:
            last = m["eval"]
        if progress and (m["step"] % 50 == 0 or m["step"] == cfg.max_steps):
            progress(m["step"] / cfg.max_steps, f"step {m['step']}/{cfg.max_steps}")
    return trainer, last


def load_pretrained(task: str, progress: Callable[[float, str], None] | None = None, *,
                    path: Path | None = None, max_steps: int | None = None) -> dict:
    """The shipped reference model of ``task`` as a :func:`trained_model_record` dict.

    Loads ``rnnviz/weights/<file>`` through :func:`rnnviz.zoo.load` (the one safe loader); if the
    file is missing, trains the model now (reporting ``progress``; ``max_steps`` shortens that training, for tests).
    """
    fname, cfg = PRETRAINED[task]
    path = path or WEIGHTS_DIR / fname
    if path.exists():
        from rnnviz import zoo

        vocab, classes = _pretrained_alphabet(task)
        model = zoo.load(fname, path)
        if progress:
            progress(1.0, "loaded")
        return trained_model_record(model, cfg, vocab, classes, cfg.max_steps)
    trainer, metrics = train_pretrained(task, progress, max_steps=max_steps)
    return trained_model_record(trainer.model, trainer.config, trainer.vocab, trainer.classes, trainer.steps, metrics)
