"""Real browser, fresh server: the first minute of a lecture. Several students open different deep links
at the same moment; every session gets its page through app.py's router (language switch in the sidebar),
in the language of its link, with no exception and without a file-name navigation ever being drawn."""
from __future__ import annotations

import json
import warnings
from contextlib import contextmanager

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


PLOTTED = "() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g._fullLayout)"


@contextmanager
def first_visit(browser, url: str, init_js: str):
    """A first visit (a new browser context: nothing cached) to ``url`` at a 1280x720 window, with ``init_js`` run in
    the page before any of its own scripts: yields the page once its first run has ended and a chart is plotted;
    the context is closed on leaving."""
    from tests.e2e.conftest import goto

    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    context.add_init_script(init_js)
    try:
        page = context.new_page()
        goto(page, url, timeout=300)
        page.wait_for_function(PLOTTED, timeout=300_000)
        yield page
    finally:
        context.close()


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
    from tests.e2e.conftest import no_errors

    with first_visit(browser, f"{app_url}/hidden", TITLE_AT_FIRST_JS) as page:
        first, now = page.evaluate("() => window.__rvTitleFirst"), page.evaluate(TITLE_NOW_JS)
        order = page.evaluate("""() => {
          const top = document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]');
          const kids = [...top.children];
          const at = (sel) => kids.findIndex((k) => k.matches(sel) || !!k.querySelector(sel));
          return [at('h1'), at('style.rv-css'), at('.st-key-rv_prefetch')]; }""")
        assert no_errors(page) == []
    assert first == now, f"the title was first drawn at {first}, then moved to {now} (top px, main padding)"
    title, css, prefetch = order
    assert 0 <= title < css and title < prefetch, order


def _differing(a: bytes, b: bytes, at_least: int = 64) -> tuple[float, tuple[int, int], tuple[int, int]]:
    """The fraction of pixels of two PNG screenshots (compared on their common size) that have no pixel within one
    pixel of them in the other (each colour channel outside the other's 3x3 neighbourhood's range by ``at_least``
    or more), either way, and the two sizes. A shift by a fraction of a pixel changes no pixel by this measure."""
    import io

    from PIL import Image, ImageChops, ImageFilter

    x, y = Image.open(io.BytesIO(a)).convert("RGB"), Image.open(io.BytesIO(b)).convert("RGB")
    w, h = min(x.width, y.width), min(x.height, y.height)
    x, y = x.crop((0, 0, w, h)), y.crop((0, 0, w, h))

    def outside(p, q):  # per channel: how far p lies outside q's 3x3 min..max
        return ImageChops.lighter(ImageChops.subtract(q.filter(ImageFilter.MinFilter(3)), p),
                                  ImageChops.subtract(p, q.filter(ImageFilter.MaxFilter(3))))

    far = ImageChops.lighter(outside(x, y), outside(y, x))
    bad = ImageChops.lighter(ImageChops.lighter(*far.split()[:2]), far.split()[2]).point(lambda v: 255 if v >= at_least else 0)
    return bad.histogram()[255] / (w * h), x.size, y.size


