r"""Training loops that report what happens inside: loss, perplexity, gradient norms, per-step gradients.

No UI here: a :class:`Trainer` does one optimisation step at a time and returns plain numbers,
:func:`train_steps` is a generator of those metrics, and :class:`TrainingRunner` runs the loop in
a background thread with start / pause / resume / stop that a page can poll.

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
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz.data import names as names_data
from rnnviz.text import quote
from rnnviz.zoo import MAX_SHIPPED_BYTES as MAX_WEIGHTS_BYTES, WEIGHTS_DIR  # noqa: F401 (re-exported)

TASKS = ("lm", "names")
CELLS = ("RNN", "LSTM", "GRU")
OPTIMIZERS = ("SGD", "Adam")
MIN_TEXT = 200


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------
@dataclass
class TrainConfig:
    """Everything that defines a training run (the same seed and config give the same run)."""

    task: str = "lm"  # "lm" (character language model) or "names" (surname -> language)
    cell: str = "LSTM"  # "RNN" (tanh), "LSTM" or "GRU"
    hidden_size: int = 64  # H, units per layer
    layers: int = 1  # 1 or 2 stacked recurrent layers
    bptt: int = 32  # truncated-BPTT length k in characters (LM only; names use the full name)
    batch_size: int = 32  # B, sequences per step
    lr: float = 0.003  # learning rate
    optimizer: str = "Adam"  # "SGD" or "Adam"
    clip: float | None = 1.0  # global-norm clipping threshold c; None = off
    seed: int = 0  # seeds weights, batch order, probe batch
    max_steps: int = 3000  # the run ends by itself after this many steps
    text: str | None = None  # LM corpus; None = Shakespeare's sonnets
    probe_size: int = 8  # sequences in the fixed probe batch
    probe_len: int = 32  # probe length T for the LM (names: a length most test names have)
    probe_every: int | None = None  # probe every n steps; None = on the overhead time budget
    eval_every: int | None = None  # evaluate every n steps; None = on the overhead time budget
    probe_overhead: float = 0.04  # time budget of the probe, as a fraction of training time
    eval_overhead: float = 0.02  # time budget of evaluation, as a fraction of training time

    def validate(self) -> "TrainConfig":
        """Raise ``ValueError`` with a readable message on an impossible setting; return self."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {quote(self.task)}")
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {quote(self.cell)}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {quote(self.optimizer)}")
        if not 1 <= int(self.hidden_size) <= 1024:
            raise ValueError("hidden size must be between 1 and 1024")
        if self.layers not in (1, 2):
            raise ValueError("layers must be 1 or 2")
        if not 1 <= int(self.bptt) <= 1000:
            raise ValueError("truncated-BPTT length must be between 1 and 1000")
        if not 1 <= int(self.batch_size) <= 1024:
            raise ValueError("batch size must be between 1 and 1024")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError("learning rate must be a positive number")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise ValueError("clipping threshold must be a positive number (or off)")
        if self.max_steps < 1:
            raise ValueError("max_steps must be >= 1")
        if self.probe_size < 1 or self.probe_len < 2:
            raise ValueError("probe_size must be >= 1 and probe_len >= 2")
        if self.task == "lm" and self.text is not None:
            check_text(self.text)
        return self


