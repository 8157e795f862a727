"""The step-through page in Debian Chromium: renders, Next moves the highlighted step, Play
runs to t = T by itself; screenshots in screenshots/stepthrough_*.png (1280x720)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import (goto, hold_settles, no_errors, screenshot, wait_for_live_settled, wait_for_rerun,
                               wait_for_router)

pytestmark = pytest.mark.e2e

DIAGRAM = """() => {
  // the diagram's chart by its key: the outputs chart has a shape named 'step' too, and may be plotted first
  const gds = [...document.querySelectorAll('.st-key-st_fig_diagram [data-testid="stPlotlyChart"] .js-plotly-plot')];
  const gd = gds.find(g => g.layout && g.layout.title && (g.layout.shapes || []).some(s => s.name === 'step'));
  if (!gd || !gd._fullLayout) return null;
  const i = gd.layout.shapes.findIndex(s => s.name === 'step');  // the current step's frame
  const rect = gd.layout.shapes[i];
  // the step the frame is drawn at: its outline's left edge on screen, in the x axis' units (slot j at x = j - 1)
  const el = gd.querySelector(`.shapelayer path[data-index="${i}"]`);
  const ax = gd._fullLayout.xaxis;
  const left = el ? ax.p2r(Number(/^M([-\d.e]+),/.exec(el.getAttribute('d'))[1]) - ax._offset) : NaN;
  const k = Math.round(left + 0.45) + 1, n = (gd.layout.xaxis.tickvals || []).length;
  const texts = gd.data.flatMap(d => Array.isArray(d.text) ? d.text : []).join(' ');
  // the title names the phase, the control beside the chart the step ("2 of 4"): both here as "..., step 2 of 4"
  return {title: `${gd.layout.title.text}, step ${k} of ${n}`, x0: rect.x0, texts: texts};
}"""


def _diagram(page):
    page.wait_for_function(f"({DIAGRAM})() !== null", timeout=120_000)
    return page.evaluate(DIAGRAM)


def test_stepthrough_renders_and_next_moves_the_highlight(app_url, page):
    goto(page, f"{app_url}/stepthrough")
    assert no_errors(page) == []
    first = _diagram(page)
    assert "step 1 of 4" in first["title"] and first["x0"] == pytest.approx(-0.45)
    control = page.locator(".st-key-st_step .rv-value")  # the step, named beside the controls
    control.wait_for(timeout=120_000)
    assert control.inner_text() == "1 of 4"
    page.locator('[data-testid="stKatex"], .katex').first.wait_for(state="attached", timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "stepthrough_1")
    page.get_by_role("button", name="Next ▶").click()
    wait_for_rerun(page)
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 2 of 4'); }})()",
                           timeout=120_000)
    second = _diagram(page)
    assert second["x0"] == pytest.approx(0.55) and control.inner_text() == "2 of 4"
    assert "st_t=2" in page.url  # the step is bound to the URL
    assert no_errors(page) == []
    page.get_by_text("Forward pass at step 2").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert page.locator(".katex-error").count() == 0
    screenshot(page, "stepthrough_2_equations")


def test_stepthrough_play_stops_at_T(app_url, page):
    goto(page, f"{app_url}/stepthrough?st_speed=0.3")
    wait_for_router(page)  # first test of a fresh server: the router's page, not the pages-directory one
    page.get_by_role("button", name="Play", exact=True).click(timeout=120_000)
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 4 of 4'); }})()",
                           timeout=120_000)
    wait_for_rerun(page)
    page.wait_for_timeout(1500)  # several Play intervals: it must have stopped
    assert "step 4 of 4" in _diagram(page)["title"]
    # the diagram and the URL agree (a late timer tick used to redraw step 3 under ?st_t=4)
    assert "st_t=4" in page.url
    assert page.get_by_role("button", name="Play", exact=True).is_enabled()
    assert page.get_by_role("button", name="Stop", exact=True).is_disabled()
    assert no_errors(page) == []


def test_stepthrough_backward_bidirectional(app_url, page):
    # bound selectboxes/radios store the shown (translated) label in the URL
    goto(page, f"{app_url}/stepthrough?st_pattern=Bidirectional&st_k=2&st_phase=backward+%28BPTT%29&st_t=2"
               "&st_weights=Random")
    assert no_errors(page) == []
    d = _diagram(page)
    assert "backward" in d["title"] and "step 2 of 4" in d["title"]
    assert "h&#8592;" in d["texts"] or "h←" in d["texts"]  # the backward-direction row is drawn
    assert page.locator(".katex-error").count() == 0
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "stepthrough_3_backward_bidir")


EQUATIONS = """() => [...document.querySelectorAll('[class*="st-key-st_eq_"]')].map(e => {
  const k = Number([...e.classList].find(c => c.startsWith('st-key-st_eq_')).slice(13));
  const s = getComputedStyle(e);
  return {k, top: e.getBoundingClientRect().top, shown: s.visibility === 'visible' && s.contentVisibility !== 'hidden'}; })"""
"""JS: each step's equations block: its step, the top of its box, whether it is shown."""

