"""Figures and the coloured-text HTML of the gates page (pure: arrays in, figures/strings out).

The input characters run along the x axis of every time plot (``t = 1..T``, tick labels are
the characters; a space is shown as ``␣`` and a newline as ``↵``).
"""
from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from rnnviz.i18n import t
from rnnviz.plots.style import ACCENT, CELL_COLORS, DIVERGING, GATE, apply_style

GATE_NAMES = ("i", "f", "o", "r", "z")
"""Quantities in [0, 1] (sigmoid gates): the GATE colour scale on [0, 1]."""
UNIT_COLORS = {"i": "#1f77b4", "f": "#2ca02c", "g": "#9467bd", "o": "#ff7f0e", "r": "#8c564b", "z": "#2ca02c",
               "n": "#9467bd", "c": "#17becf", "h": "#d62728"}

SHOW_CHAR = {" ": "␣", "\n": "↵", "\t": "⇥"}


def show_char(c: str) -> str:
    """A visible stand-in for whitespace characters."""
    return SHOW_CHAR.get(c, c)


LINE_LABELS = 32
"""Most character labels under the x axis of a line chart (unit, gradient path, forget-gate bias, depth): every
k-th character, ``k = ceil(T / 32)`` (the hover names every step's character). A chart the browser changes
draws its tick labels again on every change: measured in Chromium here, the ~64 labels of the default recall
text were a quarter of a unit change's cost; 32 labels at 16 px also read better on a projector than 64 at 13 px."""


WORD_TICK_PX = 560.0
"""Width in px (at 1280 px, the narrowest plot area of these charts) over which :func:`char_ticks` spaces the words."""
WORD_TICK_SIZE = 15
"""Font size (px) of the words under a chart whose characters do not all fit (monospace: 0.6 em a character)."""
_WORD_MAX = 10  # characters of a word shown at most (a longer one is cut, with "…")


def char_ticks(text, most: int = 70) -> tuple[list[float], list[str], int]:
    """The x ticks of a chart over the characters of ``text`` (t = 1..T): ``(values, labels, font size)``.

    Up to ``most`` characters: every one, at its own t. More, in a text of words (whitespace between them): whole words,
    each centred on its characters (t of its first and last character averaged), as many as fit side by side with a
    gap at :data:`WORD_TICK_SIZE` on :data:`WORD_TICK_PX`: the lines' first words, then the others left to right; the
    rest on hover. Every k-th character
    alone (``k = ceil(T / most)``) read as letters out of order ("Soeuaaldm" for "Shall I compare..."). A text
    without words (the gates' symbol tasks), or a list of symbols (an uploaded model's input): every k-th one."""
    import re

    T = len(text)
    if T <= most:
        return list(range(1, T + 1)), [show_char(c) for c in text], 16 if T <= 40 else 13
    # a sequence of symbols (an uploaded model's vocabulary, a list) has no words
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)] if isinstance(text, str) else []
    if len(words) * 4 < T / 12:  # hardly any whitespace: not a text of words
        step = int(np.ceil(T / most))
        ticks = list(range(1, T + 1, step))
        return ticks, [show_char(text[k - 1]) for k in ticks], 16 if len(ticks) <= 40 and most < 70 else 13
    placed = []  # (left px, right px, t, label)
    char_px, gap = 0.6 * WORD_TICK_SIZE, 1.5 * WORD_TICK_SIZE
    firsts = [k == 0 or "\n" in text[words[k - 1][0]:start] for k, (start, _) in enumerate(words)]
    for start, word in [w for w, f in zip(words, firsts) if f] + [w for w, f in zip(words, firsts) if not f]:
        label = word if len(word) <= _WORD_MAX else word[:_WORD_MAX - 1] + "…"  # the lines' first words first
        centre = start + 1 + (len(word) - 1) / 2  # t of its first and last character, averaged
        half = len(label) * char_px / 2
        at = (centre - 0.5) / T * WORD_TICK_PX
        if at + half <= WORD_TICK_PX + 20 and all(at + half + gap <= lo or hi + gap <= at - half for lo, hi, _, _ in placed):
            placed.append((at - half, at + half, centre, label))
    placed.sort()
    return [c for _, _, c, _ in placed], [w for _, _, _, w in placed], WORD_TICK_SIZE


