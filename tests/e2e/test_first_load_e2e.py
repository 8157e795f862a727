"""Real browser, fresh server: the first minute of a lecture. Several students open different deep links
at the same moment; every session gets its page through app.py's router (language switch in the sidebar),
in the language of its link, with no exception and without a file-name navigation ever being drawn."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import (_free_port, file_name_titles, has_cjk, open_burst, screenshot, session_problems, start_server,
                                stop_server)

pytestmark = pytest.mark.e2e

DEEP_LINKS = ["/gates?lang=中文", "/stepthrough", "/attention", "/vanishing", "/train_live", "/vanishing?lang=中文",
              "/hidden", "/"]


def test_eight_concurrent_deep_links_on_a_fresh_server(browser):
    port = _free_port()
    proc = start_server(port)
    urls = [f"http://127.0.0.1:{port}{path}" for path in DEEP_LINKS]
    try:
        pages = open_burst(browser, urls)
        # generous: on a busy 2-core machine eight first runs at once (torch, trained models) take minutes
        problems = {url: session_problems(pg, url, timeout=600) for pg, url in zip(pages, urls)}
        zh = pages[0]
        screenshot(zh, "first_load_gates_zh")
        zh_title = zh.locator('[data-testid="stMain"] h1').first.inner_text()
        zh_sidebar = zh.locator('[data-testid="stSidebar"]').inner_text()
        en_sidebar = pages[1].locator('[data-testid="stSidebar"]').inner_text()
        for pg in pages:
            pg.context.close()
    finally:
        stop_server(proc)
    assert {url: p for url, p in problems.items() if p} == {}
    # /gates?lang=中文: the page and the router's navigation are in Chinese, and it is the gates page
    assert has_cjk(zh_title) and "GRU" in zh_title, zh_title
    assert "语言" in zh_sidebar and "梯度消失与梯度爆炸" in zh_sidebar, zh_sidebar
    assert "Language" in en_sidebar and "Vanishing & exploding gradients" in en_sidebar, en_sidebar


def test_file_name_titles_cover_what_the_pages_directory_mode_draws():
    """The check above can fail: it knows the titles Streamlit's pages-directory mode would draw."""
    titles = file_name_titles()
    assert {"app", "gates", "train live", "vanishing"} <= titles


def test_home_deep_link_and_root_show_the_start_page(app_url, page):
    """``/home`` (a lecture scene of the start page, a typed link) shows the start page, as ``/`` does,
    in the language of the link, never "Page not found"."""
    from tests.e2e.conftest import goto, no_errors, wait_for_router

    for path, chinese in (("/home", False), ("/", False), ("/home?lang=中文", True)):
        goto(page, f"{app_url}{path}", timeout=180)
        wait_for_router(page, timeout=180)
        assert page.get_by_text("Page not found").count() == 0, path
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "rnnviz", path
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert has_cjk(main) == chinese, (path, main[:200])
        assert no_errors(page) == [], path


def test_the_router_has_the_browser_load_plotly_before_any_chart(app_url, page):
    """rnnviz.streamlit_helpers.prefetch_plotly: on the start page (no chart), the browser has fetched and
    run Streamlit's own plotly chunk from this server, and nothing of it is drawn."""
    from tests.e2e.conftest import goto, no_errors, wait_for_router

    goto(page, f"{app_url}/", timeout=180)
    wait_for_router(page, timeout=180)
    page.wait_for_function("() => !!window.__rnnvizPlotly", timeout=60_000)
    assert page.evaluate("async () => !!(await window.__rnnvizPlotly)"), "the plotly chunk did not load"
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    chunks = [u for u in fetched if "/static/js/PlotlyChart." in u]
    assert len(chunks) == 1 and chunks[0].startswith(app_url), chunks
    # app.py's CSS names the same URL in a <link rel="modulepreload"> (the download starts when it is drawn)
    preloads = page.evaluate("() => [...document.querySelectorAll('link[rel=modulepreload]')].map(l => l.href)"
                             ".filter(u => u.includes('/static/js/PlotlyChart.'))")
    assert set(preloads) == set(chunks), (preloads, chunks)
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator(".st-key-rv_prefetch").evaluate("el => getComputedStyle(el).display") == "none"
    assert no_errors(page) == []


# Records, in the page, where the title is when it first appears (and the main area's top padding then).
TITLE_AT_FIRST_JS = """
window.__rvTitleFirst = null;
const look = () => {
  const h = document.querySelector('[data-testid="stMain"] h1');
  const box = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (window.__rvTitleFirst || !h || !box) return;
  window.__rvTitleFirst = [Math.round(h.getBoundingClientRect().top), getComputedStyle(box).paddingTop];
};
new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
"""
TITLE_NOW_JS = """() => [Math.round(document.querySelector('[data-testid="stMain"] h1').getBoundingClientRect().top),
  getComputedStyle(document.querySelector('[data-testid="stMainBlockContainer"]')).paddingTop]"""


def test_the_title_is_first_drawn_where_it_stays(browser, app_url):
    """A first visit (a new browser, nothing cached): the title appears at its final place, it does not move up
    when app.py's CSS applies (which waits for a chunk Streamlit loads lazily). The main area's top padding is
    the theme's (.streamlit/config.toml), and the two elements app.py draws for every page (that CSS, hidden by
    itself, and the plotly prefetch) sit below the page, so they push nothing down before they are hidden."""
    from tests.e2e.conftest import goto, no_errors

    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    context.add_init_script(TITLE_AT_FIRST_JS)
    page = context.new_page()
    try:
        goto(page, f"{app_url}/hidden", timeout=300)
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g._fullLayout)",
                               timeout=300_000)
        first, now = page.evaluate("() => window.__rvTitleFirst"), page.evaluate(TITLE_NOW_JS)
        order = page.evaluate("""() => {
          const top = document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]');
          const kids = [...top.children];
          const at = (sel) => kids.findIndex((k) => k.matches(sel) || !!k.querySelector(sel));
          return [at('h1'), at('style.rv-css'), at('.st-key-rv_prefetch')]; }""")
        assert no_errors(page) == []
    finally:
        context.close()
    assert first == now, f"the title was first drawn at {first}, then moved to {now} (top px, main padding)"
    title, css, prefetch = order
    assert 0 <= title < css and title < prefetch, order
