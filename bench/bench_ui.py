"""Benchmark in a real browser (Debian chromium via Playwright). Prints, never asserts.

Per lab, with the minimal one-slider page (bench/minimal_app.py) measured in the same run as the baseline:

- main control: key press on its slider -> every chart redrawn (median, p95), on a warm server, twice: as
  Playwright sees it (from sending the key to its once-a-frame poll seeing the change, its round trips to the
  browser included) and in the page (the key event's own timestamp to the end of the frame that paints the
  changed chart, PAINT_CLOCK_INIT), which is what a person at the keyboard waits for;
- drag: chart updates per second while a control a lecturer sweeps (DRAGGED: the vanishing lab's spectral radius,
  the gates lab's forget-gate bias Δ on its own row "gates drag"; the minimal page's Streamlit slider as the
  baseline) is dragged, the button held, for one second of wall time (tests/e2e/conftest.py drag_path paces the
  pointer by the clock): a live range over its whole track, a Streamlit slider from its thumb to the far end
  (thumb_and_track), with the number of slider values the drag crossed (at most one update each). What is counted: the changes of the scatter and bar geometry every chart's SVG
  draws (each line's ``d``, each marker's ``transform``, each bar's ``d`` and fill: tests/e2e/conftest.py DRAWN_SIG), seen on the page's
  animation frames before the button is released: what is painted, not plotly's data (the live range draws a
  drag around plotly and gives plotly the frame later). A step or choice control (step-through, attention,
  hidden, the gates unit) is not dragged: n/a;
- cold load: a fresh server, the first browser, navigation -> the first chart plotted;

and a burst: a fresh server, 20 browser contexts opening different deep links (both languages) at the
same moment, with the count of sessions that failed (no router, an exception, a file-name navigation drawn,
the wrong language). Targets (issue 9): median <= 100 ms and <= 0.55x the minimal page, p95 <= 200 ms,
>= 30 updates/s during a drag, cold load <= 2.5 s, 0 failed sessions.

    python bench/bench_ui.py [--presses 25] [--labs vanishing gates] [--burst 20] [--no-cold]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    ALL_CHARTS_SIG, CHROMIUM, CHROMIUM_ARGS, DRAWN_SIG, _free_port, drag_path, drag_redraws, goto, open_burst, session_problems,
    start_server, stop_server, wait_for_chart_change, wait_for_rerun)

VIEW = {"width": 1280, "height": 720}
# lab -> (URL path, widget key of its main control). The control is found by its key (st-key-<key>),
# so the figures do not depend on the language or on a label's wording.
LABS = {
    "vanishing": ("/vanishing", "vg_live"),  # the live range in place of the radius slider (drawn in the browser)
    "stepthrough": ("/stepthrough", "st_step"),  # a live component: the step is chosen in the browser
    "gates": ("/gates", "gt_select"),  # a live component: unit (its first range), step, colouring in the browser
    "attention": ("/attention", "att_step_live"),  # a live component in the "Step through decoding" tab
    "hidden": ("/hidden", "hd_select"),  # a live component: the neuron explorer's unit, chosen in the browser
    "train_live": ("/train_live", None),
}
MINIMAL = ("/", "a")
# lab -> key of a second control whose drag a live component draws (a live range in place of a Streamlit slider,
# live.js range mode): its drag rate is measured too, on its own row (the gates page's forget-gate bias Δ)
SECOND_DRAG = {"gates": "gt_bias_live"}
# the labs whose main control is dragged (a sweep over many values): the drag column of the others is n/a
DRAGGED = {"vanishing"}
BURST_PATHS = ["/gates?lang=中文", "/stepthrough", "/attention", "/vanishing", "/train_live", "/",
               "/vanishing?lang=中文", "/gates", "/attention?lang=中文", "/stepthrough?lang=中文", "/train_live?lang=中文",
               "/home", "/hidden", "/hidden?lang=中文"]
PLOTLY_GRIP = ".js-plotly-plot .slider-grip-rect"


# In-page clock of a key press (installed before the page's own scripts): the key event's timestamp to the end of
# the browser frame that first paints the changed chart, read in the page, so Playwright's round trips (its key
# dispatch, its polling) are not counted. A change is a new PRESS_SIG, checked when the page's DOM changes
# (MutationObserver: a microtask right after the code that changed it). Where the change was made decides the
# frame that paints it: made inside an animation-frame callback (live.js draws in one), this frame paints it; made
# in any other task (plotly drawing a server reply), the next frame does. requestAnimationFrame is wrapped to know
# which: a callback sets `inFrame` while it and its microtasks run. The frame has painted once a task posted from its last callback
# runs (style, layout and paint run in the same task as the callbacks, before any later task).
PAINT_CLOCK_INIT = """(() => {
  const clock = window.__rvPress = { t0: null, t1: null, sig: null, armed: false, fn: null };
  let inFrame = false;
  const raf = window.requestAnimationFrame.bind(window);
  // the observer's callback is a microtask queued at the callback's first change, so it runs before this reset
  window.requestAnimationFrame = (cb) => raf((ts) => { inFrame = true;
    try { cb(ts); } finally { queueMicrotask(() => { inFrame = false; }); } });
  const afterPaint = () => { const ch = new MessageChannel();
    ch.port1.onmessage = () => { if (clock.t1 === null) clock.t1 = performance.now(); }; ch.port2.postMessage(0); };
  const check = () => {
    if (!clock.armed || clock.t0 === null || clock.t1 !== null) return;
    const s = clock.fn();
    if (s === null || s === clock.sig) return;
    clock.armed = false;
    if (inFrame) afterPaint(); else raf(() => afterPaint());
  };
  window.addEventListener("keydown", (e) => { if (clock.armed && clock.t0 === null) clock.t0 = e.timeStamp; }, true);
  const start = () => new MutationObserver(check).observe(document.documentElement,
    { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.documentElement) start(); else document.addEventListener("DOMContentLoaded", start);
  clock.arm = (fn) => { clock.fn = fn; clock.sig = fn(); clock.t0 = null; clock.t1 = null; clock.armed = true; };
})();"""


def new_page(browser):
    context = browser.new_context(viewport=VIEW, device_scale_factor=1)
    context.add_init_script(PAINT_CLOCK_INIT)
    return context.new_page()


def slider_input(page, key: str):
    """The range input of the control with widget key ``key``: a Streamlit slider's (visually hidden)
    input, or the range of a live component (rnnviz/assets/live/, chosen in the browser)."""
    return page.locator(f'.st-key-{key} [data-testid="stSlider"] input[type="range"], .st-key-{key} input.rv-range').first


def is_live(page, key: str) -> bool:
    """Whether ``key`` is a live component (its choice is drawn in the browser, the server told later)."""
    return page.locator(f".st-key-{key} input.rv-range").count() > 0


def reveal(page, key: str) -> None:
    """Open the tab that holds the control ``key`` if it sits in a hidden tab (the attention lab's step):
    Streamlit draws only the open tab's panel as a tab panel, so try the tabs in turn until it shows."""
    control = page.locator(f".st-key-{key}").first
    if not control.count() or control.is_visible():
        return
    tabs = page.locator('[data-testid="stTabs"]').filter(has=page.locator(f".st-key-{key}")).last
    for tab in tabs.locator('[role="tab"]').all():
        tab.click()
        wait_for_rerun(page)
        if control.is_visible():
            return
    print(f"  {key}: no tab shows it", file=sys.stderr)


PRESS_SIG = f"() => {{ const a = ({ALL_CHARTS_SIG})(); return a === null ? null : a + '|' + ({DRAWN_SIG})(); }}"
"""JS: what a key press changes: plotly's data or drawing of any chart, or the SVG geometry drawn around plotly
(live.js drawDirect: the gates page's unit choice moves a chart's lines before plotly is given them)."""


def press_latencies(page, key: str, presses: int) -> tuple[list[float], list[float]]:
    """Two lists of ms per arrow key press on the slider ``key``, to a change of what the charts draw: as
    Playwright sees it (from sending the key to its poll, once an animation frame, seeing the change: its
    round trips included), and in the page (PAINT_CLOCK_INIT: the key event's timestamp to the end of the
    frame that paints the change). The direction turns at the slider's ends, so every press moves it."""
    out, inpage, direction = [], [], "ArrowRight"
    live = is_live(page, key)
    for _ in range(presses):
        now, lo, hi = slider_input(page, key).evaluate("e => [Number(e.value), Number(e.min), Number(e.max)]")
        direction = "ArrowLeft" if now >= hi else "ArrowRight" if now <= lo else direction
        slider_input(page, key).focus()
        sig = page.evaluate(PRESS_SIG)
        page.evaluate(f"() => window.__rvPress.arm({PRESS_SIG})")
        t0 = time.perf_counter()
        page.keyboard.press(direction)
        wait_for_chart_change(page, sig, sig=PRESS_SIG)
        out.append((time.perf_counter() - t0) * 1e3)
        page.wait_for_function("() => window.__rvPress.t1 !== null", timeout=30_000)
        t_key, t_paint = page.evaluate("() => [window.__rvPress.t0, window.__rvPress.t1]")
        inpage.append(t_paint - t_key if t_key is not None else float("nan"))
        if live:  # the choice reaches the server once it settles (live.js settle_ms): let that run end
            page.wait_for_timeout(1000)
        wait_for_rerun(page)
    return out, inpage


def thumb_and_track(page, key: str) -> tuple[float, float, float, int]:
    """(x where the drag starts, y, x where it ends, slider values between them) of the control ``key``.

    A live range (an <input type=range>, whose thumb sits at value's share of its width) is swept over its whole
    track, as a lecturer sweeps it from one end to the other: pressed at the end of the track nearer its thumb (the
    thumb jumps there), dragged to the other end, so every row crosses all its values whatever earlier key presses
    left it at. A Streamlit slider (its thumb: the parent of its value label) is dragged from its thumb to the far
    end of its track."""
    now, lo, hi, step = slider_input(page, key).evaluate(
        "e => [Number(e.value), Number(e.min), Number(e.max), Number(e.step) || 1]")
    if is_live(page, key):
        box = slider_input(page, key).bounding_box()
        pad = 9  # half the thumb (18 px, rnnviz.streamlit_helpers._LIVE_CSS): its centre runs from pad to width - pad
        left, right, y = box["x"] + pad, box["x"] + box["width"] - pad, box["y"] + box["height"] / 2
        from_left = now - lo <= hi - now
        return (left, y, right + 4, round((hi - lo) / step)) if from_left else (right, y, left - 4, round((hi - lo) / step))
    thumb = page.locator(f'.st-key-{key} [data-testid="stSliderThumbValue"]').first.locator("..").bounding_box()
    track = page.locator(f'.st-key-{key} [data-testid="stSlider"]').first.bounding_box()
    x, y = thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2
    left, right = track["x"] + thumb["width"] / 2, track["x"] + track["width"] - thumb["width"] / 2
    to_right = right - x >= x - left
    values = round((hi - now if to_right else now - lo) / step)
    return x, y, (right + 4 if to_right else left - 4), values


def drag_rate(page, key: str | None) -> tuple[float, str, int] | None:
    """Chart updates per second during a one-second drag of the lab's control (thumb_and_track: a live range over
    its whole track), as a lecturer sweeps it (None if it has none), what was dragged, and how many slider values
    the drag crossed (at most one update each: fewer than 30 values cannot give 30 updates/s)."""
    grip = page.locator(PLOTLY_GRIP)
    if grip.count():
        changes, seconds = drag_redraws(page, grip.first, dx=120, seconds=1.0, sig=DRAWN_SIG)
        wait_for_rerun(page)
        return changes / seconds, "plotly slider", 0
    if not key or not slider_input(page, key).count():
        return None
    what = "live range" if is_live(page, key) else "Streamlit slider"
    page.locator(f".st-key-{key}").first.scroll_into_view_if_needed()
    x, y, end, values = thumb_and_track(page, key)
    changes, seconds = drag_path(page, x, y, end, seconds=1.0, sig=DRAWN_SIG)
    wait_for_rerun(page)
    return changes / seconds, what, values


def load_to_first_chart(page, url: str) -> float:
    """ms from navigation to the first plotted chart."""
    t0 = time.perf_counter()
    page.goto(url, timeout=120_000)
    wait_for_chart_change(page, None, timeout=180)
    return (time.perf_counter() - t0) * 1e3


def cold_load(browser, path: str, app: str = "app.py") -> float:
    port = _free_port()
    proc = start_server(port, app=app)
    try:
        page = new_page(browser)
        ms = load_to_first_chart(page, f"http://127.0.0.1:{port}{path}")
        page.context.close()
        return ms
    finally:
        stop_server(proc)


def burst(browser, n: int) -> tuple[int, float, dict]:
    port = _free_port()
    proc = start_server(port)
    urls = [f"http://127.0.0.1:{port}{BURST_PATHS[i % len(BURST_PATHS)]}" for i in range(n)]
    try:
        t0 = time.perf_counter()
        pages = open_burst(browser, urls)
        problems = {f"{i}:{url.split(str(port))[1]}": session_problems(pg, url, timeout=600) for i, (pg, url) in enumerate(zip(pages, urls))}
        seconds = time.perf_counter() - t0
        for pg in pages:
            pg.context.close()
    finally:
        stop_server(proc)
    failed = {k: v for k, v in problems.items() if v}
    return len(failed), seconds, failed


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):6.0f} ms  p95 {p95:6.0f} ms  (n={len(ms)}, min {ms[0]:.0f}, max {ms[-1]:.0f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=25)
    ap.add_argument("--labs", nargs="+", default=list(LABS), choices=list(LABS))
    ap.add_argument("--burst", type=int, default=20, help="sessions in the fresh-server burst (0: skip)")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold loads (one fresh server per lab)")
    args = ap.parse_args()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    lines = [f"bench_ui: {time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"]
    port_app, port_min = _free_port(), _free_port()
    app, minimal = start_server(port_app), start_server(port_min, app="bench/minimal_app.py")
    rows = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = new_page(browser)
            goto(page, f"http://127.0.0.1:{port_min}{MINIMAL[0]}")
            page.wait_for_selector(".js-plotly-plot")
            press, inpage = press_latencies(page, MINIMAL[1], args.presses)
            rows["minimal page"] = {"press": press, "inpage": inpage, "drag": drag_rate(page, MINIMAL[1])}
            page.context.close()
            for lab in args.labs:
                path, key = LABS[lab]
                print(f"measuring {lab} ...", file=sys.stderr, flush=True)
                page = new_page(browser)
                goto(page, f"http://127.0.0.1:{port_app}{path}", timeout=180)
                wait_for_chart_change(page, None, timeout=180)
                row = rows[lab] = {}
                if key:  # a live component is drawn last, after the charts (its data is built then)
                    page.locator(f".st-key-{key}").first.wait_for(state="attached", timeout=180_000)
                    wait_for_rerun(page, 180)
                    # the control itself: a live component draws its own once its data has arrived
                    slider_input(page, key).wait_for(state="attached", timeout=180_000)
                    reveal(page, key)
                if key and slider_input(page, key).count():
                    row["press"], row["inpage"] = press_latencies(page, key, args.presses)
                row["drag"] = drag_rate(page, key) if lab in DRAGGED else None
                if lab in SECOND_DRAG:  # after the main control, on a settled page
                    rows[f"{lab} drag"] = {"drag": drag_rate(page, SECOND_DRAG[lab])}
                page.context.close()
            if not args.no_cold:
                rows["minimal page"]["cold"] = cold_load(browser, MINIMAL[0], app="bench/minimal_app.py")
                for lab in args.labs:
                    rows[lab]["cold"] = cold_load(browser, LABS[lab][0])
            burst_result = burst(browser, args.burst) if args.burst else None
            browser.close()
    finally:
        for p in (app, minimal):
            stop_server(p)
    base = statistics.median(rows["minimal page"]["press"])
    base_in = statistics.median(rows["minimal page"]["inpage"])
    lines.append(f"{'':13s} {'key press -> charts redrawn, as Playwright sees it':54s} {'x minimal':>9s}  "
                 f"{'drag':>22s}  {'cold load':>9s}")
    lines.append(f"{'':13s} {'  in the page: key event -> frame painted':54s} {'x minimal':>9s}")
    for name, row in rows.items():
        press = summary(name, row["press"]) if row.get("press") else "no slider control (n/a)"
        ratio = f"{statistics.median(row['press']) / base:8.2f}x" if row.get("press") else f"{'':9s}"
        drag = row.get("drag")
        drag_s = f"{drag[0]:5.1f}/s {drag[1]:>16s} ({drag[2]} values)" if drag else f"{'n/a':>22s}"
        cold = f"{row['cold'] / 1e3:7.2f} s" if "cold" in row else f"{'':9s}"
        lines.append(f"{name:13s} {press:54s} {ratio}  {drag_s}  {cold}")
        if row.get("inpage"):
            lines.append(f"{'':13s}   {summary(name, row['inpage']):52s} "
                         f"{statistics.median(row['inpage']) / base_in:8.2f}x")
    if burst_result:
        failed, seconds, details = burst_result
        lines.append(f"burst: {args.burst} deep links on a fresh server at once: {failed} failed; all ready after {seconds:.1f} s")
        lines += [f"  {k}: {v}" for k, v in details.items()]
    lines.append(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
