// live/around_plotly.js: drawing a frame without plotly, by writing the SVG plotly drew (drawDirect: scatter lines and
// markers, directPlan; bars, barPlan; moveShapes: shape outlines), and handing the frame to plotly afterwards
// (handOver, handOverLater). The rule below says what plotly holds meanwhile. tests/unit/test_live_direct.py and
// test_live_bars.py run it against a stand-in plotly and SVG.

// ---- Drawing around plotly ------------------------------------------------------------------------------------
// A frame drawn by plotly costs 10-40 ms before it is painted (Plotly.animate: ~17 ms of script, and it draws in a
// d3 transition on the next animation frame, one frame late; Plotly.update and react more), so a drag was drawn every
// second screen refresh at best and a key press one frame late. A frame that only moves things is drawn here instead,
// by writing the SVG plotly drew for them, at the pixels plotly's own axes give (ax.c2p; log axes included):
//   - scatter traces' x, y (drawDirect, directPlan): each line segment's `d` (path.js-line), each marker's `transform`
//     (path.point), a point x, y at (xa.c2p(x), ya.c2p(y)) inside the trace's group (plotly translates it to the plot
//     area). directPlan is one plan per trace type (a list of elements and what to write on each); another type is
//     a branch there;
//   - bar traces' heights and fill colours (barPlan): each bar's path `d` from 0 to ya.c2p(y) at its x as drawn, and
//     its fill (the attention page's score, weight and output bars: plotly took ~25 ms and ~11 ms a step);
//   - shapes' positions (moveShapes, also used by applyFrame for a frame that only moves shapes): each shape's path.
// One rule for all, what plotly holds while the chart shows such a frame:
//   1. A value plotly keeps as it is given and draws from alone is given to plotly at once, in the same call: a
//      shape's position is written into gd.layout and gd._fullLayout (plotly_relayout is emitted, as plotly would);
//      an axis range the frame needs is set by Plotly.relayout before the points are written (a range inside the one
//      drawn is kept during a drag: drawn on the wider axis, the frame's own range comes with the hand-over).
//   2. A value plotly derives more from (a trace's x and y, a bar's colours: its calcdata, what hover finds, autorange) is left as
//      plotly holds it: gd.__rvDirty lists the traces drawn this way, gd.__rvShown is the frame on screen.
//   3. The hand-over: the dirty traces are given to plotly (applyFrame with `force` = them, every attribute of the
//      frame, even where plotly holds it) by the next plotly draw of the chart, and at the latest HANDOVER_MS after
//      the last frame drawn here (handOverLater), or at once when the pointer moves over the chart (before plotly's
//      hover or a modebar click reads it). Then gd.data / gd.layout are the frame shown and __rvDirty is cleared.
// Meanwhile (at most HANDOVER_MS, while no pointer is over the chart): the SVG shows the frame; plotly's data, a
// hover label already open and an export (Download PNG) show the frame plotly drew last. Nothing is drawn here
// without plotly.js loaded or while a plotly transition is drawing (it would draw over it one frame later): plotly
// draws it then (applyFrame).

/** ms after the last frame drawn around plotly until plotly is given it (rule 3): a held key or a drag draws every
 * frame here; a pause hands over. */
const HANDOVER_MS = 150;
/** A shape attribute that moveShapes draws: a position (never a style, a visibility or an axis reference). */
const SHAPE_MOVE = /^shapes\[(\d+)\]\.(x0|x1|y0|y1|xanchor|yanchor|path)$/;
/** data -> px along `letter` ("x" or "y") for a shape's reference `ref` ("x2", "y domain", "paper"), as plotly's
 * shapes/helpers.getDataToPixel: axis._offset + axis.r2p(v) on a linear or category axis, the axis' or the plot
 * area's share for a domain or paper reference; null for anything else (a log or date axis), and for an
 * autoranged axis when the shape `moves` along it (its range could change: plotly must draw that). */
