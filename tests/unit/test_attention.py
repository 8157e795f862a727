"""rnnviz.attention: the three scores against hand computations, softmax weights, context, shapes."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import attention as A

T = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731


def test_dot_score_by_hand():
    s = T([[1.0, 2.0]])
    H = T([[[3.0, 4.0], [-1.0, 0.5], [0.0, 0.0]]])
    np.testing.assert_allclose(A.score_dot(s, H).numpy(), [[11.0, 0.0, 0.0]])


def test_general_score_by_hand():
    s = T([[1.0, -1.0]])
    R = T([[2.0, 0.0, 1.0], [1.0, 3.0, 0.0]])  # (D_s=2, D_h=3)
    H = T([[[1.0, 1.0, 1.0], [0.0, 2.0, -1.0]]])
    # s^T R = [2 - 1, 0 - 3, 1 - 0] = [1, -3, 1]; . h1 = 1 - 3 + 1 = -1; . h2 = 0 - 6 - 1 = -7
    np.testing.assert_allclose(A.score_general(s, H, R).numpy(), [[-1.0, -7.0]])


def test_general_with_identity_is_dot():
    g = torch.Generator().manual_seed(0)
    s, H = torch.randn(3, 4, generator=g, dtype=torch.float64), torch.randn(3, 5, 4, generator=g, dtype=torch.float64)
    np.testing.assert_allclose(A.score_general(s, H, torch.eye(4, dtype=torch.float64)).numpy(),
                               A.score_dot(s, H).numpy(), rtol=1e-12)


def test_concat_score_by_hand():
    s = T([[1.0]])  # D_s = 1
    H = T([[[2.0], [-1.0]]])  # D_h = 1, N = 2
    R = T([[1.0, 0.5], [0.0, -1.0]])  # (A=2, 2)
    v = T([2.0, 3.0])
    # h1: R [1; 2] = [2, -2] -> 2 tanh 2 + 3 tanh(-2); h2: R [1; -1] = [0.5, 1] -> 2 tanh .5 + 3 tanh 1
    want = [2 * math.tanh(2) + 3 * math.tanh(-2), 2 * math.tanh(0.5) + 3 * math.tanh(1)]
    np.testing.assert_allclose(A.score_concat(s, H, R, v).numpy(), [want], rtol=1e-12)


def test_concat_against_a_loop_over_positions():
    g = torch.Generator().manual_seed(1)
    B, N, Ds, Dh, Aw = 2, 4, 3, 5, 6
    s = torch.randn(B, Ds, generator=g, dtype=torch.float64)
    H = torch.randn(B, N, Dh, generator=g, dtype=torch.float64)
    R = torch.randn(Aw, Ds + Dh, generator=g, dtype=torch.float64)
    v = torch.randn(Aw, generator=g, dtype=torch.float64)
    want = np.array([[float(v @ torch.tanh(R @ torch.cat([s[b], H[b, i]]))) for i in range(N)] for b in range(B)])
    np.testing.assert_allclose(A.score_concat(s, H, R, v).numpy(), want, rtol=1e-12)


def test_weights_and_context_by_hand():
    e = T([[0.0, math.log(3.0)]])  # softmax -> [1/4, 3/4]
    w = A.attention_weights(e)
    np.testing.assert_allclose(w.numpy(), [[0.25, 0.75]], rtol=1e-12)
    H = T([[[4.0, 0.0], [0.0, 8.0]]])
    np.testing.assert_allclose(A.context(w, H).numpy(), [[1.0, 6.0]], rtol=1e-12)


def test_mask_gives_zero_weight_and_sums_to_one():
    e = T([[1.0, 2.0, 3.0], [5.0, -1.0, 100.0]])
    mask = torch.tensor([[True, True, True], [True, True, False]])
    w = A.attention_weights(e, mask).numpy()
    assert w[1, 2] == 0.0
    np.testing.assert_allclose(w.sum(1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(w[1, :2], np.exp([5, -1]) / np.exp([5, -1]).sum(), rtol=1e-12)
    with pytest.raises(ValueError):
        A.attention_weights(e, torch.zeros(2, 3, dtype=torch.bool))


@settings(max_examples=40, deadline=None)
@given(B=st.integers(1, 3), N=st.integers(1, 7), D=st.integers(1, 6), kind=st.sampled_from(A.SCORES),
       seed=st.integers(0, 10_000), scale=st.floats(0.01, 30.0))
def test_module_shapes_sum_to_one_and_convex_context(B, N, D, kind, seed, scale):
    torch.manual_seed(seed)
    att = A.Attention(kind, D, D).double()
    s = scale * torch.randn(B, D, dtype=torch.float64)
    H = torch.randn(B, N, D, dtype=torch.float64)
    with torch.no_grad():
        e, w, c = att(s, H)
    assert e.shape == (B, N) and w.shape == (B, N) and c.shape == (B, D)
    np.testing.assert_allclose(w.sum(1).numpy(), 1.0, rtol=1e-12)
    assert (w >= 0).all()
    np.testing.assert_allclose(c.numpy(), np.einsum("bn,bnd->bd", w.numpy(), H.numpy()), rtol=1e-10, atol=1e-12)
    # the context lies inside the box spanned by the encoder states
    assert (c <= H.max(1).values + 1e-12).all() and (c >= H.min(1).values - 1e-12).all()


def test_module_uses_the_function_of_its_kind():
    torch.manual_seed(0)
    s, H = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, 3, dtype=torch.float64)
    g = A.Attention("general", 3, 3).double()
    with torch.no_grad():
        np.testing.assert_allclose(g.score(s, H).numpy(), A.score_general(s, H, g.R).numpy())
    c = A.Attention("concat", 3, 3, attn_size=5).double()
    assert c.R.shape == (5, 6) and c.v.shape == (5,)
    with torch.no_grad():
        np.testing.assert_allclose(c.score(s, H).numpy(), A.score_concat(s, H, c.R, c.v).numpy())
    assert len(list(A.Attention("dot", 3, 3).parameters())) == 0


@pytest.mark.parametrize("kind", A.SCORES)
def test_gradients_match_finite_differences(kind):
    torch.manual_seed(3)
    att = A.Attention(kind, 3, 3).double()
    s = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    H = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[True] * 4, [True, True, True, False]])
    assert torch.autograd.gradcheck(lambda s, H, *p: att(s, H, mask)[2], (s, H, *att.parameters()))


def test_bad_arguments():
    with pytest.raises(ValueError):
        A.Attention("cosine", 2, 2)
    with pytest.raises(ValueError):
        A.Attention("dot", 2, 3)
    with pytest.raises(ValueError):
        A.score_dot(torch.zeros(1, 2), torch.zeros(1, 3, 4))
    with pytest.raises(ValueError):
        A.score_dot(torch.zeros(2), torch.zeros(1, 3, 2))


def test_precomputed_concat_keys_give_the_same_scores():
    torch.manual_seed(4)
    att = A.Attention("concat", 3, 5, attn_size=4).double()
    s, H = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 6, 5, dtype=torch.float64)
    with torch.no_grad():
        k = att.keys(H)
        assert k.shape == (2, 6, 4)
        np.testing.assert_allclose(att.score(s, H, k).numpy(), att.score(s, H).numpy(), rtol=1e-12)
    assert A.Attention("dot", 3, 3).keys(H[..., :3]) is None


def test_attention_step_frames_keep_what_changes_and_the_rest_is_the_figure():
    """The browser copies each step's frame over the chart the server drew (rnnviz/assets/live/): a frame
    leaves out only what every step has the same, so over any step's figure it gives that step's figure;
    the heatmap's frames only move the outline (its z is a plain list, not base64)."""
    import json

    from rnnviz.labs import attention as lab
    from rnnviz.plots import attention as plots
    from rnnviz.plots.style import changing_parts, frame_of

    model, _ = lab.get_model("dot")
    dec = lab.decode(lab.AttentionConfig(att_score="dot", att_text="3 March 2021"), model)
    steps = range(1, len(dec.output) + 1)
    for make in (lambda t: plots.heatmap(dec, step=t), lambda t: plots.step_figure(dec, t),
                 lambda t: plots.vectors_figure(dec, t), lambda t: plots.probs_figure(dec, t)):
        full = [json.loads(json.dumps(frame_of(make(t)))) for t in steps]
        parts = changing_parts(full)
        for base in (full[0], full[-1]):
            for want, f in zip(full, parts):
                assert [{**tr, **u} for tr, u in zip(base["data"], f["data"])] == want["data"]
                assert {**base["layout"], **f["layout"]} == want["layout"]
    heat = changing_parts([frame_of(plots.heatmap(dec, step=t)) for t in steps])
    assert heat[0]["data"] == [{}] and set(heat[0]["layout"]) == {"shapes"}
    assert "bdata" not in json.dumps(frame_of(plots.heatmap(dec, step=1))["data"][0]["z"])


