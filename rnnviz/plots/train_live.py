"""Figures of the train-live lab (pure: a :class:`rnnviz.labs.train_live.LiveView` in, plotly figures out)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.i18n import t
from rnnviz.plots.style import ACCENT, CELL_COLORS, GATE, SEQUENTIAL, WARN, apply_style

LINE = "#1f5fbf"


# The legend sits below the plot area, under the x title, as on the gates page. Above the plot, right-aligned
# (as before), it shared the title's row: in a half-width column it wrapped onto the title ("损失（第 400 步）"
# with its three entries, and any "Loss (step 12000)"). Plotly makes room for a legend outside the plot area.
BELOW = dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0.0)


def _empty(fig: go.Figure, lang: str) -> go.Figure:
    """A chart with nothing to show yet: the waiting message and bare axes (no made-up range such as -1..4)."""
    fig.add_annotation(text=t("train_live.fig_waiting", lang), showarrow=False, xref="paper", yref="paper",
                       x=0.5, y=0.5, font=dict(size=20, color="#666"))
    bare = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="", range=[0, 1])
    fig.update_xaxes(**bare)
    fig.update_yaxes(**bare)
    return fig


def _decade_ticks(values: np.ndarray) -> dict:
    """Log-axis ticks: one label per power of ten when the data span at least a decade (plotly's
    automatic 2/5 minor labels crowd into each other on a short chart), else plotly's choice."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size and np.log10(v.max()) - np.log10(v.min()) >= 1.0:
        return dict(dtick=1, exponentformat="power")
    return dict(exponentformat="power")


def loss_figure(v, lang: str = "en", cell: str = "LSTM") -> go.Figure:
    """Training loss per step (thin), its moving average (thick), validation/test loss (diamonds)."""
    fig = go.Figure()
    if len(v.steps):
        fig.add_trace(go.Scatter(x=v.steps, y=v.loss, mode="lines", name=t("train_live.fig_train_loss", lang),
                                 line=dict(color="#9bb7e0", width=1.5),
                                 hovertemplate="step %{x}<br>L=%{y:.4f}<extra></extra>"))
        fig.add_trace(go.Scatter(x=v.steps, y=v.loss_ema, mode="lines", name=t("train_live.fig_loss_ema", lang),
                                 line=dict(color=CELL_COLORS.get(cell, LINE), width=3.5),
                                 hovertemplate="step %{x}<br>EMA=%{y:.4f}<extra></extra>"))
    if len(v.eval_steps):
        fig.add_trace(go.Scatter(x=v.eval_steps, y=v.eval_loss, mode="markers+lines",
                                 name=t("train_live.fig_val_loss" if v.task == "lm" else "train_live.fig_test_loss", lang),
                                 marker=dict(symbol="diamond", size=10, color=ACCENT), line=dict(color=ACCENT, width=2, dash="dot"),
                                 hovertemplate="step %{x}<br>L=%{y:.4f}<extra></extra>"))
    if not len(v.steps):
        _empty(fig, lang)
    fig.update_xaxes(title_text=t("train_live.fig_step", lang), rangemode="tozero")
    fig.update_yaxes(title_text=t("train_live.fig_loss_axis", lang))
    apply_style(fig, title=t("train_live.fig_loss_title", lang, step=v.step), height=400)
    fig.update_layout(legend=BELOW)
    return fig


def metric_figure(v, lang: str = "en") -> go.Figure:
    """LM: validation perplexity (log axis); names: test accuracy."""
    fig = go.Figure()
    lm = v.task == "lm"
    if len(v.eval_steps):
        fig.add_trace(go.Scatter(
            x=v.eval_steps, y=v.eval_metric if lm else 100 * v.eval_metric, mode="lines+markers",
            line=dict(color=ACCENT, width=3), marker=dict(size=9),
            hovertemplate="step %{x}<br>" + ("PPL=%{y:.2f}" if lm else "%{y:.1f}%") + "<extra></extra>"))
        last = v.eval_metric[-1]
        title = t("train_live.fig_ppl_title" if lm else "train_live.fig_acc_title", lang,
                  value=f"{last:.2f}" if lm else f"{100 * last:.1f}%")
    else:
        _empty(fig, lang)
        title = t("train_live.fig_ppl_title" if lm else "train_live.fig_acc_title", lang, value="-")
    fig.update_xaxes(title_text=t("train_live.fig_step", lang), rangemode="tozero")
    if lm:
        fig.update_yaxes(title_text=t("train_live.fig_ppl_axis", lang), rangemode="tozero")
    else:
        fig.update_yaxes(title_text=t("train_live.fig_acc_axis", lang), range=[0, 100])
    apply_style(fig, title=title, height=400)
    fig.update_layout(showlegend=False)
    return fig


