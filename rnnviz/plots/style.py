"""The shared visual language: large fonts for projectors, consistent colour scales.

Colour scales:

- ``SEQUENTIAL`` (magnitudes, e.g. ``log10 |dL/dh_t|``): Viridis, perceptually uniform and
  readable in greyscale and by colour-blind viewers;
- ``DIVERGING`` (signed values, e.g. ``h_t`` or a gate pre-activation): blue-white-red,
  always centred on 0 with ``zmid=0``;
- ``GATE`` (values in [0, 1], e.g. sigmoid gates): Cividis-like sequential from dark to light;
- ``CELL_COLORS``: one colour per cell type, used identically on every page.
"""
from __future__ import annotations

import plotly.graph_objects as go

FONT_SIZE = 18
TITLE_SIZE = 22
FONT_FAMILY = ("'Source Sans 3', 'Source Sans Pro', 'Helvetica Neue', Arial, 'DejaVu Sans', "
               "'rnnviz-cjk', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif")
"""Latin fonts first (a CJK font used for Latin text widens symbols such as ‖ and ∂), then
the Chinese subset the app serves itself (static/fonts, declared in .streamlit/config.toml), then
the common Chinese UI fonts of macOS, Windows and Linux."""

SEQUENTIAL = "Viridis"
DIVERGING = "RdBu_r"
GATE = "Cividis"

CELL_COLORS = {"RNN": "#d62728", "LSTM": "#1f77b4", "GRU": "#2ca02c"}
"""Colour per cell type; the same on every page."""

ACCENT = "#ff7f0e"
WARN = "#b30000"


def _axis() -> dict:
    # ticklabeloverflow="allow": plotly.js's default for a linear axis ("hide past div") checks every tick
    # label's box after placing each label, O(labels^2) getBBox calls: measured here, 60% of a redraw of a
    # chart with one tick per character (64 labels: ~200 ms of ~330 ms in Chromium). automargin keeps the
    # labels inside the figure, so nothing is hidden by it anyway.
    return dict(gridcolor="#e3e3e3", linecolor="#444444", zeroline=False, ticks="outside", automargin=True,
                ticklabeloverflow="allow",
                # standoff: a gap between the axis title and the tick labels (they touched on log axes)
                title=dict(font=dict(size=FONT_SIZE, color="#111111"), standoff=14), tickfont=dict(size=FONT_SIZE - 2, color="#222222"))


TEMPLATE = go.layout.Template(layout=dict(
    font=dict(size=FONT_SIZE, family=FONT_FAMILY, color="#111111"),
    paper_bgcolor="white", plot_bgcolor="white",
    colorway=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"],
    xaxis=_axis(), yaxis=_axis(),
    legend=dict(font=dict(size=FONT_SIZE - 1, color="#111111")),
    hoverlabel=dict(font=dict(size=FONT_SIZE - 2)),
))
"""A small template with everything shared. Measured here: assigning plotly's built-in
"plotly_white" template deep-copies a large object and made one figure cost ~45 ms (up to
~150 ms on a loaded machine); this one costs a few ms, which matters on every slider step."""


def apply_style(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the shared layout: fonts, white background, margins that never clip labels. Without a
    ``title`` the layout gets no title entry at all (an empty one would be dropped from the same figure
    sent as a dict, so a shipped first chart, rnnviz.first_charts, would not equal the computed one)."""
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(l=80, r=30, t=70 if title else 30, b=70))
    if title:
        fig.update_layout(title=dict(text=title, font=dict(size=TITLE_SIZE), x=0.0, xanchor="left"))
    return fig


def frame_of(fig: go.Figure) -> dict:
    """``fig`` as a frame for :func:`rnnviz.streamlit_helpers.live`: its traces and its layout
    without the shared template (the figure on screen has it already), JSON-safe (arrays in
    plotly's base64 form, NaN as null)."""
    import json

    import plotly.io as pio

    d = json.loads(pio.to_json(fig, validate=False))
    d["layout"].pop("template", None)
    return {"data": d["data"], "layout": d["layout"]}
