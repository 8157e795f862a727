"""live.js ``drawDirect`` of bar traces (``barPlan``; run in node against a stand-in for plotly, its axes, calcdata and
SVG): a frame that changes only the bars' heights and fill colours (the attention page's steps) is drawn by writing
each bar's path and fill, exactly as plotly's bar/plot.js would draw them (reproduced here in Python: the edges at the
axes' pixels rounded to 0.01 px, an end closer than 2 px to the other moved out to a whole pixel, in plotly's order),
plotly's data untouched until the hand-over; what plotly would draw otherwise (an autoranged axis, x moved, an outline,
a translucent colour, text) is left to plotly."""
from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

from tests.unit.live_module import LIVE_JS  # the module the browser gets

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js outside a browser")

# One bar trace of four bars at x = 1..4 (width 0.8: calcdata p0, p1), on axes like plotly's: c2p(v) = b + m v rounded
# to 0.01 px (plotly's l2p); y from 0 at 118.166 px (not a whole pixel), 8.7306 px per unit upwards.
XA = {"m": 50.0, "b": 10.0}
YA = {"m": -8.7306, "b": 118.166}
SCRIPT = """
globalThis.window = globalThis;
const calls = [];
const spec = %(spec)s;
const round2 = (v) => Math.round(v * 100) / 100;  // d3.round(v, 2)
const axis = (a, extra) => Object.assign({ type: "linear", autorange: false, range: [0, 1], _offset: 0, _length: 400,
  c2p: (v) => round2(a.b + a.m * v) }, extra);
const xaxis = axis(spec.xa), yaxis = axis(spec.ya, spec.yaxis || {});
const el = () => ({ attrs: {}, style: {}, setAttribute(k, v) { this.attrs[k] = v; }, getAttribute(k) { return this.attrs[k] ?? null; } });
const bars = spec.data[0].y.map(() => el());
// what plotly drew from its data (the test gives it): each bar's path and fill
spec.drawn.forEach(([d, fill], k) => { bars[k].attrs.d = d; bars[k].style.fill = fill; });
const cd = spec.data[0].x.map((x, k) => ({ p0: x - 0.4, p1: x + 0.4, s0: 0, s1: spec.data[0].y[k] }));
cd[0].trace = { index: 0 };
const group = { __data__: cd, querySelectorAll: (sel) => (sel === "g.point > path" ? bars : []) };
const gd = { data: spec.data, layout: { meta: "m" },
  _fullLayout: Object.assign({ xaxis, yaxis, barmode: "group", bargap: 0.2, shapes: [] }, spec.layout || {}),
  _fullData: spec.data.map((d) => Object.assign({ type: "bar", visible: true, orientation: "v", xaxis: "x", yaxis: "y",
    opacity: 1, text: "", textposition: "auto", texttemplate: "", error_y: { visible: false } }, d,
    { marker: Object.assign({ line: { width: 0 } }, d.marker, spec.fullMarker || {}) })),
  calcdata: [cd],
  querySelectorAll: (sel) => (sel === ".barlayer g.trace" ? [group] : []),
  addEventListener() {} };
globalThis.Plotly = {
  update(g, data, lay, traces) { calls.push(["update", Object.keys(data).sort()]);
    for (const [p, vals] of Object.entries(data)) traces.forEach((i, k) => { if (p === "y") g.data[i].y = vals[k];
      if (p === "marker.color") g.data[i].marker = Object.assign({}, g.data[i].marker, { color: vals[k] }); }); },
  animate() { calls.push(["animate"]); return Promise.resolve(); },
  relayout() { calls.push(["relayout"]); return Promise.resolve(); },
  react() { calls.push(["react"]); return Promise.resolve(); },
};
globalThis.document = { querySelector: (sel) => (sel === ".st-key-k .js-plotly-plot" ? gd : null) };
const { drawDirect } = await import(%(url)s);
const out = [];
for (const [how, frame] of spec.steps) {
  calls.length = 0;
  let r = null;
  if (how === "direct") r = drawDirect("k", "m", frame, "exact");
  else if (how === "wait") await new Promise((res) => setTimeout(res, frame));
  out.push({ r, calls: calls.slice(), bars: bars.map((b) => [b.attrs.d, b.style.fill]),
             data: JSON.parse(JSON.stringify(gd.data)), dirty: gd.__rvDirty ? [...gd.__rvDirty] : [] });
}
process.stdout.write(JSON.stringify(out));
process.exit(0);
"""