def grad_norm_figure(v, clip: float | None, lang: str = "en") -> go.Figure:
    """Global gradient norm before clipping (log axis); clipped steps as red crosses; the threshold dashed."""
    fig = go.Figure()
    if len(v.steps):
        shown = np.where(np.isfinite(v.grad_norm) & (v.grad_norm > 0), v.grad_norm, np.nan)
        fig.add_trace(go.Scatter(x=v.steps, y=shown, mode="lines", name=t("train_live.fig_norm", lang),
                                 line=dict(color=LINE, width=2),
                                 hovertemplate="step %{x}<br>‖g‖=%{y:.3e}<extra></extra>"))
    if len(v.clipped_steps):
        fig.add_trace(go.Scatter(x=v.clipped_steps, y=v.clipped_norms, mode="markers",
                                 name=t("train_live.fig_clipped", lang, n=v.n_clipped),
                                 marker=dict(symbol="x", size=9, color=WARN),
                                 hovertemplate="step %{x}<br>clipped, ‖g‖=%{y:.3e}<extra></extra>"))
    if len(v.nonfinite_steps):
        fig.add_trace(go.Scatter(x=v.nonfinite_steps, y=np.ones(len(v.nonfinite_steps)), mode="markers",
                                 yaxis="y", name=t("train_live.fig_nonfinite", lang, n=len(v.nonfinite_steps)),
                                 marker=dict(symbol="triangle-up", size=12, color=WARN)))
    ticks = _decade_ticks(np.concatenate([v.grad_norm, [clip] if clip is not None else []])) if len(v.steps) else {}
    if clip is not None and len(v.steps):
        fig.add_hline(y=clip, line=dict(color=WARN, dash="dash", width=2),
                      annotation_text=t("train_live.fig_threshold", lang, c=clip), annotation_position="top left",
                      annotation_font=dict(size=16, color=WARN))
    if not len(v.steps):
        _empty(fig, lang)
    fig.update_xaxes(title_text=t("train_live.fig_step", lang), rangemode="tozero")
    fig.update_yaxes(title_text=t("train_live.fig_norm_axis", lang), type="log", **ticks)
    apply_style(fig, title=t("train_live.fig_norm_title", lang), height=400)
    fig.update_layout(legend=BELOW)
    return fig


def probe_heatmap(v, lang: str = "en", layer: int = -1) -> go.Figure:
    r""":math:`\log_{10}\|\partial L/\partial h_t\|` on the probe batch: training step (x) by timestep t (y)."""
    fig = go.Figure()
    if v.probe is None:
        _empty(fig, lang)
        T = 0
    else:
        P = v.probe[layer]  # (T, m)
        T = P.shape[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(np.isfinite(P) & (P > 0), np.log10(P), np.nan)
        # x is the training step itself: plotly picks round, evenly spaced, horizontal labels
        fig.add_trace(go.Heatmap(
            x=np.asarray(v.probe_steps), y=np.arange(1, T + 1), z=z, colorscale=SEQUENTIAL,
            colorbar=dict(title=dict(text="log₁₀‖∂L/∂hₜ‖", side="right"), tickfont=dict(size=16)),
            hovertemplate="step %{x}<br>t=%{y}<br>log₁₀‖∂L/∂h_t‖=%{z:.2f}<extra></extra>"))
        fig.update_xaxes(tickangle=0, nticks=8)
    layers = 0 if v.probe is None else v.probe.shape[0]
    which = t("train_live.fig_layer", lang, l=(layer % layers) + 1, L=layers) if layers > 1 else ""
    fig.update_xaxes(title_text=t("train_live.fig_probe_x", lang))
    fig.update_yaxes(title_text=t("train_live.fig_probe_y", lang), autorange=True)
    apply_style(fig, title=t("train_live.fig_probe_title", lang, T=T) + which, height=420)
    return fig


def language_label(name: str, lang: str) -> str:
    """A class (language) name in the UI language; unknown names are shown as they are."""
    try:
        return t(f"train_live.lang_{name}", lang)
    except KeyError:
        return name


def confusion_figure(conf: np.ndarray | None, classes, lang: str = "en") -> go.Figure:
    """Row-normalised confusion matrix: row = true language, column = predicted, value = share of the row."""
    fig = go.Figure()
    if conf is None:
        _empty(fig, lang)
    else:
        rows = conf.sum(axis=1, keepdims=True)
        share = np.divide(conf, rows, out=np.zeros(conf.shape, dtype=float), where=rows > 0)
        fig.add_trace(go.Heatmap(
            z=share, x=[language_label(c, lang) for c in classes], y=[language_label(c, lang) for c in classes],
            colorscale=GATE, zmin=0, zmax=1, customdata=conf,
            colorbar=dict(title=dict(text=t("train_live.fig_share", lang), side="right"), tickformat=".0%", tickfont=dict(size=16)),
            hovertemplate=t("train_live.fig_conf_hover", lang) + "<extra></extra>"))
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(tickangle=-60)
    fig.update_xaxes(title_text=t("train_live.fig_pred", lang))
    fig.update_yaxes(title_text=t("train_live.fig_true", lang))
    return apply_style(fig, title=t("train_live.fig_conf_title", lang), height=760)


def name_probs_figure(probs: np.ndarray, name: str, classes, lang: str = "en", k: int = 6) -> go.Figure:
    """Class probabilities after each character of ``name`` (x), for the ``k`` languages most probable at the end."""
    order = np.argsort(-probs[-1])[:k]
    fig = go.Figure()
    x = np.arange(1, len(name) + 1)
    labels = [f"{i}:{c if c != ' ' else '␣'}" for i, c in zip(x, name)]
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    for j, c in enumerate(order):
        label = language_label(classes[c], lang)
        fig.add_trace(go.Scatter(x=labels, y=100 * probs[:, c], mode="lines+markers", name=label,
                                 line=dict(width=3, color=palette[j % len(palette)]), marker=dict(size=8),
                                 hovertemplate=f"{label}<br>%{{x}}<br>%{{y:.1f}}%<extra></extra>"))
    fig.update_xaxes(title_text=t("train_live.fig_chars_read", lang), type="category")
    fig.update_yaxes(title_text=t("train_live.fig_prob_axis", lang), range=[0, 100])
    apply_style(fig, title=t("train_live.fig_name_title", lang, name=name), height=420)
    return fig
