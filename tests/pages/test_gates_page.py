"""AppTest for the gates page: loads, every control changed once (with extremes) without
exception, the figures change, what is drawn equals the engine's Trace of the trained model,
bad input gives a readable error (never a traceback), Chinese UI works."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import gates as G
from rnnviz.labs import gates as lab
from rnnviz.plots import gates as plots
from tests.pages.plotly_data import decode, figures

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "gates.py")


def fresh() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def by_title(at) -> dict[str, dict]:
    """Figures keyed by the start of their title."""
    out = {}
    for fig in figures(at):
        title = (fig["layout"].get("title") or {}).get("text", "")
        out[title] = fig
    return out


def heat(at, name: str) -> np.ndarray:
    """The z of the heatmap of quantity ``name`` (traces of the first figure are named after them)."""
    fig = figures(at)[0]
    for trace in fig["data"]:
        if trace["type"] == "heatmap" and trace["name"] == name:
            return decode(trace["z"])
    raise AssertionError(f"no heatmap {name}")


def subplot_titles(at) -> list[str]:
    return [a["text"] for a in figures(at)[0]["layout"]["annotations"]]


def snapshot(at) -> list:
    return [json for json in (str(f["data"]) for f in figures(at))] + [m.value for m in at.markdown] + \
        [str(x.proto) for x in at.get("html")] + [x.value for x in at.latex]


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_defaults_draw_the_trace_of_the_trained_model():
    at = fresh()
    cfg = lab.GatesConfig()
    models = {c: G.load("recall", c) for c in G.CELLS}
    res = lab.analyse(cfg, models, G.new_model("recall", "LSTM", seed=100))
    for name in ("i", "f", "g", "o", "c", "h"):
        np.testing.assert_allclose(heat(at, name), res.quantities[name].T, rtol=0, atol=1e-12)
    figs = by_title(at)
    path = next(f for t, f in figs.items() if t.startswith("How much"))
    np.testing.assert_allclose(decode(path["data"][0]["y"]), res.carry[:, 0], rtol=1e-12)
    rnn = next(tr for tr in path["data"] if tr["name"].startswith("vanilla RNN"))
    np.testing.assert_allclose(decode(rnn["y"]), res.rnn_path, rtol=1e-12)
    best = next(tr for tr in path["data"] if "longest memory" in tr["name"])
    k = int(np.argmax(res.carry[0]))
    assert f"unit {k} " in best["name"]
    np.testing.assert_allclose(decode(best["y"]), res.carry[:, k], rtol=1e-12)
    unit = next(f for t, f in figs.items() if t.startswith("The chosen unit"))
    np.testing.assert_allclose(decode(unit["data"][1]["y"]), res.quantities["f"][:, 0], rtol=0, atol=1e-12)
    # the unit's number is beside its charts (their title and legend say "the chosen unit"), twice
    notes = [m.value for m in at.markdown if m.value.startswith("Chosen unit:")]
    assert notes == ["Chosen unit: 0 (units 0 to 15)"] * 2
    assert path["data"][0]["name"] == "LSTM: ∏ f of the chosen unit"
    # the path chart's fixed range reaches PATH_FLOOR here (a unit's product goes below): the caption says so
    assert min(res.carry.min(), res.rnn_path.min()) < plots.PATH_FLOOR
    assert path["layout"]["yaxis"]["range"] == plots.path_range(res.carry, res.rnn_path)
    assert "runs off the bottom of the chart" in " ".join(c.value for c in at.caption)
    # x axis = the input characters: every k-th one, each label at its own step (k = 1 for a text of at most
    # plots.LINE_LABELS characters, 2 for the default 63)
    k = -(-len(res.text) // plots.LINE_LABELS)
    assert k == 2 and decode(path["layout"]["xaxis"]["tickvals"]).tolist() == list(range(1, len(res.text) + 1, k))
    assert "".join(path["layout"]["xaxis"]["ticktext"]) == res.text[::k]
    assert subplot_titles(at) == ["i: input gate i_t", "f: forget gate f_t", "g: candidate g_t", "o: output gate o_t",
                                  "c: cell state c_t", "h: hidden state h_t"]
    # the model's answer and the substituted equations are shown
    text = " ".join(m.value for m in at.markdown)
    assert f"**{res.summary['truth']}**" in text
    assert any(lab.fmt(res.trace.h[2, 0]) in x.value for x in at.latex)
    assert len(colored(at)) == 1


def colored(at) -> list:
    """The coloured-text HTML elements (not the empty slots the browser fills for another choice)."""
    return [h for h in at.get("html") if "data-rv-slot" not in h.proto.body]


CHOSEN_IN_BROWSER = ("gt_unit", "gt_step", "gt_color_by")
"""Chosen with the live component (rnnviz/assets/live/); the server reads them from session state,
where the component's settled choice, a preset or the URL puts them."""


def choose(at, key: str, value) -> None:
    """What the page does when the browser's choice settles (``_chosen``): the value lands in session state."""
    at.session_state[key] = value
    at.run()


@pytest.mark.parametrize("key,value", [
    ("gt_task", "depth"), ("gt_task", "lm"), ("gt_cell", "GRU"),
    ("gt_gap", 0), ("gt_gap", 150), ("gt_seed", 10_000),
    ("gt_unit", 15), ("gt_step", 1), ("gt_step", 64),
    ("gt_fbias", -6.0), ("gt_fbias", 6.0), ("gt_color_by", "f"), ("gt_color_by", "c"),
])
def test_each_control_changes_the_page(key, value):
    at = fresh()
    before = snapshot(at)
    if key in CHOSEN_IN_BROWSER:
        choose(at, key, value)
    else:
        widget = at.get("selectbox") + at.get("radio") + at.get("slider") + at.get("number_input")
        w = next(x for x in widget if x.key == key)
        w.set_value(value).run()
    ok(at)
    assert snapshot(at) != before, f"{key}={value} changed nothing"


