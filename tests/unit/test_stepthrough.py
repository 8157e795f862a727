"""rnnviz.stepthrough (hand forward/BPTT) and rnnviz.labs.stepthrough (page numbers, LaTeX)
against torch autograd, nn.RNN, the engine (rnnviz.trace), finite differences and closed forms."""
from __future__ import annotations

import itertools
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import stepthrough as S
from rnnviz.text import escape_html
from rnnviz.labs import stepthrough as L
from rnnviz.labs import stepthrough_latex as LT

TOL = 1e-10
def _f(v) -> str:
    """Independent of the page's formatter: 3 decimals, -0.000 shown as 0.000."""
    s = f"{float(v):.3f}"
    return "0.000" if s == "-0.000" else s

CASES = list(itertools.product(S.INPUT_KINDS, S.PATTERNS))


def _problem(kind, pattern, seed=3):
    return S.make_problem(kind, pattern, word="hotel", target="lead", numbers="0.5, -1, 2, -0.5, 1.5, -3",
                          length=7, seed=seed)


def _maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


# --------------------------------------------------------------------------- hand BPTT vs autograd


@pytest.mark.parametrize("kind,pattern", CASES)
@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_hand_bptt_equals_autograd(kind, pattern, k):
    pr = _problem(kind, pattern)
    net = S.random_net(pr, 3, seed=11, scale=2.5)  # large weights: gradients far from zero
    fw = S.forward(net, pr)
    bw = S.backward(net, pr, fw, k)
    ref = S.autograd_reference(net, pr, k)
    assert abs(fw.loss - ref["loss"]) <= TOL
    hand = bw.grads()
    assert set(hand) == set(ref["grads"])
    for key in hand:
        assert hand[key].shape == ref["grads"][key].shape
        assert _maxdiff(hand[key], ref["grads"][key]) <= TOL, key
    for name, pb in bw.parts.items():
        assert _maxdiff(fw.parts[name].Hs, ref["h"][name]) <= TOL
        assert _maxdiff(pb.delta, ref["delta"][name]) <= TOL, name
    # the gradients are not trivially zero (the comparison could fail)
    assert max(float(np.abs(v).max()) for v in hand.values()) > 1e-3


@pytest.mark.parametrize("pattern", ["many_to_many", "bidirectional"])
def test_forward_equals_fused_nn_rnn(pattern):
    pr = _problem("random", pattern)
    net = S.random_net(pr, 4, seed=5, scale=1.5)
    fw = S.forward(net, pr)
    c = net.cells["f"]
    m = torch.nn.RNN(pr.D, 4, dtype=torch.float64, bidirectional=pattern == "bidirectional")
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(c.W_xh))
        m.weight_hh_l0.copy_(torch.from_numpy(c.W_hh))
        m.bias_ih_l0.copy_(torch.from_numpy(c.b))
        m.bias_hh_l0.zero_()
        if pattern == "bidirectional":
            cb = net.cells["b"]
            m.weight_ih_l0_reverse.copy_(torch.from_numpy(cb.W_xh))
            m.weight_hh_l0_reverse.copy_(torch.from_numpy(cb.W_hh))
            m.bias_ih_l0_reverse.copy_(torch.from_numpy(cb.b))
            m.bias_hh_l0_reverse.zero_()
        out, _ = m(torch.from_numpy(pr.X))  # (T, H) or (T, 2H): torch's own bidirectional layout
        logits = out @ torch.from_numpy(net.W_ho).T + torch.from_numpy(net.b_o)
    assert _maxdiff(fw.Hcat, out.numpy()) <= TOL
    assert _maxdiff(fw.O, logits.numpy()) <= TOL
    assert _maxdiff(fw.P, torch.softmax(logits, -1).numpy()) <= TOL


def test_finite_differences():
    pr = _problem("numbers", "many_to_many")
    net = S.random_net(pr, 2, seed=2, scale=2.0)
    g = S.backward(net, pr, S.forward(net, pr)).grads()
    eps = 1e-6
    for arr, key in [(net.cells["f"].W_hh, "f.W_hh"), (net.cells["f"].W_xh, "f.W_xh"), (net.W_ho, "W_ho"),
                     (net.cells["f"].b, "f.b")]:
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            lp = S.forward(net, pr).loss
            arr[idx] = old - eps
            lm = S.forward(net, pr).loss
            arr[idx] = old
            assert abs((lp - lm) / (2 * eps) - g[key][idx]) <= 1e-7, (key, idx)


