"""AppTest of app_pages/stepthrough.py: loads, every control changed once (extremes included),
every step's equations and chart frames (the browser picks among them) are the engine's numbers,
the server follows a chosen step, hand gradients = autograd. Back/Next/Play run in the browser:
tests/e2e/test_stepthrough_e2e.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz import stepthrough as S
from tests.pages.plotly_data import decode, live_data


def _f(v) -> str:
    """Independent of the page's formatter: 3 decimals, -0.000 shown as 0.000."""
    s = f"{float(v):.3f}"
    return "0.000" if s == "-0.000" else s


PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "stepthrough.py")


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _specs(at: AppTest) -> dict[str, str]:
    return {c.key: c.proto.spec for c in at.get("plotly_chart")}


def _leaves(node):
    """The elements under ``node`` in page order, not entering expanders."""
    if type(node).__name__ == "Expander":
        return
    children = getattr(node, "children", None)
    if children:
        for c in children.values():
            yield from _leaves(c)
    else:
        yield node


def _step_latex(at: AppTest, t: int) -> list[str]:
    """The LaTeX under the heading of step ``t`` (every step's equations are on the page; the
    browser shows the chosen one)."""
    out, current = [], None
    for el in _leaves(at.tabs[0]):
        kind = type(el).__name__
        if kind == "Markdown":
            m = re.search(r"step (\d+)|第 (\d+) 步", el.value)
            current = int(m.group(1) or m.group(2)) if m else None
        elif kind == "Latex" and current == t:
            out.append(el.value)
    assert out, f"no equations for step {t}"
    return out


def _select(at: AppTest) -> dict:
    """The step control the browser draws: value, number of steps, direction."""
    return live_data(at)["select"]


def _frames(at: AppTest, chart: str) -> list[dict]:
    return live_data(at)["charts"][chart]["frames"]


def _shown(at: AppTest, chart: str) -> list[dict]:
    """What the browser shows of ``chart`` at each step: the server's figure with frame ``t`` copied over it,
    as rnnviz/assets/live/apply.js applyFrame does (each trace's entries; the layout's, one level deep). The
    frames carry only what differs between steps (rnnviz.plots.style.changing_parts)."""
    spec = json.loads(_specs(at)[chart])
    assert spec["layout"]["meta"] == live_data(at)["charts"][chart]["meta"]  # the frames belong to this figure
    out = []
    for f in _frames(at, chart):
        assert len(f["data"]) == len(spec["data"])
        layout = dict(spec["layout"])
        for k, v in f["layout"].items():
            layout[k] = {**layout[k], **v} if isinstance(v, dict) and isinstance(layout.get(k), dict) else v
        out.append({"data": [{**tr, **(u or {})} for tr, u in zip(spec["data"], f["data"])], "layout": layout})
    return out


def _set_step(at: AppTest, t: int) -> AppTest:
    """What the page's callback does when the browser's choice settles."""
    at.session_state["st_t"] = t
    return at


def test_loads_with_defaults():
    at = _app()
    assert at.title[0].value == "Step through the unrolled RNN"  # the title's head; its tail is the subtitle
    assert at.subheader[0].value == ":gray[forward pass and BPTT]"  # grey, 1.3rem (sh.page_title)
    assert {"st_fig_diagram", "st_fig_heat", "st_fig_out"} <= set(_specs(at))
    sel = _select(at)
    assert sel["value"] == 1 and sel["n"] == 4 and sel["dir"] == "forward"  # "hello": 4 steps
    for chart in ("st_fig_diagram", "st_fig_heat", "st_fig_out"):
        assert len(_frames(at, chart)) == 4
    # every step's equations in one place (the live component's stacked group); until the component is
    # drawn, the page's CSS shows the step the charts are drawn at
    assert _select(at)["groups"] == [{"name": "st_eq", "stack": "st_eqs"}]
    css = [m.value for m in at.markdown if "st-key-st_eqs" in m.value]
    assert len(css) == 1 and ":not(.st-key-st_eq_1)" in css[0]
    assert not at.error
    assert "max |difference|" in at.tabs[1].success[0].value


