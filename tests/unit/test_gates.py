"""rnnviz.gates and rnnviz.labs.gates against torch.nn, autograd and closed forms.

- gates and states shown on the page = the engine's Trace = torch.nn's forward (and gates
  recomputed with torch ops from the module's weights);
- the cell-path product of forget gates = autograd dc_T/dc_t through torch.nn.LSTM when the
  h-path is cut (W_hh = 0), and = brute-force products;
- the vanilla RNN's ||prod diag(tanh') W_hh|| = the spectral norm of autograd's dh_T/dh_t;
- the shipped models reach their stated accuracies (LSTM >> vanilla RNN at the longest gap);
- the coloured text escapes user text (<script>, <img onerror>).
"""
from __future__ import annotations

import dataclasses
import html
import math

import numpy as np
import pytest
import torch

from rnnviz import gates as G
from rnnviz import tasks as tk
from rnnviz.labs import gates as L
from rnnviz.plots import gates as P

TEXTS = {"recall": "ca*dabbcadbbacd?", "depth": "((x)(()x))((", "lm": "Shall I compare thee\nto a summer's day?"}


@pytest.fixture(scope="module")
def shipped():
    return {task: {cell: G.load(task, cell) for cell in G.CELLS} for task in G.TASKS}


def torch_gates(module: torch.nn.Module, x: torch.Tensor) -> dict[str, np.ndarray]:
    """Gates and states recomputed with torch ops from the module's weights, step by step (float64)."""
    W_ih, W_hh = module.weight_ih_l0.detach().double(), module.weight_hh_l0.detach().double()
    b_ih, b_hh = module.bias_ih_l0.detach().double(), module.bias_hh_l0.detach().double()
    H = module.hidden_size
    h = torch.zeros(H, dtype=torch.float64)
    c = torch.zeros(H, dtype=torch.float64)
    out: dict[str, list] = {}
    for xt in x.double():
        gi, gh = W_ih @ xt + b_ih, W_hh @ h + b_hh
        if isinstance(module, torch.nn.LSTM):
            i, f = torch.sigmoid(gi[:H] + gh[:H]), torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
            g, o = torch.tanh(gi[2 * H:3 * H] + gh[2 * H:3 * H]), torch.sigmoid(gi[3 * H:] + gh[3 * H:])
            c = f * c + i * g
            h = o * torch.tanh(c)
            vals = dict(i=i, f=f, g=g, o=o, c=c, h=h)
        elif isinstance(module, torch.nn.GRU):
            r, z = torch.sigmoid(gi[:H] + gh[:H]), torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
            n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
            h = (1 - z) * n + z * h
            vals = dict(r=r, z=z, n=n, h=h)
        else:
            h = torch.tanh(gi + gh)
            vals = dict(h=h)
        for k, v in vals.items():
            out.setdefault(k, []).append(v.numpy().copy())
    return {k: np.stack(v) for k, v in out.items()}