def test_delta_is_the_sum_of_its_two_sources():
    pr = _problem("word", "many_to_many")
    net = S.random_net(pr, 3, seed=1, scale=2.0)
    fw = S.forward(net, pr)
    pb = S.backward(net, pr, fw).parts["f"]
    T = pr.T
    # closed forms of the two sources
    dO = fw.P.copy()
    dO[np.arange(T), pr.y] -= 1
    assert _maxdiff(pb.from_out, dO @ net.W_ho) <= TOL
    for t in range(T - 1):
        expected = net.cells["f"].W_hh.T @ ((1 - fw.parts["f"].Hs[t + 1] ** 2) * pb.delta[t + 1])
        assert _maxdiff(pb.from_next[t], expected) <= TOL
    assert np.all(pb.from_next[-1] == 0)
    assert np.array_equal(pb.delta, pb.from_out + pb.from_next)


def test_running_sums():
    pr = _problem("word", "many_to_many")
    net = S.random_net(pr, 3, seed=4)
    fw = S.forward(net, pr)
    bw = S.backward(net, pr, fw)
    pb, X, Hs = bw.parts["f"], pr.X, fw.parts["f"].Hs
    assert _maxdiff(pb.run_W_xh[0], pb.dW_xh) <= TOL
    assert _maxdiff(pb.run_W_hh[0], pb.dW_hh) <= TOL
    assert _maxdiff(pb.run_b[0], pb.db) <= TOL
    assert _maxdiff(bw.run_W_ho[0], bw.dW_ho) <= TOL
    assert _maxdiff(bw.run_b_o[0], bw.db_o) <= TOL
    T = pr.T
    for t in range(T):
        nxt = pb.run_W_xh[t + 1] if t + 1 < T else 0
        assert _maxdiff(pb.run_W_xh[t] - nxt, np.outer(pb.G[t], X[t])) <= TOL
        prev_h = Hs[t - 1] if t else np.zeros(3)
        nxt = pb.run_W_hh[t + 1] if t + 1 < T else 0
        assert _maxdiff(pb.run_W_hh[t] - nxt, np.outer(pb.G[t], prev_h)) <= TOL


# --------------------------------------------------------------------------- truncation


def test_truncation_cases():
    pr = _problem("random", "many_to_many")
    net = S.random_net(pr, 3, seed=6, scale=2.0)
    fw = S.forward(net, pr)
    full = S.backward(net, pr, fw).grads()
    # k >= T: no boundary inside the sequence, identical to full BPTT
    same = S.backward(net, pr, fw, pr.T).grads()
    assert all(np.array_equal(full[k], same[k]) for k in full)
    # k = 1: nothing flows back in time, delta_t is the direct part only
    pb1 = S.backward(net, pr, fw, 1).parts["f"]
    assert np.all(pb1.from_next == 0) and np.array_equal(pb1.delta, pb1.from_out)
    assert pb1.cut[:-1].all() and not pb1.cut[-1]
    # k = 2 really changes the recurrent gradient
    tr2 = S.backward(net, pr, fw, 2).grads()
    assert _maxdiff(tr2["f.W_hh"], full["f.W_hh"]) > 1e-4
    assert np.array_equal(tr2["W_ho"], full["W_ho"])  # the readout gradient does not go through time
    # forward unchanged by truncation: only the backward pass depends on k
    assert np.array_equal(S.forward(net, pr).Hcat, fw.Hcat)


