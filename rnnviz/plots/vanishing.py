"""Figures of the vanishing & exploding gradients lab (pure: results in, plotly figures out)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from rnnviz.i18n import t
from rnnviz.plots.style import ACCENT, CELL_COLORS, SEQUENTIAL, WARN, apply_style


def _log_range(arrays) -> tuple[float, float] | None:
    vals = np.concatenate([np.ravel(a) for a in arrays if a is not None]) if arrays else np.array([])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return None
    lo, hi = np.log10(vals.min()), np.log10(vals.max())
    pad = max(0.3, 0.05 * (hi - lo))
    return lo - pad, hi + pad


RANGE_STEP = 5
"""Decades: the y range of the gradient chart is rounded out to multiples of this, so neighbouring radii of a
drag mostly share one range and the browser only moves the lines (no axis redraw, rnnviz/assets/live/)."""


def _stepped(lo: float, hi: float) -> list[float]:
    """``[lo, hi]`` (log10) rounded outwards to multiples of :data:`RANGE_STEP` decades."""
    return [float(math.floor(lo / RANGE_STEP) * RANGE_STEP), float(math.ceil(hi / RANGE_STEP) * RANGE_STEP)]


BOUND_DECADES = 4.0
"""Decades: a dashed bound raises a chart's y range at most this far above the curves it bounds. The bound
shows its slope, but above a radius of about 1 it grows as :math:`\\gamma^{T-t}` (10^40 and more at T = 100), and a
range holding all of it would flatten the curves into lines; where it leaves the top, :func:`bound_marker` marks
the crossing (:func:`bound_off_chart`)."""


def top_with_bound(hi: float, bound_range: tuple[float, float] | None) -> float:
    """The log10 top of a y range whose curves reach ``hi``, with a bound spanning ``bound_range`` (log10, or
    ``None``): the bound's top, but at most :data:`BOUND_DECADES` above ``hi`` (never below ``hi``)."""
    return hi if bound_range is None else max(hi, min(bound_range[1], hi + BOUND_DECADES))


def bound_marker(x: float | None, top: float, color: str, name: str, hover: str | None = None) -> dict:
    """The triangle at the top of the chart (``10**top``) where a dashed bound leaves it, at ``x`` on the x axis;
    an empty trace when ``x`` is ``None`` (the bound stays inside), so every frame has the same traces. ``hover``
    is its hover text (``name`` if not given)."""
    return dict(type="scatter", x=[] if x is None else [x], y=[] if x is None else [10 ** top], mode="markers",
                showlegend=False, cliponaxis=False, name=name,
                marker=dict(symbol="triangle-up", size=14, color=color),
                hovertemplate=f"{hover or name}<extra></extra>")


def _finite_list(a) -> list:
    """``a`` as a JSON-safe list: non-finite and non-positive values (not drawable on a log axis)
    become ``None``, which plotly draws as a gap, like NaN."""
    return [float(v) if math.isfinite(v) and v > 0 else None for v in np.asarray(a, dtype=np.float64).tolist()]


