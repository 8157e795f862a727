"""Benchmark: where the time of a first load goes. Prints, never asserts.

For each page (the labs, and the minimal one-slider page bench/minimal_app.py in the same run), a fresh
server and a fresh Chromium at 1280x720 open one URL; printed in ms since navigation start:

- milestones: router drawn, app.py's CSS applied, title drawn (and its top in px when first drawn and at the end: a jump shows
  as two numbers), a chart's shipped picture drawn (rnnviz.streamlit_helpers.chart_place), first chart plotted;
- phases: the main JS bundle loaded, the websocket open, the first message from the server, the page's
  imports of torch, NumPy, pandas and plotly on the server (start..end), Streamlit's plotly chunk
  downloaded (request..end) and, where app.py's prefetch runs it, evaluated; the syntax-highlighter
  chunk (the Equations code box) if it is loaded before the first chart.

The server is ``streamlit run`` started through this file (``--serve``), which adds two logs: every
message sent to the browser, and the start and end of the watched imports (epoch ms, converted to the
page's clock with ``performance.timeOrigin``). ``--timeline`` prints every event of each load;
``--shots 1500,2500`` saves 1280x720 screenshots at those ms to screenshots/cold-<page>-<ms>.png.

    python bench/bench_cold.py [--pages hidden vanishing] [--repeats 2] [--timeline] [--shots 2000,4000]
"""
from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {  # name -> (app script, URL path)
    "minimal": ("bench/minimal_app.py", "/"),
    "stepthrough": ("app.py", "/stepthrough"),
    "vanishing": ("app.py", "/vanishing"),
    "vanishing_zh": ("app.py", "/vanishing?lang=中文"),
    "gates": ("app.py", "/gates"),
    "hidden": ("app.py", "/hidden"),
    "attention": ("app.py", "/attention"),
    "train_live": ("app.py", "/train_live"),
}
WATCHED_IMPORTS = ("torch", "numpy", "pandas", "plotly")

# ---------------------------------------------------------------------------------------------- server side


class _TimedImports(importlib.abc.MetaPathFinder):
    """Logs the start and end of the first import of each watched top-level package."""

    def __init__(self, log):
        self.log = log

    def find_spec(self, name, path, target=None):
        if name not in WATCHED_IMPORTS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run, log = spec.loader.exec_module, self.log

        def exec_module(module):
            start = time.time()
            try:
                run(module)
            finally:
                log.write(f"{start * 1e3:.0f}\timport {name}\t{(time.time() - start) * 1e3:.0f}\n")
                log.flush()
        spec.loader.exec_module = exec_module
        return spec


def serve(log_path: str, args: list[str]) -> None:
    """``streamlit run *args``, logging each message sent (epoch ms, kind, bytes) and the watched imports."""
    log = open(log_path, "w")  # noqa: SIM115
    sys.meta_path.insert(0, _TimedImports(log))
    from streamlit.web import cli
    from streamlit.web.server.starlette import starlette_websocket as W

    send = W.StarletteSessionClient.write_forward_msg

    def write_forward_msg(self, msg):
        t = time.time()
        send(self, msg)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            kind = "element " + msg.delta.new_element.WhichOneof("type")
        log.write(f"{t * 1e3:.0f}\t{kind}\t{msg.ByteSize()}\n")
        log.flush()
    W.StarletteSessionClient.write_forward_msg = write_forward_msg
    sys.argv = ["streamlit", "run", *args]
    sys.exit(cli.main())

# ---------------------------------------------------------------------------------------------- browser side