WATCH = """() => { window.__titles = []; window.__runs = 0;
  (function poll() {
    const d = (""" + DIAGRAM + """)();
    const t = d ? d.title : null;
    if (t && window.__titles[window.__titles.length - 1] !== t) window.__titles.push(t);
    if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]'))
      window.__runs += 1;
    if (!window.__stop) requestAnimationFrame(poll);
  })(); }"""


def test_step_choice_is_client_side(app_url, page):
    """Back/Next/slider change the diagram, the equations and the URL in the browser: no script
    run starts until the choice has been drawn; Back stops at t = 1; Stop stops Play."""
    goto(page, f"{app_url}/stepthrough?st_word=handled&st_speed=3.0")  # 6 steps, 3 s per Play step
    _diagram(page)
    page.get_by_role("button", name="Next ▶").wait_for(timeout=120_000)
    wait_for_live_settled(page, "st_t")  # the load's runs are over and the charts are plotted
    page.evaluate(WATCH)
    hold_settles(page, True)  # no choice reaches the server until released: what changes, the browser drew
    page.get_by_role("button", name="◀ Back").click()  # at t = 1: stays
    page.get_by_role("button", name="Next ▶").click()
    page.wait_for_function("() => window.__titles.some(t => t.includes('step 2 of 6'))", timeout=120_000)
    seen = page.evaluate("() => ({titles: window.__titles, runs: window.__runs})")
    assert seen["runs"] == 0, "a script run started before the chosen step was drawn"
    assert not any("step 0" in t for t in seen["titles"])
    assert "st_t=2" in page.url
    assert page.get_by_text("Forward pass at step 2").is_visible()
    assert not page.get_by_text("Forward pass at step 1").is_visible()
    # every step's equations are laid out in one place (a step change shows one, lays out nothing new)
    eqs = page.evaluate(EQUATIONS)
    assert [e["k"] for e in eqs if e["shown"]] == [2] and len(eqs) == 6
    assert len({round(e["top"]) for e in eqs}) == 1, eqs
    hold_settles(page, False)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 3 of 6'); }})()",
                           timeout=120_000)
    page.get_by_role("button", name="Stop", exact=True).click()
    stopped = _diagram(page)["title"]
    page.wait_for_timeout(4000)  # longer than a Play interval (3 s): it must not move
    assert _diagram(page)["title"] == stopped and "step 6 of 6" not in stopped
    assert page.get_by_role("button", name="Play", exact=True).is_enabled()
    assert page.get_by_role("button", name="Stop", exact=True).is_disabled()
    wait_for_rerun(page)  # the settled choice reaches the server, which draws the same step
    page.wait_for_timeout(500)
    t = stopped.split("step ")[1].split(" of")[0]
    assert _diagram(page)["title"] == stopped and f"st_t={t}" in page.url
    assert no_errors(page) == []


def test_a_rerun_during_play_does_not_stop_it(app_url, page):
    """A script rerun while Play runs (here: the speed slider moved; in the wild also the rerun that a
    settled Next starts) re-mounts the live component: Play must go on, not stop silently. The race
    behind a flaky `test_step_choice_is_client_side` (Play clicked while the rerun of a Next ran)."""
    goto(page, f"{app_url}/stepthrough?st_word=handled&st_speed=2.0")  # 6 steps, 2 s per Play step
    _diagram(page)
    page.get_by_role("button", name="Play", exact=True).click(timeout=120_000)
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 2 of 6'); }})()",
                           timeout=120_000)
    speed = page.get_by_role("slider", name="Play speed")
    speed.focus()
    speed.press("ArrowLeft")  # 1.9 s per step: a rerun with new component data
    wait_for_rerun(page)
    assert "st_speed=1.9" in page.url
    assert page.get_by_role("button", name="Stop", exact=True).is_enabled(), "the rerun stopped Play"
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 6 of 6'); }})()",
                           timeout=120_000)
    wait_for_rerun(page)
    assert page.get_by_role("button", name="Play", exact=True).is_enabled()
    assert "st_t=6" in page.url
    assert no_errors(page) == []


DRAWS = """() => {
  // every plotly draw by Plotly.react / newPlot (Streamlit draws a chart it (re-)creates so), per chart key;
  // live.js draws the chosen step with Plotly.react too: the test resets the count once the browser drew it
  window.__draws = {};
  for (const name of ['react', 'newPlot']) {
    const orig = window.Plotly[name];
    window.Plotly[name] = function (gd, ...rest) {
      const el = gd && gd.closest && gd.closest('[class*="st-key-"]');
      const key = el ? [...el.classList].find(c => c.startsWith('st-key-')).slice(7) : '?';
      window.__draws[key] = (window.__draws[key] || 0) + 1;
      return orig.call(this, gd, ...rest);
    };
  }
  window.__nodes = [...document.querySelectorAll('[class*="st-key-st_fig_"] .js-plotly-plot')];
}"""