@pytest.mark.parametrize("task", G.TASKS)
@pytest.mark.parametrize("cell", G.CELLS)
def test_trace_of_trained_model_equals_torch(shipped, task, cell):
    model = shipped[task][cell]
    text = TEXTS[task]
    tr, probs = L.trace_model(model, text)
    m64 = G.as_float64(model)
    x = m64.one_hot(text).double()  # (T, V)
    with torch.no_grad():
        out, _ = m64.rnn(x)  # torch.nn fused forward
        logits, _ = m64(x)
    np.testing.assert_allclose(tr.h, out.numpy(), atol=1e-12, rtol=0)
    np.testing.assert_allclose(probs, torch.softmax(logits, -1).numpy(), atol=1e-12, rtol=0)
    ref = torch_gates(m64.rnn, x)
    q = L.quantities_of(tr)
    assert list(q) == {"LSTM": ["i", "f", "g", "o", "c", "h"], "GRU": ["r", "z", "n", "h"], "RNN": ["h"]}[cell]
    for name, arr in q.items():
        np.testing.assert_allclose(arr, ref[name], atol=1e-12, rtol=0, err_msg=name)
    if cell == "LSTM":  # c_t from torch.nn itself: run the fused module one step at a time
        hc = None
        cs = []
        with torch.no_grad():
            for t in range(len(text)):
                _, hc = m64.rnn(x[t:t + 1], hc)
                cs.append(hc[1][0].numpy().copy())
        np.testing.assert_allclose(tr.c, np.stack(cs), atol=1e-12, rtol=0)


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_analyse_shows_the_trace(shipped, cell):
    cfg = L.GatesConfig(gt_task="recall", gt_cell=cell, gt_gap=12, gt_seed=4, gt_fbias=1.5)
    res = L.analyse(cfg, shipped["recall"], G.new_model("recall", cell, seed=100))
    assert res.text == tk.recall_example(12, seed=4)[0]
    shifted = G.shift_carry_bias(shipped["recall"][cell], 1.5)
    tr, _ = L.trace_model(shifted, res.text)
    for name, arr in res.quantities.items():
        np.testing.assert_array_equal(arr, tr.c if name == "c" else tr.h if name == "h" else tr.gates[name])
    ref = torch_gates(G.as_float64(shifted).rnn, G.as_float64(shifted).one_hot(res.text).double())
    for name, arr in res.quantities.items():
        np.testing.assert_allclose(arr, ref[name], atol=1e-12, rtol=0)
    gate = G.CARRY_GATE[cell]
    np.testing.assert_allclose(res.carry, G.carry_product(ref[gate]), rtol=1e-12)
    # the base (no shift) product comes from the unshifted model
    ref0 = torch_gates(G.as_float64(shipped["recall"][cell]).rnn, G.as_float64(shifted).one_hot(res.text).double())
    np.testing.assert_allclose(res.carry_base, G.carry_product(ref0[gate]), rtol=1e-12)


def test_shift_carry_bias(shipped):
    for cell in ("LSTM", "GRU"):
        m = shipped["depth"][cell]
        s = G.shift_carry_bias(m, -2.0)
        H = m.rnn.hidden_size
        d = (s.rnn.bias_ih_l0 - m.rnn.bias_ih_l0).detach().numpy()
        np.testing.assert_allclose(d[H:2 * H], -2.0, atol=1e-6)
        assert np.all(d[:H] == 0) and np.all(d[2 * H:] == 0)
        assert torch.equal(s.rnn.bias_hh_l0, m.rnn.bias_hh_l0)
        # the gate moves exactly by the shift inside the sigmoid
        tr0, _ = L.trace_model(m, "((x)")
        tr1, _ = L.trace_model(s, "((x)")
        g = G.CARRY_GATE[cell]
        a0 = tr0.pre[0, H:2 * H]
        d64 = (s.rnn.bias_ih_l0.double() - m.rnn.bias_ih_l0.double()).detach().numpy()[H:2 * H]  # -2 in float32
        np.testing.assert_allclose(tr1.gates[g][0], 1 / (1 + np.exp(-(a0 + d64))), atol=1e-12)
    with pytest.raises(ValueError, match="no forget gate"):
        G.shift_carry_bias(shipped["depth"]["RNN"], 1.0)


# ---------------------------------------------------------------- gradient paths
def test_carry_product_brute_force():
    rng = np.random.default_rng(0)
    f = rng.uniform(0.05, 1.0, size=(9, 4))
    P = G.carry_product(f)
    for t in range(9):
        np.testing.assert_allclose(P[t], np.prod(f[t + 1:], axis=0), rtol=1e-12)
    assert np.all(P[-1] == 1.0)
    f[3, 2] = 0.0
    P = G.carry_product(f)
    assert np.all(P[:3, 2] == 0) and np.all(P[3:, 2] > 0)


