// live/apply.js: applyFrame, which draws a frame on a chart through plotly, changing only what differs from what the
// chart holds (Plotly.animate for scatter moves, Plotly.update, moveShapes for shape moves, Plotly.react otherwise).
// WAIT is what it returns for a chart not plotted yet. tests/unit/test_live_apply.py runs it against a stand-in plotly.

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

/** What applyFrame (and drawFrame, component.js) returns for a chart not plotted yet: try again later. */
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
