"""The live radius drag on the vanishing page: its frames only move data (the legend, title and annotations
are the same for every radius), and the readout line beside the range says what the legend does not, with
the numbers of each radius (γ in closed form, the overflow and underflow counts as drawn)."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from rnnviz.labs import vanishing as lab
from rnnviz.plots import vanishing as plots


def sweep(**kw):
    cfg = lab.VanishingConfig(**{"T": 12, "H": 4, **kw})
    radii, results = lab.radius_sweep(cfg, budget_s=1e9)
    assert len(radii) == 61
    return radii, results


@pytest.mark.parametrize("activation,phi_max", [("tanh", 1.0), ("sigmoid", 0.25), ("relu", 1.0)])
def test_readout_gamma_is_the_closed_form(activation, phi_max):
    """W_hh = ρ·I (identity init): ‖W_hh‖₂ = ρ, so γ = ρ·max|φ'| for every radius of the grid."""
    radii, results = sweep(init="identity", activation=activation, cells=("RNN", "LSTM"))
    for r, res in zip(radii, results):
        for lang in ("en", "zh"):
            text = plots.grad_norm_readout(res, lang)
            m = re.search(r"γ = ‖W_hh‖₂·max\|φ′\| = ([0-9.e+-]+)", text)
            assert m, text
            assert float(m.group(1)) == pytest.approx(r * phi_max, rel=5e-3, abs=1e-12), (r, text)
            assert text.startswith("RNN")  # the LSTM has no bound


def test_readout_has_no_bound_without_an_rnn_or_with_every_step_loss():
    for kw in (dict(cells=("LSTM", "GRU")), dict(cells=("RNN",), loss="every")):
        _, results = sweep(**kw)
        assert all("γ" not in plots.grad_norm_readout(res, lang) for res in results for lang in ("en", "zh"))


def marker_counts(frame, res):
    """{(cell, "over"|"zero"): how many markers the frame draws}, from its trace list (see grad_norm_parts)."""
    traces, _ = plots.grad_norm_parts(res)
    out = {}
    for tr, upd in zip(traces, frame["data"]):
        if tr["mode"] == "markers":
            kind = "over" if tr["marker"]["symbol"] == "x" else "zero"
            out[tr["name"].split(":")[0], kind] = len(upd["x"])
    return out


def test_readout_counts_are_the_markers_drawn():
    """Radius 0: W_hh = 0, so with the loss on the last step every earlier gradient is exactly 0 (T-1 steps
    underflow for the RNN); the readout's counts equal the triangles and crosses each frame draws."""
    radii, results = sweep(cells=("RNN", "GRU"))
    seen_zero = False
    for r, res in zip(radii, results):
        frame = plots.grad_norm_frame(res)
        counts = marker_counts(frame, res)
        for lang, over_word, zero_word in (("en", "overflowed", "underflowed"), ("zh", "溢出", "下溢")):
            text = plots.grad_norm_readout(res, lang)
            for cell in res.cells:
                for kind, word in (("over", over_word), ("zero", zero_word)):
                    n = counts[cell, kind]
                    found = re.findall(rf"{cell}[:：] ?(\d+) [^·]*{word}", text)
                    assert found == ([str(n)] if n else []), (r, lang, cell, kind, text)
        if r == 0.0:
            assert counts["RNN", "zero"] == 11  # every step but T
            seen_zero = True
    assert seen_zero


def test_frames_only_move_data_and_keep_the_legend():
    """Every frame changes only y (x and y of the markers) and the y range; the figure's legend names, title
    and trace styles are the same for every radius; the range, a multiple of RANGE_STEP decades, holds every
    drawn curve value."""
    radii, results = sweep(cells=("RNN", "LSTM"))
    first = plots.grad_norm_figure(results[0]).to_plotly_json()
    strip = ("x", "y")
    for r, res in zip(radii, results):
        frame = plots.grad_norm_frame(res)
        assert set(frame["layout"]) == {"yaxis"} and set(frame["layout"]["yaxis"]) == {"range"}
        lo, hi = frame["layout"]["yaxis"]["range"]
        assert lo % plots.RANGE_STEP == 0 and hi % plots.RANGE_STEP == 0 and lo < hi
        fig = plots.grad_norm_figure(res).to_plotly_json()
        assert fig["layout"]["title"] == first["layout"]["title"]
        for a, b, upd in zip(fig["data"], first["data"], frame["data"]):
            assert set(upd) <= {"x", "y"}
            assert {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}
            if a["mode"] != "markers" and "dash" not in a["line"]:  # a curve: inside the range
                ys = np.array([v for v in upd["y"] if v is not None])
                assert np.all((np.log10(ys) >= lo) & (np.log10(ys) <= hi)), r
            if a["mode"] == "markers":  # along the top (overflow) or the bottom (underflow) of the range
                assert all(math.isclose(math.log10(v), lo if a["marker"]["symbol"] == "triangle-down" else hi)
                           for v in upd["y"])


