"""Train-live figures: where their legends are drawn (rnnviz.plots.train_live)."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.labs import train_live as lab
from rnnviz.plots import train_live as plots


def _view(task: str, n: int = 400):
    gn = np.linspace(0.5, 5.0, n)
    evals = [{"loss": 3.0, "ppl": 20.1, "acc": 0.3}, {"loss": 2.5, "ppl": 12.2, "acc": 0.5}]
    snap = {"state": "finished", "error": None, "step": n, "steps": list(range(1, n + 1)),
            "loss": list(np.linspace(4.0, 2.0, n)), "grad_norm": list(gn), "clipped": list(gn > 1.0),
            "probe_step": [], "probe": [], "eval_step": [100, 400], "evals": evals,
            "chars": 1000, "train_time": 1.0, "model_record": None, "classes": ()}
    return lab.live_view(snap, task)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", ["loss", "norm"])
def test_a_legend_is_drawn_below_the_plot_not_in_the_title_row(lang, which):
    """The legends of the loss and gradient-norm charts are under the plot area (their top below the x axis):
    in the band above the plot, beside the title, a half-width column made them wrap onto the title (seen in
    Chinese at step 400: the loss chart's three entries over "损失（第 400 步）")."""
    v = _view("lm")
    fig = plots.loss_figure(v, lang) if which == "loss" else plots.grad_norm_figure(v, 1.0, lang)
    assert sum(1 for t in fig.data if t.showlegend is not False) >= 2  # a legend is drawn
    legend = fig.layout.legend
    assert legend.yanchor == "top" and legend.y < 0, (legend.yanchor, legend.y)
    assert fig.layout.title.text  # the title keeps the row above the plot to itself
