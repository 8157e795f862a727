// live/util.js: what every other part uses. The page-wide state window.__rnnvizLive (`live`: drawn-frame counts,
// choices, chart keys; see component.js), a chart's element (chartDiv), a style sheet's text (setSheet), and the values
// of plotly figures and frames: their JSON (json), numbers (numbers, same), plotly attribute strings (flatten, get,
// put), the layout edits between two layouts (layoutEdits), deep copies (copy).
// (One part of the module the component gets: rnnviz/live_js.py joins rnnviz/assets/live/*.js in a fixed order.)

const G = typeof window !== "undefined" ? window : globalThis;
const live = (G.__rnnvizLive = G.__rnnvizLive || { updates: {}, value: {} });

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