def _char_axis(fig: go.Figure, text: str, lang: str, *, row=None, col=None, title: bool = True,
               most: int = 70) -> None:
    """x ticks at t = 1..T labelled by the characters (:func:`char_ticks`: every one up to ``most``, else the words
    that fit; the heatmaps: all of them up to 70 characters)."""
    T = len(text)
    ticks, labels, size = char_ticks(text, most)
    kw = {} if row is None else dict(row=row, col=col)
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=labels,
                     tickangle=0, tickfont=dict(size=size, family="DejaVu Sans Mono, monospace"),
                     title_text=t("gates.axis_char", lang) if title else None, range=[0.5, T + 0.5], **kw)


def _fixed_margins(fig: go.Figure, left: int = 92, bottom: int = 78) -> go.Figure:
    """Margins set here, not grown to fit the tick labels (automargin off): a chart the browser changes
    would otherwise measure every label on every change, and redraw the whole chart a second time when
    the new y labels (another unit's range) are wider or narrower. ``left`` holds the widest y labels of
    these charts (``-0.75``, ``10^-12``), the standoff and the axis title; ``bottom`` the characters and the
    x title (a legend below the chart still makes room for itself)."""
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    fig.update_layout(margin=dict(l=left, b=bottom))
    return fig


def _style(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """:func:`apply_style`, plus explicit axis fonts on every axis (subplots included): seen here,
    the shared template's axis fonts did not reach the subplot axes in the browser (grey 12 px ticks)."""
    apply_style(fig, title=title, height=height)
    axis = dict(tickfont=dict(size=16, color="#222222"), title_font=dict(size=18, color="#111111"))
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_layout(legend=dict(font=dict(size=16, color="#111111")), font=dict(color="#111111"))
    return fig


def _finite(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isfinite(a), a, np.nan)


def _scale(name: str, v: np.ndarray) -> dict:
    """Colour scale of a quantity: gates on [0, 1]; g, n, h on [-1, 1]; c symmetric about 0."""
    if name in GATE_NAMES:
        return dict(colorscale=GATE, zmin=0.0, zmax=1.0)
    if name == "c":
        m = float(np.nanmax(np.abs(v))) if np.any(np.isfinite(v)) else 1.0
        return dict(colorscale=DIVERGING, zmid=0.0, zmin=-max(m, 1e-9), zmax=max(m, 1e-9))
    return dict(colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0)


def gates_figure(quantities: dict[str, np.ndarray], text: str, lang: str = "en") -> go.Figure:
    """Every gate, ``c`` and ``h`` as (unit x time) heatmaps stacked on one shared character axis.

    Args:
        quantities: name -> ``(T, H)`` (names ``i f g o c h`` or ``r z n h``); trace ``k`` of the
            figure is quantity ``k`` (``name`` = the quantity's name, ``z`` = its transpose).
        text: the ``T`` input characters.
    Gates in [0, 1] use ``GATE`` on [0, 1]; ``g``, ``n``, ``h`` use ``DIVERGING`` on [-1, 1]; ``c``
    uses ``DIVERGING`` symmetric about 0 (``zmid=0``). Each row has its own colour bar.
    """
    from plotly.subplots import make_subplots

    names = list(quantities)
    n = len(names)
    T, H = next(iter(quantities.values())).shape
    row_px = 150 if H <= 16 else 230
    gap = 0.05 if n > 4 else 0.07
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=gap,
                        subplot_titles=[t("gates.fig_heat", lang, name=k, desc=t(f"gates.desc_{k}", lang))
                                        for k in names])
    chars = np.array([[show_char(c) for c in text]] * H)  # (H, T) for the hover
    for r, name in enumerate(names, start=1):
        v = _finite(quantities[name])  # (T, H)
        dom = fig.layout[f"yaxis{'' if r == 1 else r}"].domain
        fig.add_trace(go.Heatmap(
            z=v.T, x=np.arange(1, T + 1), y=np.arange(H), customdata=chars, name=name,
            hovertemplate=t("gates.hover_heat", lang) + "<extra>" + name + "</extra>",
            colorbar=dict(thickness=14, len=(dom[1] - dom[0]) * 0.95, y=(dom[0] + dom[1]) / 2, yanchor="middle",
                          tickfont=dict(size=15, color="#222222"), x=1.01), **_scale(name, v),
        ), row=r, col=1)
        fig.update_yaxes(title_text=t("gates.axis_unit", lang) if r == (n + 1) // 2 else None,
                         autorange="reversed", row=r, col=1, nticks=5)
    _style(fig, height=int(row_px * n + 120))
    fig.update_annotations(font=dict(size=18, color="#222"), x=0.0, xanchor="left")
    for r in range(1, n + 1):  # the characters under the first and the last row
        _char_axis(fig, text, lang, row=r, col=1, title=r == n)
        fig.update_xaxes(showticklabels=r == n, row=r, col=1)
    fig.update_layout(margin=dict(t=40, b=60, r=70))
    return fig


