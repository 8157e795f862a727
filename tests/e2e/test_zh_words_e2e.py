"""Real browser, ``?lang=中文``: the words drawn by plotly.js and Streamlit themselves (not by the app's
catalog) are Chinese too: the modebar's tooltips of every chart (plotly.js reads them from the chart's
locale, rnnviz.i18n.plotly_words) and Streamlit's "Fullscreen" button (app.py's CSS, sh.plotly_css)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import SHOTS, goto, wait_for_router

pytestmark = pytest.mark.e2e
T = 120  # seconds: the shared test machine is slow

MODEBAR = """() => [...document.querySelectorAll('.js-plotly-plot')].filter((gd) => gd._fullLayout
    && gd.querySelectorAll('.modebar-btn').length).map((gd) => [...gd.querySelectorAll('.modebar-btn')].map((b) => {
  const after = getComputedStyle(b, '::after');
  return [b.getAttribute('data-title'), after.content, after.fontFamily]; }))"""
"""JS: for each plotted chart, each modebar button's title, the text its tooltip draws (CSS ::after) and its font."""
STYLED = """() => [...document.querySelectorAll('style.rv-css')].some((s) => s.textContent.includes('.modebar-btn'))"""
"""JS: app.py's style sheet (with sh.plotly_css) is in the page (drawn once Streamlit has loaded its markdown chunk)."""


def wait_for_modebar(page) -> list:
    """Wait until app.py's style sheet is in the page and a chart is plotted; its modebars (MODEBAR)."""
    page.wait_for_function(STYLED, timeout=T * 1000)
    page.wait_for_function(f"() => ({MODEBAR})().length > 0", timeout=T * 1000)
    return page.evaluate(MODEBAR)


def test_the_modebar_speaks_the_page_language(page, app_url):
    goto(page, f"{app_url}/vanishing?lang=中文", T)
    wait_for_router(page, T)
    charts = wait_for_modebar(page)
    for buttons in charts:
        titles = [title for title, _, _ in buttons]
        assert {"下载图表（PNG）", "缩放", "平移", "自动缩放", "重置坐标轴"} <= set(titles), titles
        for title, drawn, font in buttons:
            assert drawn.strip('"') == ("全屏" if title == "Fullscreen" else title), (title, drawn)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in drawn), (title, drawn)  # no English tooltip
            assert "rnnviz-cjk" in font, font  # drawn with the app's Chinese font when the machine has none
    page.hover(".js-plotly-plot")
    page.locator(".js-plotly-plot .modebar-btn[data-title='缩放']").first.hover()
    page.screenshot(path=str(SHOTS / "modebar_zh.png"), timeout=T * 1000)
    goto(page, f"{app_url}/vanishing", T)
    wait_for_router(page, T)
    buttons = wait_for_modebar(page)[0]
    titles = [title for title, _, _ in buttons]
    assert {"Download plot as a PNG", "Zoom", "Pan", "Autoscale", "Reset axes", "Fullscreen"} <= set(titles), titles
    assert all(drawn.strip('"') == title for title, drawn, _ in buttons)