def test_a_step_changes_only_the_bars_heights_and_colours_on_one_score_axis():
    """The step chart's and the output chart's frames differ only in the bars' heights (y) and colours (marker.color),
    and their layout not at all: the browser draws a step into the SVG (rnnviz/assets/live/around_plotly.js barPlan),
    which it can do only on fixed axes. The score axis is one range for the whole decoding: 0 and every score of every step
    inside it, 5% spare above the largest and below the smallest (negative) score; the output bars sit at the
    positions 0..10 of a linear axis labelled with the characters (not a category axis)."""
    import json

    from rnnviz.data import dates as D
    from rnnviz.labs import attention as lab
    from rnnviz.plots import attention as plots
    from rnnviz.plots.style import changing_parts, frame_of

    for kind in ("dot", "concat"):
        model, _ = lab.get_model(kind)
        dec = lab.decode(lab.AttentionConfig(att_score=kind, att_text="3 March 2021"), model)
        steps = range(1, len(dec.output) + 1)
        for make in (plots.step_figure, plots.probs_figure):
            parts = changing_parts([json.loads(json.dumps(frame_of(make(dec, t)))) for t in steps])
            for f in parts:
                assert f["layout"] == {}
                for tr in f["data"]:
                    assert set(tr) <= {"y", "marker"} and set(tr.get("marker", {})) <= {"color"}
        lo, hi = plots.score_range(dec)
        every = np.asarray(dec.scores, dtype=np.float64)
        span = max(every.max(), 0) - min(every.min(), 0)
        assert lo <= min(every.min(), 0) and hi >= every.max()
        assert hi == pytest.approx(every.max() + 0.05 * span) if every.max() > 0 else hi == 0
        assert lo == pytest.approx(every.min() - 0.05 * span) if every.min() < 0 else lo == 0
        for t in steps:
            assert plots.step_figure(dec, t).layout.yaxis.range == (lo, hi)
    probs = plots.probs_figure(dec, 1)
    assert list(probs.data[0].x) == list(range(len(D.TARGET_CHARS)))
    assert list(probs.layout.xaxis.ticktext) == list(D.TARGET_CHARS) and list(probs.data[0].customdata) == list(D.TARGET_CHARS)
    assert plots.score_range(type("Dec", (), {"scores": np.zeros((2, 3))})()) == [0.0, 1.0]