UNIT_RANGE_STEP = 0.5
"""The unit chart's y range beyond ±1 grows in steps of 0.5 (neighbouring units then often share a range)."""


def unit_range(quantities: dict[str, np.ndarray], unit: int) -> list[float]:
    """The y range of the unit chart of ``unit``: ``[lo, hi]`` padded by 5% of ``hi - lo``, where ``lo`` is the
    smallest of -1 and the unit's finite values and ``hi`` the largest of 1 and them, each rounded outward to a
    multiple of ``UNIT_RANGE_STEP``. Every gate, ``g``, ``n`` and ``h`` lies in [-1, 1]; only an LSTM's cell
    state ``c`` goes beyond. Set explicitly (not autoranged), so the browser moves the lines of another unit
    without a redraw of the axes when the range is the same (rnnviz/assets/live/)."""
    v = np.concatenate([np.asarray(a[:, unit], dtype=np.float64) for a in quantities.values()])
    v = v[np.isfinite(v)]
    lo = min(-1.0, float(v.min())) if v.size else -1.0
    hi = max(1.0, float(v.max())) if v.size else 1.0
    lo, hi = (math.floor(lo / UNIT_RANGE_STEP) * UNIT_RANGE_STEP if lo < -1 else -1.0,
              math.ceil(hi / UNIT_RANGE_STEP) * UNIT_RANGE_STEP if hi > 1 else 1.0)
    pad = 0.05 * (hi - lo)
    return [lo - pad, hi + pad]


def unit_lines(quantities: dict[str, np.ndarray], unit: int, text: str, lang: str = "en") -> go.Figure:
    """Every gate, ``c`` and ``h`` of one unit against time, on the y range :func:`unit_range`. A marker on every
    step while every character is labelled (``T <= LINE_LABELS``); beyond that lines only (each marker is an SVG
    element plotly draws again on every unit change: ~380 of them for the default 63-character text).

    The title does not name the unit (the page shows the unit's number beside the chart): what changes from one
    unit to another is the lines and at most the y range, which the browser draws without a redraw of the chart."""
    fig = go.Figure()
    T = len(text)
    ts = np.arange(1, T + 1)
    chars = [show_char(c) for c in text]
    for name, arr in quantities.items():
        fig.add_trace(go.Scatter(
            x=ts, y=_finite(arr[:, unit]), name=name, mode="lines+markers" if T <= LINE_LABELS else "lines",
            line=dict(color=UNIT_COLORS.get(name, ACCENT), width=4 if name in ("c", "h") else 2.5,
                      dash="solid" if name in ("c", "h") else "dot" if name == "g" or name == "n" else "solid"),
            marker=dict(size=6), customdata=chars,
            hovertemplate=f"{name}<br>t=%{{x}} '%{{customdata}}'<br>%{{y:.3f}}<extra></extra>",
        ))
    _style(fig, title=t("gates.fig_unit", lang), height=420)
    _char_axis(fig, text, lang, most=LINE_LABELS)
    fig.update_yaxes(title_text=t("gates.axis_value", lang), range=unit_range(quantities, unit))
    return _fixed_margins(fig)