@pytest.mark.parametrize("chart", sorted(__import__("rnnviz.first_charts").first_charts.PAGES))
def test_the_shipped_picture_is_the_chart_drawn_in_its_place(browser, app_url, chart):
    """rnnviz.streamlit_helpers.chart_place, at a 1280 px wide window (a projector): the picture shown while
    plotly.js loads is the chart the page then plots, in the same place and size (nothing moves, nothing changes
    when the chart covers it), and it is not displayed once the chart is plotted. Pixels are compared up to a
    one-pixel shift (the picture, 762 px, is drawn 762.5 px wide at x = 427.5 px): measured here, the right picture
    differs in none; the other language's in 0.4-0.7%, the right one moved 3 px down in 1.6-16%, the gates
    heatmaps' cut at the window's bottom (a first version of the picture) in 8.7%. This allows 0.2%."""
    from rnnviz import first_charts
    from tests.e2e.conftest import SHOTS, goto, no_errors, renderer, wait_for_rest

    pic = json.loads(first_charts.PICTURES_FILE.read_text(encoding="utf-8"))[chart]["en"]
    context = browser.new_context(viewport={"width": 1280, "height": pic["height"] + 700}, device_scale_factor=1)
    page = context.new_page()
    try:
        goto(page, f"{app_url}{first_charts.PAGES[chart]}", timeout=300)
        gd = page.locator(f".st-key-{chart} .js-plotly-plot").first
        page.wait_for_function("(el) => !!el._fullLayout && !!el.querySelector('.main-svg')", arg=gd.element_handle(),
                               timeout=120_000)
        wait_for_rest(page)  # the live components' frames for the defaults (no change) applied, nothing moving
        page.mouse.move(0, 0)
        img = page.locator(f".st-key-rv_place_{chart} img")
        assert img.count() == 1 and not img.is_visible(), "the picture is still displayed over the plotted chart"
        chart_box, chart_png = gd.bounding_box(), gd.screenshot(animations="disabled")
        # the picture as it was shown: displayed again, the chart hidden
        page.add_style_tag(content=f".st-key-rv_place_{chart}>:first-child{{display:block !important}}"
                                   f".st-key-{chart}{{visibility:hidden !important}}")
        page.wait_for_function("(el) => el.complete && el.getBoundingClientRect().height > 0", arg=img.element_handle())
        pic_box, pic_png = img.bounding_box(), img.screenshot(animations="disabled")
        assert no_errors(page) == []
    finally:
        context.close()
    assert all(abs(pic_box[k] - chart_box[k]) <= 1 for k in ("x", "y", "width", "height")), (pic_box, chart_box)
    (SHOTS / f"picture-{chart}.png").write_bytes(pic_png)
    (SHOTS / f"picture-{chart}-chart.png").write_bytes(chart_png)
    # the pixels: only where the Chromium and fonts that drew the pictures draw here too (another machine's fonts
    # draw the same chart's text otherwise; its place and size are checked above on any machine)
    drawn_by = json.loads(first_charts.RENDERER_FILE.read_text(encoding="utf-8"))
    if drawn_by != renderer(browser):
        warnings.warn(f"{chart}: pictures drawn by {drawn_by}, this machine is {renderer(browser)}: pixels not compared")
        return
    share, *sizes = _differing(pic_png, chart_png)
    assert share < 0.002, f"{chart}: {share:.1%} of the picture's pixels differ from the chart's {sizes}"


# Records, in the page, where the first chart's place (its shipped picture, then the chart) is when it first appears.
PLACE_AT_FIRST_JS = """
window.__rvPlaceFirst = null;
const look = () => {
  const p = document.querySelector("[class*='st-key-rv_place_']");
  if (window.__rvPlaceFirst || !p || !p.getBoundingClientRect().height) return;
  window.__rvPlaceFirst = Math.round(p.getBoundingClientRect().top);
};
new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
"""


@pytest.mark.parametrize("path", sorted(set(__import__("rnnviz.first_charts").first_charts.PAGES.values())))
def test_the_first_chart_is_first_drawn_where_it_stays(browser, app_url, path):
    """A first visit (a new browser, nothing cached) at a 1280x720 window: the first chart's place, where its
    shipped picture and then the chart are drawn, does not move while the page loads: not when a widget's
    skeleton above it becomes the widget, when a readout or a live component is drawn above it
    (rnnviz.streamlit_helpers.held_place), nor when app.py's CSS applies (the subtitle's look is in its elements)."""
    from tests.e2e.conftest import no_errors, wait_for_rest

    with first_visit(browser, f"{app_url}{path}", PLACE_AT_FIRST_JS) as page:
        # nothing more will be drawn: the run is over, the live components (which replace the Streamlit controls)
        # have mounted and drawn, the fonts are ready, and the page has not moved for two animation frames
        wait_for_rest(page, timeout=300)
        first = page.evaluate("() => window.__rvPlaceFirst")
        now = page.evaluate("() => Math.round(document.querySelector(\"[class*='st-key-rv_place_']\")"
                            ".getBoundingClientRect().top)")
        assert no_errors(page) == []
    assert first is not None and first == now, f"{path}: the first chart's place was first drawn at {first} px, then at {now} px"
