"""The vanishing page's presets: each sets the seed, and what its caption claims holds for seeds 0-9
(issue 10: a claim about a chart holds for every setting the preset can show, or is computed)."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.i18n import t
from rnnviz.labs import vanishing as lab

SEEDS = range(10)


def _norms(name: str, seed: int, **changes) -> dict[str, np.ndarray]:
    res = lab.run(lab.preset_config(name, seed=seed, **changes))
    return {c: cr.trace.grad_norm for c, cr in res.cells.items()}


def test_every_preset_sets_the_seed():
    for name, (_, _, values) in lab.PRESETS.items():
        assert values["vg_seed"] == 0, name


@pytest.mark.parametrize("seed", SEEDS)
def test_vanish_falls_below_a_thousandth_within_40_steps(seed):
    """"within 40 steps back the gradient falls below 1/1000 of its value at t=T"."""
    g = _norms("vanish", seed)["RNN"]
    assert g[-1 - 40] < 1e-3 * g[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_explode_is_exactly_one_and_a_half_per_step_and_tanh_tames_it(seed):
    """"every step back multiplies the gradient by exactly 1.5, right on the dashed bound. Switch φ to tanh and
    watch saturation tame the explosion"."""
    res = lab.run(lab.preset_config("explode", seed=seed))
    cr = res.cells["RNN"]
    g = cr.trace.grad_norm
    np.testing.assert_allclose(g[:-1] / g[1:], 1.5, rtol=1e-9)
    np.testing.assert_allclose(g, cr.envelope, rtol=1e-9)  # on the dashed bound
    tanh = _norms("explode", seed, activation="tanh")["RNN"]
    assert tanh[0] / tanh[-1] < 1e-6 * g[0] / g[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_keeps_over_100_times_more_and_bias_3_stays_within_20(seed):
    """"relative to t=T, the LSTM keeps over 100 times more gradient at t=1 ... Drag the forget bias to 3: the
    LSTM's gradient at t=1 then stays within a factor of 20 of its value at t=T"."""
    g = _norms("lstm", seed)
    assert (g["LSTM"][0] / g["LSTM"][-1]) / (g["RNN"][0] / g["RNN"][-1]) > 100
    g3 = _norms("lstm", seed, forget_bias=3.0)["LSTM"]
    assert 1 / 20 <= g3[0] / g3[-1] <= 20


@pytest.mark.parametrize("seed", SEEDS)
def test_irnn_stays_within_a_factor_of_10_over_200_steps(seed):
    """"over 200 steps the gradient at t=1 stays within a factor of 10 of its value at t=T"."""
    g = _norms("irnn", seed)["RNN"]
    assert g.shape == (200,) and 0.1 <= g[0] / g[-1] <= 10


def test_the_comparison_sentence_is_computed():
    res = lab.run(lab.preset_config("lstm"))
    ratio = res.cells["LSTM"].readout.ratio / res.cells["RNN"].readout.ratio
    lines = lab.readout_sentences(res, "en")
    assert lines[-1] == t("vanishing.read_compare", "en", cell="LSTM", factor=lab.fmt_sci(ratio))
    assert ratio > 100
    assert all("read_compare" not in ln and "times as much" not in ln
               for ln in lab.readout_sentences(lab.run(lab.preset_config("vanish")), "en"))


def test_forget_bias_claims_are_the_sigmoid():
    """The help text quotes σ(1) ≈ 0.73 and σ(3) ≈ 0.95."""
    assert round(1 / (1 + np.exp(-1.0)), 2) == 0.73 and round(1 / (1 + np.exp(-3.0)), 2) == 0.95
    assert "0.73" in t("vanishing.forget_bias_help", "en") and "0.95" in t("vanishing.forget_bias_help", "en")