def _positive(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isfinite(a) & (a > 0), a, np.nan)


PATH_FLOOR = 1e-30
"""The gradient-path chart's y axis reaches down to the smallest product shown, but not below ``PATH_FLOOR``:
a unit whose product falls further runs off the bottom of the chart (the page says so)."""


def path_range(carry: np.ndarray, rnn_path: np.ndarray) -> list[float]:
    r"""The y range of the gradient-path chart in log10 units, the same for every unit: from the smallest positive
    value of every unit's product (``carry``, ``(T, H)``) and of the RNN's ``rnn_path`` (``(T,)``), but not below
    ``PATH_FLOOR``, to the largest, padded by 4% of the span (half a decade if the span is 0)."""
    v = np.concatenate([np.asarray(carry, dtype=np.float64).ravel(), np.asarray(rnn_path, dtype=np.float64).ravel()])
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return [math.log10(PATH_FLOOR), 0.0]
    lo, hi = max(math.log10(float(v.min())), math.log10(PATH_FLOOR)), math.log10(float(v.max()))
    pad = 0.04 * (hi - lo) if hi > lo else 0.5
    return [lo - pad, hi + pad]


def path_clipped(carry: np.ndarray, rnn_path: np.ndarray) -> bool:
    """Whether some unit's product (or the RNN's) falls below ``PATH_FLOOR``: part of a line is below the chart."""
    v = np.concatenate([np.asarray(carry, dtype=np.float64).ravel(), np.asarray(rnn_path, dtype=np.float64).ravel()])
    return bool(np.any(np.isfinite(v) & (v < PATH_FLOOR)))


def gradient_path(carry: np.ndarray, unit: int, rnn_path: np.ndarray, text: str, cell: str,
                  lang: str = "en") -> go.Figure:
    r"""The product of carry gates (one unit, the unit that keeps the most of step 1, and the mean over units) and
    the vanilla RNN's :math:`\|\partial h_T/\partial h_t\|_2`, against ``t`` on a log y axis (:func:`path_range`,
    the same for every unit). Only the first trace depends on ``unit``, and only its ``y``: its name says "the
    chosen unit" (the page shows the number), so the browser moves that one line for another unit."""
    gate = "f" if cell == "LSTM" else "z"
    T = len(text)
    ts = np.arange(1, T + 1)
    chars = [show_char(c) for c in text]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=ts, y=_positive(carry[:, unit]), name=t("gates.trace_unit_prod", lang, cell=cell, gate=gate),
        mode="lines", line=dict(color=CELL_COLORS[cell], width=4), customdata=chars,
        hovertemplate="t=%{x} '%{customdata}'<br>%{y:.3e}<extra></extra>"))
    best = int(np.argmax(carry[0]))  # the unit that keeps the most of step 1 (when chosen, its lines coincide)
    fig.add_trace(go.Scatter(
        x=ts, y=_positive(carry[:, best]), name=t("gates.trace_best_prod", lang, cell=cell, gate=gate, unit=best),
        mode="lines", line=dict(color=CELL_COLORS[cell], width=2.5, dash="dot"), customdata=chars,
        hovertemplate="t=%{x} '%{customdata}'<br>%{y:.3e}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=ts, y=_positive(carry.mean(axis=1)), name=t("gates.trace_mean_prod", lang, cell=cell, gate=gate),
        mode="lines", line=dict(color=CELL_COLORS[cell], width=2.5, dash="dash"), customdata=chars,
        hovertemplate="t=%{x} '%{customdata}'<br>%{y:.3e}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=ts, y=_positive(rnn_path), name=t("gates.trace_rnn", lang), mode="lines",
        line=dict(color=CELL_COLORS["RNN"], width=4), customdata=chars,
        hovertemplate="t=%{x} '%{customdata}'<br>%{y:.3e}<extra></extra>"))
    _style(fig, title=t("gates.fig_path", lang), height=440)
    _char_axis(fig, text, lang, most=LINE_LABELS)
    fig.update_yaxes(type="log", title_text=t("gates.axis_path", lang), exponentformat="power",
                     range=path_range(carry, rnn_path))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.25, x=0))
    return _fixed_margins(fig)


