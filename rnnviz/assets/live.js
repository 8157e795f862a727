// rnnviz live charts: a Streamlit custom component (v2) that changes plotly charts in the browser.
//
// data (a JSON string, see rnnviz.streamlit_helpers.live):
//   charts  {chart key: {meta, frames: [frame 0, frame 1, ...]}}, a frame = {data: [one update per trace], layout};
//           a frame is drawn only on the chart whose layout.meta equals `meta` (the figure the frames belong to)
//   range   {key, values, shown, readout, label, help, hide}: an own range in place of the bound Streamlit
//           slider with widget key `key` (hidden, with the elements keyed `hide`): frame i is the grid value
//           values[i] (shown[i] as text, readout[i] the line under the range); the index reaches the server on
//           release / key press (setTriggerValue "pick"); the hidden slider's value after a run moves the range.
//   select  {param, value, n, groups, labels, play_ms, dir, ui}: own controls (slider, Back, Next, Play,
//           Stop) pick frame value-1; no script rerun; the URL's ?param= is rewritten in place and the value
//           reaches the server (setStateValue "value") when the choice settles, so the next rerun knows it.
//           Elements in containers keyed `${group}_${k}` are shown only for the chosen k (a group
//           {name, stack}: containers `${name}_${k}` in one container keyed `stack`, drawn in one place (its
//           grid: rnnviz.streamlit_helpers.stacked_group).
//   multi   {id, controls, value, server, views, settle_ms, katex}: several own controls (ranges, a choice), for
//           pages where a choice picks among values the server computed for every option (the gates page):
//           controls [{param, kind: "range"|"choice", min, max | options, label, help}], value {param: v}.
//           A chart with `by: param` shows frame (value - min) of that control (a choice: its option index).
//           views [{slot, server, by: [param, ...], kind: "latex"|"colored"|"text", ...}]: while the choice
//           differs from what the server drew (value), the element keyed `server` is hidden and the element
//           [data-rv-slot=slot] shows the view built here from data["v1,v2"] (see fill, coloredHtml; a
//           "colored" view with a `scale` ships values only, coloured here: scaledParts);
//           without data for the pair it shows `pending`. The URL's ?param= are rewritten in place, and the
//           choice reaches the server (setStateValue "value", {param: v}) when it settles.
// Every frame that changes a chart increments window.__rnnvizLive.updates[chart key] (read by tests and
// bench/bench_ui.py; a frame already on the chart changes nothing);
// window.__rnnvizLive.targets lists the chart keys of every component (tests wait until those are plotted).
// While window.__rnnvizLive.hold is true a settled choice waits (it is sent once hold is false again): tests
// use it to see a choice drawn in the browser while no script run can have been started by it.

const G = typeof window !== "undefined" ? window : globalThis;
const live = (G.__rnnvizLive = G.__rnnvizLive || { updates: {}, value: {} });

/** A template line with every slot ⟦name⟧ replaced by strings[keys.indexOf(name)] (rnnviz.labs.gates.fill). */
export function fill(line, keys, strings) {
  return line.replace(/⟦([A-Za-z0-9_]+)⟧/g, (_, k) => strings[keys.indexOf(k)]);
}

function esc(s) {  // Python's html.escape(s, quote=True)
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#x27;");
}

function rgb(c) {  // "#rrggbb" -> "rgb(r, g, b)" (rnnviz.labs.gates_select._compact), other forms as they are
  if (!/^#[0-9a-f]{6}$/.test(c)) return c;
  return `rgb(${parseInt(c.slice(1, 3), 16)}, ${parseInt(c.slice(3, 5), 16)}, ${parseInt(c.slice(5, 7), 16)})`;
}

/** Each character's background, text colour (black on a light background, white on a dark one) and hover title in
 * the coloured text (coloredHtml): {bg, fg, title}, one entry a character; opt.mid as in coloredHtml. */
export function coloredParts(text, prefixes, bgs, values, opt) {
  const mid = (opt && opt.mid) || "";
  const bg = [], fg = [], title = [];
  [...text].forEach((c, k) => {
    const b = rgb(bgs[k]);
    const nums = b.slice(b.indexOf("(") + 1, b.indexOf(")")).split(",").map(parseFloat);
    bg.push(b);
    fg.push(0.299 * nums[0] + 0.587 * nums[1] + 0.114 * nums[2] > 140 ? "#000" : "#fff");
    title.push(prefixes[k] + mid + values[k]);
  });
  return { bg, fg, title };
}

/** The coloured text's HTML from its parts (coloredParts): a span a character (a newline shown as ↵ and followed by
 * <br>) in the wrapping div. */
function coloredMarkup(text, parts, opt) {
  const o = opt || {};
  const pad = o.pad || "2px 0";
  const out = [];
  [...text].forEach((c, k) => {
    const shown = c === "\n" ? "↵" : c;
    out.push(`<span title="${esc(parts.title[k])}" style="background:${parts.bg[k]};color:${parts.fg[k]};`
      + `padding:${pad};border-radius:2px">${esc(shown)}</span>`);
    if (c === "\n") out.push("<br>");
  });
  return `<div style="${coloredWrap(o).replace(/"/g, "&quot;")}">` + out.join("") + "</div>";
}
const coloredWrap = (o) => o.wrap || "font-family:'DejaVu Sans Mono',monospace;font-size:22px;line-height:1.9;"
  + "white-space:pre-wrap;word-break:break-all";

/** The coloured text's HTML, as rnnviz.plots.gates.colored_text_from builds it from the same parts.
 * opt (a view's `style`, for rnnviz.plots.hidden.unit_html): {pad, wrap, mid}: the spans' padding,
 * the wrapping div's style, and a string between each hover title's prefix and its value. */
export function coloredHtml(text, prefixes, bgs, values, opt) {
  return coloredMarkup(text, coloredParts(text, prefixes, bgs, values, opt), opt);
}

/** Python's round(x) of a float as plotly.colors.convert_to_RGB_255 does it (Decimal(str(x)), half to even):
 * a value exactly halfway goes to the even neighbour, any other to the nearest. */
function roundHalfEven(x) {
  const f = Math.floor(x);
  return x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
}

/** The backgrounds and the values shown of a coloured text whose values arrive as rnnviz.plots.hidden.shown_codes
 * (a whole number of 10^-decimals, or the shown string itself), as rnnviz.plots.hidden.colored_parts makes them:
 * value shown s (format(v, ".3f")), its position p = clip((float(s) - lo) / (hi - lo), 0, 1) on the colour scale,
 * the colour there as plotly.colors.sample_colorscale computes it (linear between the two stops around p, from
 * the stops' fractions of 255 and back, rounded half to even), grey rgb(200, 200, 200) if not finite.
 * scale: {stops: [[position, [r, g, b] / 255], ...], lo, hi, decimals} (rnnviz.labs.hidden_select.view_shell).
 * Returns [backgrounds "rgb(r, g, b)", values shown]. */
export function scaledParts(codes, scale) {
  const { stops, lo, hi } = scale;
  const d = scale.decimals;
  const span = hi > lo ? hi - lo : 1.0;
  const pos = stops.map((s) => s[0]);
  const bgs = [], shown = [];
  for (const c of codes) {
    let s = c;
    if (typeof c === "number") {
      const digits = String(Math.abs(c)).padStart(d + 1, "0");
      s = (c < 0 ? "-" : "") + digits.slice(0, digits.length - d) + (d > 0 ? "." + digits.slice(digits.length - d) : "");
    }
    shown.push(s);
    const x = Number(s);  // Python's float(s): both round the decimal string to the nearest double
    if (!Number.isFinite(x)) { bgs.push("rgb(200, 200, 200)"); continue; }
    const p = Math.min(Math.max((x - lo) / span, 0.0), 1.0);
    let high = pos.findIndex((q) => q >= p);  // bisect.bisect_left
    if (high < 0) high = pos.length;
    const low = high - 1 < 0 ? pos.length - 1 : high - 1;  // Python's index -1: the last stop
    const t = (p - pos[low]) / (pos[high] - pos[low]);
    const a = stops[low][1], b = stops[high][1];
    const rgb = [0, 1, 2].map((k) => roundHalfEven((a[k] + t * (b[k] - a[k])) * 255.0));
    bgs.push(`rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`);
  }
  return [bgs, shown];
}

// Streamlit writes the query string of each script run into the URL when the run ends
// (App.handlePageInfoChanged: history.pushState/replaceState). A run that started before the browser's
// latest choice would write that choice's older value back, so the URL would disagree with the chart
// until the next settle. live.urlPending[pathname] holds the params the browser chose and the server
// has not confirmed yet; every URL written for that path keeps them.
function withPending(url) {
  const u = new URL(String(url), window.location.href);
  const p = live.urlPending && live.urlPending[u.pathname];
  if (!p || !Object.keys(p).length) return url;
  for (const [k, val] of Object.entries(p)) u.searchParams.set(k, val);
  return u.pathname + u.search + u.hash;
}

function guardUrl() {
  if (live.urlGuard || typeof window === "undefined" || !window.history) return;
  live.urlGuard = true;
  live.urlPending = live.urlPending || {};
  for (const name of ["pushState", "replaceState"]) {
    const orig = window.history[name].bind(window.history);
    window.history[name] = (state, title, url) => orig(state, title, url == null ? url : withPending(url));
  }
}

/** Mark params (name -> value) as chosen in the browser (pending) or confirmed by the server (null). */
function pendingUrl(params, pending) {
  guardUrl();
  const path = window.location.pathname;
  const p = (live.urlPending[path] = live.urlPending[path] || {});
  for (const [k, val] of Object.entries(params)) {
    if (pending) p[k] = String(val); else delete p[k];
  }
}

/** Set the text of the <style> element `el` to `css`, only if it differs: a new style sheet text makes the browser
 * match every element of the page against it again (used by the select and multi modes' show/hide sheets). */
function setSheet(el, css) {
  if (el.textContent !== css) el.textContent = css;
}

function chartDiv(key) {
  return document.querySelector(`.st-key-${key} .js-plotly-plot`);
}

const plain = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !("bdata" in v);
const strings = new WeakMap();  // frame object -> its JSON (frames never change)
function json(v) {
  let s = strings.get(v);
  if (s === undefined) { s = JSON.stringify(v); strings.set(v, s); }
  return s;
}
const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array,
  u2: Uint16Array, i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray };
