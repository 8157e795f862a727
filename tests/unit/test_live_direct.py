"""live.js ``drawDirect`` and the hand-over (run in node against a stand-in for plotly, its axes and its SVG): a frame that
only moves scatter points (and shapes) is drawn around plotly by writing the SVG plotly drew (each line segment's ``d``,
each marker's ``transform``) at the axes' pixels, plotly's data untouched; an axis range it needs is set by
``Plotly.relayout`` first (a drag keeps a wider axis drawn, a key press sets the frame's own); what it cannot draw that
way (a trace shown or hidden, another number of segments or markers, an autoranged axis) is left to plotly; and plotly
is given every trace drawn around it by its next draw, ``HANDOVER_MS`` after the last such frame, or at once when the
pointer moves over the chart, so ``gd.data`` is the frame shown."""
from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

from tests.unit.live_module import LIVE_JS  # the module the browser gets


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
// the plot area: x 0..400 px; y 100..400 px from the top; a log y axis of range [lo, hi] (log10 units): 10^lo at 400 px
const xaxis = { type: "linear", autorange: false, c2p: (x) => 100 * x, r2p: (x) => 100 * x, _offset: 0, _length: 400 };
const yaxis = { type: "log", autorange: spec.yauto, range: [-1, 2], _offset: 100, _length: 300,
  c2p(y) { return 400 - 300 * (Math.log10(y) - this.range[0]) / (this.range[1] - this.range[0]); } };
// one line shape (x, y data): its SVG path by data-index, as plotly's shape layer
const shapeEl = el("shape");
const shapes = [{ type: "line", xref: "x", yref: "y domain", x0: 1, x1: 1, y0: 0, y1: 1, visible: true }];
const listeners = {};
const gd = { data: spec.data, layout: { meta: "m", yaxis: { range: [-1, 2] }, shapes: shapes.map(({ visible, ...s }) => s) },
  _fullLayout: { xaxis, yaxis, shapes },
  _fullData: spec.data.map((d) => Object.assign({ type: "scatter", visible: true, xaxis: "x", yaxis: "y" }, d)),
  calcdata: groups.map((g) => g.__data__),
  querySelectorAll: (sel) => (sel === ".scatterlayer g.trace" ? groups : sel === '.shapelayer path[data-index="0"]' ? [shapeEl] : []),
  addEventListener(name, f) { (listeners[name] = listeners[name] || []).push(f); },
  emit(name) { calls.push("emit " + name); } };
const merge = (into, upd) => { for (const [k, v] of Object.entries(upd)) into[k] = v; };
// plotly's relayout of a range: the axis drawn at it (and the traces redrawn from plotly's data: not modelled here)
const relayout = (lay) => { for (const [p, v] of Object.entries(lay)) if (p === "yaxis.range") { yaxis.range = v.slice(); gd.layout.yaxis.range = v.slice(); } };
globalThis.Plotly = {
  animate(g, fr) { calls.push("animate"); fr.traces.forEach((i, k) => merge(g.data[i], fr.data[k])); return Promise.resolve(); },
  relayout(g, lay) { calls.push("relayout"); relayout(lay); return Promise.resolve(); },
  update(g, data, lay, traces) { calls.push("update"); relayout(lay); return Promise.resolve(); },
  react() { calls.push("react"); return Promise.resolve(); },
};
globalThis.document = { querySelector: (sel) => (sel === ".st-key-k .js-plotly-plot" ? gd : null) };
const { applyFrame, drawDirect } = await import(%(url)s);
const out = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (const [how, frame, arg] of spec.steps) {
  calls.length = 0;
  let r = null;
  if (how === "direct") r = drawDirect("k", "m", frame, arg);
  else if (how === "plotly") r = applyFrame("k", "m", frame, gd.__rvDirty);
  else if (how === "wait") await sleep(frame);  // ms
  else if (how === "pointer") (listeners.pointermove || []).forEach((f) => f({}));
  out.push({ r, calls: calls.slice(), updates: window.__rnnvizLive.updates.k || 0,
             svg: groups.map((g) => g.kids.map((k) => k.attrs.d ?? k.attrs.transform ?? null)),
             data: JSON.parse(JSON.stringify(gd.data)), dirty: gd.__rvDirty ? [...gd.__rvDirty] : [],
             range: yaxis.range.slice(), shape: shapeEl.attrs.d ?? null, shapes: gd.layout.shapes, full: shapes });
}
process.stdout.write(JSON.stringify(out));
process.exit(0);  // a hand-over still scheduled is not waited for
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


