"""AppTest for the hidden-state page: loads; every control changed once without exception and
with a visible effect; what is drawn equals the compute layer (states, ranking, connectivity);
typed text is data; bad input gives a readable error; Chinese UI; session-model hook."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz.hidden import models as HM
from rnnviz.labs import hidden as lab
from tests.pages.plotly_data import decode, figures

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "hidden.py")


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def fresh(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=600)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    return at


def snapshot(at) -> list:
    return [str(f["data"])[:20000] for f in figures(at)] + [m.value for m in at.markdown] + \
        [c.value for c in at.caption] + [str(x.proto) for x in at.get("html")]


def widget(at, key):
    for kind in ("slider", "number_input", "selectbox", "radio", "text_area", "text_input"):
        for w in getattr(at, kind):
            if w.key == key:
                return w
    raise AssertionError(f"no widget {key}")


CHOSEN_IN_BROWSER = ("hd_unit",)
"""Chosen with the live component (rnnviz/assets/live/); the server reads it from session state, where
the component's settled choice, a ranking button or the URL puts it."""


def choose(at, key: str, value) -> None:
    """What the page does when the browser's choice settles: the value lands in session state."""
    at.session_state[key] = value
    at.run()


def test_defaults_draw_the_engine_states_and_every_control_changes_something():
    at = fresh()
    ok(at)
    text = lab.sonnet_text(18)
    model = HM.shipped("lstm")
    S = lab.states(model, text)
    heat = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"][0]
    np.testing.assert_allclose(decode(heat["data"][0]["z"]), S.h.T, rtol=1e-6, atol=1e-9)
    # the ranking caption names the best unit of the compute layer
    rank = lab.ranking(S, "line_pos")
    assert any(f"unit {int(rank.top[0])} correlates best" in c.value for c in at.caption)
    # the connectivity caption: the argmax of row t of the compute layer
    inf = lab.influence(model, text, "top")
    k = int(np.nanargmax(inf.C[39, :40]))
    assert any(f"is character {k + 1}" in m.value for m in at.markdown)
    # the in-browser slider of the influence text: one step per character, each row C[t] / max C[t, :t]
    fig = [f for f in figures(at) if f["layout"].get("sliders")][0]
    steps = fig["layout"]["sliders"][0]["steps"]
    assert len(steps) == inf.C.shape[0] and fig["layout"]["sliders"][0]["active"] == 39
    for t in (1, 40, 300):
        colour = np.array(steps[t - 1]["args"][0]["marker.color"][0])
        row = inf.C[t - 1, :t]
        np.testing.assert_allclose(colour[:t], np.round(row / row.max(), 3), atol=1e-12)
        assert np.all(colour[t:] == -1.0)

    changes = [
        ("hd_unit", 5), ("hd_pattern", "vowel"), ("hd_span_start", 7), ("hd_span_end", 7), ("hd_threshold", 0.1),
        ("hd_t", 12), ("hd_readout", "next"), ("hd_dims", 3), ("hd_color", "pattern"), ("hd_sonnet", 1),
        ("hd_model", "gru"),
    ]
    for key, value in changes:
        before = snapshot(at)
        if key in CHOSEN_IN_BROWSER:
            choose(at, key, value)
        else:
            widget(at, key).set_value(value).run()
        ok(at)
        assert snapshot(at) != before, key
    # the unit buttons of the ranking colour the text by their unit
    buttons = [b for b in at.button if b.key and b.key.startswith("hd_pick_")]
    assert len(buttons) == lab.TOP_UNITS
    target = buttons[-1]
    target.click().run()
    ok(at)
    assert at.session_state["hd_unit"] == int(target.key.rsplit("_", 1)[1])


