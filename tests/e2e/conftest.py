"""Real-browser fixtures: one ``streamlit run app.py`` server per test session, driven by
Playwright in Debian's Chromium (``/usr/bin/chromium``; ``playwright install`` does not work
here). Screenshots go to ``screenshots/`` (git-ignored).

Fixtures: ``app_url`` (base URL of the running server), ``page`` (a fresh 1280x720 page).
Helpers: :func:`wait_for_rerun`, :func:`goto`, :func:`screenshot`, :func:`no_errors`.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, app: str = "app.py", cwd: Path = ROOT) -> subprocess.Popen:
    """Start ``streamlit run`` headless on ``port`` and wait until its health check answers."""
    log = open(ROOT / "screenshots" / f"server-{port}.log", "w")  # noqa: SIM115
    # the vanishing lab's radius grid for a live drag is chosen from the time of two runs (a busy machine got a
    # coarser grid or none, and the tests' keys landed elsewhere): a budget no test setting reaches when busy
    env = {**os.environ, "RNNVIZ_SWEEP_BUDGET_S": os.environ.get("RNNVIZ_SWEEP_BUDGET_S", "120")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early, see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server` (killed if it has not exited after 20 s)."""
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="session")
def app_url():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install -y chromium)")
    SHOTS.mkdir(exist_ok=True)
    port = _free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def renderer(browser) -> dict:
    """What decides how this machine's Chromium draws a chart's pixels: the browser's version and the font
    families fontconfig offers (a chart's text falls back to them: Arial, DejaVu Sans, ...), as a short digest.
    scripts/build_first_charts.py stores it with the shipped pictures; a pixel comparison with them holds only
    where it is the same (another machine draws the same chart with other fonts: not a defect of the picture)."""
    import hashlib
    import subprocess

    try:
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        families = ""
    fonts = "\n".join(sorted(set(families.splitlines())))
    return {"chromium": browser.version, "fonts": hashlib.sha1(fonts.encode("utf-8")).hexdigest()[:16]}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    context.add_init_script(TRACK_RUNS_INIT)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    yield pg
    context.close()


APP = """() => { const app = document.querySelector('[data-testid="stApp"]');
  const fiber = app && Object.keys(app).find((k) => k.startsWith('__reactFiber$'));
  for (let f = fiber ? app[fiber] : null; f; f = f.return) {
    const s = f.stateNode;
    if (s && s.state && typeof s.state === 'object' && 'scriptRunId' in s.state) return s;
  }
  return null; }"""
"""JS: Streamlit's App component (the instance holding ``state.scriptRunId``, found from the app root's React
fiber), or null."""


TRACK_RUNS = """() => { const a = (""" + APP + """)();
  if (!a || a.__rvTrack) return !!a;
  const t = a.__rvTrack = {open: false};
  const started = a.handleNewSession, finished = a.handleScriptFinished;
  a.handleNewSession = (...args) => { t.open = true; return started.apply(a, args); };
  a.handleScriptFinished = (...args) => { if (args[0] !== 2) t.open = false; return finished.apply(a, args); };
  return true; }"""
"""JS: have Streamlit's App record whether a script run it was told of has not finished yet (``__rvTrack.open``: set
by a run's new-session message, cleared by its script-finished message unless that says FINISHED_EARLY_FOR_RERUN (2):
another run follows). The run state attribute of the app root follows later (a separate message, then a React
render): right after a new session it still says ``notRunning``. Installed once per document (returns whether it
is); messages handled before that are not seen."""


TRACK_RUNS_INIT = """(() => { const tick = () => { if (!(""" + TRACK_RUNS + """)()) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); })();"""
"""Init script: install :data:`TRACK_RUNS` as soon as Streamlit's App is mounted (before its first run's messages)."""


RUN_ANSWERED = """() => { const a = (""" + APP + """)();
  return !a || (a.hasReceivedNewSession !== false && !(a.__rvTrack && a.__rvTrack.open)); }"""
"""JS: whether the server has started a script run since the browser last asked for one and no run the page has been
told of is going (:data:`TRACK_RUNS`, where installed). Streamlit's App sets ``hasReceivedNewSession`` to false when
it sends a rerun request and true when a run's new-session message arrives. A widget change, a button or a
component's trigger sends its request before the test's next poll (the page shows nothing of the run until the
server answers), so from then on a run is seen as due."""