def grad_norm_parts(res, lang: str = "en") -> tuple[list[dict], list[float]]:
    r"""The traces of :func:`grad_norm_figure` as plain dicts and the log10 y range.

    The trace list has the same structure for every radius (per cell: the curve, the bound for a
    vanilla RNN with the last-step loss, overflow crosses, underflow triangles), and the legend is the
    same for every radius (the bound's γ and the crosses and triangles are told by
    :func:`grad_norm_readout`, never in the legend), so a frame for another radius (:func:`grad_norm_frame`)
    only moves data in the browser. The y range is rounded out to :data:`RANGE_STEP` decades.
    """
    T = res.T
    ts = list(range(1, T + 1))
    traces, series = [], []
    for cell, cr in res.cells.items():
        g = cr.trace.grad_norm
        series.append(g)
        traces.append(dict(
            type="scatter", x=ts, y=_finite_list(g), mode="lines+markers" if T <= 60 else "lines", name=cell,
            line=dict(color=CELL_COLORS[cell], width=3), marker=dict(size=6),
            hovertemplate=f"{cell}<br>t=%{{x}}<br>‖∂L/∂h_t‖=%{{y:.3e}}<extra></extra>",
        ))
        if cr.envelope is not None:  # the bound may run far off the curve: it does not set the y range
            traces.append(dict(
                type="scatter", x=ts, y=_finite_list(cr.envelope), mode="lines",
                name=t("vanishing.fig_envelope", lang),
                line=dict(color=CELL_COLORS[cell], width=2, dash="dash"),
                hovertemplate="t=%{x}<br>bound=%{y:.3e}<extra></extra>",
            ))
    rng = _log_range(series)
    lo, hi = rng if rng else (-1.0, 1.0)
    hi = top_with_bound(hi, _log_range([cr.envelope for cr in res.cells.values() if cr.envelope is not None]))
    lo, hi = _stepped(lo, hi)
    for cell, cr in res.cells.items():
        if cr.envelope is not None:  # where the bound leaves the chart at the top: a triangle there (none if it does not)
            off = bound_off_chart(cr.envelope, hi)
            name = t("vanishing.fig_bound_off", lang, cell=cell)
            traces.append(bound_marker(off[0] if off else None, hi, CELL_COLORS[cell], name, f"{cell}: {name}"))
    for cell, cr in res.cells.items():
        ro = cr.readout
        over, zero = list(ro.nonfinite_steps), list(ro.zero_steps)
        traces.append(dict(
            type="scatter", x=over, y=[10 ** hi] * len(over), mode="markers", showlegend=False,
            name=t("vanishing.fig_overflow", lang, cell=cell),
            marker=dict(symbol="x", size=11, color=WARN, line=dict(width=2)),
            hovertemplate=f"{cell}: t=%{{x}}: inf/nan<extra></extra>",
        ))
        traces.append(dict(
            type="scatter", x=zero, y=[10 ** lo] * len(zero), mode="markers", showlegend=False,
            name=t("vanishing.fig_underflow", lang, cell=cell),
            marker=dict(symbol="triangle-down", size=11, color=ACCENT),
            hovertemplate=f"{cell}: t=%{{x}}: 0 (underflow)<extra></extra>",
        ))
    return traces, [lo, hi]


def bound_off_chart(envelope, hi: float) -> tuple[float, int] | None:
    r"""Where the dashed bound :math:`\|\partial L/\partial h_T\|\,\gamma^{T-t}` leaves a chart whose top is
    :math:`10^{hi}`: ``(x, n)`` with ``x`` the point on the axis where its line (straight between steps on the log
    axis) crosses the top and ``n`` the last step above it (every step ``t <= n`` is above: the bound does not
    increase with ``t`` when it is above the curves), or ``None`` if no step is above (an overflowed value, inf or
    nan, counts as above)."""
    e = np.asarray(envelope, dtype=np.float64)
    with np.errstate(all="ignore"):
        above = ~(np.log10(e) <= hi)  # nan (overflow) above too
    if not above.any():
        return None
    n = int(np.nonzero(above)[0].max()) + 1  # the last step above (1-based)
    x = float(n)
    if n < len(e) and np.isfinite(e[n - 1]) and e[n - 1] > 0:  # interpolate to the top on the log axis
        a, b = np.log10(e[n - 1]), np.log10(e[n])
        x = n + (a - hi) / (a - b)
    return x, n


