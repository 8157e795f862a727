"""AppTest of app_pages/train_live.py: loads; every control changed once (extremes included) followed by a
short real run; the numbers on screen are the runner's; Start/Pause/Stop/Reset; bad input -> a message."""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import train as T
from rnnviz.train_runner import TrainingRunner
from tests.pages.plotly_data import decode, figures

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "train_live.py")
SHORT = 12  # steps of the short runs


def _app(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _fig(at: AppTest, needle: str) -> dict:
    for f in figures(at):
        title = (f["layout"].get("title") or {}).get("text", "")
        if needle in title:
            return f
    raise AssertionError(f"no figure with {needle!r} in its title")


def _ema(at: AppTest) -> np.ndarray:
    for tr in _fig(at, "Loss (step")["data"]:
        if tr.get("name") == "moving average":
            return decode(tr["y"])
    return np.array([])


def _wait_done(at: AppTest, timeout: float = 60.0) -> TrainingRunner:
    runner = at.session_state["tl_runner"]
    end = time.monotonic() + timeout
    while runner.is_alive and time.monotonic() < end:
        time.sleep(0.02)
    assert not runner.is_alive, "the run did not end"
    return runner


def _short_run(at: AppTest) -> TrainingRunner:
    at.button(key="tl_start").click().run()
    _ok(at)
    runner = _wait_done(at)
    at.run()
    _ok(at)
    return runner


def test_loads_with_empty_charts_and_the_reference_model():
    at = _app()
    assert len(at.get("plotly_chart")) == 4
    assert "Start" in at.info[0].value
    samples = [c for c in at.code if c.proto.language != "latex"]  # the equations' LaTeX source is a code box too
    assert len(samples) == 1 and len(samples[0].value) == 300  # samples of the shipped reference model
    assert any("reference model" in c.value for c in at.caption)
    assert not at.error
    assert at.button(key="tl_pause").disabled and at.button(key="tl_stop").disabled and at.button(key="tl_reset").disabled


def _threshold(at: AppTest) -> list[float]:
    """y of the dashed clipping-threshold lines of the gradient-norm figure."""
    return [sh["y0"] for sh in _fig(at, "Global gradient norm")["layout"].get("shapes", [])]


@pytest.fixture(scope="module")
def baseline() -> dict:
    at = _app(tl_max_steps=SHORT, tl_hidden=16, tl_batch=8)
    _short_run(at)
    assert _threshold(at) == [1.0]
    return {"ema": _ema(at), "threshold": _threshold(at)}


@pytest.mark.parametrize("changes, check", [
    ({"tl_cell": "RNN"}, lambda c: c.cell == "RNN"),
    ({"tl_cell": "GRU"}, lambda c: c.cell == "GRU"),
    ({"tl_hidden": 8}, lambda c: c.hidden_size == 8),
    ({"tl_hidden": 256, "tl_batch": 1}, lambda c: c.hidden_size == 256 and c.batch_size == 1),
    ({"tl_layers": 2}, lambda c: c.layers == 2),
    ({"tl_bptt": 4}, lambda c: c.bptt == 4),
    ({"tl_bptt": 128}, lambda c: c.bptt == 128),
    ({"tl_batch": 128}, lambda c: c.batch_size == 128),
    ({"tl_optimizer": "SGD"}, lambda c: c.optimizer == "SGD"),
    ({"tl_lr": 0.0001}, lambda c: c.lr == 0.0001),
    ({"tl_lr": 3.0}, lambda c: c.lr == 3.0),
    ({"tl_clip": "off"}, lambda c: c.clip is None),
    ({"tl_clip": "0.1"}, lambda c: c.clip == 0.1),
    ({"tl_clip": "10"}, lambda c: c.clip == 10.0),
    ({"tl_seed": 2**31 - 1}, lambda c: c.seed == 2**31 - 1),
    ({"tl_corpus": "pasted", "tl_text": "to be or not to be, that is the question. " * 30},
     lambda c: c.text is not None and c.text.startswith("to be")),
    ({"tl_task": "names"}, lambda c: c.task == "names"),
])
def test_each_control_reaches_the_run_and_changes_the_figures(changes, check, baseline):
    state = {"tl_max_steps": SHORT, "tl_hidden": 16, "tl_batch": 8, **changes}
    at = _app(**state)
    runner = _short_run(at)
    assert check(runner.config)
    snap = runner.snapshot()
    assert snap["state"] == "finished" and snap["step"] == SHORT
    ema = _ema(at)
    assert len(ema) == SHORT
    if "tl_clip" in changes:  # the threshold line moves (small Adam steps need no clipping, so the loss may not)
        assert _threshold(at) == ([] if runner.config.clip is None else [runner.config.clip])
    else:
        assert not np.allclose(ema, baseline["ema"])  # the figure data differs from the default run's
    assert "finished" in at.markdown[1].value or any("finished" in m.value for m in at.markdown)


def test_numbers_on_screen_are_the_runners():
    at = _app(tl_max_steps=SHORT, tl_hidden=16, tl_batch=8, tl_clip="0.1")
    runner = _short_run(at)
    snap = runner.snapshot()
    metrics = {m.label: m.value for m in at.metric}
    ev = snap["evals"][-1]
    assert metrics["Validation perplexity"] == f"{ev['ppl']:.2f}"
    assert ev["ppl"] == pytest.approx(math.exp(ev["loss"]))
    assert metrics["Clipped steps"] == str(sum(snap["clipped"]))
    assert metrics["Gradient norm ‖g‖"] == f"{snap['grad_norm'][-1]:.3g}"
    fig = _fig(at, "Global gradient norm")
    norm = decode(next(t for t in fig["data"] if t.get("name") == "‖g‖ before clipping")["y"])
    np.testing.assert_allclose(norm, snap["grad_norm"])
    clipped = [t for t in fig["data"] if str(t.get("name", "")).startswith("clipped")]
    assert clipped and len(decode(clipped[0]["x"])) == sum(snap["clipped"])
    heat = _fig(at, "probe batch")["data"][0]
    z = decode(heat["z"])
    np.testing.assert_allclose(z[:, -1], np.log10(snap["probe"][-1][-1]))
    # the model for the other pages
    rec = at.session_state["trained_model"]
    assert rec["task"] == "lm" and rec["steps"] == SHORT and rec["model"] is not runner.trainer.model


def test_names_task_confusion_and_typed_name():
    at = _app(tl_task="names", tl_max_steps=SHORT, tl_hidden=16, tl_batch=8, tl_name="Kowalski")
    assert _fig(at, "Kowalski")  # the reference model reads the name before any training
    runner = _short_run(at)
    snap = runner.snapshot()
    conf = decode(_fig(at, "Confusion")["data"][0]["z"])
    last = snap["evals"][-1]["confusion"]
    np.testing.assert_allclose(conf, last / last.sum(1, keepdims=True))
    acc = {m.label: m.value for m in at.metric}["Test accuracy"]
    assert acc == f"{100 * snap['evals'][-1]['accuracy']:.1f}%"
    probs_fig = _fig(at, "Kowalski")
    P = T.name_char_probs(snap["model_record"]["model"], "Kowalski")
    top = int(np.argmax(P[-1]))
    first = probs_fig["data"][0]
    assert first["name"] == snap["model_record"]["classes"][top]
    np.testing.assert_allclose(decode(first["y"]), 100 * P[:, top], rtol=1e-9)
    at.text_input(key="tl_name").set_value("Nguyen").run()
    _ok(at)
    assert _fig(at, "Nguyen")
    at.text_input(key="tl_name").set_value("Dvořák").run()
    _ok(at)
    assert any("unsupported" in e.value for e in at.error)


def test_temperature_extremes_change_the_samples():
    at = _app()
    texts = []
    for tau in (0.1, 2.0):
        at.slider(key="tl_temperature").set_value(tau).run()
        _ok(at)
        texts.append(next(c for c in at.code if c.proto.language != "latex").value)
    assert texts[0] != texts[1]
    # at a low temperature the reference model's text is mostly letters and spaces; at 2.0 it is noisier
    assert sum(c.isalpha() or c == " " for c in texts[0]) > sum(c.isalpha() or c == " " for c in texts[1])


@pytest.mark.parametrize("text, message", [("", "empty"), ("too short", "too short")])
def test_bad_pasted_text_gives_a_message_not_a_traceback(text, message):
    at = _app(tl_corpus="pasted", tl_text=text)
    assert any(message in e.value for e in at.error)
    assert at.button(key="tl_start").disabled


def test_start_pause_resume_stop_reset():
    at = _app(tl_max_steps=100000, tl_hidden=16, tl_batch=8)
    at.button(key="tl_start").click().run()
    _ok(at)
    runner = at.session_state["tl_runner"]
    end = time.monotonic() + 30
    while runner.snapshot()["step"] < 3 and time.monotonic() < end:
        time.sleep(0.02)
    at.button(key="tl_pause").click().run()
    _ok(at)
    assert runner.state == "paused"
    assert not at.button(key="tl_stop").disabled
    at.button(key="tl_start").click().run()  # Start continues a paused run
    assert runner.state == "running" and at.session_state["tl_runner"] is runner
    at.button(key="tl_stop").click().run()
    _ok(at)
    assert runner.state == "stopped" and not runner.is_alive
    n = runner.snapshot()["step"]
    assert n >= 3 and len(_ema(at)) == n
    at.button(key="tl_reset").click().run()
    _ok(at)
    assert "tl_runner" not in at.session_state
    assert len(_ema(at)) == 0


def test_changed_settings_during_a_run_are_flagged():
    at = _app(tl_max_steps=100000, tl_hidden=16, tl_batch=8)
    at.button(key="tl_start").click().run()
    at.radio(key="tl_cell").set_value("GRU").run()
    _ok(at)
    assert any("differ" in w.value for w in at.warning)
    at.session_state["tl_runner"].stop()


@pytest.mark.parametrize("preset", ["explode", "clip", "lstm", "names"])
def test_presets(preset):
    at = _app()
    at.button(key=f"preset_{preset}").click().run()
    _ok(at)
    assert at.radio(key="tl_cell").value == {"explode": "RNN", "clip": "RNN", "lstm": "LSTM", "names": "GRU"}[preset]
