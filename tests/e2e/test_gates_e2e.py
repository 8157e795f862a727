"""Real browser: the gates page renders every chart without error elements, the forget-bias
slider redraws the bias chart and the URL keeps it, typed markup is refused (never rendered or
executed), and a URL restores a setting.

Streamlit 1.67 stores a bound selectbox/radio in the URL by its *displayed label* (after
``format_func``), so the URLs below use the English labels."""
from __future__ import annotations

import pytest

from urllib.parse import urlencode

from tests.e2e.conftest import goto, no_errors, screenshot, wait_for_rerun

pytestmark = pytest.mark.e2e

MAIN = '[data-testid="stMain"]'


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def test_page_renders_and_bias_slider_redraws(page, app_url):
    goto(page, f"{app_url}/gates")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=60_000)
    page.wait_for_timeout(800)
    assert no_errors(page) == []
    assert page.locator('[data-testid="stAlert"]').filter(has_text="Cannot show").count() == 0
    assert page.locator(".js-plotly-plot").count() == 5  # heatmaps, unit, path, bias, recall curve
    text = main_text(page)
    assert "The model answers" in text and "Memory horizon" in text
    screenshot(page, "gates_default")
    page.locator("h3").filter(has_text="Forget-gate bias").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "gates_bias_section")

    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Forget-gate bias").locator(
        '[role="slider"], input[type="range"]').first
    slider.focus()
    for _ in range(4):  # 0.0 -> -2.0 in steps of 0.5
        page.keyboard.press("ArrowLeft")
        wait_for_rerun(page)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]').innerText.includes('Δ = -2.0')", timeout=30_000)
    assert "gt_fbias=-2" in page.url
    assert no_errors(page) == []
    page.locator("h3").filter(has_text="Forget-gate bias").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "gates_bias_minus2")


def test_typed_markup_is_refused_and_never_rendered(page, app_url):
    goto(page, f"{app_url}/gates?" + urlencode({"gt_task": "Sonnets (char language model)", "gt_source": "My own text"}))
    box = page.locator('[data-testid="stTextArea"] textarea').first
    for evil in ('<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"):
        box.fill(evil)
        box.press("Control+Enter")
        wait_for_rerun(page)
        page.wait_for_selector('[data-testid="stAlert"]', timeout=30_000)
        alert = page.locator('[data-testid="stAlert"]').first.inner_text()
        assert "does not know" in alert and "`<`" in alert  # the character, quoted as code (rnnviz.text.quote)
        assert page.evaluate("() => window.__xss === undefined")
        assert page.locator(f'{MAIN} img[src="x"]').count() == 0
    assert no_errors(page) == []
    box.fill("Shall I compare thee to a summer's day?")
    box.press("Control+Enter")
    wait_for_rerun(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
    assert "Most likely next characters" in main_text(page)
    assert no_errors(page) == []
    page.locator("h3").filter(has_text="coloured by the unit").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "gates_colored_text")


def test_url_restores_gru_depth_model(page, app_url):
    goto(page, f"{app_url}/gates?" + urlencode({"gt_task": "Bracket depth", "gt_cell": "GRU", "gt_unit": 3, "gt_seed": 7}))
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(500)
    assert no_errors(page) == []
    text = main_text(page)
    assert "r: reset gate" in text and "z: update gate" in text and "Unit 3" in text
    assert "Depth predicted correctly" in text
    screenshot(page, "gates_depth_gru")
