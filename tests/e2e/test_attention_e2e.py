"""The attention page in Debian Chromium: the heatmap renders with hover values, typing a new
date redraws it, the step slider moves with the keyboard, bad input shows a message.
Screenshots: screenshots/attention_*.png (1280x720)."""
from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import goto, hold_settles, no_errors, screenshot, wait_for_live_settled, wait_for_rerun

pytestmark = pytest.mark.e2e

HEAT = """() => {
  const gds = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
  const gd = gds.find(g => g.data && g.data[0] && g.data[0].type === 'heatmap' && g.layout && g.layout.title
                           && /Attention weights|注意力权重/.test(g.layout.title.text || ''));
  if (!gd) return null;
  return {title: gd.layout.title.text, ticks: gd.layout.xaxis.ticktext, rows: gd.layout.yaxis.ticktext,
          y0: (gd.layout.shapes || [{}])[0].y0};
}"""


def _heat(page):
    page.wait_for_function(f"({HEAT})() !== null", timeout=60_000)
    return page.evaluate(HEAT)


def test_attention_heatmap_renders_hovers_and_follows_the_input(app_url, page):
    goto(page, f"{app_url}/attention")
    h = _heat(page)
    assert no_errors(page) == []
    assert "Wednesday, March 3rd 2021 → 2021-03-03" in h["title"]
    assert len(h["ticks"]) == len("Wednesday, March 3rd 2021") and len(h["rows"]) == 10
    heat = page.locator('[data-testid="stPlotlyChart"]').filter(has=page.locator(".heatmaplayer")).first
    heat.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "attention_1_heatmap")
    # hover over the heatmap: a label with the weight appears
    box = heat.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.1)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    assert "a = " in (page.locator(".hoverlayer .hovertext").first.text_content() or "")
    screenshot(page, "attention_2_hover")
    # type a Chinese date: the heatmap is redrawn for it
    box_in = page.get_by_role("textbox", name="Type a date")
    box_in.fill("2021年3月3日")
    box_in.press("Enter")
    wait_for_rerun(page)
    page.wait_for_function(f"(() => {{ const h = ({HEAT})(); return h && h.title.includes('2021年3月3日'); }})()",
                           timeout=30_000)
    h2 = page.evaluate(HEAT)
    assert h2["ticks"] == list("2021年3月3日") and "→ 2021-03-03" in h2["title"]
    assert "att_text=" in page.url
    assert no_errors(page) == []


STEP_W = """() => { const gd = document.querySelector('.st-key-att_fig_step .js-plotly-plot');
    const y = gd && gd.data && gd.data[1] ? gd.data[1].y : null;
    if (!y) return null;
    if (Array.isArray(y) || ArrayBuffer.isView(y)) return Array.from(y);
    const raw = atob(y.bdata), b = new Uint8Array(raw.length);
    for (let k = 0; k < raw.length; k++) b[k] = raw.charCodeAt(k);
    return Array.from(y.dtype === 'f4' ? new Float32Array(b.buffer) : new Float64Array(b.buffer)); }"""
"""JS: the attention weights the step chart draws (its second trace), as numbers."""

# every change of the step chart's weights, with the number of script runs seen so far (stale elements or the
# running-status widget) at the moment they were drawn
STEP_WATCH = """() => { window.__seen = []; window.__runs = 0;
  const weights = (""" + STEP_W + """);
  (function poll() {
    if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]'))
      window.__runs += 1;
    const w = weights(), t = w ? JSON.stringify(w) : null;
    if (t && (window.__seen.length === 0 || window.__seen[window.__seen.length - 1].t !== t))
      window.__seen.push({t, w, runs: window.__runs});
    if (!window.__stop) requestAnimationFrame(poll);
  })(); }"""


# every change of the bars the step and output charts draw (each bar's path and fill, read from the SVG), with the
# traces then drawn around plotly (live.js drawDirect: gd.__rvDirty) and the script runs seen so far
BARS_WATCH = """() => { window.__bars = [];
  const read = window.__readBars = () => ['att_fig_step', 'att_fig_probs'].map((key) => {
    const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
    return gd ? {bars: [...gd.querySelectorAll('.barlayer g.point > path')].map((p) => p.getAttribute('d') + ' ' + p.style.fill),
                 dirty: gd.__rvDirty ? [...gd.__rvDirty] : []} : null; });
  (function poll() {
    const now = read(), t = JSON.stringify(now), last = window.__bars[window.__bars.length - 1];
    if (!last || last.t !== t) window.__bars.push({t, charts: now, runs: window.__runs});
    if (!window.__stop) requestAnimationFrame(poll);
  })(); }"""
HANDED_OVER = """() => ['att_fig_step', 'att_fig_probs'].every((key) => {
  const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot'); return gd && !gd.__rvDirty; })"""


@pytest.fixture(scope="module")
def step_weights():
    """``step_weights(t)``: the concat model's attention weights at decoding step t of the default date, here."""
    from rnnviz import seq2seq as S
    from rnnviz.labs import attention as lab

    dec = S.decode(S.load_shipped("concat"), lab.AttentionConfig().att_text)
    return lambda t: [float(v) for v in dec.weights[t - 1]]


