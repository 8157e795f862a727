"""rnnviz.export: the downloaded numbers are exactly the arrays the figures draw, CSV and JSON
round-trip every float bit for bit, non-finite values survive, and chart file names say what they are."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from rnnviz import export as ex

ROOT = Path(__file__).resolve().parents[2]


def csv_columns(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return {h: [r[j] for r in body] for j, h in enumerate(header)}


def csv_matrix(cols: dict[str, list[str]], name: str) -> np.ndarray:
    parts = [k for k in cols if k.startswith(name + "[")]
    return np.array([[float(v) for v in cols[k]] for k in parts]).T


def assert_exact(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    assert np.array_equal(a, b, equal_nan=True), np.max(np.abs(a - b))


def json_array(v) -> np.ndarray:
    conv = lambda e: [conv(x) for x in e] if isinstance(e, list) else float(e)  # noqa: E731
    return np.array(conv(v), dtype=np.float64)


def test_csv_and_json_round_trip_every_float_exactly():
    rng = np.random.default_rng(0)
    h = rng.standard_normal((7, 3)) * 10.0 ** rng.integers(-300, 300, (7, 3))
    h[2, 1], h[4, 0], h[5, 2] = np.inf, -np.inf, np.nan
    g = rng.standard_normal(7)
    e = ex.Export("x", {"t": np.arange(1, 8), "char": list("abc,\"\nd"), "h": h, "g": g})
    cols = csv_columns(ex.to_csv(e))
    assert list(cols)[:5] == ["t", "char", "h[0]", "h[1]", "h[2]"]
    assert cols["char"] == list("abc,\"\nd")  # quoting keeps commas, quotes and newlines
    assert_exact(csv_matrix(cols, "h"), h)
    assert_exact([float(v) for v in cols["g"]], g)
    obj = json.loads(ex.to_json(e))  # strict JSON: no NaN/Infinity literals
    assert obj["columns"]["h"][2][1] == "inf" and obj["columns"]["h"][5][2] == "nan"
    assert_exact(json_array(obj["columns"]["h"]), h)
    assert obj["columns"]["t"] == list(range(1, 8))


def test_unequal_columns_are_refused():
    with pytest.raises(ValueError, match="different lengths"):
        ex.Export("bad", {"a": np.zeros(3), "b": np.zeros(4)})


def test_vanishing_export_is_what_the_chart_draws():
    from rnnviz.labs import vanishing as lab
    from rnnviz.plots import vanishing as plots

    res = lab.run(lab.VanishingConfig(cells=("RNN", "LSTM"), T=40, H=8, radius=1.6, activation="identity"))
    fig = plots.grad_norm_figure(res)
    e = ex.vanishing_export(res)
    cols = csv_columns(ex.to_csv(e))
    obj = json.loads(ex.to_json(e))
    for cell in ("RNN", "LSTM"):
        drawn = next(t for t in fig.data if t.name == cell)
        g = np.array([float(v) for v in cols[f"{cell}.grad_norm"]])
        shown = np.where(np.isfinite(g) & (g > 0), g, np.nan)  # the chart drops non-positive values
        assert_exact(shown, drawn.y)
        assert_exact(np.array(drawn.x), [int(v) for v in cols["t"]])
        assert_exact(csv_matrix(cols, f"{cell}.grad_h"), res.cells[cell].trace.grad_h)
        assert_exact(json_array(obj["columns"][f"{cell}.h"]), res.cells[cell].trace.h)
    assert_exact(csv_matrix(cols, "LSTM.c"), res.cells["LSTM"].trace.c)
    assert_exact(csv_matrix(cols, "LSTM.f"), res.cells["LSTM"].trace.gates["f"])
    env = next(t for t in fig.data if "γ" in (t.name or ""))
    assert_exact(np.where(np.isfinite(res.cells["RNN"].envelope), env.y, np.nan),
                 np.where(np.isfinite(res.cells["RNN"].envelope), [float(v) for v in cols["RNN.envelope"]], np.nan))


def test_gates_export_is_what_the_heatmaps_draw():
    from rnnviz import gates as G
    from rnnviz.labs import gates as lab
    from rnnviz.plots import gates as plots

    cfg = lab.GatesConfig(gt_task="recall", gt_cell="LSTM")
    models = {c: G.load("recall", c) for c in G.CELLS}
    res = lab.analyse(cfg, models, G.new_model("recall", "LSTM", seed=100))
    fig = plots.gates_figure(res.quantities, res.text)
    e = ex.gates_export(res)
    cols = csv_columns(ex.to_csv(e))
    assert "".join(cols["char"]) == res.text
    heat = [t for t in fig.data if t.type == "heatmap"]
    drawn = {tuple(np.asarray(t.z, dtype=float).ravel()) for t in heat}
    for name, q in res.quantities.items():
        got = csv_matrix(cols, name)
        assert_exact(got, q)
        assert tuple(got.T.ravel()) in drawn or tuple(got.ravel()) in drawn, name
    assert_exact([float(v) for v in cols["grad_norm"]], res.trace.grad_norm)


def test_attention_export_is_the_heatmap():
    from rnnviz import seq2seq as S
    from rnnviz.labs import attention as lab
    from rnnviz.plots import attention as plots

    model, _ = lab.get_model("dot")
    dec = lab.decode(lab.AttentionConfig(att_score="dot", att_text="3 March 2021"), model)
    fig = plots.heatmap(dec)
    e = ex.attention_export(dec, "dot")
    cols = csv_columns(ex.to_csv(e))
    assert_exact(csv_matrix(cols, "weights"), fig.data[0].z)
    assert [k for k in cols if k.startswith("weights[")][0] == f"weights[1:{dec.source[0]}]"
    assert "".join(cols["output"]) == dec.output[:len(dec.weights)]
    base, _ = lab.get_model("none")
    assert ex.attention_export(lab.decode(lab.AttentionConfig(att_score="none", att_text="3 March 2021"), base),
                               "none") is None
    assert S.MODEL_KINDS  # the kinds exist


def test_history_export_is_what_the_training_charts_draw():
    from rnnviz.labs import train_live as lab
    from rnnviz.plots import train_live as plots

    n = 50
    gn = np.linspace(0.1, 5.0, n)
    gn[17] = np.inf
    snap = {"state": "finished", "error": None, "step": n, "steps": list(range(1, n + 1)),
            "loss": list(np.linspace(4.0, 2.0, n)), "grad_norm": list(gn), "clipped": list(gn > 1.0),
            "probe_step": [], "probe": [], "eval_step": [10, 20], "evals": [{"loss": 3.0, "ppl": 20.1}, {"loss": 2.5, "ppl": 12.2}],
            "chars": 1000, "train_time": 1.0, "model_record": None, "classes": ()}
    v = lab.live_view(snap, "lm")
    train, evals = ex.history_exports(v)
    cols = csv_columns(ex.to_csv(train))
    loss_fig = plots.loss_figure(v)
    assert_exact([float(x) for x in cols["loss"]], loss_fig.data[0].y)
    assert_exact([float(x) for x in cols["loss_ema"]], loss_fig.data[1].y)
    assert cols["grad_norm"][17] == "inf"
    norm_fig = plots.grad_norm_figure(v, 1.0)
    drawn = next(t for t in norm_fig.data if len(t.y) == n)
    assert_exact(np.where(np.isfinite(v.grad_norm), [float(x) for x in cols["grad_norm"]], np.nan),
                 np.where(np.isfinite(v.grad_norm), drawn.y, np.nan))
    ecols = csv_columns(ex.to_csv(evals))
    assert_exact([float(x) for x in ecols["val_perplexity"]], plots.metric_figure(v).data[0].y)


def test_stepthrough_export_is_what_the_charts_draw():
    from rnnviz.labs import stepthrough as lab
    from rnnviz.plots import stepthrough as plots

    res = lab.compute(lab.StepConfig(st_weights="random"), None)
    exps = ex.stepthrough_exports(res)
    fig = plots.grad_figure(res, 1)
    for e, name in zip(exps, res.bw.parts):
        cols = csv_columns(ex.to_csv(e))
        assert_exact(csv_matrix(cols, "h"), res.h(name))
        norms = [float(x) for x in cols["grad_norm"]]
        assert any(np.array_equal(np.asarray(t.y, dtype=float), norms) for t in fig.data), name
        direct = [float(x) for x in cols["grad_direct_norm"]]
        assert any(np.array_equal(np.asarray(t.y, dtype=float), direct) for t in fig.data), name


def test_every_chart_key_in_the_pages_has_a_file_name():
    keys = set()
    for page in (ROOT / "app_pages").glob("*.py"):
        keys |= set(re.findall(r'key="(\w+_fig_\w+)"', page.read_text(encoding="utf-8")))
        keys |= {m + "_X" for m in re.findall(r'key=f"(\w+_fig_\w+)_\{', page.read_text(encoding="utf-8"))}
    assert keys
    for k in keys:
        name = ex.figure_filename(k)
        assert name.startswith("rnnviz-") and "_fig_" not in k.replace(k, name), (k, name)
        base = k[:-2] if k.endswith("_X") else k
        assert base in ex.FIGURE_NAMES, f"chart {k!r} has no descriptive file name in rnnviz.export.FIGURE_NAMES"


def test_chart_config_saves_png_at_2x_and_svg():
    from rnnviz import streamlit_helpers as sh

    png = sh.chart_config("vg_fig_grad", "png")["toImageButtonOptions"]
    assert png == {"format": "png", "scale": 2, "filename": "rnnviz-vanishing-gradient-norm-per-step"}
    assert sh.chart_config("att_fig_heat", "svg")["toImageButtonOptions"]["format"] == "svg"


def test_hidden_export_is_the_heatmap():
    from rnnviz.plots import hidden as plots

    rng = np.random.default_rng(3)
    h = np.tanh(rng.standard_normal((11, 6)))
    text = "hello world"
    fig = plots.states_heatmap(h, text, 2)
    cols = csv_columns(ex.to_csv(ex.hidden_export(h, text, "lstm")))
    assert_exact(csv_matrix(cols, "h"), np.asarray(fig.data[0].z, dtype=float).T)
    assert "".join(cols["char"]) == text