def test_displayed_numbers_are_the_engine_values():
    """The LaTeX on screen contains, to the shown precision, the h_t and pre-activations of an
    independent rnnviz.trace call on the shipped model, and dL/dh_t of the engine in the
    backward phase."""
    at = _app()
    sd = S.load_trained(3)
    m = torch.nn.RNN(8, 3, dtype=torch.float64)
    m.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    W, b = sd["head.weight"], sd["head.bias"]
    X = S.make_problem("word", "many_to_many", word="hello").X
    y = torch.tensor([S.VOCAB.index(c) for c in "ello"])

    def loss(hs):
        return torch.nn.functional.cross_entropy(hs @ W.T + b, y, reduction="sum")

    tr = rnnviz.trace(m, X, loss=loss)
    diagram = _shown(at, "st_fig_diagram")
    heat = _shown(at, "st_fig_heat")
    for t in range(1, 5):
        shown = re.findall(r"-?\d+\.\d{3}", "\n".join(_step_latex(at, t)))
        for v in list(tr.h[t - 1]) + list(tr.pre[t - 1]):
            assert _f(v) in shown, (t, v)
        # the frame the browser shows for step t: its highlight, the engine's h; the step named by the control
        assert _select(at)["labels"][t - 1] == f"{t} of 4"
        rect = [sh for sh in diagram[t - 1]["layout"]["shapes"] if sh["type"] == "rect"][0]
        assert rect["x0"] == pytest.approx(t - 1 - 0.45)
        np.testing.assert_allclose(decode(heat[t - 1]["data"][0]["z"]), tr.h.T, rtol=1e-12)
    at.radio(key="st_phase").set_value("backward").run()
    _ok(at)
    assert _select(at)["value"] == 4 and _select(at)["dir"] == "backward"  # the backward phase starts at t = T
    grads = _shown(at, "st_fig_grad")
    for t in (4, 3, 2, 1):
        shown = re.findall(r"-?\d+\.\d{3}", "\n".join(_step_latex(at, t)))
        for v in list(tr.grad_h[t - 1]) + list(tr.grad_direct[t - 1]):
            assert _f(v) in shown, (t, v)
        full = [d for d in grads[t - 1]["data"] if d.get("mode") == "lines+markers"][0]
        np.testing.assert_allclose(decode(full["y"]), np.linalg.norm(tr.grad_h, axis=1), rtol=1e-12)


def test_check_panel_hand_equals_autograd():
    at = _app()
    at.selectbox(key="st_pattern").set_value("bidirectional").run()
    at.number_input(key="st_k").set_value(2).run()
    _ok(at)
    txt = at.tabs[1].success[0].value
    d = float(re.search(r"= ([0-9.e+-]+) \(float64\)", txt).group(1))
    assert d <= 1e-10
    df = at.tabs[1].dataframe[0].value
    assert len(df) == 2 + 3 * 2  # W_ho, b_o, and W_xh, W_hh, b for both directions
    assert all(float(v) <= 1e-10 for v in df.iloc[:, 4])


def test_server_follows_the_chosen_step_and_the_url():
    """A settled choice (st_t) reaches the live component (its value, the URL) and leaves the charts' figures
    byte-identical (the browser keeps them and draws the chosen frame on them: no redraw on settle); a new
    session opens ?st_t= with the charts drawn at that step; a bad or out-of-range ?st_t= falls back to a
    valid step, never an error."""
    at = _app()
    before = _specs(at)
    _set_step(at, 3).run()
    _ok(at)
    assert _select(at)["value"] == 3
    assert _specs(at) == before  # the same figures: Streamlit keeps the elements
    frames = _frames(at, "st_fig_diagram")
    assert frames[2] != frames[0]  # what the browser shows
    rect = [sh for sh in _shown(at, "st_fig_diagram")[2]["layout"]["shapes"] if sh["type"] == "rect"][0]
    assert rect["x0"] == pytest.approx(2 - 0.45)
    opened = AppTest.from_file(PAGE, default_timeout=60)
    opened.query_params["st_t"] = "3"
    opened.run()
    spec = json.loads(_specs(opened)["st_fig_diagram"])
    rect = [sh for sh in spec["layout"]["shapes"] if sh["type"] == "rect"][0]
    assert rect["x0"] == pytest.approx(2 - 0.45) and _select(opened)["value"] == 3
    for raw, want in (("2", 2), ("99", 4), ("abc", 1), ("-3", 1)):
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.query_params["st_t"] = raw
        at.run()
        _ok(at)
        assert not at.error
        assert _select(at)["value"] == want, raw
    at.radio(key="st_phase").set_value("backward").run()
    assert _select(at)["value"] == 4  # a phase starts at its own end