const decoded = new WeakMap();  // {dtype, bdata} -> its numbers
/** The numbers of an array value, flat (row after row): plotly's base64 form {dtype, bdata, shape} (how
 * the figures arrive), a typed array, or a (nested) array of numbers (plotly may hold either once it has
 * drawn the chart); null for anything else. */
function numbers(v) {
  if (ArrayBuffer.isView(v)) return v;
  if (v && typeof v === "object" && "bdata" in v) {
    let out = decoded.get(v);
    if (!out && TYPED[v.dtype]) {
      const raw = atob(v.bdata);
      const bytes = new Uint8Array(raw.length);
      for (let k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k);
      out = new TYPED[v.dtype](bytes.buffer);
      decoded.set(v, out);
    }
    return out || null;
  }
  if (!Array.isArray(v)) return null;
  if (v.every((e) => typeof e === "number" || e === null)) return v;
  if (v.every((e) => ArrayBuffer.isView(e) || Array.isArray(e))) {
    const rows = v.map(numbers);
    return rows.every((r) => r) ? rows.flatMap((r) => Array.from(r)) : null;
  }
  return null;
}
function sameNumbers(a, b) {  // NaN and null (a gap) alike
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k], y = b[k];
    if (x !== y && !((x === null || Number.isNaN(x)) && (y === null || Number.isNaN(y)))) return false;
  }
  return true;
}
function same(a, b, pristine) {  // a: what the chart holds now (pristine: another frame's value), b: the frame's
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (pristine) return json(a) === json(b);
  const na = numbers(a), nb = numbers(b);
  if (na && nb) return sameNumbers(na, nb);
  return JSON.stringify(a) === json(b);
}
/** {"a.b.c": leaf} for a nested object: plotly's attribute strings (typed arrays {dtype, bdata} are leaves). */
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (plain(v) && Object.keys(v).length) flatten(v, path, out); else out[path] = v;
  }
  return out;
}
function get(obj, path) {  // the value at a flattened path ("annotations[3].font.color")
  let o = obj;
  for (const part of path.split(".")) {
    if (o === null || o === undefined) return undefined;
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    o = m ? (o[m[1]] || [])[Number(m[2])] : o[part];
  }
  return o;
}

/** The layout attributes (plotly relayout strings) where `upd` differs from what the chart holds (`lay`).
 * Arrays of objects (annotations, shapes) are compared item by item: an item whose attributes are all
 * in place is edited in place (plotly redraws that item only); one with another set of attributes, or an
 * array of another length, is replaced. */
function layoutEdits(lay, upd, pristine) {
  const out = {};
  const eq = (a, b) => same(a, b, pristine);
  for (const [k, v] of Object.entries(upd || {})) {
    const cur = lay[k];
    if (Array.isArray(v) && v.length && v.every(plain)) {
      if (!Array.isArray(cur) || cur.length !== v.length) { if (!eq(cur, v)) out[k] = v; continue; }
      v.forEach((item, i) => {
        const now = cur[i];
        const want = flatten(item, "", {});
        const have = plain(now) ? flatten(now, "", {}) : null;
        if (!have || Object.keys(have).some((p) => !(p in want))) { if (!eq(now, item)) out[`${k}[${i}]`] = item; return; }
        for (const [p, val] of Object.entries(want)) if (!eq(have[p], val)) out[`${k}[${i}].${p}`] = val;
      });
    } else if (plain(v)) {
      for (const [p, val] of Object.entries(flatten(v, k, {}))) if (!eq(get(lay, p), val)) out[p] = val;
    } else if (!eq(cur, v)) out[k] = v;
  }
  return out;
}

