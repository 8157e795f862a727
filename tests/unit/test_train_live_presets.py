"""The train-live page's presets: each sets the seed, and what its button's tooltip claims holds for
seeds 0-9 (the page's seed box allows any seed, so the claims must not depend on it).

The claims, from ``rnnviz/i18n/train_live.py``:
- explode: "SGD with learning rate 2 and no clipping: every update uses the full gradient, so a
  gradient-norm spike becomes a step of that size" -> ||theta_{n+1} - theta_n|| = lr ||g_n||, never clipped;
- clip: "every step whose gradient norm exceeds 1 is scaled down to norm 1 (red crosses)" ->
  clipped_n == (||g_n|| > 1) and ||theta_{n+1} - theta_n|| = lr min(||g_n||, 1);
- lstm: "A gated cell (LSTM) with Adam and clipping at 1: the page's default setting" -> the preset is
  TrainLiveConfig's defaults, and the gradient Adam receives has norm min(||g||, 1);
- names: "Classify surnames by language with a GRU" -> a GRU on the names task that learns to
  classify: held-out accuracy after 40 steps is at least twice the largest class's share.
"""
from __future__ import annotations

import math
from dataclasses import fields

import pytest
import torch

from rnnviz.data import names as names_data
from rnnviz.labs import train_live as lab
from rnnviz.train import Trainer

SEEDS = range(10)
STEPS = 12  # every seed has a step with ||g|| >= 1.29 by step 9 (margin for other CPUs)


def _config(preset: str, seed: int) -> lab.TrainLiveConfig:
    values = {k.removeprefix("tl_"): v for k, v in lab.PRESETS[preset][2].items()}
    return lab.TrainLiveConfig(**{**values, "seed": seed})


def _flat(params) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1).double() for p in params])


def _grad_norm(params) -> float:
    return float(torch.linalg.vector_norm(torch.cat([p.grad.reshape(-1).double() for p in params])))


def test_every_preset_sets_the_seed_and_is_a_valid_setting():
    names = {f.name for f in fields(lab.TrainLiveConfig)}
    for preset, (_, _, values) in lab.PRESETS.items():
        assert values["tl_seed"] == 0, preset
        assert {k.removeprefix("tl_") for k in values} <= names, preset
        _config(preset, 0).train_config()  # no ValueError


@pytest.mark.parametrize("preset", ["explode", "clip"])
@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_presets_step_is_lr_times_the_used_gradient(preset, seed):
    cfg = _config(preset, seed)
    assert cfg.optimizer == "SGD" and cfg.lr == 2.0 and cfg.cell == "RNN"
    clip = lab.parse_clip(cfg.clip)
    assert clip == (None if preset == "explode" else 1.0)
    trainer = Trainer(cfg.train_config())
    n_clipped = 0
    for _ in range(STEPS):
        before = _flat(trainer.params)
        out = trainer.step()
        step = float(torch.linalg.vector_norm(_flat(trainer.params) - before))
        norm = out["grad_norm"]
        if not math.isfinite(norm):
            assert step == 0.0  # a non-finite gradient is reported, never applied
            continue
        assert out["clipped"] == (clip is not None and norm > clip)
        used = norm if clip is None else min(norm, clip)
        assert step == pytest.approx(cfg.lr * used, rel=1e-4)
        n_clipped += out["clipped"]
    if preset == "clip":
        assert n_clipped > 0  # the red crosses the tooltip points at do appear in the first steps


def test_lstm_preset_is_the_page_default():
    default = lab.TrainLiveConfig()
    values = lab.PRESETS["lstm"][2]
    for key, value in values.items():
        assert getattr(default, key.removeprefix("tl_")) == value, key
    assert default.cell == "LSTM" and default.optimizer == "Adam" and lab.parse_clip(default.clip) == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_preset_clips_what_adam_receives_at_1(seed):
    trainer = Trainer(_config("lstm", seed).train_config())
    for _ in range(3):
        out = trainer.step()
        assert _grad_norm(trainer.params) == pytest.approx(min(out["grad_norm"], 1.0), rel=1e-4)
        assert out["clipped"] == (out["grad_norm"] > 1.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_names_preset_is_a_gru_that_learns_to_classify(seed):
    cfg = _config("names", seed)
    assert cfg.task == "names" and cfg.cell == "GRU"
    trainer = Trainer(cfg.train_config())
    for _ in range(40):
        trainer.step()
    _, test = names_data.split(seed=0)
    largest_share = max(sum(k == c for _, k in test) for c in range(len(names_data.LANGUAGES))) / len(test)
    assert trainer.evaluate()["accuracy"] >= 2 * largest_share