def test_the_bound_leaving_the_chart_is_marked_and_said_for_every_radius():
    """Over the page's radius grid (vanilla RNN and LSTM, last-step loss, and a long sequence): the bound's line
    runs above the chart exactly when a ▲ is drawn at the top, where the line (straight between steps on the log
    axis) crosses it, and the readout says "above the chart for t ≤ n" with n the last step above, every step up to
    n above and none after (checked against the bound's closed form γ^(T-t) ‖∂L/∂h_T‖)."""
    for kw in (dict(cells=("RNN", "LSTM")), dict(cells=("RNN",), T=200, H=32)):
        radii, results = sweep(**kw)
        for r, res in zip(radii, results):
            traces, (lo, hi) = plots.grad_norm_parts(res)
            cr = res.cells["RNN"]
            env = cr.trace.grad_norm[-1] * cr.gamma ** (res.T - np.arange(1, res.T + 1))  # closed form
            np.testing.assert_allclose(cr.envelope, env, rtol=1e-9)
            with np.errstate(all="ignore"):
                above = ~(np.log10(env) <= hi)
            tri = next(tr for tr in traces if tr.get("marker", {}).get("symbol") == "triangle-up")
            readout = plots.grad_norm_readout(res)
            if not above.any():
                assert tri["x"] == [] and "above the chart" not in readout, r
                continue
            n = int(np.nonzero(above)[0].max()) + 1
            assert above[:n].all() and not above[n:].any(), r  # t <= n above, the rest inside
            assert f"above the chart for t ≤ {n} (▲)" in readout, (r, readout)
            (x,), (y,) = tri["x"], tri["y"]
            assert math.isclose(math.log10(y), hi) and n <= x <= n + 1, (r, x, n)
            if n < res.T:  # on the line between steps n and n + 1 at the top
                a, b = np.log10(env[n - 1]), np.log10(env[n])
                assert math.isclose(a + (b - a) * (x - n), hi, abs_tol=1e-9), r


def test_pick_sets_the_bound_slider(monkeypatch):
    from rnnviz import streamlit_helpers as sh

    state = {"vg_live": {"pick": 18}, "vg_radius": 0.5}
    monkeypatch.setattr(sh.st, "session_state", state)
    radii = [round(k * 0.05, 10) for k in range(61)]
    sh.pick_into("vg_live", "vg_radius", radii)()
    assert state["vg_radius"] == 0.9
    for bad in (61, -1, True, "3", None, 2.0):
        state.update({"vg_live": {"pick": bad}, "vg_radius": 0.5})
        sh.pick_into("vg_live", "vg_radius", radii)()
        assert state["vg_radius"] == 0.5, bad


def test_live_range_spec_checks_its_lists():
    from rnnviz import streamlit_helpers as sh

    spec = sh.live_range("vg_radius", [0.0, 0.5], ["0.00", "0.50"], ["", "x"], "ρ", "help", hide=["vg_radius_note"])
    assert spec["hide"] == ["vg_radius", "vg_radius_note"] and spec["values"] == [0.0, 0.5]
    with pytest.raises(ValueError):
        sh.live_range("vg_radius", [0.0, 0.5], ["0.00"], ["", ""], "ρ", "help")


@pytest.mark.parametrize("radius", [0.5, 0.9, 1.2, 1.5, 3.0])
def test_the_jacobian_chart_holds_its_norms_and_marks_where_the_bound_leaves_it(radius):
    """The ‖∂h_T/∂h_k‖ chart: every norm inside the y range, the range at most 4 decades (plus padding) above
    them whatever the bound does; the bound γ^(T-k) (closed form) above the top exactly when a ▲ is drawn there,
    at the point where its line (straight between the k on the log axis) crosses the top."""
    cfg = lab.VanishingConfig(cells=("RNN", "LSTM"), T=40, H=8, radius=radius)
    res = lab.run(cfg)
    jacs = {c: lab.jacobians(res, c) for c in res.cells}
    fig = plots.jacobian_figure(jacs, res)
    lo, hi = fig.layout.yaxis.range
    norms = np.concatenate([np.ravel(jn[n]) for jn in jacs.values() for n in ("spec", "fro")])
    norms = np.log10(norms[np.isfinite(norms) & (norms > 0)])
    assert lo <= norms.min() and norms.max() <= hi <= norms.max() + 4.0 + 0.3 + 0.05 * (norms.max() - norms.min() + 4)
    k = np.asarray(jacs["RNN"]["k"], dtype=np.float64)
    cr = res.cells["RNN"]
    bound = (cr.gamma ** (res.T - k))  # closed form of the dashed line
    np.testing.assert_allclose(cr.trace.bound(), bound, rtol=1e-9)
    with np.errstate(all="ignore"):
        above = ~(np.log10(bound) <= hi)
    tri = [tr for tr in fig.data if tr.marker.symbol == "triangle-up"]
    if not above.any():
        assert tri == [], radius
        return
    assert radius > 1 and len(tri) == 1, radius
    (x,), (y,) = tri[0].x, tri[0].y
    n = int(np.nonzero(above)[0].max()) + 1  # positions 1..n above
    assert above[:n].all() and not above[n:].any() and math.isclose(math.log10(y), hi)
    if n < len(k):  # on the line between k[n-1] and k[n], at the top
        a, b = np.log10(bound[n - 1]), np.log10(bound[n])
        assert k[n - 1] <= x <= k[n] and math.isclose(a + (b - a) * (x - k[n - 1]) / (k[n] - k[n - 1]), hi, abs_tol=1e-9)
