"""Real browser: the browser's Back and Forward reopen a lab page with the settings it had, in English and Chinese.

Streamlit 1.67, on a page change by a sidebar link, sent the new page's query string (the old page's bound params
removed) while the URL was still the old page's, and pushed it as a new history entry: Back then reopened
/vanishing?lang=中文 with the default radius instead of /vanishing?vg_radius=1.5&lang=中文 (rnnviz/assets/live/url.js
drops that write). Every wait is for a state of the page (its elements, the app's run state), never for a time.
"""
from __future__ import annotations

import urllib.parse

import pytest

from tests.e2e.conftest import expect_run, goto, no_errors

pytestmark = pytest.mark.e2e
T = 120  # seconds: the shared test machine is slow

ZH = "中文"


def settled_on(page, path: str, present: str) -> None:
    """Wait until the page at ``path`` (the URL's pathname, after the app's base) has been run: its element
    ``present`` is there (drawn by that page's run, not by the page before), the app's run is over and nothing is
    stale."""
    page.wait_for_function(
        """([path, sel]) => location.pathname.replace(/\\/+$/, '').endsWith(path) && !!document.querySelector(sel)
          && document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
          && !document.querySelector('[data-stale="true"]') && !document.querySelector('[data-testid="stStatusWidget"]')""",
        arg=[path, present], timeout=T * 1000)


def guarded(page) -> None:
    """Wait until the URL guard is installed (sent with the plotly prefetch, mounted by the router's first run)."""
    page.wait_for_function("() => !!(window.__rnnvizLive || {}).urlGuard", timeout=T * 1000)


def query(page) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def slider_value(page, key: str) -> str:
    """The value Streamlit's slider keyed ``key`` shows on its thumb (also when a live range hides the slider)."""
    return page.locator(f'.st-key-{key} [data-testid="stSliderThumbValue"]').text_content(timeout=T * 1000).strip()


def click_nav(page, path: str) -> None:
    """Click the sidebar's link to the page at ``path`` ("" for the start page)."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    hrefs = links.evaluate_all("(as) => as.map((a) => new URL(a.href).pathname)")
    i = next(i for i, h in enumerate(hrefs) if (h.endswith("/" + path) if path else h == "/"))
    links.nth(i).click()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_back_after_sidebar_pages_reopens_the_lab_with_its_settings(page, app_url, lang):
    page.set_default_timeout(T * 1000)
    suffix = f"&lang={ZH}" if lang == "zh" else ""
    goto(page, f"{app_url}/vanishing?vg_radius=1.5&vg_T=40{suffix}", T)
    settled_on(page, "/vanishing", ".st-key-vg_T")
    guarded(page)
    want = {"vg_radius": "1.5", "vg_T": "40", **({"lang": ZH} if lang == "zh" else {})}
    assert query(page) == want

    click_nav(page, "lecture")
    settled_on(page, "/lecture", ".st-key-lc_default")
    click_nav(page, "")
    settled_on(page, "", '[data-testid="stPageLink"]')

    page.go_back()
    settled_on(page, "/lecture", ".st-key-lc_default")
    page.go_back()  # the lab page, with the radius and T of the link (main reopened /vanishing?lang=中文: defaults)
    settled_on(page, "/vanishing", ".st-key-vg_T")
    assert query(page) == want
    assert slider_value(page, "vg_T") == "40"
    assert slider_value(page, "vg_radius") == "1.50"
    page.go_forward()
    settled_on(page, "/lecture", ".st-key-lc_default")
    assert query(page) == ({"lang": ZH} if lang == "zh" else {})
    page.go_back()
    settled_on(page, "/vanishing", ".st-key-vg_T")
    assert query(page) == want and slider_value(page, "vg_T") == "40"
    assert no_errors(page) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_back_and_forward_between_two_labs(page, app_url, lang):
    page.set_default_timeout(T * 1000)
    suffix = f"&lang={ZH}" if lang == "zh" else ""
    goto(page, f"{app_url}/gates?gt_cell=GRU&gt_gap=30{suffix}", T)
    settled_on(page, "/gates", ".st-key-gt_gap")
    guarded(page)
    gates = query(page)
    assert gates["gt_cell"] == "GRU" and gates["gt_gap"] == "30"

    click_nav(page, "stepthrough")
    settled_on(page, "/stepthrough", ".st-key-st_hidden")
    # a setting of this page, made in the browser (Streamlit writes it into the URL in place)
    with expect_run(page, T):  # over once the run the new seed started has ended
        page.fill(".st-key-st_seed input", "7")
        page.keyboard.press("Enter")
    settled_on(page, "/stepthrough", ".st-key-st_hidden")
    step = query(page)

    page.go_back()
    settled_on(page, "/gates", ".st-key-gt_gap")
    assert query(page) == gates
    assert slider_value(page, "gt_gap") == "30"
    assert page.locator(".st-key-gt_cell label:has(input:checked)").inner_text().strip() == "GRU"
    page.go_forward()
    settled_on(page, "/stepthrough", ".st-key-st_hidden")
    assert query(page) == step and step["st_seed"] == "7"
    assert page.input_value(".st-key-st_seed input") == "7"
    assert no_errors(page) == []
