"""Real browser, offline by construction: every page, in English and Chinese, makes no request to
any server but the app's own (fonts, icons and favicon included), and the Chinese text is drawn
with the web font subset the app serves (static/fonts), not with whatever the machine has."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import goto, no_errors, screenshot, wait_for_router

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
LOAD_TIMEOUT = 120.0  # seconds: the first load after a server start imports torch & co.; a busy CI machine


def page_paths() -> list[str]:
    """Every page the router declares (``url_path=...`` in app.py), so a new lab is covered too."""
    paths = re.findall(r'url_path="([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert len(paths) >= 5, paths
    return paths


def assert_chinese_drawn_with_served_font(page) -> None:
    """The Chinese title uses the family that .streamlit/config.toml declares, and both weights of the
    served subset load and cover the title's characters (a machine's own CJK font does not count)."""
    title = page.locator("h1").first
    text = title.inner_text()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    loaded = page.evaluate("""async (text) => {
        await document.fonts.load('700 24px rnnviz-cjk', text); await document.fonts.load('400 24px rnnviz-cjk', text);
        return [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'rnnviz-cjk' && f.status === 'loaded')
                                  .map(f => f.weight).sort(); }""", text)
    assert loaded == ["400", "700"], loaded
    family = title.evaluate("el => getComputedStyle(el).fontFamily")
    assert "rnnviz-cjk" in family, family


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_request_leaves_the_app_server(page, app_url, lang):
    origin = urlsplit(app_url).netloc
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    # net::ERR_ABORTED: a lazy chunk of this server still loading when the test moves to the next
    # page (seen on a busy machine); any other failure (refused, DNS, blocked) counts
    page.on("requestfailed", lambda r: "ERR_ABORTED" in (r.failure or "") or failed.append(f"{r.url} {r.failure}"))
    query = "" if lang == "en" else "?lang=" + quote("中文")
    for path in page_paths():
        goto(page, f"{app_url}/{path}{query}", timeout=LOAD_TIMEOUT)
        wait_for_router(page, LOAD_TIMEOUT)
        page.wait_for_timeout(300)  # late requests: icons, fonts, favicon
        assert no_errors(page) == [], (path, lang)
        if path == "vanishing":
            screenshot(page, f"offline-{path}-{lang}")
            if lang == "zh":
                assert_chinese_drawn_with_served_font(page)
    outside = sorted({u for u in requests
                      if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != origin})
    assert outside == [], f"requests to other servers: {outside}"
    assert failed == [], failed
    assert any("/app/static/fonts/rnnviz-cjk-sc-" in u for u in requests) or lang == "en", \
        "the Chinese page did not load the served font subset"
    favicon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    assert favicon.startswith("data:image/svg+xml") or urlsplit(favicon).netloc == origin, favicon[:120]