X = [1, 2, 3, 4]
Y0 = [1.0, 2.0, -1.0, 0.5]
C0 = ["#b2182b", "#b2182b", "#2166ac", "#b2182b"]


def js_round2(v: float) -> float:
    """d3.round(v, 2) = Math.round(v * 100) / 100 (half up), as plotly's l2p rounds a pixel."""
    return math.floor(v * 100 + 0.5) / 100


def c2p(ax: dict, v: float) -> float:
    return js_round2(ax["b"] + ax["m"] * v)


def js_num(v: float) -> str:
    """A number as JavaScript's String(v) writes these (shortest form, no '.0')."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def plotly_bar(x: float, y: float, xa: dict = XA) -> str:
    """The path plotly's bar/plot.js draws for a vertical bar at x (width 0.8) from 0 to y on the stand-in's axes (opaque,
    no outline, gaps between bars): x0, x1, y0, y1 at the axes' pixels, then expandToVisible in plotly's order (x0
    against x1, x1 against the new x0, y0 against y1, y1 against the new y0; y ends that are equal stay)."""
    def expand(v, vc, keep_equal):
        if keep_equal and v == vc:
            return v
        return v if abs(v - vc) >= 2 else (math.ceil(v) if v > vc else math.floor(v))
    x0, x1 = c2p(xa, x - 0.4), c2p(xa, x + 0.4)
    y0, y1 = c2p(YA, 0.0), c2p(YA, y)
    if y1 == y0:  # plotly's isBlank: a bar of no height is drawn as one
        y1 = y0
    x0 = expand(x0, x1, False)
    x1 = expand(x1, x0, False)
    y0 = expand(y0, y1, True)
    y1 = expand(y1, y0, True)
    return f"M{js_num(x0)},{js_num(y0)}V{js_num(y1)}H{js_num(x1)}V{js_num(y0)}Z"


def rgb(c: str) -> str:
    return f"rgb({int(c[1:3], 16)}, {int(c[3:5], 16)}, {int(c[5:7], 16)})"


def run(steps, y0=Y0, colors=C0, yaxis=None, layout=None, full_marker=None, xa=XA) -> list[dict]:
    data = [{"x": X, "y": list(y0), "marker": {"color": list(colors)}}]
    drawn = [[plotly_bar(x, y, xa), rgb(c)] for x, y, c in zip(X, y0, colors)]
    spec = {"data": data, "drawn": drawn, "xa": xa, "ya": YA, "yaxis": yaxis or {}, "layout": layout or {},
            "fullMarker": full_marker or {}, "steps": steps}
    code = SCRIPT % {"spec": json.dumps(spec), "url": json.dumps(LIVE_JS.as_uri())}
    res = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def step(y, colors=None, **extra) -> dict:
    upd = {"y": list(y), **extra}
    if colors is not None:
        upd["marker"] = {"color": list(colors)}
    return {"data": [upd], "layout": {}}


def test_a_step_of_bars_is_drawn_as_plotly_draws_them_heights_and_colours_and_plotly_is_not_called():
    y = [3.0, -2.5, 0.0, 1.25]
    colors = ["#b2182b", "#2166ac", "#9e9e9e", "#ff7f0e"]
    [r] = run([["direct", step(y, colors)]])
    assert r["r"] is True and r["calls"] == [] and r["dirty"] == [0]
    assert r["bars"] == [[plotly_bar(x, v), rgb(c)] for x, v, c in zip(X, y, colors)]
    assert r["data"][0]["y"] == Y0 and r["data"][0]["marker"]["color"] == C0  # plotly's data: given at the hand-over


def test_bars_less_than_two_pixels_tall_are_drawn_a_whole_pixel_out_in_plotlys_order():
    """The base (0) is at 118.17 px, not a whole pixel. A bar of 0.2214 reaches 120.1 px: 1.93 px from the base, so the
    base is moved to 118 and then the top is 2.1 px from it and stays at 120.1 (a top checked against the base before
    it moved would go to 121 px: what the attention page drew before this was checked against plotly's redraw). A bar
    of 0.1 (0.87 px) is drawn 1 px out (floor/ceil), a bar of 0 has no height, tiny negative bars likewise."""
    y = [-0.2213648557662964, 0.1, 0.0, -0.05]
    [r] = run([["direct", step(y)]])
    assert r["r"] is True
    assert [b[0] for b in r["bars"]] == [plotly_bar(x, v) for x, v in zip(X, y)]
    assert r["bars"][0][0] == "M40,118V120.1H80V118Z" and r["bars"][2][0] == "M140,118.17V118.17H180V118.17Z"
    assert [b[1] for b in r["bars"]] == [rgb(c) for c in C0]  # no colours in the frame: as drawn


def test_bars_less_than_two_pixels_wide_are_drawn_as_plotly_widens_them():
    """On an x axis of 2.4875 px per unit a bar is 1.99 px wide (1.05 to 3.04 px): plotly moves x0 down to a whole
    pixel (1), then x1, now 2.04 px from it, stays (checked against x0 before it moved, it would go to 4); the direct
    drawing does the same."""
    xa = {"m": 2.4875, "b": -0.4425}
    y = [3.0, -2.5, 0.0, 1.25]
    [r] = run([["direct", step(y)]], xa=xa)
    assert r["r"] is True
    assert [b[0] for b in r["bars"]] == [plotly_bar(x, v, xa) for x, v in zip(X, y)]
    assert r["bars"][0][0].startswith("M1,") and "H3.04V" in r["bars"][0][0]


def test_the_bars_are_given_to_plotly_after_the_pause():
    y, colors = [3.0, -2.5, 0.0, 1.25], ["#2166ac"] * 4
    out = run([["direct", step(y, colors)], ["wait", 250]])
    assert out[1]["calls"] == [["update", ["marker.color", "y"]]] and out[1]["dirty"] == []
    assert out[1]["data"][0]["y"] == y and out[1]["data"][0]["marker"]["color"] == colors


@pytest.mark.parametrize("case", ["autorange", "x moved", "outline", "translucent", "text", "no gap", "base",
                                  "colour count"])
def test_what_plotly_would_draw_otherwise_is_left_to_plotly(case):
    """drawDirect false, nothing written, no plotly call: an autoranged y axis (the bars may change it), new x, an
    outline (plotly rounds those differently), an rgba colour, text on the bars, no gap between bars, a base, a colour
    list of another length."""
    y = [3.0, -2.5, 0.0, 1.25]
    kw, frame = {}, step(y)
    if case == "autorange":
        kw["yaxis"] = {"autorange": True}
    elif case == "x moved":
        frame = step(y, x=[2, 3, 4, 5])
    elif case == "outline":
        kw["full_marker"] = {"line": {"width": 1}}
    elif case == "translucent":
        frame = step(y, ["rgba(0, 0, 0, 0.5)"] * 4)
    elif case == "text":
        frame = step(y, text=["a", "b", "c", "d"])
    elif case == "no gap":
        kw["layout"] = {"bargap": 0}
    elif case == "base":
        frame = step(y, base=[1, 1, 1, 1])
    elif case == "colour count":
        frame = step(y, ["#2166ac"] * 3)
    [r] = run([["direct", frame]], **kw)
    assert r["r"] is False and r["calls"] == [] and r["dirty"] == [], case
    assert r["bars"] == [[plotly_bar(x, v), rgb(c)] for x, v, c in zip(X, Y0, C0)], case
