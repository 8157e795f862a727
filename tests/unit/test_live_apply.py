"""live.js ``applyFrame`` (run in node against a stand-in for plotly and the page): which plotly call draws a
frame. Scatter positions and styles on fixed-range axes, with at most new axis ranges, move by
``Plotly.animate`` without a redraw (ranges first by ``Plotly.relayout``); names, titles, autoranged axes
and other trace types go through one ``Plotly.update``; nothing is drawn for a frame already on the chart or
with no entries; every drawn change is counted in ``__rnnvizLive.updates``."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

LIVE_JS = Path(__file__).resolve().parents[2] / "rnnviz" / "assets" / "live.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js outside a browser")

SCRIPT = """
globalThis.window = globalThis;
const calls = [];
const rec = (name) => (gd, ...args) => { calls.push([name, JSON.parse(JSON.stringify(args, (k, v) =>
  ArrayBuffer.isView(v) ? {typed: Array.from(v)} : v))]); return Promise.resolve(gd); };
globalThis.Plotly = {update: rec("update"), relayout: rec("relayout"), animate: rec("animate")};
const gd = %(gd)s;
globalThis.document = {querySelector: (sel) => (sel === ".st-key-k .js-plotly-plot" ? gd : null)};
const {applyFrame} = await import(%(url)s);
const out = [];
for (const frame of %(frames)s) {
  calls.length = 0;
  const r = applyFrame("k", "m", frame);
  out.push({r, calls: calls.slice(), updates: window.__rnnvizLive.updates.k || 0});
}
process.stdout.write(JSON.stringify(out));
"""


def run(gd: dict, frames: list[dict]) -> list[dict]:
    script = SCRIPT % {"gd": json.dumps(gd), "url": json.dumps(LIVE_JS.as_uri()), "frames": json.dumps(frames)}
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def chart(types=("scatter", "scatter"), autorange=False) -> dict:
    """A plotted chart as applyFrame sees it: its figure (data, layout) and plotly's full data and layout."""
    return {"data": [{"type": t, "x": [1, 2, 3], "y": [1, 1, 1], "name": f"t{i}"} for i, t in enumerate(types)],
            "layout": {"meta": "m", "title": {"text": "a"}, "yaxis": {"range": [0, 2]}},
            "_fullData": [{"type": t, "xaxis": "x", "yaxis": "y"} for t in types],
            "_fullLayout": {"xaxis": {"autorange": autorange}, "yaxis": {"autorange": autorange}}}


def frame(*traces, **layout) -> dict:
    return {"data": list(traces), "layout": layout}


def test_scatter_moves_without_a_redraw_and_ranges_by_relayout():
    got = run(chart(), [frame({"y": [1, 2, 3]}, {}),
                        frame({"y": [3, 2, 1]}, {"y": [2, 2, 2]}, yaxis={"range": [0, 4]}),
                        frame({"y": [3, 2, 1]}, {"y": [2, 2, 2]}, yaxis={"range": [0, 4]})])
    assert [g["r"] for g in got] == [True, True, True]
    assert got[0]["calls"] == [["animate", [{"data": [{"y": [1, 2, 3]}], "traces": [0]},
                                            {"frame": {"redraw": False, "duration": 0}, "transition": {"duration": 0},
                                             "mode": "immediate"}]]]
    names = [c[0] for c in got[1]["calls"]]
    assert names == ["relayout", "animate"], names
    assert got[1]["calls"][0][1] == [{"yaxis.range": [0, 4]}]
    assert got[1]["calls"][1][1][0] == {"data": [{"y": [3, 2, 1]}, {"y": [2, 2, 2]}], "traces": [0, 1]}
    assert got[2]["calls"] == []  # the same frame again: nothing to draw
    assert [g["updates"] for g in got] == [1, 2, 2]


def test_what_needs_a_redraw_goes_through_one_update():
    renamed = run(chart(), [frame({"y": [1, 2, 3], "name": "new"}, {})])[0]
    assert [c[0] for c in renamed["calls"]] == ["update"]
    assert renamed["calls"][0][1] == [{"y": [[1, 2, 3]], "name": ["new"]}, {}, [0]]
    titled = run(chart(), [frame({"y": [1, 2, 3]}, {}, title={"text": "b"})])[0]
    assert titled["calls"] == [["update", [{"y": [[1, 2, 3]]}, {"title.text": "b"}, [0]]]]
    auto = run(chart(autorange=True), [frame({"y": [1, 2, 3]}, {})])[0]
    assert [c[0] for c in auto["calls"]] == ["update"]  # a transition would not autorange the axis
    heat = run(chart(types=("heatmap", "scatter")), [frame({"z": [[1, 2], [3, 4]]}, {})])[0]
    assert [c[0] for c in heat["calls"]] == ["update"]
    assert [g["updates"] for g in (renamed, titled, auto, heat)] == [1, 1, 1, 1]


def test_empty_frames_and_other_figures_draw_nothing():
    got = run(chart(), [frame({}, {}), {"data": [{"y": [5, 5, 5]}], "layout": {}}])
    assert got[0] == {"r": True, "calls": [], "updates": 0}
    assert got[1]["r"] is False and got[1]["calls"] == []  # another number of traces: another figure


def test_base64_arrays_reach_animate_as_numbers():
    """Plotly.animate merges an object into the one the chart holds (which may be another frame's own object,
    set there by an earlier Plotly.update), so a 1-D array in plotly's base64 form is given as its numbers."""
    y = np.array([0.5, 1.5, 2.5])
    spec = {"dtype": "f8", "bdata": base64.b64encode(y.tobytes()).decode()}
    got = run(chart(), [frame({"y": spec}, {})])[0]
    assert got["calls"][0][0] == "animate"
    assert got["calls"][0][1][0]["data"] == [{"y": {"typed": [0.5, 1.5, 2.5]}}]
    # a 2-D array (customdata, "rows, cols") keeps its base64 form: plotly reads its shape
    cd = np.arange(6, dtype=float).reshape(3, 2)
    spec2 = {"dtype": "f8", "bdata": base64.b64encode(cd.tobytes()).decode(), "shape": "3, 2"}
    got = run(chart(), [frame({"customdata": spec2, "y": spec}, {})])[0]
    assert got["calls"][0][0] == "animate"
    assert got["calls"][0][1][0]["data"] == [{"customdata": spec2, "y": {"typed": [0.5, 1.5, 2.5]}}]