def test_typed_text_and_errors():
    at = fresh()
    at.radio(key="gt_source").set_value("typed").run()
    assert at.error and "empty" in at.error[0].value  # empty typed text: a message, not a crash
    assert not at.exception
    at.text_area(key="gt_text").set_value("ab*cdddd?").run()
    ok(at)
    assert "**c**" in " ".join(m.value for m in at.markdown)
    assert heat(at, "h").shape[1] == 9
    for bad, shown in [('<script>alert("x")</script>', "`<`"), ("<img src=x onerror=alert(1)>", "`<`"),
                       ("abcdX?", "`X`")]:
        at.text_area(key="gt_text").set_value(bad).run()
        assert not at.exception
        assert at.error and "does not know" in at.error[0].value and shown in at.error[0].value
        assert not colored(at)  # nothing of the text reaches the HTML
    # sonnets model: text with the sonnets' characters, newline included, is coloured and escaped
    at.selectbox(key="gt_task").set_value("lm").run()
    at.text_area(key="gt_text").set_value("Shall I compare thee\nto a summer's day?").run()
    ok(at)
    html_el = colored(at)[0]
    body = html_el.proto.body
    assert ">&#x27;</span>" in body and "<br>" in body and body.count("<span ") == 39


def test_unit_and_step_are_clamped_when_the_task_changes():
    at = fresh()
    at.selectbox(key="gt_task").set_value("lm").run()
    choose(at, "gt_unit", 63)
    ok(at)
    at.selectbox(key="gt_task").set_value("depth").run()  # H = 12, T = 48
    ok(at)
    assert at.session_state["gt_unit"] == 11 and at.query_params["gt_unit"] == "11"
    choose(at, "gt_step", 48)
    at.selectbox(key="gt_task").set_value("recall").run()  # T = 64
    ok(at)
    assert at.session_state["gt_step"] == 48
    at.slider(key="gt_gap").set_value(10).run()  # T = gap + 4 = 14
    ok(at)
    assert at.session_state["gt_step"] == 14 and at.query_params["gt_step"] == "14"
    choose(at, "gt_color_by", "c")
    at.radio(key="gt_cell").set_value("GRU").run()  # GRU has no c
    ok(at)
    assert at.session_state["gt_color_by"] == "h"


def test_link_restores_unit_step_and_colouring():
    """``?gt_unit=&gt_step=&gt_color_by=`` (a link made in the browser) draws that choice; bad values fall back."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"gt_unit": "7", "gt_step": "9", "gt_color_by": "f"})
    at.run()
    ok(at)
    cfg = lab.GatesConfig()
    models = {c: G.load("recall", c) for c in G.CELLS}
    res = lab.analyse(cfg, models, G.new_model("recall", "LSTM", seed=100))
    unit = next(f for t, f in by_title(at).items() if t.startswith("The chosen unit"))
    assert "Chosen unit: 7 (units 0 to 15)" in [m.value for m in at.markdown]
    np.testing.assert_allclose(decode(unit["data"][1]["y"]), res.quantities["f"][:, 7], rtol=0, atol=1e-12)
    _, lines = lab.unit_step(res.trace, res.text, G.SPECS["recall"].vocab, 7, 9)
    assert [x.value for x in at.latex][:len(lines)] == [f"$$\n{line}\n$$" for line in lines]
    assert "unit 7 (f)" in " ".join(c.value for c in at.caption)
    bad = AppTest.from_file(PAGE, default_timeout=120)
    bad.query_params.update({"gt_unit": "x", "gt_step": "-3", "gt_color_by": "<b>"})
    bad.run()
    ok(bad)
    assert bad.session_state["gt_unit"] == 0 and bad.session_state["gt_color_by"] == "h"


def test_presets_and_chinese():
    at = fresh()
    at.button(key="preset_forget").click().run()
    ok(at)
    assert at.slider(key="gt_fbias").value == -4.0 and at.slider(key="gt_gap").value == 80
    text = " ".join(m.value for m in at.markdown)
    assert "Recall accuracy at gap 80 with Δ = -4.0" in text
    at.button(key="preset_lm").click().run()
    ok(at)
    assert at.selectbox(key="gt_task").value == "lm" and at.radio(key="gt_cell").value == "GRU"
    at.session_state["lang"] = "zh"
    at.run()
    ok(at)
    assert "z：更新门 z_t" in subplot_titles(at)
    assert "LSTM 与 GRU" in at.title[0].value


def test_trains_on_first_use_when_weights_are_missing(tmp_path, monkeypatch):
    """No weights file: the page trains the models (tiny schedule here) behind a progress bar."""
    import dataclasses

    import streamlit as st

    monkeypatch.setattr(G, "WEIGHTS_DIR", tmp_path)
    monkeypatch.setitem(G.SPECS, "depth", dataclasses.replace(G.SPECS["depth"], steps=15))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.query_params["gt_task"] = "Bracket depth"  # bound selectbox: the URL holds the label
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="gt_task").value == "depth"
        infos = [i.value for i in at.info]
        assert len(infos) == 3 and all("trained just now" in i for i in infos)
        assert heat(at, "h").shape == (12, 48)
    finally:
        st.cache_resource.clear()  # the tiny models must not leak into the other tests
        st.cache_data.clear()