def grad_norm_figure(res, lang: str = "en") -> go.Figure:
    r""":math:`\|\partial L/\partial h_t\|` against ``t`` on a log axis, one line per cell type, the
    envelope dashed; overflowed steps as red crosses along the top, underflowed ones along the bottom."""
    traces, yrange = grad_norm_parts(res, lang)
    fig = go.Figure(data=traces)
    fig.update_yaxes(type="log", range=yrange, exponentformat="power", title_text=t("vanishing.fig_grad_y", lang))
    fig.update_xaxes(title_text=t("vanishing.fig_t", lang), range=[0.5, res.T + 0.5])
    apply_style(fig, title=t("vanishing.fig_grad_title", lang), height=440)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0.0, font=dict(size=17)),
                      margin=dict(b=20))
    return fig


def grad_norm_chart(res, lang: str = "en") -> go.Figure:
    """The lab's gradient chart: :func:`grad_norm_figure` named (``layout.meta``) after the radius sweep of
    ``res.config``, so the live component animates it with that sweep's frames."""
    from rnnviz.labs.vanishing_config import sweep_key, sweep_meta

    return grad_norm_figure(res, lang).update_layout(meta=sweep_meta(sweep_key(res.config), lang))


def grad_norm_frame(res, lang: str = "en") -> dict:
    """What changes in :func:`grad_norm_figure` from one radius to another, as a JSON-safe dict
    ``{"data": [...], "layout": {"yaxis": {"range": ...}}}`` for :func:`rnnviz.streamlit_helpers.live`:
    data only (each curve's and bound's ``y``, the markers' ``x`` and ``y``) and the y range."""
    traces, yrange = grad_norm_parts(res, lang)
    data = [{"x": tr["x"], "y": tr["y"]} if tr["mode"] == "markers" else {"y": tr["y"]} for tr in traces]
    return {"data": data, "layout": {"yaxis": {"range": yrange}}}


def grad_norm_readout(res, lang: str = "en") -> str:
    r"""The line beside the radius control that says what the chart's legend does not (plain text): for a
    vanilla RNN with the last-step loss, :math:`\gamma = \|W_{hh}\|_2 \max|\phi'|` of the dashed bound
    :math:`\|\partial L/\partial h_T\|\,\gamma^{T-t}`; per cell, how many steps overflowed (inf/nan: the
    crosses along the top) or underflowed to exactly 0 (the triangles along the bottom); where the bound runs above
    the chart (steps ``t <= n``, the ▲ at the top, :func:`bound_off_chart`). ``""`` if none."""
    parts = []
    hi = grad_norm_parts(res, lang)[1][1] if any(cr.envelope is not None for cr in res.cells.values()) else None
    for cell, cr in res.cells.items():
        if cr.envelope is not None:
            parts.append(t("vanishing.live_gamma", lang, cell=cell, gamma=f"{cr.gamma:.3g}"))
            off = bound_off_chart(cr.envelope, hi)
            if off:
                parts[-1] += t("vanishing.live_bound_off", lang, n=off[1])
    for cell, cr in res.cells.items():
        if cr.readout.nonfinite_steps:
            parts.append(t("vanishing.live_over", lang, cell=cell, n=len(cr.readout.nonfinite_steps)))
        if cr.readout.zero_steps:
            parts.append(t("vanishing.live_zero", lang, cell=cell, n=len(cr.readout.zero_steps)))
    return t("vanishing.live_sep", lang).join(parts)


def grad_heatmap_figure(cr, lang: str = "en") -> go.Figure:
    r"""Heatmap of :math:`\log_{10} |\partial L/\partial h_{t,j}|` (unit ``j`` down, time ``t`` across)."""
    g = cr.trace.grad_h
    T, H = g.shape
    with np.errstate(all="ignore"):
        z = np.log10(np.abs(g)).T  # (H, T)
    z = np.where(np.isfinite(z), z, np.nan)
    finite = z[np.isfinite(z)]
    zmin, zmax = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    if zmax - zmin < 1e-9:
        zmin, zmax = zmin - 0.5, zmax + 0.5
    fig = go.Figure(go.Heatmap(
        z=z, x=np.arange(1, T + 1), y=np.arange(1, H + 1), colorscale=SEQUENTIAL, zmin=zmin, zmax=zmax,
        colorbar=dict(title=dict(text="log₁₀|∂L/∂h|", side="right"), thickness=18),
        hovertemplate="t=%{x}, unit %{y}<br>log₁₀|∂L/∂h|=%{z:.2f}<extra></extra>",
    ))
    fig.update_xaxes(title_text=t("vanishing.fig_t", lang))
    fig.update_yaxes(title_text=t("vanishing.fig_unit", lang), autorange="reversed")
    return apply_style(fig, title=t("vanishing.fig_heat_title", lang, cell=cr.cell), height=380)


