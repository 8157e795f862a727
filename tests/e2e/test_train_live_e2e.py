"""The train-live page in Debian Chromium: a short run starts, the loss chart grows while the page
polls the background thread, Stop freezes it; names task shows the accuracy and the name chart.
Screenshots: screenshots/train_live_*.png (1280x720)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import _free_port, goto, no_errors, screenshot, start_server, stop_server, wait_for_rerun, wait_for_router

pytestmark = pytest.mark.e2e

TITLE_STEP = """(pattern) => {
  const gds = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
  const gd = gds.find(g => g.layout && g.layout.title && new RegExp(pattern).test(g.layout.title.text || ''));
  if (!gd) return null;
  const m = (gd.layout.title.text || '').match(/(\\d+(?:\\.\\d+)?)/);
  return {title: gd.layout.title.text, n: m ? Number(m[1]) : null, traces: gd.data.length};
}"""


def _chart(page, pattern: str):
    return page.evaluate(TITLE_STEP, pattern)


def _shot(page, name: str) -> None:
    page.mouse.move(1270, 710)  # no tooltip from the last click over the picture
    page.wait_for_timeout(300)
    screenshot(page, name)


def _wait_chart(page, pattern: str, timeout: float = 30_000) -> None:
    page.wait_for_function(f"(() => ({TITLE_STEP})({pattern!r}) !== null)()", timeout=timeout)


def _loss_step(page) -> int:
    c = _chart(page, "Loss \\(step")
    return -1 if c is None else int(c["n"])


def _warm(page, app_url) -> None:
    """Open the app root once (the first-load case has its own test below)."""
    goto(page, app_url)


def test_first_load_of_train_url_after_fresh_server(browser):
    port = _free_port()
    proc = start_server(port)
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        pg = ctx.new_page()
        goto(pg, f"http://127.0.0.1:{port}/train_live", timeout=180)  # a busy machine: torch loads first
        wait_for_router(pg, timeout=180)
        pg.wait_for_selector('[data-testid="stMain"] h1', timeout=180_000)  # the page runs after the router
        not_found = pg.get_by_text("Page not found").count()
        sidebar = pg.locator('[data-testid="stSidebar"]').inner_text()
        title = pg.locator("h1").first.inner_text()
        ctx.close()
    finally:
        stop_server(proc)
    assert not_found == 0
    assert "Language" in sidebar and "Train live" in sidebar  # routed through app.py
    assert "train" in title.lower() or "Train" in title


def test_train_live_short_run_grows_the_loss_chart_and_stops(app_url, page):
    _warm(page, app_url)
    goto(page, f"{app_url}/train_live?tl_hidden=32&tl_max_steps=5000&tl_cell=GRU")
    _wait_chart(page, "Loss \\(step")
    assert no_errors(page) == []
    assert _loss_step(page) == 0
    _shot(page, "train_live_idle")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(f"(() => {{ const c = ({TITLE_STEP})('Loss \\\\(step'); return c && c.n >= 20; }})()",
                           timeout=60_000)
    first = _loss_step(page)
    # the chart grows without any user action (the fragment polls the thread): a later step is drawn
    page.wait_for_function(f"(() => {{ const c = ({TITLE_STEP})('Loss \\\\(step'); return c && c.n > {first}; }})()",
                           timeout=60_000)
    # the heatmap of per-timestep gradient norms is there and has at least one probe column
    page.wait_for_function(f"(() => {{ const c = ({TITLE_STEP})('probe batch'); return c && c.traces >= 1; }})()",
                           timeout=30_000)
    page.wait_for_timeout(1200)
    _shot(page, "train_live_running")
    assert no_errors(page) == []

    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text(re.compile(r"^stopped")).first.wait_for(timeout=10_000)
    wait_for_rerun(page)
    stopped_at = _loss_step(page)
    page.wait_for_timeout(1500)
    assert _loss_step(page) == stopped_at  # nothing moves after Stop
    assert page.get_by_role("button", name="Start", exact=True).is_enabled()
    assert page.get_by_role("button", name="Stop", exact=True).is_disabled()
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(500)
    _shot(page, "train_live_samples")
    assert no_errors(page) == []
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for_rerun(page)
    assert _loss_step(page) == 0


def test_train_live_names_task(app_url, page):
    _warm(page, app_url)
    goto(page, f"{app_url}/train_live?tl_task=Name+%E2%86%92+language&tl_hidden=32&tl_max_steps=300&tl_name=Kowalski")
    assert no_errors(page) == []
    # before training, the shipped reference model reads the typed name
    _wait_chart(page, "Kowalski")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(f"(() => {{ const c = ({TITLE_STEP})('Test accuracy: [0-9]'); return c !== null; }})()",
                           timeout=60_000)
    page.get_by_text(re.compile(r"^finished")).first.wait_for(timeout=60_000)  # 300 steps end by themselves
    wait_for_rerun(page)
    assert _loss_step(page) == 300
    _shot(page, "train_live_names")
    page.mouse.wheel(0, 1400)
    page.wait_for_timeout(500)
    _shot(page, "train_live_names_confusion")
    page.mouse.wheel(0, 600)
    _shot(page, "train_live_names_confusion_matrix")
    assert no_errors(page) == []


def _cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process and its threads, from /proc (Linux)."""
    import os

    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_rate(pid: int, seconds: float) -> float:
    """CPU seconds per second a process used over about ``seconds`` of wall time."""
    import time

    c0, t0 = _cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return (_cpu_seconds(pid) - c0) / (time.perf_counter() - t0)


def test_closing_the_tab_ends_the_training(browser):
    """The training thread watches its session in Streamlit's runtime: closing the tab stops it, so the
    server goes back to idle (its CPU use falls to a small share of what it was while training), while it
    trained at full speed before. Waits for the states (training seen, then idle), not for fixed times: on a
    busy machine the liveness check (about once a second, between steps) and the server's share of the CPU
    come later and smaller."""
    import time

    port = _free_port()
    proc = start_server(port)
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        pg = ctx.new_page()
        base = f"http://127.0.0.1:{port}"
        goto(pg, base)
        goto(pg, f"{base}/train_live?tl_max_steps=100000")
        pg.get_by_role("button", name="Start", exact=True).click()
        pg.wait_for_function(f"(() => {{ const c = ({TITLE_STEP})('Loss \\\\(step'); return c && c.n >= 20; }})()",
                             timeout=60_000)
        training = _cpu_rate(proc.pid, 2.0)  # the server's CPU use while training (CPU s per s)
        ctx.close()  # the browser tab goes away; the websocket closes
        rates, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:  # until a 2 s window shows the server idle
            rates.append(_cpu_rate(proc.pid, 2.0))
            if rates[-1] < 0.25 * training:
                break
    finally:
        proc.terminate()
        proc.wait(10)
    assert training > 0.1, f"the run did not train: {training:.2f} CPU s per s"
    assert rates[-1] < 0.25 * training, (f"server still busy 60 s after the tab closed: {[round(r, 2) for r in rates]}"
                                         f" CPU s per s, {training:.2f} while training")