def test_carry_product_is_dcT_dct_along_the_cell_path():
    """With W_hh = 0 the only path from c_t to c_T is the cell state itself, so autograd's
    dc_T/dc_t through torch.nn.LSTM must be diag(prod_{k>t} f_k)."""
    torch.manual_seed(0)
    T, I, H = 8, 3, 5
    lstm = torch.nn.LSTM(I, H, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_hh_l0.zero_()
    x = torch.randn(T, I, dtype=torch.float64)
    import rnnviz

    tr = rnnviz.trace(lstm, x)
    P = G.carry_product(tr.gates["f"])  # (T, H)
    for t in (0, 3, 6):
        c_t = torch.tensor(tr.c[t], requires_grad=True)
        h_t = torch.tensor(tr.h[t])

        def c_T(c):
            _, (_, cT) = lstm(x[t + 1:], (h_t[None], c[None]))
            return cT[0]

        J = torch.autograd.functional.jacobian(c_T, c_t).numpy()  # (H, H)
        np.testing.assert_allclose(J, np.diag(P[t]), atol=1e-12)


def test_rnn_path_norm_equals_autograd_jacobian(shipped):
    model = G.as_float64(shipped["recall"]["RNN"])
    text = "ab*cdabca?"
    x = model.one_hot(text).double()
    tr, _ = L.trace_model(shipped["recall"]["RNN"], text)
    norms = G.rnn_path_norm(tr)
    assert norms.shape == (len(text),)
    T = len(text)
    for t in range(T):
        h_t = torch.tensor(tr.h[t])

        def h_T(h):
            out, _ = model.rnn(x[t + 1:], h[None]) if t < T - 1 else (h[None], None)
            return out[-1]

        J = torch.autograd.functional.jacobian(h_T, h_t).numpy()
        assert norms[t] == pytest.approx(np.linalg.norm(J, 2), rel=1e-9, abs=1e-300)
    assert norms[-1] == pytest.approx(1.0)


def test_memory_horizon_closed_form():
    T, H = 60, 3
    f = np.full((T, H), 0.9)
    P = G.carry_product(f)
    np.testing.assert_allclose(P[:, 0], 0.9 ** (T - 1 - np.arange(T)), rtol=1e-12)
    # smallest L with 0.9**L < 1/e: L = floor(1 / -ln 0.9) + 1 = 10
    assert G.memory_horizon(P) == 10
    assert G.memory_horizon(G.carry_product(np.ones((T, H)))) == math.inf
    # 0.5**2 < 1/e < 0.5; 0.99**59 = 0.55 > 1/e: that unit remembers beyond the text
    assert G.unit_horizons(G.carry_product(np.column_stack([np.full(T, 0.5), np.full(T, 0.99)]))).tolist() == [
        2.0, math.inf]


def test_forget_bias_lengthens_the_memory_horizon(shipped):
    cfg = dict(gt_task="recall", gt_cell="LSTM", gt_gap=60, gt_seed=1)
    fresh = G.new_model("recall", "LSTM", seed=100)
    lo = L.analyse(L.GatesConfig(**cfg, gt_fbias=-4.0), shipped["recall"], fresh)
    hi = L.analyse(L.GatesConfig(**cfg, gt_fbias=4.0), shipped["recall"], fresh)
    assert lo.horizons["trained"] < lo.horizons["base"] <= hi.horizons["trained"]
    assert lo.horizons["fresh"] < hi.horizons["fresh"]
    # and recall breaks when the forget gate is pushed shut
    assert G.recall_accuracy(G.shift_carry_bias(shipped["recall"]["LSTM"], -4.0), 60, n=400) < 0.6


# ---------------------------------------------------------------- one unit, one step
@pytest.mark.parametrize("task,cell", [("recall", "LSTM"), ("lm", "GRU"), ("depth", "RNN"), ("lm", "LSTM")])
def test_unit_step_numbers(shipped, task, cell):
    text = TEXTS[task]
    tr, _ = L.trace_model(shipped[task][cell], text)
    H = tr.H
    for j, t in [(0, 1), (H - 1, len(text)), (H // 2, 4)]:
        num, lines = L.unit_step(tr, text, G.SPECS[task].vocab, j, t)
        assert num["h"] == pytest.approx(tr.h[t - 1, j], abs=1e-12)
        assert num["h_prev"] == (tr.h[t - 2, j] if t > 1 else 0.0)
        for k, g in enumerate(tr.gates):
            assert num[g] == pytest.approx(tr.gates[g][t - 1, j], abs=1e-12)
            if not (cell == "GRU" and g == "n"):
                assert num[f"a_{g}"] == pytest.approx(tr.pre[t - 1, k * H + j], abs=1e-12)
        if cell == "LSTM":
            assert num["c"] == pytest.approx(tr.c[t - 1, j], abs=1e-12)
            assert lines[-2].endswith("= " + L.fmt(num["c"]))
        assert lines[-1].endswith("= " + L.fmt(tr.h[t - 1, j]))
        for g in tr.gates:
            assert any(L.fmt(num[g]) in ln for ln in lines)


def test_fmt():
    assert L.fmt(-0.0001) == "0.000" and L.fmt(1.23456) == "1.235" and "inf" in L.fmt(float("inf"))


# ---------------------------------------------------------------- accuracies of the shipped models
def test_shipped_recall_lstm_beats_vanilla_rnn(shipped):
    acc = {cell: G.recall_accuracy(shipped["recall"][cell], G.GAP_MAX, n=1000) for cell in G.CELLS}
    assert acc["LSTM"] >= 0.98 and acc["GRU"] >= 0.98
    assert acc["RNN"] <= 0.70
    assert acc["LSTM"] - acc["RNN"] >= 0.3


def test_shipped_depth_and_lm_accuracy(shipped):
    for cell in ("LSTM", "GRU"):
        assert G.depth_accuracy(shipped["depth"][cell]) >= 0.98
        acc, bits = G.lm_accuracy(shipped["lm"][cell])
        assert acc >= 0.44 and bits <= 2.7
    assert G.depth_accuracy(shipped["depth"]["RNN"]) >= 0.9
    uniform_bits = math.log2(len(G.SPECS["lm"].vocab))
    assert G.lm_accuracy(shipped["lm"]["RNN"])[1] < uniform_bits - 2


def test_weights_are_small_and_checked(tmp_path):
    for task in G.TASKS:
        for cell in G.CELLS:
            assert G.weights_path(task, cell).stat().st_size < 2 * 1024 * 1024
    bad = tmp_path / "bad.pt"
    sd = G.new_model("depth", "LSTM").state_dict()
    sd["readout.weight"] = torch.zeros(3, 3)
    torch.save(sd, bad)
    with pytest.raises(ValueError, match="readout.weight"):
        G.load("depth", "LSTM", bad)
    with pytest.raises(FileNotFoundError):
        G.load("depth", "LSTM", tmp_path / "missing.pt")


def test_training_recipe_reaches_the_shipped_accuracy_band():
    """scripts/train_gates.py's recipe for the recall LSTM, checked by behaviour, not by bits.

    Trained weights are not bitwise reproducible across CPUs (AVX2 vs AVX512/AMX kernels round
    differently and training amplifies it; the exact comparison is scripts/check_gates_reproduction.py).
    What must hold anywhere:

    - the loss at step 1 (fixed initialisation and first batch: only rounding differs) is
      1.3895 +- 1e-3, and the mean over the first 50 steps (before learning starts) 1.388 +- 0.01;
    - learning happens: mean loss over steps 401-500 below 0.05, over the last 100 steps below 2e-3
      (this machine: 1.5e-4; three runs with the initial weights perturbed by 1e-6 relative, which
      is what other kernels do, gave 1.1e-4 to 1.9e-4 and 4e-3 to 9e-3 at steps 401-500);
    - the trained model is in the shipped model's accuracy band: >= 98 % recall at gaps 0, 10, 50
      and 100 (the shipped one: 100 %), as in test_shipped_recall_lstm_beats_vanilla_rnn.

    No time limit: a loaded machine must not cut the run short.
    """
    model, rep = G.train("recall", "LSTM", time_limit=math.inf)
    assert rep.steps == G.SPECS["recall"].steps == len(rep.history) == 3000
    h = np.asarray(rep.history)
    assert h[0] == pytest.approx(1.3895, abs=1e-3)
    assert h[:50].mean() == pytest.approx(1.388, abs=0.01)
    assert h[400:500].mean() < 0.05
    assert h[-100:].mean() < 2e-3
    for gap in (0, 10, 50, G.GAP_MAX):
        assert G.recall_accuracy(model, gap, n=1000) >= 0.98, gap
    assert rep.accuracy >= 0.98


def test_train_on_first_use_with_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(G, "WEIGHTS_DIR", tmp_path)
    monkeypatch.setitem(G.SPECS, "depth", dataclasses.replace(G.SPECS["depth"], steps=60))
    calls = []
    model, source = G.get_model("depth", "GRU", progress=lambda f, msg: calls.append((f, msg)))
    assert source == "trained" and isinstance(model.rnn, torch.nn.GRU)
    assert calls and calls[-1][0] == 1.0 and all(0 < f <= 1 for f, _ in calls)
    assert "step 60/60" in calls[-1][1]
    m2, rep = G.train("depth", "GRU", steps=60)
    assert rep.history[-1] < rep.history[0]  # it learns
    for k, v in model.state_dict().items():  # same seed, same weights
        assert torch.equal(v, m2.state_dict()[k])


# ---------------------------------------------------------------- input errors and escaping
def test_input_errors():
    with pytest.raises(ValueError, match="empty"):
        L.input_text(L.GatesConfig(gt_source="typed", gt_text=""))
    with pytest.raises(ValueError, match="does not know.*`X`"):
        L.input_text(L.GatesConfig(gt_source="typed", gt_text="ab*X?"))
    with pytest.raises(ValueError, match="`<`"):
        L.input_text(L.GatesConfig(gt_task="lm", gt_source="typed", gt_text="<script>alert(1)</script>"))
    with pytest.raises(ValueError, match="at most"):
        L.input_text(L.GatesConfig(gt_task="depth", gt_source="typed", gt_text="(" * 1000))
    assert L.input_text(L.GatesConfig(gt_task="lm", gt_source="typed", gt_text="Love is")) == "Love is"
    assert len(L.example_text(L.GatesConfig(gt_task="lm", gt_seed=2))) == L.LM_EXAMPLE_LEN


@pytest.mark.parametrize("text", ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">',
                                  "a'b\"c&d</span><b>bold</b>\nline2"])
def test_colored_text_escapes_user_text(text):
    out = P.colored_text_html(text, np.linspace(-1, 1, len(text)), "h")
    for bad in ("<script", "<img", "<b>", "onerror=\"alert", "</span><b>"):
        assert bad not in out
    assert out.count("<span ") == len(text)
    assert "&lt;" in out
    # unescaping the visible characters gives the text back (newline shown as the arrow)
    import re

    shown = "".join(html.unescape(m) for m in re.findall(r'">([^<]*)</span>', out))
    assert shown == text.replace("\n", "↵")


def test_colored_text_colours():
    out = P.colored_text_html("ab", np.array([0.0, 1.0]), "f")
    assert "background:rgb(0, 34, 78)" in out.replace("rgb(0,34,78)", "rgb(0, 34, 78)")  # Cividis at 0
    with pytest.raises(ValueError, match="one value per character"):
        P.colored_text_html("abc", np.zeros(2), "h")
    out = P.colored_text_html("ab", np.array([np.nan, 1.0]), "h")
    assert "rgb(160, 160, 160)" in out


# ---------------------------------------------------------------- presets and captions: what they claim holds
SEEDS = range(10)


def _preset(name: str, seed: int) -> L.GatesConfig:
    values = {**L.PRESETS[name][2], "gt_seed": seed}
    return L.GatesConfig(**values)


def test_every_preset_sets_the_seed():
    for name, (_, _, values) in L.PRESETS.items():
        assert "gt_seed" in values, name


def test_preset_recall_is_the_lstm_at_gap_80_over_seeds(shipped):
    """Caption: "LSTM on the recall task with a gap of 80 distractors"."""
    fresh = G.new_model("recall", "LSTM", seed=100)
    for seed in SEEDS:
        cfg = _preset("recall", seed)
        assert (cfg.gt_task, cfg.gt_cell, cfg.gt_fbias) == ("recall", "LSTM", 0.0)
        res = L.analyse(cfg, shipped["recall"], fresh)
        assert len(res.text) - res.text.index("*") - 3 == 80  # flag, flagged symbol, 80 distractors, "?"
        assert res.text.endswith("?") and res.summary["truth"] is not None


def test_preset_forget_shortens_the_horizon_and_lowers_recall_over_seeds(shipped):
    """Caption: "forget-gate bias lowered by 4: the memory horizon shortens and the recall accuracy at gap 80
    drops" (the page shows both numbers: gates.horizon and gates.recall_at_gap)."""
    fresh = G.new_model("recall", "LSTM", seed=100)
    for seed in SEEDS:
        cfg = _preset("forget", seed)
        assert cfg.gt_fbias == -4.0 and cfg.gt_gap == 80
        res = L.analyse(cfg, shipped["recall"], fresh)
        assert res.horizons["trained"] < res.horizons["base"], seed
    lstm = shipped["recall"]["LSTM"]
    weak = G.recall_accuracy(G.shift_carry_bias(lstm, -4.0), 80, n=400)  # what the page computes (recall_at)
    assert weak < G.recall_accuracy(lstm, 80, n=400) - 0.2


def test_preset_lm_is_the_gru_on_a_passage_of_the_sonnets_over_seeds(shipped):
    """Caption: "The GRU language model on a passage of the sonnets"."""
    from rnnviz.data import load_sonnets

    sonnets = load_sonnets()
    for seed in SEEDS:
        cfg = _preset("lm", seed)
        assert (cfg.gt_task, cfg.gt_cell) == ("lm", "GRU")
        text = L.input_text(cfg)
        assert len(text) == L.LM_EXAMPLE_LEN and text in sonnets


@pytest.mark.parametrize("task", G.TASKS)
@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_gradient_path_caption_is_computed_from_the_chart(shipped, task, cell):
    """The caption's numbers are the chart's values at t = 1 and its verdict follows from them: on the
    recall task the gated path keeps more, on bracket depth the trained vanilla RNN does (issue 10)."""
    res = L.analyse(L.GatesConfig(gt_task=task, gt_cell=cell), shipped[task], G.new_model(task, cell, seed=100))
    s = L.path_summary(res.carry, res.rnn_path)
    assert s["kept"] == res.carry[0].max() == res.carry[0, s["best"]]
    assert s["rnn"] == res.rnn_path[0]
    assert s["more"] == ("gated" if s["kept"] > s["rnn"] else "rnn" if s["rnn"] > s["kept"] else "equal")
    if task == "recall":
        assert s["more"] == "gated"
    if task == "depth":
        assert s["more"] == "rnn"


def test_bias_figure_has_one_legend_entry_per_line():
    """A hidden trace (visible=False) has no legend entry and no line; the figure always has three traces
    (the browser swaps them during a drag of Δ)."""
    P0 = np.full((5, 2), 0.5)
    fig = P.bias_figure(P0, P0, P0, 0.0, "abcde", "LSTM")
    names = [tr.name for tr in fig.data if tr.visible is not False]
    assert len(fig.data) == 3
    assert len(names) == len(set(names)) == 2  # at Δ = 0 "trained, Δ = 0" and "trained, Δ = +0.0" are one line
    assert "trained, Δ = 0" not in names
    fig = P.bias_figure(P0, P0, P0, -2.0, "abcde", "LSTM")
    names = [tr.name for tr in fig.data if tr.visible is not False]
    assert len(fig.data) == len(names) == len(set(names)) == 3
