"""Figures and coloured-text HTML of the hidden-state page (pure: arrays in, figures/strings out).

The text is data: every character placed in HTML or in a plotly label goes through
:func:`html.escape` first (plotly renders a small HTML subset in labels and hovers, and turns the
entities back into the characters).
"""
from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
from plotly.colors import colorscale_to_colors, get_colorscale, sample_colorscale, validate_colors

from rnnviz.i18n import t
from rnnviz.text import percent
from rnnviz.plots.gates import _char_axis, _style, _text_colour, show_char
from rnnviz.plots.style import ACCENT, CELL_COLORS, DIVERGING, SEQUENTIAL

MONO = "font-family:'DejaVu Sans Mono',monospace;font-size:20px;line-height:1.8;white-space:pre-wrap;word-break:break-all"


def safe_char(c: str) -> str:
    """A character as it is shown in a plotly label: whitespace made visible, then escaped."""
    return html.escape(show_char(c), quote=True)


def _chars(text: str) -> np.ndarray:
    return np.array([safe_char(c) for c in text], dtype=object)


def _finite(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isfinite(a), a, np.nan)


# ------------------------------------------------------------------ neuron explorer
def states_heatmap(h: np.ndarray, text: str, unit: int, lang: str = "en") -> go.Figure:
    """Every unit (rows) x every character (columns) of ``h`` ``(T, H)``; the selected ``unit`` outlined. The y axis
    has a set range (rows top to bottom), the same for every unit."""
    T, H = h.shape
    chars = np.broadcast_to(_chars(text), (H, T))
    fig = go.Figure(go.Heatmap(
        z=_finite(h).T, x=np.arange(1, T + 1), y=np.arange(H), customdata=chars,
        colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=14, title=dict(text="h")),
        hovertemplate=t("hidden.hover_heat", lang) + "<extra></extra>",
    ))
    fig.add_shape(**unit_shape(T, unit))
    _style(fig, title=t("hidden.fig_heat", lang, H=H, T=T), height=max(360, min(640, 6 * H + 160)))
    _char_axis(fig, text, lang)
    # rows top to bottom, with room for half the outline's width beyond the first and the last row (as plotly's
    # autorange pads an axis for a shape's line); set, not autoranged, so the browser moves the outline to another
    # unit without plotly (live.js moveShapes) and the axis stays where it is whichever row is outlined
    rows_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    pad = OUTLINE_WIDTH / 2 * H / rows_px
    fig.update_yaxes(title_text=t("hidden.axis_unit", lang), range=[H - 0.5 + pad, -0.5 - pad], autorange=False)
    return fig


def colored_parts(text: str, values: np.ndarray, *, lo: float, hi: float,
                  scale: str = DIVERGING, fmt: str = ".3g") -> tuple[list[str], list[str]]:
    """What :func:`colored_html` varies with ``values`` ``(T,)``: each character's background, the colour of
    its value as shown on ``[lo, hi]`` (``rgb(r, g, b)``; grey if not finite), and the value as shown in the
    hover title (format ``fmt``: 3 significant digits by default). Each distinct value shown is sampled once."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(text),):
        raise ValueError(f"need one value per character: {len(text)} characters, values of shape {values.shape}")
    finite = np.isfinite(values).tolist()
    shown = [format(v, fmt) if f else ("nan" if np.isnan(v) else str(v)) for v, f in zip(values.tolist(), finite)]
    span = hi - lo if hi > lo else 1.0
    as_shown = np.array([float(s) if f else lo for s, f in zip(shown, finite)], dtype=np.float64)
    uniq, which = np.unique(np.clip((as_shown - lo) / span, 0.0, 1.0), return_inverse=True)  # (U,), (T,)
    colours = _sampled(scale, uniq.tolist())
    bgs = [colours[i] if f else "rgb(200, 200, 200)" for i, f in zip(which.tolist(), finite)]
    return bgs, shown


_SAMPLED: dict[tuple[str, float], str] = {}
"""(scale, position) -> plotly's ``rgb(r, g, b)`` there: a value shown (3 decimals, say) recurs across units,
texts and reruns, and plotly's sampling costs ~50 us per point."""


def _sampled(scale: str, pos: list[float]) -> list[str]:
    """``sample_colorscale(scale, pos, colortype="rgb")``, each position sampled once per process."""
    out = [_SAMPLED.get((scale, p)) for p in pos]
    missing = [i for i, c in enumerate(out) if c is None]
    if missing:
        sampled = sample_colorscale(scale, [pos[i] for i in missing], colortype="rgb")
        if len(_SAMPLED) > 200_000:
            _SAMPLED.clear()
        for i, c in zip(missing, sampled):
            out[i] = _SAMPLED[scale, pos[i]] = c
    return out


