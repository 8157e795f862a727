// live/url.js: the history entries Streamlit writes. A param the browser chose and the server has not confirmed
// yet (pendingUrl) is kept in every URL Streamlit writes for that page, and the query string a script run sends is
// written into the page's own history entry, never into a new one or the entry of a page being left (guardUrl wraps
// history.pushState and replaceState: historyCall, withPending). Also sent alone with the plotly prefetch
// (rnnviz.streamlit_helpers.prefetch_plotly), so every page has it, with or without a live chart.

// Streamlit writes the query string of each script run into the URL when the run ends
// (App.handlePageInfoChanged: history.pushState/replaceState). A run that started before the browser's
// latest choice would write that choice's older value back, so the URL would disagree with the chart
// until the next settle. live.urlPending[pathname] holds the params the browser chose and the server
// has not confirmed yet; every URL written for that path keeps them.
function withPending(url) {
  const u = new URL(String(url), window.location.href);
  const p = live.urlPending && live.urlPending[u.pathname];
  if (!p || !Object.keys(p).length) return url;
  for (const [k, val] of Object.entries(p)) u.searchParams.set(k, val);
  return u.pathname + u.search + u.hash;
}

// What becomes of a history.pushState(state, "", url) call (Streamlit 1.67, minified App):
// - handlePageInfoChanged pushes `location.pathname + "?" + the run's query string` (state {}) whenever that query
//   string differs from the URL's and the run is not a Back/Forward navigation: any query_params write of the
//   server (a value clamped or refused, a default collapsed, url_records) then adds an entry of the same page, and
//   Back first reopened the same page.
// - On a page change (a sidebar or page link), the new page's run first removes the params bound to the old page's
//   widgets (QueryParams.populate_from_query_string, before its new_session message) and sends that query string
//   while the URL is still the old page's: the old page's settings were pushed away (/vanishing?vg_radius=1.5 ->
//   /vanishing), then maybeUpdatePageUrl pushed the new page, so Back reopened the old page with its defaults.
//   The server has no other way to give the frontend the new page's query string (maybeUpdatePageUrl builds the new
//   URL from the last one it was sent), so it is corrected here: such a write is dropped (its query string is still
//   kept by Streamlit's state for the new page's URL).
// historyCall(kind, state, url, here, leaving): "push", "replace" or "drop". here: the current location's pathname;
// leaving: the pathname a page link was clicked on (a page change under way), or null. A push of another page, or
// one whose state is not an object (the presenter's scene change, rnnviz.streamlit_helpers.navigate_script, pushes
// null), is left as it is: those are navigations.
function historyCall(kind, state, url, here, leaving) {
  if (url == null) return kind;
  const path = new URL(String(url), "http://h" + here).pathname;
  if (path !== here) return kind;
  if (leaving === here) return "drop";
  if (kind === "pushState" && state !== null && typeof state === "object") return "replaceState";
  return kind;
}

/** A click on one of Streamlit's page links (sidebar, st.page_link, logo) that opens another page: the pathname
 *  being left, or null. */
function leavingBy(ev) {
  const a = ev && ev.target && ev.target.closest && ev.target.closest("a[href]");
  if (!a || ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return null;
  if (a.hasAttribute("download") || (a.target && a.target !== "_self")) return null;
  if (!/^st(SidebarNavLink|PageLink|LogoLink|TopNav)/.test(a.getAttribute("data-testid") || "")
      && !a.closest('[data-testid="stSidebarNav"], [data-testid^="stPageLink"]')) return null;
  const u = new URL(a.href, window.location.href);
  return u.origin === window.location.origin && u.pathname !== window.location.pathname ? window.location.pathname : null;
}

function guardUrl() {
  if (live.urlGuard || typeof window === "undefined" || !window.history) return;
  live.urlGuard = true;
  live.urlPending = live.urlPending || {};
  live.leaving = null;
  const orig = { pushState: window.history.pushState.bind(window.history),
    replaceState: window.history.replaceState.bind(window.history) };
  for (const name of ["pushState", "replaceState"]) {
    window.history[name] = (state, title, url) => {
      const here = window.location.pathname;
      if (live.leaving !== here) live.leaving = null;  // the page change is done (or another page is shown)
      const how = historyCall(name, state, url, here, live.leaving);
      (live.historyLog = live.historyLog || []).push([name, how, url == null ? null : String(url)]);
      if (live.historyLog.length > 50) live.historyLog.shift();
      if (how === "drop") return undefined;
      return orig[how](state, title, url == null ? url : withPending(url));
    };
  }
  // capture phase: before the link's own handler asks the server for the new page
  window.addEventListener("click", (ev) => { const from = leavingBy(ev); if (from) live.leaving = from; }, true);
  window.addEventListener("popstate", () => { live.leaving = null; });
}

/** Mark params (name -> value) as chosen in the browser (pending) or confirmed by the server (null). */
function pendingUrl(params, pending) {
  guardUrl();
  const path = window.location.pathname;
  const p = (live.urlPending[path] = live.urlPending[path] || {});
  for (const [k, val] of Object.entries(params)) {
    if (pending) p[k] = String(val); else delete p[k];
  }
}
