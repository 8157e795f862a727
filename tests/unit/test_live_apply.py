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

import numpy as np
import pytest

from tests.unit.live_module import LIVE_JS  # the module the browser gets


pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js outside a browser")

SCRIPT = """
globalThis.window = globalThis;
const calls = [];
const plain = (v) => JSON.parse(JSON.stringify(v, (k, x) => ArrayBuffer.isView(x) ? {typed: Array.from(x)} : x));
const gd = %(gd)s;
const layout0 = gd.layout;
// the chart's drawn shapes (one SVG path each, by data-index, for the shapes plotly drew: its full layout's), an
// axis' data -> px as plotly's on a linear axis, and the events the chart emits
const shapeEls = {};
gd.querySelectorAll = (sel) => {
  const m = /^\.shapelayer path\[data-index="(\d+)"\]$/.exec(sel);
  const full = m && ((gd._fullLayout || {}).shapes || [])[m[1]];
  if (!full || full.visible !== true) return [];
  return [shapeEls[m[1]] = shapeEls[m[1]] || {setAttribute(k, v) { this[k] = v; }}];
};
for (const [name, ax] of Object.entries(gd._fullLayout || {})) {  // y: px from the top
  if (ax && Array.isArray(ax.range)) ax.r2p = (v) => (name.startsWith("y") ? ax.range[1] - v : v - ax.range[0])
    / (ax.range[1] - ax.range[0]) * ax._length;
}
gd.emit = (name, what) => calls.push(["emit", name, what]);
// What plotly does with what it is given, so that a frame's object given to plotly would show up changed:
// it keeps the values by reference as the chart's figure (update, relayout: at the attribute string; animate:
// merged into the trace; react: the figure given), and later writes into them in place (here: a counter on
// every object of the figure, and base64 arrays decoded where they sit).
function set(obj, path, val) {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] = o[k] && typeof o[k] === "object" ? o[k] : {});
  o[keys[keys.length - 1]] = val;
}
function merge(into, upd) {
  for (const [k, v] of Object.entries(upd)) {
    if (v && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v) && into[k] && typeof into[k] === "object") merge(into[k], v);
    else into[k] = v;
  }
}
let drawn = 0;
function scribble(o) {
  if (!o || typeof o !== "object" || ArrayBuffer.isView(o)) return;
  if (Array.isArray(o)) { o.forEach(scribble); return; }
  o._drawn = drawn;
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === "object" && "bdata" in v) o[k] = new Float64Array(Buffer.from(v.bdata, "base64").buffer.slice(0));
    else scribble(v);
  }
}
const after = () => { drawn += 1; scribble(gd.data); scribble(gd.layout); return Promise.resolve(gd); };
globalThis.Plotly = {
  update(g, data, lay, traces) {
    calls.push(["update", plain([data, lay, traces])]);
    for (const [p, vals] of Object.entries(data)) (traces || vals.map((_, k) => k)).forEach((i, k) => {
      if (vals[k] !== undefined) set(g.data[i], p, vals[k]); });
    for (const [p, v] of Object.entries(lay)) set(g.layout, p, v);
    return after();
  },
  relayout(g, lay) { calls.push(["relayout", plain([lay])]); for (const [p, v] of Object.entries(lay)) set(g.layout, p, v); return after(); },
  animate(g, fr, opts) { calls.push(["animate", plain([fr, opts])]); fr.traces.forEach((i, k) => merge(g.data[i], fr.data[k])); return after(); },
  react(g, data, lay) {
    calls.push(["react", {sameObjects: data === g.data && lay === g.layout && lay === layout0, layout: plain(lay), data: plain(data)}]);
    g.data = data; g.layout = lay; return after();
  },
};
globalThis.document = {querySelector: (sel) => (sel === ".st-key-k .js-plotly-plot" ? gd : null)};
const {applyFrame} = await import(%(url)s);
const frames = %(frames)s;
const sent = JSON.stringify(frames);
const out = [];
for (const k of %(order)s) {
  calls.length = 0;
  const r = applyFrame("k", "m", frames[k]);
  const drawn = (gd._fullLayout || {}).shapes ? {  // a chart with drawn shapes: their outlines and values
    paths: Object.fromEntries(Object.entries(shapeEls).map(([i, e]) => [i, e.d])),
    shapes: plain((gd.layout.shapes || []).map((s, i) => [s, gd._fullLayout.shapes[i]]))} : {};
  out.push({r, calls: calls.slice(), updates: window.__rnnvizLive.updates.k || 0, ...drawn});
}
process.stdout.write(JSON.stringify({out, unchanged: JSON.stringify(frames) === sent, changed: frames
  .map((f, k) => JSON.stringify(f) === JSON.stringify(JSON.parse(sent)[k]) ? null : [k, plain(f)]).filter((x) => x)}));
"""


