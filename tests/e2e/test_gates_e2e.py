"""Real browser: the gates page renders every chart without error elements, the forget-bias
slider redraws the bias chart and the URL keeps it, typed markup is refused (never rendered or
executed), and a URL restores a setting.

Streamlit 1.67 stores a bound selectbox/radio in the URL by its *displayed label* (after
``format_func``), so the URLs below use the English labels."""
from __future__ import annotations

import json

import pytest

from urllib.parse import urlencode

from tests.e2e.conftest import (DRAWN, DRAWN_MATCHES, LIVE, drag_slider_watching, expect_run, first_draw, goto, hold_settles, no_errors,
                               screenshot, wait_for_live_settled, wait_for_plotly_data_change, wait_for_rerun, watch_first_draw)

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

    # the live range stands in for the (hidden) Δ slider; keyboard arrows move it and the server follows
    page.wait_for_function(f"() => !!({LIVE})('gt_bias_live')", timeout=120_000)
    assert not page.locator(".st-key-gt_fbias").is_visible()
    slider = page.locator(".st-key-gt_bias_live input.rv-range").first
    slider.focus()
    for _ in range(20):  # 0.0 -> -2.0 in steps of 0.1 (each press sent; the server follows the last)
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]').innerText.includes('Δ = -2.0')", timeout=30_000)
    page.wait_for_function("() => location.search.includes('gt_fbias=-2')", timeout=30_000)
    state = page.evaluate(LIVE, "gt_bias_live")
    assert state["value"] == -2.0 and state["readout"].startswith("c kept >\u00a01/e for: trained") and "(Δ\u00a0=\u00a00: " in state["readout"]
    assert no_errors(page) == []
    page.locator("h3").filter(has_text="Forget-gate bias").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "gates_bias_minus2")


def test_typed_markup_is_refused_and_never_rendered(page, app_url):
    goto(page, f"{app_url}/gates?" + urlencode({"gt_task": "Sonnets (char language model)", "gt_source": "My own text"}))
    box = page.locator('[data-testid="stTextArea"] textarea').first
    for evil in ('<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"):
        box.fill(evil)
        with expect_run(page):  # the page opened with an alert of its own (no text yet): wait for this run's
            box.press("Control+Enter")
        # this text's alert: the page's own first alert ("no text yet") may still be drawn when a run that
        # started before the key press (a live component's, under load) ends, so wait for the one about this text
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
                               ".some(a => a.innerText.includes('does not know'))", timeout=30_000)
        alert = next(a for a in page.locator('[data-testid="stAlert"]').all_inner_texts() if "does not know" in a)
        assert "`<`" in alert  # the character, quoted as code (rnnviz.text.quote)
        assert page.evaluate("() => window.__xss === undefined")
        assert page.locator(f'{MAIN} img[src="x"]').count() == 0
    assert no_errors(page) == []
    box.fill("Shall I compare thee to a summer's day?")
    with expect_run(page):
        box.press("Control+Enter")
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
    assert "r: reset gate" in text and "z: update gate" in text and "Chosen unit: 3 (units 0 to 11)" in text
    assert "Depth predicted correctly" in text
    screenshot(page, "gates_depth_gru")


UNIT_Y = """(gd) => { const y = gd && gd.data && gd.data[0] ? gd.data[0].y : null;
    if (!y) return null;
    let a = y;
    if (!Array.isArray(y) && !ArrayBuffer.isView(y) && y.bdata) {
      const raw = atob(y.bdata), b = new Uint8Array(raw.length);
      for (let k = 0; k < raw.length; k++) b[k] = raw.charCodeAt(k);
      a = new Float64Array(b.buffer);
    }
    return Array.from(a).slice(0, 6); }"""
"""JS: the first six values of the unit chart's first line (the chosen unit's input gate i)."""

UNIT_NOTE = """() => { const slot = document.querySelector('[data-rv-slot="gt_unit_note"]');
    const server = document.querySelector('.st-key-gt_unit_note_server');
    return slot && slot.innerText.trim() ? slot.innerText.trim()
      : server && server.offsetParent !== null ? server.innerText.trim() : ''; }"""