def test_the_vectors_heatmap_is_coloured_on_one_scale_for_the_whole_decoding():
    """s_t, c_t and h̃_t of every step on one diverging scale, -L..L with L the largest |value| of any step (the colour
    bar says so): a step changes z only (no colour limits, no layout), and every value of every step is inside it."""
    import json

    from rnnviz.i18n import t as translate
    from rnnviz.labs import attention as lab
    from rnnviz.plots import attention as plots
    from rnnviz.plots.style import changing_parts, frame_of

    for kind in ("dot", "none"):
        model, _ = lab.get_model(kind)
        dec = lab.decode(lab.AttentionConfig(att_score=kind, att_text="3 March 2021"), model)
        steps = range(1, len(dec.output) + 1)
        parts = changing_parts([json.loads(json.dumps(frame_of(plots.vectors_figure(dec, t)))) for t in steps])
        assert all(f["layout"] == {} and [set(tr) for tr in f["data"]] == [{"z"}] for f in parts)
        vecs = [dec.s, dec.htilde] + ([dec.context] if dec.context is not None else [])
        lim = max(float(np.max(np.abs(v))) for v in vecs)
        assert plots.vectors_limit(dec) == pytest.approx(lim)
        for lang in ("en", "zh"):
            tr = plots.vectors_figure(dec, 3, lang).data[0]
            assert (tr.zmin, tr.zmax, tr.zmid) == (-lim, lim, 0.0)
            assert tr.colorbar.title.text == translate("attention.vectors_scale", lang)
            np.testing.assert_allclose(tr.z[0], dec.s[2])
