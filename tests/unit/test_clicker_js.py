"""The presenter bar's browser-side scene change (rnnviz.streamlit_helpers._KEYS_JS, run in node against a stand-in
page): Previous / Next / Exit open the URL the bar wrote (.rv-scenes data-prev/-next/-exit) as a history navigation
without a script run of the old page, only when Streamlit is at rest and the bar is the URL's scene; otherwise the
click goes on to Streamlit (the server's way, request_scene). While a scene opens, further presses are dropped until
the new page shows its bar at rest. Clicker keys press the buttons."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from rnnviz import streamlit_helpers as sh

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs the script outside a browser")

# A page: stApp with the run state attribute (observers told on change), the bar's data element, three buttons;
# document listeners (capture) get click events made like the browser's. Steps: ["click", key] (the event: was its
# default prevented / its propagation stopped = did Streamlit not get it), ["key", name], ["state", s],
# ["url", search], ["bar", scene or null]. The log: what was pushed, popstate, and each click's fate.
SCRIPT = r"""
globalThis.window = globalThis;
const log = [];
const observers = [], listeners = {};
const attrs = (o) => ({ attrs: o, getAttribute(k) { return this.attrs[k] ?? null; } });
const app = attrs({ "data-test-script-state": "notRunning" });
let bar = attrs(%(bar)s);
const button = (key, disabled) => ({ key, disabled, closest(sel) {
  if (sel === "button") return this;
  return sel.split(",").some((s) => s.trim() === ".st-key-" + key + " button") ? this : null; } });
const buttons = { lc_prev: button("lc_prev", false), lc_next: button("lc_next", false), lc_exit: button("lc_exit", false),
                  lc_disabled: button("lc_next", true) };
globalThis.document = {
  querySelector: (sel) => sel === '[data-testid="stApp"]' ? app : sel === ".rv-scenes" ? bar
    : sel.startsWith(".st-key-") ? buttons[sel.slice(8, -7)] || null : null,
  addEventListener: (name, f, capture) => (listeners[name] = listeners[name] || []).push(f),
  documentElement: {}, fullscreenElement: null,
};
globalThis.location = { pathname: "/base/vanishing", search: "?lang=en&lc_scene=4" };
globalThis.history = { pushState: (s, t, url) => { log.push("push " + url); const [p, q] = url.split("?");
  location.pathname = p; location.search = "?" + q; } };
globalThis.PopStateEvent = class { constructor(type) { this.type = type; } };
globalThis.dispatchEvent = (ev) => log.push(ev.type);
globalThis.MutationObserver = class { constructor(f) { this.f = f; observers.push(this); } observe() {} };
const fire = (name, ev) => { for (const f of listeners[name] || []) { if (ev.stopped) break; f(ev); } return ev; };
const event = (extra) => Object.assign({ prevented: false, stopped: false, preventDefault() { this.prevented = true; },
  stopImmediatePropagation() { this.stopped = true; } }, extra);
// a button's click(): the browser sends a click event; Streamlit (React, below the document) gets it unless stopped
for (const b of Object.values(buttons)) b.click = () => { const ev = fire("click", event({ target: b }));
  log.push(`click ${b.key}${b.disabled ? " (disabled)" : ""}: ` + (ev.stopped ? "browser" : "streamlit")); };
new Function(%(script)s)();
for (const step of %(steps)s) {
  if (step[0] === "click") buttons[step[1]].click();
  else if (step[0] === "key") fire("keydown", event({ key: step[1], target: { closest: () => null } }));
  else if (step[0] === "state") { app.attrs["data-test-script-state"] = step[1]; observers.forEach((o) => o.f([])); }
  else if (step[0] === "url") location.search = step[1];
  else if (step[0] === "bar") bar = step[1] === null ? null : attrs(Object.assign({}, bar.attrs, { "data-scene": step[1] }));
}
console.log(JSON.stringify(log));
"""
BAR = {"data-scene": "4", "data-prev": "stepthrough?lang=en&lc_scene=3", "data-next": "gates?gt_gap=80&lang=en&lc_scene=5",
       "data-exit": "lecture?lang=en"}


def run(steps: list, bar: dict | None = None) -> list[str]:
    body = sh._KEYS_JS[len("<script>"):-len("</script>")]
    code = SCRIPT % {"bar": json.dumps(bar or BAR), "script": json.dumps(body), "steps": json.dumps(steps)}
    out = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("key,url", [("lc_next", "gates?gt_gap=80&lang=en&lc_scene=5"),
                                     ("lc_prev", "stepthrough?lang=en&lc_scene=3"), ("lc_exit", "lecture?lang=en")])
def test_at_rest_a_bar_button_opens_its_url_in_the_browser(key, url):
    assert run([["click", key]]) == ["push /base/" + url, "popstate", f"click {key}: browser"]


@pytest.mark.parametrize("key,button", [("PageDown", "lc_next"), ("ArrowRight", "lc_next"), ("PageUp", "lc_prev")])
def test_clicker_keys_press_the_buttons(key, button):
    assert run([["key", key]])[-1] == f"click {button}: browser"


@pytest.mark.parametrize("state", ["running", "rerunRequested", "stopRequested"])
def test_while_a_run_goes_on_the_click_goes_to_streamlit(state):
    """The old page's run would write its query string over the new URL (see _NAVIGATE_JS): the server's way."""
    assert run([["state", state], ["click", "lc_next"]]) == ["click lc_next: streamlit"]


def test_a_bar_that_is_not_the_urls_scene_leaves_the_click_to_streamlit():
    """After Back, until the page has run, the bar on the screen is the previous URL's: its URLs are stale."""
    assert run([["url", "?lang=en&lc_scene=5"], ["click", "lc_next"]]) == ["click lc_next: streamlit"]
    assert run([["bar", None], ["click", "lc_next"]]) == ["click lc_next: streamlit"]
    assert run([["click", "lc_prev"]], bar={k: v for k, v in BAR.items() if k != "data-prev"}) == [
        "click lc_prev: streamlit"]


def test_while_a_scene_opens_further_presses_are_dropped_until_its_run_has_ended():
    log = run([["click", "lc_next"], ["click", "lc_next"], ["state", "running"], ["click", "lc_next"],
               ["bar", "5"], ["state", "notRunning"], ["click", "lc_next"]],
              bar=dict(BAR, **{"data-next": "gates?lang=en&lc_scene=5"}))
    assert log == ["push /base/gates?lang=en&lc_scene=5", "popstate", "click lc_next: browser",
                   "click lc_next: browser",  # dropped (stopped, nothing pushed)
                   "click lc_next: browser",  # dropped: the new page is still running
                   "push /base/gates?lang=en&lc_scene=5", "popstate", "click lc_next: browser"]  # at rest: opens


def test_a_short_run_that_never_showed_running_still_ends_the_opening():
    """Streamlit may go notRunning -> running -> notRunning within one render (a short run): the attribute never
    changes. The new bar at rest ends the opening (a watch of the attribute waited for "running" forever)."""
    log = run([["click", "lc_next"], ["click", "lc_next"], ["bar", "5"], ["click", "lc_next"]],
              bar=dict(BAR, **{"data-next": "gates?lang=en&lc_scene=5"}))
    assert log == ["push /base/gates?lang=en&lc_scene=5", "popstate", "click lc_next: browser",
                   "click lc_next: browser",  # dropped: the old bar is still on the screen
                   "push /base/gates?lang=en&lc_scene=5", "popstate", "click lc_next: browser"]


def test_a_disabled_button_does_nothing():
    assert run([["click", "lc_disabled"]]) == ["click lc_next (disabled): streamlit"]