def test_many_to_one_truncated_reaches_only_the_last_chunk():
    pr = _problem("random", "many_to_one")
    net = S.random_net(pr, 3, seed=6, scale=2.0)
    fw = S.forward(net, pr)
    pb = S.backward(net, pr, fw, 3).parts["f"]
    T = pr.T
    last_chunk_start = ((T - 1) // 3) * 3
    assert np.all(pb.delta[:last_chunk_start] == 0)
    assert np.abs(pb.delta[last_chunk_start:]).max() > 0


# --------------------------------------------------------------------------- the engine and the page numbers


@pytest.mark.parametrize("pattern", S.PATTERNS)
@pytest.mark.parametrize("kind", ["word", "random"])
def test_engine_agrees_with_hand(pattern, kind):
    cfg = L.StepConfig(st_input=kind, st_pattern=pattern, st_word="hotel", st_weights="random", st_scale=2.0,
                       st_hidden=3, st_seed=2)
    res = L.compute(cfg)
    for name, pb in res.bw_full.parts.items():
        tr = res.traces[name]
        assert _maxdiff(tr.h, res.fw.parts[name].Hs) <= TOL
        assert _maxdiff(tr.grad_h, pb.delta) <= TOL
        assert _maxdiff(tr.grad_direct, pb.from_out) <= TOL
        assert _maxdiff(tr.param_grads["weight_hh_l0"], pb.dW_hh) <= TOL
        assert _maxdiff(tr.param_grads["weight_ih_l0"], pb.dW_xh) <= TOL
        assert _maxdiff(tr.param_grads["bias_ih_l0"], pb.db) <= TOL
    O, P, Ls = res.outputs()
    assert _maxdiff(O, res.fw.O) <= TOL and abs(Ls.sum() - res.fw.loss) <= TOL
    assert res.max_diff() <= TOL
    assert abs(res.traces[next(iter(res.traces))].loss - res.fw.loss) <= TOL


@pytest.mark.parametrize("pattern", S.PATTERNS)
def test_engine_column_is_checked_against_torch_modules(pattern):
    """The check panel's engine column compares rnnviz.trace with autograd through the fused nn.RNN
    modules (an independent reference): tiny on the real engine, and it shows a perturbed engine."""
    from rnnviz import bptt

    cfg = L.StepConfig(st_input="random", st_pattern=pattern, st_weights="random", st_scale=1.5, st_hidden=3,
                       st_seed=4)
    rows = [r for r in L.compute(cfg).check() if "engine_max_abs_diff" in r]
    assert len(rows) == 3 * (2 if pattern in ("enc_dec", "bidirectional") else 1)
    assert max(r["engine_max_abs_diff"] for r in rows) <= TOL
    # the fused module's own gradients, not the engine's: the reference matches torch's stepped nn.RNN too
    res = L.compute(cfg)
    for key, g in res.ref_module["grads"].items():
        assert _maxdiff(g, res.ref["grads"][key]) <= TOL
    # perturb the engine's tanh' by 1e-4 (relative): the engine column must show it
    tanh_prime = bptt._PHI_PRIME["tanh"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(bptt._PHI_PRIME, "tanh", lambda a, h: tanh_prime(a, h) * (1 + 1e-4))
        bad = L.compute(cfg)
    worst = max(r["engine_max_abs_diff"] for r in bad.check() if "engine_max_abs_diff" in r)
    assert worst > 1e3 * TOL
    assert bad.max_diff() > 1e3 * TOL


def test_engine_column_only_for_full_bptt():
    res = L.compute(L.StepConfig(st_k=2, st_pattern="many_to_many"))
    assert not any("engine_max_abs_diff" in r for r in res.check()) and res.ref_module == {}


def test_trace_of_trained_model_is_the_page_trace():
    """An independent rnnviz.trace call on the shipped nn.RNN gives the displayed states."""
    sd = S.load_trained(3)
    res = L.compute(L.StepConfig(st_hidden=3), sd)
    m = torch.nn.RNN(8, 3, dtype=torch.float64)
    m.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    tr = rnnviz.trace(m, res.problem.X)
    assert _maxdiff(tr.h, res.h("f")) <= TOL


def _numbers(s: str) -> list[str]:
    return re.findall(r"-?\d+\.\d{3}", s)


@pytest.mark.parametrize("pattern", S.PATTERNS)
def test_forward_latex_shows_the_engine_values(pattern):
    res = L.compute(L.StepConfig(st_pattern=pattern, st_weights="random", st_scale=2.0))
    O, P, Ls = res.outputs()
    for t, slot in enumerate(res.slots, start=1):
        text = "\n".join(LT.forward_latex(res, t))
        shown = _numbers(text)
        for name, i in slot.items:
            for v in list(res.traces[name].h[i]) + list(res.traces[name].pre[i]):
                assert _f(v) in shown, (t, name, v)
        if slot.out is not None:
            for v in list(O[slot.out]) + list(P[slot.out]):
                assert _f(v) in shown
            if res.problem.mask[slot.out]:
                assert f"= {_f(Ls[slot.out])}" in text


@pytest.mark.parametrize("pattern,k", [(p, 0) for p in S.PATTERNS] + [("many_to_many", 2), ("enc_dec", 2)])
def test_backward_latex_shows_the_engine_gradients(pattern, k):
    res = L.compute(L.StepConfig(st_pattern=pattern, st_weights="random", st_scale=2.0, st_k=k))
    for t, slot in enumerate(res.slots, start=1):
        shown = _numbers("\n".join(LT.backward_latex(res, t)))
        for name, i in slot.items:
            delta = res.traces[name].grad_h if k == 0 else res.bw.parts[name].delta
            # the direct part under truncation is the truncated one (enc-dec: the decoder's dL/dh_0 depends on k)
            direct = res.traces[name].grad_direct if k == 0 else res.bw.parts[name].from_out
            for v in list(delta[i]) + list(direct[i]):
                assert _f(v) in shown, (t, name, v)
            for v in res.bw.parts[name].run_W_hh[i].ravel():
                assert _f(v) in shown


def test_changed_entries_are_coloured():
    res = L.compute(L.StepConfig(st_weights="random", st_scale=2.0))
    text = next(x for x in LT.forward_latex(res, 2) if x.startswith("h_{2} = "))
    h1, h2 = res.h("f")[0], res.h("f")[1]
    n_coloured = 0
    for u in range(3):
        coloured = rf"\textcolor{{{LT.HIGHLIGHT}}}{{{_f(h2[u])}}}" in text
        assert coloured == (abs(h1[u] - h2[u]) >= 0.5e-3)  # changed at the shown precision
        n_coloured += coloured
    assert n_coloured >= 1
    # the one-hot entry of x_t is coloured, the zeros are not
    a_line = LT.forward_latex(res, 1)[0]
    assert a_line.count(r"\textcolor") == 1 and rf"\textcolor{{{LT.HIGHLIGHT}}}{{1.000}}" in a_line


def test_fmt():
    assert LT.fmt(-0.0001) == "0.000"
    assert LT.fmt(1.23456) == "1.235"
    assert LT.fmt(float("nan")) == r"\text{nan}"
    assert LT.fmtp(-1.5) == "(-1.500)"


# --------------------------------------------------------------------------- scalar RNN


@pytest.mark.parametrize("U,W,V", [(0.5, 1.0, 2.0), (-1.3, 2.5, -0.7), (3.0, -0.2, 5.0)])
def test_scalar_equals_autograd_and_fd(U, W, V):
    x = np.array([0.5, -1.0, 2.0, -0.5, 1.5])
    y = (np.cumsum(x) > 0).astype(float)
    sc = S.scalar_rnn(U, W, V, x, y)
    ag = S.scalar_autograd(U, W, V, x, y)
    assert abs(sc.L.sum() - ag["L"]) <= TOL
    for key in ("dU", "dW", "dV"):
        assert abs(getattr(sc, key) - ag[key]) <= TOL
    eps = 1e-6
    for name in "UWV":
        p = {"U": U, "W": W, "V": V}
        p[name] += eps
        lp = S.scalar_rnn(p["U"], p["W"], p["V"], x, y).L.sum()
        p[name] -= 2 * eps
        lm = S.scalar_rnn(p["U"], p["W"], p["V"], x, y).L.sum()
        assert abs((lp - lm) / (2 * eps) - getattr(sc, "d" + name)) <= 1e-7
    assert np.array_equal(sc.delta, sc.from_out + sc.from_next)


def test_scalar_latex_lines_are_evaluated():
    sc, _ = L.scalar_compute(L.StepConfig(st_U=-0.5, st_W=1.2, st_V=2.0))
    for t in range(1, len(sc.x) + 1):
        text = "\n".join(LT.scalar_latex(sc, t))
        i = t - 1
        for v in (sc.a[i], sc.h[i], sc.z[i], sc.yhat[i], sc.L[i], sc.dz[i], sc.delta[i], sc.run_V[i], sc.run_W[i],
                  sc.run_U[i]):
            assert _f(v) in text
    assert "(-0.500)" in LT.scalar_latex(sc, 1)[0]


# --------------------------------------------------------------------------- input handling


@pytest.mark.parametrize("kwargs,msg", [
    (dict(kind="word", word="hexo"), "Unknown character"),
    (dict(kind="word", word=""), "Type a word"),
    (dict(kind="word", word="h"), "at least 2"),
    (dict(kind="word", word="a" * 40), "too long"),
    (dict(kind="numbers", numbers="1, two"), "Cannot read"),
    (dict(kind="numbers", numbers=""), "Type a sequence"),
    (dict(kind="numbers", numbers="1, inf"), "finite"),
    (dict(kind="random", length=0), "between"),
    (dict(kind="voice"), "Unknown input kind"),
])
def test_bad_input_is_a_value_error(kwargs, msg):
    kind = kwargs.pop("kind")
    with pytest.raises(ValueError, match=msg):
        S.make_problem(kind, "many_to_many", **kwargs)


def test_problem_shapes_per_pattern():
    m2m = S.make_problem("word", "many_to_many", word="hello")
    assert m2m.T == 4 and m2m.D == 8 and m2m.mask.all() and "".join(m2m.y_labels) == "ello"
    m2o = S.make_problem("word", "many_to_one", word="hello")
    assert m2o.mask.tolist() == [False, False, False, True]
    o2m = S.make_problem("word", "one_to_many", word="hello")
    assert np.all(o2m.X[1:] == 0) and o2m.X[0].sum() == 1
    ed = S.make_problem("word", "enc_dec", word="hello", target="")
    assert ed.X_enc.shape == (5, 8) and "".join(ed.y_labels) == "olleh" and np.all(ed.X[0] == 0)
    assert S.make_problem("word", "enc_dec", word="hello", target="old").T == 3


def test_enc_dec_length_cap():
    assert S.make_problem("random", "enc_dec", length=12).T == 12
    with pytest.raises(ValueError, match="do not fit"):
        S.make_problem("random", "enc_dec", length=13)


def test_weights_latex_shows_every_weight():
    res = L.compute(L.StepConfig(st_pattern="bidirectional", st_weights="random"))
    shown = _numbers("\n".join(LT.weights_latex(res)))
    for cell in res.net.cells.values():
        for v in list(cell.W_xh.ravel()) + list(cell.W_hh.ravel()) + list(cell.b):
            assert _f(v) in shown
    for v in list(res.net.W_ho.ravel()) + list(res.net.b_o):
        assert _f(v) in shown


def test_bad_config_is_a_value_error():
    with pytest.raises(ValueError):
        L.compute(L.StepConfig(st_hidden=5))
    with pytest.raises(ValueError):
        L.compute(L.StepConfig(st_k=-1))
    with pytest.raises(ValueError):
        L.scalar_compute(L.StepConfig(st_U=1e6))


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize("H", range(1, S.MAX_HIDDEN + 1))
def test_shipped_weights(H):
    path = S.weights_path(H)
    assert path.exists() and path.stat().st_size < 2_000_000
    sd = S.load_trained(H)
    assert tuple(sd["rnn.weight_hh_l0"].shape) == (H, H)
    acc = S.next_letter_accuracy(sd)
    assert acc > 1.5 / len(S.VOCAB)  # well above chance
    if H >= 3:
        assert acc >= 0.5


def test_load_trained_checks_shapes(tmp_path):
    sd = S.load_trained(2)
    sd["rnn.weight_hh_l0"] = torch.zeros(3, 3)
    p = tmp_path / "bad.pt"
    torch.save(sd, p)
    with pytest.raises(ValueError, match="shape"):
        S.load_trained(2, p)
    with pytest.raises(FileNotFoundError):
        S.load_trained(2, tmp_path / "missing.pt")


def test_training_is_seeded_and_reports_progress():
    calls = []
    a, info = S.train_next_letter(2, epochs=40, seed=1, progress=lambda f, i: calls.append(f))
    b, _ = S.train_next_letter(2, epochs=40, seed=1)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert calls and calls[-1] == 1.0 and 0 <= info["accuracy"] <= 1


def test_no_streamlit_import():
    code = ("import sys, rnnviz.stepthrough, rnnviz.labs.stepthrough, rnnviz.plots.stepthrough; "
            "assert 'streamlit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_i18n_both_languages():
    from rnnviz.i18n.stepthrough import STRINGS

    for key, entry in STRINGS.items():
        assert key.startswith("stepthrough.")
        assert entry["en"].strip() and entry["zh"].strip()
        assert sorted(set(re.findall(r"\{(\w+)", entry["en"]))) == sorted(set(re.findall(r"\{(\w+)", entry["zh"]))), key


# --------------------------------------------------------------------------- plots


def test_diagram_highlight_follows_the_step():
    from rnnviz.plots import stepthrough as P

    res = L.compute(L.StepConfig(st_weights="random"))
    x0 = [next(s for s in P.diagram(res, t, "forward").layout.shapes if s.name == "step").x0 for t in (1, 2, 3)]
    assert x0 == [-0.45, 0.55, 1.55]
    heat = P.hidden_heatmap(res, 2)
    assert _maxdiff(np.asarray(heat.data[0].z, dtype=float), res.h("f").T) <= TOL
    # truncation draws the cut lines, the backward phase the gradient arrows
    res2 = L.compute(L.StepConfig(st_weights="random", st_k=2))
    assert L.cut_after(res2) == [1.5]

    def heads(fig, color):  # arrowheads drawn in ``color``: the highlighted arrows, a path shape (P._arrow_path)
        return sum(s.path.count("Z") for s in fig.layout.shapes if s.name == "arrows" and s.line.color == color)

    fwd, bwd = P.diagram(res2, 1, "forward"), P.diagram(res2, 1, "backward")
    assert heads(fwd, P.GRAD_COLOR) == 0 and heads(bwd, P.GRAD_COLOR) > 0
    assert heads(fwd, P.ACCENT) > 0  # the arrows into the current slot
    # every step of a phase has the same traces
    assert len({len(P.diagram(res2, t, "forward").data) for t in (1, 2, 3, 4)}) == 1
    assert len({len(P.diagram(res2, t, "backward").data) for t in (1, 2, 3, 4)}) == 1


_ARROW = re.compile(r"M(\S+) (\S+) L(\S+) (\S+) M(\S+) (\S+) L")


def test_diagram_highlights_the_current_step_by_shapes():
    """At step t: the frame (shape "step") around slot t, a ring (shape "ring") around each node of slot t and no
    other; forward: the highlighted arrows (path shape "arrows", accent) are the ones into slot t, the slots after
    t under the veil (none after the last: a veil of no width), every weight named (a text trace); backward: the
    gradient arrows drawn are those of the slots t..T (fewer at every later t), no veil. A step changes only the
    shapes' positions, all visible at every step, on axes of fixed ranges: never a trace, an annotation or the
    title (the browser moves the shapes' outlines, rnnviz/assets/live/around_plotly.js moveShapes)."""
    from rnnviz.plots import stepthrough as P
    from rnnviz.plots.style import changing_parts, frame_of

    res = L.compute(L.StepConfig(st_weights="random", st_k=2, st_pattern="bidirectional"))
    n = len(res.slots)
    rows = P._rows(res)
    every_node = {(0, rows["x"]), (0, rows["f"]), (0, rows["b"]), (0, rows["o"]), (0, rows["L"])}
    for phase in ("forward", "backward"):
        figs = [P.diagram(res, t, phase) for t in range(1, n + 1)]
        counts = []
        for t, fig in enumerate(figs, start=1):
            j = t - 1
            shapes = {s.name: s for s in fig.layout.shapes if s.name}
            assert shapes["step"].x0 == pytest.approx(j - 0.45) and shapes["step"].x1 == pytest.approx(j + 0.45)
            rings = {(s.xanchor, s.yanchor) for s in fig.layout.shapes if s.name == "ring"}
            assert rings == {(x + j, y) for x, y in every_node}
            assert all(s.visible is not False for s in fig.layout.shapes)
            arrows = [tuple(map(float, m)) for m in _ARROW.findall(shapes["arrows"].path)]
            ends = [xe for _, _, xe, _, _, _ in arrows]  # where each arrow's line ends (at its head)
            counts.append(len(arrows))
            if phase == "forward":
                assert shapes["arrows"].line.color == P.ACCENT and arrows
                assert all(abs(x - j) < 0.5 for x in ends), ends
                veil = shapes["veil"]
                assert veil.x1 == fig.layout.xaxis.range[1]
                assert veil.x0 == veil.x1 if t == n else veil.x0 == pytest.approx(j + 0.5)
                names = next(tr for tr in fig.data if tr.name == "weights")
                assert {"W<sub>xh</sub>", "W<sub>hh</sub>"} <= set(names.text)
            else:
                assert shapes["arrows"].line.color == P.GRAD_COLOR and "veil" not in shapes
                assert min(ends) == pytest.approx(j, abs=0.5) and all(x >= j - 0.5 for x in ends), ends
                assert not any("W" in a.text for a in fig.layout.annotations) and "weights" not in [tr.name for tr in fig.data]
        if phase == "backward":
            assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1], counts
        # a step changes only the shapes' positions: no trace, annotation, title or shape's style
        frames = changing_parts([frame_of(f) for f in figs])
        for f in frames:
            assert set(f["layout"]) == {"shapes"} and not any(f["data"]), (f["layout"].keys(), f["data"])
        for k in range(len(figs[0].layout.shapes)):
            moved = {a for f in figs for a, v in f.layout.shapes[k].to_plotly_json().items()
                     if v != figs[0].layout.shapes[k].to_plotly_json().get(a)}
            assert moved <= {"x0", "x1", "y0", "y1", "xanchor", "yanchor", "path"}, moved
        assert figs[0].layout.xaxis.range is not None and figs[0].layout.yaxis.range is not None


def test_outputs_highlight_the_current_loss_bar_by_a_shape():
    """The current step's loss bar is covered by the accent rectangle (shape "step"), exactly its bar; a step
    without a loss draws it with no area (it stays visible: the browser moves it, rnnviz/assets/live/); the bars'
    colours never change between steps."""
    from rnnviz.plots import stepthrough as P

    res = L.compute(L.StepConfig(st_weights="random", st_pattern="many_to_one"))
    for t in (1, 4):
        fig = P.outputs_figure(res, t)
        rect = next(s for s in fig.layout.shapes if s.name == "step")
        bar = fig.data[2]
        assert bar.marker.color == P.L_COLOR
        if t == 4:
            assert rect.fillcolor == P.ACCENT
            assert (rect.x0, rect.x1) == pytest.approx((4 - bar.width / 2, 4 + bar.width / 2))
            assert rect.y0 == 0 and rect.y1 == pytest.approx(bar.y[0]) and (rect.xref, rect.yref) == ("x2", "y2")
        else:
            assert rect.x0 == rect.x1 and rect.y0 == rect.y1 == 0
        assert rect.visible is not False


def test_many_to_one_has_one_output_everywhere():
    from rnnviz.plots import stepthrough as P

    res = L.compute(L.StepConfig(st_pattern="many_to_one", st_weights="random"))
    assert [s.out for s in res.slots] == [None, None, None, 3]
    assert not any(line.startswith(r"\small o_") for line in LT.forward_latex(res, 2))
    assert any(line.startswith(r"\small o_{4}") for line in LT.forward_latex(res, 4))
    fig = P.outputs_figure(res, 4)
    assert list(fig.data[0].x) == [4] and np.asarray(fig.data[0].z).shape == (8, 1)
    assert list(fig.data[2].x) == [4]  # one loss bar


# --------------------------------------------------------------------------- every shown delta line adds up
_BMAT = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def _bmatrix_values(bmatrix_body: str) -> np.ndarray:
    return np.array([float(re.sub(r"\\textcolor\{[^}]*\}\{([^}]*)\}", r"\1", v).strip())
                     for v in re.split(r"\\\\|&", bmatrix_body)])


def _random_configs(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for pattern in S.PATTERNS:  # every pattern, several k (0 = full BPTT), seeds and both weight kinds
        for _ in range(n):
            kind = str(rng.choice(S.INPUT_KINDS))
            yield L.StepConfig(st_input=kind, st_pattern=pattern, st_word=str(rng.choice(["hello", "hotel", "ate"])),
                               st_length=int(rng.integers(1, 9)), st_hidden=int(rng.integers(1, S.MAX_HIDDEN + 1)),
                               st_weights=str(rng.choice(["trained", "random"])), st_seed=int(rng.integers(0, 1000)),
                               st_scale=float(rng.choice([0.5, 1.0, 2.5])), st_k=int(rng.integers(0, 5)))


def test_every_displayed_delta_line_adds_up():
    """delta = (direct part) + (from the next step) on every slot of the backward phase, for random
    settings of every pattern and truncation k: the arrays exactly, the shown 3-decimal numbers up to
    the rounding of three numbers (at most one unit of the last decimal). Regression: with enc-dec
    and k > 0 the encoder's direct part came from the full-BPTT trace (issue 10)."""
    lines = 0
    for cfg in _random_configs(8):
        res = L.compute(cfg, S.load_trained(cfg.st_hidden) if L.uses_trained(cfg) else None)
        for name in res.bw.parts:
            np.testing.assert_allclose(res.from_out(name) + res.from_next(name), res.delta(name), rtol=0, atol=1e-12)
            np.testing.assert_allclose(res.delta(name), res.ref["delta"][name], rtol=0, atol=1e-10)  # autograd
        for t in range(1, len(res.slots) + 1):
            for line in LT.backward_latex(res, t):
                if r"\underbrace" not in line:
                    continue
                fo, fn, d = (_bmatrix_values(m) for m in _BMAT.findall(line))
                assert np.all(np.abs(fo + fn - d) <= 1e-3 + 1e-9), (cfg, t, line)
                lines += 1
    assert lines > 150


def test_step_frames_keep_what_changes_and_the_rest_is_the_figure():
    """The browser copies each frame over the chart the server drew (rnnviz/assets/live/), so a frame may
    leave out only what every step has the same: copied over any step's figure, frame t is step t's figure."""
    import json

    from rnnviz.plots import stepthrough as P
    from rnnviz.plots.style import changing_parts, frame_of

    res = L.compute(L.StepConfig(st_weights="random", st_k=2))
    n = len(res.slots)
    for phase in ("forward", "backward"):
        for make in (lambda t: P.diagram(res, t, phase), lambda t: P.hidden_heatmap(res, t),
                     lambda t: P.outputs_figure(res, t), lambda t: P.grad_figure(res, t)):
            full = [json.loads(json.dumps(frame_of(make(t)))) for t in range(1, n + 1)]
            parts = changing_parts(full)
            for base in full:  # the server's figure at any step
                for want, f in zip(full, parts):
                    data = [{**tr, **u} for tr, u in zip(base["data"], f["data"])]
                    layout = {**base["layout"], **f["layout"]}
                    assert data == want["data"] and layout == want["layout"]
    heat = changing_parts([frame_of(P.hidden_heatmap(res, t)) for t in range(1, n + 1)])
    assert heat[0]["data"] == [{}] and set(heat[0]["layout"]) == {"shapes"}  # only the frame moves
    assert not any("bdata" in json.dumps(tr) for tr in frame_of(P.hidden_heatmap(res, 1))["data"])  # plain lists


def test_shipped_diagram_is_found_for_the_default_numbers_only():
    """The page draws the shipped diagram (rnnviz.first_charts, checked equal to the computed one by
    tests/unit/test_first_charts.py) before torch is imported, at the default settings whatever the step,
    phase, speed or scalar weights (numbers_key leaves them out); a setting that changes a number finds none."""
    from rnnviz import first_charts
    from rnnviz.labs.stepthrough_config import figure_meta, numbers_key

    key = numbers_key(L.StepConfig(st_t=3, st_phase="backward", st_speed=2.0, st_U=1.0))
    assert key == numbers_key(L.StepConfig())
    assert first_charts.lookup_extra("st_fig_diagram", key, "en") == {"n": 4, "phase": "forward", "t": 1}
    for lang in ("en", "zh"):  # the frames the browser puts on it name the same figure
        assert first_charts.lookup("st_fig_diagram", key, lang)["layout"]["meta"] == figure_meta(
            "st_fig_diagram", key, "forward", lang)
    for change in (dict(st_seed=1), dict(st_word="hotel"), dict(st_weights="random"), dict(st_hidden=2), dict(st_k=2)):
        assert first_charts.lookup("st_fig_diagram", numbers_key(L.StepConfig(**change)), "en") is None, change


def _diagram_configs():
    """Every pattern with each input kind, short and long (up to the most slots that fit on screen)."""
    for pattern in S.PATTERNS:
        for kw in (dict(), dict(st_word="hotel"), dict(st_input="numbers"),
                   dict(st_input="numbers", st_numbers=", ".join(["-0.5", "12.25", "3"] * 5)),
                   dict(st_input="random", st_length=2), dict(st_input="random", st_length=8),
                   dict(st_input="random", st_length=S.MAX_STEPS), dict(st_k=2)):
            if pattern == "enc_dec" and (kw.get("st_length", 0) > 12 or "12.25" in kw.get("st_numbers", "")):
                continue  # (too many slots: the lab says so)
            yield L.StepConfig(st_weights="random", st_pattern=pattern, **kw)
    yield L.StepConfig(st_weights="random", st_pattern="enc_dec", st_word="hellohellohello", st_target="hellohelo")


def test_diagram_labels_never_overlap():
    """Every text of the unrolled diagram (the nodes' labels or the rows' names and the inputs, the weights' names),
    its box computed from the figure as plotly places it (P.text_box, px of the nominal plot area): no two boxes meet,
    none meets a node with its ring, none is crossed by an arrow or a vertical line (the bidirectional net's forward
    output arrow ran through the h labels; the encoder-decoder's 10 slots crowded theirs). Slots wide enough: every
    node labelled, its label true to it (x_t = the input); narrower slots: every row named once, the inputs shown are
    the slots' own."""
    from rnnviz.plots import stepthrough as P

    for cfg in _diagram_configs():
        res = L.compute(cfg)
        n = len(res.slots)
        labels = L.slot_labels(res)
        for phase in ("forward", "backward"):
            fig = P.diagram(res, 1, phase)
            (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
            sx, sy = P._NOMINAL_PLOT_W / (x1 - x0), (fig.layout.height - 140) / (y1 - y0)
            px = lambda x, y: ((x - x0) * sx, (y - y0) * sy)  # noqa: E731
            boxes = [(tr.name, text, P.text_box(text, *px(x, y), pos)) for tr in fig.data if tr.mode == "text"
                     for x, y, text, pos in zip(tr.x, tr.y, tr.text, tr.textposition)]
            nodes = [(px(x, y), text) for tr in fig.data if tr.mode == "markers" for x, y, text in zip(tr.x, tr.y, tr.text)]
            arrows = fig.data[0]
            pts = list(zip(arrows.x, arrows.y))
            segs = [(*px(*a), *px(*b)) for a, b in zip(pts, pts[1:]) if None not in a + b]
            segs += [(*px(v, y0), *px(v, y1)) for v in P._vlines(res)]
            where = f"{cfg.st_pattern} {cfg.st_input} n={n} {phase}"
            for i, (_, ta, a) in enumerate(boxes):
                assert a[0] >= -P._HEADER_PX and a[2] <= P._NOMINAL_PLOT_W and a[1] >= 0 and a[3] <= fig.layout.height - 140, (where, ta)
                for _, tb, b in boxes[i + 1:]:
                    assert not P._overlaps(a, b, pad=1.0), (where, ta, tb)
                for (cx, cy), tn in nodes:
                    assert not P._overlaps(a, (cx - P._NODE_PX, cy - P._NODE_PX, cx + P._NODE_PX, cy + P._NODE_PX), pad=0.5), (where, ta, tn)
                for s in segs:
                    assert not P._crosses(a, s, pad=0.5), (where, ta, s)
            shown = [text for name, text, _ in boxes if name == "labels"]
            if P._NOMINAL_PLOT_W / (n + 0.4) >= P._NAMED_SLOT_PX:  # a label per node: each node's own
                assert sorted(shown) == sorted(text for _, text in nodes), where
                assert all(f"x<sub>{j + 1}</sub>={escape_html(labels[j])}" in shown for j in range(n)), where
            else:
                rows = {P._ROW_NAME[r] for r in ["x", "o"] + list(res.bw.parts)}
                assert rows <= set(shown), (where, rows - set(shown))
                inputs = [t for t in shown if t not in P._ROW_NAME.values()]
                assert all(t in map(escape_html, labels) for t in inputs), where
            if phase == "forward" and n <= 5:
                assert {"W<sub>xh</sub>", "W<sub>hh</sub>"} <= set(next(tr for tr in fig.data if tr.name == "weights").text), where
