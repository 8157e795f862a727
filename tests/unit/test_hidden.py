"""Hidden-state lab compute: states vs torch, PCA vs a closed form, patterns, unit ranking on a
hand-built quote unit, LSTMVis match, the model adaptor."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.hidden import models as M
from rnnviz.hidden import patterns as P
from rnnviz.hidden.states import pca, run

VOCAB = ' "abcdefghijklmnopqrstuvwxyz.\n'


def quote_model(H: int = 4, K: float = 20.0, seed: int = 0) -> M.CharLM:
    r"""An LSTM whose unit 0 flips at every ``"``: a hand-built quote unit.

    Unit 0: i = sigma(K q - K/2), f = sigma(K/2 - K q) (write on a quote, keep otherwise),
    g = tanh(K (0.38 - h_{t-1,0})) (write the opposite of the current sign), o = 1.
    So c_0 goes 0 -> +1 at the first quote, -1 at the second, +1 at the third ...,
    and h_0 = tanh(c_0) is +0.76 inside quotes, -0.76 between them (0 before the first).
    Units 1.. have small random weights.
    """
    V = len(VOCAB)
    q = VOCAB.index('"')
    torch.manual_seed(seed)
    rnn = nn.LSTM(V, H)
    with torch.no_grad():
        for prm in rnn.parameters():
            prm.mul_(0.3)
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            p = getattr(rnn, name)
            for g in range(4):
                p[g * H] = 0.0  # unit 0's row in every gate block
        rnn.weight_hh_l0[:, 0] = 0.0  # nobody reads unit 0 except its own g gate below
        rnn.weight_ih_l0[0 * H, q], rnn.bias_ih_l0[0 * H] = K, -K / 2  # i
        rnn.weight_ih_l0[1 * H, q], rnn.bias_ih_l0[1 * H] = -K, K / 2  # f
        rnn.weight_hh_l0[2 * H, 0], rnn.bias_ih_l0[2 * H] = -K, 0.38 * K  # g
        rnn.bias_ih_l0[3 * H] = K  # o
    return M.CharLM("quote", "LSTM", VOCAB, rnn, nn.Linear(H, V), "test")


TEXT = 'he said "come here." then "go away" and left.\nshe said "stay" and "no."\n'


def test_states_equal_torch_forward_and_probs_sum_to_one():
    model = quote_model()
    st = run(model, TEXT)
    with torch.no_grad():
        h, _ = model.rnn.double()(torch.from_numpy(model.encode(TEXT)))
        model.rnn.float()
    np.testing.assert_allclose(st.h, h.numpy(), rtol=1e-12, atol=1e-12)
    assert st.probs.shape == (len(TEXT), len(VOCAB))
    np.testing.assert_allclose(st.probs.sum(1), 1.0)
    assert set(st.gates) == {"i", "f", "g", "o"} and st.c.shape == st.h.shape


def test_hand_built_quote_unit_ranks_first():
    st = run(quote_model(), TEXT)
    v = P.pattern_values(TEXT, "quote")
    # inside quotes: from each opening " up to (not including) the closing "
    shown = "".join("1" if x else "0" for x in v)
    assert shown[TEXT.index('"'):TEXT.index('"') + 12] == "1" * 11 + "0"
    r = P.correlations(st.h, v)
    np.testing.assert_allclose(r, [np.corrcoef(st.h[:, j], v)[0, 1] for j in range(st.H)], rtol=1e-10)
    order = P.rank_units(r)
    assert order[0] == 0 and r[0] > 0.9
    assert np.all(np.abs(r[1:]) < r[0])


def test_correlation_edge_cases():
    h = np.column_stack([np.arange(5.0), np.ones(5), -np.arange(5.0)])
    r = P.correlations(h, np.arange(5.0))
    np.testing.assert_allclose(r[[0, 2]], [1.0, -1.0])
    assert np.isnan(r[1])
    assert list(P.rank_units(r)) == [0, 2, 1]
    with pytest.raises(ValueError, match="every character"):
        P.correlations(h, np.zeros(5))


def test_patterns_by_hand():
    t = "ab (c) d'e 'f g'\nxy"
    np.testing.assert_array_equal(P.inside_brackets(t), [1.0 if 3 <= i <= 4 else 0.0 for i in range(len(t))])
    q = P.inside_quotes(t)
    assert q[t.index("d'e") + 1] == 0.0  # an apostrophe
    assert q[t.index("'f")] == 1.0 and q[t.index("g'")] == 1.0 and q[t.index("g'") + 1] == 0.0
    lp = P.line_position(t)
    assert lp[0] == 0 and lp[t.index("\n")] == t.index("\n") and lp[t.index("x")] == 0 and lp[-1] == 1
    np.testing.assert_array_equal(np.flatnonzero(P.word_start("to be, or")), [0, 3, 7])
    np.testing.assert_array_equal(np.flatnonzero(P.vowel("bAt eu")), [1, 4, 5])
    np.testing.assert_array_equal(P.pattern_values("abcab", "regex", "ab"), [1, 1, 0, 1, 1])


def test_regex_is_data_and_bounded():
    with pytest.raises(ValueError, match="valid"):
        P.regex_mask("abc", "(")
    with pytest.raises(ValueError, match="type a regular"):
        P.regex_mask("abc", "")
    with pytest.raises(ValueError, match="longer"):
        P.regex_mask("abc", "a" * (P.MAX_REGEX + 1))
    with pytest.raises(ValueError, match="took longer"):
        P.regex_mask("a" * 3000 + "!", "(a+)+$")
    assert P.regex_mask("<b>x</b>", "<b>").tolist() == [1, 1, 1, 0, 0, 0, 0, 0]
    with pytest.raises(ValueError, match="unknown pattern"):
        P.pattern_values("abc", "nope")


def test_match_units_and_find_matches():
    h = np.full((12, 3), -1.0)
    h[3:6, 0] = 1.0  # unit 0 on over 3..5 exactly
    h[2:6, 1] = 1.0  # unit 1 on earlier too: not "off around"
    h[3:6, 2] = 1.0
    h[6, 2] = 1.0  # unit 2 stays on after the span
    np.testing.assert_array_equal(P.match_units(h, 3, 5, 0.5), [0])
    np.testing.assert_array_equal(P.match_units(h, 3, 6, 0.5), [2])
    h[8:10, 0] = 1.0
    h[11, 0] = 1.0
    assert P.find_matches(h, np.array([0]), 0.5, length=3) == [(3, 5), (8, 9), (11, 11)]
    assert P.find_matches(h, np.array([0]), 0.5) == [(3, 5), (8, 9), (11, 11)]
    assert P.find_matches(h, np.array([0, 2]), 0.5) == [(3, 5)]
    assert P.find_matches(h, np.array([], dtype=int), 0.5) == []
    with pytest.raises(ValueError, match="span"):
        P.match_units(h, 5, 20, 0.5)


def test_pca_against_closed_form():
    rng = np.random.default_rng(0)
    # points with known variances along a random orthonormal basis Q: 9, 4, 1, 0.01
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    Z = rng.normal(size=(500, 4))
    Z = (Z - Z.mean(0)) / Z.std(0, ddof=1)
    Z, _ = np.linalg.qr(Z)  # orthonormal columns: exactly uncorrelated, zero mean after centring below
    Z = (Z - Z.mean(0)) * np.sqrt(499) * np.array([3.0, 2.0, 1.0, 0.1])
    h = Z @ Q.T + np.array([1.0, -2.0, 0.5, 3.0])
    res = pca(h, k=3)
    cov_eig = np.sort(np.linalg.eigvalsh(np.cov(h.T)))[::-1]
    np.testing.assert_allclose(res.explained_variance, cov_eig[:3], rtol=1e-8)
    np.testing.assert_allclose(res.explained_ratio, cov_eig[:3] / cov_eig.sum(), rtol=1e-8)
    np.testing.assert_allclose(res.mean, h.mean(0))
    np.testing.assert_allclose(res.projected, (h - h.mean(0)) @ res.components.T, atol=1e-10)
    np.testing.assert_allclose(res.components @ res.components.T, np.eye(3), atol=1e-10)
    for j in range(3):  # the axes are the basis vectors, up to sign (fixed: largest entry positive)
        assert abs(abs(res.components[j] @ Q[:, j]) - 1) < 1e-8
        assert res.components[j][np.argmax(np.abs(res.components[j]))] > 0


def test_pca_edge_cases():
    assert pca(np.ones((5, 3))).explained_ratio.tolist() == [0.0, 0.0, 0.0]
    assert pca(np.random.default_rng(0).normal(size=(2, 5)), k=3).components.shape == (2, 5)
    with pytest.raises(ValueError, match="two time steps"):
        pca(np.ones((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        pca(np.array([[np.inf, 0.0], [0.0, 1.0]]))


def test_shipped_models_and_record_hook():
    for key in ("lstm", "gru", "rnn"):
        m = M.shipped(key)
        assert m.cell == key.upper() and m.H == 64 and m.knows("Shall I compare thee")
    with pytest.raises(ValueError, match="does not know"):
        m.encode("Shall I compare thee 🌞")
    from rnnviz import train

    cfg = train.TrainConfig(task="lm", hidden_size=8, max_steps=1)
    model = train.CharRNN(train.CharRNNConfig("GRU", 5, 8, 1, 5))
    rec = train.trained_model_record(model, cfg, "abcde", (), 1)
    lm = M.from_record(rec)
    assert lm.source == "session" and lm.vocab == "abcde" and lm.readout is rec["model"].readout
    two = train.trained_model_record(train.CharRNN(train.CharRNNConfig("GRU", 5, 8, 2, 5)), cfg, "abcde", (), 1)
    with pytest.raises(ValueError, match="one-layer"):
        M.from_record(two)
    names = dict(rec, task="names")
    with pytest.raises(ValueError, match="names"):
        M.from_record(names)
    with pytest.raises(ValueError, match="unknown model"):
        M.shipped("transformer")


# ------------------------------------------------------------------ the page logic
def test_sonnet_passages_and_locate():
    from rnnviz.labs import hidden as lab

    assert lab.sonnet_text(18).startswith("Shall I compare thee to a summer's day?\n")
    assert lab.sonnet_text(18).count("\n") == 14
    assert lab.sonnet_text(154).rstrip().endswith("water cools not love.")
    text, starts = lab.sonnets()
    assert len(starts) == 154
    off = text.index("Shall I compare thee")
    assert lab.locate(off) == (18, 1) and lab.locate(text.index("Thou art more lovely")) == (18, 2)
    with pytest.raises(ValueError, match="between 1 and 154"):
        lab.sonnet_text(155)


def test_corpus_states_equal_the_engine(monkeypatch):
    from rnnviz.labs import hidden as lab

    text, starts = lab.sonnets()
    monkeypatch.setattr(lab, "sonnets", lambda: (text[:400], starts[:1]))
    model = M.shipped("gru")
    np.testing.assert_allclose(lab.corpus_states(model), run(model, text[:400]).h, rtol=1e-10, atol=1e-12)


def test_influence_readouts_and_match_in_text():
    from rnnviz.labs import hidden as lab
    from rnnviz.hidden.influence import connectivity

    model = M.shipped("rnn")
    text = lab.sonnet_text(1)[:60]
    inf = lab.influence(model, text, "next")
    x = model.encode(text)
    targets = [model.vocab.index(c) for c in text[1:]] + [0]
    C = connectivity(model.rnn, x, model.readout, targets=targets)
    np.testing.assert_allclose(inf.C[:-1], C[:-1], rtol=1e-12)
    assert np.all(np.isnan(inf.C[-1])) and inf.targets[-1] == -1
    top = lab.influence(model, text, "top")
    np.testing.assert_allclose(top.C, connectivity(model.rnn, x, model.readout), rtol=1e-12)
    st = run(model, text)
    m = lab.match(st, None, 1, 4, 0.0)
    for a, b in m.runs:  # other passages only, each with every chosen unit on
        assert not (a <= 3 and b >= 0)
        assert np.all(st.h[a:b + 1][:, m.units] > 0.0)


def test_lab_connectivity_readout_runs_on_one_blas_thread(monkeypatch):
    """The lab's readout products run inside rnnviz._blas.one_blas_thread, as rnnviz.connectivity's do."""
    from contextlib import contextmanager

    from rnnviz.hidden import influence
    from rnnviz.labs import hidden as lab

    depth, seen = [0], []

    @contextmanager
    def counted():
        depth[0] += 1
        try:
            yield
        finally:
            depth[0] -= 1

    real = influence.readout_gradients

    def recorded(*args, **kwargs):
        seen.append(depth[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(influence, "one_blas_thread", counted)
    monkeypatch.setattr(influence, "readout_gradients", recorded)
    model = M.shipped("gru")
    lab.influence(model, lab.sonnet_text(1)[:30], "top")
    influence.connectivity(model.rnn, model.encode("shall i"), model.readout)
    assert seen == [1, 1]


def test_from_upload_reads_the_train_live_file_and_refuses_other_models():
    """The train-live page's file (rnnviz.byo.char_model_bytes), read by the one safe loader, is a CharLM whose
    states and next-character probabilities equal torch's on the original model; a plain module, a names
    classifier and a stacked model are refused with the key of their UI string."""
    import io

    from rnnviz import byo
    from rnnviz.charmodel import CharRNN, CharRNNConfig

    torch.manual_seed(1)
    model = CharRNN(CharRNNConfig("LSTM", len(VOCAB), 5))
    up = byo.load_upload(byo.char_model_bytes(model, VOCAB), name="m.pt")
    lm = M.from_upload(up)
    assert (lm.key, lm.source, lm.cell, lm.vocab, lm.H) == ("upload", "upload", "LSTM", VOCAB, 5)
    st = run(lm, TEXT)
    x = torch.tensor([VOCAB.index(c) for c in TEXT])
    with torch.no_grad():
        ref = model.double()
        h, _ = ref.rnn(ref.inputs(x))
        p = torch.softmax(ref.readout(h), -1)
    np.testing.assert_allclose(st.h, h.numpy(), atol=1e-6)  # float32 weights in the file
    np.testing.assert_allclose(st.probs, p.numpy(), atol=1e-6)

    buf = io.BytesIO()
    torch.save(nn.GRU(3, 4).state_dict(), buf)
    cases = [(buf.getvalue(), "hidden.upload_plain", {"name": "p.pt", "kind": "GRU"}),
             (byo.char_model_bytes(CharRNN(CharRNNConfig("RNN", len(VOCAB), 4, 1, 2)), VOCAB, ("en", "fr")),
              "hidden.upload_classes", {"name": "p.pt", "n": 2}),
             (byo.char_model_bytes(CharRNN(CharRNNConfig("GRU", len(VOCAB), 4, 2)), VOCAB),
              "hidden.upload_layers", {"name": "p.pt", "layers": 2})]
    for data, why, fmt in cases:
        with pytest.raises(M.NotALanguageModel) as err:
            M.from_upload(byo.load_upload(data, name="p.pt"))
        assert (err.value.why, err.value.fmt) == (why, fmt)


def test_char_ticks_are_words_where_the_characters_do_not_fit():
    """The x ticks under the hidden page's charts (628 characters on ~590 px): whole words of the text, each at the
    middle of its own characters, the lines' first words among them, in order, at a readable size, their boxes
    (monospace, 0.6 em a character) apart on the narrowest plot area; every k-th character alone read as letters out of
    order ("Soeuaaldm..."). Up to ``most`` characters: every character at its own t. A text without words: every k-th."""
    import re

    from rnnviz.plots.gates import WORD_TICK_PX, WORD_TICK_SIZE, char_ticks

    text = ("Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n"
            "Rough winds do shake the darling buds of May,\nAnd summer's lease hath all too short a date:\n") * 4
    vals, labels, size = char_ticks(text, 70)
    assert size == WORD_TICK_SIZE >= 14 and len(labels) >= 6
    assert vals == sorted(vals)
    T = len(text)
    boxes = []
    for v, w in zip(vals, labels):
        first = v - (len(w) - 1) / 2 - 1  # 0-based index of the word's first character
        assert first == int(first) and text[int(first):int(first) + len(w)] == w, (v, w)
        assert (first == 0 or text[int(first) - 1].isspace()) and (int(first) + len(w) == T or text[int(first) + len(w)].isspace())
        at = (v - 0.5) / T * WORD_TICK_PX
        boxes.append((at - len(w) * 0.3 * size, at + len(w) * 0.3 * size))
    assert all(a[1] < b[0] for a, b in zip(boxes, boxes[1:]))
    assert labels[0] == "Shall" and {"Thou", "Rough", "And"} & set(labels)
    assert char_ticks("hello", 70) == ([1, 2, 3, 4, 5], list("hello"), 16)
    symbols = "d*dbbaaaaadcdccc" * 10
    vals, labels, _ = char_ticks(symbols, 32)
    assert vals == list(range(1, len(symbols) + 1, 5)) and labels == [symbols[v - 1] for v in vals]
    assert re.fullmatch(r"[a-z*]+", "".join(labels))
    # an uploaded model's input is a list of symbols (the gates page with a model file): every k-th one, as a text
    # without words (a str-only word search raised "expected string or bytes-like object, got 'list'")
    assert char_ticks(list(symbols), 32) == char_ticks(symbols, 32)
    seq = ["ab", "c", "d"] * 40
    vals, labels, _ = char_ticks(seq, 32)
    assert vals == list(range(1, len(seq) + 1, 4)) and labels == [seq[v - 1] for v in vals]