def px(x, y, rng=(-1, 2)) -> str:
    """The pixel of (x, y) on the stand-in's axes, the log y axis at range ``rng`` (log10 units)."""
    return f"{100 * x:.2f},{400 - 300 * (math.log10(y) - rng[0]) / (rng[1] - rng[0]):.2f}"


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
    """A trace switched on or off, a gap (another number of markers), an autoranged y axis whose range the frame
    changes: no direct drawing (drawDirect false, nothing written, no plotly call), plotly draws it."""
    for steps, kw in [
        ([["direct", frame([1, 10, 10, 1], visible=False)]], {}),
        ([["direct", frame([1, None, 10, 1])]], {}),
        ([["direct", frame([1, 10, 10, 1])]], {"yauto": True}),
        ([["direct", frame([1, 10, 10, 1], rng=(-6, 2))]], {"yauto": True}),
    ]:
        [r] = run(steps, **kw)
        assert r["r"] is False and r["calls"] == [] and r["updates"] == 0, (steps, kw)
        assert all(v is None for g in r["svg"] for v in g), (steps, kw)


def test_a_range_beyond_the_axis_drawn_is_set_by_relayout_then_the_points_are_drawn_at_its_pixels():
    """During a drag the axis shows 10^-1..10^2; a frame reaching down to 10^-6 sets that range (Plotly.relayout, which
    redraws the axes and plotly's own traces), then its points are written at the new axis's pixels, and so is a
    trace drawn around plotly before (plotly has just redrawn it from its own data); plotly's data is unchanged."""
    y0, y1 = [1, 10, 100, 1e-5], [0.1, 0.1, 1, 1]
    out = run([["direct", frame([1, 10, 10, 1], y1)], ["direct", frame(y0, rng=(-6, 2))]])
    assert out[1]["r"] is True and out[1]["calls"] == ["relayout"] and out[1]["range"] == [-6, 2]
    new = (-6, 2)
    assert out[1]["svg"][0] == ["M" + "L".join(px(x, y, new) for x, y in zip(X, y0))] + [
        f"translate({px(x, y, new)})" for x, y in zip(X, y0)]
    assert out[1]["svg"][1] == ["M" + "L".join(px(x, y, new) for x, y in zip(X, y1))]
    assert out[1]["data"] == SERVER and out[1]["dirty"] == [0, 1] and out[1]["updates"] == 2


def test_a_key_press_sets_the_frames_own_range_even_inside_the_axis_drawn():
    """``ranges="exact"`` (a key press): a frame whose range 10^0..10^2 lies inside the axis drawn is drawn at its own
    range, as plotly would draw it (relayout, then the points at its pixels); "hold" (a drag) keeps the wider axis. A
    frame at the range drawn needs no relayout either way, and plotly, given the frame later, sets no range again."""
    y0 = [1, 10, 100, 10]
    out = run([["direct", frame(y0, rng=(0, 2)), "exact"], ["plotly", frame(y0, rng=(0, 2))]])
    assert out[0]["r"] is True and out[0]["calls"] == ["relayout"] and out[0]["range"] == [0, 2]
    assert out[0]["svg"][0][0] == "M" + "L".join(px(x, y, (0, 2)) for x, y in zip(X, y0))
    assert out[1]["calls"] == ["animate"] and out[1]["data"][0]["y"] == y0 and out[1]["dirty"] == []
    [held] = run([["direct", frame(y0, rng=(0, 2)), "hold"]])
    assert held["calls"] == [] and held["range"] == [-1, 2]
    # after a frame plotly drew (its record, gd.__rvFrame, holds the old range): plotly is not given the range again
    out = run([["plotly", frame([1, 1, 10, 10])], ["direct", frame(y0, rng=(0, 2)), "exact"], ["plotly", frame(y0, rng=(0, 2))]])
    assert [o["calls"] for o in out] == [["animate"], ["relayout"], ["animate"]] and out[2]["dirty"] == []
    [same] = run([["direct", frame(y0), "exact"]])
    assert same["r"] is True and same["calls"] == [] and same["svg"][0][0] == "M" + "L".join(px(x, y) for x, y in zip(X, y0))