# Runs in the page before Streamlit: records milestones (rAF polling) and websocket messages, page clock.
INIT_JS = r"""
window.__cold = [];
const mark = (name, extra) => window.__cold.push([name, Math.round(performance.now()), extra || '']);
const WS = window.WebSocket;
window.WebSocket = function (...a) {
  const ws = new WS(...a);
  ws.addEventListener('open', () => mark('websocket open'));
  ws.addEventListener('message', () => { if (!ws.__first) { ws.__first = 1; mark('first message'); } });
  return ws;
};
window.WebSocket.prototype = WS.prototype; Object.assign(window.WebSocket, WS);
const title = () => document.querySelector('[data-testid="stMain"] h1');
const checks = {
  'router drawn': () => document.querySelector('[data-testid="stSidebarNav"], [data-testid="stSidebarNavItems"]'),
  'title drawn': title,
  'first chart plotted': () => [...document.querySelectorAll('.js-plotly-plot')].some(g => g._fullLayout),
  // a chart's shipped picture (rnnviz.streamlit_helpers.chart_place), loaded and laid out
  'app CSS applied': () => { const c = document.querySelector('style.rv-css'); return c && c.sheet; },
  'first picture drawn': () => [...document.querySelectorAll("[class*='st-key-rv_place_'] img")]
    .some(i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 0),
};
const seen = {}; let top = null, place = null;
const poll = () => {
  for (const [k, f] of Object.entries(checks)) if (!seen[k] && f()) { seen[k] = 1; mark(k); }
  const h = title();
  if (h) { const y = Math.round(h.getBoundingClientRect().top); if (y !== top) { top = y; mark('title top', y + ' px'); } }
  const p = document.querySelector("[class*='st-key-rv_place_']");  // the first chart's place: top and height
  if (p) { const r = p.getBoundingClientRect(), b = Math.round(r.top) + ' px, ' + Math.round(r.height) + ' px high';
           if (b !== place) { place = b; mark('chart place', b); } }
  if (performance.now() < 60000) requestAnimationFrame(poll);
};
requestAnimationFrame(poll);
let prefetch;  // app.py's prefetch (rnnviz.streamlit_helpers.prefetch_plotly) stores its import() here
Object.defineProperty(window, '__rnnvizPlotly', {configurable: true, get() { return prefetch; }, set(v) {
  prefetch = v; if (v && v.then) v.then(() => mark('plotly chunk evaluated (prefetch)')); }});
"""
CHART_PLOTTED = "() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g._fullLayout)"
RESOURCES_JS = """() => performance.getEntriesByType('resource').map(e =>
    [e.name.split('/').pop().split('?')[0], Math.round(e.startTime), Math.round(e.responseEnd), e.decodedBodySize])"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app: str, log_path: str) -> tuple[subprocess.Popen, int]:
    """A fresh server for ``app`` (through :func:`serve`); returns it and its port once healthy."""
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", log_path, "--", app, "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server for {app} did not start")


def cold_load(pw, name: str, shots: list[int]) -> list[tuple[int, str, str]]:
    """One cold load of page ``name``: its events as (ms since navigation, event, detail), sorted."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    app, path = PAGES[name]
    with tempfile.NamedTemporaryFile(prefix=f"cold-{name}-", suffix=".log", delete=False) as f:
        log_path = f.name
    proc, port = start(app, log_path)
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1).new_page()
        page.context.add_init_script(INIT_JS)
        t0 = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}{path}", timeout=120_000, wait_until="commit")
        for ms in shots:
            time.sleep(max(0.0, ms / 1e3 - (time.perf_counter() - t0)))
            (ROOT / "screenshots").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "screenshots" / f"cold-{name}-{ms}.png"))
        page.wait_for_function(CHART_PLOTTED, timeout=180_000, polling=20)
        page.wait_for_timeout(500)  # a late title move or chunk shows in the timeline
        events = [(ms, what, detail) for what, ms, detail in page.evaluate("() => window.__cold")]
        origin = page.evaluate("() => performance.timeOrigin")
        for file, begin, end, size in page.evaluate(RESOURCES_JS):
            if file.startswith("index.") and file.endswith(".js") and size > 100_000:
                events.append((end, "main JS bundle loaded", f"{size // 1000} kB"))
            elif file.startswith("PlotlyChart."):
                events += [(begin, "plotly chunk requested", ""), (end, "plotly chunk downloaded", f"{size // 1000} kB")]
            elif size > 500_000 and file.endswith(".js"):
                events.append((end, f"{file.split('.')[0]} chunk downloaded", f"{size // 1000} kB"))
        browser.close()
    finally:
        proc.terminate()
        proc.wait(20)
    sent = 0
    for line in Path(log_path).read_text().splitlines():
        ms, what, n = line.split("\t")
        at = round(float(ms) - origin)
        if what.startswith("import ") and at >= 0:  # (streamlit itself imports plotly's top package at start)
            events += [(at, f"{what} started", ""), (at + int(n), f"{what} done", f"{int(n)} ms")]
        elif at >= 0:
            sent += 1
            if sent == 1 or "plotly_chart" in what:
                events.append((at, f"server sent {what}", f"{int(n) // 1000} kB"))
    os.unlink(log_path)
    return sorted(events, key=lambda e: e[0])


