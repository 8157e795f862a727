// live/component.js: the component's entry point (the module's default export), called by Streamlit for every
// script run with the data below: the charts' state (which frame each shows), drawFrame / show / request, and the
// mode the data asks for (range.js, select.js, multi.js).
//
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

  const ctx = { component, parentElement, setStateValue, cleanups, charts, wasPlaying, drawFrame, show, shownBy, request,
    retryLater };
  if (cfg.range) rangeMode(cfg.range, ctx);
  if (cfg.select) selectMode(cfg.select, ctx);
  if (cfg.multi) multiMode(cfg.multi, ctx);

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