def test_plotly_is_given_the_frame_after_a_pause_or_when_the_pointer_moves_over_the_chart():
    """Rule 3 of the hand-over: drawn around plotly, the traces are given to plotly (animate) HANDOVER_MS (150 ms)
    after the last such frame, not before (a held key draws every frame around plotly); a pointer moving over the chart
    hands over at once (hover and a modebar export read plotly's data). Then plotly's data is the frame shown."""
    f1 = frame([1, 10, 10, 1], [0.1, 0.1, 1, 1])
    out = run([["direct", f1], ["wait", 60], ["direct", frame([1, 10, 100, 1])], ["wait", 60], ["wait", 200]])
    assert [o["calls"] for o in out] == [[], [], [], [], ["animate"]]
    assert out[3]["dirty"] == [0, 1] and out[3]["data"] == SERVER
    assert out[4]["dirty"] == [] and out[4]["data"][0]["y"] == [1, 10, 100, 1] and out[4]["data"][1]["y"] == [0.1, 0.1, 1, 1]
    out = run([["direct", f1], ["pointer"], ["wait", 200]])
    assert [o["calls"] for o in out] == [[], ["animate"], []]
    assert out[1]["dirty"] == [] and out[1]["data"][1]["y"] == [0.1, 0.1, 1, 1]


def test_shapes_moved_with_the_points_are_drawn_and_given_to_plotly_at_once():
    """Rule 1: a frame that moves a shape (a line on the x axis and the y axis' domain) and the points is drawn in one
    call: the shape's outline set, its position written into plotly's layout and full layout at once (plotly_relayout
    emitted, as plotly would), the points drawn; the traces alone wait for the hand-over."""
    f = frame([1, 10, 10, 1])
    f["layout"]["shapes"] = [{"type": "line", "xref": "x", "yref": "y domain", "x0": 2, "x1": 2, "y0": 0, "y1": 1}]
    [r] = run([["direct", f]])
    assert r["r"] is True and r["calls"] == ["emit plotly_relayout"] and r["shape"] == "M200,400L200,100"
    assert r["shapes"][0]["x0"] == 2 and r["full"][0]["x1"] == 2 and r["dirty"] == [0] and r["updates"] == 1
    f["layout"]["shapes"][0]["line"] = {"color": "red"}  # a style: plotly draws it
    [r] = run([["direct", f]])
    assert r["r"] is False and r["calls"] == [] and r["shape"] is None


def test_gaps_split_a_line_into_the_segments_plotly_drew():
    """A gap (None, or a value <= 0 on the log axis) ends a segment; a run of one point draws no line, its marker
    stays: with one segment and three markers drawn by plotly, the frame is drawn directly."""
    data = [{"x": X, "y": [1, 1, None, 1], "mode": "lines+markers"}, {"x": X, "y": [10, 10, 10, 10], "mode": "lines"}]
    y = [2, 3, 0, 5]  # 0: a gap on a log axis
    [r] = run([["direct", frame(y)]], data=data, groups=((1, 3), (1, 0)))
    assert r["r"] is True
    assert r["svg"][0] == ["M" + px(1, 2) + "L" + px(2, 3)] + [f"translate({px(x, v)})" for x, v in [(1, 2), (2, 3), (4, 5)]]


def test_a_shape_moved_around_plotly_and_back_to_the_frame_plotly_drew_last_is_drawn_back():
    """Plotly draws a frame (its record, gd.__rvFrame, has the line at x = 1); a key press moves the line to x = 2
    around plotly (written into plotly's layout at once: rule 1), the next one back to x = 1: it is drawn at x = 1
    again (compared with the record of what plotly holds, which the move updated; with the record left at x = 1 the
    frame back would differ from nothing and the line would stay at x = 2)."""
    def at(x):
        f = frame([1, 1, 1, 1])
        f["layout"]["shapes"] = [{"type": "line", "xref": "x", "yref": "y domain", "x0": x, "x1": x, "y0": 0, "y1": 1}]
        return f
    out = run([["plotly", at(1)], ["direct", at(2), "exact"], ["direct", at(1), "exact"], ["plotly", at(1)]])
    # (the server's figure has the line at x = 1: plotly draws nothing new at first, the stand-in's outline is unset)
    assert [o["shape"] for o in out] == [None, "M200,400L200,100", "M100,400L100,100", "M100,400L100,100"]
    assert out[3]["shapes"][0]["x0"] == 1  # plotly's layout (read once all steps ran)
    assert out[3]["calls"] == []  # plotly holds the line at x = 1 already
