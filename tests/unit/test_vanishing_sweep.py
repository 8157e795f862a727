"""The radius sweep behind the live drag on the vanishing page: grid chosen by the time budget
(a fake clock, so no timing is measured), results equal to a direct run."""
from __future__ import annotations

import numpy as np

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