def wait_for_rerun(page, timeout: float = 30.0) -> None:
    """Wait until the script run the last action asked for (if any) has finished: the server has started a run since
    the browser's last rerun request (:data:`RUN_ANSWERED`), the app's run state (``data-test-script-state``) is over
    (not running, nor a rerun or stop requested, nor still before the first run), no stale elements, no running
    status widget. The 150 ms first is for an action whose request the browser sends a moment later (a timer)."""
    page.wait_for_timeout(150)
    page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
               return !!app && !/^(initial|running|rerunRequested|stopRequested)$/.test(app.getAttribute('data-test-script-state') || '')
               && (""" + RUN_ANSWERED + """)()
               && !document.querySelector('[data-stale="true"]')
               && !document.querySelector('[data-testid="stStatusWidget"]')
               && !!document.querySelector('[data-testid="stMain"]'); }""",
        timeout=timeout * 1000,
    )
    page.evaluate(TRACK_RUNS)  # for the next action's run (a reload or a new page installs it again here)


def wait_for_live_settled(page, live_key: str, timeout: float = 120.0) -> None:
    """Wait until no script run is going or asked for (the app's run state, :data:`RUN_ANSWERED`), the
    server has confirmed the live component's last browser choice (``window.__rnnvizLive.value[live_key]``
    not pending, see rnnviz/assets/live/), so no settle run of an earlier choice is due, and every chart on the page that a live component draws on is
    plotted (a choice made before that is drawn only once it is, which under load can be after the
    choice's own settle run): a run counted after this belongs to what the test does next."""
    page.wait_for_function(
        """(key) => { const live = window.__rnnvizLive || {};
             const app = document.querySelector('[data-testid="stApp"]');
             return !!app && !/^(initial|running|rerunRequested|stopRequested)$/.test(app.getAttribute('data-test-script-state') || '')
               && (""" + RUN_ANSWERED + """)()
               && !document.querySelector('[data-stale="true"]')
               && !document.querySelector('[data-testid="stStatusWidget"]')
               && !((live.value || {})[key] || {}).pending
               && Object.keys(live.targets || {}).every((k) => { const el = document.querySelector('.st-key-' + k);
                    const gd = el && el.querySelector('.js-plotly-plot'); return !el || !!(gd && gd._fullLayout); }); }""",
        arg=live_key, timeout=timeout * 1000)
    page.evaluate(TRACK_RUNS)


def hold_settles(page, on: bool) -> None:
    """Hold (``on``) or release the live component's settled choices (``window.__rnnvizLive.hold``, see
    rnnviz/assets/live/). While held no choice reaches the server, so a chart that changes was changed
    by the browser alone, whatever the load: no test then depends on the order of the browser's redraw
    and the 800 ms settle timer. A choice held back is sent once released."""
    page.evaluate("(on) => { (window.__rnnvizLive = window.__rnnvizLive || {updates: {}, value: {}}).hold = on; }", on)


FIRST_RUN_DONE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning' && (""" + RUN_ANSWERED + """)()
    && !document.querySelector('[data-stale="true"]') && !document.querySelector('[data-testid="stStatusWidget"]'); }"""
"""JS: a script run has finished since the page loaded and none is going. Streamlit's app root carries
``data-test-script-state``: ``initial`` until the first run starts (the empty main area is already there
then), ``running``, then ``notRunning``."""


AT_REST = """() => {
  const deep = (el, sel) => el.querySelector(sel) || [el, ...el.querySelectorAll('*')].map((e) => e.shadowRoot)
    .filter(Boolean).map((r) => deep(r, sel)).find(Boolean) || null;  // in el, or in a shadow root in it or of it
  const main = document.querySelector('[data-testid="stMain"]');
  const live = window.__rnnvizLive || {};
  const ready = (""" + FIRST_RUN_DONE + """)() && !!main && document.fonts.status === 'loaded'
    && !main.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')
    && [...main.querySelectorAll('img')].every((i) => i.complete)
    && [...main.querySelectorAll('[data-testid^="stBidiComponent"]')].every((c) => !!c.closest('.st-key-rv_prefetch')
         || !!deep(c, '.rv-live, .rv-select, .rv-multi'))
    && Object.keys(live.targets || {}).every((k) => { const el = document.querySelector('.st-key-' + k);
         const gd = el && el.querySelector('.js-plotly-plot'); return !el || !!(gd && gd._fullLayout); });
  let sig = null;
  if (ready) {
    const parts = [...main.querySelectorAll('[data-testid="stVerticalBlock"], [data-testid="stElementContainer"], .js-plotly-plot')]
      .map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round).join(','); });
    for (const el of main.querySelectorAll('.scatterlayer path.js-line, .scatterlayer path.point, .shapelayer path'))
      parts.push(el.getAttribute(el.classList.contains('point') ? 'transform' : 'd') || '');
    sig = parts.join(';') + '|' + JSON.stringify(live.updates || {});
  }
  const w = window.__rvRest || (window.__rvRest = {sig: null, same: 0});
  if (sig === null || sig !== w.sig) { w.sig = sig; w.same = 0; return false; }
  return ++w.same >= 2; }"""
"""JS, polled on every animation frame (``polling="raf"``): true once nothing more will be drawn on the page: the
script run is over (:data:`FIRST_RUN_DONE`), no element is still a skeleton (its code loading), every picture has
loaded, the fonts are ready, every custom component but the plotly prefetch has mounted its live controls
(rnnviz/assets/live/; they may sit in a shadow root), every chart a live component draws on is plotted, and for two
animation frames in a row nothing has changed: neither the place and size of any block, element or chart of the main
area, nor the scatter lines, markers and shapes the charts draw, nor the live component's count of drawn frames."""