def test_regex_and_typed_text_are_data():
    at = fresh(hd_source="typed", hd_text='<b>bold</b> & "quoted (x)" $x$ `tick`\nline two', hd_pattern="regex",
               hd_regex="[a-z]+", hd_t=5, hd_span_start=1, hd_span_end=3)
    # the model does not know '<', '>', '&', '$', '`': a readable error, no traceback
    assert not at.exception
    assert at.error and "does not know" in at.error[0].value
    at = fresh(hd_source="typed", hd_text="And (so) 'tis: I <3 thee?\nO me!", hd_model="lstm")
    assert not at.exception and at.error
    at = fresh(hd_source="typed", hd_text="And (so, my love) 'tis sweet' thee;\nO me!", hd_pattern="regex",
               hd_regex="[a-z]+", hd_model="gru")
    ok(at)
    html = "".join(str(x.proto) for x in at.get("html"))
    assert "&#x27;</span>" in html  # the quote character is escaped inside its span, never raw HTML
    widget(at, "hd_regex").set_value("(").run()
    assert not at.exception
    assert any("regular expression" in e.value for e in at.error)
    widget(at, "hd_pattern").set_value("bracket").run()
    ok(at)
    widget(at, "hd_source").set_value("sonnet").run()
    # sonnet 18 has no brackets: the ranking says so in place, the rest of the page still renders
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Cannot show this setting: `the pattern is off at every character of this text, so no unit can correlate "
        "with it; choose a text where it changes`"]  # sh.show_error quotes the whole message as code
    assert len(figures(at)) == 5  # every chart but the ranking
    assert widget(at, "hd_text").disabled


def test_empty_and_too_long_text():
    at = fresh(hd_source="typed", hd_text="   ")
    assert not at.exception and at.error
    at = fresh(hd_source="typed", hd_text="ab")
    ok(at)


def test_session_model_hook_lists_a_model_trained_here():
    from rnnviz import train

    cfg = train.TrainConfig(task="lm", cell="GRU", hidden_size=16, max_steps=1)
    vocab = "".join(sorted(set(lab.sonnets()[0])))
    model = train.CharRNN(train.CharRNNConfig("GRU", len(vocab), 16, 1, len(vocab)))
    rec = train.trained_model_record(model, cfg, vocab, (), 1)
    at = fresh(trained_model=rec, hd_model="session")
    ok(at)
    assert "session" in widget(at, "hd_model").options or any("session" in str(o) for o in widget(at, "hd_model").options)
    heat = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"][0]
    assert decode(heat["data"][0]["z"]).shape[0] == 16
    names = dict(rec, task="names")
    at = fresh(trained_model=names)
    ok(at)
    assert any("names" in i.value for i in at.info)


def test_chinese():
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.session_state["lang"] = "zh"
    at.run()
    ok(at)
    assert at.title[0].value == "隐藏状态内部"
    assert any("相关性最强" in c.value for c in at.caption)
    from rnnviz.i18n import hidden as strings
    from tests.pages.plotly_data import live_data

    views = live_data(at)["multi"]["views"]  # the unit text's placeholder is the hidden lab's own string
    assert [v["pending"] for v in views] == [strings.STRINGS["hidden.unit_pending"]["zh"]]
    # the coloured text of every unit (spliced in from its own cache) is rnnviz.labs.hidden_select's, in Chinese
    from rnnviz.labs import hidden_select as hs

    text = lab.sonnet_text(18)
    want = hs.unit_view(lab.states(HM.shipped("lstm"), text).h, text, 0, "zh")
    assert {k: views[0][k] for k in want} == want and len(want["data"]) == 64


def test_unit_link_and_browser_choice():
    """``?hd_unit=`` (a link made in the browser) draws that unit; a bad value falls back; the browser's
    settled choice (the live component's value) becomes the server's unit and the URL's."""
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["hd_unit"] = "7"
    at.run()
    ok(at)
    assert at.session_state["hd_unit"] == 7
    assert any(c.value.startswith("Unit 7 ranges") for c in at.caption)
    heat = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"][0]
    assert [s["y0"] for s in heat["layout"]["shapes"]] == [6.5]
    bad = AppTest.from_file(PAGE, default_timeout=600)
    bad.query_params["hd_unit"] = "<b>"
    bad.run()
    ok(bad)
    assert bad.session_state["hd_unit"] == 0
    choose(at, "hd_unit", 12)
    ok(at)
    assert at.query_params["hd_unit"] == "12" and any(c.value.startswith("Unit 12 ranges") for c in at.caption)


def char_lm(cell: str = "LSTM", H: int = 8, layers: int = 1, n_out=None, seed: int = 3):
    """A small untrained character model over the sonnets' alphabet (the train-live page's CharRNN)."""
    import torch

    from rnnviz import train

    vocab = "".join(sorted(set(lab.sonnets()[0])))
    torch.manual_seed(seed)
    return train.CharRNN(train.CharRNNConfig(cell, len(vocab), H, layers, n_out)), vocab


