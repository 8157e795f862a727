// live/url.js: the URL of a choice made in the browser. A param the browser chose and the server has not confirmed
// yet (pendingUrl) is kept in every URL Streamlit writes for that page (guardUrl wraps history.pushState and
// replaceState: withPending).

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

function guardUrl() {
  if (live.urlGuard || typeof window === "undefined" || !window.history) return;
  live.urlGuard = true;
  live.urlPending = live.urlPending || {};
  for (const name of ["pushState", "replaceState"]) {
    const orig = window.history[name].bind(window.history);
    window.history[name] = (state, title, url) => orig(state, title, url == null ? url : withPending(url));
  }
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