def wait_for_rest(page, timeout: float = 120.0) -> None:
    """Wait until nothing more will be drawn on the page (:data:`AT_REST`)."""
    page.evaluate("() => { window.__rvRest = null; }")
    page.wait_for_function(AT_REST, polling="raf", timeout=timeout * 1000)


def goto(page, url: str, timeout: float = 60.0) -> None:
    """Open ``url`` and wait until its first script run has finished (not merely until the empty main
    area is there: under load the run can start well after it) and at least one element is rendered."""
    page.goto(url, timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stVerticalBlock"]', timeout=timeout * 1000)
    page.wait_for_function(FIRST_RUN_DONE, timeout=timeout * 1000)
    wait_for_rerun(page, timeout)


SCRIPT_RUN_ID = """() => { const app = document.querySelector('[data-testid="stApp"]');
  const fiber = app && Object.keys(app).find((k) => k.startsWith('__reactFiber$'));
  for (let f = fiber ? app[fiber] : null; f; f = f.return) {
    const s = f.stateNode && f.stateNode.state;
    if (s && typeof s === 'object' && 'scriptRunId' in s) return String(s.scriptRunId);
  }
  return null; }"""
"""JS: the id of the script run Streamlit's app shows (its App component's state.scriptRunId, found from the
app root's React fiber; a new id for every run), or null if it cannot be read."""


@contextmanager
def expect_run(page, timeout: float = 60.0):
    """For an action that starts a script run: on leaving the block, wait until a run that started after
    entering it has ended, rather than guessing how long the run takes to start. A run is seen by a new
    script run id (SCRIPT_RUN_ID), by the app root's ``data-test-script-state`` or by stale elements. A run
    that is quick (its new_session and script_finished messages handled before React renders) never shows
    ``running`` nor stale elements in the page: only its id tells it happened."""
    page.evaluate("""() => { const app = document.querySelector('[data-testid="stApp"]');
      if (window.__rvRunObs) window.__rvRunObs.disconnect();
      window.__rvRan = false;
      window.__rvRunId = (""" + SCRIPT_RUN_ID + """)();
      window.__rvRunObs = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running' || document.querySelector('[data-stale="true"]'))
          window.__rvRan = true; });
      window.__rvRunObs.observe(app, {attributes: true, subtree: true,
                                      attributeFilter: ['data-test-script-state', 'data-stale']}); }""")
    yield
    page.wait_for_function("() => { const id = (" + SCRIPT_RUN_ID + ")();"
                           " return (window.__rvRan || (id !== null && id !== window.__rvRunId)) && ("
                           + FIRST_RUN_DONE + ")(); }", timeout=timeout * 1000)
    page.evaluate("() => { window.__rvRunObs.disconnect(); window.__rvRunObs = null; }")


CHART_SIG = """() => { const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd.data || !gd._fullLayout) return null;
  return JSON.stringify(gd.data.length ? gd.data[0].y : gd.layout.annotations || []).slice(0, 400); }"""
"""JS: a signature of the first chart's drawn data (a chart with no trace yet: its annotations, e.g. the
train-live page's "press Start"), null until it is plotted. Streamlit re-mounts the
plotly element when a figure changes, so compare what is drawn (plotly 7 ships arrays as
{dtype, bdata}) rather than counting plotly events."""


ALL_CHARTS_SIG = """() => { const gds = [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.data && g._fullLayout);
  if (!gds.length) return null;
  const cache = window.__rvSigCache = window.__rvSigCache || new WeakMap();
  const hash = (s) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return s.length + '.' + h; };
  return gds.length + ':' + gds.map(g => {
    let e = cache.get(g);
    if (!e) { e = {}; cache.set(g, e); }
    if (e.ev !== g._ev) {  // plotly's event emitter of this chart (a new one after a purge / newPlot)
      e.ev = g._ev; e.dirtyData = e.dirtyLayout = true;
      for (const name of ['plotly_afterplot', 'plotly_restyle', 'plotly_update', 'plotly_redraw',
                          'plotly_animated', 'plotly_animatingframe', 'plotly_react'])
        g.on(name, () => { e.dirtyData = e.dirtyLayout = true; });
      g.on('plotly_relayout', () => { e.dirtyLayout = true; });  // a relayout changes the layout only
    }
    if (e.dirtyData || e.data !== g.data) {
      e.dirtyData = false; e.data = g.data; e.hd = hash(JSON.stringify(g.data));
    }
    if (e.dirtyLayout || e.layout !== g.layout) {
      e.dirtyLayout = false; e.layout = g.layout; e.hl = hash(JSON.stringify([g.layout.shapes, g.layout.annotations, g.layout.title]));
    }
    return e.hd + '/' + e.hl; }).join(','); }"""
"""JS: a signature of everything drawn in every chart on the page (data, shapes, annotations, titles),
null until a chart is plotted. For controls that change a chart other than the first, or only a marker.
Each chart's data is hashed again only after plotly redrew or restyled it (its events) or its data object was
replaced, its layout parts after those or a relayout (which changes no data) or a new layout object; otherwise
the stored hashes are reused: polled on every animation frame, hashing every chart's full data took ~10 ms a
poll on the gates page (300 kB of JSON), and a relayout that only moved the hidden page's heatmap outline had
its 1.4 MB of data hashed again (25-30 ms, inside the frame the bench measures)."""


DRAWN = """(key) => { const gd = document.querySelector(key ? '.st-key-' + key + ' .js-plotly-plot' : '.js-plotly-plot');
  if (!gd || !gd._fullLayout || !gd.data) return null;
  const groups = [...gd.querySelectorAll('.scatterlayer g.trace')];  // plotly binds each its trace's calcdata
  return gd.data.map((_, i) => { const node = groups.find((g) => g.__data__ && g.__data__[0] && g.__data__[0].trace.index === i);
    const t = gd._fullData[i];
    const axis = (id) => { const a = gd._fullLayout[id.replace(/^([xy])/, '$1axis')]; return {m: a._m, b: a._b, log: a.type === 'log', len: a._length}; };
    return node ? {lines: [...node.querySelectorAll('path.js-line')].map((e) => e.getAttribute('d')),
                   points: [...node.querySelectorAll('path.point')].map((e) => e.getAttribute('transform')),
                   x: axis(t.xaxis || 'x'), y: axis(t.yaxis || 'y')} : null; }); }"""
"""JS: what the chart keyed ``key`` (``null``: the first chart) draws of its scatter traces, read from its SVG: per
trace of ``gd.data`` (``null`` for a trace not drawn: hidden, or not a scatter trace), each line segment's ``d``, each marker's
``transform`` and its axes' mapping then (plotly's pixel = b + m * value, log10 of it on a log axis; the plot area's
length); null until it is plotted. The drag rows and tests count changes of this, not of ``gd.data``: during
a drag the live range draws the SVG directly (rnnviz/assets/live/around_plotly.js drawDirect) and gives plotly the
data on release."""


DRAWN_SIG = """() => { const gds = [...document.querySelectorAll('.js-plotly-plot')].filter((g) => g._fullLayout);
  if (!gds.length) return null;
  let h = 0, n = 0;
  for (const g of gds) for (const el of g.querySelectorAll('.scatterlayer path.js-line, .scatterlayer path.point, .barlayer g.point > path')) {
    const s = (el.classList.contains('point') ? el.getAttribute('transform') || ''
      : (el.getAttribute('d') || '') + (el.parentNode.classList.contains('point') ? el.style.fill : '')) + ';';
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    n += s.length; }
  return gds.length + ':' + n + '.' + h; }"""
"""JS: a signature of the scatter and bar geometry every chart on the page draws (each line's ``d``, each marker's
``transform``, each bar's ``d`` and fill, read from the SVG), null until a chart is plotted: what the bench's drag rows
and key presses count (live.js drawDirect draws them around plotly: the attention page's step bars are drawn before
plotly is given them). A drag that draws nothing gives no change, whatever happens to ``gd.data``."""


DRAWN_MATCHES = """([key, drawn]) => { const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
  if (!gd || !gd._fullLayout || !gd.calcdata || !drawn) return 'not plotted';
  const bad = [];
  drawn.forEach((tr, i) => {
    const t = gd._fullData[i];
    if (!tr || !tr.lines.length || !t || t.visible !== true) return;
    const at = (ax, v) => ax.b + ax.m * (ax.log ? Math.log10(v) : v);  // the pixel the axis drawn then gave v
    const edges = tr.lines.flatMap((d) => { const v = d.slice(1).split('L').map((p) => p.split(',').map(Number));
      return v.slice(1).map((b, m) => [v[m], b]); });  // the segments' edges (none across a gap)
    if (edges.some((e) => e.some((v) => v.length !== 2 || !v.every(Number.isFinite)))) {
      bad.push(`trace ${i}: a line drawn as ${JSON.stringify(tr.lines).slice(0, 300)}`); return; }
    const xs = Array.from(t.x || []), ys = Array.from(t.y || []);  // plotly's data, decoded (its full trace of gd.data[i])
    ys.forEach((y, k) => {
      if (!(y > 0 || (!tr.y.log && Number.isFinite(y)))) return;
      const px = at(tr.x, xs[k]), py = at(tr.y, y);
      if (!(py >= 0 && py <= tr.y.len)) return;  // off the plot area: plotly clips it
      const e = edges.find(([a, b]) => Math.min(a[0], b[0]) - 0.5 <= px && px <= Math.max(a[0], b[0]) + 0.5);
      if (!e) { bad.push(`trace ${i} t=${xs[k]}: no line at x=${px.toFixed(1)}`); return; }
      const [a, b] = e;
      const on = b[0] === a[0] ? a[1] : a[1] + (b[1] - a[1]) * (px - a[0]) / (b[0] - a[0]);
      if (Math.abs(on - py) > 1) bad.push(`trace ${i} t=${xs[k]}: drawn at y=${on.toFixed(1)} px, the data at ${py.toFixed(1)}`);
    }); });
  return bad.slice(0, 5).join('; '); }"""
"""JS, called with ``[key, drawn]`` (``drawn``: what :data:`DRAWN` read earlier from the chart keyed ``key``): the
points of the chart's data (what plotly holds now, ``gd._fullData``), placed by the axes as they were drawn then, that the
lines drawn then do not pass within one pixel of, as text ('' when they all do; points off the plot area are not checked)."""


FIRST_DRAW_WATCH = """(key) => { const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
  const ys = () => JSON.stringify(Array.from(gd._fullData[0].y));
  const w = (window.__rvFirstDraw = window.__rvFirstDraw || {});
  const me = (w[key] = {seen: null, before: ys(), ys});
  const obs = new MutationObserver(() => { if (w[key] === me && me.seen === null) {
    me.seen = ys() === me.before ? 'old data' : 'new data'; obs.disconnect(); } });
  obs.observe(gd.querySelector('.scatterlayer'), {subtree: true, attributes: true, attributeFilter: ['d']}); }"""
"""JS, called with a chart key: watch the chart's lines (each ``path``'s ``d`` in its scatter layer) and record, at
their first change, whether plotly's data of its first trace (``gd._fullData[0].y``) was still the one it had when the
watch began (``'old data'``: the change was drawn around plotly, rnnviz/assets/live/around_plotly.js drawDirect) or not
(``'new data'``). A mutation observer runs right after the script that made the change, before anything else."""


def watch_first_draw(page, key: str) -> None:
    """Start :data:`FIRST_DRAW_WATCH` on the chart keyed ``key`` (before the key press it is about)."""
    page.evaluate(FIRST_DRAW_WATCH, key)


def first_draw(page, key: str, timeout: float = 30.0) -> str:
    """What :func:`watch_first_draw` recorded at the first change of the chart's lines, once they have changed:
    ``'old data'`` (plotly still held the data it had before) or ``'new data'``."""
    page.wait_for_function("(key) => window.__rvFirstDraw[key].seen !== null", arg=key, timeout=timeout * 1000)
    return page.evaluate("(key) => window.__rvFirstDraw[key].seen", key)


def wait_for_plotly_data_change(page, key: str, timeout: float = 30.0) -> None:
    """Wait until plotly's data of the first trace of the chart keyed ``key`` differs from what it was when
    :func:`watch_first_draw` began (plotly has been given the new frame)."""
    page.wait_for_function("(key) => { const w = window.__rvFirstDraw[key]; return w.ys() !== w.before; }",
                           arg=key, timeout=timeout * 1000)


def wait_for_chart_change(page, before: str | None, timeout: float = 30.0, sig: str = CHART_SIG) -> None:
    """Wait until the chart(s) read by the JS signature ``sig`` are plotted and differ from ``before``."""
    page.wait_for_function(f"() => {{ const s = ({sig})(); return s !== null && s !== {json.dumps(before)}; }}",
                           polling="raf", timeout=timeout * 1000)


def wait_for_router(page, timeout: float = 30.0) -> None:
    """Wait until app.py's router has drawn the sidebar (its language switch is there), and the run ended."""
    page.wait_for_function(
        """() => { const sb = document.querySelector('[data-testid="stSidebar"]');
                   return !!sb && sb.innerText.includes('Language') || !!sb && sb.innerText.includes('语言'); }""",
        timeout=timeout * 1000,
    )
    wait_for_rerun(page, timeout)


# KaTeX draws an equation it cannot parse as .katex-error, and an unknown command (e.g. "\\qquadc" from two
# joined strings) inside an equation in its errorColor, #cc0000 (no equation of the app uses that colour)
KATEX_ERRORS = """() => [...document.querySelectorAll('.katex-error, .katex *')]
  .filter(e => e.classList.contains('katex-error') || (!e.children.length && getComputedStyle(e).color === 'rgb(204, 0, 0)'))
  .map(e => 'KaTeX cannot draw: ' + (e.title || e.textContent).slice(0, 200))"""


def no_errors(page) -> list[str]:
    """Texts of Streamlit exception/error elements, equations KaTeX could not draw, and JS page errors on
    the page (should be empty)."""
    found = [el.inner_text()[:500] for el in page.query_selector_all('[data-testid="stException"]')]
    return found + page.evaluate(KATEX_ERRORS) + list(getattr(page, "console_errors", []))


def screenshot(page, name: str, full_page: bool = False) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


NAV_SEEN_JS = """(() => {
  window.__navSeen = [];
  const grab = () => document.querySelectorAll('[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]')
    .forEach(a => { const t = (a.innerText || '').trim(); if (t && !window.__navSeen.includes(t)) window.__navSeen.push(t); });
  new MutationObserver(grab).observe(document, {subtree: true, childList: true, characterData: true});
})();"""
"""Init script: records every sidebar navigation title that is ever drawn (``window.__navSeen``), so a
test sees a file-name navigation even if it is replaced a moment later."""


def file_name_titles() -> set[str]:
    """The navigation titles Streamlit's pages-directory mode would draw: file stems of the main script and
    of every page file (Streamlit shows ``train_live.py`` as "train live")."""
    stems = {"app"} | {p.stem for d in ("pages", "app_pages") for p in (ROOT / d).glob("*.py")}
    return stems | {s.replace("_", " ") for s in stems}


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def open_burst(browser, urls: list[str]) -> list:
    """Open every URL in its own new browser context at (nearly) the same moment; returns the pages.

    Each navigation is started without waiting for the app (``wait_until="commit"``), so the sessions'
    first script runs overlap on the server, as when a room of students opens links together."""
    pages = []
    for _ in urls:
        ctx = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
        ctx.add_init_script(NAV_SEEN_JS)
        pg = ctx.new_page()
        pg.console_errors = []
        pg.on("pageerror", lambda exc, pg=pg: pg.console_errors.append(str(exc)))
        pages.append(pg)
    for pg, url in zip(pages, urls):
        pg.goto(url, wait_until="commit", timeout=60_000)
    return pages


def session_problems(page, url: str, timeout: float = 120.0) -> list[str]:
    """What is wrong with a session opened on ``url`` once its page is drawn (empty list: nothing).

    Checked: the router's sidebar (language switch) is drawn, no exception or JS error, no
    file-name navigation was ever drawn, the page has a title, and a ``lang=中文`` link is in Chinese."""
    problems = []
    try:
        wait_for_router(page, timeout)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
        wait_for_rerun(page, timeout)
    except Exception as exc:  # noqa: BLE001 - reported as this session's problem
        problems.append(f"not ready: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    problems += [f"error: {e}" for e in no_errors(page)]
    if page.get_by_text("Page not found").count():
        problems.append("page not found")
    seen = set(page.evaluate("() => window.__navSeen || []"))
    if seen & file_name_titles():
        problems.append(f"file-name navigation drawn: {sorted(seen & file_name_titles())}")
    h1 = page.locator('[data-testid="stMain"] h1').first
    title = h1.inner_text() if h1.count() else ""
    if "lang=%E4%B8%AD%E6%96%87" in url or "lang=中文" in url:
        if not has_cjk(title):
            problems.append(f"not Chinese: {title!r}")
    elif has_cjk(title):
        problems.append(f"not English: {title!r}")
    return problems


LIVE = """(key) => { const host = document.querySelector('.st-key-' + key);
  if (!host) return null;
  const inner = (el) => el.querySelector('.rv-live') || [...el.querySelectorAll('*')].map((e) => e.shadowRoot)
    .filter(Boolean).map(inner).find(Boolean) || null;
  const box = inner(host);
  return box ? {value: Number(box.dataset.value), index: box.dataset.index, drawn: box.dataset.drawn,
                readout: box.querySelector('.rv-readout').textContent, label: box.querySelector('.rv-label').textContent} : null; }"""
"""JS: the live range's state (rnnviz/assets/live/range.js: the value under its thumb, the frame index drawn last,
its readout and label), or null while it is not on the page (it may sit in a shadow root)."""


def live_thumb(page, key: str, thumb_px: float = 18) -> tuple[float, float]:
    """(x, y) of the thumb's centre of the live range (an ``<input type=range>``, rnnviz/assets/live/range.js) in the
    element keyed ``key``: its value's share of the track, the thumb ``thumb_px`` wide."""
    rng = page.locator(f".st-key-{key} input.rv-range").first
    now, lo, hi = rng.evaluate("e => [Number(e.value), Number(e.min), Number(e.max)]")
    box = rng.bounding_box()
    share = (now - lo) / ((hi - lo) or 1)
    return box["x"] + thumb_px / 2 + (box["width"] - thumb_px) * share, box["y"] + box["height"] / 2


def drag_slider_watching(page, key: str, sig: str, step_px: float, moves: int = 12, caught_up: str | None = None) -> dict:
    """Drag the thumb of the Streamlit slider (or the live range) with widget key ``key`` by ``moves`` pointer moves of
    ``step_px`` pixels (40 ms apart), watching the chart signature ``sig`` on every animation frame.

    ``caught_up`` (a JS predicate, optional): before reading and releasing, wait until it holds, i.e. the
    page has drawn what the pointer's last position asks for. Without it the reading comes 200 ms after the
    last move, which a loaded browser may not have drawn yet (its frame then shows after the reading).

    Returns, read just before the button is released: ``sigs`` (how many distinct signatures were
    drawn, the first included), ``runs`` (frames on which a script run was under way, or showed another
    run's output than when the drag began: a quick run shows no stale elements, see expect_run) and
    ``last`` (the last signature drawn)."""
    page.evaluate(f"""() => {{ window.__sigs = []; window.__runs = 0; const sig = {sig}; const runId = {SCRIPT_RUN_ID};
        const first = runId();
        (function poll() {{ const s = sig(); if (s && window.__sigs[window.__sigs.length - 1] !== s) window.__sigs.push(s);
           if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]')
               || runId() !== first)
             window.__runs += 1;
           if (!window.__stop) requestAnimationFrame(poll); }})(); }}""")
    page.locator(f".st-key-{key}").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    x, y = live_thumb(page, key) if page.locator(f".st-key-{key} input.rv-range").count() else (None, None)
    if x is None:
        thumb = page.locator(f'.st-key-{key} [data-testid="stSliderThumbValue"]').locator("..").bounding_box()
        x, y = thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(moves):
        page.mouse.move(x + step_px * (k + 1), y)
        page.wait_for_timeout(40)
    page.wait_for_timeout(200)
    if caught_up:  # drawn, and seen by the watch (it records on the frame after the one that drew it)
        page.wait_for_function(f"() => ({caught_up})() && ({sig})() === window.__sigs.at(-1)", polling="raf",
                               timeout=60_000)
    during = page.evaluate("() => ({sigs: window.__sigs.length, runs: window.__runs, last: window.__sigs.at(-1)})")
    page.mouse.up()
    return during


def drag_path(page, x0: float, y0: float, x1: float, seconds: float = 1.0, moves: int = 60,
              sig: str = DRAWN_SIG) -> tuple[int, float]:
    """Press the mouse at (x0, y0) and drag it to (x1, y0) in ``seconds`` of wall time, watching the chart signature
    ``sig`` on every animation frame; returns (how many times it changed *before* the button was released, the drag's
    duration in seconds, from the press to the last move).

    The pointer is paced by the clock: each move goes where the pointer is due at that moment (a straight line over
    ``seconds``), at most one per tick (``moves`` ticks evenly spread); when a move takes longer than a tick (a busy
    machine: each Playwright move is a round trip to the browser) the next one follows at once, to where the pointer is
    due by then, and the ticks missed are not made up later: the drag lasts about ``seconds`` and crosses the same
    values, with fewer pointer moves. The last move is to (x1, y0)."""
    page.evaluate(f"""() => {{ window.__drag = {{n: 0, on: true, last: ({sig})()}};
      const tick = () => {{ const d = window.__drag; if (!d.on) return; const s = ({sig})();
        if (s !== null && s !== d.last) {{ d.n++; d.last = s; }} requestAnimationFrame(tick); }};
      requestAnimationFrame(tick); }}""")
    page.mouse.move(x0, y0)
    page.mouse.down()
    tick = seconds / max(moves, 1)
    t0 = time.perf_counter()
    while True:
        now = time.perf_counter() - t0
        share = min(now / seconds, 1.0)  # where the pointer is due now
        page.mouse.move(x0 + (x1 - x0) * share, y0)
        if share >= 1.0:
            break
        # the next move: at the next tick, or at once if the move just made took past it (ticks missed are skipped)
        rest = (int(now / tick) + 1) * tick - (time.perf_counter() - t0)
        if rest > 0:
            page.wait_for_timeout(rest * 1000)
    elapsed = time.perf_counter() - t0
    page.wait_for_timeout(50)  # the last move's frame
    changes = page.evaluate("() => { window.__drag.on = false; return window.__drag.n; }")
    page.mouse.up()
    return changes, elapsed


def drag_redraws(page, handle, dx: float, seconds: float = 1.0, moves: int = 60, sig: str = DRAWN_SIG) -> tuple[int, float]:
    """Drag ``handle`` (a locator) by ``dx`` pixels over about ``seconds``, the mouse button held down.

    Returns (how many times the chart signature ``sig`` changed *before* the button was released, the
    drag's duration in seconds). A Streamlit slider gives 0 (it reruns on release); a chart animated in
    the browser gives about one change per pointer move."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return drag_path(page, x0, y0, x0 + dx, seconds=seconds, moves=moves, sig=sig)