def _n_val(n: int, bptt: int) -> int:
    """Characters of an ``n``-character text held out for validation (the last ones)."""
    return max(n // 10, 2 * bptt + 2)


def min_text_length(batch_size: int, bptt: int) -> int:
    """The shortest LM text :class:`Trainer` can use: ``B`` streams of ``bptt + 1`` characters
    after the held-out validation part (:func:`_n_val`), and at least :data:`MIN_TEXT`.
    """
    need = batch_size * (bptt + 1)
    n = max(MIN_TEXT, need + 2 * bptt + 2)
    while n - _n_val(n, bptt) < need:
        n += 1
    return n


def check_text_fits(text: str, batch_size: int, bptt: int) -> str:
    """:func:`check_text`, and long enough for ``batch_size`` x ``bptt`` (:func:`min_text_length`)."""
    check_text(text)
    need = min_text_length(batch_size, bptt)
    if len(text) < need:
        raise ValueError(f"the training text is too short for batch size {batch_size} x BPTT length {bptt}: "
                         f"it has {len(text)} characters, at least {need} are needed; paste a longer text "
                         f"or use smaller values")
    return text


def check_text(text: str) -> str:
    """A usable LM corpus: at least :data:`MIN_TEXT` characters, at most 200 distinct ones."""
    if text is None or not text.strip():
        raise ValueError("the training text is empty: paste some text or use the sonnets")
    if len(text) < MIN_TEXT:
        raise ValueError(f"the training text is too short ({len(text)} characters, need at least {MIN_TEXT})")
    if len(set(text)) > 200:
        raise ValueError(f"the text has {len(set(text))} distinct characters, at most 200 are supported")
    return text


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
    tr = network.run(model.rnn, xa, readout=model.decoder, targets=targets, weights=weights)
    return tr.grad_norms()


# the model and its evaluation helpers live in rnnviz.charmodel (re-exported: one name for the page)
from rnnviz.charmodel import (  # noqa: E402,F401
    CharRNN, _pad, encode_text, lm_eval, name_char_probs, names_eval, next_char_probs, sample_text,
)


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
        self.model = model if model is not None else CharRNN(cfg.cell, len(self.vocab), cfg.hidden_size, cfg.layers, n_out)
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
                  .decoder the nn.Linear read-out; input is one-hot over `vocab`),
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
# a background runner a page can poll
# --------------------------------------------------------------------------------------------
@dataclass
class History:
    """Everything recorded so far (lists grow; the runner appends under its lock)."""

    step: list = field(default_factory=list)  # step numbers 1..n
    loss: list = field(default_factory=list)  # training loss of each step
    grad_norm: list = field(default_factory=list)  # global gradient norm before clipping
    clipped: list = field(default_factory=list)  # bool per step
    probe_step: list = field(default_factory=list)  # steps at which the probe ran (0 = before training)
    probe: list = field(default_factory=list)  # (L, T) arrays
    eval_step: list = field(default_factory=list)  # steps at which evaluation ran
    evals: list = field(default_factory=list)  # dicts from Trainer.evaluate
    chars: int = 0  # characters trained on
    train_time: float = 0.0  # seconds spent in training steps


STATES = ("idle", "running", "paused", "stopped", "finished", "error")