def _is_step(step_weights, t: int, name: str = "s.w") -> str:
    """JS test: the weights ``name`` are those of step t (float32 in the figure)."""
    return f"!!{name} && {name}.length === {len(step_weights(t))} && {name}.every((v, k) => Math.abs(v - {json.dumps(step_weights(t))}[k]) < 1e-5)"


def test_attention_step_is_chosen_in_the_browser(app_url, page, step_weights):
    """The step slider / Next change the step charts, the summary and the heatmap's outlined row with no
    script run before they are drawn; the URL records the step and a reload restores it."""
    goto(page, f"{app_url}/attention?att_score=concat")
    assert _heat(page)["y0"] == pytest.approx(0.5)
    assert "Model 'concat'" in page.locator("body").inner_text()
    page.get_by_role("tab", name="Step through decoding").click()
    wait_for_rerun(page)
    slider = page.locator(".st-key-att_step_live input.rv-range")
    slider.wait_for(timeout=60_000)
    wait_for_live_settled(page, "att_step")  # the tab's run is over and the charts are plotted
    page.evaluate(STEP_WATCH)
    page.evaluate(BARS_WATCH)
    hold_settles(page, True)  # no choice reaches the server until released: what changes, the browser drew
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function(f"() => window.__seen.some(s => {_is_step(step_weights, 2)})", timeout=60_000)
    assert page.evaluate(f"() => window.__seen.find(s => {_is_step(step_weights, 2)}).runs") == 0, \
        "a script run started before the chosen step was drawn"
    # the bars of step 2 were drawn in the browser around plotly (the score, weight and output bars' paths and
    # fills written, plotly not called), with no script run; once plotly is given the step (the hand-over), it
    # draws exactly those bars
    page.wait_for_function(HANDED_OVER, timeout=30_000)
    bars = page.evaluate("() => window.__bars")
    final = page.evaluate("() => window.__readBars()")
    assert [c["dirty"] for c in final] == [[], []]
    direct = [b for b in bars if b["charts"][0]["dirty"] == [0, 1] and b["charts"][1]["dirty"] == [0]]
    assert direct, "step 2's bars were not drawn around plotly"
    assert direct[0]["runs"] == 0
    assert [c["bars"] for c in direct[-1]["charts"]] == [c["bars"] for c in final]
    assert [c["bars"] for c in bars[0]["charts"]] != [c["bars"] for c in final]
    page.wait_for_function(f"(() => {{ const h = ({HEAT})(); return h && h.y0 === 1.5; }})()", timeout=30_000)
    assert "att_step=2" in page.url
    assert page.locator(".st-key-att_sum_2").is_visible() and not page.locator(".st-key-att_sum_1").is_visible()
    hold_settles(page, False)
    wait_for_live_settled(page, "att_step")  # step 2's settle run is over: not counted below
    runs = page.evaluate("() => window.__runs")
    hold_settles(page, True)
    page.get_by_role("button", name="Next ▶").click()
    page.wait_for_function(f"() => window.__seen.some(s => {_is_step(step_weights, 3)})", timeout=60_000)
    assert page.evaluate(f"() => window.__seen.find(s => {_is_step(step_weights, 3)}).runs") == runs
    assert "att_step=3" in page.url
    hold_settles(page, False)
    wait_for_live_settled(page, "att_step")  # the choice settled, the server confirmed step 3 and its run is over
    assert page.evaluate(f"() => {{ const w = ({STEP_W})(); return {_is_step(step_weights, 3, 'w')}; }}")
    screenshot(page, "attention_3_step")
    page.reload()
    page.locator(".st-key-att_step_live input.rv-range").wait_for(state="attached", timeout=60_000)
    wait_for_rerun(page)
    assert _heat(page)["y0"] == pytest.approx(2.5)
    assert page.evaluate(f"() => {{ const w = ({STEP_W})(); return {_is_step(step_weights, 3, 'w')}; }}")
    assert no_errors(page) == []


def test_attention_bad_input_and_other_tabs(app_url, page):
    goto(page, f"{app_url}/attention?att_text=3%20M%C3%A4rz%202021")
    page.wait_for_selector('[data-testid="stAlert"]', timeout=30_000)
    assert "Unknown characters" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert no_errors(page) == []
    goto(page, f"{app_url}/attention?att_score=none&att_decay=linear&att_n_eval=500")
    assert "Model 'none'" in page.locator("body").inner_text()  # the URL selects the model
    page.get_by_role("tab", name="Bottleneck").click()
    page.wait_for_timeout(800)
    screenshot(page, "attention_4_bottleneck")
    page.get_by_role("tab", name="Teacher forcing").click()
    page.wait_for_timeout(800)
    assert "linear decay" in page.locator("body").inner_text()
    screenshot(page, "attention_5_teacher_forcing")
    assert no_errors(page) == []