def title_prefix(k: int, c: str) -> str:
    """The start of character ``k``'s (0-based) hover title, ``t=<k+1> '<c>' `` (label and value follow)."""
    return f"t={k + 1} {show_char(c)!r} "


def unit_shape(T: int, unit: int) -> dict:
    """The outline of row ``unit`` in :func:`states_heatmap` (a layout shape)."""
    return dict(type="rect", x0=0.5, x1=T + 0.5, y0=unit - 0.5, y1=unit + 0.5, line=dict(color=ACCENT, width=OUTLINE_WIDTH))


OUTLINE_WIDTH = 3
"""Line width (px) of the unit's outline in :func:`states_heatmap`."""


def colored_html(text: str, values: np.ndarray, *, lo: float, hi: float, scale: str = DIVERGING,
                 label: str = "", mark: int | None = None, after: int | None = None,
                 highlight: tuple[int, int] | None = None, fmt: str = ".3g") -> str:
    """``text`` as HTML, each character on a background coloured by ``values[t]`` on ``[lo, hi]``.

    Every character and hover title is escaped (``html.escape``, ``quote=True``). Non-finite values
    get a grey background; ``mark`` (0-based) gets an outline; characters after ``after`` are faded
    (they cannot influence step ``after``); ``highlight`` ``(a, b)`` underlines ``a..b``.
    """
    bgs, shown_values = colored_parts(text, values, lo=lo, hi=hi, scale=scale, fmt=fmt)
    parts = []
    for k, c in enumerate(text):
        bg = bgs[k]
        style = f"background:{bg};color:{_text_colour(bg)};padding:1px 0;border-radius:2px"
        if after is not None and k > after:
            style = "color:#9a9a9a"
        if mark is not None and k == mark:
            style += ";outline:3px solid #ff7f0e;outline-offset:0px"
        if highlight is not None and highlight[0] <= k <= highlight[1]:
            style += ";text-decoration:underline;text-decoration-thickness:3px"
        title = html.escape(f"{title_prefix(k, c)}{label}: {shown_values[k]}", quote=True)
        shown = "↵" if c == "\n" else c
        parts.append(f'<span title="{title}" style="{style}">{html.escape(shown, quote=True)}</span>')
        if c == "\n":
            parts.append("<br>")
    return f'<div style="{MONO}">' + "".join(parts) + "</div>"


UNIT_DECIMALS = 3
UNIT_FMT = f".{UNIT_DECIMALS}f"
"""A unit's value in the hover titles of its coloured text: as the heatmap's hover and the caption show it."""


def scale_stops(scale: str = DIVERGING) -> list[list]:
    """The colour scale as :func:`plotly.colors.sample_colorscale` reads it: ``[[position, [r, g, b]], ...]``, the
    colours as fractions of 255 (``r = R / 255.0``). The browser (live.js ``scaledParts``) samples it as plotly does,
    so that :func:`colored_parts` need not ship one colour per character."""
    stops = get_colorscale(scale)
    colours = validate_colors(colorscale_to_colors(stops), colortype="tuple")  # rgb strings -> (R / 255.0, ...)
    return [[float(p), [float(x) for x in c]] for (p, _), c in zip(stops, colours)]


def shown_codes(values: np.ndarray, decimals: int = UNIT_DECIMALS) -> list:
    """Each value as :func:`colored_parts` shows it (``format(v, f".{decimals}f")``), in a compact form for JSON: the
    shown digits as a whole number (``-0.523`` -> ``-523`` for 3 decimals), or the shown string itself where a whole
    number cannot say it (``nan``, ``inf``, ``-0.000``, more than 15 digits). live.js ``scaledParts`` reads it back."""
    out = []
    for v in np.asarray(values, dtype=np.float64).tolist():
        if not math.isfinite(v):
            out.append("nan" if math.isnan(v) else str(v))
            continue
        shown = format(v, f".{decimals}f")
        digits = shown.replace(".", "")
        code = int(digits)
        out.append(code if abs(code) < 10 ** 15 and not (code == 0 and shown.startswith("-")) else shown)
    return out


UNIT_LO, UNIT_HI = -1.0, 1.0
"""The values a unit's coloured text spans, lowest to highest colour (tanh: every ``h`` lies in between)."""