"""JS: the line naming the chosen unit above the unit chart, as shown (the browser's, else the server's)."""

# every change of what the unit chart draws (its first line) and of the line naming its unit, with the number of
# script runs seen so far (stale elements or the running-status widget) at the moment it was drawn
WATCH = """() => { window.__seen = []; window.__runs = 0;
  const unitY = (""" + UNIT_Y + """), unitNote = (""" + UNIT_NOTE + """);
  (function poll() {
    if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]'))
      window.__runs += 1;
    const gd = document.querySelector('.st-key-gt_fig_unit .js-plotly-plot');
    const y = unitY(gd), note = unitNote();
    const t = y ? JSON.stringify(y) + ' ' + note : null;
    const slot = document.querySelector('[data-rv-slot="gt_eq"]');
    const eq = slot ? [...slot.querySelectorAll('annotation')].map(a => a.textContent).join(' | ') : '';
    const col = document.querySelector('[data-rv-slot="gt_color"]');
    const sig = JSON.stringify([t, eq.slice(0, 80), col ? col.innerText.slice(0, 120) : '']);
    if (window.__seen.length === 0 || window.__seen[window.__seen.length - 1].sig !== sig)
      window.__seen.push({sig, t, y, note, eq, col: col ? col.innerText : '', runs: window.__runs});
    if (!window.__stop) requestAnimationFrame(poll);
  })(); }"""


def _first_seen(page, js_test: str, timeout=60_000, since: int = 0) -> dict:
    """The first state drawn that passes ``js_test``, among those drawn after entry ``since`` of the watch."""
    page.wait_for_function(f"() => window.__seen.slice({since}).some(s => {js_test})", timeout=timeout)
    return page.evaluate(f"() => window.__seen.slice({since}).find(s => {js_test})")


def _settled(page) -> tuple[int, int]:
    """Wait until the page is settled (conftest.wait_for_live_settled), then return (runs seen so far,
    states seen so far): a choice made now and drawn with the run count unchanged was drawn without a run."""
    wait_for_live_settled(page, "gt_select")
    return page.evaluate("() => [window.__runs, window.__seen.length]")


@pytest.fixture(scope="module")
def unit_i():
    """``unit_i(j)``: the first six values of unit j's input gate at the page's default settings, computed here."""
    from rnnviz import gates as G
    from rnnviz.labs import gates as lab

    res = lab.analyse(lab.GatesConfig(), {c: G.load("recall", c) for c in G.CELLS}, G.new_model("recall", "LSTM", seed=100))
    return lambda j: [float(v) for v in res.quantities["i"][:6, j]]


def _shows_unit(unit_i, j: int) -> str:
    """JS test of a watched state (WATCH): the unit chart draws unit j's lines and the line above it names unit j."""
    return (f"s.y && s.y.length === 6 && s.y.every((v, k) => Math.abs(v - {json.dumps(unit_i(j))}[k]) < 1e-9)"
            f" && s.note.startsWith('Chosen unit: {j} ')")


def _server_latex(page) -> str:
    return " | ".join(page.locator(".st-key-gt_eq_server annotation").all_text_contents())