def test_settle_rerun_redraws_no_chart(app_url, page):
    """A step chosen in the browser reaches the server once it settles; that rerun sends the charts' figures
    unchanged (drawn at the step first drawn), so Streamlit keeps every chart element and plotly draws none
    again: the chosen step stays on screen, put there by the browser. Counted with a hook on plotly's full
    draws and by the chart nodes' identity, not by timing."""
    goto(page, f"{app_url}/stepthrough?st_word=handled")
    _diagram(page)
    page.get_by_role("button", name="Next ▶").wait_for(timeout=120_000)
    wait_for_live_settled(page, "st_t")
    page.wait_for_function("() => !!window.Plotly")
    page.evaluate(DRAWS)
    hold_settles(page, True)  # the choice reaches the server only once released: the browser draws it first
    for _ in range(2):
        page.get_by_role("button", name="Next ▶").click()
    page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step 3 of 6'); }})()",
                           timeout=120_000)
    page.wait_for_function("() => (window.__rnnvizLive.value.st_t || {}).pending === true", timeout=30_000)
    own = page.evaluate("() => Object.assign({}, window.__rnnvizLive.updates)")
    assert own.get("st_fig_diagram", 0) >= 1, own  # the browser's own draws of the chosen step (shapes moved)
    page.evaluate("() => { window.__draws = {}; }")
    hold_settles(page, False)
    wait_for_live_settled(page, "st_t")  # the settle run has ended and the server confirmed step 3
    page.wait_for_timeout(1000)  # a redraw after the run would come now
    assert "st_t=3" in page.url
    assert page.evaluate("() => window.__draws") == {}, "a chart was drawn again after the settle rerun"
    same = page.evaluate("() => window.__nodes.every(n => n.isConnected) && window.__nodes.length === 3")
    assert same, "a chart element was re-created"
    d = _diagram(page)
    assert "step 3 of 6" in d["title"] and d["x0"] == pytest.approx(2 - 0.45)
    assert no_errors(page) == []


STATE = """() => { const gd = document.querySelector('.st-key-st_fig_diagram .js-plotly-plot');
  const own = (o) => o === undefined ? null : JSON.parse(JSON.stringify(o, (k, v) => k.startsWith('_') ? undefined : v));
  return {title: gd.layout.title.text, shapes: own(gd.layout.shapes), annotations: own(gd.layout.annotations),
          opacity: gd.data.map(d => d.opacity === undefined ? 1 : d.opacity),
          drawn: [...gd.querySelectorAll('.shapelayer path')].map(p => p.getAttribute('d'))}; }"""
"""JS: what the diagram draws for the step: its title, shapes, annotations, traces' opacity, shapes' outlines drawn."""


def test_steps_drawn_back_and_forth_stay_the_steps_sent(app_url, page):
    """Every step drawn in the browser (plotly react edits the chart's figure in place) is the frame the server
    sent: after Next, Next, Back, Back, the diagram is again exactly the one first drawn at step 1 (a frame
    changed by a later draw would show up here), and step 3 shows its own frame, ring and veil included."""
    goto(page, f"{app_url}/stepthrough?st_word=handled")
    _diagram(page)
    page.get_by_role("button", name="Next ▶").wait_for(timeout=120_000)
    wait_for_live_settled(page, "st_t")
    first = page.evaluate(STATE)
    assert "step 1 of 6" in _diagram(page)["title"]
    hold_settles(page, True)
    seen = []
    for button, t in (("Next ▶", 2), ("Next ▶", 3), ("◀ Back", 2), ("◀ Back", 1)):
        page.get_by_role("button", name=button).click()
        page.wait_for_function(f"(() => {{ const d = ({DIAGRAM})(); return d && d.title.includes('step {t} of 6'); }})()",
                               timeout=120_000)
        seen.append(page.evaluate(STATE))
    assert seen[3] == first
    assert seen[0] == seen[2] and seen[1] != seen[0]
    step3 = {s["name"]: s for s in seen[1]["shapes"] if s.get("name") in ("step", "veil")}
    assert step3["step"]["x0"] == pytest.approx(1.55) and step3["veil"]["x0"] == pytest.approx(2.5)
    assert len(seen[1]["drawn"]) == len(first["drawn"])  # the same shapes drawn, none added or lost
    hold_settles(page, False)  # (back at the server's step 1: its settle changes no value, so no run follows)
    assert no_errors(page) == []
