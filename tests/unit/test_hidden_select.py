"""What the hidden-state page ships for choosing the unit in the browser (rnnviz.labs.hidden_select):
the heatmap frame of unit j outlines row j as the server's figure does, the coloured text live.js
builds (run in node) is the server's unit_html for that unit, and the shipped units respect the budget."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from rnnviz.labs import hidden_select as S
from rnnviz.plots import hidden as P

LIVE_JS = Path(__file__).resolve().parents[2] / "rnnviz" / "assets" / "live.js"


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
    assert view["data"]["0"][2] == (f"Unit 0 ranges from {col.min():.3f} to {col.max():.3f} on this text; "
                                    f"its largest value is after character {int(col.argmax()) + 1}.")


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js's builders outside a browser")
def test_live_js_builds_the_server_unit_text():
    """live.js ``coloredHtml`` with the view's style gives rnnviz.plots.hidden.unit_html for every unit."""
    text = "Shall I <b>&'\"\ncompare thee"
    text = text + "x" * (30 - len(text))
    h = states(T=len(text))
    view = S.unit_view(h, text, 0, "en")
    calls = []
    for j in range(h.shape[1]):
        bgs, shown, _ = view["data"][str(j)]
        style = dict(view["style"], mid=view["style"]["mid"].replace("⟦hd_unit⟧", str(j)))
        calls.append([text, view["prefixes"], bgs, shown, style])
    script = (f"import {{coloredHtml}} from {json.dumps(LIVE_JS.as_uri())};\n"
              f"const calls = {json.dumps(calls)};\n"
              "process.stdout.write(JSON.stringify(calls.map((a) => coloredHtml(...a))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    for j in range(h.shape[1]):
        assert got[j] == P.unit_html(text, h[:, j], j), j


def test_unit_text_is_shown_as_the_heatmap_shows_it_coloured_by_that_value():
    """Each character's value is h to 3 decimals (the heatmap's hover and the caption), and its background is
    plotly's colour of that value on [-1, 1] (#rrggbb); non-finite values are grey and shown as they are."""
    from plotly.colors import sample_colorscale

    from rnnviz.labs.gates_select import _compact
    from rnnviz.plots.style import DIVERGING

    h = states(T=40)
    view = S.unit_view(h, "y" * 40, 0, "en")
    for j in range(h.shape[1]):
        bgs, shown, _ = view["data"][str(j)]
        for t in range(h.shape[0]):
            v = h[t, j]
            if not np.isfinite(v):
                assert (bgs[t], shown[t]) == ("#c8c8c8", "nan" if np.isnan(v) else str(v))
                continue
            assert shown[t] == f"{v:.3f}"
            pos = min(max((float(shown[t]) + 1.0) / 2.0, 0.0), 1.0)
            assert bgs[t] == _compact(sample_colorscale(DIVERGING, [pos], colortype="rgb")[0])