def first(events, name: str) -> int | None:
    return next((ms for ms, what, _ in events if what == name), None)


def summary(events) -> dict[str, str]:
    """The row of one load: milestones, and phases as start..end."""
    def at(name):
        ms = first(events, name)
        return "-" if ms is None else f"{ms / 1e3:.2f}"

    def span(a, b):
        x, y = first(events, a), first(events, b)
        return "-" if x is None or y is None else f"{x / 1e3:.1f}..{y / 1e3:.1f}"
    tops = [d for _, what, d in events if what == "title top"]
    places = [d for _, what, d in events if what == "chart place"]  # its top: a move shows as two numbers
    return {"router": at("router drawn"), "title": at("title drawn"), "chart sent": at("server sent element plotly_chart"),
            "picture": at("first picture drawn"), "chart": at("first chart plotted"),
            "bundle": at("main JS bundle loaded"), "ws": at("websocket open"),
            "torch": span("import torch started", "import torch done"),
            "plotly chunk": span("plotly chunk requested", "plotly chunk downloaded"),
            "evaluated": at("plotly chunk evaluated (prefetch)"),
            "title top px": "->".join(t.split()[0] for t in (tops[:1] + tops[-1:] if len(tops) > 1 else tops)) or "-",
            "chart top px": "->".join(t.split()[0] for t in (places[:1] + places[-1:] if len(places) > 1 else places)) or "-"}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":  # the server side of a load (see start)
        serve(sys.argv[2], sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", nargs="+", default=[p for p in PAGES if p not in ("minimal", "vanishing_zh")], choices=list(PAGES))
    ap.add_argument("--repeats", type=int, default=1, help="cold loads per page (medians printed)")
    ap.add_argument("--timeline", action="store_true", help="print every event of every load")
    ap.add_argument("--shots", default="", help="ms after navigation for 1280x720 screenshots, e.g. 1500,2500")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    shots = [int(s) for s in args.shots.split(",") if s]
    names = ["minimal"] + [p for p in args.pages if p != "minimal"]
    rows, charts, shown = [], {}, {}
    with sync_playwright() as pw:
        for rep in range(args.repeats):
            for name in names:
                load = os.getloadavg()[0]
                events = cold_load(pw, name, shots)
                rows.append((name, load, summary(events)))
                charts.setdefault(name, []).append(first(events, "first chart plotted"))
                shown.setdefault(name, []).append(min(t for t in (first(events, "first picture drawn"),
                                                                  first(events, "first chart plotted")) if t is not None))
                if args.timeline:
                    print(f"\n{name} (run {rep + 1}, load {load:.1f}):")
                    for ms, what, detail in events:
                        print(f"  {ms:6d}  {what:34s} {detail}")
    cols = ["router", "title", "chart sent", "picture", "chart", "bundle", "ws", "torch", "plotly chunk", "evaluated", "title top px",
            "chart top px"]
    print(f"\ncold loads, s since navigation (load = 1-min load average before the load)\n{'page':12s} {'load':>4s} "
          + " ".join(f"{c:>12s}" for c in cols))
    for name, load, row in rows:
        print(f"{name:12s} {load:4.1f} " + " ".join(f"{row[c]:>12s}" for c in cols))
    base = statistics.median(charts["minimal"])
    print("\nfirst chart plotted, median: " + ", ".join(
        f"{n} {statistics.median(v) / 1e3:.2f} s ({statistics.median(v) / base:.2f}x)" for n, v in charts.items()))
    print("first chart shown (its picture, or the chart if plotted first), median: " + ", ".join(
        f"{n} {statistics.median(v) / 1e3:.2f} s ({statistics.median(v) / base:.2f}x)" for n, v in shown.items()))


if __name__ == "__main__":
    main()
