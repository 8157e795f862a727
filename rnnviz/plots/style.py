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
CJK_FAMILY = "'rnnviz-cjk', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
"""Chinese fonts only (each has Latin letters and digits too): a line in Chinese drawn in one font."""
FONT_FAMILY = "'Source Sans 3', 'Source Sans Pro', 'Helvetica Neue', Arial, 'DejaVu Sans', " + CJK_FAMILY
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


def changing_parts(frames: list[dict]) -> list[dict]:
    """``frames`` (as :func:`frame_of` makes them, one per choice) reduced to what differs between them.

    A trace attribute (``x``, ``marker``, ...) or a top-level layout entry (``shapes``, ``title``, ...) with
    the same value in every frame is left out of all of them; a trace with nothing left is ``{}``. The
    browser (rnnviz/assets/live/) copies a frame's entries over the chart on screen, which the server drew
    from the same figure builder, so what it leaves out is already there, with the same value. Plotly then
    sees the same arrays (same objects) and redraws only what changed: measured in Chromium here, a
    heatmap whose frames only move a frame rectangle went from a full redraw (~35 ms) to a shape update.

    Frames with different numbers of traces are returned as they are (the browser does not draw those).
    """
    if len(frames) < 2 or len({len(f["data"]) for f in frames}) != 1:
        return frames

    def same(dicts: list[dict], key) -> bool:  # present, and equal, in every one
        return all(key in d for d in dicts) and all(d[key] == dicts[0][key] for d in dicts[1:])

    n_traces = len(frames[0]["data"])
    drop_data = [{k for k in frames[0]["data"][i] if same([f["data"][i] for f in frames], k)} for i in range(n_traces)]
    layouts = [f["layout"] for f in frames]
    drop_layout = {k for k in layouts[0] if same(layouts, k)}
    return [{"data": [{k: v for k, v in tr.items() if k not in drop_data[i]} for i, tr in enumerate(f["data"])],
             "layout": {k: v for k, v in f["layout"].items() if k not in drop_layout}} for f in frames]
