"""The browser's URL guard (rnnviz/assets/live/url.js, run in node against a stand-in for the page's location and
history, as :func:`rnnviz.streamlit_helpers.url_guard_js` sends it with the plotly prefetch): what becomes of
Streamlit's history writes. A page link clicked (sidebar, st.page_link): the new page's query string Streamlit
writes while the URL is still the old page's is dropped (it pushed the old page's settings away: Back reopened
/vanishing without ?vg_radius=), the new page's URL is pushed; a script run's query string for the page shown
replaces its entry instead of adding one; the presenter's scene change (a push with a null state) and Streamlit's
page changes stay pushes; params the browser chose and the server has not confirmed stay in every URL written."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from rnnviz import live_js
from rnnviz import streamlit_helpers as sh

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs url.js outside a browser")

# The page: location (pathname and search), a history that logs each call and moves the location, window listeners
# (the guard's click and popstate ones). Steps: ["click", {testid, href, inNav, download, target, button}] (a click
# on an <a>), ["push"|"replace", state, url] (a call of history.pushState / replaceState), ["popstate", url] (the
# browser's Back / Forward), ["pending", {param: value}, true|false] (live.js's pendingUrl).
SCRIPT = r"""
globalThis.window = globalThis;
%(guard)s
const log = [];
const listeners = {};
globalThis.location = { origin: "http://h", pathname: "/base/vanishing", search: "?vg_radius=1.5&lang=x",
  get href() { return this.origin + this.pathname + this.search; } };
