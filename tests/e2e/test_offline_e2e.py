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


CJK_WITHOUT_SERVED_FONT = """() => {
  const bad = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!/[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]/.test(n.data) || !n.parentElement) continue;
    const el = n.parentElement;
    if (el.closest('style, script, noscript, .katex-mathml')) continue;  // KaTeX's MathML copy is for screen readers
    if (!getComputedStyle(el).fontFamily.includes('rnnviz-cjk')) bad.add(`${el.tagName}.${el.className.baseVal ?? el.className} in ${el.parentElement && el.parentElement.className}: ${n.data.slice(0, 30)}`);
  }
  return [...bad];
}"""


def test_every_chinese_text_has_the_served_font(page, app_url):
    """Every piece of Chinese text on the page, the words inside the equations (KaTeX) and the charts' text
    included, names the served font among its families, so a browser without a CJK font draws no boxes.
    The step-through page in its backward phase with truncation shows every worded equation line."""
    goto(page, f"{app_url}/stepthrough?lang={quote('中文')}&st_phase=backward&st_k=2&st_t=2", timeout=LOAD_TIMEOUT)
    wait_for_router(page, LOAD_TIMEOUT)
    page.locator(".katex .cjk_fallback").first.wait_for(state="attached", timeout=LOAD_TIMEOUT * 1000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=LOAD_TIMEOUT * 1000)
    assert no_errors(page) == []
    assert page.evaluate(CJK_WITHOUT_SERVED_FONT) == []
