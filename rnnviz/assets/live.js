// rnnviz live charts: a Streamlit custom component (v2) that changes plotly charts in the browser.
//
// data (a JSON string, see rnnviz.streamlit_helpers.live):
//   charts  {chart key: {meta, frames: [frame 0, frame 1, ...]}}, a frame = {data: [one update per trace], layout};
//           a frame is drawn only on the chart whose layout.meta equals `meta` (the figure the frames belong to)
//   follow  {key, lo, step, n}: while the Streamlit slider with widget key `key` moves (a drag, a key press),
//           show frame round((value - lo) / step) of every chart, before the slider's own rerun on release.
//   select  {param, value, n, groups, labels, play_ms, dir, ui}: own controls (slider, Back, Next, Play,
//           Stop) pick frame value-1; no script rerun; the URL's ?param= is rewritten in place and the value
//           reaches the server (setStateValue "value") when the choice settles, so the next rerun knows it.
//           Elements in containers keyed `${group}_${k}` are shown only for the chosen k.
// Every applied frame increments window.__rnnvizLive.updates[chart key] (read by tests and bench/bench_ui.py).

const live = (window.__rnnvizLive = window.__rnnvizLive || { updates: {}, value: {} });

function chartDiv(key) {
  return document.querySelector(`.st-key-${key} .js-plotly-plot`);
}

function merge(base, upd) {
  // one level deep: {yaxis: {range}} keeps the rest of yaxis
  const out = Object.assign({}, base);
  for (const [k, v] of Object.entries(upd || {})) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object"
      ? Object.assign({}, base[k], v) : v;
  }
  return out;
}

function applyFrame(key, meta, frame) {
  const gd = chartDiv(key);
  if (!gd || !window.Plotly || !gd.data || !gd._fullLayout) return false;
  if (meta !== undefined && (gd.layout.meta !== meta || gd.data.length !== frame.data.length)) return false;
  const data = gd.data.map((tr, i) => (frame.data && frame.data[i] ? Object.assign({}, tr, frame.data[i]) : tr));
  window.Plotly.react(gd, data, merge(gd.layout, frame.layout));
  live.updates[key] = (live.updates[key] || 0) + 1;
  return true;
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
  let shown = -1;
  let pending = null;
  let raf = 0;

  function show(i) {
    if (i === shown) return;
    shown = i;
    for (const [key, c] of Object.entries(charts)) {
      if (c.frames[i]) applyFrame(key, c.meta, c.frames[i]);
    }
  }
  function request(i) {
    pending = i;
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; show(pending); });
  }
  const cleanups = [];

  if (cfg.follow) {
    const f = cfg.follow;
    const root = document.querySelector('[data-testid="stMain"]') || document.body;
    // only the user's own drags and key presses: a value set by a rerun (a preset) is drawn by the server
    let active = false;
    const mine = (e) => e.target && e.target.closest && e.target.closest(`.st-key-${f.key}`);
    const on = (e) => { if (mine(e)) active = true; };
    const off = () => { requestAnimationFrame(() => requestAnimationFrame(() => { active = false; })); };
    for (const [ev, fn] of [["pointerdown", on], ["keydown", on], ["pointerup", off], ["keyup", off], ["pointercancel", off]]) {
      document.addEventListener(ev, fn, true);
      cleanups.push(() => document.removeEventListener(ev, fn, true));
    }
    const onChange = () => {
      if (!active) return;
      const input = document.querySelector(`.st-key-${f.key} input[type="range"]`);
      if (!input) return;
      const i = Math.round((parseFloat(input.value) - f.lo) / f.step);
      if (i >= 0 && i < f.n) request(i);
    };
    const obs = new MutationObserver((muts) => {
      if (muts.some((m) => m.target.closest && m.target.closest(`.st-key-${f.key}`))) onChange();
    });
    obs.observe(root, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext", "value"] });
    cleanups.push(() => obs.disconnect());
    // the chart on screen is the server's, drawn for the slider's current value
    const input = document.querySelector(`.st-key-${f.key} input[type="range"]`);
    if (input) shown = Math.round((parseFloat(input.value) - f.lo) / f.step);
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
    const style = document.createElement("style");
    document.head.appendChild(style);
    cleanups.push(() => style.remove());

    function groups() {
      const hide = [];
      for (const g of s.groups || []) {
        for (let k = 1; k <= n; k++) if (k !== v) hide.push(`.st-key-${g}_${k}`);
      }
      style.textContent = hide.length ? `${hide.join(",")}{display:none !important}` : "";
    }
    function url() {
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
        live.value[s.param] = Object.assign({}, live.value[s.param], { v, pending: true });
        setStateValue("value", v);
      }, s.settle_ms || 800);
    }
    function set(k, quiet) {
      v = Math.min(Math.max(k, 1), n);
      groups();
      request(v - 1);
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
    shown = s.value - 1;  // the server drew its step
    groups();
    if (v !== s.value) {  // the browser's choice is newer than the server's: show it, tell the server
      shown = -1;
      request(v - 1);
      url();
      sync();
    } else {
      live.value[s.param] = { v, pending: false };
    }
    render();
    if (wasPlaying === s.param && v !== end) play();
    if (remembered && remembered.focused) range.focus();
    range.addEventListener("focus", () => { live.value[s.param].focused = true; });
    range.addEventListener("blur", () => { live.value[s.param].focused = false; });
  }

  const cleanup = () => {
    cancelAnimationFrame(raf);
    cleanups.forEach((f) => f());
    cleanups.length = 0;
    if (parentElement.__rvCleanup === cleanup) delete parentElement.__rvCleanup;
  };
  parentElement.__rvCleanup = cleanup;
  return cleanup;
}