def run(gd: dict, frames: list[dict], order: list[int] | None = None, full: bool = False):
    """applyFrame("k", "m", frames[k]) for k in ``order`` (default: each frame once, in turn) on the chart ``gd``:
    per call, its result, the plotly calls it made and the update count; with ``full``, also whether every
    frame is still the one sent (``unchanged``, and ``changed``: the frames that are not)."""
    order = list(range(len(frames))) if order is None else order
    script = SCRIPT % {"gd": json.dumps(gd), "url": json.dumps(LIVE_JS.as_uri()), "frames": json.dumps(frames),
                       "order": json.dumps(order)}
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    return got if full else got["out"]


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


def rect(x0, **kw) -> dict:
    return {"type": "rect", "x0": x0, "x1": x0 + 1, "y0": 0, "y1": 1, "line": {"color": "red", "width": 3}, **kw}


def test_shapes_annotations_and_plain_trace_values_go_through_react_in_place():
    """A frame that moves a shape or an annotation, retitles or changes a plain trace value (an opacity) is drawn
    by one Plotly.react of the chart's own figure objects (Streamlit's element holds them: a resize redraws this
    frame), edited in place; a changed array on a trace still goes through Plotly.update (react would take any
    new array for new data), and so does everything on a figure with a datarevision."""
    gd = chart(types=("heatmap", "scatter"), autorange=True)
    gd["layout"]["shapes"] = [rect(0)]
    gd["layout"]["annotations"] = [{"x": 0, "y": 1, "text": "W"}]
    got = run(gd, [frame({}, {}, shapes=[rect(1)]),
                   frame({}, {"opacity": 0}, shapes=[rect(2)], annotations=[{"x": 2, "y": 1, "text": "W"}],
                         title={"text": "step 3"}),
                   frame({}, {"opacity": 0}, shapes=[rect(2)], annotations=[{"x": 2, "y": 1, "text": "W"}],
                         title={"text": "step 3"}),
                   frame({}, {"marker": {"color": [1, 2, 3]}}, shapes=[rect(0)])])
    assert [[c[0] for c in g["calls"]] for g in got] == [["react"], ["react"], [], ["update"]]
    moved, many = got[0]["calls"][0][1], got[1]["calls"][0][1]
    assert moved["sameObjects"] and many["sameObjects"]  # gd.data / gd.layout, edited in place
    assert moved["layout"]["shapes"][0]["x0"] == 1 and moved["layout"]["title"] == {"text": "a"}
    assert many["layout"]["shapes"][0]["x0"] == 2 and many["layout"]["annotations"][0]["x"] == 2
    assert many["layout"]["title"]["text"] == "step 3" and many["data"][1]["opacity"] == 0
    assert got[3]["calls"][0][1] == [{"marker.color": [[1, 2, 3]]}, {"shapes[0].x0": 0, "shapes[0].x1": 1}, [1]]
    assert [g["updates"] for g in got] == [1, 2, 2, 3]
    gd["layout"]["datarevision"] = 1
    revised = run(gd, [frame({}, {}, shapes=[rect(1)])])[0]
    assert [c[0] for c in revised["calls"]] == ["update"]


def test_a_drawn_frame_is_never_changed_afterwards():
    """Plotly keeps what it is given as the chart's own and writes into it later (the stand-in writes into every
    object of the figure after each call, and decodes base64 arrays where they sit). A shape list replaced whole,
    then one of its shapes edited in place, a trace's marker replaced and then edited, base64 arrays drawn by
    animate and by update: after frames drawn back and forth through react, update and animate, every frame is
    still the one the server sent, and each draw still reaches the chart."""
    y = [{"dtype": "f8", "bdata": base64.b64encode(np.array(v, dtype=float).tobytes()).decode()}
         for v in ([0.5, 1.5, 2.5], [2.5, 1.5, 0.5])]
    frames = [frame({"y": y[0]}, {}),  # animate
              frame({}, {"marker": {"color": "red", "size": 3}}, shapes=[rect(0), rect(5, name="veil")]),  # react
              frame({}, {"marker": {"color": "blue", "size": 3}}, shapes=[rect(1), rect(6, name="veil")]),  # react, in place
              frame({"y": y[1], "name": "n"}, {"marker": {"color": "blue", "size": 4}},
                    shapes=[rect(2)], annotations=[{"x": 1, "y": 1, "text": "W", "font": {"size": 12}}]),  # update
              frame({"y": y[0]}, {}, annotations=[{"x": 2, "y": 1, "text": "W", "font": {"size": 14}}])]
    order = [0, 1, 2, 1, 2, 3, 4, 3, 1, 2, 0, 3, 2]
    got = run(chart(), frames, order=order, full=True)
    assert got["unchanged"], got["changed"]
    names = [[c[0] for c in g["calls"]] for g in got["out"]]
    assert names[:3] == [["animate"], ["react"], ["react"]] and "update" in names[5], names
    assert all(g["r"] is True and g["calls"] for g in got["out"]), names  # every frame differs from the last


