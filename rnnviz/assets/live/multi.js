// live/multi.js: the multi mode (data.multi), several own controls (ranges, a choice) picking among values the server
// computed for every option (the gates and hidden pages: unit, step, colouring), and the views (equations, coloured
// text, lines) the browser fills for a choice the server has not drawn.

/** The markup of one control of the multi mode (`c`: a range or a choice of data.multi.controls), its input's id
 * `id`: a label bound to the input (a click on it focuses the input), the help as the tooltip of a "?" beside the
 * label (as Streamlit draws a widget's help) and of the input, and the input: a range with its value beside the
 * label, or a choice drawn as Streamlit draws a selectbox (rv-choice in rnnviz.streamlit_helpers._LIVE_CSS: its
 * font, border, radius, height, chevron, focus ring, the theme's colours) but a native <select> underneath, so
 * the keyboard works as in any select (Tab, arrows, type-ahead, Alt+Down) and a screen reader names it. */
export function controlHtml(c, id) {
  const label = esc(c.label || c.param);
  const help = c.help ? `<span class="rv-help" title="${esc(c.help)}" aria-hidden="true">?</span>` : "";
  const title = c.help ? ` title="${esc(c.help)}"` : "";
  const head = (value) => `<div class="rv-row"><label class="rv-label" for="${esc(id)}">${label}</label>${help}${value}</div>`;
  if (c.kind === "range") {
    return head(`<span class="rv-value"></span>`)
      + `<input id="${esc(id)}" class="rv-range" type="range" min="${Number(c.min)}" max="${Number(c.max)}" step="1"`
      + `${c.max <= c.min ? " disabled" : ""} data-param="${esc(c.param)}"${title}>`;
  }
  const options = c.options.map((o, i) => `<option value="${esc(o)}">${esc(c.labels ? c.labels[i] : o)}</option>`).join("");
  return head("")
    + `<div class="rv-choice-box"><select id="${esc(id)}" class="rv-choice" data-param="${esc(c.param)}"${title}>${options}</select>`
    + `<svg class="rv-chevron" viewBox="0 0 24 24" aria-hidden="true"><path d="M7.41 8.59 12 13.17l4.59-4.58L18 10l-6 6-6-6z"/></svg></div>`;
}

/** The multi mode of a component call: `m` is data.multi; from the component (component.js) it takes its element,
 * setStateValue, its cleanups, its charts, drawFrame (chart `key` shows frame i) and retryLater. */
function multiMode(m, { parentElement, setStateValue, cleanups, charts, drawFrame, retryLater }) {
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
    cell.innerHTML = controlHtml(c, `rv-${m.id}-${c.param}`);
    const input = cell.querySelector("input, select");
    if (c.kind === "range") {
      input.addEventListener("input", () => set(c.param, parseInt(input.value, 10)));
    } else {
      input.addEventListener("change", () => set(c.param, input.value));
    }
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
  function putHtml(el, html) {
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
      if (same) { if (el) { putHtml(el, ""); el.dataset.shown = ""; } continue; }
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
          putHtml(el, (caption != null ? `<p style="${CAPTION}">${esc(caption)}</p>` : "") + coloredMarkup(w.text, out, w.style));
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
      putHtml(el, html != null ? html : `<p class="rv-pending">${esc(w.pending || "…")}</p>`);
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
  function drawCharts(direct) {
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
        drawCharts(direct);
        direct = false;
        if (!idle) idle = whenIdle(() => { idle = 0; views(); });
      });
    }
  }
  cleanups.push(() => { cancelAnimationFrame(raf2); if (idle) cancelIdle(idle); });
  function render() {
    for (const { input, value, c } of Object.values(inputs)) {
      input.value = String(v[c.param]);
      if (value) value.textContent = c.labels ? c.labels[v[c.param] - c.min] : String(v[c.param]);  // (a range's)
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