def bias_depths():
    """Decades below 1 the bias chart's y range may reach down to: 5, 10, 20, 50, 100, 200, 500, ... (1-2-5 steps):
    a negative Δ makes the products fall fast (to ~1e-165 at Δ = -6), and with few depths most neighbouring Δ of a
    drag share one range, so the browser only moves the lines (rnnviz/assets/live/around_plotly.js drawDirect: a new
    range is a plotly redraw). Each depth at most 2.5x the one before: the lines keep at least 40 % of the height."""
    k = 0
    while True:
        for m in (5, 10, 20):
            yield m * 10 ** k
        k += 1


def bias_range(*products: np.ndarray) -> list[float]:
    r"""The bias chart's log10 y range for the ``(T, H)`` products it draws (their unit means, each in
    :math:`(0, 1]`): from the first of :func:`bias_depths` below the smallest positive mean (0.3 decades to
    spare) to just above 1 (so the :math:`1/e` line is always inside)."""
    means = np.concatenate([np.asarray(p, dtype=np.float64).mean(axis=1) for p in products])
    means = means[np.isfinite(means) & (means > 0)]
    low = float(np.log10(means.min())) if means.size else -1.0
    need = 0.3 - min(low, -1.0)  # decades below 1
    return [-float(next(d for d in bias_depths() if d >= need)), 0.15]


def horizon_text(v: float, lang: str = "en") -> str:
    """A memory horizon in words: ``1 step``, ``9 steps``, or ``beyond the text`` (``inf``)."""
    if math.isinf(v):
        return t("gates.beyond", lang)
    n = f"{v:.0f}"
    return t("gates.one_step", lang) if n == "1" else t("gates.n_steps", lang, n=n)


def bias_readout(delta: float, horizons: dict, cell: str, T: int, lang: str = "en") -> str:
    r"""The line beside the Δ control (plain text, at most two lines in the sidebar at 1280 px): the memory horizons of the
    three lines of the bias chart in steps (the lag until the average unit's product :math:`\prod f` falls below
    :math:`1/e`, :func:`rnnviz.gates.memory_horizon`), ``horizons`` as :func:`rnnviz.labs.gates.analyse` computes
    them (``base``, ``trained``, ``fresh``). Δ itself is the control's value (shown on its thumb); the trained
    model's horizon at Δ = 0 is left out at Δ = 0 (it is the trained one). A horizon the ``T`` characters never
    reach (``inf``: no lag ``0..T-1`` falls below 1/e) reads ``≥ T``."""
    def n(v: float) -> str:
        return f"≥\u00a0{T}" if math.isinf(v) else f"{v:.0f}"

    key = "gates.bias_live" if delta != 0 else "gates.bias_live_zero"
    return t(key, lang, state="c" if cell == "LSTM" else "h", **{k: n(horizons[k]) for k in ("base", "trained", "fresh")})