/** Trace attributes that Plotly.animate with redraw: false draws on a scatter trace without a full redraw:
 * positions, the lines' and markers' style (plotly's scatter plot restyles every line segment and point it
 * moves) and what hover reads when it happens. Anything else (name and showlegend: the legend; text; fill;
 * mode; another trace type's attributes, e.g. a heatmap's z) needs Plotly.update. */
const MOVABLE = /^(x|y|marker|line|hovertemplate|hovertext|customdata)(\.|$)/;
/** Layout edits drawn quickly beside such a move: axis ranges. Any other edit (a title, annotations, shapes)
 * makes Plotly.relayout take about as long as one Plotly.update of everything (measured on the step-through
 * diagram: relayout 100-150 ms, update 135-165 ms), so the move would only add to it. */
const RANGE = /^[xy]axis[0-9]*\.range$/;

/** Whether Plotly.animate can move trace i of gd with the changed attributes `paths`: a scatter trace whose
 * x and y axes keep a fixed range (a transition does not autorange) once the layout edits `lay` are made. */
function movable(gd, i, paths, lay) {
  const t = gd._fullData && gd._fullData[i];
  if (!t || t.type !== "scatter" || !paths.every((p) => MOVABLE.test(p))) return false;
  return [t.xaxis || "x", t.yaxis || "y"].every((id) => {
    const name = id.replace(/^([xy])/, "$1axis");  // "y2" -> "yaxis2"
    const ax = gd._fullLayout[name];
    return Array.isArray(lay[`${name}.range`]) || (!!ax && ax.autorange === false);
  });
}

/** A deep copy of a frame's value (plain objects, arrays, typed arrays; strings and numbers are shared): plotly
 * keeps what it is given as the chart's own and edits it in place later (an array it decodes, one attribute
 * of a shape that was given whole, a value animate merges into), so it is never given a frame's own object:
 * a frame drawn again later must be the frame the server sent. */
function copy(v) {
  if (v === null || typeof v !== "object") return v;
  if (ArrayBuffer.isView(v)) return v.slice();
  if (Array.isArray(v)) return v.map(copy);
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k] = copy(x);
  return out;
}
/** Set the value at a plotly attribute string ("shapes[2].x0", "marker.color") of obj, in place. */
function put(obj, path, val) {
  const keys = [];
  for (const part of path.split(".")) {
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    if (m) keys.push(m[1], Number(m[2])); else keys.push(part);
  }
  let o = obj;
  keys.slice(0, -1).forEach((k, j) => {
    if (o[k] === null || typeof o[k] !== "object") o[k] = typeof keys[j + 1] === "number" ? [] : {};
    o = o[k];
  });
  o[keys[keys.length - 1]] = val;
}
const isArrayValue = (v) => Array.isArray(v) || ArrayBuffer.isView(v) || (v !== null && typeof v === "object" && "bdata" in v);

/** Draw `frame` on the chart `key` by changing only what differs from what it draws now (the frame applied
 * last, gd.__rvFrame: frames compare as their JSON; else the server's figure, gd.data and gd.layout, where
 * plotly may hold arrays decoded, see numbers). Nothing is drawn if nothing differs (a frame with no entries
 * is not even compared). Which plotly call draws it:
 * - Plotly.animate without a redraw: only scatter positions and styles (MOVABLE) change, on fixed-range axes,
 *   with at most new axis ranges (RANGE, by Plotly.relayout first);
 * - Plotly.update of the changed trace and layout attributes: some other trace attribute holding an array
 *   changes (plotly restyles by each attribute's kind: a new marker.color array is only a restyle);
 * - no plotly call when only shapes move (positions of drawn shapes, on axes whose range a move cannot change):
 *   moveShapes sets their outlines itself;
 * - else Plotly.react: the changes (written into gd.data / gd.layout in place) are plain values of traces
 *   (an opacity, a colour, a name) and any layout edits (titles, shapes, annotations). react compares plotly's
 *   full figure before and after and redraws only what differs: a shape or annotation moved is that item
 *   redrawn (Plotly.update / relayout replot the whole chart when the shape sits on an autoranged axis, ~40
 *   ms; react ~9 ms measured), a trace opacity is a restyle. react would take any new array for new data (a
 *   full replot), hence the update above. (A figure with layout.datarevision set is never given to react: react
 *   would then compare arrays by that revision.)
 * Each writes the values into gd.data / gd.layout in place, the objects Streamlit's chart element holds as its
 * figure, so a later resize of the element redraws this frame, not the server's figure; every value given to
 * plotly is a copy (copy), never the frame's own object.
 * Returns true when drawn; false when the chart is another figure (its layout.meta is not `meta`); WAIT
 * when it is not plotted yet (its element is still mounting or plotly.js still loading: a choice made
 * before the page finished drawing), so the caller tries again. */
const WAIT = "wait";
/** A trace update for Plotly.animate, 1-D arrays in plotly's base64 form given as their numbers (animate merges
 * an object value into the one the chart holds; an array replaces it), every value a copy. */
function own(upd) {
  const out = {};
  for (const [p, v] of Object.entries(upd)) {
    out[p] = copy(v);
    if (!(v !== null && typeof v === "object" && "bdata" in v)) continue;  // not base64: as it is
    if (v.shape != null && String(v.shape).includes(",")) continue;  // 2-D ("16, 64"): plotly needs its shape
    const flat = numbers(v);  // 1-D: its numbers (as it is if its dtype is not known)
    if (flat) out[p] = flat.slice();
  }
  return out;
}
const isEmpty = (frame) => (frame.data || []).every((u) => !u || !Object.keys(u).length)
  && !Object.keys(frame.layout || {}).length;
