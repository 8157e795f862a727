"""Figures of an uploaded model (pure): the gates lab's own figures, with a step axis for random input."""
from __future__ import annotations

import plotly.graph_objects as go

from rnnviz.i18n import t


def step_axis(fig: go.Figure, lang: str = "en") -> go.Figure:
    """Retitle the character axis of a gates figure (:mod:`rnnviz.plots.gates`) as the step ``t``:
    for random input the tick labels are the step numbers ``1..T``, not characters."""
    fig.for_each_xaxis(lambda ax: ax.update(title_text=t("byo.axis_step", lang)) if ax.title.text else None)
    return fig
