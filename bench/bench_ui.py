"""Benchmark in a real browser (Debian chromium via Playwright): key press on a slider -> redrawn
chart, on the vanishing page and on a minimal one-slider page in the same run; and the cold
load of the vanishing page on a fresh server. Prints, never asserts. Target: median <= 100 ms.

    python bench/bench_ui.py [--presses 25]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    CHART_SIG, CHROMIUM, CHROMIUM_ARGS, _free_port, goto, start_server, wait_for_chart_change, wait_for_rerun)

def press_latencies(page, slider_label: str, presses: int) -> list[float]:
    """ms from key press to a redrawn first chart, for ``presses`` ArrowRight presses (every value new)."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=slider_label).locator('input[type="range"]').first
    slider.focus()
    out = []
    for _ in range(presses):
        sig = page.evaluate(CHART_SIG)
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight")
        wait_for_chart_change(page, sig)
        out.append((time.perf_counter() - t0) * 1e3)
        wait_for_rerun(page)
        slider.focus()
    return out


def load_to_first_chart(page, url: str) -> float:
    """ms from navigation to the first plotted chart."""
    t0 = time.perf_counter()
    page.goto(url)
    wait_for_chart_change(page, None, timeout=120)
    return (time.perf_counter() - t0) * 1e3


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"{name:38s} n={len(ms):3d}  median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  min {ms[0]:6.1f}  max {ms[-1]:7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=25)
    args = ap.parse_args()
    (ROOT / "screenshots").mkdir(exist_ok=True)
    port_app, port_min = _free_port(), _free_port()
    t_start = time.perf_counter()
    app = start_server(port_app)
    server_ms = (time.perf_counter() - t_start) * 1e3
    minimal = start_server(port_min, app="bench/minimal_app.py")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            cold = load_to_first_chart(page, f"http://127.0.0.1:{port_app}/vanishing")
            wait_for_rerun(page)
            page2 = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            warm = load_to_first_chart(page2, f"http://127.0.0.1:{port_app}/vanishing")
            page2.close()

            van = press_latencies(page, "Spectral radius", args.presses)
            # the same presses again: values now cached (st.cache_resource), so only the UI path remains
            slider = page.locator('[data-testid="stSlider"]').filter(has_text="Spectral radius").locator('input[type="range"]').first
            slider.focus()
            for _ in range(args.presses):
                page.keyboard.press("ArrowLeft")
                wait_for_rerun(page)
            van_cached = press_latencies(page, "Spectral radius", args.presses)

            mp = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            goto(mp, f"http://127.0.0.1:{port_min}/")
            mp.wait_for_selector(".js-plotly-plot")
            mini = press_latencies(mp, "a", args.presses)
            browser.close()
    finally:
        for p in (app, minimal):
            p.terminate()
            p.wait(10)
    print(f"server start to healthy: {server_ms:.0f} ms")
    print(f"cold load (fresh server, first browser) to first chart on /vanishing: {cold:.0f} ms")
    print(f"second load (new browser context) to first chart: {warm:.0f} ms")
    print("slider key press -> redrawn chart (ArrowRight on the radius slider):")
    print(summary("vanishing page, new values", van))
    print(summary("vanishing page, cached values", van_cached))
    print(summary("minimal one-slider page", mini))


if __name__ == "__main__":
    main()