def test_unit_step_and_colouring_are_chosen_in_the_browser(page, app_url, unit_i):
    """The unit, the step and the colouring change the unit chart, the equations and the coloured text
    with no script run before they are drawn; the URL records the choice, and a reload of it restores it."""
    goto(page, f"{app_url}/gates")
    unit = page.locator('.st-key-gt_select input[data-param="gt_unit"]')
    unit.wait_for(timeout=120_000)
    wait_for_live_settled(page, "gt_select")  # the load's run is over and the charts are plotted
    assert "j = 0" in _server_latex(page) and "t = 3" in _server_latex(page)
    page.evaluate(WATCH)
    hold_settles(page, True)  # no choice reaches the server until released: what changes, the browser drew
    unit.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    seen = _first_seen(page, _shows_unit(unit_i, 3) + " && s.eq.includes('j = 3')")
    assert seen["runs"] == 0, "a script run started before the chosen unit was drawn"
    assert r"t = 3,\ j = 3" in seen["eq"]
    assert "gt_unit=3" in page.url
    # A script run that started before this choice (the settle of an earlier value, under load) ends by
    # writing its own, older query string into the URL: Streamlit's App.handlePageInfoChanged calls
    # history.pushState with it. The browser's unconfirmed choice must stay in the URL.
    page.evaluate("() => window.history.pushState({}, '', location.pathname + '?gt_unit=1&gt_step=3')")
    assert "gt_unit=3" in page.url and "gt_step=3" in page.url
    # each later choice starts from a settled page, so a run a earlier choice started is not counted
    hold_settles(page, False)
    runs, since = _settled(page)
    hold_settles(page, True)
    step = page.locator('.st-key-gt_select input[data-param="gt_step"]')
    step.focus()
    page.keyboard.press("ArrowRight")
    seen = _first_seen(page, r"s.eq.includes('t = 4,\\ j = 3')", since=since)
    assert seen["runs"] == runs and "gt_step=4" in page.url
    hold_settles(page, False)
    runs, since = _settled(page)
    hold_settles(page, True)
    page.locator('.st-key-gt_select select[data-param="gt_color_by"]').select_option("f")
    seen = _first_seen(page, "s.col.includes('unit 3 (f)')", since=since)
    assert seen["runs"] == runs and "gt_color_by=f" in page.url
    assert not page.locator(".st-key-gt_color_server").is_visible()  # the browser's text replaces the server's
    hold_settles(page, False)
    # the choice settles: the server draws the same choice (its coloured text is shown again), the URL keeps it
    page.wait_for_function("() => { const e = document.querySelector('.st-key-gt_color_server');"
                           " return !!e && e.innerText.includes('unit 3 (f)'); }", timeout=120_000)
    wait_for_rerun(page)
    page.locator(".st-key-gt_color_server").wait_for(state="visible", timeout=60_000)
    assert r"t = 4,\ j = 3" in _server_latex(page)
    assert "gt_unit=3" in page.url and "gt_step=4" in page.url and "gt_color_by=f" in page.url
    assert "unit 3 (f)" in page.locator(".st-key-gt_color_server").inner_text()
    assert no_errors(page) == []
    page.locator("h3").filter(has_text="One unit, one step").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "gates_chosen_in_browser")
    # a reload of the URL restores the choice, drawn by the server
    page.reload()
    page.locator('.st-key-gt_select input[data-param="gt_unit"]').wait_for(timeout=120_000)
    wait_for_rerun(page)
    assert r"t = 4,\ j = 3" in _server_latex(page)
    assert "unit 3 (f)" in page.locator(".st-key-gt_color_server").inner_text()
    # the unit chart shows unit 3 (drawn so by the server, or, when the session outlived the reload and its
    # chart was first drawn for another unit, by the live component on it: sh.drawn_choice)
    page.wait_for_function(f"() => {{ const y = ({UNIT_Y})(document.querySelector('.st-key-gt_fig_unit .js-plotly-plot'));"
                           f" return !!y && y.every((v, k) => Math.abs(v - {json.dumps(unit_i(3))}[k]) < 1e-9)"
                           f" && ({UNIT_NOTE})().startsWith('Chosen unit: 3 '); }}", timeout=30_000)
    assert page.locator('.st-key-gt_select input[data-param="gt_unit"]').input_value() == "3"
    assert no_errors(page) == []


