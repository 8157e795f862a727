r"""Training the seq2seq date model, and the teacher-forcing comparison runs of the attention page.

:func:`train` runs Adam on freshly generated dates with scheduled sampling: at decoder step ``i``
the previous *true* character is fed with probability :math:`\epsilon_i` (:func:`rnnviz.seq2seq.epsilon`),
else the model's own previous prediction; the loss is the mean cross-entropy over the ten output
characters. :func:`tf_run` is one short run of a schedule; the page shows the shipped curves
(:func:`shipped_tf_runs`) so it never trains on its script thread. The model is in :mod:`rnnviz.seq2seq`.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from rnnviz.data import dates as D
from rnnviz.seq2seq import (
    SCHEDULES, WEIGHTS_DIR, ModelConfig, Seq2Seq, TrainConfig, epsilon, evaluate, heldout, single_thread, tensors,
)

@dataclass
class TrainResult:
    state_dict: dict
    history: dict  # "step", "loss", "epsilon" lists (every step); "eval_step", "eval_acc"
    seconds: float
    steps_done: int
    stopped_early: bool


def train(cfg: TrainConfig, progress: Callable[[float, dict], None] | None = None) -> TrainResult:
    """Train one model (on one thread, see :func:`single_thread`). ``progress(fraction, info)`` is
    called about 50 times (info: step, loss, epsilon)."""
    with single_thread():
        return _train(cfg, progress)


def _train(cfg: TrainConfig, progress: Callable[[float, dict], None] | None = None) -> TrainResult:
    if cfg.schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, not {cfg.schedule!r}")
    torch.manual_seed(cfg.seed)
    model = Seq2Seq(cfg.model)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    rng = random.Random(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    evalset = heldout(cfg.eval_n) if cfg.eval_every else None
    hist = {"step": [], "loss": [], "epsilon": [], "eval_step": [], "eval_acc": []}
    t0 = time.perf_counter()
    every = max(1, cfg.steps // 50)
    stopped = False
    i = 0
    for i in range(cfg.steps):
        model.train()
        ex = D.generate(cfg.batch, rng.randrange(2**31), split="train")
        X, L, Y = tensors(ex)
        eps = epsilon(cfg.schedule, i, cfg.steps)
        logits = model(X, L, Y, epsilon=eps, generator=gen)
        loss = F.cross_entropy(logits.reshape(-1, D.N_TARGET), Y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        hist["step"].append(i + 1)
        hist["loss"].append(float(loss.detach()))
        hist["epsilon"].append(eps)
        if cfg.eval_every and ((i + 1) % cfg.eval_every == 0 or i + 1 == cfg.steps):
            hist["eval_step"].append(i + 1)
            hist["eval_acc"].append(evaluate(model, evalset)["accuracy"])
        if progress is not None and ((i + 1) % every == 0 or i + 1 == cfg.steps):
            progress((i + 1) / cfg.steps, {"step": i + 1, "loss": hist["loss"][-1], "epsilon": eps})
        if cfg.max_seconds is not None and time.perf_counter() - t0 > cfg.max_seconds:
            stopped = i + 1 < cfg.steps
            break
    model.eval()
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return TrainResult(sd, hist, time.perf_counter() - t0, i + 1, stopped)


TF_STEPS = 300
"""Default length of a teacher-forcing comparison run (short: a small model, small batches)."""
TF_CURVES_PATH = WEIGHTS_DIR / "attn_tf_curves.json"
"""Shipped curves of the five schedules (``scripts/train_attention.py``): ``{"steps": TF_STEPS, "seed": 0,
"runs": {schedule: tf_run(...)}, "runs_by_steps": {"100": {schedule: ...}, ...}}`` (the other run lengths
the page offers), so the page never trains on its script thread."""


def tf_config(schedule: str, steps: int = TF_STEPS, seed: int = 0) -> TrainConfig:
    """A short comparison run: dot attention, GRU, D = 32, batch 64, held-out accuracy every steps/6."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, not {schedule!r}")
    if not 20 <= steps <= 2000:
        raise ValueError("a comparison run has 20 to 2000 steps")
    return TrainConfig(model=ModelConfig(score="dot", emb=16, hidden=32), steps=steps, batch=64, lr=5e-3,
                       schedule=schedule, seed=seed, eval_every=max(1, steps // 6), eval_n=300)


def tf_run(schedule: str, steps: int = TF_STEPS, seed: int = 0, progress=None) -> dict:
    """One comparison run -> ``{"loss", "epsilon", "eval_step", "eval_acc", "final_acc", "seconds"}``."""
    r = train(tf_config(schedule, steps, seed), progress)
    h = r.history
    return {"loss": [round(v, 5) for v in h["loss"]], "epsilon": [round(v, 5) for v in h["epsilon"]],
            "eval_step": h["eval_step"], "eval_acc": h["eval_acc"], "final_acc": h["eval_acc"][-1],
            "seconds": round(r.seconds, 2)}


def load_tf_curves(path: Path | None = None) -> dict:
    """The shipped comparison curves ``{"steps", "seed", "runs": {schedule: tf_run(...)}}`` or ``{}``."""
    import json

    path = Path(path) if path is not None else TF_CURVES_PATH
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def shipped_tf_runs(steps: int, seed: int = 0, curves: dict | None = None) -> dict:
    """The shipped comparison runs of ``steps`` steps: ``{schedule: tf_run(...)}``, ``{}`` if none ship."""
    c = load_tf_curves() if curves is None else curves
    if c.get("seed") != seed:
        return {}
    if c.get("steps") == steps:
        return c.get("runs", {})
    return c.get("runs_by_steps", {}).get(str(steps), {})


def config_dict(cfg: TrainConfig) -> dict:
    return asdict(cfg)
