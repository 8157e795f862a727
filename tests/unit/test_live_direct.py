"""live.js ``drawDirect`` (run in node against a stand-in for plotly, its axes and its SVG): during a drag of a live
range a frame that only moves scatter points is drawn by writing the SVG plotly drew (each line segment's ``d``,
each marker's ``transform``) at the axes' pixels, plotly's data untouched; what it cannot draw that way (a new axis
range, a trace shown or hidden, another number of segments or markers, an autoranged axis) is left to plotly; and
the next plotly draw (the release) gives plotly every trace drawn directly, so ``gd.data`` is the frame shown."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest

LIVE_JS = Path(__file__).resolve().parents[2] / "rnnviz" / "assets" / "live.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js outside a browser")

# A chart of two scatter traces on a linear x axis (t = 1..4 -> 100..400 px) and a log y axis (10^k -> 300 - 100 k
# px): trace 0 lines+markers, trace 1 lines. Plotly's SVG: one path.js-line per segment, one path.point per marker.
SCRIPT = """
globalThis.window = globalThis;
const calls = [];
const el = (cls) => ({ cls, attrs: {}, setAttribute(k, v) { this.attrs[k] = v; }, getAttribute(k) { return this.attrs[k] ?? null; } });
const group = (lines, points) => { const kids = [...Array(lines)].map(() => el("js-line")).concat([...Array(points)].map(() => el("point")));
  return { isConnected: true, kids, querySelectorAll: (sel) => kids.filter((k) => sel === "path." + k.cls) }; };
const spec = %(spec)s;
const groups = spec.groups.map(([l, p], i) => Object.assign(group(l, p), { __data__: [{ trace: { index: i } }] }));
const xaxis = { type: "linear", autorange: false, c2p: (x) => 100 * x };
const yaxis = { type: "log", autorange: spec.yauto, range: [-1, 2], c2p: (y) => 300 - 100 * Math.log10(y) };
const gd = { data: spec.data, layout: { meta: "m", yaxis: { range: [-1, 2] } },
  _fullLayout: { xaxis, yaxis },
  _fullData: spec.data.map((d) => Object.assign({ type: "scatter", visible: true, xaxis: "x", yaxis: "y" }, d)),
  calcdata: groups.map((g) => g.__data__), querySelectorAll: (sel) => (sel === ".scatterlayer g.trace" ? groups : []) };
const merge = (into, upd) => { for (const [k, v] of Object.entries(upd)) into[k] = v; };
globalThis.Plotly = {
  animate(g, fr) { calls.push("animate"); fr.traces.forEach((i, k) => merge(g.data[i], fr.data[k])); return Promise.resolve(); },
  relayout(g, lay) { calls.push("relayout"); return Promise.resolve(); },
  update(g, data, lay, traces) { calls.push("update"); return Promise.resolve(); },
  react() { calls.push("react"); return Promise.resolve(); },
};
globalThis.document = { querySelector: (sel) => (sel === ".st-key-k .js-plotly-plot" ? gd : null) };
const { applyFrame, drawDirect } = await import(%(url)s);
const out = [];
for (const [how, frame] of spec.steps) {
  calls.length = 0;
  const r = how === "direct" ? drawDirect("k", "m", frame) : applyFrame("k", "m", frame, gd.__rvDirty);
  out.push({ r, calls: calls.slice(), updates: window.__rnnvizLive.updates.k || 0,
             svg: groups.map((g) => g.kids.map((k) => k.attrs.d ?? k.attrs.transform ?? null)),
             data: JSON.parse(JSON.stringify(gd.data)) });
}
process.stdout.write(JSON.stringify(out));
"""

X = [1, 2, 3, 4]
SERVER = [{"x": X, "y": [1, 1, 1, 1], "mode": "lines+markers"}, {"x": X, "y": [10, 10, 10, 10], "mode": "lines"}]


def run(steps, data=SERVER, groups=((1, 4), (1, 0)), yauto=False) -> list[dict]:
    spec = {"data": json.loads(json.dumps(data)), "groups": groups, "yauto": yauto, "steps": steps}
    code = SCRIPT % {"spec": json.dumps(spec), "url": json.dumps(LIVE_JS.as_uri())}
    res = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def frame(y0, y1=None, rng=(-1, 2), **extra) -> dict:
    return {"data": [{"y": y0, **extra}, {"y": y1} if y1 is not None else {}], "layout": {"yaxis": {"range": list(rng)}}}


def px(x, y) -> str:
    return f"{100 * x:.2f},{300 - 100 * math.log10(y):.2f}"


def test_a_drag_frame_is_drawn_in_the_svg_at_the_axes_pixels_and_plotly_is_not_called():
    y0 = [1, 10, 100, 10]
    [r] = run([["direct", frame(y0, [0.1, 0.1, 1, 1])]])
    assert r["r"] is True and r["calls"] == [] and r["updates"] == 1
    assert r["svg"][0] == ["M" + "L".join(px(x, y) for x, y in zip(X, y0))] + [f"translate({px(x, y)})" for x, y in zip(X, y0)]
    assert r["svg"][1] == ["M" + "L".join(px(x, y) for x, y in zip(X, [0.1, 0.1, 1, 1]))]
    assert r["data"] == SERVER  # plotly's data as it was: given on release


def test_the_release_gives_plotly_every_trace_drawn_directly_even_back_at_its_frame():
    """Drawn directly at frame 1 then 2, released back at the server's values (frame 0, what plotly holds): plotly
    is given the traces drawn directly, so its data and drawing are frame 0 again; without them it draws nothing
    and keeps frame 2's SVG on screen."""
    f0, f1, f2 = frame([1, 1, 1, 1], [10, 10, 10, 10]), frame([1, 10, 10, 1]), frame([1, 10, 100, 1], [1, 1, 1, 1])
    out = run([["direct", f1], ["direct", f2], ["plotly", f0]])
    assert [o["calls"] for o in out] == [[], [], ["animate"]]
    assert out[2]["data"][0]["y"] == [1, 1, 1, 1] and out[2]["data"][1]["y"] == [10, 10, 10, 10]
    assert [o["updates"] for o in out] == [1, 2, 3]