def bias_figure(base: np.ndarray, trained: np.ndarray, fresh: np.ndarray, delta: float, text: str, cell: str,
                lang: str = "en") -> go.Figure:
    r"""Unit-averaged :math:`\prod_{k>t} f_k` for the trained model (Δ = 0 and Δ) and a fresh one (Δ).

    The legend names no Δ (the control's readout, :func:`bias_readout`, does) and the y range is
    :func:`bias_range`, so the chart for another Δ differs only in its lines' data, the range and, at
    Δ = 0, whether the Δ = 0 line is shown (:func:`rnnviz.labs.gates_select.bias_frames`)."""
    gate = "f" if cell == "LSTM" else "z"
    T = len(text)
    ts = np.arange(1, T + 1)
    fig = go.Figure()
    lines = [(base, t("gates.trace_base", lang), "#7f7f7f", "dash"),
             (trained, t("gates.trace_trained", lang), CELL_COLORS[cell], "solid"),
             (fresh, t("gates.trace_fresh", lang), ACCENT, "solid")]
    for k, (arr, label, color, dash) in enumerate(lines):
        # at Δ = 0 the shifted model is the trained one: the Δ = 0 line is hidden (one line, one legend
        # entry), but always there, so the browser can swap the lines during a drag (rnnviz/assets/live/)
        fig.add_trace(go.Scatter(x=ts, y=_positive(arr.mean(axis=1)), name=label, mode="lines",
                                 visible=k > 0 or delta != 0,
                                 line=dict(color=color, width=4 if dash == "solid" else 2.5, dash=dash),
                                 hovertemplate="t=%{x}<br>%{y:.3e}<extra></extra>"))
    fig.add_hline(y=float(np.exp(-1)), line=dict(color="#444", width=1, dash="dot"))
    # the label sits just above the line at the right end (y in log10 units on a log axis)
    fig.add_annotation(x=1, xref="paper", xanchor="right", y=-1.0 / math.log(10), yref="y", yanchor="bottom",
                       yshift=2, text="1/e", showarrow=False, font=dict(color="#444"),
                       bgcolor="rgba(255,255,255,0.85)")
    _style(fig, title=t("gates.fig_bias", lang, gate=gate), height=420)
    _char_axis(fig, text, lang, most=LINE_LABELS)
    fig.update_yaxes(type="log", title_text=t("gates.axis_path", lang), exponentformat="power",
                     range=bias_range(base, trained, fresh))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.25, x=0))
    return _fixed_margins(fig)


def recall_curve_figure(gaps, curves: dict[str, np.ndarray], gap: int, lang: str = "en") -> go.Figure:
    """Recall accuracy against the gap, one line per cell; chance (1/4) dotted; the chosen gap marked."""
    fig = go.Figure()
    for cell, acc in curves.items():
        fig.add_trace(go.Scatter(x=list(gaps), y=acc, name=cell, mode="lines+markers",
                                 line=dict(color=CELL_COLORS[cell], width=4 if cell != "GRU" else 3,
                                           dash="dash" if cell == "GRU" else "solid"),
                                 marker=dict(size=10 if cell == "LSTM" else 7),
                                 hovertemplate=f"{cell}<br>gap=%{{x}}<br>%{{y:.3f}}<extra></extra>"))
    fig.add_hline(y=0.25, line=dict(color="#444", width=1.5, dash="dot"), annotation_text=t("gates.chance", lang),
                  annotation_position="bottom right")
    fig.add_vline(x=gap, line=dict(color=ACCENT, width=2, dash="dash"))
    _style(fig, title=t("gates.fig_recall", lang), height=380)
    fig.update_xaxes(title_text=t("gates.axis_gap", lang))
    fig.update_yaxes(title_text=t("gates.axis_acc", lang), range=[0, 1.05])
    return fig


