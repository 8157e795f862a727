"""AppTest of app_pages/attention.py: loads, every control changed once (extremes included), the
figures show the model's own numbers, bad input gives a message and no traceback."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import seq2seq as S
from rnnviz import seq2seq_train as ST
from rnnviz.data import dates as DATES
from tests.pages.plotly_data import decode

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "attention.py")
TEXT = "Wednesday, March 3rd 2021"


def _app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _figs(at: AppTest) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def _specs(at: AppTest) -> dict[str, str]:
    return {c.key: c.proto.spec for c in at.get("plotly_chart")}


def test_loads_and_the_heatmap_is_the_model_attention():
    at = _app()
    figs = _figs(at)
    assert {"att_fig_heat", "att_fig_step", "att_fig_vectors", "att_fig_probs", "att_fig_bottleneck", "att_fig_tf",
            "att_fig_tf_acc"} <= set(figs)
    assert not at.error
    dec = S.decode(S.load_shipped("dot"), TEXT)
    assert any(f"**{dec.output}**" in m.value for m in at.markdown)
    z = decode(figs["att_fig_heat"]["data"][0]["z"])
    assert z.shape == (10, len(TEXT))
    np.testing.assert_allclose(z, dec.weights, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(z.sum(1), 1.0, rtol=1e-5)
    assert figs["att_fig_heat"]["layout"]["xaxis"]["ticktext"][0] == "W"


def test_step_view_shows_scores_weights_and_probs_of_step_t():
    """A settled choice (it lands in session state) keeps the drawn figures byte-identical (the browser
    shows the chosen step's frame on them, no redraw); the server's charts of step t in a session that opens
    at t; every step's summary on the page (the browser shows the chosen one)."""
    at = _app()
    drawn = _specs(at)
    at.session_state["att_step"] = 10  # a settled choice: the figures stay as drawn (the browser shows step 10)
    at.run()
    _ok(at)
    assert _specs(at) == drawn
    dec = S.decode(S.load_shipped("dot"), TEXT)
    for t in (10, 1):  # both extremes, in a session that opens at step t
        opened = AppTest.from_file(PAGE, default_timeout=120)
        opened.session_state["att_step"] = t
        opened.run()
        _ok(opened)
        f = _figs(opened)
        np.testing.assert_allclose(decode(f["att_fig_step"]["data"][0]["y"]), dec.scores[t - 1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(decode(f["att_fig_step"]["data"][1]["y"]), dec.weights[t - 1], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(decode(f["att_fig_probs"]["data"][0]["y"]), dec.probs[t - 1], rtol=1e-5, atol=1e-7)
        z = decode(f["att_fig_vectors"]["data"][0]["z"])
        np.testing.assert_allclose(z[0], dec.s[t - 1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(z[1], dec.context[t - 1], rtol=1e-5, atol=1e-6)
        # the titles name no step (the same at every step: the browser moves data only); the summary names it
        assert f["att_fig_step"]["layout"]["title"]["text"] == "Scores and softmax weights at step t"
        assert f["att_fig_probs"]["layout"]["title"]["text"] == "Output distribution p(y_t) at step t"
        shape = f["att_fig_heat"]["layout"]["shapes"][0]  # the outlined row of the heatmap
        assert shape["y0"] == t - 0.5
    from rnnviz.i18n import t as translate
    from rnnviz.labs import attention as lab

    shown = [m.value for m in at.markdown]
    for k in range(1, 11):
        summ = lab.step_summary(dec, k)
        others = ", ".join(f"'{c}' {p:.3f}" for c, p in summ["top"][1:])
        assert translate("attention.step_summary", "en", t=k, c=summ["char"], p=summ["prob"], others=others) in shown


def test_link_step_is_clamped():
    for raw, want in (("99", 10), ("0", 1), ("abc", 1), ("7", 7)):
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.query_params["att_step"] = raw
        at.run()
        _ok(at)
        assert at.session_state["att_step"] == want
        shape = _figs(at)["att_fig_heat"]["layout"]["shapes"][0]
        assert shape["y0"] == want - 0.5


@pytest.mark.parametrize("kind", ["general", "concat"])
def test_score_switch_uses_that_model(kind):
    at = _app()
    before = _specs(at)
    at.selectbox(key="att_score").set_value(kind).run()
    _ok(at)
    z = decode(_figs(at)["att_fig_heat"]["data"][0]["z"])
    np.testing.assert_allclose(z, S.decode(S.load_shipped(kind), TEXT).weights, rtol=1e-6, atol=1e-9)
    assert _specs(at)["att_fig_heat"] != before["att_fig_heat"]


def test_baseline_has_no_heatmap_but_an_explanation():
    at = _app()
    at.selectbox(key="att_score").set_value("none").run()
    _ok(at)
    assert "att_fig_heat" not in _specs(at)
    assert at.info and not at.error
    assert "att_fig_probs" in _specs(at)


def test_example_picker_fills_the_text_and_chinese_input_works():
    at = _app()
    before = _specs(at)
    at.selectbox(key="att_example").set_value("2021年3月3日").run()
    _ok(at)
    assert at.text_input(key="att_text").value == "2021年3月3日"
    assert _specs(at)["att_fig_heat"] != before["att_fig_heat"]
    f = _figs(at)["att_fig_heat"]
    assert f["layout"]["xaxis"]["ticktext"] == list("2021年3月3日")
    out = S.decode(S.load_shipped("dot"), "2021年3月3日").output
    assert any(f"**{out}**" in m.value for m in at.markdown)


def test_typed_text_and_longest_input():
    at = _app()
    at.text_input(key="att_text").input("the 23rd of september, 1987").run()
    _ok(at)
    out = S.decode(S.load_shipped("dot"), "the 23rd of september, 1987").output
    assert any(f"**{out}**" in m.value for m in at.markdown)
    long = "Wednesday, September 23rd 2037" + " " * 10  # 40 characters, the maximum
    at.text_input(key="att_text").input(long).run()
    _ok(at)
    assert not at.error
    assert decode(_figs(at)["att_fig_heat"]["data"][0]["z"]).shape == (10, 40)


@pytest.mark.parametrize("text,needle", [("3 März 2021", "Unknown characters `ä`"), ("", "empty"),
                                         ("   ", "empty"), ("2021/3/3 <b>", "Unknown characters")])
def test_bad_input_gives_a_message_not_a_traceback(text, needle):
    at = _app()
    at.text_input(key="att_text").input(text).run()
    _ok(at)
    assert any(needle in e.value for e in at.error), [e.value for e in at.error]
    assert "att_fig_heat" not in _specs(at)


def test_bottleneck_view_matches_an_independent_evaluation():
    at = _app()
    at.select_slider(key="att_n_eval").set_value(500).run()
    _ok(at)
    fig = _figs(at)["att_fig_bottleneck"]
    test = S.heldout(500)
    for i, kind in enumerate(S.MODEL_KINDS):
        r = S.evaluate(S.load_shipped(kind), test)
        bins = S.accuracy_by_length_bins(r)
        np.testing.assert_allclose(decode(fig["data"][i]["y"]), [100 * b[1] for b in bins], rtol=1e-9)
    df = at.dataframe[0].value
    assert len(df) == 4


def test_teacher_forcing_tab_shipped_curves_and_decay_switch():
    at = _app()
    shipped = ST.load_tf_curves()
    fig = _figs(at)["att_fig_tf"]
    names = [tr_["legendgroup"] for tr_ in fig["data"][::2]]
    assert names == ["teacher", "free", "inverse_sigmoid"]
    np.testing.assert_allclose(decode(fig["data"][0]["y"]), shipped["runs"]["teacher"]["loss"])
    eps = decode(fig["data"][5]["y"])  # epsilon of the decay run
    np.testing.assert_allclose(eps, [S.epsilon("inverse_sigmoid", i, 300) for i in range(300)], atol=1e-5)
    for decay in ("linear", "exponential"):
        before = _specs(at)["att_fig_tf"]
        at.selectbox(key="att_decay").set_value(decay).run()
        _ok(at)
        assert _specs(at)["att_fig_tf"] != before
        assert _figs(at)["att_fig_tf"]["data"][4]["legendgroup"] == decay


def test_short_comparison_runs_train_live():
    at = _app()
    at.select_slider(key="att_tf_steps").set_value(100).run()
    _ok(at)
    fig = _figs(at)["att_fig_tf"]
    assert len(decode(fig["data"][0]["y"])) == 100
    np.testing.assert_allclose(decode(fig["data"][5]["y"]), [S.epsilon("inverse_sigmoid", i, 100) for i in range(100)],
                               atol=1e-5)
    df = at.dataframe[1].value
    assert len(df) == 3


def test_chinese():
    at = _app("zh")
    assert "注意力" in at.title[0].value
    assert "注意力权重" in _figs(at)["att_fig_heat"]["layout"]["title"]["text"]
    assert not at.error