def jacobian_figure(jacs: dict, res, lang: str = "en") -> go.Figure:
    r""":math:`\|\partial h_T/\partial h_k\|_2` (markers and line) and Frobenius norm (dotted) against ``k``,
    with the bound :math:`\gamma^{T-k}` for the vanilla RNN.

    The y range holds the norms; the bound sets it at most :data:`BOUND_DECADES` higher (as on the gradient chart,
    :func:`grad_norm_parts`): above a radius of about 1 it grows as :math:`\gamma^{T-k}` and would flatten the
    norms into a line. Where it leaves the chart at the top, a triangle marks the crossing
    (:func:`bound_off_chart`)."""
    fig = go.Figure()
    series, bound = [], None
    for cell, jn in jacs.items():
        color = CELL_COLORS[cell]
        spec = np.where(np.isfinite(jn["spec"]) & (jn["spec"] > 0), jn["spec"], np.nan)
        fro = np.where(np.isfinite(jn["fro"]) & (jn["fro"] > 0), jn["fro"], np.nan)
        series += [spec, fro]
        fig.add_trace(go.Scatter(x=jn["spec_k"], y=spec, mode="lines+markers", name=f"{cell} ‖·‖₂",
                                 line=dict(color=color, width=3), marker=dict(size=6),
                                 hovertemplate=f"{cell} k=%{{x}}<br>‖∂h_T/∂h_k‖₂=%{{y:.3e}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=jn["k"], y=fro, mode="lines", name=f"{cell} ‖·‖_F (Frobenius)",
                                 line=dict(color=color, width=2, dash="dot"),
                                 hovertemplate=f"{cell} k=%{{x}}<br>‖∂h_T/∂h_k‖_F=%{{y:.3e}}<extra></extra>"))
        cr = res.cells[cell]
        if cr.cell == "RNN":
            with np.errstate(all="ignore"):
                b = cr.trace.bound()
            bound = (np.asarray(jn["k"], dtype=np.float64), b)
            fig.add_trace(go.Scatter(x=jn["k"], y=np.where(np.isfinite(b) & (b > 0), b, np.nan), mode="lines",
                                     name=t("vanishing.fig_bound", lang),
                                     line=dict(color="#555555", width=2, dash="dash"),
                                     hovertemplate="k=%{x}<br>γ^(T-k)=%{y:.3e}<extra></extra>"))
    rng = _log_range(series)
    if bound is not None:
        b_rng = _log_range([bound[1]])
        rng = b_rng if rng is None else (rng[0], top_with_bound(rng[1], b_rng))
        off = bound_off_chart(bound[1], rng[1]) if rng is not None else None
        if off is not None:  # step n (1-based position) -> k; the crossing interpolated between positions
            k = bound[0]
            x = float(np.interp(off[0] - 1, np.arange(len(k)), k))
            fig.add_trace(bound_marker(x, rng[1], "#555555", t("vanishing.fig_bound_off", lang, cell="RNN")))
    fig.update_yaxes(type="log", exponentformat="power", title_text=t("vanishing.fig_jac_y", lang),
                     **({"range": list(rng)} if rng else {}))
    fig.update_xaxes(title_text="k")
    apply_style(fig, title=t("vanishing.fig_jac_title", lang), height=440)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0.0, font=dict(size=17)),
                      margin=dict(b=20))
    return fig
