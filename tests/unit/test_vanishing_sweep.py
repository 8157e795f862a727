"""The radius sweep behind the live drag on the vanishing page: grid chosen by the time budget
(a fake clock, so no timing is measured), results equal to a direct run."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.labs import vanishing as lab


class FakeClock:
    """Every call advances by ``dt``: a timed run (two consecutive calls) takes ``dt``."""

    def __init__(self, dt: float):
        self.t, self.dt = 0.0, dt

    def __call__(self) -> float:
        self.t += self.dt
        return self.t


CFG = lab.VanishingConfig(T=12, H=4, cells=("RNN", "LSTM"))


def test_grid_follows_the_budget():
    radii, results = lab.radius_sweep(CFG, budget_s=2.0, clock=FakeClock(0.01))  # 61 x 0.01 s fits
    assert len(radii) == 61 and radii[0] == 0.0 and radii[-1] == 3.0 and 0.9 in radii and len(results) == 61
    radii, _ = lab.radius_sweep(CFG, budget_s=2.0, clock=FakeClock(0.05))  # 61 x 0.05 > 2, 31 x 0.05 fits
    assert len(radii) == 31 and radii[1] == 0.1
    radii, _ = lab.radius_sweep(CFG, budget_s=2.0, clock=FakeClock(0.1))
    assert len(radii) == 13 and radii[1] == 0.25
    assert lab.radius_sweep(CFG, budget_s=2.0, clock=FakeClock(1.0)) == ([], [])


def test_sweep_results_equal_direct_runs():
    radii, results = lab.radius_sweep(CFG, budget_s=2.0, clock=FakeClock(0.1))
    for r, res in zip(radii, results):
        assert res.config.radius == r
    for k in (0, 4, 12):
        direct = lab.run(lab.VanishingConfig(T=12, H=4, cells=("RNN", "LSTM"), radius=radii[k]))
        for cell in ("RNN", "LSTM"):
            np.testing.assert_array_equal(results[k].cells[cell].trace.grad_norm, direct.cells[cell].trace.grad_norm)


@pytest.mark.parametrize("value,budget", [(None, 2.0), ("", 2.0), ("60", 60.0), ("0.5", 0.5), ("abc", 2.0), ("0", 2.0),
                                          ("-3", 2.0), ("inf", 2.0), ("nan", 2.0)])
def test_the_sweep_budget_comes_from_the_environment(monkeypatch, value, budget):
    """RNNVIZ_SWEEP_BUDGET_S sets the budget (the browser tests' server: a grid that does not depend on a busy
    machine); anything but a positive number keeps the default, and radius_sweep uses it when given none."""
    if value is None:
        monkeypatch.delenv("RNNVIZ_SWEEP_BUDGET_S", raising=False)
    else:
        monkeypatch.setenv("RNNVIZ_SWEEP_BUDGET_S", value)
    assert lab.sweep_budget_s() == budget
    one = budget / 40  # 61 runs of this do not fit the budget, 31 do
    radii, _ = lab.radius_sweep(CFG, clock=FakeClock(one))
    assert len(radii) == 31