def test_a_choice_made_before_the_chart_is_plotted_is_drawn_once_it_is(page, app_url, unit_i):
    """A unit chosen while the unit chart cannot be drawn yet (plotly.js not loaded: the first click before
    the page has finished) is drawn in the browser as soon as it can be, not only by the settle's script
    run. Everything between the choice and plotly's return runs inside the page, so the order is fixed:
    plotly returns 200 ms after the choice, its settle is due 800 ms after it."""
    goto(page, f"{app_url}/gates")
    unit = page.locator('.st-key-gt_select input[data-param="gt_unit"]')  # inside the component's shadow root
    unit.wait_for(timeout=120_000)
    wait_for_live_settled(page, "gt_select")
    page.evaluate(WATCH)
    held = unit.evaluate("""(input) => new Promise((resolve) => {
      const live = window.__rnnvizLive, P = window.Plotly, before = live.updates.gt_fig_unit || 0;
      window.Plotly = undefined;  // as before plotly.js has loaded
      input.value = "3";
      input.dispatchEvent(new Event("input", {bubbles: true}));
      setTimeout(() => { const during = live.updates.gt_fig_unit || 0; window.Plotly = P; resolve([before, during]); }, 200);
    })""")
    assert held[1] == held[0], "a frame was drawn without plotly.js"
    seen = _first_seen(page, _shows_unit(unit_i, 3))
    assert seen["runs"] == 0, "the chosen unit was drawn only by a script run"
    assert page.evaluate("() => window.__rnnvizLive.updates.gt_fig_unit") == held[0] + 1
    assert "gt_unit=3" in page.url
    wait_for_live_settled(page, "gt_select")
    assert no_errors(page) == []


BIAS_DRAWN = f"() => JSON.stringify(({DRAWN})('gt_fig_bias'))"
"""JS: what the bias chart's SVG draws (its lines; null for the Δ = 0 line while it is hidden), as JSON."""


BIAS_AT_SLIDER = f"""() => {{ const s = ({LIVE})('gt_bias_live'); return !!s && s.drawn === s.index; }}"""
"""JS: the bias chart shows the frame of the live range's value (the index it drew last is the thumb's)."""


def test_bias_drag_moves_the_bias_chart_before_release(page, app_url):
    """Dragging the live Δ range redraws the bias chart several times before the pointer is released (frames
    of the slider's grid); on release the server's slider, the URL and the horizon sentence hold the released
    Δ and the server draws the same chart."""
    goto(page, f"{app_url}/gates")
    page.wait_for_selector(".st-key-gt_fig_bias .js-plotly-plot", timeout=120_000)
    wait_for_rerun(page, 120)
    page.wait_for_function(f"() => !!({LIVE})('gt_bias_live')", timeout=120_000)
    # far down the sidebar; the track is ~260 px for 24 steps: ~11 px per 0.5
    # released once the chart shows the frame of the slider's value under the pointer: a loaded browser can draw
    # it later than the fixed 200 ms after the last move (seen: 185 ms after, beside a busy loop); read before it
    # is drawn, "the last chart drawn during the drag" was the previous value's, not the value released
    during = drag_slider_watching(page, "gt_bias_live", BIAS_DRAWN, step_px=-8, caught_up=BIAS_AT_SLIDER)
    assert during["sigs"] >= 4, f"the bias chart changed {during['sigs'] - 1} times during the drag"
    assert during["runs"] == 0, "a script rerun started before the pointer was released"
    released = page.evaluate(LIVE, "gt_bias_live")["value"]
    assert released < 0
    drawn = json.loads(during["last"])
    assert drawn[0] is not None  # the Δ = 0 line is drawn off Δ = 0
    # plotly holds the released Δ's frame (given on release, or the server's figure of it)
    page.wait_for_function(f"(d) => ({DRAWN_MATCHES})(d) === ''", arg=["gt_fig_bias", drawn], timeout=60_000)
    page.wait_for_function(f"() => location.search.includes('gt_fbias={released:g}')", timeout=60_000)
    wait_for_rerun(page)
    assert float(page.locator('.st-key-gt_fbias input[type="range"]').first.get_attribute("value")) == released
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           f".includes('Δ = {released:+.1f}: ')", timeout=60_000)
    # the server's figure of the released Δ passes through every point the drag drew last
    assert page.evaluate(DRAWN_MATCHES, ["gt_fig_bias", drawn]) == "", page.url
    assert no_errors(page) == []


