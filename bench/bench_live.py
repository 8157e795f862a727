"""Benchmark of the in-browser charts (rnnviz/assets/live/) in Debian chromium via Playwright,
next to the minimal one-slider page (bench/minimal_app.py) measured in the same run. Prints, never
asserts. Targets (issue 9): key -> redrawn median <= 100 ms and <= 0.55x the minimal page, p95 <= 200 ms;
>= 30 chart updates per second during a one-second drag.

    python bench/bench_live.py [--presses 20]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.bench_ui import press_latencies, summary  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, goto, start_server, wait_for_rerun  # noqa: E402

TITLE = """() => { const gd = document.querySelector('.st-key-st_fig_diagram .js-plotly-plot');
  return gd && gd.layout && gd.layout.title ? gd.layout.title.text : null; }"""


def click_latencies(page, name: str, back: str, presses: int) -> list[float]:
    """ms from a click on ``name`` to a changed diagram title (then ``back`` restores the step)."""
    out = []
    for k in range(presses):
        button = name if k % 2 == 0 else back
        before = page.evaluate(TITLE)
        t0 = time.perf_counter()
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_function(f"() => ({TITLE})() !== {before!r}", polling="raf", timeout=60_000)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def drag_rate(page, seconds: float = 1.0, span_px: float = 400) -> tuple[int, int, float]:
    """Drag the radius thumb by ``span_px`` over ``seconds``: (frames applied, distinct drawn curves, s)."""
    page.evaluate("""() => { window.__sigs = new Set(); window.__stop = false;
      (function poll() { const gd = document.querySelector('.st-key-vg_fig_grad .js-plotly-plot');
        if (gd && gd.data) window.__sigs.add(JSON.stringify(gd.data[0].y).slice(0, 300));
        if (!window.__stop) requestAnimationFrame(poll); })(); }""")
    box = page.locator('.st-key-vg_radius [data-testid="stSliderThumbValue"]').locator("..").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    before = page.evaluate("() => (window.__rnnvizLive.updates.vg_fig_grad || 0)")
    page.mouse.down()
    t0 = time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < seconds:
        k += 1
        page.mouse.move(x + span_px * min(1.0, (time.perf_counter() - t0) / seconds), y)
    elapsed = time.perf_counter() - t0
    n = page.evaluate("() => (window.__rnnvizLive.updates.vg_fig_grad || 0)") - before
    distinct = page.evaluate("() => { window.__stop = true; return window.__sigs.size; }")
    page.mouse.up()
    wait_for_rerun(page, 120)
    return n, distinct, elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=20)
    args = ap.parse_args()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    port_app, port_min = _free_port(), _free_port()
    app, minimal = start_server(port_app), start_server(port_min, app="bench/minimal_app.py")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            page = ctx.new_page()
            goto(page, f"http://127.0.0.1:{port_app}/vanishing", 180)
            page.wait_for_function("() => window.__rnnvizLive !== undefined", timeout=180_000)
            wait_for_rerun(page, 180)
            van = press_latencies(page, "vg_radius", args.presses)
            drags = [drag_rate(page) for _ in range(3)]

            sp = ctx.new_page()
            goto(sp, f"http://127.0.0.1:{port_app}/stepthrough?st_word=handled", 180)
            sp.get_by_role("button", name="Next ▶").wait_for(timeout=180_000)
            wait_for_rerun(sp, 180)
            step = click_latencies(sp, "Next ▶", "◀ Back", args.presses)

            mp = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            goto(mp, f"http://127.0.0.1:{port_min}/", 180)
            mp.wait_for_selector(".js-plotly-plot")
            mini = press_latencies(mp, "a", args.presses)
            browser.close()
    finally:
        for p in (app, minimal):
            p.terminate()
            p.wait(10)
    print("key press / click -> redrawn chart:")
    print(summary("vanishing radius (ArrowRight)", van))
    print(summary("step-through Next/Back (client-side)", step))
    print(summary("minimal one-slider page (same run)", mini))
    for n, distinct, s in drags:
        print(f"vanishing drag: {n} frames applied, {distinct} distinct curves drawn in {s:.2f} s "
              f"= {n / s:.0f} updates/s")


if __name__ == "__main__":
    main()
