"""Real browser: the vanishing page renders without error elements, a slider key press redraws
the chart, and the very first load after a fresh server start works."""
from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import (CHART_SIG, DRAWN, DRAWN_MATCHES, LIVE, _free_port, drag_slider_watching, first_draw, goto, no_errors, screenshot, start_server, stop_server,
                                wait_for_chart_change, wait_for_plotly_data_change, wait_for_rerun, wait_for_router, watch_first_draw)

pytestmark = pytest.mark.e2e

def readout_text(page) -> str:
    return page.evaluate(READOUT_JS)


READOUT_JS = """() => { const el = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
  .find((e) => e.innerText.includes('t=1')); return el ? el.innerText : null; }"""


def radius_slider(page):
    """The radius control: the live range that stands in for the (hidden) Streamlit slider."""
    return page.locator(".st-key-vg_live input.rv-range").first


def live_state(page, key: str = "vg_live") -> dict | None:
    return page.evaluate(LIVE, key)


def server_radius(page) -> float:
    """The value of the bound (hidden) Streamlit slider: the server's radius."""
    return float(page.locator('.st-key-vg_radius input[type="range"]').first.get_attribute("value"))


def wait_live(page, key: str = "vg_live", timeout: float = 120.0) -> None:
    page.wait_for_function(f"() => !!({LIVE})({json.dumps(key)})", timeout=timeout * 1000)


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

    wait_live(page)
    assert not page.locator(".st-key-vg_radius").is_visible()  # the live range stands in for the slider
    before = readout_text(page)
    sig = page.evaluate(CHART_SIG)
    assert sig
    slider = radius_slider(page)
    slider.focus()
    for _ in range(4):  # 0.90 -> 1.10 in steps of 0.05: keyboard arrows move the live range
        page.keyboard.press("ArrowRight")
        wait_for_rerun(page)
    assert live_state(page)["value"] == 1.1
    wait_for_chart_change(page, sig, timeout=20)
    page.wait_for_function("() => location.search.includes('vg_radius=1.1')", timeout=30_000)  # the URL keeps it
    wait_for_rerun(page)
    assert server_radius(page) == 1.1
    page.wait_for_function(f"(b) => ({READOUT_JS})() !== b", arg=before, timeout=30_000)
    assert readout_text(page) != before, "the readout did not change after the slider moved"
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


GRAD_DRAWN = f"() => JSON.stringify(({DRAWN})('vg_fig_grad'))"
"""JS: what the gradient chart's SVG draws (its lines and markers), as JSON."""
HEAT_SIG = """() => { const gd = document.querySelector('.st-key-vg_fig_heat_RNN .js-plotly-plot');
  return gd && gd.data && gd._fullLayout ? JSON.stringify(gd.data[0].z).slice(0, 400) : null; }"""
CAUGHT_UP = f"""() => {{ const s = ({LIVE})('vg_live'); return !!s && s.drawn === s.index; }}"""


def test_drag_moves_the_chart_before_release(page, app_url):
    """While the pointer drags the live radius range the gradient chart's drawn lines change several times with
    no script rerun; after release the server's slider and the URL hold the released radius, plotly's data (given
    on release) and then the server's chart of that radius pass within a pixel of every point the drag drew last,
    and the charts below (heatmap) and the readout follow."""
    goto(page, f"{app_url}/vanishing?vg_T=40")
    page.wait_for_selector(".st-key-vg_fig_grad .js-plotly-plot", timeout=60_000)
    wait_for_rerun(page, 120)  # the radius sweep runs last in the fragment
    wait_live(page)
    heat, sentences = page.evaluate(HEAT_SIG), readout_text(page)
    during = drag_slider_watching(page, "vg_live", GRAD_DRAWN, step_px=15, caught_up=CAUGHT_UP)  # ~0.05 per 12 px
    assert during["sigs"] >= 4, f"the chart changed {during['sigs'] - 1} times during the drag"
    assert during["runs"] == 0, "a script rerun started before the pointer was released"
    released = live_state(page)["value"]
    assert released > 0.9
    drawn = json.loads(during["last"])
    # plotly holds the released radius's frame (given on release, or the server's figure of it)
    page.wait_for_function(f"(d) => ({DRAWN_MATCHES})(d) === ''", arg=["vg_fig_grad", drawn], timeout=30_000)
    page.wait_for_function(f"() => location.search.includes('vg_radius={released:g}')", timeout=60_000)
    wait_for_rerun(page)
    assert server_radius(page) == released and live_state(page)["value"] == released
    assert page.evaluate(DRAWN_MATCHES, ["vg_fig_grad", drawn]) == ""  # the server's figure of that radius
    page.wait_for_function(f"(h) => ({HEAT_SIG})() !== h", arg=heat, timeout=30_000)  # the lower charts follow
    page.wait_for_function(f"(b) => ({READOUT_JS})() !== b", arg=sentences, timeout=30_000)
    assert no_errors(page) == []


