"""rnnviz.train against PyTorch autograd, the engine, and closed forms."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnviz import train as T
from rnnviz.train_runner import TrainingRunner
from rnnviz.data import load_sonnets
from rnnviz.data import names as names_data
from tests.unit.torch_unroll import cell_step, probe_loss, unrolled_forward, unrolled_grad_norms

TEXT = load_sonnets()[:6000]


def small(task="lm", **kw):
    base = dict(task=task, cell="GRU", hidden_size=24, bptt=16, batch_size=8, lr=0.01, optimizer="Adam",
                clip=1.0, seed=0, max_steps=40, probe_every=10, eval_every=20, probe_len=12, probe_size=4)
    if task == "lm":
        base["text"] = TEXT
    base.update(kw)
    return T.TrainConfig(**base)


# --- the unrolled forward and the per-timestep gradient profile -------------------------------------
@pytest.mark.parametrize("cell", T.CELLS)
@pytest.mark.parametrize("layers", [1, 2])
def test_unrolled_forward_equals_fused_module(cell, layers):
    torch.manual_seed(1)
    model = T.CharRNN(T.CharRNNConfig(cell, 7, 5, layers, 3)).double()
    x = torch.randint(0, 7, (9, 4))
    fused, _ = model(x)
    unrolled, hs = unrolled_forward(model, x)
    assert len(hs) == layers and len(hs[0]) == 9
    torch.testing.assert_close(unrolled, fused, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", T.CELLS)
@pytest.mark.parametrize("task", T.TASKS)
def test_engine_profile_equals_autograd_retain_grad_on_one_layer(cell, task):
    torch.manual_seed(2)
    n_out = 4
    model = T.CharRNN(T.CharRNNConfig(cell, 6, 5, 1, n_out))
    x = torch.randint(0, 6, (8, 3))  # (T, B)
    y = torch.randint(0, n_out, (8, 3)) if task == "lm" else torch.randint(0, n_out, (3,))
    eng = T.probe_grad_norms(model, x, y, task)
    aut = unrolled_grad_norms(model, x, y, task)
    assert eng.shape == aut.shape == (1, 8)
    np.testing.assert_allclose(eng, aut, rtol=1e-9, atol=1e-12)
    assert np.all(eng > 0)


def test_profile_is_gradient_of_the_batch_loss_finite_difference():
    """Independent check of one entry: d L / d h_t along a direction, by central differences."""
    torch.manual_seed(3)
    model = T.CharRNN(T.CharRNNConfig("RNN", 5, 4, 1, 5)).double()
    x = torch.randint(0, 5, (6, 2))
    y = torch.randint(0, 5, (6, 2))
    logits, hs = unrolled_forward(model, x, retain=True)
    probe_loss("lm", logits, y).backward()
    g = hs[0][2].grad  # (B, H) total dL/dh_3

    # perturb h_3 directly and rerun the rest of the recursion by hand
    def loss_with(delta):
        W = [getattr(model.rnn, f"{n}_l0") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        h = torch.zeros(2, 4, dtype=torch.float64)
        outs = []
        for t in range(6):
            h, _ = cell_step("RNN", F.one_hot(x[t], 5).double(), h, None, *W)
            if t == 2:
                h = h + delta
            outs.append(h)
        lg = torch.stack(outs) @ model.readout.weight.T + model.readout.bias
        return probe_loss("lm", lg, y).item()

    d = torch.randn(2, 4, dtype=torch.float64)
    eps = 1e-6
    fd = (loss_with(eps * d) - loss_with(-eps * d)) / (2 * eps)
    assert fd == pytest.approx(float((g * d).sum()), rel=1e-6, abs=1e-10)


def test_two_layer_probe_has_both_layers_and_finite_values():
    tr = T.Trainer(small(layers=2, cell="LSTM"))
    p = tr.probe()
    assert p.shape == (2, tr.probe_x.shape[0])
    assert np.all(np.isfinite(p)) and np.all(p > 0)


def test_one_layer_probe_uses_the_engine(monkeypatch):
    from rnnviz import network

    calls = []
    real = network.run
    monkeypatch.setattr(network, "run", lambda *a, **k: calls.append(a[1].shape) or real(*a, **k))
    tr = T.Trainer(small())
    tr.probe()
    assert calls == [(tr.probe_x.shape[0], tr.probe_x.shape[1], len(tr.vocab))]  # the whole batch, once


@pytest.mark.parametrize("cell", T.CELLS)
@pytest.mark.parametrize("task", T.TASKS)
def test_engine_profile_equals_autograd_retain_grad_on_two_layers(cell, task):
    torch.manual_seed(5)
    model = T.CharRNN(T.CharRNNConfig(cell, 6, 5, 2, 4))
    x = torch.randint(0, 6, (7, 3))
    y = torch.randint(0, 4, (7, 3)) if task == "lm" else torch.randint(0, 4, (3,))
    eng = T.probe_grad_norms(model, x, y, task)
    aut = unrolled_grad_norms(model, x, y, task)
    assert eng.shape == aut.shape == (2, 7)
    np.testing.assert_allclose(eng, aut, rtol=1e-9, atol=1e-12)


# --- perplexity, accuracy, confusion -------------------------------------------------------------------
def test_perplexity_equals_exp_of_mean_cross_entropy_by_hand():
    torch.manual_seed(4)
    model = T.CharRNN(T.CharRNNConfig("LSTM", 10, 6, 1, 10))
    data = torch.randint(0, 10, (203,))
    res = T.lm_eval(model, data, streams=4)
    # by hand: the same streams, log-softmax in NumPy, mean negative log-likelihood
    x = data[:200].view(4, -1).T
    with torch.no_grad():
        z = model(x[:-1])[0].double().numpy()  # (49, 4, 10)
    logp = z - np.log(np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True)) - z.max(-1, keepdims=True)
    tgt = x[1:].numpy()
    nll = -np.take_along_axis(logp, tgt[..., None], axis=-1).mean()
    assert res["loss"] == pytest.approx(nll, rel=1e-5)
    assert res["ppl"] == pytest.approx(math.exp(nll), rel=1e-5)
    assert res["chars"] == tgt.size


def test_uniform_model_has_perplexity_equal_to_vocabulary_size():
    model = T.CharRNN(T.CharRNNConfig("GRU", 13, 4, 2, 13))
    with torch.no_grad():
        model.readout.weight.zero_()
        model.readout.bias.zero_()
    res = T.lm_eval(model, torch.randint(0, 13, (100,)))
    assert res["ppl"] == pytest.approx(13.0, rel=1e-6)


def test_names_eval_accuracy_and_confusion_match_independent_count():
    torch.manual_seed(5)
    C = len(names_data.LANGUAGES)
    model = T.CharRNN(T.CharRNNConfig("GRU", len(names_data.ALPHABET), 8, 1, C))
    _, test = names_data.split()
    items = test[::10]
    res = T.names_eval(model, items, C)
    preds = [int(np.argmax(T.name_char_probs(model, n)[-1])) for n, _ in items]  # one name at a time
    acc = np.mean([p == k for p, (_, k) in zip(preds, items)])
    assert res["accuracy"] == pytest.approx(acc)
    conf = res["confusion"]
    assert conf.sum() == len(items) and np.trace(conf) / conf.sum() == pytest.approx(acc)
    for (_, k), p in zip(items, preds):
        assert conf[k, p] >= 1


def test_name_char_probs_row_t_is_the_classification_of_the_prefix():
    torch.manual_seed(6)
    model = T.CharRNN(T.CharRNNConfig("LSTM", len(names_data.ALPHABET), 8, 2, 5))
    name = "Kowalski"
    P = T.name_char_probs(model, name)
    assert P.shape == (len(name), 5)
    np.testing.assert_allclose(P.sum(1), 1.0, rtol=1e-12)
    for t in range(1, len(name) + 1):
        x = torch.from_numpy(names_data.encode(name[:t]))[:, None]
        logits = model.classify(x, torch.tensor([t]))
        np.testing.assert_allclose(P[t - 1], torch.softmax(logits[0].double(), -1).detach().numpy(), rtol=1e-5)


def test_name_char_probs_rejects_bad_characters():
    model = T.CharRNN(T.CharRNNConfig("RNN", len(names_data.ALPHABET), 4, 1, 3))
    with pytest.raises(ValueError, match="unsupported"):
        T.name_char_probs(model, "Müller")
    with pytest.raises(ValueError, match="type a name"):
        T.name_char_probs(model, "   ")


# --- sampling -------------------------------------------------------------------------------------------
def test_temperature_scales_log_probabilities_closed_form():
    torch.manual_seed(7)
    model = T.CharRNN(T.CharRNNConfig("GRU", 9, 6, 1, 9))
    prefix = torch.randint(0, 9, (5,))
    p1 = T.next_char_probs(model, prefix, 1.0)
    for tau in (0.3, 2.0):
        q = p1 ** (1 / tau)
        np.testing.assert_allclose(T.next_char_probs(model, prefix, tau), q / q.sum(), rtol=1e-5)


def test_sampling_is_seeded_and_uses_the_vocabulary():
    torch.manual_seed(8)
    vocab = "abc \n"
    model = T.CharRNN(T.CharRNNConfig("LSTM", 5, 6, 1, 5))
    a = T.sample_text(model, vocab, 50, 1.0, seed=3)
    assert a == T.sample_text(model, vocab, 50, 1.0, seed=3)
    assert len(a) == 50 and set(a) <= set(vocab)
    with pytest.raises(ValueError):
        T.sample_text(model, vocab, 5, 0.0)


def test_low_temperature_sampling_is_greedy():
    model = T.CharRNN(T.CharRNNConfig("RNN", 3, 4, 1, 3))
    with torch.no_grad():
        model.readout.weight.zero_()
        model.readout.bias.copy_(torch.tensor([0.0, 1.0, 0.5]))
    assert T.sample_text(model, "xyz", 20, 0.01, seed=0) == "y" * 20


# --- training --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", T.TASKS)
def test_short_seeded_run_lowers_the_loss(task):
    cfg = small(task, max_steps=80, cell="GRU", hidden_size=32, batch_size=16)
    out = [m for m in T.train_steps(T.Trainer(cfg)) if m["step"] > 0]
    losses = [m["loss"] for m in out]
    assert len(losses) == 80
    assert np.mean(losses[-10:]) < 0.85 * np.mean(losses[:5])
    evals = [m["eval"] for m in out if "eval" in m]
    assert evals  # evaluation ran during training


def test_same_seed_same_run():
    a = [m.get("loss") for m in T.train_steps(T.Trainer(small(max_steps=10)))]
    b = [m.get("loss") for m in T.train_steps(T.Trainer(small(max_steps=10)))]
    c = [m.get("loss") for m in T.train_steps(T.Trainer(small(max_steps=10, seed=1)))]
    assert a == b and a != c


def test_truncated_bptt_reads_consecutive_chunks_and_carries_state():
    tr = T.Trainer(small(bptt=5, batch_size=3))
    x1, y1 = tr.next_batch()
    x2, _ = tr.next_batch()
    assert x1.shape == (5, 3)
    torch.testing.assert_close(y1[:-1], x1[1:])  # targets are the next characters
    torch.testing.assert_close(x2[0], y1[-1])  # the next chunk continues the stream
    tr.step()
    assert tr.state is not None and not tr.state.requires_grad  # detached state carried over


@pytest.mark.parametrize("clip", [0.05, 0.5])
def test_clipping_bounds_the_global_norm_and_reports_the_norm_before(clip):
    cfg = small(cell="RNN", clip=clip, optimizer="SGD", lr=0.1)
    tr = T.Trainer(cfg)
    ref = T.Trainer(small(cell="RNN", clip=None, optimizer="SGD", lr=0.1))
    ref.model.load_state_dict(tr.model.state_dict())
    batch = tr.next_batch()
    # independent: plain autograd on a copy, norm of the unclipped gradient
    ref.opt.zero_grad()
    ref.loss_on(batch).backward()
    raw = math.sqrt(sum(float((p.grad ** 2).sum()) for p in ref.model.parameters()))
    tr.state = None
    m = tr.step(batch)
    after = math.sqrt(sum(float((p.grad ** 2).sum()) for p in tr.model.parameters()))
    assert m["grad_norm"] == pytest.approx(raw, rel=1e-5)
    assert m["clipped"] == (raw > clip)
    assert after <= clip * (1 + 1e-5)
    if raw > clip:
        assert after == pytest.approx(clip, rel=1e-4)


def test_without_clipping_the_gradient_is_untouched():
    tr = T.Trainer(small(clip=None, optimizer="SGD", lr=0.1))
    m = tr.step()
    after = math.sqrt(sum(float((p.grad ** 2).sum()) for p in tr.model.parameters()))
    assert m["grad_norm"] == pytest.approx(after, rel=1e-6)
    assert m["clipped"] is False


def test_nonfinite_gradient_is_reported_not_applied():
    tr = T.Trainer(small(clip=None))
    before = {k: v.clone() for k, v in tr.model.state_dict().items()}
    with torch.no_grad():
        tr.model.readout.bias[0] = float("nan")
    before["readout.bias"] = tr.model.readout.bias.clone()
    m = tr.step()
    assert not math.isfinite(m["grad_norm"])
    for k, v in tr.model.state_dict().items():
        torch.testing.assert_close(v, before[k], equal_nan=True)


@pytest.mark.parametrize("bad, match", [
    (dict(lr=0.0), "learning rate"), (dict(clip=-1.0), "clipping"), (dict(layers=3), "layers"),
    (dict(text=""), "empty"), (dict(text="abc" * 10), "too short"), (dict(cell="TCN"), "cell"),
    (dict(batch_size=64, bptt=500), "too short for batch"),
])
def test_bad_settings_raise_readable_value_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        T.Trainer(small(**bad))


# --- the background runner ------------------------------------------------------------------------------
def _wait(cond, timeout=30.0):
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        time.sleep(0.01)
    return cond()


def test_runner_runs_pauses_resumes_and_stops():
    r = TrainingRunner(small(max_steps=100000, probe_every=None, eval_every=None), snapshot_every=0.05)
    r.start()
    assert _wait(lambda: r.snapshot()["step"] >= 3)
    r.pause()
    assert _wait(lambda: r.snapshot()["state"] == "paused")
    time.sleep(0.1)
    n = r.snapshot()["step"]
    time.sleep(0.3)
    assert r.snapshot()["step"] <= n + 1  # at most the step in flight when pause was asked
    r.resume()
    assert _wait(lambda: r.snapshot()["step"] > n + 1)
    r.stop(wait=5.0)
    assert not r.is_alive
    snap = r.snapshot()
    assert snap["state"] == "stopped" and snap["error"] is None
    n = snap["step"]
    time.sleep(0.2)
    assert r.snapshot()["step"] == n
    assert snap["probe"] and snap["evals"] and snap["model_record"] is not None
    assert len(snap["loss"]) == len(snap["grad_norm"]) == len(snap["clipped"]) == n


def test_runner_stops_while_paused():
    r = TrainingRunner(small(max_steps=100000)).start()
    assert _wait(lambda: r.snapshot()["step"] >= 1)
    r.pause()
    r.stop(wait=5.0)
    assert not r.is_alive and r.snapshot()["state"] == "stopped"


def test_runner_stops_when_owner_session_is_gone():
    alive = {"v": True}
    r = TrainingRunner(small(max_steps=100000), alive=lambda: alive["v"]).start()
    assert _wait(lambda: r.snapshot()["step"] >= 2)
    alive["v"] = False
    assert _wait(lambda: not r.is_alive)
    assert r.snapshot()["state"] == "stopped"


def test_runner_finishes_and_publishes_the_model():
    r = TrainingRunner(small(max_steps=15)).start()
    assert _wait(lambda: not r.is_alive)
    snap = r.snapshot()
    assert snap["state"] == "finished" and snap["step"] == 15
    rec = snap["model_record"]
    assert rec["steps"] == 15 and rec["task"] == "lm" and rec["vocab"] == "".join(sorted(set(TEXT)))
    # the record is a copy: its model equals the trained one but is not the same object
    assert rec["model"] is not r.trainer.model
    for (k, a), (_, b) in zip(rec["model"].state_dict().items(), r.trainer.model.state_dict().items()):
        torch.testing.assert_close(a, b)


def test_runner_reports_errors_instead_of_dying_silently():
    r = TrainingRunner(small(text="ab" * 150, batch_size=64, bptt=64)).start()
    assert _wait(lambda: not r.is_alive)
    snap = r.snapshot()
    assert snap["state"] == "error" and "too short" in snap["error"]


# --- shipped weights -------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", T.TASKS)
def test_shipped_weights_load_small_and_with_the_right_shapes(task):
    fname, cfg = T.PRETRAINED[task]
    path = T.WEIGHTS_DIR / fname
    assert path.exists(), f"missing {path}: run scripts/train_charrnn.py"
    assert path.stat().st_size < T.MAX_WEIGHTS_BYTES
    state = torch.load(path, weights_only=True)
    rec = T.load_pretrained(task)
    assert set(state) == set(rec["model"].state_dict())
    assert rec["cell"] == cfg.cell and rec["model"].hidden_size == cfg.hidden_size


def test_shipped_names_model_is_accurate():
    rec = T.load_pretrained("names")
    _, test = names_data.split()
    res = T.names_eval(rec["model"], test, len(names_data.LANGUAGES))
    assert res["accuracy"] > 0.6


def test_shipped_lm_beats_unigram_perplexity():
    rec = T.load_pretrained("lm")
    text = load_sonnets()
    data = T.encode_text(text, rec["vocab"])
    val = data[-4000:]
    counts = np.bincount(data[:-len(data) // 10].numpy(), minlength=len(rec["vocab"])) + 1
    p = counts / counts.sum()
    unigram_ppl = math.exp(-np.log(p[val.numpy()]).mean())
    assert T.lm_eval(rec["model"], val)["ppl"] < 0.6 * unigram_ppl


def test_shipped_weights_with_wrong_shapes_are_rejected(tmp_path):
    bad = tmp_path / "bad.pt"
    torch.save(T.CharRNN(T.CharRNNConfig("GRU", len(names_data.ALPHABET), 8, 1, 20)).state_dict(), bad)
    with pytest.raises(ValueError, match="shape"):
        T.load_pretrained("names", path=bad)


def test_missing_weights_train_on_first_use_with_progress(tmp_path):
    seen = []
    rec = T.load_pretrained("names", progress=lambda f, msg: seen.append(f), path=tmp_path / "none.pt", max_steps=50)
    assert rec["steps"] == 50 and seen and seen[-1] == pytest.approx(1.0)
    assert rec["classes"] == names_data.LANGUAGES


def test_import_does_not_pull_streamlit():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import rnnviz.train, sys; print('streamlit' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the page's pure layer (rnnviz.labs.train_live) ------------------------------------------------------
from rnnviz.labs import train_live as lab  # noqa: E402


def test_ema_is_the_bias_corrected_moving_average():
    x = [2.0, 4.0, float("nan"), 1.0]
    got = lab.ema(x, beta=0.9)
    m1 = 0.1 * 2.0
    m2 = 0.9 * m1 + 0.1 * 4.0
    m4 = 0.9 * m2 + 0.1 * 1.0
    np.testing.assert_allclose(got, [m1 / 0.1, m2 / (1 - 0.81), m2 / (1 - 0.81), m4 / (1 - 0.729)])
    np.testing.assert_allclose(lab.ema([3.0] * 50), 3.0)
    assert np.isnan(lab.ema([float("inf")]))[0]


def test_decimate_keeps_the_last_point_and_the_requested_ones():
    np.testing.assert_array_equal(lab.decimate(5, 10), np.arange(5))
    idx = lab.decimate(10_000, 1000, keep=[3, 9998])
    assert len(idx) <= 1003 and idx[-1] == 9999 and 3 in idx and 9998 in idx
    assert np.all(np.diff(idx) > 0)


@pytest.mark.parametrize("text, value", [("off", None), ("0.25", 0.25), ("10", 10.0), (" OFF ", None)])
def test_parse_clip(text, value):
    assert lab.parse_clip(text) == value


@pytest.mark.parametrize("text", ["-1", "abc", "inf", "nan"])
def test_parse_clip_rejects_nonsense(text):
    with pytest.raises(ValueError, match="clipping"):
        lab.parse_clip(text)


def test_page_config_to_train_config():
    tc = lab.TrainLiveConfig(task="names", cell="GRU", hidden=32, layers=2, clip="off", lr=0.01).train_config()
    assert (tc.task, tc.cell, tc.hidden_size, tc.layers, tc.clip, tc.lr, tc.text) == ("names", "GRU", 32, 2, None, 0.01, None)
    n = T.min_text_length(lab.TrainLiveConfig.batch, lab.TrainLiveConfig.bptt)  # a shorter text is refused when pasted
    assert lab.TrainLiveConfig(corpus="pasted", text="x" * n).train_config().text == "x" * n
    assert lab.TrainLiveConfig(corpus="sonnets", text="ignored").train_config().text is None
    with pytest.raises(ValueError, match="at most"):
        lab.TrainLiveConfig(corpus="pasted", text="x" * (lab.MAX_TEXT_CHARS + 1)).train_config()


def test_live_view_of_a_real_run():
    r = TrainingRunner(small(max_steps=25, clip=0.05, layers=2)).start()
    assert _wait(lambda: not r.is_alive)
    snap = r.snapshot()
    v = lab.live_view(snap, "lm", max_points=10)
    assert v.step == 25 and v.state == "finished"
    assert len(v.steps) <= 11 and v.steps[-1] == 25
    np.testing.assert_allclose(v.loss, np.asarray(snap["loss"])[v.steps - 1])
    np.testing.assert_allclose(v.loss_ema, lab.ema(snap["loss"])[v.steps - 1])
    np.testing.assert_array_equal(v.clipped_steps, [s for s, c in zip(snap["steps"], snap["clipped"]) if c])
    assert v.n_clipped == sum(snap["clipped"]) > 0
    assert v.probe.shape == (2, r.trainer.probe_x.shape[0], len(snap["probe"]))
    np.testing.assert_allclose(v.eval_metric, [e["ppl"] for e in snap["evals"]])
    assert v.chars_per_s == pytest.approx(snap["chars"] / snap["train_time"])
    assert snap["chars"] == 25 * 8 * 16  # 25 steps of B=8 streams x k=16 characters