@pytest.mark.parametrize("change", [
    lambda at: at.selectbox(key="st_input").set_value("numbers"),
    lambda at: at.selectbox(key="st_input").set_value("random"),
    lambda at: at.text_input(key="st_word").input("lateen"),
    lambda at: at.selectbox(key="st_pattern").set_value("many_to_one"),
    lambda at: at.selectbox(key="st_pattern").set_value("one_to_many"),
    lambda at: at.selectbox(key="st_pattern").set_value("enc_dec"),
    lambda at: at.selectbox(key="st_pattern").set_value("bidirectional"),
    lambda at: at.slider(key="st_hidden").set_value(1),
    lambda at: at.slider(key="st_hidden").set_value(4),
    lambda at: at.radio(key="st_weights").set_value("random"),
    lambda at: at.number_input(key="st_k").set_value(1),
    lambda at: at.radio(key="st_phase").set_value("backward"),
])  # a settled step keeps the figures and changes the frame the browser draws: test_server_follows_the_chosen_step_...
def test_each_control_changes_the_figures(change):
    at = _app()
    before = _specs(at)
    change(at).run()
    _ok(at)
    assert not at.error
    after = _specs(at)
    assert any(before.get(k) != after.get(k) for k in set(before) | set(after))


def test_random_weight_controls_and_extremes():
    at = _app()
    at.radio(key="st_weights").set_value("random").run()
    before = _specs(at)
    at.number_input(key="st_seed").set_value(7).run()
    _ok(at)
    assert _specs(at) != before
    for v in (0.1, 4.0):
        before = _specs(at)
        at.slider(key="st_scale").set_value(v).run()
        _ok(at)
        assert _specs(at) != before
    at.number_input(key="st_k").set_value(S.MAX_STEPS).run()  # k >= T: same as full BPTT
    _ok(at)
    at.selectbox(key="st_input").set_value("random").run()
    at.slider(key="st_length").set_value(S.MAX_STEPS).run()
    _ok(at)
    assert _select(at)["n"] == S.MAX_STEPS
    at.slider(key="st_length").set_value(1).run()
    _ok(at)
    assert not at.error


def test_enc_dec_target_and_truncation_tab():
    at = _app()
    at.selectbox(key="st_pattern").set_value("enc_dec").run()
    at.text_input(key="st_target").input("old").run()
    _ok(at)
    assert _select(at)["n"] == 5 + 3  # N encoder + M decoder steps
    at.number_input(key="st_k").set_value(2).run()
    _ok(at)
    assert "st_fig_trunc" in _specs(at)
    spec = json.loads(_specs(at)["st_fig_trunc"])
    assert len(spec["data"]) == 2


def test_scalar_controls():
    at = _app()
    before = [el.value for el in at.tabs[2].latex]
    for key, v in (("st_U", -10.0), ("st_W", 10.0), ("st_V", 0.0)):
        at.number_input(key=key).set_value(v).run()
        _ok(at)
    after = [el.value for el in at.tabs[2].latex]
    assert after != before
    sc = S.scalar_rnn(-10.0, 10.0, 0.0, [0.5, -1, 2, -0.5, 1.5], [1, 0, 1, 1, 1])
    assert _f(sc.h[0]) in after[0] + after[1]
    txt = at.tabs[2].success[0].value
    assert float(re.search(r"to ([0-9.e+-]+)\.$", txt).group(1)) <= 1e-10


@pytest.mark.parametrize("change,needle", [
    (lambda at: at.text_input(key="st_word").input("xyz"), "Unknown character"),
    (lambda at: at.text_input(key="st_word").input(""), "Type a word"),
    (lambda at: at.text_input(key="st_numbers").input("1, abc"), "Cannot read"),
])
def test_bad_input_shows_an_error_not_a_traceback(change, needle):
    at = _app()
    change(at).run()
    _ok(at)
    assert any(needle in e.value for e in at.error)


def test_chinese():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    _ok(at)
    assert at.title[0].value == "逐步展开 RNN"
    assert at.subheader[0].value == ":gray[前向传播与随时间反向传播（BPTT）]"
    assert "展开的 RNN" in json.loads(_specs(at)["st_fig_diagram"])["layout"]["title"]["text"]
    assert _select(at)["value"] == 1 and _select(at)["labels"][0] == "第 1 步，共 4 步"


def test_trains_on_first_use_when_the_weights_file_is_missing(monkeypatch):
    import streamlit as st

    def missing(hidden, path=None):
        raise FileNotFoundError("no weights")

    calls = []
    real_train = S.train_next_letter

    def quick_train(hidden, **kw):
        calls.append(hidden)
        return real_train(hidden, **{**kw, "epochs": 30})

    monkeypatch.setattr(S, "load_trained", missing)
    monkeypatch.setattr(S, "train_next_letter", quick_train)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.run()
        _ok(at)
        assert calls == [3]
        assert any("Trained next-letter model" in c.value for c in at.caption)
    finally:
        st.cache_resource.clear()  # the other tests use the shipped weights again