# the first font family of every line of text in the note slots and their server lines (computed style)
NOTE_FONTS = """() => { const out = {};
  for (const s of ['gt_unit_note', 'gt_path_note', 'gt_color']) {
    for (const [where, sel] of [['server', `.st-key-${s}_server p`], ['browser', `[data-rv-slot="${s}"] p`]]) {
      const ps = [...document.querySelectorAll(sel)].filter(p => p.offsetParent !== null && p.textContent.trim());
      if (ps.length) out[`${s} ${where}`] = ps.map(p => getComputedStyle(p).fontFamily.split(',')[0].trim().replace(/["']/g, ''));
    } }
  return out; }"""


def test_chinese_notes_are_drawn_in_one_font(page, app_url):
    """In Chinese, the lines beside the unit's charts and the coloured text's caption, the server's and those the
    browser fills, start their font list with the app's CJK font (which has the digits too), so a line's digits
    are not drawn in another font than its Chinese (the theme puts Latin glyphs in Source Sans first)."""
    goto(page, f"{app_url}/gates?" + urlencode({"lang": "中文"}))
    unit = page.locator('.st-key-gt_select input[data-param="gt_unit"]')
    unit.wait_for(timeout=120_000)
    wait_for_live_settled(page, "gt_select")
    server = page.evaluate(NOTE_FONTS)
    assert set(server) == {"gt_unit_note server", "gt_path_note server", "gt_color server"}, server
    hold_settles(page, True)  # the browser's lines stay on screen
    unit.focus()
    page.keyboard.press("ArrowRight")
    page.locator('.st-key-gt_select select[data-param="gt_color_by"]').select_option("f")
    page.wait_for_function("() => ['gt_unit_note', 'gt_path_note', 'gt_color'].every(s => {"
                           " const e = document.querySelector(`[data-rv-slot=\"${s}\"] p`); return !!e && e.textContent.trim(); })",
                           timeout=30_000)
    browser = page.evaluate(NOTE_FONTS)
    assert set(browser) == {"gt_unit_note browser", "gt_path_note browser", "gt_color browser"}, browser
    for where, fonts in {**server, **browser}.items():
        assert fonts and all(f == "rnnviz-cjk" for f in fonts), (where, fonts)
    page.locator('[data-rv-slot="gt_unit_note"]').scroll_into_view_if_needed()
    screenshot(page, "gates_zh_notes_one_font")
    hold_settles(page, False)
    assert no_errors(page) == []


def test_a_unit_key_draws_the_path_chart_directly_then_plotly_holds_it(page, app_url):
    """A unit chosen by a key moves the gradient-path chart (whose axes are the same for every unit) by writing its SVG
    (live.js drawDirect): when its line is first redrawn, plotly still holds the old unit's data; once the keys pause,
    plotly is given the frame: its data is the new unit's and every point of it lies on the line drawn."""
    goto(page, f"{app_url}/gates")
    unit = page.locator('.st-key-gt_select input[data-param="gt_unit"]')
    unit.wait_for(timeout=120_000)
    wait_for_live_settled(page, "gt_select")
    hold_settles(page, True)
    # at the first change of the path chart's lines: whether plotly's data of the unit's line is still the one it had
    # before the key
    watch_first_draw(page, "gt_fig_path")
    unit.focus()
    page.keyboard.press("ArrowRight")
    assert first_draw(page, "gt_fig_path") == "old data", "the path chart's new line was drawn by plotly"
    # the keys pause: plotly is given the frame drawn
    wait_for_plotly_data_change(page, "gt_fig_path")
    drawn = page.evaluate(f"({DRAWN})('gt_fig_path')")
    assert page.evaluate(DRAWN_MATCHES, ["gt_fig_path", drawn]) == ""
    hold_settles(page, False)
    assert no_errors(page) == []
