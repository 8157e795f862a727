// live/range.js: the range mode (data.range), a live range in place of a bound Streamlit slider (the vanishing page's
// spectral radius, the gates page's forget-gate bias Δ).

/** The range mode of a component call: `r` is data.range; from the component (component.js) it takes the component
 * itself (setTriggerValue), its element, its cleanups, show (every chart shows frame i) and shownBy.
 *
 * A live range in place of a bound Streamlit slider (rnnviz.streamlit_helpers.live_range): while it is
 * dragged or moved by keys, every chart shows frame i of the grid value under the thumb (one draw per
 * animation frame; values passed over before the next frame are dropped; while the pointer is down, drawn
 * straight into the SVG where drawDirect can, and by plotly on release) and the readout line says what
 * the chart's legend does not. On release (and on each key press) the index goes to the server
 * (setTriggerValue "pick"), which sets the bound slider's state; that slider, hidden, stays the source of
 * truth: whatever it shows after a script run (a preset, a link, the released value) moves this range. */
function rangeMode(r, { component, parentElement, cleanups, show, shownBy }) {
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