class TrainingRunner:
    """Runs :func:`train_steps` in a daemon thread; thread-safe start / pause / resume / stop / snapshot.

    ``alive`` (optional) is called about once a second from the thread; when it returns ``False``
    (e.g. the browser session that owns the run has ended) the run stops by itself. A stop request
    is seen between two steps (each a few milliseconds), so it takes effect well within a second.
    Every ``snapshot_every`` seconds (and at the end) a copy of the model is published as
    :attr:`model_record` (the :func:`trained_model_record` format), so readers never touch the
    weights being trained.

    ``state`` is the state that is: ``"idle"``, ``"running"``, ``"paused"``, ``"stopping"`` (a stop
    was asked for and the thread is still running), then ``"stopped"``, ``"finished"`` or
    ``"error"`` only once the thread has exited (:attr:`is_alive` is ``False``). Probes and
    evaluations due after a stop request are skipped, so the thread ends after the step in
    progress.

    ``torch_threads`` (default 1): the thread calls ``torch.set_num_threads(torch_threads)`` when it
    starts. Note this is process-wide in PyTorch. Measured here on the shared 2-core machine under
    load: a small LSTM step took 44-75 ms with 2 intra-op threads and 4-8 ms with 1 (OpenMP threads
    spin-wait for each other when the cores are oversubscribed), and with one thread per run two
    sessions training at once share the two cores instead of fighting over them. ``None`` leaves it.
    """

    def __init__(self, config: TrainConfig, *, alive: Callable[[], bool] | None = None,
                 snapshot_every: float = 1.0, torch_threads: int | None = 1):
        self.config = config.validate()
        self.trainer: Trainer | None = None
        self.history = History()
        self._state = "idle"
        self.error: str | None = None
        self.model_record: dict | None = None
        self._alive = alive
        self._snapshot_every = snapshot_every
        self._torch_threads = torch_threads
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._run = threading.Event()  # set = running, clear = paused
        self._thread: threading.Thread | None = None

    FINAL = ("stopped", "finished", "error")

    @property
    def state(self) -> str:
        """The run's state; a final one (``FINAL``) only once the thread has exited."""
        s = self._state
        if s in self.FINAL and self._thread is not None and self._thread.is_alive():
            return "stopping"  # the thread has set its last state but has not returned yet
        return s

    @state.setter
    def state(self, value: str) -> None:
        self._state = value

    # -- control ------------------------------------------------------------------------------
    def start(self) -> "TrainingRunner":
        """Start the thread (building the model and data happens in it). Idempotent."""
        with self._lock:
            if self._thread is not None:
                if self.state == "paused":
                    self._run.set()
                    self.state = "running"
                return self
            self.state = "running"
            self._run.set()
            self._thread = threading.Thread(target=self._main, name="rnnviz-train", daemon=True)
            self._thread.start()
        return self

    def pause(self) -> None:
        with self._lock:
            if self.state == "running":
                self._run.clear()
                self.state = "paused"

    def resume(self) -> None:
        with self._lock:
            if self.state == "paused":
                self._run.set()
                self.state = "running"

    def stop(self, wait: float = 2.0) -> None:
        """Ask the thread to stop and wait up to ``wait`` seconds for it.

        The state is ``"stopping"`` until the thread has exited; the thread itself sets
        ``"stopped"`` (or ``"finished"``/``"error"``) as its last act. A run never started is
        ``"stopped"`` at once.
        """
        with self._lock:
            self._stop.set()
            self._run.set()  # wake a paused thread so it can exit
            t = self._thread
            if t is None:
                self._state = "stopped"
            elif self._state in ("running", "paused", "idle"):
                self._state = "stopping"
        if t is not None and t is not threading.current_thread():
            t.join(wait)

    @property
    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- reading ------------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """A consistent copy of the state and history (lists copied; arrays shared, never mutated)."""
        with self._lock:
            h = self.history
            return {"state": self.state, "error": self.error, "step": len(h.step),
                    "steps": list(h.step), "loss": list(h.loss), "grad_norm": list(h.grad_norm),
                    "clipped": list(h.clipped), "probe_step": list(h.probe_step), "probe": list(h.probe),
                    "eval_step": list(h.eval_step), "evals": list(h.evals), "chars": h.chars,
                    "train_time": h.train_time, "model_record": self.model_record,
                    "classes": self.trainer.classes if self.trainer else (),
                    "vocab": self.trainer.vocab if self.trainer else ""}

    # -- the thread ---------------------------------------------------------------------------
    def _should_stop(self) -> bool:
        if not self._run.is_set():
            while not self._run.wait(0.1):  # paused: wait, but keep checking stop and liveness
                if self._stop.is_set() or not self._check_alive():
                    return True
        if self._stop.is_set():
            return True
        now = time.monotonic()
        if now - self._last_alive_check > 1.0:
            self._last_alive_check = now
            if not self._check_alive():
                return True
        return False

    def _check_alive(self) -> bool:
        if self._alive is None:
            return True
        try:
            return bool(self._alive())
        except Exception:  # noqa: BLE001 - a failing liveness check means the owner is gone
            return False

    def _publish(self) -> None:
        tr = self.trainer
        rec = trained_model_record(tr.model, tr.config, tr.vocab, tr.classes, tr.steps,
                                   self.history.evals[-1] if self.history.evals else None)
        with self._lock:
            self.model_record = rec

    def _main(self) -> None:
        self._last_alive_check = time.monotonic()
        try:
            if self._torch_threads is not None and torch.get_num_threads() != self._torch_threads:
                torch.set_num_threads(self._torch_threads)
            self.trainer = Trainer(self.config)
            last_pub = 0.0
            for m in train_steps(self.trainer, should_stop=self._should_stop):
                with self._lock:
                    h = self.history
                    if m["step"] > 0:
                        h.step.append(m["step"])
                        h.loss.append(m["loss"])
                        h.grad_norm.append(m["grad_norm"])
                        h.clipped.append(m["clipped"])
                        h.chars += m["chars"]
                        h.train_time = m["time"]
                    if "probe" in m:
                        h.probe_step.append(m["step"])
                        h.probe.append(m["probe"])
                    if "eval" in m:
                        h.eval_step.append(m["step"])
                        h.evals.append(m["eval"])
                if time.monotonic() - last_pub > self._snapshot_every:
                    self._publish()
                    last_pub = time.monotonic()
                time.sleep(0)  # let other threads (other sessions, the server) take the GIL
            self._publish()
            with self._lock:
                done = self.trainer.steps >= self.config.max_steps
                self._state = "finished" if done and not self._stop.is_set() else "stopped"
        except Exception as exc:  # noqa: BLE001 - reported to the page, never lost
            with self._lock:
                self._state = "error"
                self.error = f"{type(exc).__name__}: {exc}"


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
    return CharRNN(cfg.cell, len(vocab), cfg.hidden_size, cfg.layers, len(classes) or len(vocab))


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