export function applyFrame(key, meta, frame, force) {  // exported for tests/unit/test_live_apply.py
  // force (optional, a Set of trace indices): traces whose every attribute in the frame is given to plotly even
  // where plotly holds it already (traces drawn around plotly during a drag: see drawDirect)
  const gd = chartDiv(key);
  if (!gd || !window.Plotly || !gd.data || !gd._fullLayout) return WAIT;
  if (meta !== undefined && (gd.layout.meta !== meta || gd.data.length !== frame.data.length)) return false;
  if (isEmpty(frame)) return true;  // changing_parts: nothing on this chart differs between the choices
  const prev = gd.__rvFrame && gd.__rvFrame.data.length === gd.data.length ? gd.__rvFrame : null;
  const now = prev || gd;
  const perPath = {};  // attribute -> {trace index: value}
  const perTrace = {};  // trace index -> {attribute: value}
  (frame.data || []).forEach((upd, i) => {
    if (!upd) return;
    for (const [p, val] of Object.entries(flatten(upd, "", {}))) {
      if (!(force && force.has(i)) && same(get(now.data[i], p), val, !!prev)) continue;
      (perPath[p] = perPath[p] || {})[i] = val;
      (perTrace[i] = perTrace[i] || {})[p] = val;
    }
  });
  const traces = Object.keys(perTrace).map(Number).sort((a, b) => a - b);
  const lay = layoutEdits(now.layout || {}, frame.layout, !!prev);
  // an axis range plotly draws already (set around plotly by drawDirect, rule 1) is not set again
  for (const p of Object.keys(lay)) if (RANGE.test(p) && holds(gd, p.split(".")[0], lay[p], true)) delete lay[p];
  const relayout = Object.keys(lay).length > 0;
  const layCopy = () => Object.fromEntries(Object.entries(lay).map(([p, v]) => [p, copy(v)]));
  if (traces.length && Object.keys(lay).every((p) => RANGE.test(p))
      && traces.every((i) => movable(gd, i, Object.keys(perTrace[i]), lay))) {
    if (relayout) window.Plotly.relayout(gd, layCopy());  // axis ranges only: plotly's quick path (no defaults, no calc)
    // (its promise is rejected when the next frame interrupts it: nothing to report)
    const done = window.Plotly.animate(gd, { data: traces.map((i) => own(perTrace[i])), traces },
      { frame: { redraw: false, duration: 0 }, transition: { duration: 0 }, mode: "immediate" });
    if (done && done.catch) done.catch(() => {});
  } else if (traces.some((i) => Object.values(perTrace[i]).some(isArrayValue)) || gd.layout.datarevision != null) {
    const data = {};
    for (const [p, m] of Object.entries(perPath)) data[p] = traces.map((i) => (i in m ? copy(m[i]) : undefined));
    window.Plotly.update(gd, data, layCopy(), traces.length ? traces : undefined);
  } else if (!traces.length && relayout && moveShapes(gd, lay)) {
    // drawn: shapes moved (moveShapes)
  } else if (traces.length || relayout) {
    for (const i of traces) for (const [p, val] of Object.entries(perTrace[i])) put(gd.data[i], p, copy(val));
    for (const [p, val] of Object.entries(lay)) put(gd.layout, p, copy(val));
    const done = window.Plotly.react(gd, gd.data, gd.layout);
    if (done && done.catch) done.catch(() => {});
  }
  if (traces.length || relayout) live.updates[key] = (live.updates[key] || 0) + 1;
  gd.__rvFrame = frame;
  // every trace drawn around plotly was given again (force): plotly holds what is shown (the hand-over, rule 3)
  if (gd.__rvDirty && force && [...gd.__rvDirty].every((i) => force.has(i))) {
    gd.__rvDirty = null;
    clearTimeout(gd.__rvHand);
  }
  return true;
}


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

