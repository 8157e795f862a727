"""Train live: the state shown is the state that is (no timing assertions: the thread is held on an Event),
and a pasted text too short for batch x BPTT is rejected by the config check, naming the minimum."""
from __future__ import annotations

import threading

import pytest

from rnnviz import train as T
from rnnviz.train_runner import TrainingRunner
from rnnviz.data import load_sonnets

TEXT = load_sonnets()[:20000]


def _cfg(**kw):
    base = dict(task="lm", cell="GRU", hidden_size=8, bptt=8, batch_size=4, lr=0.01, optimizer="Adam", clip=1.0,
                seed=0, max_steps=100000, probe_every=None, eval_every=None, probe_len=8, probe_size=2, text=TEXT)
    base.update(kw)
    return T.TrainConfig(**base)


@pytest.fixture
def held_step(monkeypatch):
    """Trainer.step blocks at its 3rd call until ``release`` is set; ``entered`` says it is blocked there."""
    entered, release = threading.Event(), threading.Event()
    calls = {"step": 0, "probe": 0, "evaluate": 0}
    step, probe, evaluate = T.Trainer.step, T.Trainer.probe, T.Trainer.evaluate

    def held(self):
        calls["step"] += 1
        if calls["step"] == 3:
            entered.set()
            assert release.wait(60), "test never released the step"
        return step(self)

    def counted(name, fn):
        def wrapper(self, *a, **k):
            calls[name] += 1
            return fn(self, *a, **k)
        return wrapper

    monkeypatch.setattr(T.Trainer, "step", held)
    monkeypatch.setattr(T.Trainer, "probe", counted("probe", probe))
    monkeypatch.setattr(T.Trainer, "evaluate", counted("evaluate", evaluate))
    yield entered, release, calls
    release.set()


def test_stopped_is_shown_only_after_the_thread_has_exited(held_step):
    entered, release, calls = held_step
    r = TrainingRunner(_cfg(probe_every=1, eval_every=1)).start()
    assert entered.wait(60)
    r.stop(wait=0)  # the thread is inside a step: it cannot have exited
    assert r.is_alive
    assert r.state == "stopping" and r.snapshot()["state"] == "stopping"
    before = dict(calls)
    release.set()
    r.stop(wait=60)  # asking again just waits for the thread
    assert not r.is_alive
    assert r.state == "stopped" and r.snapshot()["state"] == "stopped"
    # the step in progress finished; no probe or evaluation ran after the stop was asked for
    assert calls["probe"] == before["probe"] and calls["evaluate"] == before["evaluate"]
    assert r.snapshot()["step"] == 3


def test_a_final_state_set_by_a_live_thread_reads_stopping():
    # the thread sets its final state as its last act: until it has returned, the state is "stopping"
    r = TrainingRunner(_cfg())
    gate = threading.Event()
    r._thread = threading.Thread(target=gate.wait, daemon=True)
    r._thread.start()
    r._state = "stopped"
    assert r.state == "stopping"
    gate.set()
    r._thread.join()
    assert r.state == "stopped"


def test_stop_before_start_is_stopped_at_once():
    r = TrainingRunner(_cfg())
    r.stop(wait=0)
    assert r.state == "stopped" and not r.is_alive


@pytest.mark.parametrize("batch,bptt", [(1, 4), (8, 16), (32, 32), (64, 128), (128, 4)])
def test_min_text_length_is_exact(batch, bptt):
    n = T.min_text_length(batch, bptt)
    T.Trainer(_cfg(batch_size=batch, bptt=bptt, text=TEXT[:n], max_steps=1, probe_len=32))  # builds
    with pytest.raises(ValueError, match="too short"):  # one character less: the trainer itself refuses it
        T.Trainer(_cfg(batch_size=batch, bptt=bptt, text=TEXT[:n - 1], max_steps=1, probe_len=32))
    with pytest.raises(ValueError, match=rf"at least {n}\b"):
        T.check_text_fits(TEXT[:n - 1], batch, bptt)


def test_short_pasted_text_is_rejected_by_the_page_config_naming_the_minimum():
    from rnnviz.labs.train_live import TrainLiveConfig

    n = T.min_text_length(32, 32)
    cfg = TrainLiveConfig(task="lm", corpus="pasted", text=TEXT[:n - 1], batch=32, bptt=32)
    with pytest.raises(ValueError, match=rf"too short for batch size 32 x BPTT length 32: it has {n - 1} characters, at least {n}\b"):
        cfg.train_config()
    assert cfg.__class__(**{**cfg.__dict__, "text": TEXT[:n]}).train_config().text == TEXT[:n]
