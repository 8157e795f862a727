"""Figures of the attention page: the alignment heatmap, one decoding step (s_t, scores,
weights, c_t, output distribution), accuracy against input length, teacher-forcing curves.
Arrays in, figures out; every title and axis label is translated with ``lang``."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.data import dates as D
from rnnviz.i18n import t as _t
from rnnviz.plots.style import ACCENT, DIVERGING, FONT_SIZE, GATE, apply_style
from rnnviz.seq2seq import Decoding

MODEL_COLORS = {"dot": "#1f77b4", "general": "#2ca02c", "concat": "#9467bd", "none": "#d62728"}
SCHEDULE_COLORS = {"teacher": "#1f77b4", "free": "#d62728", "linear": "#2ca02c", "exponential": "#9467bd",
                   "inverse_sigmoid": "#ff7f0e"}
MUTED = "#9e9e9e"


def _show(c: str) -> str:
    """A character as a readable tick label (a space is shown as an open box)."""
    return "␣" if c == " " else c


def _in_ticks(source: str) -> tuple[list[int], list[str]]:
    return list(range(1, len(source) + 1)), [_show(c) for c in source]


def heatmap(dec: Decoding, lang: str = "en", step: int | None = None) -> go.Figure:
    """Attention weights ``a_t(i)``: one row per output character, one column per input character.

    Hover gives both characters and the weight; the row of ``step`` (1-based) is outlined.
    """
    if dec.weights is None:
        raise ValueError("the no-attention baseline has no attention weights")
    T, N = dec.weights.shape
    xs, xt = _in_ticks(dec.source)
    ys = list(range(1, T + 1))
    yt = [f"{t}: {c}" for t, c in zip(ys, dec.output)]
    custom = np.empty((T, N, 2), dtype=object)
    for t in range(T):
        for i in range(N):
            custom[t, i] = (dec.output[t], _show(dec.source[i]))
    # z as nested lists, not a NumPy array (sent as base64, which plotly.js decodes into a new array on every
    # redraw): the live step frames leave z out (rnnviz.plots.style.changing_parts), so a step change only
    # moves the outline instead of recomputing the heatmap
    z = [[float(v) if np.isfinite(v) else None for v in row] for row in np.asarray(dec.weights, dtype=np.float64).tolist()]
    fig = go.Figure(go.Heatmap(
        z=z, x=xs, y=ys, customdata=custom, colorscale=GATE, zmin=0.0, zmax=1.0,
        colorbar=dict(title=dict(text="a<sub>t</sub>(i)"), thickness=18),
        hovertemplate=_t("attention.hover_heat", lang) + "<extra></extra>",
    ))
    if step is not None:
        fig.add_shape(type="rect", x0=0.5, x1=N + 0.5, y0=step - 0.5, y1=step + 0.5, line=dict(color=ACCENT, width=3))
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=xt, title=_t("attention.axis_input", lang), side="bottom")
    # a fixed range (top row first): the step's outline moves without changing it (the browser moves the
    # outline itself, rnnviz/assets/live/around_plotly.js moveShapes)
    fig.update_yaxes(tickmode="array", tickvals=ys, ticktext=yt, range=[T + 0.5, 0.5],
                     title=_t("attention.axis_output", lang))
    apply_style(fig, title=_t("attention.heat_title", lang, src=dec.source, out=dec.output),
                height=max(460, 40 * T + 160))
    return fig


def score_range(dec: Decoding) -> list[float]:
    """The score axis of every step of ``dec``: ``[lo, hi]`` spanning 0 and every score of every step, widened by
    5% of its span on a side that holds a score (a side at 0 stays at 0, as plotly's autorange keeps bars' base)."""
    every = np.asarray(dec.scores, dtype=np.float64)
    every = every[np.isfinite(every)]
    lo = min(0.0, float(every.min())) if every.size else 0.0
    hi = max(0.0, float(every.max())) if every.size else 0.0
    if lo == hi:  # every score 0 (or none): bars of height 0 on [0, 1]
        return [0.0, 1.0]
    pad = 0.05 * ((hi - lo) or 1.0)
    return [lo - pad if lo < 0 else lo, hi + pad if hi > 0 else hi]


def step_figure(dec: Decoding, t: int, lang: str = "en") -> go.Figure:
    """Step ``t``: the scores and the softmax weights as bars over the input characters."""
    i = t - 1
    xs, xt = _in_ticks(dec.source)
    if dec.weights is None:
        fig = go.Figure()
        fig.add_annotation(text=_t("attention.no_attention_note", lang), showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font=dict(size=FONT_SIZE))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return apply_style(fig, title=_t("attention.step_title", lang), height=300)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=(_t("attention.scores_label", lang), _t("attention.weights_label", lang)))
    e = dec.scores[i]
    fig.add_trace(go.Bar(x=xs, y=e, marker_color=np.where(e >= 0, "#b2182b", "#2166ac"), name="score",
                         customdata=[_show(c) for c in dec.source],
                         hovertemplate="%{customdata}: score = %{y:.3f}<extra></extra>", showlegend=False), 1, 1)
    w = dec.weights[i]
    top = int(np.argmax(w))
    fig.add_trace(go.Bar(x=xs, y=w, marker_color=[ACCENT if j == top else MUTED for j in range(len(w))],
                         name="a_t(i)", customdata=[_show(c) for c in dec.source], showlegend=False,
                         hovertemplate="%{customdata}: a = %{y:.4f}<extra></extra>"), 2, 1)
    # the scores' axis: one range for every step of this decoding (0 and the largest and smallest score of any step,
    # 5% spare), so the steps compare on one scale and a step change moves the bars only (the browser draws them
    # itself, rnnviz/assets/live/around_plotly.js barPlan; an autoranged axis would be a relayout per step)
    fig.update_yaxes(range=score_range(dec), row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], row=2, col=1)
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=xt, row=2, col=1, title=_t("attention.axis_input", lang))
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=xt, row=1, col=1)
    apply_style(fig, title=_t("attention.step_title", lang), height=560)
    fig.update_annotations(font=dict(size=FONT_SIZE))
    return fig


def vectors_limit(dec: Decoding) -> float:
    """The colour scale's half-range of :func:`vectors_figure`: the largest ``|value|`` of s_t, c_t and h̃_t over
    every step of ``dec`` (1 if all are 0), so every step is coloured on one scale."""
    parts = [dec.s, dec.htilde] + ([dec.context] if dec.context is not None else [])
    every = np.concatenate([np.abs(np.asarray(p, dtype=np.float64)).ravel() for p in parts])
    every = every[np.isfinite(every)]
    return float(every.max()) if every.size and every.max() > 0 else 1.0


def vectors_figure(dec: Decoding, t: int, lang: str = "en") -> go.Figure:
    """s_t, c_t and h~_t of step ``t`` as coloured strips (diverging scale centred on 0, from -L to L with L the
    largest |value| of any step, :func:`vectors_limit`: the steps compare by colour, and a step changes z only)."""
    i = t - 1
    rows = [("s_t", dec.s[i])]
    if dec.context is not None:
        rows.append(("c_t", dec.context[i]))
    rows.append(("h̃_t", dec.htilde[i]))
    z = np.stack([r[1] for r in rows])
    lim = vectors_limit(dec)
    fig = go.Figure(go.Heatmap(
        z=z, y=[r[0] for r in rows], x=list(range(1, z.shape[1] + 1)), colorscale=DIVERGING, zmid=0.0,
        zmin=-lim, zmax=lim, colorbar=dict(thickness=18, title=dict(text=_t("attention.vectors_scale", lang), side="right")),
        hovertemplate="%{y}[%{x}] = %{z:.4f}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=_t("attention.axis_unit", lang))
    return apply_style(fig, title=_t("attention.vectors_title", lang), height=300)


def probs_figure(dec: Decoding, t: int, lang: str = "en") -> go.Figure:
    """The output distribution at step ``t``; the chosen (greedy) character highlighted."""
    i = t - 1
    p = dec.probs[i]
    k = int(np.argmax(p))
    chars = list(D.TARGET_CHARS)
    xs = list(range(len(chars)))
    # the characters at the positions 0, 1, ... of a linear axis, not as categories: plotly.js loses a category axis'
    # categories on a Plotly.update of the bars' y (checked in Chromium: its range went from [-0.5, 10.5] to
    # [-0.5, 9.5] and the last bar, '-', was no longer drawn), which is how the browser gives a step to plotly
    fig = go.Figure(go.Bar(x=xs, y=p, marker_color=[ACCENT if j == k else MUTED for j in range(len(p))],
                           customdata=chars, hovertemplate="'%{customdata}': p = %{y:.4f}<extra></extra>"))
    fig.update_yaxes(range=[0, 1.05], title="p")
    # every character labelled (plotly's own ticks skip some in a half-width chart)
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=chars, tickangle=0, range=[-0.5, len(chars) - 0.5],
                     title=_t("attention.axis_char", lang))
    return apply_style(fig, title=_t("attention.probs_title", lang), height=300)


def bottleneck_figure(results: dict, lang: str = "en") -> go.Figure:
    """Exact match against input length (binned), one line per model."""
    fig = go.Figure()
    for kind, r in results.items():
        labels = [b[0] for b in r["bins"]]
        fig.add_trace(go.Scatter(
            x=labels, y=[100 * b[1] for b in r["bins"]], mode="lines+markers", name=_t(f"attention.model_{kind}", lang),
            line=dict(color=MODEL_COLORS[kind], width=3, dash="dash" if kind == "none" else "solid"),
            marker=dict(size=10), customdata=[b[2] for b in r["bins"]],
            hovertemplate="%{x}: %{y:.1f}% (n = %{customdata})<extra>" + kind + "</extra>"))
    fig.update_xaxes(type="category", title=_t("attention.axis_length", lang))
    fig.update_yaxes(title=_t("attention.axis_acc", lang), ticksuffix="%")
    apply_style(fig, title=_t("attention.bottleneck_title", lang), height=460)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return fig


def tf_figure(runs: dict, lang: str = "en") -> go.Figure:
    """Training loss (log scale) and epsilon against the step, one colour per schedule."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.08)
    for sched, r in runs.items():
        steps = list(range(1, len(r["loss"]) + 1))
        name = _t(f"attention.sched_{sched}", lang)
        col = SCHEDULE_COLORS[sched]
        fig.add_trace(go.Scatter(x=steps, y=r["loss"], mode="lines", name=name, line=dict(color=col, width=2),
                                 legendgroup=sched, hovertemplate="step %{x}: loss %{y:.4f}<extra>" + sched + "</extra>"),
                      1, 1)
        fig.add_trace(go.Scatter(x=steps, y=r["epsilon"], mode="lines", name=name, line=dict(color=col, width=3),
                                 legendgroup=sched, showlegend=False,
                                 hovertemplate="step %{x}: ε = %{y:.3f}<extra>" + sched + "</extra>"), 2, 1)
    fig.update_yaxes(type="log", dtick=1, title=_t("attention.axis_loss", lang), row=1, col=1)  # decades only
    fig.update_yaxes(title="ε", range=[-0.05, 1.05], row=2, col=1)
    fig.update_xaxes(title=_t("attention.axis_step", lang), row=2, col=1)
    apply_style(fig, title=_t("attention.tf_title", lang), height=560)
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return fig


def tf_accuracy_figure(runs: dict, lang: str = "en") -> go.Figure:
    """Held-out exact match during each comparison run (greedy decoding, no teacher forcing)."""
    fig = go.Figure()
    for sched, r in runs.items():
        fig.add_trace(go.Scatter(x=r["eval_step"], y=[100 * a for a in r["eval_acc"]], mode="lines+markers",
                                 name=_t(f"attention.sched_{sched}", lang),
                                 line=dict(color=SCHEDULE_COLORS[sched], width=3), marker=dict(size=9),
                                 hovertemplate="step %{x}: %{y:.1f}%<extra>" + sched + "</extra>"))
    fig.update_xaxes(title=_t("attention.axis_step", lang))
    fig.update_yaxes(title=_t("attention.axis_acc", lang), ticksuffix="%", range=[-2, 102])
    apply_style(fig, title=_t("attention.tf_acc_title", lang), height=460)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return fig
