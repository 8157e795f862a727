"""AppTest of app_pages/stepthrough.py: loads, every control changed once (extremes included),
Play stops by itself at the end, the shown numbers are the engine's, hand gradients = autograd."""
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


def _step_latex(at: AppTest) -> list[str]:
    return [el.value for el in at.tabs[0].latex]


def test_loads_with_defaults():
    at = _app()
    assert at.title[0].value.startswith("Step through")
    assert {"st_fig_diagram", "st_fig_heat", "st_fig_out"} <= set(_specs(at))
    assert at.slider(key="st_t").value == 1 and at.slider(key="st_t").max == 4  # "hello": 4 steps
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
    for t in range(1, 5):
        if t > 1:
            at.button(key="st_next").click().run()
            _ok(at)
        assert at.slider(key="st_t").value == t
        shown = re.findall(r"-?\d+\.\d{3}", "\n".join(_step_latex(at)))
        for v in list(tr.h[t - 1]) + list(tr.pre[t - 1]):
            assert _f(v) in shown, (t, v)
    at.radio(key="st_phase").set_value("backward").run()
    _ok(at)
    assert at.slider(key="st_t").value == 4  # the backward phase starts at t = T
    for t in (4, 3, 2, 1):
        shown = re.findall(r"-?\d+\.\d{3}", "\n".join(_step_latex(at)))
        for v in list(tr.grad_h[t - 1]) + list(tr.grad_direct[t - 1]):
            assert _f(v) in shown, (t, v)
        if t > 1:
            at.button(key="st_next").click().run()
            _ok(at)
            assert at.slider(key="st_t").value == t - 1


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


def _play_until_stopped(at: AppTest, limit: int) -> int:
    runs = 0
    while at.session_state["st_playing"] and runs < limit:
        at.run()  # AppTest reruns the whole script for a fragment tick
        _ok(at)
        runs += 1
    return runs


def test_play_stops_by_itself_at_T_and_backward_at_1():
    at = _app()
    n = at.slider(key="st_t").max
    at.button(key="st_play").click().run()
    _ok(at)
    assert at.button(key="st_stop").disabled is False
    runs = _play_until_stopped(at, limit=3 * n)
    assert at.session_state["st_playing"] is False and runs <= n
    assert at.slider(key="st_t").value == n
    at.run()  # no further advance once stopped
    assert at.slider(key="st_t").value == n
    assert at.button(key="st_play").disabled is False
    # backward phase: from T down to 1
    at.radio(key="st_phase").set_value("backward").run()
    at.button(key="st_play").click().run()
    _play_until_stopped(at, limit=3 * n)
    assert at.slider(key="st_t").value == 1 and at.session_state["st_playing"] is False


def test_stop_button_stops_play():
    at = _app()
    at.text_input(key="st_word").input("handled").run()
    at.button(key="st_play").click().run()
    t = at.slider(key="st_t").value
    assert at.session_state["st_playing"] and t < at.slider(key="st_t").max
    at.button(key="st_stop").click().run()
    _ok(at)
    assert at.session_state["st_playing"] is False
    at.run()
    assert at.slider(key="st_t").value == t


def test_back_and_slider():
    at = _app()
    at.slider(key="st_t").set_value(4).run()
    at.button(key="st_back").click().run()
    assert at.slider(key="st_t").value == 3
    at.button(key="st_back").click().run().button(key="st_back").click().run().button(key="st_back").click().run()
    assert at.slider(key="st_t").value == 1  # clamped at 1
    at.button(key="st_next").click().run()
    assert at.slider(key="st_t").value == 2


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
    lambda at: at.slider(key="st_t").set_value(4),
    lambda at: at.radio(key="st_phase").set_value("backward"),
])
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
    assert at.slider(key="st_t").max == S.MAX_STEPS
    at.slider(key="st_length").set_value(1).run()
    _ok(at)
    assert not at.error


def test_enc_dec_target_and_truncation_tab():
    at = _app()
    at.selectbox(key="st_pattern").set_value("enc_dec").run()
    at.text_input(key="st_target").input("old").run()
    _ok(at)
    assert at.slider(key="st_t").max == 5 + 3  # N encoder + M decoder steps
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
    assert "逐步" in at.title[0].value
    assert "第 1 步" in json.loads(_specs(at)["st_fig_diagram"])["layout"]["title"]["text"]
    np.testing.assert_equal(at.slider(key="st_t").value, 1)


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