def test_preset_and_link_move_the_live_range(page, app_url):
    """The server is the source of truth: a link's radius and a preset's radius move the live range (its
    value, the readout of that radius), and the chart shows that radius."""
    goto(page, f"{app_url}/vanishing?vg_radius=1.2&vg_init=identity")
    wait_for_rerun(page, 120)
    wait_live(page)
    state = live_state(page)
    assert state["value"] == 1.2 and "γ = ‖W_hh‖₂·max|φ′| = 1.2" in state["readout"]  # W_hh = 1.2 I, tanh
    page.get_by_role("button", name="Exploding (ρ = 1.5)").click()
    wait_for_rerun(page, 120)
    page.wait_for_function(f"() => {{ const s = ({LIVE})('vg_live'); return !!s && s.value === 1.5; }}", timeout=60_000)
    assert server_radius(page) == 1.5 and "vg_radius=1.5" in page.url
    assert no_errors(page) == []


def test_chinese_live_range(page, app_url):
    """In Chinese the live range has the Chinese label and readout, and a key press moves it and the URL."""
    goto(page, f"{app_url}/vanishing?lang=中文")
    wait_for_rerun(page, 120)
    wait_live(page)
    state = live_state(page)
    assert state["label"] == "W_hh 的谱半径" and "上界（虚线）" in state["readout"]
    radius_slider(page).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('vg_radius=0.85')", timeout=60_000)
    wait_for_rerun(page)
    assert server_radius(page) == 0.85 and live_state(page)["value"] == 0.85
    page.locator(".st-key-vg_live").scroll_into_view_if_needed()
    screenshot(page, "vanishing_live_zh")
    assert no_errors(page) == []


def test_a_radius_key_is_drawn_around_plotly_then_plotly_holds_it(page, app_url):
    """A key press on the live radius range draws the gradient chart's lines at once by writing their SVG (live.js
    drawDirect, the frame's own y range set first): when the lines first change, plotly still holds the old radius's
    data; once the keys pause, plotly is given the frame: its data is the new radius's and every point of it lies on
    the lines drawn. The server hears of the radius once the keys settle: the URL then records it."""
    goto(page, f"{app_url}/vanishing?vg_T=40")
    page.wait_for_selector(".st-key-vg_fig_grad .js-plotly-plot", timeout=60_000)
    wait_for_rerun(page, 120)
    wait_live(page)
    watch_first_draw(page, "vg_fig_grad")
    start = live_state(page)["value"]
    radius_slider(page).focus()
    page.keyboard.press("ArrowRight")
    assert first_draw(page, "vg_fig_grad") == "old data", "the radius's new lines were drawn by plotly"
    wait_for_plotly_data_change(page, "vg_fig_grad")
    drawn = page.evaluate(f"({DRAWN})('vg_fig_grad')")
    assert page.evaluate(DRAWN_MATCHES, ["vg_fig_grad", drawn]) == ""
    now = live_state(page)["value"]
    assert now > start
    page.wait_for_function(f"() => location.search.includes('vg_radius={now:g}')", timeout=60_000)
    wait_for_rerun(page)
    assert server_radius(page) == now
    assert no_errors(page) == []
    screenshot(page, "vanishing_key_around_plotly")
