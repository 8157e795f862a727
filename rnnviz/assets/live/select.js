// live/select.js: the select mode (data.select), own step controls (a slider, Back, Next, Play, Stop) that pick a
// frame with no script rerun (the step-through and attention pages' step t).

/** The select mode of a component call: `s` is data.select; from the component (component.js) it takes its element,
 * setStateValue, its cleanups, request (every chart shows frame i in the next animation frame, around plotly where it
 * can for a user's step) and wasPlaying (the param whose Play was running when Streamlit called the component again). */
function selectMode(s, { parentElement, setStateValue, cleanups, request, wasPlaying }) {
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
