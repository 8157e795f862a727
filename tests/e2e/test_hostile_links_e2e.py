"""Real browser: hostile links. A Markdown image in a URL value requests nothing outside the app, no
link/image/formatting appears in the error box, and values that crashed pages (inf, 1e309, ...) show a
notice naming the parameter instead of a traceback. Raw option names work in both languages."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import goto, no_errors, screenshot, wait_for_rerun, wait_for_router

pytestmark = pytest.mark.e2e

IMAGE = "/stepthrough?st_numbers=%21%5Bx%5D%28http%3A//203.0.113.7/t.png%29"
PHISH = "/stepthrough?st_numbers=%5BLog%20in%20again%5D%28https%3A//evil.example/phish%29%20**Your%20session%20expired**"


def _outside_requests(page) -> list[str]:
    return [u for u in page.requests_seen if urlparse(u).hostname not in ("127.0.0.1", "localhost")
            and not u.startswith(("data:", "blob:", "about:"))]


@pytest.fixture
def watched(page):
    # Chromium's flags block background networking, so record what the page itself asks for
    page.requests_seen = []
    page.on("request", lambda r: page.requests_seen.append(r.url))
    return page


def _alerts(page) -> list:
    return page.query_selector_all('[data-testid="stAlert"]')


@pytest.mark.parametrize("path", [IMAGE, PHISH], ids=["image", "phishing-link"])
def test_markdown_in_a_url_value_is_shown_as_text(watched, app_url, path):
    page = watched
    goto(page, app_url + path, timeout=180)
    wait_for_router(page, 180)
    # the numbers feed the scalar tab: its error is in the DOM on load though the tab is not open
    page.wait_for_selector('[data-testid="stAlert"]', state="attached", timeout=60_000)
    page.wait_for_timeout(1500)  # give any image a chance to be requested
    assert no_errors(page) == []
    texts = []
    for alert in _alerts(page):
        md = alert.query_selector('[data-testid="stMarkdownContainer"]')
        for tag in ("a", "img", "strong", "em", "h1", "h2", "h3", ".katex"):
            assert md.query_selector(tag) is None, (tag, md.inner_html()[:400])
        texts.append(md.text_content())
    joined = "\n".join(texts)
    assert ("203.0.113.7" in joined) or ("evil.example" in joined), joined  # the user's text, verbatim
    assert _outside_requests(page) == [], _outside_requests(page)
    page.get_by_role("tab").nth(2).click()  # the scalar tab: the error, shown
    page.wait_for_timeout(500)
    screenshot(page, f"hostile_{'image' if path == IMAGE else 'phish'}")
    assert _outside_requests(page) == [], _outside_requests(page)


@pytest.mark.parametrize("path,param", [
    ("/stepthrough?st_seed=inf", "st_seed"), ("/stepthrough?st_k=1e309", "st_k"),
    ("/vanishing?vg_seed=-Infinity", "vg_seed"), ("/gates?gt_seed=inf", "gt_seed"),
    ("/train_live?tl_max_steps=inf", "tl_max_steps"), ("/train_live?tl_seed=99999999999999999999", "tl_seed"),
])
def test_values_that_crashed_pages_show_a_notice(watched, app_url, path, param):
    page = watched
    goto(page, app_url + path, timeout=180)
    wait_for_router(page, 180)
    assert no_errors(page) == []
    notices = [a.inner_text() for a in _alerts(page)]
    assert any(param in n for n in notices), notices
    assert param + "=" not in page.url  # removed from the address: reloading or sharing no longer carries it
    if param == "st_seed":
        screenshot(page, "hostile_notice_st_seed")


def test_raw_option_names_in_chinese(watched, app_url):
    page = watched
    goto(page, app_url + "/vanishing?lang=zh&vg_init=orthogonal&vg_input_kind=zeros", timeout=180)
    wait_for_router(page, 180)
    # the router's sidebar comes first; the page's own sidebar widgets follow in the same run
    page.wait_for_selector('[data-testid="stSidebar"] .st-key-vg_init', timeout=180_000)
    wait_for_rerun(page, 180)
    assert no_errors(page) == []
    assert not [a.inner_text() for a in _alerts(page) if "vg_" in a.inner_text() or "lang" in a.inner_text()]
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    # a selectbox shows its choice as the value of its combobox input (not in innerText)
    assert "语言" in sidebar  # the page is in Chinese
    assert page.locator(".st-key-vg_init input[role=combobox]").input_value() == "正交"
    screenshot(page, "hostile_raw_names_zh")


def _lecture_link(d: dict) -> str:
    import base64
    import json
    import zlib

    return base64.urlsafe_b64encode(zlib.compress(json.dumps(d).encode("utf-8"), 9)).decode("ascii").rstrip("=")


@pytest.mark.parametrize("lang", ["English", "中文"])
def test_markdown_in_a_lecture_link_is_shown_as_text(watched, app_url, lang):
    """A lecture link whose version is a Markdown image and whose page name is a Markdown link: the error
    and the warning show them as text (no request leaves the app, no link), and the unreadable link is
    removed from the address."""
    page = watched
    image = _lecture_link({"format": "rnnviz-lecture", "version": "![x](http://203.0.113.7/t.png)", "scenes": []})
    goto(page, f"{app_url}/lecture?lang={lang}&lc={image}", timeout=180)
    wait_for_router(page, 180)
    page.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)
    page.wait_for_timeout(1500)  # give any image a chance to be requested
    assert no_errors(page) == []
    texts = []
    for alert in _alerts(page):
        md = alert.query_selector('[data-testid="stMarkdownContainer"]')
        assert md.query_selector("a") is None and md.query_selector("img") is None, md.inner_html()[:400]
        texts.append(md.text_content())
    assert any("203.0.113.7" in t for t in texts), texts
    assert _outside_requests(page) == [], _outside_requests(page)
    assert "lc=" not in page.url
    screenshot(page, f"hostile_lecture_link_{'zh' if lang != 'English' else 'en'}")
    phish = _lecture_link({"format": "rnnviz-lecture", "version": 1,
                           "scenes": [{"page": "[Log in](https://evil.example)"}, {"page": "vanishing"}]})
    goto(page, f"{app_url}/lecture?lang={lang}&lc={phish}", timeout=180)
    wait_for_router(page, 180)
    page.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)
    alerts = _alerts(page)
    assert any("evil.example" in a.inner_text() for a in alerts), [a.inner_text() for a in alerts]
    assert all(a.query_selector('[data-testid="stMarkdownContainer"] a') is None for a in alerts)
    assert no_errors(page) == []
