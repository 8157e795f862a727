"""Real browser: the vanishing page renders without error elements, a slider key press redraws
the chart, and the very first load after a fresh server start works."""
from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import (CHART_SIG, _free_port, drag_slider_watching, goto, no_errors, screenshot, start_server, stop_server, wait_for_chart_change,
                                wait_for_rerun, wait_for_router)

pytestmark = pytest.mark.e2e

def readout_text(page) -> str:
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="t=1").first.inner_text()


def radius_slider(page):
    return page.locator('[data-testid="stSlider"]').filter(has_text="Spectral radius").locator('[role="slider"], input[type="range"]').first


def test_first_load_after_fresh_server_start(page):
    """A new server, and the first request straight to a lab page (not the start page)."""
    port = _free_port()
    proc = start_server(port)
    try:
        goto(page, f"http://127.0.0.1:{port}/vanishing", timeout=180)  # a busy machine: torch loads first
        wait_for_router(page, timeout=180)
        page.wait_for_selector(".js-plotly-plot", timeout=180_000)
        assert no_errors(page) == []
        assert page.locator("h1").first.inner_text().startswith("Vanishing")
        # the request went through app.py's router: its navigation titles and the language switch
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Vanishing & exploding gradients" in sidebar and "Language" in sidebar
        assert "\napp\n" not in f"\n{sidebar}\n"
    finally:
        stop_server(proc)


def test_page_renders_and_slider_redraws(page, app_url):
    goto(page, f"{app_url}/vanishing")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(500)
    assert no_errors(page) == []
    assert page.locator(".js-plotly-plot").count() == 3
    screenshot(page, "vanishing_default")

    before = readout_text(page)
    sig = page.evaluate(CHART_SIG)
    assert sig
    slider = radius_slider(page)
    slider.focus()
    for _ in range(4):  # 0.90 -> 1.10 in steps of 0.05
        page.keyboard.press("ArrowRight")
        wait_for_rerun(page)
    wait_for_chart_change(page, sig, timeout=20)
    after = readout_text(page)
    assert after != before, "the readout did not change after the slider moved"
    assert "radius=1.1" in page.url or "vg_radius=1.1" in page.url  # the URL keeps the setting
    assert no_errors(page) == []
    screenshot(page, "vanishing_radius_1.1")


def test_url_restores_setting_and_preset_buttons(page, app_url):
    goto(page, f"{app_url}/vanishing?vg_cells=RNN&vg_cells=LSTM&vg_radius=1.5&vg_T=40")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    assert no_errors(page) == []
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "LSTM" in text and "RNN" in text
    page.get_by_role("button", name="Exploding (ρ = 1.5)").click()
    wait_for_rerun(page)
    assert "doubles every" in page.locator('[data-testid="stMain"]').inner_text()
    assert no_errors(page) == []
    screenshot(page, "vanishing_exploding_preset")


GRAD_SIG = """() => { const gd = document.querySelector('.st-key-vg_fig_grad .js-plotly-plot');
  return gd && gd.data && gd._fullLayout ? JSON.stringify(gd.data[0].y).slice(0, 400) : null; }"""


def test_drag_moves_the_chart_before_release(page, app_url):
    """While the pointer drags the radius slider the gradient chart changes several times with no
    script rerun (Streamlit reruns a slider on release only); after release the server's chart
    equals the last frame the drag showed, and the URL holds the new radius."""
    goto(page, f"{app_url}/vanishing?vg_T=40")
    page.wait_for_selector(".st-key-vg_fig_grad .js-plotly-plot", timeout=60_000)
    wait_for_rerun(page, 120)  # the radius sweep runs last in the fragment
    page.wait_for_function("() => window.__rnnvizLive !== undefined", timeout=60_000)
    during = drag_slider_watching(page, "vg_radius", GRAD_SIG, step_px=15)  # ~0.05 of radius per 12 px
    assert during["sigs"] >= 4, f"the chart changed {during['sigs'] - 1} times during the drag"
    assert during["runs"] == 0, "a script rerun started before the pointer was released"
    wait_for_rerun(page)
    assert "vg_radius=0.9" not in page.url and "vg_radius=" in page.url
    page.wait_for_function(f"() => ({GRAD_SIG})() === {json.dumps(during['last'])}", timeout=30_000)
    assert no_errors(page) == []