def depth_figure(true: np.ndarray, pred: np.ndarray, text: str, cell: str, lang: str = "en") -> go.Figure:
    """True and predicted bracket depth per step."""
    T = len(text)
    ts = np.arange(1, T + 1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ts, y=true, name=t("gates.true", lang), mode="lines",
                             line=dict(color="#444", width=5, shape="hv")))
    fig.add_trace(go.Scatter(x=ts, y=pred, name=t("gates.pred", lang, cell=cell), mode="lines+markers",
                             line=dict(color=CELL_COLORS[cell], width=2.5, shape="hv"), marker=dict(size=7)))
    _style(fig, title=t("gates.fig_depth", lang), height=360)
    _char_axis(fig, text, lang, most=LINE_LABELS)
    fig.update_yaxes(title_text=t("gates.axis_depth", lang), dtick=1)
    return fig


# ---------------------------------------------------------------- coloured text
def _text_colour(rgb: str) -> str:
    """Black or white, whichever reads better on the background ``rgb(r, g, b)``."""
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1: rgb.index(")")].split(","))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"


def colored_text_html(text: str, values: np.ndarray, name: str) -> str:
    """The text as HTML, each character on a background coloured by ``values[t]``.

    User text is data, never markup: every character (and the hover title) goes through
    :func:`html.escape` (``quote=True``) before it is placed in the HTML. Gates (``name`` in
    ``GATE_NAMES``) use ``GATE`` on [0, 1]; other quantities ``DIVERGING`` on ``[-m, m]``,
    ``m = max|values|`` (at least 1 for ``h``, ``g``, ``n``). Non-finite values get a grey background.

    Args:
        text: ``T`` characters; values: ``(T,)``.
    """
    bgs, shown_values = colored_text_colours(text, values, name)
    return colored_text_from(text, bgs, shown_values)


def colored_text_colours(text: str, values: np.ndarray, name: str) -> tuple[list[str], list[str]]:
    """What :func:`colored_text_html` varies with the values: each character's background
    ``rgb(r, g, b)`` and its value as shown in the hover (3 decimals)."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(text),):
        raise ValueError(f"need one value per character: {len(text)} characters, values of shape {values.shape}")
    finite = np.isfinite(values)
    if name in GATE_NAMES:
        lo, hi, scale = 0.0, 1.0, GATE
    else:
        m = float(np.max(np.abs(values[finite]))) if finite.any() else 1.0
        m = max(m, 1.0) if name in ("h", "g", "n") else max(m, 1e-9)
        lo, hi, scale = -m, m, DIVERGING
    pos = np.clip((np.where(finite, values, lo) - lo) / (hi - lo), 0.0, 1.0)
    colours = sample_colorscale(scale, list(pos), colortype="rgb")
    bgs = [colours[k] if finite[k] else "rgb(160, 160, 160)" for k in range(len(text))]
    return bgs, [f"{v:.3f}" for v in values]


def colored_text_prefixes(text: str) -> list[str]:
    """The start of each character's hover title, ``t=<t> '<c>': `` (the value follows)."""
    return [f"t={k + 1} {show_char(c)!r}: " for k, c in enumerate(text)]


def colored_text_from(text: str, bgs: list[str], shown_values: list[str]) -> str:
    """The HTML of :func:`colored_text_html` from its parts (the browser builds the same string from the
    same parts, rnnviz/assets/live/colored.js ``coloredHtml``)."""
    parts = []
    for k, (c, prefix) in enumerate(zip(text, colored_text_prefixes(text))):
        bg = bgs[k]
        shown = "↵" if c == "\n" else c
        title = html.escape(prefix + shown_values[k], quote=True)
        parts.append(f'<span title="{title}" style="background:{bg};color:{_text_colour(bg)};'
                     f'padding:2px 0;border-radius:2px">{html.escape(shown, quote=True)}</span>')
        if c == "\n":
            parts.append("<br>")
    return ('<div style="font-family:\'DejaVu Sans Mono\',monospace;font-size:22px;line-height:1.9;'
            'white-space:pre-wrap;word-break:break-all">' + "".join(parts) + "</div>")