const go = (url) => { const u = new URL(url, location.href); location.pathname = u.pathname; location.search = u.search; };
globalThis.history = {
  pushState: (s, t, url) => { log.push("push " + url); go(url); },
  replaceState: (s, t, url) => { log.push("replace " + url); go(url); },
};
globalThis.addEventListener = (type, f, capture) => { (listeners[type] = listeners[type] || []).push(f); };
guardUrl();
for (const step of %(steps)s) {
  const [kind, a, b] = step;
  if (kind === "click") {
    const attrs = { "data-testid": a.testid || null };
    const el = { href: new URL(a.href, location.href).href, target: a.target || "",
      getAttribute: (k) => attrs[k] ?? null, hasAttribute: (k) => k === "download" && !!a.download,
      closest(sel) { return sel === "a[href]" ? el : (a.inNav ? {} : null); } };
    for (const f of listeners.click || []) f({ target: { closest: (sel) => el.closest(sel) }, button: a.button || 0 });
  } else if (kind === "push") history.pushState(a, "", b);
  else if (kind === "replace") history.replaceState(a, "", b);
  else if (kind === "popstate") { go(a); log.push("popstate " + a); for (const f of listeners.popstate || []) f({}); }
  else if (kind === "pending") pendingUrl(a, b);
}
console.log(JSON.stringify({ log, at: location.pathname + location.search }));
"""

SIDEBAR = {"testid": "stSidebarNavLink", "href": "/base/lecture", "inNav": True}


def run(steps: list) -> dict:
    code = SCRIPT % {"guard": sh.url_guard_js(), "steps": json.dumps(steps)}
    out = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_page_link_keeps_the_old_pages_settings_in_its_entry():
    # Streamlit 1.67 on a sidebar click: the new page's run first sends the query string without the old page's
    # bound params (the URL is still the old page's), then new_session pushes the new page
    r = run([["click", SIDEBAR], ["push", {}, "/base/vanishing?lang=x"], ["push", {}, "/base/lecture?lang=x"]])
    assert r["log"] == ["push /base/lecture?lang=x"]  # the old entry keeps /base/vanishing?vg_radius=1.5&lang=x


def test_a_page_link_of_st_page_link_and_the_drop_ends_with_the_page_change():
    link = {"testid": "stPageLink-NavLink", "href": "/base/gates"}
    r = run([["click", link], ["replace", {}, "/base/vanishing"], ["push", {}, "/base/gates?lang=x"],
             ["push", {}, "/base/gates?lang=x&gt_unit=2"]])
    # a replace of the old page is dropped too; on the new page a run's query string replaces its entry
    assert r["log"] == ["push /base/gates?lang=x", "replace /base/gates?lang=x&gt_unit=2"]


def test_a_run_of_the_page_shown_replaces_its_entry():
    r = run([["push", {}, "/base/vanishing?vg_radius=1.5&vg_T=40&lang=x"]])
    assert r["log"] == ["replace /base/vanishing?vg_radius=1.5&vg_T=40&lang=x"]


def test_the_presenters_scene_change_and_other_pages_stay_pushes():
    r = run([["push", None, "/base/vanishing?lc_scene=4"], ["push", None, "/base/stepthrough?lc_scene=5"],
             ["push", {}, "/base/hidden?lang=x"]])
    assert r["log"] == ["push /base/vanishing?lc_scene=4", "push /base/stepthrough?lc_scene=5", "push /base/hidden?lang=x"]


@pytest.mark.parametrize("click", [
    {"testid": "stSidebarNavLink", "href": "/base/vanishing", "inNav": True},  # the page shown
    {"testid": "stDownloadButton", "href": "/media/x.csv", "download": True},
    {"href": "/base/lecture"},  # a markdown link: the browser loads the page
    {"testid": "stSidebarNavLink", "href": "/base/lecture", "inNav": True, "button": 1},  # middle click: a new tab
    {"testid": "stSidebarNavLink", "href": "/base/lecture", "inNav": True, "target": "_blank"},
])
def test_other_clicks_do_not_drop_a_write(click):
    r = run([["click", click], ["push", {}, "/base/vanishing?lang=x"]])
    assert r["log"] == ["replace /base/vanishing?lang=x"]


def test_back_or_forward_ends_a_page_change_that_did_not_happen():
    r = run([["click", SIDEBAR], ["popstate", "/base/vanishing?vg_radius=2"], ["replace", {}, "/base/vanishing?vg_radius=2"],
             ["push", {}, "/base/vanishing?vg_radius=2&lang=x"]])
    assert r["log"] == ["popstate /base/vanishing?vg_radius=2", "replace /base/vanishing?vg_radius=2",
                        "replace /base/vanishing?vg_radius=2&lang=x"]


def test_a_choice_not_confirmed_yet_stays_in_every_url_written():
    r = run([["pending", {"st_t": 7}, True], ["push", {}, "/base/vanishing?st_t=3"], ["pending", {"st_t": 7}, False],
             ["push", {}, "/base/vanishing?st_t=3"]])
    assert r["log"] == ["replace /base/vanishing?st_t=7", "replace /base/vanishing?st_t=3"]


def test_the_live_module_and_the_prefetch_carry_the_same_guard():
    url_js = (live_js.LIVE_DIR / "url.js").read_text(encoding="utf-8")
    assert url_js in live_js.source() and url_js in sh.url_guard_js()
    for name in ("PlotlyChart.x.js", None):
        js = sh.prefetch_js(name, False)
        assert js.startswith(sh.url_guard_js()) and "export default function () {\n  guardUrl();" in js


@pytest.mark.parametrize("name", ["PlotlyChart.x.js", None])
def test_the_prefetch_module_installs_the_guard_when_it_mounts(name, tmp_path):
    path = tmp_path / "prefetch.mjs"
    path.write_text(sh.prefetch_js(name, False), encoding="utf-8")
    code = ("globalThis.window = globalThis; globalThis.history = {pushState() {}, replaceState() {}};"
            "globalThis.addEventListener = () => {}; globalThis.document = {querySelector: () => null};"
            f"const m = await import({json.dumps(path.as_uri())}); m.default();"
            "console.log(JSON.stringify(!!window.__rnnvizLive.urlGuard));")
    out = subprocess.run(["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "true"
