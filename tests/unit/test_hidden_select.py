"""What the hidden-state page ships for choosing the unit in the browser (rnnviz.labs.hidden_select):
the heatmap frame of unit j outlines row j as the server's figure does, the coloured text live.js
builds (run in node) is the server's unit_html for that unit, and the shipped units respect the budget."""
from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from rnnviz.labs import hidden_select as S
from rnnviz.plots import hidden as P
from tests.unit.live_module import LIVE_JS  # the module the browser gets


def states(T: int = 30, H: int = 6, seed: int = 0) -> np.ndarray:
    h = np.tanh(np.random.default_rng(seed).normal(size=(T, H)) * 1.5)
    h[4, 2] = np.nan  # a non-finite value: grey, shown as nan
    h[5, 2] = np.inf
    return h


def test_heat_frame_j_is_the_outline_of_the_server_figure_for_j():
    h = states()
    text = "x" * h.shape[0]
    frames = S.heat_frames(*h.shape)
    assert len(frames) == h.shape[1]
    for j in (0, 3, 5):
        fig = P.states_heatmap(h, text, j)
        assert frames[j]["layout"]["shapes"] == [s.to_plotly_json() for s in fig.layout.shapes]
        assert frames[j]["data"] == [{}]


def test_units_shipped_within_budget_and_around_the_server_unit():
    assert list(S.units_shipped(64, 628, 10)) == list(range(64))  # 40,192 characters: every unit
    w = S.units_shipped(128, 3000, 100)
    assert len(w) == S.TEXT_BUDGET // 3000 and 100 in w and w[-1] <= 127
    assert list(S.units_shipped(128, 3000, 127))[-1] == 127 and list(S.units_shipped(128, 3000, 0))[0] == 0
    assert list(S.units_shipped(8, 10**6, 5)) == [5]  # at least the server's own unit


def test_unit_view_captions_are_the_server_caption_of_each_unit():
    h = states()
    view = S.unit_view(h, "a" * h.shape[0], 1, "en")
    assert sorted(view["data"], key=int) == [str(j) for j in range(h.shape[1])]
    col = h[:, 0]
    assert view["data"]["0"][1] == (f"Unit 0 ranges from {col.min():.3f} to {col.max():.3f} on this text; "
                                    f"its largest value is after character {int(col.argmax()) + 1}.")


def node(script: str):
    """Run an ES module script in node with live.js importable; its stdout as JSON."""
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


NODE = pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js's builders outside a browser")


@NODE
def test_live_js_builds_the_server_unit_text():
    """live.js ``scaledParts`` and ``coloredHtml`` with the view's scale and style give
    rnnviz.plots.hidden.unit_html for every unit."""
    text = "Shall I <b>&'\"\ncompare thee"
    text = text + "x" * (30 - len(text))
    h = states(T=len(text))
    view = S.unit_view(h, text, 0, "en")
    calls = []
    for j in range(h.shape[1]):
        codes, _ = view["data"][str(j)]
        style = dict(view["style"], mid=view["style"]["mid"].replace("⟦hd_unit⟧", str(j)))
        calls.append([text, view["prefixes"], codes, view["scale"], style])
    got = node(f"import {{coloredHtml, scaledParts}} from {json.dumps(LIVE_JS.as_uri())};\n"
               f"const calls = {json.dumps(calls)};\n"
               "process.stdout.write(JSON.stringify(calls.map(([t, p, c, s, o]) => coloredHtml(t, p, ...scaledParts(c, s), o))));")
    for j in range(h.shape[1]):
        assert got[j] == P.unit_html(text, h[:, j], j), j


@NODE
def test_live_js_colours_every_value_as_python_does():
    """live.js ``scaledParts`` gives each value the background and the shown text of
    rnnviz.plots.hidden.colored_parts (plotly's sample_colorscale of the value as shown): every thousandth from
    -1.1 to 1.1 (each value the coloured text can show in [-1, 1], the stops and the halfway points between two
    colours among them), values a hair either side of a rounding, random ones, out of range, -0.0004 (shown
    -0.000), non-finite ones."""
    rng = np.random.default_rng(1)
    grid = np.arange(-1100, 1101) / 1000.0
    values = np.concatenate([grid, grid + 0.0005, grid - 0.0004999, np.nextafter(grid + 0.0005, 0),
                             rng.uniform(-1.2, 1.2, 3000), [-0.0004, -0.0, 0.0, 3.0, -7.5, 1e20, np.nan, np.inf, -np.inf]])
    shell = S.view_shell("x")
    codes = P.shown_codes(values, P.UNIT_DECIMALS)
    got = node(f"import {{scaledParts}} from {json.dumps(LIVE_JS.as_uri())};\n"
               f"process.stdout.write(JSON.stringify(scaledParts({json.dumps(codes)}, {json.dumps(shell['scale'])})));")
    bgs, shown = P.colored_parts("x" * len(values), values, lo=-1.0, hi=1.0, fmt=P.UNIT_FMT)
    assert got[1] == shown
    assert got[0] == bgs
    assert len(set(bgs)) > 500  # the colours vary (not one colour for all)


def test_unit_data_is_small():
    """The coloured text of a unit ships each character's value only (its colour is sampled in the browser): at
    most 6 bytes of JSON a character at the page's defaults (64 units, 628 characters), where a background and a
    value took 18."""
    h = np.tanh(np.random.default_rng(0).normal(size=(628, 64)))
    data = json.dumps(S.unit_data(h, "y" * 628, range(64), "en"), separators=(",", ":"))
    assert len(data) <= 6 * 628 * 64


def test_unit_text_is_shown_as_the_heatmap_shows_it():
    """Each character's value is h to 3 decimals (the heatmap's hover and the caption), as a whole number of
    thousandths or, where that cannot say it, the shown string; non-finite values are shown as they are."""
    h = states(T=40)
    h[6, 1] = -0.0003  # shown -0.000
    view = S.unit_view(h, "y" * 40, 0, "en")
    assert view["scale"] == {"stops": P.scale_stops(P.DIVERGING), "lo": -1.0, "hi": 1.0, "decimals": 3}
    for j in range(h.shape[1]):
        codes, _ = view["data"][str(j)]
        for t in range(h.shape[0]):
            v, c = h[t, j], codes[t]
            if not np.isfinite(v):
                assert c == ("nan" if np.isnan(v) else str(v))
            elif isinstance(c, str):
                assert c == f"{v:.3f}" == "-0.000"
            else:
                assert f"{c / 1000:.3f}" == f"{v:.3f}" and c == round(float(f"{v:.3f}") * 1000)