def unit_html(text: str, values: np.ndarray, unit: int) -> str:
    """The text coloured by one unit's activation on ``[-1, 1]`` (blue negative, red positive)."""
    return colored_html(text, values, lo=UNIT_LO, hi=UNIT_HI, label=f"h[{unit}]", fmt=UNIT_FMT)


# ------------------------------------------------------------------ hypotheses
def ranking_figure(text: str, values: np.ndarray, h: np.ndarray, r: np.ndarray, top: np.ndarray, pattern_label: str,
                   lang: str = "en") -> go.Figure:
    """The pattern (top row, its own scale) and the activation strips of the ``top`` ranked units."""
    from plotly.subplots import make_subplots

    T = len(text)
    n = len(top)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.04, row_heights=[0.18, 0.82])
    chars = _chars(text)
    fig.add_trace(go.Heatmap(z=[values], x=np.arange(1, T + 1), y=[pattern_label], customdata=[chars],
                             colorscale=SEQUENTIAL, showscale=False,
                             hovertemplate="t=%{x} '%{customdata}'<br>%{z:.3g}<extra></extra>"), row=1, col=1)
    labels = [t("hidden.rank_label", lang, unit=int(j), r=f"{r[j]:+.2f}" if np.isfinite(r[j]) else "–") for j in top]
    fig.add_trace(go.Heatmap(
        z=_finite(h[:, top]).T, x=np.arange(1, T + 1), y=labels, customdata=np.broadcast_to(chars, (n, T)),
        colorscale=DIVERGING, zmid=0.0, zmin=-1.0, zmax=1.0, colorbar=dict(thickness=14, title=dict(text="h"), y=0.4, len=0.8),
        hovertemplate="%{y}<br>t=%{x} '%{customdata}'<br>h = %{z:.3f}<extra></extra>"), row=2, col=1)
    _style(fig, height=170 + 38 * n)
    for row in (1, 2):
        _char_axis(fig, text, lang, row=row, col=1, title=row == 2)
        fig.update_xaxes(showticklabels=row == 2, row=row, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    fig.update_layout(margin=dict(t=20, b=60, r=70))
    return fig


# ------------------------------------------------------------------ match
def match_html(snippet: str, offset: int, run: tuple[int, int], values: np.ndarray) -> str:
    """A passage with the matched run ``run`` (offsets in the same text as ``offset``) highlighted.

    ``values``: ``(len(snippet),)`` the smallest activation among the chosen units (shown on hover).
    Every character is escaped."""
    a, b = run[0] - offset, run[1] - offset
    parts = []
    for k, c in enumerate(snippet):
        bg = "rgb(253, 174, 107)" if a <= k <= b else "rgb(255, 255, 255)"
        title = html.escape(f"min h = {values[k]:.3f}", quote=True)
        parts.append(f'<span title="{title}" style="background:{bg};color:#000">'
                     f'{html.escape("↵" if c == chr(10) else c, quote=True)}</span>')
    return f'<div style="{MONO};font-size:18px;line-height:1.6">' + "".join(parts) + "</div>"


# ------------------------------------------------------------------ connectivity
def connectivity_figure(C: np.ndarray, text: str, t_sel: int, lang: str = "en") -> go.Figure:
    r"""``log10`` of :math:`C_{t,k}` as a (t, k) heatmap, blank above the diagonal; row ``t_sel`` (1-based) marked."""
    T = C.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = np.where(np.tril(np.ones((T, T), bool)) & (C > 0), np.log10(C), np.nan)
    chars = _chars(text[:T])
    fig = go.Figure(go.Heatmap(
        z=Z, x=np.arange(1, T + 1), y=np.arange(1, T + 1), colorscale=SEQUENTIAL,
        customdata=np.stack([np.broadcast_to(chars, (T, T)), np.broadcast_to(chars[:, None], (T, T))], axis=-1),
        colorbar=dict(thickness=14, title=dict(text="log₁₀ C")),
        hovertemplate=t("hidden.hover_conn", lang) + "<extra></extra>",
    ))
    fig.add_shape(type="rect", x0=0.5, x1=t_sel + 0.5, y0=t_sel - 0.5, y1=t_sel + 0.5, line=dict(color=ACCENT, width=3))
    _style(fig, title=t("hidden.fig_conn", lang, T=T), height=560)
    _char_axis(fig, text[:T], lang)
    fig.update_xaxes(title_text=t("hidden.axis_k", lang))
    fig.update_yaxes(title_text=t("hidden.axis_t", lang), autorange="reversed", scaleanchor="x")
    return fig


def influence_html(text: str, row: np.ndarray, t_sel: int) -> str:
    r"""The text up to step ``t_sel`` (1-based) coloured by :math:`C_{t,k}/\max_k C_{t,k}` (hover: the raw value)."""
    T = len(row)
    text = text[:T]
    m = np.nanmax(row[:t_sel]) if t_sel > 0 and np.any(np.isfinite(row[:t_sel])) else 1.0
    rel = row / m if m > 0 else row
    vals = np.where(np.arange(T) < t_sel, rel, np.nan)
    out = colored_html(text, vals, lo=0.0, hi=1.0, scale="Blues", label="C / max", mark=t_sel - 1, after=t_sel - 1)
    return out


def lag_figure(lags: dict[str, np.ndarray], lang: str = "en") -> go.Figure:
    """Mean influence against lag ``t - k`` for each cell (log scale): how far back each model looks."""
    fig = go.Figure()
    for cell, lag in lags.items():
        v = np.where(np.isfinite(lag) & (lag > 0), lag, np.nan)
        fig.add_trace(go.Scatter(x=np.arange(len(v)), y=v, name=cell, mode="lines",
                                 line=dict(color=CELL_COLORS.get(cell, ACCENT), width=3),
                                 hovertemplate=cell + "<br>t−k = %{x}<br>%{y:.3g}<extra></extra>"))
    _style(fig, title=t("hidden.fig_lag", lang), height=420)
    fig.update_yaxes(type="log", title_text=t("hidden.axis_lag_y", lang), exponentformat="power")
    fig.update_xaxes(title_text=t("hidden.axis_lag_x", lang))
    return fig


# ------------------------------------------------------------------ trajectories
def trajectory_figure(pcas: dict, text: str, t_sel: int, dims: int, color: np.ndarray | None, color_label: str,
                      lang: str = "en") -> go.Figure:
    """The path of :math:`h_t` on its first 2 or 3 principal axes, one panel per model; a marker at ``t_sel``.

    ``pcas``: label -> :class:`rnnviz.hidden.PCA`. ``color``: ``(T,)`` values that colour the points
    (``None``: the time step).
    """
    from plotly.subplots import make_subplots

    labels = list(pcas)
    n = len(labels)
    spec = [{"type": "scene"} if dims == 3 else {}] * n
    titles = [t("hidden.traj_title", lang, model=html.escape(k), r2=percent(p.explained_ratio[:dims].sum(), 0))
              for k, p in pcas.items()]
    fig = make_subplots(rows=1, cols=n, specs=[spec], subplot_titles=titles, horizontal_spacing=0.06)
    chars = _chars(text)
    T = len(text)
    c = np.arange(1, T + 1) if color is None else np.asarray(color, dtype=np.float64)
    for col, (label, p) in enumerate(pcas.items(), start=1):
        P = p.projected
        d = P.shape[1]
        xyz = [P[:, j] if j < d else np.zeros(T) for j in range(dims)]
        common = dict(customdata=np.stack([np.arange(1, T + 1), chars], axis=-1), showlegend=False,
                      hovertemplate="t=%{customdata[0]} '%{customdata[1]}'<extra>" + html.escape(label) + "</extra>")
        marker = dict(color=c, colorscale=SEQUENTIAL, size=4 if dims == 3 else 6, showscale=col == n,
                      colorbar=dict(thickness=14, title=dict(text=color_label)))
        sel = t_sel - 1
        if dims == 2:
            fig.add_trace(go.Scatter(x=xyz[0], y=xyz[1], mode="lines+markers", line=dict(color="#c8c8c8", width=1),
                                     marker=marker, **common), row=1, col=col)
            fig.add_trace(go.Scatter(x=[xyz[0][sel]], y=[xyz[1][sel]], mode="markers", showlegend=False,
                                     marker=dict(size=18, color="rgba(0,0,0,0)", line=dict(color=ACCENT, width=4)),
                                     hoverinfo="skip"), row=1, col=col)
            fig.update_xaxes(title_text=f"PC1 ({100 * p.explained_ratio[0]:.0f}%)", row=1, col=col)
            fig.update_yaxes(title_text=f"PC2 ({100 * p.explained_ratio[1]:.0f}%)" if d > 1 else "PC2", row=1, col=col)
        else:
            fig.add_trace(go.Scatter3d(x=xyz[0], y=xyz[1], z=xyz[2], mode="lines+markers",
                                       line=dict(color="#c8c8c8", width=2), marker=marker, **common), row=1, col=col)
            fig.add_trace(go.Scatter3d(x=[xyz[0][sel]], y=[xyz[1][sel]], z=[xyz[2][sel]], mode="markers",
                                       showlegend=False, hoverinfo="skip",
                                       marker=dict(size=9, color=ACCENT, symbol="diamond")), row=1, col=col)
    _style(fig, height=480)
    if dims == 3:
        fig.update_scenes(xaxis_title_text="PC1", yaxis_title_text="PC2", zaxis_title_text="PC3")
    fig.update_annotations(font=dict(size=17, color="#222"))
    fig.update_layout(margin=dict(t=60, b=50, l=60, r=40))
    return fig


# ------------------------------------------------------------------ connectivity, t chosen in the browser
_FADED = "#eeeeee"
_INFLUENCE_SCALE = [[0.0, _FADED], [0.499, _FADED], [0.5, "rgb(247,251,255)"], [0.75, "rgb(107,174,214)"],
                    [1.0, "rgb(8,48,107)"]]
"""Colour of a character: -1 (after t, it cannot influence y_t) is faded grey; 0..1 (C_t,k / max_k C_t,k) white to blue."""


def influence_figure(text: str, C: np.ndarray, t_sel: int, lang: str = "en") -> go.Figure:
    r"""The first ``T`` characters laid out in their lines, coloured by :math:`C_{t,k}/\max_{k} C_{t,k}` for ``k <= t``.

    Every row of ``C`` is in the figure: its slider picks ``t`` in the browser with no server round
    trip (each step restyles the colours and moves the outline; a step is ``T`` numbers rounded to 3
    decimals). ``t_sel`` (1-based) is the step shown first. A row with no finite value is all grey.
    The figure is built with plotly's ``_validate=False`` (its own traces and ``T`` slider steps of
    known shape): validating ``T x T`` step values took seconds, building it this way a fraction of that.
    """
    T = C.shape[0]
    text = text[:T]
    rows, cols = np.zeros(T, int), np.zeros(T, int)
    r = c = 0
    for k, ch in enumerate(text):
        rows[k], cols[k] = r, c
        r, c = (r + 1, 0) if ch == "\n" else (r, c + 1)
    n_rows = int(rows.max()) + 1

    def colours(t: int) -> list:
        row = np.asarray(C[t - 1], dtype=np.float64)
        head = row[:t]
        m = np.nanmax(head) if np.any(np.isfinite(head)) else np.nan
        rel = np.where(np.isfinite(head) & (m > 0), head / m if m > 0 else 0.0, 0.0)
        out = np.full(T, -1.0)
        out[:t] = rel if np.isfinite(m) else -1.0
        return np.round(out, 3).tolist()

    def outline(t: int) -> dict:
        k = t - 1
        return {"shapes[0].x0": cols[k] - 0.5, "shapes[0].x1": cols[k] + 0.5,
                "shapes[0].y0": rows[k] - 0.5, "shapes[0].y1": rows[k] + 0.5}

    shown = [safe_char(ch) if ch != " " else " " for ch in text]
    fig = go.Figure(_validate=False)
    fig.add_traces([
        go.Scatter(x=cols, y=rows, mode="markers", customdata=np.stack([np.arange(1, T + 1), shown], axis=-1),
                   marker=dict(symbol="square", size=22, color=colours(t_sel), colorscale=_INFLUENCE_SCALE, cmin=-1,
                               cmax=1, line=dict(width=0)),
                   hovertemplate=t("hidden.hover_influence", lang) + "<extra></extra>", showlegend=False),
        go.Scatter(x=cols, y=rows, mode="text", text=shown, hoverinfo="skip", showlegend=False,
                   textfont=dict(family="DejaVu Sans Mono, monospace", size=17, color="#111111")),
    ])
    k = t_sel - 1
    fig.add_shape(type="rect", x0=cols[k] - 0.5, x1=cols[k] + 0.5, y0=rows[k] - 0.5, y1=rows[k] + 0.5,
                  line=dict(color=ACCENT, width=3))
    steps = [dict(method="update", label=str(s), args=[{"marker.color": [colours(s)]}, outline(s), [0]])
             for s in range(1, T + 1)]
    _style(fig, height=int(26 * n_rows + 190))
    fig.update_xaxes(visible=False, range=[-0.7, int(cols.max()) + 0.7])
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(
        margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
        sliders=[dict(active=k, steps=steps, pad=dict(t=30, b=10), len=1.0, x=0, ticklen=0,
                      font=dict(size=1, color="rgba(0,0,0,0)"),
                      currentvalue=dict(prefix=t("hidden.slider_prefix", lang), font=dict(size=18, color="#111111")))],
    )
    return fig