function toPx(gd, ref, letter, moves) {
  const fl = gd._fullLayout;
  if (ref === "paper") {
    const s = fl._size;
    return letter === "x" ? (v) => s.l + s.w * v : (v) => s.t + s.h * (1 - v);
  }
  const m = /^([xy])(\d*)( domain)?$/.exec(ref || "");
  const ax = m && m[1] === letter ? fl[`${letter}axis${m[2]}`] : null;
  if (!ax || typeof ax._offset !== "number") return null;
  if (m[3]) return letter === "x" ? (v) => ax._offset + ax._length * v : (v) => ax._offset + ax._length * (1 - v);
  if ((ax.type !== "linear" && ax.type !== "category") || (moves && ax.autorange !== false)
      || typeof ax.r2p !== "function") return null;
  return (v) => ax._offset + ax.r2p(v);
}
/** The SVG path of a shape `s` (plotly's full shape with the new values `edits`), as plotly's shapes/draw.js
 * getPathString writes it: line, rect, circle (data or pixel sizes), or a path of M, L and Z segments in data
 * units; null for anything else. */
function shapePath(gd, s, edits) {
  const moves = (letter) => Object.keys(edits).some((a) => a === "path" || a.startsWith(letter));
  const x2p = toPx(gd, s.xref, "x", moves("x")), y2p = toPx(gd, s.yref, "y", moves("y"));
  if (!x2p || !y2p || (s.label && s.label.text)) return null;
  if (s.type === "path") {
    if (s.xsizemode === "pixel" || s.ysizemode === "pixel" || !/^[MLZ0-9eE.,+\-\s]*$/.test(s.path || "")) return null;
    return s.path.replace(/([ML])([^MLZ]*)/g, (_, seg, params) => {
      let k = 0;
      return seg + params.replace(/[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g, (v) => String(k++ % 2 ? y2p(+v) : x2p(+v)));
    });
  }
  const px = (sizemode, anchor, v, p2, sign) => (sizemode === "pixel" ? p2(anchor) + sign * v : p2(v));
  const x0 = px(s.xsizemode, s.xanchor, s.x0, x2p, 1), x1 = px(s.xsizemode, s.xanchor, s.x1, x2p, 1);
  const y0 = px(s.ysizemode, s.yanchor, s.y0, y2p, -1), y1 = px(s.ysizemode, s.yanchor, s.y1, y2p, -1);
  if (s.type === "line") return `M${x0},${y0}L${x1},${y1}`;
  if (s.type === "rect") return `M${x0},${y0}H${x1}V${y1}H${x0}Z`;
  if (s.type !== "circle") return null;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, rx = Math.abs(cx - x0), ry = Math.abs(cy - y0);
  const arc = `A${rx},${ry}`, right = `${cx + rx},${cy}`, top = `${cx},${cy - ry}`;
  return `M${right}${arc} 0 1,1 ${top}${arc} 0 0,1 ${right}Z`;
}
/** Where the shapes' position edits `lay` ({"shapes[i].x0": value}, all SHAPE_MOVE) take each drawn, visible shape:
 * [[i, its edits, plotly's full shape, its SVG path element, the new outline (shapePath)], ...], at the axes as plotly
 * draws them now; null when any edit is not such a move. */
function shapesPlan(gd, lay) {
  const fl = gd._fullLayout;
  const byShape = {};
  for (const [p, v] of Object.entries(lay)) {
    const m = SHAPE_MOVE.exec(p);
    if (!m || (typeof v !== "number" && typeof v !== "string")) return null;
    (byShape[m[1]] = byShape[m[1]] || {})[m[2]] = v;
  }
  const todo = [];
  for (const [i, edits] of Object.entries(byShape)) {
    const full = fl.shapes && fl.shapes[i];
    const els = gd.querySelectorAll ? gd.querySelectorAll(`.shapelayer path[data-index="${i}"]`) : [];
    if (!full || full.visible !== true || els.length !== 1) return null;
    const path = shapePath(gd, Object.assign({}, full, edits), edits);
    if (path === null) return null;
    todo.push([i, edits, full, els[0], path]);
  }
  return todo;
}
/** Draw a shapesPlan: each shape's outline, and its values written into the figure plotly holds at once (rule 1:
 * gd.layout and its full layout, so a later redraw draws the same); emits plotly_relayout with `lay`, as plotly would. */
function writeShapes(gd, todo, lay) {
  for (const [i, edits, full, el, path] of todo) {
    for (const [a, v] of Object.entries(edits)) {
      put(gd.layout, `shapes[${i}].${a}`, v);
      full[a] = v;
    }
    el.setAttribute("d", path);
  }
  if (gd.emit) gd.emit("plotly_relayout", Object.assign({}, lay));
}
/** Move shapes around plotly (applyFrame's frames that only move shapes): when every layout edit `lay` is a shape's
 * position (SHAPE_MOVE) of a drawn, visible shape, draw it (shapesPlan, writeShapes). A step that moves a frame
 * rectangle or a marker line then costs about nothing; through Plotly.react every chart it touched cost 10-50 ms of
 * defaults and diffing (measured in Chromium on the step-through page). Returns false (nothing changed) when any
 * edit is not such a move. */
function moveShapes(gd, lay) {
  const todo = shapesPlan(gd, lay);
  if (!todo) return false;
  writeShapes(gd, todo, lay);
  return true;
}
function axisOf(gd, id) {  // "x" -> gd._fullLayout.xaxis, "y2" -> yaxis2
  return gd._fullLayout[id.replace(/^([xy])/, "$1axis")];
}
const finite = (v) => typeof v === "number" && Number.isFinite(v);
/** Pixel positions [px, py] of the points (xs[k], ys[k]) on axes xa, ya; null for a gap (a missing or non-finite
 * value; on a log axis, one <= 0: plotly draws neither). */
function pixels(xa, ya, xs, ys) {
  const out = new Array(ys.length);
  for (let k = 0; k < ys.length; k++) {
    const x = xs[k], y = ys[k];
    const ok = finite(x) && finite(y) && (xa.type !== "log" || x > 0) && (ya.type !== "log" || y > 0);
    out[k] = ok ? [xa.c2p(x), ya.c2p(y)] : null;
  }
  return out;
}
const pt = (p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`;

/** The SVG group plotly draws trace i of gd in (its d3 data: the trace's calcdata), or null; `layer`: the layer of
 * the trace's type ("scatterlayer", "barlayer"). */
function traceGroup(gd, i, layer) {
  for (const g of gd.querySelectorAll(`.${layer || "scatterlayer"} g.trace`)) {
    const cd = g.__data__;
    if (cd && cd[0] && cd[0].trace && cd[0].trace.index === i) return g;
  }
  return null;
}

/** How trace i of gd is drawn with the numbers xs, ys (attributes `changed` differ from what plotly holds):
 * {lineEls, lines: each segment's `d`, pointEls, points: each marker's `transform`}; null when this path cannot
 * draw it: not a visible scatter trace plotly drew, a line shape other than linear, a fill, text, an axis that is
 * not linear or log, an autoranged axis the change would move, or another number of line segments (runs of >= 2
 * points between gaps, as plotly draws them) or markers than plotly drew. */
function directPlan(gd, i, xs, ys, changed, colors) {
  const t = gd._fullData && gd._fullData[i];
  if (t && t.type === "bar") return barPlan(gd, i, t, ys, changed, colors);
  const node = traceGroup(gd, i);
  if (!t || !node || t.type !== "scatter" || t.visible !== true) return null;
  const mode = t.mode || "";
  if ((t.fill && t.fill !== "none") || mode.includes("text") || (t.error_x && t.error_x.visible)
      || (t.error_y && t.error_y.visible)) return null;
  if (mode.includes("lines") && t.line && t.line.shape && t.line.shape !== "linear") return null;
  const xa = axisOf(gd, t.xaxis || "x"), ya = axisOf(gd, t.yaxis || "y");
  if (!xa || !ya || ![xa, ya].every((a) => (a.type === "linear" || a.type === "log") && typeof a.c2p === "function")) return null;
  if ((changed.has("x") && xa.autorange !== false) || (changed.has("y") && ya.autorange !== false)) return null;
  if (!xs || !ys || xs.length !== ys.length) return null;
  const px = pixels(xa, ya, xs, ys);
  const plan = { lineEls: [], lines: [], pointEls: [], points: [] };
  if (mode.includes("lines")) {
    let run = [];
    const end = () => { if (run.length >= 2) plan.lines.push("M" + run.map(pt).join("L")); run = []; };
    for (const p of px) if (p) run.push(p); else if (!t.connectgaps) end();
    end();
    plan.lineEls = node.querySelectorAll("path.js-line");
    if (plan.lineEls.length !== plan.lines.length) return null;
  }
  if (mode.includes("markers")) {
    plan.points = px.filter(Boolean).map((p) => `translate(${pt(p)})`);
    plan.pointEls = node.querySelectorAll("path.point");
    if (plan.pointEls.length !== plan.points.length) return null;
  }
  return plan;
}

/** How bar trace i (full trace t) of gd is drawn with the heights ys and the fill colours `colors` (one per bar; null:
 * as drawn): {lineEls: each bar's path, lines: its `d`, pointEls: [], points: [], fillEls, fills: each bar's fill}, as
 * plotly's bar/plot.js draws a vertical bar from 0 in the trace's group (translated to the plot area):
 * `M x0,y0 V y1 H x1 V y0 Z`, x0 = xa.c2p(p0), x1 = xa.c2p(p1) (the bar's edges in plotly's calcdata: x does not
 * change), y0 = ya.c2p(0), y1 = ya.c2p(y) (c2p rounds to 0.01 px); then, in this order, x0 against x1, x1 against
 * the new x0, y0 against y1, y1 against the new y0, an end less than 2 px from the other is moved out to a whole pixel
 * (Math.ceil above it, Math.floor below), y ends that are equal staying so (plotly's expandToVisible, for opaque bars
 * with gaps and no outline). A fill as plotly's Color.fill writes it ("rgb(r, g, b)"). Null (plotly draws it) unless
 * the bars are visible, vertical, from 0 (no base; barmode group or overlay), opaque ("#rrggbb" colours), without
 * text, error bars, outline or rounded corners, with a gap, on a linear y axis with a fixed range, x unchanged, with a
 * path per bar, every height finite. */
function barPlan(gd, i, t, ys, changed, colors) {
  const fl = gd._fullLayout;
  const node = traceGroup(gd, i, "barlayer");
  const cd = node && node.__data__;
  if (!cd || t.visible !== true || t.orientation !== "v" || t.base != null || changed.has("x")) return null;
  if (!["group", "overlay"].includes(fl.barmode) || !(fl.bargap > 0) || (t.error_y && t.error_y.visible)
      || ((t.texttemplate || (t.text != null && t.text !== "")) && t.textposition !== "none")
      || (t.marker.line && t.marker.line.width > 0.01) || t.marker.cornerradius || t.opacity < 1
      || (t.marker.opacity != null && t.marker.opacity !== 1)) return null;
  const solid = (c) => typeof c === "string" && /^#[0-9a-f]{6}$/.test(c);
  const held = t.marker.color;
  if (!(Array.isArray(held) ? held.every(solid) : solid(held)) || (colors && !Array.from(colors).every(solid))) return null;
  const xa = axisOf(gd, t.xaxis || "x"), ya = axisOf(gd, t.yaxis || "y");
  if (!xa || !ya || typeof xa.c2p !== "function" || ya.type !== "linear" || ya.autorange !== false
      || typeof ya.c2p !== "function") return null;
  const els = node.querySelectorAll("g.point > path");
  if (!ys || els.length !== ys.length || cd.length !== ys.length || (colors && colors.length !== ys.length)) return null;
  // plotly's expandToVisible(v, vc, hideZeroSpan)
  const fix = (v, vc, keep) => ((keep && v === vc) || Math.abs(v - vc) >= 2 ? v : v > vc ? Math.ceil(v) : Math.floor(v));
  const base = ya.c2p(0, true);
  const lines = [];
  for (let k = 0; k < ys.length; k++) {
    let x0 = xa.c2p(cd[k].p0, true), x1 = xa.c2p(cd[k].p1, true);
    const top = ya.c2p(ys[k], true);
    if (![x0, x1, base, top, ys[k]].every(finite)) return null;
    x0 = fix(x0, x1, false);
    x1 = fix(x1, x0, false);
    const y0 = fix(base, top, true);
    lines.push(`M${x0},${y0}V${fix(top, y0, true)}H${x1}V${y0}Z`);
  }
  return { lineEls: els, lines, pointEls: [], points: [], fillEls: colors ? els : [],
    fills: colors ? Array.from(colors, (c) => rgb(String(c))) : [] };
}

/** Whether the axis `name` ("yaxis") as plotly draws it now holds the range `want` (a frame's [lo, hi], in the
 * axis's own units: log10 on a log axis): during a drag a frame whose range is inside the one drawn is drawn on the
 * axis as it is (every point at its true place on the axis shown, with room to spare); its own range comes with the
 * hand-over. `exact`: only the range `want` itself holds (a key press: the chart is drawn as plotly would draw it). */
function holds(gd, name, want, exact) {
  const ax = gd._fullLayout[name];
  if (!ax || ax.autorange !== false || !Array.isArray(ax.range) || !Array.isArray(want) || want.length !== 2) return false;
  const [a, b] = ax.range.map(Number);
  if (!want.every(Number.isFinite)) return false;
  if (exact) return Math.abs(a - want[0]) <= 1e-9 * (1 + Math.abs(a)) && Math.abs(b - want[1]) <= 1e-9 * (1 + Math.abs(b));
  return Math.min(a, b) <= Math.min(...want) && Math.max(...want) <= Math.max(a, b);
}

/** The numbers of attribute p ("x" or "y") of trace i: the frame's if it has it, else what the chart shows. */
function coordsOf(gd, upd, i, p) {
  if (upd && p in upd) return numbers(upd[p]);
  const shown = gd.__rvDirty && gd.__rvDirty.has(i) && gd.__rvShown ? gd.__rvShown.data[i] : null;
  if (shown && p in shown) return numbers(shown[p]);
  return numbers(gd._fullData[i][p]) || numbers(gd.data[i][p]);
}

/** The fill colours (marker.color, an array) of bar trace i: the frame's if it has them, else those shown, else
 * plotly's; null for one colour (not an array: as drawn). */
function colorsOf(gd, upd, i) {
  const own = upd && upd.marker && upd.marker.color;
  if (own !== undefined) return Array.isArray(own) ? own : null;
  const shown = gd.__rvDirty && gd.__rvDirty.has(i) && gd.__rvShown ? gd.__rvShown.data[i] : null;
  const c = shown && shown.marker && shown.marker.color !== undefined ? shown.marker.color : gd._fullData[i].marker.color;
  return Array.isArray(c) ? c : null;
}

/** Draw `frame` on the chart `key` around plotly (the rule above), if all it changes from what plotly holds (the
 * frame plotly drew last, gd.__rvFrame, else the server's figure) is scatter traces' x and y, shapes' positions
 * (SHAPE_MOVE) and ranges of fixed-range axes. `ranges`: "hold" (a drag, the default): a range inside the axis drawn
 * keeps that axis, one reaching further out is set by Plotly.relayout; "exact" (a key press): any range other than
 * the axis drawn is set by Plotly.relayout, so the chart is the frame as plotly would draw it. Returns true when
 * drawn (or nothing differs from what is shown), false when plotly must draw it (applyFrame), or the chart is another
 * figure or not plotted. */
export function drawDirect(key, meta, frame, ranges) {  // exported for tests
  const gd = chartDiv(key);
  // plotly must be there: what is drawn here is handed to it later (else the chart would keep showing a frame
  // plotly does not hold); without it, applyFrame waits and the frame is drawn once plotly is back
  if (!window.Plotly || !gd || !gd.data || !gd._fullLayout || !gd.calcdata || !gd._fullData) return false;
  if (gd._transitioning) return false;  // plotly's d3 transition would draw its frame over this one, a frame later
  if (meta !== undefined && (gd.layout.meta !== meta || gd.data.length !== frame.data.length)) return false;
  const exact = ranges === "exact";
  const prev = gd.__rvFrame && gd.__rvFrame.data.length === gd.data.length ? gd.__rvFrame : null;
  const held = prev || gd;  // what plotly holds
  const setRange = {}, shapeEdits = {};
  for (const [p, v] of Object.entries(layoutEdits(held.layout || {}, frame.layout, !!prev))) {
    if (RANGE.test(p)) {
      const name = p.split(".")[0];
      if (holds(gd, name, v, exact)) continue;
      const ax = gd._fullLayout[name];
      if (!ax || ax.autorange !== false || !Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite)) return false;
      setRange[p] = v;
    } else if (SHAPE_MOVE.test(p) && (typeof v === "number" || typeof v === "string")) shapeEdits[p] = v;
    else return false;
  }
  const relayout = Object.keys(setRange).length > 0;
  const dirty = gd.__rvDirty || new Set();
  const shownFrame = dirty.size && gd.__rvShown && gd.__rvShown.data.length === gd.data.length ? gd.__rvShown : null;
  const moved = [];  // [trace index, its update]: the traces whose drawing changes
  for (const [i, upd] of (frame.data || []).entries()) {
    if (!upd) continue;
    const changed = new Set();  // differs from plotly's
    let differs = false;  // differs from what is shown
    for (const [p, val] of Object.entries(flatten(upd, "", {}))) {
      if (!same(get(held.data[i], p), val, !!prev)) changed.add(p);
      const onScreen = dirty.has(i) && shownFrame ? !same(get(shownFrame.data[i], p), val, true) : changed.has(p);
      if (onScreen) differs = true;
    }
    // x, y; a bar trace's fill colours too (barPlan)
    const bar = gd._fullData[i] && gd._fullData[i].type === "bar";
    if ([...changed].some((p) => !/^[xy]$/.test(p) && !(bar && p === "marker.color"))) return false;
    if (differs) moved.push([i, upd]);
  }
  const plan = () => {  // the new drawing of every trace and shape moved, at the axes as plotly draws them now
    const traces = [];
    for (const [i, upd] of moved) {
      const bar = gd._fullData[i].type === "bar";
      const one = directPlan(gd, i, coordsOf(gd, upd, i, "x"), coordsOf(gd, upd, i, "y"),
        new Set(["x", "y"].filter((p) => !!upd && p in upd)), bar ? colorsOf(gd, upd, i) : null);
      if (!one) return null;
      traces.push([i, one]);
    }
    const shapes = Object.keys(shapeEdits).length ? shapesPlan(gd, shapeEdits) : [];
    return shapes && { traces, shapes };
  };
  let todo = plan();
  if (!todo) return false;
  if (relayout) {
    // Plotly.relayout of axis ranges only draws the axes and plotly's traces synchronously (~3-10 ms), unless an
    // earlier call is still pending; then the points are written at the new axes' pixels
    if (gd._promises && gd._promises.length) return false;
    const done = window.Plotly.relayout(gd, Object.fromEntries(Object.entries(setRange).map(([p, v]) => [p, copy(v)])));
    if (done && done.catch) done.catch(() => {});
    // plotly redrew every trace it holds: those drawn here before (dirty) are written again too
    for (const i of dirty) if (!moved.some(([j]) => j === i)) moved.push([i, shownFrame ? shownFrame.data[i] : null]);
    todo = Object.entries(setRange).every(([p, v]) => holds(gd, p.split(".")[0], v, true)) ? plan() : null;
    if (!todo) return false;  // (plotly holds the new ranges now: applyFrame draws the rest)
  }
  for (const [i, one] of todo.traces) {
    one.lines.forEach((d, k) => one.lineEls[k].setAttribute("d", d));
    one.points.forEach((tf, k) => one.pointEls[k].setAttribute("transform", tf));
    (one.fills || []).forEach((c, k) => { one.fillEls[k].style.fill = c; });
    dirty.add(i);
  }
  if (todo.shapes.length) writeShapes(gd, todo.shapes, shapeEdits);
  // rule 1: plotly holds the shapes written and the ranges set now, and so must the record of the frame it holds
  // (gd.__rvFrame, what the next frame is compared with): else a frame back at the recorded shapes would differ
  // from nothing and not be drawn (a step back to the one plotly drew last kept the outline where it was)
  if (prev && (todo.shapes.length || relayout)) {
    const layout = copy(prev.layout || {});
    for (const [p, v] of Object.entries(Object.assign({}, todo.shapes.length ? shapeEdits : {}, setRange))) put(layout, p, copy(v));
    gd.__rvFrame = Object.assign({}, prev, { layout });
  }
  // the frame on screen: this frame, and for a trace drawn here before that it leaves out, what was shown
  gd.__rvShown = !shownFrame ? frame : Object.assign({}, frame, { data: frame.data.map((u, i) =>
    (dirty.has(i) && shownFrame.data[i] ? Object.assign({}, shownFrame.data[i], u || {}) : u)) });
  gd.__rvDirty = dirty;
  if (dirty.size) handOverLater(gd, key, meta);
  if (todo.traces.length || todo.shapes.length || relayout) live.updates[key] = (live.updates[key] || 0) + 1;
  return true;
}

/** The traces of chart `key` drawn by drawDirect since plotly drew it (undefined: none). */
function dirtyTraces(key) {
  const gd = chartDiv(key);
  return gd && gd.__rvDirty && gd.__rvDirty.size ? gd.__rvDirty : undefined;
}
/** Plotly has drawn chart `key` with every dirty trace given again: what it holds is what is shown. */
function handedOver(key) {
  const gd = chartDiv(key);
  if (gd) {
    gd.__rvDirty = null;
    clearTimeout(gd.__rvHand);
  }
}
/** Give plotly the frame drawn around it on chart element `gd` (rule 3) now, if it still holds traces not shown and gd
 * is still the chart `key`. */
function handOver(gd, key, meta) {
  clearTimeout(gd.__rvHand);
  if (!gd.__rvDirty || !gd.__rvDirty.size || !gd.__rvShown || chartDiv(key) !== gd) return;
  const r = applyFrame(key, meta, gd.__rvShown, gd.__rvDirty);
  if (r === true) handedOver(key);
  else if (r === WAIT) gd.__rvHand = setTimeout(() => handOver(gd, key, meta), 50);  // plotly.js not there yet
}
/** Hand chart element `gd` (chart `key`) over to plotly HANDOVER_MS after the last call, or at once when the pointer
 * moves over the chart (rule 3). */
function handOverLater(gd, key, meta) {
  clearTimeout(gd.__rvHand);
  gd.__rvHand = setTimeout(() => handOver(gd, key, meta), HANDOVER_MS);
  gd.__rvOwner = { key, meta };
  if (!gd.__rvPointer && gd.addEventListener) {
    gd.__rvPointer = () => { if (gd.__rvDirty) handOver(gd, gd.__rvOwner.key, gd.__rvOwner.meta); };
    gd.addEventListener("pointermove", gd.__rvPointer, true);  // capture: before plotly's hover handler
  }
}