export default function (component) {
  const { parentElement, setStateValue } = component;
  // Streamlit calls this again when the data changes (a rerun), without the previous call's cleanup;
  // a Play that was running then goes on in the new call (the rerun a settled choice started, or any
  // other, must not stop it)
  const wasPlaying = parentElement.__rvPlaying || null;
  if (parentElement.__rvCleanup) parentElement.__rvCleanup();
  const cfg = typeof component.data === "string" ? JSON.parse(component.data) : component.data || {};
  const charts = cfg.charts || {};
  live.targets = live.targets || {};  // every chart a component draws on (tests wait until they are plotted)
  for (const key of Object.keys(charts)) live.targets[key] = true;
  // chart key -> {gd, i}: the chart element and the frame it shows (absent: not known). Bound to the element:
  // a chart Streamlit re-creates (a new figure) shows the server's figure again, whatever the old one showed.
  const at = {};
  const shows = (key, i) => !!at[key] && at[key].i === i && at[key].gd === chartDiv(key);
  const mark = (key, i) => { at[key] = { gd: chartDiv(key), i }; };  // chart `key` shows frame i
  let pending = null;
  let raf = 0;
  let retry = 0;
  let tries = 0;
  const cleanups = [];

  /** Every chart shows frame i (the server drew it), or, for i = -1, what they show is not known. */
  function shownBy(i) {
    for (const key of Object.keys(charts)) if (i >= 0) mark(key, i); else delete at[key];
  }
  /** Chart `key` (c: its {meta, frames}) shows frame i; `direct` (a drag, a key press): drawn around plotly by
   *  drawDirect where it can (else by plotly), its value drawDirect's `ranges` ("hold", "exact"; true: "hold"). A chart
   *  drawn around plotly is handed to plotly by the next draw that is not direct, even of the same frame, or by the
   *  hand-over (rule 3). Returns WAIT (not plotted yet: try again later), true (drawn, or nothing to draw) or false
   *  (another figure). */
  function drawFrame(key, c, i, direct) {
    if (!c.frames[i] || (shows(key, i) && (direct || !dirtyTraces(key)))) return true;
    if (direct && drawDirect(key, c.meta, c.frames[i], direct)) { mark(key, i); return true; }
    const r = applyFrame(key, c.meta, c.frames[i], dirtyTraces(key));
    if (r !== WAIT) mark(key, i);
    if (r === true) handedOver(key);
    return r;
  }
  /** Every chart shows frame i; `direct` as in drawFrame. */
  function show(i, direct) {
    let waiting = false;
    for (const [key, c] of Object.entries(charts)) if (drawFrame(key, c, i, direct) === WAIT) waiting = true;
    // a chart not plotted yet: try again in 50 ms (for at most 30 s), so a choice made while the page
    // is still drawing is shown once it can be, not only after the next script run
    if (waiting) retryLater(() => request(pending));
  }
  let pendingDirect = false;
  /** Every chart shows frame i in the next animation frame (the latest i asked for before it); `direct` as in
   *  drawFrame, for that latest i. */
  function request(i, direct) {
    pending = i;
    pendingDirect = direct || false;
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; show(pending, pendingDirect); });
  }
  /** Call `fn` again in 50 ms (a chart not plotted yet), for at most 600 tries (30 s) per component call;
   *  the component's cleanup clears a pending try. */
  function retryLater(fn) {
    if (!retry && ++tries <= 600) retry = setTimeout(() => { retry = 0; fn(); }, 50);
  }

  if (cfg.range) {
    // A live range in place of a bound Streamlit slider (rnnviz.streamlit_helpers.live_range): while it is
    // dragged or moved by keys, every chart shows frame i of the grid value under the thumb (one draw per
    // animation frame; values passed over before the next frame are dropped; while the pointer is down, drawn
    // straight into the SVG where drawDirect can, and by plotly on release) and the readout line says what
    // the chart's legend does not. On release (and on each key press) the index goes to the server
    // (setTriggerValue "pick"), which sets the bound slider's state; that slider, hidden, stays the source of
    // truth: whatever it shows after a script run (a preset, a link, the released value) moves this range.
    const r = cfg.range;
    const n = r.values.length;
    const box = document.createElement("div");
    box.className = "rv-live";
    box.innerHTML = `
      <div class="rv-live-head"><label class="rv-label"></label><span class="rv-help" aria-hidden="true">?</span></div>
      <div class="rv-live-track"><span class="rv-live-value"></span><input class="rv-range" type="range" min="0" step="1"></div>
      <div class="rv-live-ends"><span></span><span></span></div>
      <div class="rv-readout-box"><div class="rv-readout"></div></div>`;
    parentElement.appendChild(box);
    const $ = (sel) => box.querySelector(sel);
    const range = $(".rv-range");
    const label = $(".rv-label");
    // every readout, unseen, in the readout's grid cell: the line keeps the height of the longest one, so what
    // sits below it does not move while the range is dragged (a readout may wrap to more lines than another)
    for (const text of new Set(r.readout || [])) {
      const size = document.createElement("div");
      size.className = "rv-readout-size";
      size.setAttribute("aria-hidden", "true");
      size.textContent = text;
      $(".rv-readout-box").appendChild(size);
    }
    label.textContent = r.label || r.key;
    $(".rv-help").title = r.help || "";
    $(".rv-help").style.display = r.help ? "" : "none";
    range.max = String(n - 1);
    range.title = r.help || "";
    range.setAttribute("aria-label", r.label || r.key);
    range.dataset.key = r.key;
    $(".rv-live-ends").children[0].textContent = r.shown[0];
    $(".rv-live-ends").children[1].textContent = r.shown[n - 1];
    // the bound slider and its server-side note are hidden while this range stands in for them
    const style = document.createElement("style");
    style.textContent = (r.hide || [r.key]).map((k) => `.st-key-${k}`).join(",") + "{display:none !important}";
    document.head.appendChild(style);
    cleanups.push(() => { style.remove(); box.remove(); });

    let dragging = false;
    let sent = null;  // {i, at}: an index sent to the server and not yet seen on the bound slider
    let want = -1;
    let rafR = 0;
    /** The grid index of the bound slider's value (what the server drew), or -1 if it is not on the page. */
    function serverIndex() {
      const el = document.querySelector(`.st-key-${r.key} input[type="range"]`);
      if (!el) return -1;
      const v = parseFloat(el.value);
      if (!Number.isFinite(v)) return -1;
      let best = -1;
      for (let k = 0; k < n; k++) if (best < 0 || Math.abs(r.values[k] - v) < Math.abs(r.values[best] - v)) best = k;
      return Math.abs(r.values[best] - v) < 1e-6 ? best : -1;  // a value off the grid: the server draws it
    }
    function render(i) {  // the thumb's value (as Streamlit's slider shows it) and the readout line
      range.value = String(i);
      range.setAttribute("aria-valuetext", r.shown[i]);
      const pct = n > 1 ? i / (n - 1) : 0;
      box.style.setProperty("--rv-pct", String(pct));
      $(".rv-live-value").textContent = r.shown[i];
      $(".rv-readout").textContent = r.readout ? r.readout[i] : "";
      box.dataset.value = String(r.values[i]);
      box.dataset.index = String(i);
    }
    /** Show frame i. A key press (`now`): drawn at once, in the input event, around plotly where drawDirect can, at the
     *  frame's own axis ranges (painted in the next frame; plotly is given it HANDOVER_MS after the last press). Else
     *  coalesced: one draw per animation frame, of the latest index; while dragging around plotly where it can (a wider
     *  axis kept), by plotly otherwise (release, the server's value). */
    function draw(i, now) {
      want = i;
      if (now) {
        cancelAnimationFrame(rafR);
        rafR = 0;
        show(i, "exact");
        box.dataset.drawn = String(i);
        render(i);
        return;
      }
      render(i);
      if (!rafR) rafR = requestAnimationFrame(() => { rafR = 0; show(want, dragging && "hold"); box.dataset.drawn = String(want); });
    }
    cleanups.push(() => cancelAnimationFrame(rafR));
    function send(i) {
      clearTimeout(settle);
      settle = 0;
      sent = { i, at: Date.now() };
      live.value[r.key] = { v: r.values[i], pending: true };
      component.setTriggerValue("pick", i);
    }
    /** The server is told the index once the choice settles (SETTLE_MS after the last key press or release): a held
     *  key or quick presses start one script run, not one per press, and no run's redraw (the charts below) competes
     *  with the presses' frames. */
    const SETTLE_MS = 250;
    let settle = 0;
    function sendLater(i) {
      clearTimeout(settle);
      live.value[r.key] = { v: r.values[i], pending: true };
      settle = setTimeout(() => send(index()), SETTLE_MS);
    }
    cleanups.push(() => {  // a choice not sent yet is sent, not lost (if the component can still send)
      if (settle) try { send(index()); } catch (e) { /* unmounted */ }
    });
    function follow() {  // the server's value, after a script run (or at mount)
      if (dragging || settle) return;  // the browser's choice, not sent yet, is newer
      const i = serverIndex();
      if (i < 0) return;
      if (sent) {
        // a run started before the sent value arrived shows the older value: wait (at most 20 s) for the sent one
        if (i !== sent.i && Date.now() - sent.at < 20000) return;
        sent = null;
      }
      live.value[r.key] = { v: r.values[i], pending: false };
      if (Number(range.value) !== i || box.dataset.index !== String(i)) draw(i);
      else show(i);  // the charts the run drew may be the server's figure of another value: put frame i on them
    }
    const index = () => parseInt(range.value, 10);
    range.addEventListener("pointerdown", () => { dragging = true; });
    // on release plotly draws the charts (drawn around plotly during the drag), even if the value is where it started
    const up = () => { if (dragging) { dragging = false; draw(index()); } };
    for (const ev of ["pointerup", "pointercancel"]) {
      document.addEventListener(ev, up, true);
      cleanups.push(() => document.removeEventListener(ev, up, true));
    }
    range.addEventListener("input", () => draw(index(), !dragging));
    range.addEventListener("change", () => {
      if (dragging) { dragging = false; draw(index()); }
      sendLater(index());
    });
    const root = document.querySelector('[data-testid="stApp"]') || document.body;
    const obs = new MutationObserver((muts) => {
      if (muts.some((m) => m.target.closest && m.target.closest(`.st-key-${r.key}`))) follow();
    });
    obs.observe(root, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext", "value"] });
    cleanups.push(() => obs.disconnect());
    const start = serverIndex();
    if (start >= 0) { render(start); shownBy(start); box.dataset.drawn = String(start); } else render(0);
    follow();
  }

  if (cfg.select) {
    const s = cfg.select;
    const ui = s.ui || {};
    const n = s.n;
    const remembered = live.value[s.param];
    // a value the browser chose and the server has not confirmed yet wins over the server's
    let v = Math.min(Math.max(remembered && remembered.pending ? remembered.v : s.value, 1), n);
    let timer = 0;
    let settle = 0;
    const box = document.createElement("div");
    box.className = "rv-select";
    box.innerHTML = `
      <div class="rv-row">
        <label class="rv-label"></label><span class="rv-value" data-testid="rvValue"></span>
      </div>
      <div class="rv-main">
        <input class="rv-range" type="range" min="1" step="1">
        <div class="rv-buttons">
          <button class="rv-back" type="button"></button>
          <button class="rv-next rv-primary" type="button"></button>
          <button class="rv-play" type="button"></button>
          <button class="rv-stop" type="button"></button>
        </div>
      </div>
      <div class="rv-caption"></div>`;
    parentElement.appendChild(box);
    const $ = (sel) => box.querySelector(sel);
    const range = $(".rv-range");
    $(".rv-label").textContent = ui.label || "";
    range.max = String(Math.max(n, 1));
    range.title = ui.help || "";
    range.setAttribute("aria-label", ui.label || s.param);
    for (const [cls, txt, tip] of [[".rv-back", ui.back, ui.back_help], [".rv-next", ui.next, ui.next_help],
      [".rv-play", ui.play, ui.play_help], [".rv-stop", ui.stop, ui.stop_help]]) {
      $(cls).textContent = txt || "";
      $(cls).title = tip || "";
      if (!txt) $(cls).style.display = "none";
    }
    if (n <= 1) range.disabled = true;
    const sign = s.dir === "backward" ? -1 : 1;
    const end = sign > 0 ? n : 1;
    /** Show the chosen k's element of every group, hide the others. A group {name, stack} (its elements
     *  are the only children of the container keyed `stack`) is drawn in one grid cell (the server's style,
     *  rnnviz.streamlit_helpers.stacked_group), the others content-visibility:hidden: a step change then
     *  lays out and paints nothing new (the elements keep their layout; display:none would rebuild the
     *  shown one's, 55 ms for a step's KaTeX equations). A plain group's others are display:none.
     *  The sheet below is written once; the shown element carries the attribute data-rv-shown (its group's
     *  name), so a step change restyles the element that loses it and the one that gets it. Writing a new
     *  sheet text per step made the browser match all of the page against it again: measured in Chromium on
     *  the step-through page (16 700 elements, 2 400 per step's equations), style and layout of a step took
     *  ~7 ms that way, ~3 ms with the attribute. */
    const style = document.createElement("style");
    const css = [];
    for (const g of s.groups || []) {
      const name = typeof g === "string" ? g : g.name;
      const els = Array.from({ length: n }, (_, k) => `.st-key-${name}_${k + 1}`);
      const off = els.map((e) => `${e}:not([data-rv-shown="${name}"])`).join(",");
      if (typeof g === "string") css.push(`${off}{display:none !important}`);
      else {
        css.push(`${off}{visibility:hidden !important;content-visibility:hidden}`);
        css.push(`${els.map((e) => `${e}[data-rv-shown="${name}"]`).join(",")}`
          + "{visibility:visible !important;content-visibility:visible !important}");
      }
    }
    style.textContent = css.join("");
    document.head.appendChild(style);
    let regroup = 0;  // a try again of groups(): an element of the chosen k was not on the page yet
    let regroups = 0;
    cleanups.push(() => { clearTimeout(regroup); style.remove(); });
    function groups() {
      let missing = false;
      for (const g of s.groups || []) {
        const name = typeof g === "string" ? g : g.name;
        const el = document.querySelector(`.st-key-${name}_${v}`);
        for (const old of document.querySelectorAll(`[data-rv-shown="${name}"]`)) if (old !== el) old.removeAttribute("data-rv-shown");
        if (!el) missing = true;
        else if (el.getAttribute("data-rv-shown") !== name) el.setAttribute("data-rv-shown", name);
      }
      // the containers are drawn before the component, but a rerun may put them back after it: look again
      // in 50 ms (for at most 30 s), so the chosen k is shown once its element is there
      clearTimeout(regroup);
      if (missing && ++regroups <= 600) regroup = setTimeout(groups, 50);
    }
    function url() {
      pendingUrl({ [s.param]: v }, true);
      const u = new URL(window.location.href);
      u.searchParams.set(s.param, String(v));
      window.history.replaceState(window.history.state, "", u);
    }
    function render() {
      range.value = String(v);
      $(".rv-value").textContent = s.labels && s.labels[v - 1] != null ? s.labels[v - 1] : String(v);
      const playing = !!timer;
      $(".rv-play").disabled = playing;
      $(".rv-stop").disabled = !playing;
      range.disabled = playing || n <= 1;
      $(".rv-caption").textContent = playing && ui.playing ? ui.playing.replace("{t}", v).replace("{n}", n) : "";
      box.dataset.value = String(v);
    }
    function sync() {
      // tell the server once the choice settles (not while playing or dragging)
      clearTimeout(settle);
      settle = setTimeout(() => {
        if (timer) return;
        if (live.hold) { sync(); return; }  // held (tests): no server reply can draw the choice meanwhile
        live.value[s.param] = Object.assign({}, live.value[s.param], { v, pending: true });
        setStateValue("value", v);
      }, s.settle_ms || 800);
    }
    // A step chosen by the user (a key, the pointer, Back, Next; `quiet` false) is drawn in the next animation frame
    // around plotly where drawDirect can ("exact": the frame as plotly would draw it; the attention page's bars and
    // the heatmap's outline), the rest by plotly; drawDirect hands what it drew to plotly once the choices pause
    // (HANDOVER_MS), so its data, hover and export are the chart shown. Play (quiet) is drawn by plotly.
    function set(k, quiet) {
      v = Math.min(Math.max(k, 1), n);
      groups();
      request(v - 1, !quiet && "exact");
      render();
      url();
      live.value[s.param] = { v, pending: true, focused: document.activeElement === range
        || (parentElement.activeElement === range) };
      if (!quiet) sync();
    }
    function stop() {
      if (timer) clearInterval(timer);
      timer = 0;
      parentElement.__rvPlaying = null;
      render();
      sync();
    }
    function play() {
      if (v === end) set(sign > 0 ? 1 : n, true);
      timer = setInterval(() => {
        if (v === end) { stop(); return; }
        set(v + sign, true);
        if (v === end) stop();
      }, s.play_ms || 1000);
      parentElement.__rvPlaying = s.param;
      render();
    }
    range.addEventListener("input", () => set(parseInt(range.value, 10), false));
    $(".rv-back").addEventListener("click", () => set(v - sign, false));
    $(".rv-next").addEventListener("click", () => set(v + sign, false));
    $(".rv-play").addEventListener("click", play);
    $(".rv-stop").addEventListener("click", stop);
    cleanups.push(() => { if (timer) clearInterval(timer); clearTimeout(settle); box.remove(); });
    groups();
    // the charts show the step the server drew them at, which need not be s.value (sh.drawn_choice: the
    // step first drawn for these settings, so a settle rerun sends the same figures and Streamlit keeps
    // them), or the frame put on them last if Streamlit kept them: put step v on them (applyFrame changes
    // only what differs, nothing when step v is there)
    request(v - 1);
    if (v !== s.value) {  // the browser's choice is newer than the server's: tell the server
      url();
      sync();
    } else {
      live.value[s.param] = { v, pending: false };
      pendingUrl({ [s.param]: v }, false);
    }
    render();
    if (wasPlaying === s.param && v !== end) play();
    if (remembered && remembered.focused) range.focus();
    range.addEventListener("focus", () => { live.value[s.param].focused = true; });
    range.addEventListener("blur", () => { live.value[s.param].focused = false; });
  }

  if (cfg.multi) {
    const m = cfg.multi;
    const ctrls = m.controls || [];
    const server = m.value || {};
    const remembered = live.value[m.id];
    // a choice the browser made and the server has not confirmed yet wins over the server's
    const v = Object.assign({}, server, remembered && remembered.pending ? remembered.v : {});
    for (const c of ctrls) {  // inside this setting's range
      if (c.kind === "range") v[c.param] = Math.min(Math.max(Number(v[c.param]), c.min), c.max);
      else if (!c.options.includes(v[c.param])) v[c.param] = server[c.param];
    }
    const index = (param) => {
      const c = ctrls.find((x) => x.param === param);
      return c.kind === "range" ? v[param] - c.min : c.options.indexOf(v[param]);
    };
    let settle = 0;
    const box = document.createElement("div");
    box.className = "rv-multi";
    parentElement.appendChild(box);
    const inputs = {};
    for (const c of ctrls) {
      const cell = document.createElement("div");
      cell.className = "rv-cell";
      cell.innerHTML = `<div class="rv-row"><label class="rv-label"></label><span class="rv-value"></span></div>`;
      cell.querySelector(".rv-label").textContent = c.label || c.param;
      cell.title = c.help || "";
      let input;
      if (c.kind === "range") {
        input = document.createElement("input");
        Object.assign(input, { type: "range", min: String(c.min), max: String(c.max), step: "1", className: "rv-range" });
        if (c.max <= c.min) input.disabled = true;
        input.addEventListener("input", () => set(c.param, parseInt(input.value, 10)));
      } else {
        input = document.createElement("select");
        input.className = "rv-choice";
        for (const [i, o] of c.options.entries()) {
          const opt = document.createElement("option");
          opt.value = o;
          opt.textContent = c.labels ? c.labels[i] : o;
          input.appendChild(opt);
        }
        input.addEventListener("change", () => set(c.param, input.value));
      }
      input.title = c.help || "";
      input.setAttribute("aria-label", c.label || c.param);
      input.dataset.param = c.param;
      cell.appendChild(input);
      box.appendChild(cell);
      inputs[c.param] = { input, value: cell.querySelector(".rv-value"), c };
    }
    const style = document.createElement("style");
    document.head.appendChild(style);
    cleanups.push(() => style.remove());
    let katex = null;
    if (m.katex && (m.views || []).some((w) => w.kind === "latex")) {
      live.katexP = live.katexP || import(new URL(m.katex, document.baseURI).href).then((mod) => mod.default || mod)
        .catch(() => null);
      live.katexP.then((k) => { katex = k; views(); });
    }
    function fillV(template, vals) {  // ⟦param⟧ -> the chosen value (of vals, else of the choice v)
      return template.replace(/⟦([A-Za-z0-9_]+)⟧/g, (_, k) => String((vals || v)[k] ?? ""));
    }
    function slot(name) { return document.querySelector(`[data-rv-slot="${name}"]`); }
    // what a slot shows, built once per choice: KaTeX typesetting and the coloured text's parts are the costly
    // part of a choice, and a choice made again (a key held on a range goes back and forth) reuses them
    const built = new Map();
    const HTML = "__rvHtml";  // on a slot element: the HTML put in it last (nothing is rewritten when it is the same)
    function put(el, html) {
      if (el[HTML] === html) return;
      el.innerHTML = html;
      el[HTML] = html;
    }
    // A coloured text is built once per slot: another choice recolours its spans in place (each span's background,
    // text colour and title), where writing the HTML again cost a parse and a layout of every span (the hidden
    // page: 628 of them, 20-40 ms a choice). Its nodes are kept while the slot is cleared (the server shows the
    // choice) and put back by the next choice of the same text.
    const COLORED = "__rvColored";  // on a slot element: {shape, cap, spans, nodes} of the coloured text built last
    const shapes = new WeakMap();  // view -> what its coloured text's spans depend on besides the choice
    const shapeOf = (w) => {
      if (!shapes.has(w)) shapes.set(w, JSON.stringify([w.text, (w.style || {}).pad, (w.style || {}).wrap]));
      return shapes.get(w);
    };
    const CAPTION = "font-size:0.875rem;color:rgba(49,51,63,0.6);margin:0 0 1rem";  // as st.caption draws it
    /** Show the coloured text `parts` (coloredParts) with `caption` (or none) in `el` by recolouring the spans built
     * there before; false (nothing changed) when there are none of the same text and caption. */
    function recolor(el, w, parts, caption) {
      const c = el[COLORED];
      if (!c || c.shape !== shapeOf(w) || (c.cap === null) !== (caption == null)) return false;
      c.spans.forEach((span, k) => {
        span.style.background = parts.bg[k];
        span.style.color = parts.fg[k];
        span.title = parts.title[k];
      });
      if (c.cap) c.cap.textContent = caption;
      if (c.nodes.some((n) => n.parentNode !== el)) { el.textContent = ""; el.append(...c.nodes); }
      el[HTML] = undefined;  // not an HTML string put there
      return true;
    }
    /** Remember the coloured text just put in `el` (recolor recolours it for the next choice). */
    function keepColored(el, w, caption) {
      const nodes = [...el.childNodes];
      const div = nodes[nodes.length - 1];
      const spans = div && div.querySelectorAll ? [...div.querySelectorAll(":scope > span")] : [];
      el[COLORED] = spans.length === [...w.text].length
        ? { shape: shapeOf(w), cap: caption != null ? nodes[0] : null, spans, nodes } : null;
    }
    /** What view w (latex or colored) shows for the choice vals: its equations' HTML, or its coloured text's parts
     * (coloredParts); built once (memo), null when there are no data for it (or KaTeX is not loaded yet). */
    function build(w, vals) {
      const key = w.by.map((p) => vals[p]).join(",");
      const memo = `${w.slot}|${key}`;
      if (built.has(memo)) return built.get(memo);
      const entry = w.data ? w.data[key] : null;
      let out = null;
      if (w.kind === "latex" && entry && katex) {
        out = w.template.map((line) => katex.renderToString(fill(line, w.keys, entry),
          { displayMode: true, throwOnError: false })).map((h) => `<div class="rv-eq">${h}</div>`).join("");
      } else if (w.kind === "colored" && entry) {
        const opt = w.style ? Object.assign({}, w.style, { mid: fillV(w.style.mid || "", vals) }) : undefined;
        // with a scale, the entry is [values as codes, caption] and the colours are sampled here
        const [bgs, shown] = w.scale ? scaledParts(entry[0], w.scale) : [entry[0], entry[1]];
        out = coloredParts(w.text, w.prefixes, bgs, shown, opt);
      }
      if (out != null) {
        if (built.size >= 256) built.delete(built.keys().next().value);
        built.set(memo, out);
      }
      return out;
    }
    function views() {
      const hide = [];
      for (const w of m.views || []) {
        const el = slot(w.slot);
        const same = w.by.every((p) => v[p] === server[p]);
        if (same) { if (el) { put(el, ""); el.dataset.shown = ""; } continue; }
        hide.push(`.st-key-${w.server}`);
        if (!el) continue;
        const key = w.by.map((p) => v[p]).join(",");
        const entry = w.data ? w.data[key] : null;
        // the caption: this choice's own (entry[2], formatted by the server), else the template filled here
        const own = w.kind === "colored" && entry ? entry[w.scale ? 1 : 2] : null;
        const caption = own != null ? own : w.caption ? fillV(w.caption) : null;
        const out = w.kind === "text" ? null : build(w, v);
        if (w.kind === "colored" && out != null) {
          if (!recolor(el, w, out, caption)) {
            put(el, (caption != null ? `<p style="${CAPTION}">${esc(caption)}</p>` : "") + coloredMarkup(w.text, out, w.style));
            keepColored(el, w, caption);
          }
          el.dataset.shown = key;
          continue;
        }
        let html = out;
        if (w.kind === "text") {
          html = `<p class="rv-text" style="margin:0">${esc(fillV(w.template))}</p>`;
        }
        if (html != null && caption != null) html = `<p style="${CAPTION}">${esc(caption)}</p>` + html;
        put(el, html != null ? html : `<p class="rv-pending">${esc(w.pending || "…")}</p>`);
        el.dataset.shown = html != null ? key : "";
      }
      setSheet(style, hide.length ? `${hide.join(",")}{display:none !important}` : "");
      ahead();
    }
    // The views of the choices one step from this one on each range (the unit before and after; the step before and
    // after) are built when the browser is idle, one at a time, so the next key press finds its equations typeset
    // (KaTeX: 10-30 ms a unit's equations, measured on the gates page) and only puts them in place.
    let early = 0;
    const idleOnly = G.requestIdleCallback ? (f) => G.requestIdleCallback(f) : (f) => setTimeout(f, 50);
    function ahead() {
      const todo = [];
      for (const c of ctrls) {
        if (c.kind !== "range") continue;
        for (const d of [1, -1]) {
          const x = v[c.param] + d;
          if (x < c.min || x > c.max) continue;
          const vals = Object.assign({}, v, { [c.param]: x });
          for (const w of m.views || []) if (w.kind !== "text" && w.by.includes(c.param)) todo.push([w, vals]);
        }
      }
      if (early) cancelIdle(early);
      const step = (deadline) => {
        early = 0;
        while (todo.length && (!deadline || !deadline.timeRemaining || deadline.timeRemaining() > 5)) build(...todo.shift());
        if (todo.length) early = idleOnly(step);
      };
      early = todo.length ? idleOnly(step) : 0;
    }
    cleanups.push(() => { if (early) cancelIdle(early); });
    // A choice made by the user (a key, the pointer) is drawn around plotly where drawDirect can (scatter lines moved,
    // an axis range set by Plotly.relayout: "exact", the frame as plotly would draw it), the rest by plotly; drawDirect
    // hands what it drew to plotly once choices pause (HANDOVER_MS), so its data, hover and export are the chart shown.
    function charts_(direct) {
      let waiting = false;
      for (const [key, c] of Object.entries(charts)) {
        if (c.by && drawFrame(key, c, index(c.by), direct && "exact") === WAIT) waiting = true;
      }
      // a chart not plotted yet (a choice made while the page is still drawing): try again in 50 ms
      if (waiting) retryLater(redraw);
    }
    let raf2 = 0;
    let idle = 0;
    // the views once the browser is idle (at the latest 150 ms later): after the frame that draws the charts and
    // after input waiting behind it (the next key press of a held key), and once for the last of several quick
    // choices. Measured on the gates page: typesetting a unit's equations and laying them and the coloured text
    // out took 50-80 ms; run in the frame after the charts' frame, they delayed the next key press by as much.
    const whenIdle = G.requestIdleCallback ? (f) => G.requestIdleCallback(f, { timeout: 150 }) : (f) => setTimeout(f, 0);
    const cancelIdle = G.cancelIdleCallback ? (h) => G.cancelIdleCallback(h) : (h) => clearTimeout(h);
    let direct = false;
    function redraw(byUser) {
      // the charts in this frame (a user's choice directly where it can), the views (equations, coloured text, the
      // unit's number) when idle
      direct = direct || !!byUser;
      if (!raf2) {
        raf2 = requestAnimationFrame(() => {
          raf2 = 0;
          charts_(direct);
          direct = false;
          if (!idle) idle = whenIdle(() => { idle = 0; views(); });
        });
      }
    }
    cleanups.push(() => { cancelAnimationFrame(raf2); if (idle) cancelIdle(idle); });
    function render() {
      for (const { input, value, c } of Object.values(inputs)) {
        input.value = String(v[c.param]);
        value.textContent = c.kind === "range" && c.labels ? c.labels[v[c.param] - c.min] : String(v[c.param]);
      }
      box.dataset.value = JSON.stringify(v);
    }
    function url() {
      pendingUrl(Object.fromEntries(ctrls.map((c) => [c.param, v[c.param]])), true);
      const u = new URL(window.location.href);
      for (const c of ctrls) u.searchParams.set(c.param, String(v[c.param]));
      window.history.replaceState(window.history.state, "", u);
    }
    function sync() {
      clearTimeout(settle);
      settle = setTimeout(() => {
        if (live.hold) { sync(); return; }  // held (tests): no server reply can draw the choice meanwhile
        live.value[m.id] = { v: Object.assign({}, v), pending: true };
        // `at` makes every settled choice a new value, so the server applies it even if it equals an older one
        setStateValue("value", Object.assign({ at: Date.now() }, v));
      }, m.settle_ms || 800);
    }
    function set(param, value) {
      v[param] = value;
      live.value[m.id] = { v: Object.assign({}, v), pending: true };
      render();
      redraw(true);
      url();
      sync();
    }
    cleanups.push(() => { clearTimeout(settle); box.remove(); });
    render();
    if (ctrls.some((c) => v[c.param] !== server[c.param])) {  // the browser's choice is newer: show it, tell the server
      redraw();
      url();
      sync();
    } else {
      live.value[m.id] = { v: Object.assign({}, v), pending: false };
      pendingUrl(Object.fromEntries(ctrls.map((c) => [c.param, v[c.param]])), false);
      views();
      // the charts may show another choice than the server's (sh.drawn_choice: the one first drawn for these
      // settings): put this one on them (applyFrame changes only what differs, nothing when it is there)
      redraw();
    }
  }

  const cleanup = () => {
    cancelAnimationFrame(raf);
    clearTimeout(retry);
    cleanups.forEach((f) => f());
    cleanups.length = 0;
    if (parentElement.__rvCleanup === cleanup) delete parentElement.__rvCleanup;
  };
  parentElement.__rvCleanup = cleanup;
  return cleanup;
}
