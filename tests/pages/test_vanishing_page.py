"""AppTest for the vanishing & exploding gradients page: loads, every control changed (with
extremes) without exception, the figures change, and what is drawn equals the engine's numbers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz.labs import vanishing as lab
from tests.pages.plotly_data import decode, figures, trace_by_name

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "vanishing.py")


def fresh() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def grad_fig(at) -> dict:
    figs = figures(at)
    assert figs, "no figure drawn"
    return figs[0]


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_defaults_draw_the_engine_numbers():
    at = fresh()
    cfg = lab.VanishingConfig()
    res = lab.run(cfg)
    fig = grad_fig(at)
    y = decode(trace_by_name(fig, "RNN")["y"])
    np.testing.assert_allclose(y, res.cells["RNN"].trace.grad_norm, rtol=1e-12)
    env = [tr for tr in fig["data"] if "γ" in (tr.get("name") or "")]
    assert len(env) == 1
    np.testing.assert_allclose(decode(env[0]["y"]), res.cells["RNN"].envelope, rtol=1e-12)
    # heatmap z = log10 |dL/dh|, unit x time
    heat = figures(at)[1]["data"][0]
    np.testing.assert_allclose(decode(heat["z"]), np.log10(np.abs(res.cells["RNN"].trace.grad_h)).T, rtol=1e-12)
    # Jacobian figure (cheap at the defaults): spectral norms equal the engine's
    jac = figures(at)[2]
    jn = lab.jacobians(res, "RNN")
    np.testing.assert_allclose(decode(trace_by_name(jac, "RNN ‖·‖₂")["y"]), jn["spec"], rtol=1e-12)
    # the sentence quotes the engine's ratio and halving rate
    ro = res.cells["RNN"].readout
    text = " ".join(m.value for m in at.markdown)
    assert lab.fmt_sci(ro.ratio) in text and f"{ro.halving_steps:.1f}" in text


@pytest.mark.parametrize("key,value", [
    ("vg_radius", 0.0), ("vg_radius", 3.0), ("vg_radius", 1.5),
    ("vg_T", 1), ("vg_T", 500), ("vg_H", 1), ("vg_H", 256),
    ("vg_activation", "relu"), ("vg_activation", "sigmoid"), ("vg_activation", "identity"),
    ("vg_init", "orthogonal"), ("vg_init", "identity"),
    ("vg_input_kind", "zeros"), ("vg_input_scale", 0.0), ("vg_input_scale", 3.0),
    ("vg_loss", "every"), ("vg_seed", 7), ("vg_seed", 2**31 - 1),
])
def test_each_control_changes_the_figure(key, value):
    at = fresh()
    before = grad_fig(at)
    widget = at.get_widget(key) if hasattr(at, "get_widget") else None
    if widget is None:
        widget = next(w for kind in ("slider", "selectbox", "radio", "number_input", "multiselect", "text_input")
                      for w in at.get(kind) if getattr(w, "key", None) == key)
    widget.set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at), errors(at)
    after = grad_fig(at)
    assert after["data"] != before["data"], f"{key}={value} did not change the chart"


def set_widget(at, kind, key, value):
    w = next(w for w in at.get(kind) if getattr(w, "key", None) == key)
    w.set_value(value)
    return at


def test_cells_overlay_and_forget_bias():
    at = fresh()
    set_widget(at, "multiselect", "vg_cells", ["RNN", "LSTM", "GRU"]).run()
    names = [tr.get("name") for tr in grad_fig(at)["data"]]
    assert {"RNN", "LSTM", "GRU"} <= set(names)
    lstm0 = decode(trace_by_name(grad_fig(at), "LSTM")["y"])
    for fb in (-3.0, 5.0):
        set_widget(at, "slider", "vg_forget_bias", fb).run()
        assert not at.exception
        lstm = decode(trace_by_name(grad_fig(at), "LSTM")["y"])
        assert not np.allclose(lstm, lstm0)
    # forget bias 5 keeps far more gradient at t=1 than -3
    set_widget(at, "slider", "vg_forget_bias", -3.0).run()
    low = decode(trace_by_name(grad_fig(at), "LSTM")["y"])[0]
    set_widget(at, "slider", "vg_forget_bias", 5.0).run()
    high = decode(trace_by_name(grad_fig(at), "LSTM")["y"])[0]
    assert high > 1e3 * low
    assert len(at.tabs) == 3


def test_no_cell_selected_is_a_clear_error():
    at = fresh()
    set_widget(at, "multiselect", "vg_cells", []).run()
    assert not at.exception
    assert any("at least one cell" in e for e in errors(at))


def test_text_input_and_its_errors():
    at = fresh()
    set_widget(at, "radio", "vg_input_kind", "text").run()
    assert not at.exception
    text = "<script>alert(1)</script> hello"
    set_widget(at, "text_input", "vg_text", text).run()
    assert not at.exception and not errors(at)
    y = decode(trace_by_name(grad_fig(at), "RNN")["y"])
    assert y.shape == (len(text),)
    set_widget(at, "text_input", "vg_text", "").run()
    assert not at.exception
    assert any("empty" in e for e in errors(at))


def test_clipping_readout():
    at = fresh()
    set_widget(at, "number_input", "vg_clip", 1.0).run()
    res = lab.run(lab.VanishingConfig(clip=1.0))
    cr = res.cells["RNN"]
    assert cr.grad_total_norm > 1.0 and cr.clip_coef == pytest.approx(1.0 / (cr.grad_total_norm + 1e-6))
    text = " ".join(m.value for m in at.markdown)
    assert lab.fmt_sci(cr.clip_coef) in text and lab.fmt_sci(cr.grad_total_norm) in text


def test_extreme_explosion_is_reported_in_words():
    at = fresh()
    set_widget(at, "selectbox", "vg_activation", "identity")
    set_widget(at, "slider", "vg_radius", 3.0)
    set_widget(at, "slider", "vg_T", 500).run()
    assert not at.exception and not errors(at)
    res = lab.run(lab.VanishingConfig(activation="identity", radius=3.0, T=500))
    ro = res.cells["RNN"].readout
    assert ro.ratio > 1e200 and 2.0 ** -ro.log2_slope == pytest.approx(3.0, rel=0.02)  # radius 3: x3 per step
    text = " ".join(m.value for m in at.markdown)
    assert "doubles every" in text and lab.fmt_sci(ro.ratio) in text
    y = decode(trace_by_name(grad_fig(at), "RNN")["y"])
    np.testing.assert_allclose(y, res.cells["RNN"].trace.grad_norm, rtol=1e-12)


def test_overflow_marker_when_values_are_infinite():
    """Within the page's ranges float64 holds even 3^500 ~ 1e238, so an overflow is forced by hand
    here to check that the chart marks it and the text says it."""
    res = lab.run(lab.VanishingConfig(activation="relu", init="identity", radius=3.0, T=500, H=8, input_scale=3.0))
    g = res.cells["RNN"].trace.grad_norm
    assert np.all(np.isfinite(g))  # float64 holds 3^500 ~ 3.6e238
    from rnnviz.plots.vanishing import grad_norm_figure
    cr = res.cells["RNN"]
    gn = cr.trace.grad_norm.copy()
    gn[:3] = np.inf
    cr.trace.grad_norm = gn
    cr.readout = lab.readout(gn)
    fig = grad_norm_figure(res).to_plotly_json()
    marks = [tr for tr in fig["data"] if "overflow" in (tr.get("name") or "")]
    assert len(marks) == 1 and list(marks[0]["x"]) == [1, 2, 3]
    assert any("overflowed" in s for s in lab.readout_sentences(res))


def test_presets_buttons():
    at = fresh()
    for name in ("explode", "lstm", "irnn", "vanish"):
        next(b for b in at.button if b.key == f"preset_{name}").click().run()
        assert not at.exception, name
        assert not errors(at), (name, errors(at))
    at2 = fresh()
    next(b for b in at2.button if b.key == "preset_explode").click().run()
    assert next(s for s in at2.slider if s.key == "vg_radius").value == 1.5
    assert any("multiplies it by about **1.5**" in m.value for m in at2.markdown)  # linear RNN: exactly rho
    next(b for b in at2.button if b.key == "preset_lstm").click().run()
    assert next(m for m in at2.multiselect if m.key == "vg_cells").value == ["RNN", "LSTM"]
    fig = grad_fig(at2)
    rnn, lstm = decode(trace_by_name(fig, "RNN")["y"]), decode(trace_by_name(fig, "LSTM")["y"])
    assert lstm[0] / lstm[-1] > 1e4 * (rnn[0] / rnn[-1])  # the LSTM keeps far more gradient
    next(s for s in at2.slider if s.key == "vg_forget_bias").set_value(3.0).run()
    lstm3 = decode(trace_by_name(grad_fig(at2), "LSTM")["y"])
    assert lstm3[0] / lstm3[-1] > 0.1  # with bias 3 it hardly decays over 100 steps


def test_large_jacobian_asks_first_then_computes():
    at = fresh()
    set_widget(at, "multiselect", "vg_cells", ["LSTM"])
    set_widget(at, "slider", "vg_T", 500).run()
    assert len(figures(at)) == 2  # no Jacobian figure yet
    assert at.info
    next(b for b in at.button if b.key == "vg_jac_button").click().run()
    assert not at.exception
    assert len(figures(at)) == 3


def test_language_switch_to_chinese():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "梯度消失与梯度爆炸"
    assert "随时间" in grad_fig(at)["layout"]["title"]["text"]


def test_live_drag_frames_are_the_engine_numbers():
    """The frames the browser shows while the live range (in place of the radius slider) is dragged: one per
    radius of the grid, each equal to the engine's gradient norms (and bound) at that radius, with the
    readout line of that radius; the frame of the current radius equals the chart the server drew; frames
    are tied to that chart by layout.meta and carry no legend names (the legend is the same for every radius)."""
    from rnnviz.plots import vanishing as plots
    from tests.pages.plotly_data import live_data

    at = fresh()
    at.multiselect(key="vg_cells").set_value(["RNN", "GRU"]).run()
    at.slider(key="vg_T").set_value(30).run()
    assert not at.exception
    data = live_data(at)
    rng, chart = data["range"], data["charts"]["vg_fig_grad"]
    assert rng["key"] == "vg_radius" and rng["hide"] == ["vg_radius", "vg_radius_note"]
    radii = rng["values"]
    n, step = len(radii), round(radii[1] - radii[0], 10)
    assert step in lab.SWEEP_STEPS and radii[-1] == 3.0 and len(chart["frames"]) == len(rng["readout"]) == n
    assert rng["shown"] == [f"{r:.2f}" for r in radii] and rng["label"] == "Spectral radius of W_hh"
    fig = grad_fig(at)
    assert fig["layout"]["meta"] == chart["meta"]
    names = [tr["name"] for tr in fig["data"]]
    for k in sorted({0, n // 3, n - 1}):
        r = radii[k]
        res = lab.run(lab.VanishingConfig(cells=("RNN", "GRU"), T=30, radius=r))
        frame = chart["frames"][k]
        assert len(frame["data"]) == len(fig["data"]) and not any("name" in tr for tr in frame["data"])
        for cell in ("RNN", "GRU"):
            y = decode(frame["data"][names.index(cell)]["y"])
            g = res.cells[cell].trace.grad_norm
            np.testing.assert_allclose(y, np.where(g > 0, g, np.nan), rtol=1e-12)
        env = frame["data"][names.index(next(x for x in names if "γ" in x))]
        e = res.cells["RNN"].envelope  # radius 0: the bound is 0 before T, not drawable on a log axis
        np.testing.assert_allclose(decode(env["y"]), np.where(e > 0, e, np.nan), rtol=1e-12)
        assert rng["readout"][k] == plots.grad_norm_readout(res, "en")
    k = int(round(0.9 / step))
    if abs(k * step - 0.9) < 1e-9:  # 0.9 is on the 0.05 and 0.1 grids
        np.testing.assert_allclose(decode(chart["frames"][k]["data"][0]["y"]), decode(trace_by_name(fig, "RNN")["y"]),
                                   rtol=1e-12)
        assert chart["frames"][k]["layout"]["yaxis"]["range"] == fig["layout"]["yaxis"]["range"]
    # the server's note beside the slider (hidden while the live range stands in for it) says the same
    assert rng["readout"][k] in [c.value for c in at.caption]
