r"""The numbers behind a chart as CSV and JSON (pure: arrays in, text out; no Streamlit).

An :class:`Export` is a small table: ``columns`` maps a name to an array whose first axis is
the row (time step, decoder step, training step); a 2-D column ``(rows, K)`` becomes ``K`` CSV
columns ``name[0] .. name[K-1]`` (or ``name[label]`` with ``labels``) and one nested list in
JSON. Both formats are written from the same arrays, so they hold exactly the values drawn:

- floats are written with Python's shortest round-trip ``repr`` (``float(text) == value``
  bit for bit); non-finite values as ``inf``, ``-inf``, ``nan`` (strings in JSON, which has no
  literal for them);
- text columns (characters of the input) are written as they are (CSV quoting by :mod:`csv`).

>>> import numpy as np
>>> e = Export("demo", {"t": np.arange(1, 3), "h": np.array([[0.5, -1.0], [np.inf, 0.25]])})
>>> print(to_csv(e), end="")
t,h[0],h[1]
1,0.5,-1.0
2,inf,0.25
>>> from_json(to_json(e))["columns"]["h"]
[[0.5, -1.0], ['inf', 0.25]]

Builders for each lab (:func:`trace_columns`, :func:`vanishing_export`, :func:`gates_export`,
:func:`stepthrough_exports`, :func:`attention_export`, :func:`history_exports`) take the same
objects the plots take, and the tests compare their arrays with the figures' arrays.
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = ["Export", "to_csv", "to_json", "from_json", "trace_columns", "vanishing_export", "gates_export", "byo_gates_export",
           "stepthrough_exports", "attention_export", "hidden_export", "history_exports", "FIGURE_NAMES", "figure_filename"]

# Chart key (``key=`` of ``sh.chart``) -> the file name of its PNG/SVG export (what the figure is).
FIGURE_NAMES: dict[str, str] = {
    "vg_fig_grad": "vanishing-gradient-norm-per-step",
    "vg_fig_jac": "vanishing-jacobian-norms",
    "vg_fig_heat": "vanishing-gradient-heatmap",
    "gt_fig_gates": "gates-heatmaps",
    "gt_fig_unit": "gates-one-unit",
    "gt_fig_path": "gates-gradient-path",
    "gt_fig_bias": "gates-forget-bias",
    "gt_fig_recall": "gates-recall-vs-gap",
    "gt_fig_depth": "gates-depth-prediction",
    "st_fig_diagram": "stepthrough-unrolled-diagram",
    "st_fig_heat": "stepthrough-hidden-states",
    "st_fig_out": "stepthrough-outputs",
    "st_fig_grad": "stepthrough-deltas",
    "st_fig_grad_trunc": "stepthrough-deltas-truncated",
    "st_fig_trunc": "stepthrough-truncation",
    "hd_fig_heat": "hidden-states-heatmap",
    "hd_fig_rank": "hidden-unit-ranking",
    "hd_fig_conn": "hidden-connectivity",
    "hd_fig_influence": "hidden-influence-of-earlier-characters",
    "hd_fig_lag": "hidden-connectivity-by-lag",
    "hd_fig_traj": "hidden-state-trajectories",
    "att_fig_heat": "attention-weights",
    "att_fig_step": "attention-decoder-step",
    "att_fig_vectors": "attention-vectors",
    "att_fig_probs": "attention-output-probabilities",
    "att_fig_bottleneck": "attention-bottleneck-accuracy",
    "att_fig_tf": "attention-scheduled-sampling-loss",
    "att_fig_tf_acc": "attention-scheduled-sampling-accuracy",
    "tl_fig_loss": "train-live-loss",
    "tl_fig_metric": "train-live-eval-metric",
    "tl_fig_norm": "train-live-gradient-norm",
    "tl_fig_probe": "train-live-gradient-per-step",
    "tl_fig_name": "train-live-name-probabilities",
    "tl_fig_conf": "train-live-confusion",
}


def figure_filename(key: str | None) -> str:
    """``rnnviz-<what the figure is>`` for a chart key (a key suffix like ``_LSTM`` is kept).

    >>> figure_filename("vg_fig_heat_LSTM")
    'rnnviz-vanishing-gradient-heatmap-LSTM'
    >>> figure_filename(None)
    'rnnviz-chart'
    """
    if not key:
        return "rnnviz-chart"
    for k in sorted(FIGURE_NAMES, key=len, reverse=True):  # longest prefix first
        if key == k or key.startswith(k + "_"):
            rest = key[len(k) + 1:]
            name = FIGURE_NAMES[k] + (f"-{rest}" if rest else "")
            break
    else:
        name = key.replace("_fig_", "-").replace("_", "-")
    return "rnnviz-" + "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


def chart_config(key: str | None, fmt: str = "png", lang: str = "en") -> dict:
    """The plotly config of every chart: the camera button saves ``fmt`` (PNG at scale 2 for slides,
    or SVG), named after what the chart shows (:func:`rnnviz.export.figure_filename`); made in the
    browser by plotly.js, so it works offline. No "Produced with Plotly" logo in the modebar; plotly's
    own words (the modebar's tooltips, its notices) in ``lang`` (:func:`rnnviz.i18n.plotly_words.locale_config`)."""
    from rnnviz.i18n.plotly_words import locale_config

    return {"toImageButtonOptions": {"format": fmt, "scale": 2 if fmt == "png" else 1,
                                     "filename": figure_filename(key)},
            "displaylogo": False, **locale_config(lang)}


@dataclass
class Export:
    """A table to download. ``columns``: name -> array ``(rows,)`` or ``(rows, K)``, equal rows;
    ``labels``: name -> ``K`` labels of a 2-D column's parts (default ``0..K-1``); ``meta``: plain
    JSON-able facts (model, config) written at the top of the JSON file."""

    name: str
    columns: dict[str, Any]
    labels: dict[str, Sequence[str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        rows = {len(v) for v in self.columns.values()}
        if len(rows) > 1:
            raise ValueError(f"export {self.name!r}: columns have different lengths {sorted(rows)}")

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def _cell(v) -> str:
    """One CSV cell: shortest round-trip float text, ints as ints, text as is."""
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return "" if v is None else str(v)


def _json_value(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else repr(f)  # 'inf', '-inf', 'nan'
    return v


def _as_array(v) -> np.ndarray:
    return v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object if _has_text(v) else None)


def _has_text(v) -> bool:
    return any(isinstance(e, str) for e in (v if isinstance(v, (list, tuple)) else []))


def to_csv(e: Export) -> str:
    """One header row, then one row per table row; 2-D columns spread over ``K`` columns."""
    header, parts = [], []
    for name, col in e.columns.items():
        a = _as_array(col)
        if a.ndim == 1:
            header.append(name)
            parts.append(a[:, None])
        else:
            a = a.reshape(len(a), -1)  # (rows, K)
            labels = list(e.labels.get(name, range(a.shape[1])))
            if len(labels) != a.shape[1]:
                raise ValueError(f"export {e.name!r}: {len(labels)} labels for {a.shape[1]} parts of {name!r}")
            header += [f"{name}[{lab}]" for lab in labels]
            parts.append(a)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in range(e.rows):
        w.writerow([_cell(v) for p in parts for v in p[r]])
    return buf.getvalue()


def _nested(a: np.ndarray):
    if a.ndim == 0:
        return _json_value(a.item() if isinstance(a, np.ndarray) else a)
    return [_nested(x) if isinstance(x, np.ndarray) else _json_value(x) for x in a]


def to_json(e: Export) -> str:
    """``{"name", "meta", "labels", "columns": {name: list or nested list}}`` (strict JSON)."""
    obj = {
        "name": e.name,
        "meta": {k: _plain(v) for k, v in e.meta.items()},
        "labels": {k: [str(x) for x in v] for k, v in e.labels.items()},
        "columns": {k: _nested(_as_array(v)) for k, v in e.columns.items()},
        "note": "floats are exact (shortest round-trip decimal); 'inf', '-inf', 'nan' stand for non-finite values",
    }
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=1)


def _plain(v):
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return _nested(v)
    return _json_value(v)


def from_json(text: str) -> dict:
    """Parse an export's JSON back (for tests and notebooks)."""
    return json.loads(text)


# ----------------------------------------------------------------------------- per lab
def trace_columns(tr, prefix: str = "") -> dict[str, np.ndarray]:
    r"""The :class:`rnnviz.Trace` fields as columns (rows = time steps :math:`t = 1..T`):
    ``h``, ``c`` (LSTM), each gate, ``grad_h`` :math:`= \partial L/\partial h_t` and ``grad_norm``."""
    cols = {f"{prefix}h": tr.h}
    if tr.c is not None:
        cols[f"{prefix}c"] = tr.c
    for g, v in tr.gates.items():
        cols[f"{prefix}{g}"] = v
    cols[f"{prefix}grad_h"] = tr.grad_h
    cols[f"{prefix}grad_norm"] = tr.grad_norm
    return cols


def vanishing_export(res) -> Export:
    """Vanishing lab: every drawn cell's trace, and the dashed bound ``envelope`` when there is one."""
    cols: dict[str, Any] = {"t": np.arange(1, res.T + 1)}
    for cell, cr in res.cells.items():
        cols.update(trace_columns(cr.trace, prefix=f"{cell}."))
        if cr.envelope is not None:
            cols[f"{cell}.envelope"] = cr.envelope
    cfg = res.config
    return Export("rnnviz-vanishing", cols, meta={"page": "vanishing", "config": _plain(cfg.__dict__)})


def gates_export(res) -> Export:
    """Gates lab: the heatmaps' quantities (``h``, ``c``, gates; ``(T, H)``) with the characters read,
    and the trace's ``grad_h`` / ``grad_norm``."""
    cols: dict[str, Any] = {"t": np.arange(1, len(res.text) + 1), "char": list(res.text)}
    cols.update({k: v for k, v in res.quantities.items()})
    cols["grad_h"] = res.trace.grad_h
    cols["grad_norm"] = res.trace.grad_norm
    return Export(f"rnnviz-gates-{res.trace.kind}", cols, meta={"page": "gates", "cell": res.trace.kind, "text": res.text})


def byo_gates_export(res, name: str) -> Export:
    """Gates lab on an uploaded model (:class:`rnnviz.labs.byo.ByoGates`): the heatmaps' quantities,
    the characters read (text input) or the input ``x`` (random input), ``grad_h`` / ``grad_norm`` and,
    for a character model's last layer, the read-out probabilities ``probs`` ``(T, C)``."""
    cols: dict[str, Any] = {"t": np.arange(1, len(res.labels) + 1)}
    if res.text is not None:
        cols["char"] = list(res.text)
    else:
        cols["x"] = res.trace.x
    cols.update(res.quantities)
    cols["grad_h"] = res.trace.grad_h
    cols["grad_norm"] = res.trace.grad_norm
    if res.probs is not None:
        cols["probs"] = res.probs
    return Export(f"rnnviz-gates-{res.trace.kind}-uploaded", cols,
                  meta={"page": "gates", "model": name, "cell": res.trace.kind, "text": res.text})


def stepthrough_exports(res) -> list[Export]:
    r"""Step-through: one table per part of the network (``res.bw.parts``: the RNN, or encoder and
    decoder). Rows are that part's steps; ``slot`` is the position on the unrolled diagram's axis.
    Columns: pre-activations ``a``, ``h``, the full-BPTT :math:`\partial L/\partial h_t` ``grad_h``
    and its norm (the line of the deltas chart), the direct part from the outputs ``grad_direct`` and
    its norm (the bars), and ``delta`` as shown in the equations (truncated when ``k`` is set)."""
    from rnnviz.labs.stepthrough import slot_of

    out = []
    for name in res.bw.parts:
        T = len(res.h(name))
        full, direct = res.traces[name].grad_h, res.from_out(name)
        cols = {"t": np.arange(1, T + 1), "slot": np.array([slot_of(res, name, i) + 1 for i in range(T)]),
                "a": res.a(name), "h": res.h(name), "grad_h": full, "grad_norm": np.linalg.norm(full, axis=1),
                "grad_direct": direct, "grad_direct_norm": np.linalg.norm(direct, axis=1), "delta": res.delta(name)}
        out.append(Export(f"rnnviz-stepthrough-{name}", cols,
                          meta={"page": "stepthrough", "part": name, "k": res.k, "config": _plain(res.config.__dict__)}))
    return out


def attention_export(dec, kind: str) -> Export | None:
    """Attention: ``weights (10, N)`` with one row per output character and one column per input
    character (labels ``i:char``); ``None`` for the model without attention."""
    if dec.weights is None:
        return None
    cols = {"step": np.arange(1, len(dec.weights) + 1), "output": list(dec.output[:len(dec.weights)]),
            "weights": dec.weights}
    labels = {"weights": [f"{i}:{ch}" for i, ch in enumerate(dec.source, start=1)]}
    return Export(f"rnnviz-attention-{kind}", cols, labels,
                  meta={"page": "attention", "score": kind, "source": dec.source, "output": dec.output})


def hidden_export(h, text: str, model: str) -> Export:
    """Hidden-state lab: the heatmap's ``h (T, H)``, one row per character read."""
    return Export(f"rnnviz-hidden-{model}", {"t": np.arange(1, len(text) + 1), "char": list(text), "h": h},
                  meta={"page": "hidden", "model": model})


def history_exports(v) -> list[Export]:
    """Train live: the drawn training history (``steps, loss, loss_ema, grad_norm``) and the
    evaluations (``eval_steps, eval_loss, eval_metric``)."""
    train = Export("rnnviz-train-live-history", {"step": v.steps, "loss": v.loss, "loss_ema": v.loss_ema,
                                                  "grad_norm": v.grad_norm},
                   meta={"page": "train_live", "task": v.task, "steps_done": int(v.step), "n_clipped": int(v.n_clipped)})
    metric = "val_perplexity" if v.task == "lm" else "test_accuracy"
    evals = Export("rnnviz-train-live-eval", {"step": v.eval_steps, "eval_loss": v.eval_loss, metric: v.eval_metric},
                   meta={"page": "train_live", "task": v.task})
    return [train, evals]