def upload(at, name: str, data: bytes):
    at.file_uploader(key="hd_byo_file").upload(name, data, "application/octet-stream").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_uploaded_train_live_model_is_a_model_choice_and_is_drawn():
    """The train-live page's download (rnnviz.byo.char_model_bytes) uploaded here becomes the model shown:
    listed under Model, chosen, named, and the heatmap holds torch's own hidden states of it."""
    import torch

    from rnnviz import byo
    from rnnviz.i18n import t

    model, vocab = char_lm("GRU", H=12)
    at = fresh()
    ok(at)
    label = t("hidden.model_upload", "en")  # the list shows labels; its value is the model's key
    assert label not in widget(at, "hd_model").options
    upload(at, "mine.pt", byo.char_model_bytes(model, vocab))
    ok(at)
    assert widget(at, "hd_model").options[-1] == label and widget(at, "hd_model").value == "upload"
    assert any("mine.pt" in c.value and "nn.GRU, 12 units" in c.value for c in at.caption)
    text = lab.sonnet_text(18)
    x = torch.tensor([vocab.index(ch) for ch in text])
    with torch.no_grad():
        h, _ = model.double().rnn(model.inputs(x))  # (T, H)
    heat = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"][0]
    np.testing.assert_allclose(decode(heat["data"][0]["z"]), h.numpy().T, atol=1e-6)
    widget(at, "hd_model").set_value("rnn").run()  # the shipped models stay; the upload stays listed
    ok(at)
    assert widget(at, "hd_model").value == "rnn" and label in widget(at, "hd_model").options


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_uploads_give_a_clear_error_in_the_ui_language(lang, monkeypatch):
    """A file that is not a one-layer character language model, or not a model at all, gives an error saying
    why (translated where the hidden lab says it) and no traceback; a model kept before stays in use."""
    import io

    import torch

    from rnnviz import byo
    from rnnviz import streamlit_helpers as sh
    from rnnviz.i18n import t

    def saved(obj) -> bytes:
        buf = io.BytesIO()
        torch.save(obj, buf)
        return buf.getvalue()

    good, vocab = char_lm("LSTM", H=6)
    names, _ = char_lm("GRU", H=6, n_out=3)
    two, _ = char_lm("LSTM", H=6, layers=2)
    wrong = byo.char_model_bytes(good, vocab[:-1])  # one character short: weight_ih has one column too many
    bad = [
        ("plain.pt", saved(torch.nn.LSTM(5, 7).state_dict()),
         t("hidden.upload_plain", lang, name="plain.pt", kind="LSTM")),
        ("names.pt", byo.char_model_bytes(names, vocab, ("a", "b", "c")),
         t("hidden.upload_classes", lang, name="names.pt", n=3)),
        ("two.pt", byo.char_model_bytes(two, vocab), t("hidden.upload_layers", lang, name="two.pt", layers=2)),
        ("notes.pt", b"just some text, not a model", "not a readable PyTorch checkpoint"),
        ("big.pt", b"\0" * (sh.UPLOAD_MB * 1024 * 1024 + 1), "the limit is"),
        ("wrong.pt", wrong, "weight_ih_l0"),
    ]
    # the language for the page and for this process: AppTest formats the widgets' options here too when it
    # sends the next run's widget states (outside a script run, where the session's language is not known)
    monkeypatch.setattr(sh, "lang", lambda: lang)
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.run()
    ok(at)
    assert at.title[0].value == t("hidden.title", lang)
    for name, data, problem in bad:
        upload(at, name, data)
        errs = [e.value for e in at.error]
        assert len(errs) == 1 and name in errs[0] and problem in errs[0], (name, errs)
        assert t("hidden.model_upload", lang) not in widget(at, "hd_model").options and figures(at)
    upload(at, "good.pt", byo.char_model_bytes(good, vocab))
    ok(at)
    assert widget(at, "hd_model").value == "upload"
    for name, data, problem in bad[:2]:  # the model kept before stays listed and shown
        upload(at, name, data)
        assert any(problem in e.value for e in at.error)
        assert widget(at, "hd_model").value == "upload" and any("good.pt" in c.value for c in at.caption)