def test_a_frame_whose_range_is_inside_the_axis_drawn_is_drawn_on_that_axis():
    """The axis shows 10^-1..10^2; a frame whose range is 10^0..10^2 is drawn directly at the drawn axis's pixels
    (its range is set when plotly is given the frame); the release relayouts to it."""
    y0 = [1, 10, 100, 10]
    out = run([["direct", frame(y0, rng=(0, 2))], ["plotly", frame(y0, rng=(0, 2))]])
    assert out[0]["r"] is True and out[0]["calls"] == [] and out[0]["updates"] == 1
    assert out[0]["svg"][0][0] == "M" + "L".join(px(x, y) for x, y in zip(X, y0))
    assert out[1]["calls"] == ["relayout", "animate"] and out[1]["data"][0]["y"] == y0


def test_what_the_svg_cannot_show_is_left_to_plotly():
    """A y range reaching beyond the axis drawn, a trace switched on or off, a gap (another number of markers), an autoranged y axis: no
    direct drawing (drawDirect false, nothing written), plotly draws it."""
    for steps, kw in [
        ([["direct", frame([1, 10, 10, 1], rng=(-6, 2))]], {}),
        ([["direct", frame([1, 10, 10, 1], visible=False)]], {}),
        ([["direct", frame([1, None, 10, 1])]], {}),
        ([["direct", frame([1, 10, 10, 1])]], {"yauto": True}),
    ]:
        [r] = run(steps, **kw)
        assert r["r"] is False and r["calls"] == [] and r["updates"] == 0, (steps, kw)
        assert all(v is None for g in r["svg"] for v in g), (steps, kw)


def test_gaps_split_a_line_into_the_segments_plotly_drew():
    """A gap (None, or a value <= 0 on the log axis) ends a segment; a run of one point draws no line, its marker
    stays: with one segment and three markers drawn by plotly, the frame is drawn directly."""
    data = [{"x": X, "y": [1, 1, None, 1], "mode": "lines+markers"}, {"x": X, "y": [10, 10, 10, 10], "mode": "lines"}]
    y = [2, 3, 0, 5]  # 0: a gap on a log axis
    [r] = run([["direct", frame(y)]], data=data, groups=((1, 3), (1, 0)))
    assert r["r"] is True
    assert r["svg"][0] == ["M" + px(1, 2) + "L" + px(2, 3)] + [f"translate({px(x, v)})" for x, v in [(1, 2), (2, 3), (4, 5)]]