def shaped(autorange=False) -> dict:
    """A chart with a rect on x/y, a line on x / the y axis' domain, a circle of pixel size, a path, all drawn
    (plotly's full layout holds them): x and y from 0 to 10 over 200 px from px 50 (x) and 100 px from px 20 (y)."""
    shapes = [{"type": "rect", "xref": "x", "yref": "y", "x0": 1, "x1": 2, "y0": 0, "y1": 5},
              {"type": "line", "xref": "x", "yref": "y domain", "x0": 1, "x1": 1, "y0": 0, "y1": 1},
              {"type": "circle", "xref": "x", "yref": "y", "xsizemode": "pixel", "ysizemode": "pixel",
               "xanchor": 1, "yanchor": 1, "x0": -4, "x1": 4, "y0": -4, "y1": 4},
              {"type": "path", "xref": "x", "yref": "y", "path": "M1 1 L2 2 M3 3 L4 2 L3 1 Z"}]
    axis = {"type": "linear", "autorange": autorange, "range": [0, 10]}
    return {"data": [{"type": "heatmap", "z": [[1]]}],
            "layout": {"meta": "m", "shapes": [dict(s) for s in shapes]},
            "_fullData": [{"type": "heatmap", "xaxis": "x", "yaxis": "y"}],
            "_fullLayout": {"xaxis": {**axis, "_offset": 50, "_length": 200}, "yaxis": {**axis, "_offset": 20, "_length": 100},
                            "_size": {"l": 50, "t": 20, "w": 200, "h": 100},
                            "shapes": [dict(s, visible=True) for s in shapes]}}


def test_shapes_moved_on_fixed_axes_are_drawn_without_plotly():
    """A frame that only moves shapes (positions of a rect, a line on the axis' domain, a circle of pixel size,
    a path) on axes of a fixed range makes no plotly call: each shape's SVG outline is set as plotly's
    getPathString would draw it, the values are written into the chart's figure and plotly's full layout (a later
    redraw draws the same), plotly_relayout is emitted and the update counted. Anything else falls back to plotly:
    a style (react), a shape moved on an autoranged axis, a hidden shape."""
    x = lambda v: 50 + 20 * v  # noqa: E731  (data -> px, x: 0..10 over 200 px from 50)
    y = lambda v: 20 + 100 - 10 * v  # noqa: E731
    moved = [{"type": "rect", "xref": "x", "yref": "y", "x0": 3, "x1": 4, "y0": 0, "y1": 2},
             {"type": "line", "xref": "x", "yref": "y domain", "x0": 3, "x1": 3, "y0": 0, "y1": 1},
             {"type": "circle", "xref": "x", "yref": "y", "xsizemode": "pixel", "ysizemode": "pixel",
              "xanchor": 3, "yanchor": 2, "x0": -4, "x1": 4, "y0": -4, "y1": 4},
             {"type": "path", "xref": "x", "yref": "y", "path": "M3 1 L4 2 M5 3 L6 2 L5 1 Z"}]
    got = run(shaped(), [frame({}, shapes=moved)])[0]
    assert got["r"] is True and [c[:2] for c in got["calls"]] == [["emit", "plotly_relayout"]], got["calls"]
    assert got["calls"][0][2]["shapes[0].x0"] == 3 and got["calls"][0][2]["shapes[3].path"] == moved[3]["path"]
    assert got["updates"] == 1
    cx, cy = x(3), y(2)
    assert got["paths"] == {
        "0": f"M{x(3)},{y(0)}H{x(4)}V{y(2)}H{x(3)}Z",
        "1": f"M{x(3)},120L{x(3)},20",  # the y axis' domain: 0 at its bottom (px 120), 1 at its top (px 20)
        "2": f"M{cx + 4},{cy}A4,4 0 1,1 {cx},{cy - 4}A4,4 0 0,1 {cx + 4},{cy}Z",
        "3": f"M{x(3)} {y(1)} L{x(4)} {y(2)} M{x(5)} {y(3)} L{x(6)} {y(2)} L{x(5)} {y(1)} Z"}
    for (have, full), want in zip(got["shapes"], moved):  # the figure and plotly's full layout hold the new values
        for k, v in want.items():
            assert have[k] == v and full[k] == v, (k, have, full)
    # a style changed: plotly draws it
    styled = run(shaped(), [frame({}, shapes=[dict(moved[0], line={"color": "red"})] + moved[1:])])[0]
    assert [c[0] for c in styled["calls"]] == ["react"] and styled["paths"] == {}
    # moved along an autoranged axis (that can change its range), a hidden shape: plotly draws them
    auto = run(shaped(autorange=True), [frame({}, shapes=moved)])[0]
    assert [c[0] for c in auto["calls"]] == ["react"] and auto["paths"] == {}
    # moved along the fixed x axis only: the autoranged y axis keeps its range, no plotly call
    along_x = shaped()
    along_x["_fullLayout"]["yaxis"]["autorange"] = True
    first, *rest = shaped()["layout"]["shapes"]
    got = run(along_x, [frame({}, shapes=[dict(first, x0=3, x1=4)] + rest)])[0]
    assert [c[0] for c in got["calls"]] == ["emit"] and got["paths"] == {"0": f"M{x(3)},{y(0)}H{x(4)}V{y(5)}H{x(3)}Z"}
    hidden = shaped()
    hidden["_fullLayout"]["shapes"][0]["visible"] = False
    got = run(hidden, [frame({}, shapes=moved)])[0]
    assert [c[0] for c in got["calls"]] == ["react"] and got["paths"] == {}
