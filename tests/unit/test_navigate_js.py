"""The presenter's scene change (rnnviz.streamlit_helpers.navigate_script, run in node against a stand-in for the
page): the scene's URL is opened only once the script run that asked for it is over, so the old page's last query
string (Streamlit writes it into whatever URL is current when it arrives) lands on the old page's history entry,
not the new one's; a later request replaces one still waiting; with no run going it opens at once."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from rnnviz import streamlit_helpers as sh

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs the script outside a browser")

# The page: stApp with Streamlit's run state attribute, a MutationObserver that reports attribute changes, and a
# history that logs what is pushed and the popstate events sent. Each step: ["script", n, url] runs a request's
# script; ["state", s] is Streamlit setting the run state (observers told, as the browser would).
SCRIPT = r"""
globalThis.window = globalThis;
const log = [];
const observers = [];
const app = { attrs: { "data-test-script-state": %(state0)s },
  getAttribute(k) { return this.attrs[k] ?? null; } };
globalThis.document = { querySelector: (sel) => (sel === '[data-testid="stApp"]' ? (%(has_app)s ? app : null) : null) };
globalThis.location = { pathname: "/base/vanishing" };
globalThis.history = { pushState: (s, t, url) => { log.push("push " + url); location.pathname = url.split("?")[0]; } };
globalThis.PopStateEvent = class { constructor(type) { this.type = type; } };
globalThis.dispatchEvent = (ev) => log.push(ev.type);
globalThis.MutationObserver = class {
  constructor(f) { this.f = f; this.on = false; observers.push(this); }
  observe(el, opts) { this.on = true; this.opts = opts; }
  disconnect() { this.on = false; }
};
for (const step of %(steps)s) {
  if (step[0] === "script") new Function(step[1])();
  else {
    log.push("state " + step[1]);
    app.attrs["data-test-script-state"] = step[1];
    for (const o of observers) if (o.on && o.opts.attributeFilter.includes("data-test-script-state")) o.f([]);
  }
}
console.log(JSON.stringify(log));
"""


def body(n: int, url: str) -> str:
    html = sh.navigate_script(n, url)
    assert html.startswith("<script>") and html.endswith("</script>")
    return html[len("<script>"):-len("</script>")]


def run(steps: list, state0: str | None = "running", has_app: bool = True) -> list[str]:
    steps = [["script", body(*s[1:])] if s[0] == "script" else s for s in steps]
    code = SCRIPT % {"state0": json.dumps(state0), "has_app": json.dumps(has_app), "steps": json.dumps(steps)}
    out = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_url_opens_when_the_run_that_asked_for_it_is_over():
    log = run([["script", 1, "stepthrough?lang=en&lc_scene=3"], ["state", "running"], ["state", "notRunning"]])
    assert log == ["state running", "state notRunning", "push /base/stepthrough?lang=en&lc_scene=3", "popstate"]


def test_a_rerun_of_the_old_page_is_waited_for_too():
    log = run([["script", 1, "stepthrough?lc_scene=3"], ["state", "rerunRequested"], ["state", "running"],
               ["state", "notRunning"], ["state", "running"], ["state", "notRunning"]])
    assert log == ["state rerunRequested", "state running", "state notRunning", "push /base/stepthrough?lc_scene=3",
                   "popstate", "state running", "state notRunning"]  # once


def test_a_later_request_replaces_a_waiting_one():
    log = run([["script", 1, "gates?lc_scene=5"], ["script", 2, "attention?lc_scene=6"], ["state", "notRunning"]])
    assert log == ["state notRunning", "push /base/attention?lc_scene=6", "popstate"]


@pytest.mark.parametrize("state0,has_app", [("notRunning", True), (None, True), ("running", False)])
def test_with_no_run_going_or_no_run_state_it_opens_at_once(state0, has_app):
    """Run already over when the script runs; or a Streamlit without the attribute / the element: no waiting forever."""
    assert run([["script", 1, "lecture?lang=en"]], state0=state0, has_app=has_app) == ["push /base/lecture?lang=en",
                                                                                       "popstate"]


def test_the_url_is_passed_as_data():
    """A scene's URL holds user text (a title is not in it, but parameter values are): quoted as a JSON string, with
    ``<`` escaped so ``</script>`` cannot end the script."""
    url = 'vanishing?x=</script><img src=x onerror=alert(1)>&y="\\'
    html = sh.navigate_script(1, url)
    assert "</script>" not in html[len("<script>"):-len("</script>")]
    assert run([["script", 1, url]], state0="notRunning") == ["push /base/" + url, "popstate"]
