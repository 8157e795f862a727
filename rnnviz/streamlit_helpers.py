"""Streamlit helpers: language, translated labels, presets, safe error display.

This is the only module of ``rnnviz`` that imports Streamlit. ``import rnnviz`` does not
import it (``tests/unit/test_imports.py`` checks), so the compute modules work in a
notebook and are tested as plain Python.

Conventions for pages:

- every widget has ``key=<config field name>``, ``bind="query-params"`` and a ``help=``
  tooltip from the i18n catalog;
- a preset is a dict ``{widget key: value}`` applied by :func:`preset_buttons` through
  ``st.session_state`` before the widgets are drawn (bound widgets then update the URL);
- user-facing errors from the compute layer are ``ValueError`` with a readable message,
  shown by :func:`show_error`, never a traceback.
"""
from __future__ import annotations

import functools
import html as html_lib
import json
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import streamlit as st

from rnnviz import urlparams
from rnnviz.i18n import LANG_NAMES, LANGS, t, variants
from rnnviz.i18n.tex import tex_words
from rnnviz.lecture import scene_url
from rnnviz.text import plain_markdown, quote, split_title

LANG_KEY = "lang"


def lang() -> str:
    """The current UI language code (``"en"`` or ``"zh"``).

    Before the sidebar switch has been drawn in a session (``app.py`` builds the navigation
    titles first), the language comes from the URL, which stores the switch's visible label
    (``?lang=中文``), or, in a hand-written link, the code (``?lang=zh``), so a
    shared Chinese link shows Chinese titles from the first run.
    """
    value = st.session_state.get(LANG_KEY)
    if value is None:
        label = st.query_params.get(LANG_KEY)
        value = {name: code for code, name in LANG_NAMES.items()}.get(label, label)
    return value if value in LANGS else LANGS[0]


def tr(key: str, **fmt: Any) -> str:
    """Translate ``key`` into the current language (see :func:`rnnviz.i18n.t`)."""
    return t(key, lang(), **fmt)


def page_title(key: str) -> None:
    """The page's title ``tr(key)``: a ``"Head: tail"`` title shows the head as the title and the tail
    as a subtitle under it (:func:`rnnviz.text.split_title`); the CSS of ``.st-key-rv_subtitle`` is in app.py."""
    head, tail = split_title(tr(key))
    if not tail:
        st.title(head, anchor=False)
        return
    # The subtitle's size, colour and place are in the elements (a level-3 heading, grey, no gap above it), not in
    # app.py's CSS: that applies once Streamlit has loaded a chunk lazily, after the title is drawn, and the
    # subtitle (with everything below it) moved 12 px when it did; the CSS only sets its weight (normal).
    with st.container(key="rv_title", gap=None):
        st.title(head, anchor=False)
        st.container(key="rv_subtitle").subheader(f":gray[{plain_markdown(tail)}]", anchor=False)


def language_selector() -> str:
    """Sidebar language switch, bound to ``?lang=`` so a shared URL keeps the language."""
    st.sidebar.selectbox(
        t("common.language", lang()),
        options=list(LANGS),
        format_func=lambda code: LANG_NAMES[code],
        key=LANG_KEY,
        bind="query-params",
        persist_state="session",
        help=t("common.language_help", lang()),
    )
    return lang()


def apply_preset(values: Mapping[str, Any]) -> None:
    """Callback: write a preset's widget values into session state (before widgets are drawn)."""
    for key, value in values.items():
        st.session_state[key] = value


def preset_buttons(presets: Mapping[str, tuple[str, str, Mapping[str, Any]]], *, where=None) -> None:
    """One button per preset: ``{name: (label_key, help_key, {widget key: value})}``.

    The buttons use ``on_click`` callbacks, which run before the script, so the widgets
    drawn afterwards already show the preset values (and their URL parameters follow).
    """
    where = where or st.sidebar
    where.markdown(f"**{tr('common.presets')}**")
    for name, (label_key, help_key, values) in presets.items():
        where.button(
            tr(label_key),
            key=f"preset_{name}",
            help=tr(help_key),
            on_click=apply_preset,
            args=(dict(values),),
            width="stretch",
        )


EXPORT_FORMAT_KEY = "ex_format"
EXPORT_FORMATS = ("png", "svg")
# the same labels in every language: a bound selectbox writes its label into the URL
EXPORT_FORMAT_LABELS = {"png": "PNG 2x", "svg": "SVG"}


def export_format_selector() -> str:
    """Sidebar choice of what every chart's camera button saves (PNG at 2x or SVG), bound to the URL.

    Plotly's modebar has one image button and Streamlit passes the config as JSON (no custom
    buttons with JavaScript callbacks), so the format is one app-wide choice read by :func:`chart`.
    """
    st.sidebar.selectbox(tr("export.format"), EXPORT_FORMATS, key=EXPORT_FORMAT_KEY, bind="query-params",
                         format_func=EXPORT_FORMAT_LABELS.get, help=tr("export.format_help"))
    return export_format()


def export_format() -> str:
    value = st.session_state.get(EXPORT_FORMAT_KEY)
    return value if value in EXPORT_FORMATS else EXPORT_FORMATS[0]


def chart_config(key: str | None, fmt: str = "png") -> dict:
    """:func:`rnnviz.export.chart_config` in the page's language, imported on first use: rnnviz.export imports
    NumPy, and the router (which imports this module) must not wait for NumPy before it asks the browser for
    plotly.js (:func:`prefetch_plotly`). A chart is drawn after NumPy is imported under the import lock."""
    from rnnviz.export import chart_config as config

    return config(key, fmt, lang())


_PLOTLY_TIP = ".stApp .js-plotly-plot .plotly .modebar-btn[data-title{}]::after"


def plotly_css() -> str:
    """CSS for the words plotly.js draws outside the figure: its tooltips and notices take the app's Chinese font
    after plotly's own ("Open Sans", verdana, arial: no CJK characters, so a browser without a CJK font drew the
    Chinese tooltips of :func:`rnnviz.i18n.plotly_words.locale_config` as boxes); and the title of the button
    Streamlit adds to every modebar ("Fullscreen" / "Close fullscreen", a plain string that plotly.js does not
    look up in the chart's locale) drawn in the page's language over it. For app.py's style sheet."""
    css = (f"{_PLOTLY_TIP.format('')},.plotly-notifier .notifier-note"
           "{font-family:'Open Sans',verdana,arial,rnnviz-cjk,sans-serif}")
    if lang() != LANGS[0]:
        for key in ("plotly.fullscreen", "plotly.close_fullscreen"):
            english = t(key, LANGS[0])
            css += f"{_PLOTLY_TIP.format('=' + json.dumps(english))}{{content:{json.dumps(tr(key), ensure_ascii=False)}}}"
    return css


def chart(fig, name: str | None = None, *, where=None, **kwargs) -> None:
    """``st.plotly_chart`` with the app's own look: full width, ``theme=None``, and the export config.

    Streamlit's default plotly theme overrides the figure's fonts and colours (grey 12 px tick
    labels, too small for a projector); ``theme=None`` keeps :data:`rnnviz.plots.style.TEMPLATE`.
    The image file name comes from ``name`` (a key of :data:`rnnviz.export.FIGURE_NAMES`), else
    from the chart's ``key``.
    """
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("theme", None)
    kwargs.setdefault("config", chart_config(name or kwargs.get("key"), export_format()))
    (where or st).plotly_chart(fig, **kwargs)


def downloads(*exports, key: str = "dl") -> None:
    """CSV and JSON download buttons for each :class:`rnnviz.export.Export` (``None`` entries are
    skipped), in a collapsed expander. The files are built only when a button is clicked."""
    from rnnviz import export as ex

    exports = [e for e in exports if e is not None]
    if not exports:
        return
    with st.expander(tr("export.numbers"), icon=":material/download:"):
        st.caption(tr("export.numbers_note", rows=", ".join(str(e.rows) for e in exports)))
        for i, e in enumerate(exports):
            c1, c2 = st.columns(2)
            c1.download_button(tr("export.csv", name=f"{e.name}.csv"), (lambda e=e: ex.to_csv(e)),
                               file_name=f"{e.name}.csv", mime="text/csv", key=f"{key}_{i}_csv",
                               help=tr("export.csv_help"), on_click="ignore", icon=":material/table:")
            c2.download_button(tr("export.json", name=f"{e.name}.json"), (lambda e=e: ex.to_json(e)),
                               file_name=f"{e.name}.json", mime="application/json", key=f"{key}_{i}_json",
                               help=tr("export.json_help"), on_click="ignore", icon=":material/data_object:")


def latex_lines(lines, *, nested: bool = False) -> None:
    """Equations drawn with ``st.latex``, then their source in a code box with a copy button:
    in a collapsed expander, or (``nested=True``, already inside an expander, which Streamlit
    cannot nest) under a caption."""
    lines = [tex_words(line, lang()) for line in lines]  # the words inside \text{} in the page's language
    for line in lines:
        st.latex(line)
    if not lines:
        return
    if nested:
        st.caption(tr("export.latex"))
        st.code("\n".join(lines), language="latex")
    else:
        with st.expander(tr("export.latex"), icon=":material/content_copy:"):
            st.code("\n".join(lines), language="latex")


def show_error(exc: BaseException) -> None:
    """Show a user-facing error (a ``ValueError`` from the compute layer) as a red box.

    The message is shown as the characters it is (:func:`rnnviz.text.quote`): it may carry text
    a user typed or a link carried, which must never become a link, an image or formatting.
    """
    st.error(f"{tr('common.error_prefix')}: {quote(exc, limit=600)}", icon=":material/error:")


@contextmanager
def user_errors() -> Iterator[None]:
    """``with user_errors(): ...`` turns ``ValueError`` into :func:`show_error` and stops the page.

    Other exceptions are bugs and propagate (the tests must see them).
    """
    try:
        yield
    except ValueError as exc:
        show_error(exc)
        st.stop()


UPLOAD_MB = 4  # = server.maxUploadSize: the largest train-live model file fits (tests/unit/test_upload_cap.py)
"""Each model uploader's own limit (MB), equal to the server's ``maxUploadSize``."""


def uploader_words(key: str, mb: int, types: tuple[str, ...] = ()) -> None:
    """The words Streamlit 1.67 draws in the drop zone of the file uploader ``key`` ("Upload", "4MB per file •
    PT, PTH": ``mb`` and the accepted ``types``) in the page's language. Streamlit has them in English only, so
    outside English a style sheet hides them and draws the catalog's (``byo.dropzone_*``) in their place. Call
    next to the uploader. The style's own element is hidden by app.py's CSS (its class ``rv-css``)."""
    if lang() == LANGS[0]:
        return
    zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    limit = tr("byo.dropzone_limit", mb=mb) + (" • " + ", ".join(x.upper() for x in types) if types else "")
    words = {f"{zone} button [data-testid='stMarkdownContainer'] p": (tr("byo.dropzone_button"), "1rem"),
             f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span": (limit, "0.875rem")}
    css = "".join(f"{sel}{{font-size:0}}{sel}::after{{content:{json.dumps(text, ensure_ascii=False)};font-size:{size}}}"
                  for sel, (text, size) in words.items())
    st.markdown(f"<style class='rv-css'>{css}</style>", unsafe_allow_html=True)


def upload_section(prefix: str):
    """The sidebar expander "Your own model" of a lab (open while an uploaded model is kept)."""
    return st.sidebar.expander(tr("byo.section"), expanded=f"{prefix}_byo" in st.session_state,
                               icon=":material/upload_file:")


def upload_field(prefix: str, help_key: str = "byo.upload_help", check=None):
    """The uploader of a ``.pt`` model file: each new file is read once by :func:`rnnviz.byo.load_upload`
    (the one safe loader) and, if ``check(upload)`` (a lab's own requirement) raises no ``ValueError``,
    kept in ``st.session_state[f"{prefix}_byo"]``. A bad file is reported with :func:`show_error`
    naming the problem, and the model kept before (if any) stays. Returns the kept model or ``None``."""
    store, done = f"{prefix}_byo", f"{prefix}_byo_done"
    up = st.file_uploader(tr("byo.upload"), type=["pt", "pth"], key=f"{prefix}_byo_file",
                          help=tr(help_key, mb=UPLOAD_MB), max_upload_size=UPLOAD_MB)
    uploader_words(f"{prefix}_byo_file", UPLOAD_MB, ("pt", "pth"))
    if up is not None and st.session_state.get(done) != up.file_id:
        import_heavy_libraries()  # torch: only once a file is uploaded (a lab's first chart needs none)
        from rnnviz import byo

        st.session_state[done] = up.file_id
        # "Cannot use this file: ..." (show_error's "Cannot show this setting" named no setting here)
        def refused(exc: ValueError) -> None:
            st.error(tr("byo.upload_error", msg=quote(exc, limit=600)), icon=":material/error:")

        try:
            mine = byo.load_upload(up.getvalue(), name=up.name, max_bytes=UPLOAD_MB * 1024 * 1024)
        except byo.CheckpointError as exc:
            refused(exc)
        else:
            try:
                if check is not None:
                    check(mine)
                st.session_state[store] = mine
            except ValueError as exc:  # the lab's own requirement
                refused(exc)
    return st.session_state.get(store)


def model_upload(prefix: str):
    """The sidebar section "Your own model" of a lab: an uploader of a ``.pt`` state_dict, which model
    is in use, the layer to inspect, and a way back to the lab's own models.

    The checked model (:func:`rnnviz.byo.load_upload`, the one safe loader) is kept in
    ``st.session_state[f"{prefix}_byo"]``, so reruns keep it; a bad file is reported with
    :func:`show_error` naming the problem, and the model in use (if any) stays.

    Returns ``(upload, layer)`` or ``None`` when the lab's own models are in use.
    """
    store = f"{prefix}_byo"
    with upload_section(prefix):
        mine = upload_field(prefix)
        if mine is None:
            st.caption(tr("byo.shipped"))
            return None
        import_heavy_libraries()
        from rnnviz.labs.byo import describe

        d = describe(mine)
        st.markdown(tr("byo.in_use", **{**d, "name": quote(d["name"], limit=80)},
                       vocab=tr("byo.vocab", V=d["V"]) if d["V"] else ""))
        layer = 0
        if mine.num_layers > 1:
            layer = st.selectbox(tr("byo.layer"), list(range(mine.num_layers)), index=mine.num_layers - 1,
                                 key=f"{prefix}_byo_layer_{mine.digest[:8]}", help=tr("byo.layer_help"))
        if st.button(tr("byo.back"), key=f"{prefix}_byo_back", help=tr("byo.back_help"), icon=":material/undo:"):
            del st.session_state[store]
            st.rerun()
    return mine, int(layer)


def explain(what_key: str, latex: list[str] | tuple[str, ...] = (), *, expanded: bool = True, later: bool = False):
    """The "what you are seeing" paragraph and the equations of what is plotted.

    Pages that put it above their main figure pass ``expanded=False``, so the figure is on the
    first screen of a 1280x720 projector; the two closed expanders then sit side by side (one row).
    With ``later=True`` the (closed) equations expander is drawn empty and the function returned fills it:
    a page calls it at its end, so on a first visit the browser loads the equations' code box (Streamlit's
    1.5 MB syntax highlighter, ~0.7 s of a busy CPU) after the page's charts, not before its first one.
    """
    cols = st.columns(2) if (latex and not expanded) else (st.container(), st.container())
    with cols[0].expander(tr("common.what_you_see"), expanded=expanded):
        st.markdown(tr(what_key))
    if not latex:
        return lambda: None
    box = cols[1].expander(tr("common.equations"), expanded=False)

    def draw() -> None:
        with box:
            latex_lines(latex, nested=True)

    if not later:
        draw()
    return draw


# ----------------------------------------------------------------------------- URL values
def url_notice(param: str, value, exc: urlparams.BadURLValue) -> None:
    """The short notice naming a URL parameter whose value was ignored (the values quoted as data)."""
    shown = value if isinstance(value, str) else "&".join(value)
    st.warning(tr("url.ignored", param=quote(param), value=quote(shown, limit=40),
                  why=tr(exc.why, **{k: quote(v) if k == "options" else v for k, v in exc.fmt.items()})),
               icon=":material/link_off:")


def url_int(param: str) -> int | None:
    """``?param=`` as a whole number, or ``None`` if the URL has none, for a choice that no widget is bound to
    (a step or unit picked in the browser by the live component). A value that is not a whole number is named
    in a notice (:func:`url_notice`) and removed from the URL; a number out of the page's range is the page's
    to clamp, and :func:`url_records` then writes the clamped value back."""
    raw = st.query_params.get(param)
    if raw is None:
        return None
    try:
        return int(float(urlparams.check(urlparams.Spec("int"), raw)))
    except urlparams.BadURLValue as exc:
        del st.query_params[param]
        url_notice(param, raw, exc)
        return None


def url_records(param: str, value, default=None) -> None:
    """The URL records ``value`` of a choice no widget is bound to: written if ``?param=`` differs from it and
    the URL names the parameter or ``value`` is not ``default`` (a default is not added to a clean link)."""
    if st.query_params.get(param) != str(value) and (param in st.query_params or value != default):
        st.query_params[param] = str(value)


@functools.lru_cache(maxsize=1)
def url_guard_js() -> str:
    """The browser's URL guard (``rnnviz/assets/live/url.js``: ``guardUrl``, ``historyCall``, ...) as the top of a
    module of its own (the plotly prefetch's, :func:`prefetch_plotly`, on every page): the live charts' module has
    the same part, and whichever runs first wraps ``history`` (``window.__rnnvizLive.urlGuard``).

    Why in the browser: Streamlit 1.67 writes a script run's query string with ``history.pushState`` (a new entry)
    whenever it differs from the URL outside a Back/Forward navigation, and on a page change it sends the new
    page's query string (the old page's bound params removed) while the URL is still the old page's, so Back lost
    the old page's settings; the frontend builds the new page's URL from that message, so the server cannot leave
    it out. url.js writes a run's query string into the page's own entry (replaceState) and drops the one that
    would overwrite the page being left."""
    from rnnviz.live_js import LIVE_DIR

    return ("const live = (window.__rnnvizLive = window.__rnnvizLive || { updates: {}, value: {} });\n"
            + (LIVE_DIR / "url.js").read_text(encoding="utf-8") + "\n")


def _install_url_guard() -> None:
    """Check every bound widget's URL value before Streamlit seeds the widget from it.

    Streamlit 1.67 has no hook for this, so its one seeding function,
    ``SessionState._seed_widget_from_url`` (see :mod:`rnnviz.urlparams` for what it does with
    ``inf`` and translated labels), is wrapped once per process: a value the widget can take is
    passed on in the form the widget expects (a raw option name becomes the option's label in
    the current language); any other value is removed from the URL, named in a notice, and the
    widget keeps its default. Pages need no change: every widget with ``bind="query-params"``
    is covered, including those added later. ``tests/pages/test_url_values.py`` walks them all.
    """
    from streamlit.runtime.state.query_params import is_empty_url_value
    from streamlit.runtime.state.session_state import SessionState

    original = SessionState._seed_widget_from_url
    if getattr(original, "rnnviz_guard", False):
        return

    def seed_widget_from_url(self, metadata, user_key, widget_id, url_value):
        spec = urlparams.spec_of(metadata, variants)
        if spec is not None and not is_empty_url_value(url_value):
            try:
                url_value = urlparams.check(spec, url_value)
            except urlparams.BadURLValue as exc:
                self._clear_url_param(user_key)
                url_notice(user_key, url_value, exc)
                return False
        return original(self, metadata, user_key, widget_id, url_value)

    seed_widget_from_url.rnnviz_guard = True
    SessionState._seed_widget_from_url = seed_widget_from_url


_install_url_guard()


_HEAVY_IMPORT_LOCK = threading.Lock()
_HEAVY_IMPORTED = threading.Event()
_LIGHT_IMPORTED = threading.Event()
_NUMPY_IMPORTED = threading.Event()


@functools.lru_cache(maxsize=1)
def _plotly_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk (``PlotlyChart.<hash>.js``), or ``None`` if not exactly one."""
    from pathlib import Path

    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


_PREFETCH_JS = """export default function () {
  if (%s === null) return;
  if (window.__rnnvizPlotly || window.__rnnvizPlotlyWait) return;
  const main = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!main) return;
  const load = () => { window.__rnnvizPlotly = import(new URL(%s, main.src).href).catch(() => null); };
  if (!%s) return load();
  // after the page's first picture (the run goes on while the browser evaluates plotly.js, one long task)
  const app = document.querySelector('[data-testid="stApp"]'), until = performance.now() + %d;
  window.__rnnvizPlotlyWait = setInterval(() => {
    const pic = document.querySelector("[class*='st-key-rv_place_'] img");
    if ((pic && pic.complete) || (app && app.getAttribute('data-test-script-state') === 'notRunning')
        || performance.now() > until) { clearInterval(window.__rnnvizPlotlyWait); load(); }
  }, 20);
}
"""
_prefetch_components: dict = {}
PREFETCH_WAIT_MS = 2500
"""At most this long after the router is drawn, a page that draws a shipped picture waits for it (its run may
end, or the picture not be shipped, sooner) before the browser evaluates plotly.js (:func:`prefetch_plotly`)."""


def plotly_chunk_url() -> str | None:
    """Where Streamlit serves its plotly chunk, relative to the app's base URL (as its own index.html names
    its scripts: ``static/js/...``), or ``None`` if this Streamlit build has no single plotly chunk."""
    name = _plotly_chunk()
    return None if name is None else f"static/js/{name}"


def prefetch_js(name: str | None, after_picture: bool) -> str:
    """The prefetch component's module (:data:`_PREFETCH_JS`; ``name``: the plotly chunk, ``None``: none to load),
    which also installs the browser's URL guard (:func:`url_guard_js`) when it mounts."""
    js = _PREFETCH_JS % (json.dumps(name), json.dumps(name), json.dumps(after_picture), PREFETCH_WAIT_MS)
    return url_guard_js() + js.replace("export default function () {", "export default function () {\n  guardUrl();", 1)


def prefetch_plotly(after_picture: bool = False) -> None:
    """Have the browser load and run plotly.js now, in parallel with the page's script run.

    Streamlit's frontend loads its 4.7 MB plotly chunk only when the first chart arrives, and running it
    takes the browser 1.5-2.5 s on a busy 2-core machine: on a first visit that is most of the time to the
    first chart. This imports the same chunk (same URL: Streamlit's own file beside its main bundle, so
    the browser's module map returns the already evaluated module when the chart needs it) as soon as
    the router draws, from a custom component (``st.components.v2``: its script is a module the browser
    runs when the element mounts; an ``st.html`` script ran later, after the lazily loaded Html element
    and its sanitizer). app.py's CSS also names the chunk in a ``<link rel="modulepreload">``, which
    starts the download (not the run) as soon as that CSS is drawn, before this component has mounted.
    Nothing is drawn (the element is hidden, see app.py's CSS); nothing leaves this server; a missing
    chunk (another Streamlit build) just skips it. The same script installs the browser's URL guard
    (:func:`url_guard_js`) on every page, with or without a live chart.

    ``after_picture``: for a page that draws a chart's shipped picture (:func:`chart_place`) first. Running
    plotly.js is one long task of the browser's main thread: whatever arrives meanwhile (the title, the
    picture) is drawn only after it (measured: the step-through page's title at 4.7 s, the chunk run from 2.8
    to 4.6 s). So the run starts once the picture is drawn, or the script run has ended, or at most
    :data:`PREFETCH_WAIT_MS` after the router."""
    name = _plotly_chunk()
    if after_picture not in _prefetch_components:  # the chunk's name is in the script: no ``data`` (a first call
        # with data imports pandas and pyarrow, ~1 s, outside the import lock of import_light_libraries)
        js = prefetch_js(name, after_picture)
        _prefetch_components[after_picture] = st.components.v2.component(
            "rnnviz_prefetch_after_picture" if after_picture else "rnnviz_prefetch", js=js)
    _prefetch_components[after_picture](key="rv_prefetch", height="content")


def _outgoing_queue():
    """This script run's session's queue of messages not yet sent to the browser, or None where there is none
    (AppTest, a bare script). Streamlit has no public way to read it: this is private state (the runtime's
    ``_session_mgr``, the session's ``_browser_queue``), pinned on the installed Streamlit by
    tests/unit/test_send_drawn.py, so an upgrade that renames a piece fails a test instead of silently turning
    :func:`send_drawn` into a fixed sleep."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    try:
        info = Runtime.instance()._session_mgr.get_session_info(ctx.session_id)
        return info.session._browser_queue if info is not None else None
    except AttributeError:  # another Streamlit build: send_drawn is then a short sleep (the test above fails)
        return None


def send_drawn(timeout: float = 0.5) -> None:
    """Let the server send what this script run has drawn so far, before a first import of a large package.

    A session's messages go to the browser from the server's event-loop thread; while a script thread imports
    pandas or torch for the first time, that thread barely runs (measured on a fresh server: the title and a
    chart's picture, drawn before pandas' import, reached the browser only when the import ended, 0.5-1.2 s
    later). This sleeps (the sleep lets the event loop run) until the session's outgoing queue
    (:func:`_outgoing_queue`) is empty and one more moment for its last batch to be written, at most ``timeout``
    seconds; with no queue (AppTest), only that moment."""
    import time

    deadline = time.monotonic() + timeout
    queue = _outgoing_queue()
    while queue is not None and not queue.is_empty() and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.02)


def import_numpy() -> None:
    """Import NumPy once per process under the import lock of :func:`import_heavy_libraries` (a page's light
    modules need it before the page's title: it takes 0.1 s; pandas and plotly's figures, 0.5-1.2 s, come with
    the first chart, :func:`import_light_libraries`, after the title and the chart's picture are sent)."""
    if _NUMPY_IMPORTED.is_set():
        return
    with _HEAVY_IMPORT_LOCK:
        import numpy  # noqa: F401

        _NUMPY_IMPORTED.set()


def import_light_libraries() -> None:
    """Import NumPy, pandas and plotly (what a shipped first chart needs, :func:`shipped_chart`) once per
    process, under the same lock as :func:`import_heavy_libraries`, for the same reason: plotly and torch
    both import NumPy, and a first import of plotly in one script thread while another imports torch could
    hand one of them a partially initialised module.

    pandas is in the set although the chart does not need it: plotly's validators look it up with
    ``sys.modules.get("pandas")`` (``_plotly_utils.basevalidators.is_homogeneous_array``), with no import
    lock, so a chart drawn while another script thread is importing pandas met the half-built module
    ("partially initialized module 'pandas' has no attribute 'Series'", seen in the 8-deep-link
    first-load test). Imported here, pandas is complete before any chart is built."""
    if _LIGHT_IMPORTED.is_set():
        return
    send_drawn()  # what the page has drawn reaches the browser now, not after the import
    with _HEAVY_IMPORT_LOCK:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import plotly.graph_objects as go
        import plotly.io as pio

        pio.to_json(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), validate=False)  # plotly's lazy parts, once
        _LIGHT_IMPORTED.set()


def shipped_chart(chart_key: str, config: tuple, **kwargs) -> bool:
    """Draw the chart ``chart_key`` for the settings ``config`` (a config tuple) from the figure shipped
    for it (:mod:`rnnviz.first_charts`: a lab's default settings, computed by the same code and checked
    equal by tests/unit/test_first_charts.py), before torch is imported. Returns ``False`` (nothing
    drawn) when nothing is shipped for ``config``: the page then draws the chart it computes."""
    from rnnviz import first_charts

    shipped = first_charts.lookup(chart_key, config, lang())
    if shipped is None:
        return False
    if _LIGHT_IMPORTED.is_set():
        chart(shipped, key=chart_key, **kwargs)
        return True
    # The first time: the chart needs NumPy and plotly (0.1 s), not pandas (0.3-0.8 s, which
    # import_light_libraries adds for the charts drawn while other script threads import). pandas is imported
    # only under the import lock, so no other thread is importing it while this one holds the lock: the chart
    # is built and sent under it, and goes to the browser before pandas and torch are imported.
    send_drawn()
    import_numpy()
    with _HEAVY_IMPORT_LOCK:
        import plotly.graph_objects  # noqa: F401

        chart(shipped, key=chart_key, **kwargs)
    return True


def chart_place(chart_key: str, config: tuple):
    """The place of the chart ``chart_key`` (a container; draw the chart into it: ``where=``), holding first
    the shipped picture of the chart when one is shipped for the settings ``config``
    (:func:`rnnviz.first_charts.picture`), else nothing.

    On a first visit the browser takes 1.5-2.5 s to load plotly.js after the chart arrives; the picture (a plain
    Markdown image, drawn as soon as it arrives) shows the chart meanwhile. app.py's CSS lays the picture and
    the chart in one grid cell (``[class*='st-key-rv_place_']``), so the chart is drawn over the picture in the
    same place and size (a 1280x720 window: where the picture was drawn) and hides it once plotted."""
    from rnnviz import first_charts

    place = st.container(key=f"rv_place_{chart_key}")
    pic = first_charts.picture(chart_key, config, lang())
    if pic is None:
        place.empty()  # the chart is always the place's second element
    else:
        place.markdown(f"![]({pic['url']})")  # (no alt text: the chart itself follows in the same place)
    return place


def held_place(key: str, min_height: int):
    """A container at least ``min_height`` CSS px high from its first paint on (draw into the returned one).

    On a first visit the controls above a lab's first chart change height while the page loads: Streamlit
    draws a lazily loaded widget as a short grey skeleton first, a readout arrives with the computation, and
    the live component that replaces a slider is taller than it. Everything below (the chart, its shipped
    picture) moved down with each (the vanishing chart ~107 px, the step-through diagram ~37 px). app.py's CSS
    cannot hold the place: it applies only once Streamlit has loaded a chunk lazily, after the title is drawn.
    So the height is in the elements themselves: a row of the content's container and an empty ``min_height`` px
    high container (a strut at the right; asked 1 px wide, it is drawn 16 px wide: Streamlit's minimum, as measured
    in Chromium, not a width of ours); the row is as high as the higher of the two. ``min_height`` is the content's
    final height at a 1280x720 window, the higher of English and Chinese (a first chart that does not move:
    tests/e2e/test_first_load_e2e.py); taller content (a narrow window, a long text) makes the row taller, as
    without it."""
    row = st.container(key=f"rv_hold_{key}", horizontal=True, gap=None, wrap=False)
    held = row.container(width="stretch", key=f"rv_held_{key}")
    row.container(height=min_height, width=1, border=False)  # at the right: the content starts where the page's does
    return held


def shipped_extra(chart_key: str, config: tuple) -> dict | None:
    """The values shipped with the chart ``chart_key`` for the settings ``config`` (what its page writes
    above it, :func:`rnnviz.first_charts.lookup_extra`), or ``None`` when nothing is shipped for ``config``.
    Imports nothing heavy."""
    from rnnviz import first_charts

    return first_charts.lookup_extra(chart_key, config, lang())


def import_heavy_libraries() -> None:
    """Import torch, NumPy, pandas and plotly once per process, one script thread at a time.

    app.py calls this after ``st.navigation`` (the router is drawn first) and before the page runs;
    the first time, a spinner says what is loading (torch alone takes seconds on a busy machine).
    On a fresh server several sessions start at once, each in its own script thread, and each page
    would otherwise import these large packages concurrently. CPython's per-module import locks detect
    the lock-order cycles that arise between threads importing interdependent packages and, to break
    them, hand one thread a *partially initialised* module (``importlib._bootstrap._lock_unlock_module``
    swallows ``_DeadlockError``): seen here as "partially initialized module 'pandas'". Under this lock
    one thread imports the whole set while the others wait, then find every module complete.
    """
    if _HEAVY_IMPORTED.is_set():
        return
    import_light_libraries()
    send_drawn()
    with st.spinner(tr("common.loading_libraries")), _HEAVY_IMPORT_LOCK:
        import pandas  # noqa: F401
        import torch

        # rnnviz's models are tiny: one torch thread is faster than two that spin waiting for each
        # other (measured on 2 cores: 0.8 s instead of 12.7 s for 60 GRU training steps); set once per
        # process, so concurrent sessions never change it under each other's feet.
        if torch.get_num_threads() != 1:
            torch.set_num_threads(1)
        _HEAVY_IMPORTED.set()


# ----------------------------------------------------------------------------- lectures (rnnviz.lecture)
LECTURE_KEY = "lc_lecture"  # the session's lecture (rnnviz.lecture.Lecture), not a widget
PRESENT_KEY = "lc_scene"  # index of the scene being presented, or None
GOTO_KEY = "lc_goto"  # set by a button callback: (Scene whose URL the browser opens next, its number in the
#                      lecture (1-based), or None for the lecture page)
_PAGES_DIR = __import__("pathlib").Path(__file__).resolve().parents[1] / "app_pages"

# Clicker keys -> the presenter's buttons, and the bar's buttons -> their scene's URL. Static script (no user text
# in it), installed once per browser tab:
# - a clicker key (PageDown/PageUp, arrows) clicks the button whose Streamlit key class is st-key-lc_next /
#   st-key-lc_prev, unless the key is typed into a field or moves a slider;
# - Previous / Next / Exit open the URL the bar wrote for them (the hidden .rv-scenes element, data-prev/-next/-exit,
#   see present_bar) as a history navigation in the browser, so a scene change is one script run, the new page's,
#   not a run of the old page first (request_scene, _navigate). Only when the page is at rest (Streamlit's run state
#   "notRunning": no run of the old page can write its query string over the new URL afterwards, see _NAVIGATE_JS)
#   and the bar is the URL's scene; otherwise the click goes on to Streamlit, which asks the server. While a scene
#   opens, a further press is dropped (one press, one scene), until the new page shows its bar at rest;
# - Present asks the browser for full screen (allowed inside a click); Exit leaves it.
_KEYS_JS = """<script>
if (!window.__rnnvizClicker) {
  window.__rnnvizClicker = true;
  const NEXT = new Set(["PageDown", "ArrowRight", "ArrowDown"]), PREV = new Set(["PageUp", "ArrowLeft", "ArrowUp"]);
  document.addEventListener("keydown", (ev) => {
    const el = ev.target;
    if (ev.altKey || ev.ctrlKey || ev.metaKey || (el && el.closest &&
        el.closest("input, textarea, select, [contenteditable], [role=slider], [role=combobox], [role=listbox], .js-plotly-plot"))) return;
    const which = NEXT.has(ev.key) ? "lc_next" : PREV.has(ev.key) ? "lc_prev" : null;
    const btn = which && document.querySelector(".st-key-" + which + " button");
    if (btn && !btn.disabled) { ev.preventDefault(); btn.click(); }
  }, true);
  const app = document.querySelector('[data-testid="stApp"]');
  const runState = () => (app && app.getAttribute("data-test-script-state")) || "";
  // at rest: no run going, and the bar on the screen is the one of the URL's scene (drawn by the last run)
  const atRest = (bar) => runState() === "notRunning" && !!bar
    && new URLSearchParams(location.search).get("lc_scene") === bar.getAttribute("data-scene");
  // a scene URL opened here, until the page is at rest again (checked at the next press: a short run can go from
  // notRunning to running and back within one render, with no change of the attribute to watch)
  let opening = null;
  const SCENE_BUTTONS = [["lc_prev", "data-prev"], ["lc_next", "data-next"], ["lc_exit", "data-exit"]];
  const openScene = (ev, t) => {
    const hit = SCENE_BUTTONS.find(([key]) => t.closest(".st-key-" + key + " button"));
    if (!hit) return;
    const btn = t.closest("button"), bar = document.querySelector(".rv-scenes");
    if (opening && atRest(bar)) opening = null;
    if (opening) { ev.preventDefault(); ev.stopImmediatePropagation(); return; }
    const url = bar && bar.getAttribute(hit[1]);
    if (btn.disabled || !url || !atRest(bar)) return;
    ev.preventDefault(); ev.stopImmediatePropagation();
    const mine = (opening = {});
    setTimeout(() => { if (opening === mine) opening = null; }, 20000);  // never stuck if no run follows
    window.__rnnvizScenesOpened = (window.__rnnvizScenesOpened || 0) + 1;  // read by the tests
    history.pushState(null, "", location.pathname.replace(/[^/]*$/, "") + url);
    window.dispatchEvent(new PopStateEvent("popstate"));
  };
  document.addEventListener("click", (ev) => {
    const t = ev.target && ev.target.closest ? ev.target : null;
    if (!t) return;
    if (t.closest(".st-key-lc_present button, [class*=st-key-lc_open_] button")) {
      if (!document.fullscreenElement && document.documentElement.requestFullscreen)
        document.documentElement.requestFullscreen().catch(() => {});
    } else if (t.closest(".st-key-lc_exit button") && document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    }
    openScene(ev, t);
  }, true);
}
</script>"""
_PRESENT_CSS = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stExpandSidebarButton],
[data-testid=stHeader], [data-testid=stSidebarNav] {display: none !important;}
[data-testid=stMainBlockContainer] {padding-top: 0.6rem !important; max-width: 100% !important;}
</style>"""


def known_params() -> dict:
    """Each page's URL parameters (read once from the page sources), see :func:`rnnviz.lecture.page_params`."""
    from rnnviz import lecture as L

    @st.cache_resource(show_spinner=False)
    def _known(path: str) -> dict:
        return L.page_params(path)

    return _known(str(_PAGES_DIR))


def current_lecture():
    from rnnviz.lecture import Lecture

    lec = st.session_state.get(LECTURE_KEY)
    if lec is None:
        lec = st.session_state[LECTURE_KEY] = Lecture()
    return lec


def current_view_params() -> dict:
    """The page's URL state: ``{name: value}`` (a list for a repeated parameter)."""
    out = {}
    for k in st.query_params:
        values = st.query_params.get_all(k)
        out[k] = values if len(values) > 1 else values[0]
    return out


def add_view_button(page_url: str, page_title: str) -> None:
    """Sidebar button: append the current page and its URL state to the session's lecture."""
    from rnnviz.lecture import PAGE_PREFIX, Scene

    if page_url not in PAGE_PREFIX or st.session_state.get(PRESENT_KEY) is not None:
        return
    if st.sidebar.button(tr("lecture.add_view"), key="lc_add_view", help=tr("lecture.add_view_help"),
                         icon=":material/playlist_add:", width="stretch"):
        lec = current_lecture()
        params = {k: v for k, v in current_view_params().items() if k in known_params()[page_url]}
        params.setdefault("lang", LANG_NAMES[lang()])
        lec.scenes.append(Scene(page=page_url, params=params, title=page_title))
        st.sidebar.success(tr("lecture.added", n=len(lec.scenes), title=page_title))


def scene_request(target) -> tuple:
    """``(scene, number)`` to open for ``target``: scene ``target`` of the session's lecture (an index, clamped)
    and its 1-based number, or the lecture page and ``None`` for ``"exit"`` (or an empty lecture)."""
    from rnnviz.lecture import Scene

    scenes = current_lecture().scenes
    if target == "exit" or not scenes:
        return Scene(page="lecture", params={"lang": LANG_NAMES[lang()]}), None
    i = min(max(int(target), 0), len(scenes) - 1)
    return scenes[i], i + 1


def request_scene(target) -> None:
    """Button callback: present scene ``target`` (an index), or leave present mode (``"exit"``).

    The browser then opens the scene's URL as a history navigation once this run is over (:func:`_navigate`):
    Streamlit drops the target page's kept widget values and takes them, and the language, from the URL,
    checking each one (an invalid value falls back to the widget's default). The scene presented
    (:data:`PRESENT_KEY`) follows the URL (:func:`_scene_from_url`), so until the new page runs the bar
    names the scene still on the screen. (The bar's buttons usually open their URL in the browser without
    this run, :data:`_KEYS_JS`; this is the way when the page is busy, and the lecture page's way.)"""
    st.session_state[GOTO_KEY] = scene_request(target)


# Opens a scene's URL (``target``, relative to the app's base path) as a history navigation, once the script
# run that asked for it is over. Streamlit applies each run's query string to the browser's *current* URL when
# the message arrives (App.handlePageInfoChanged, replaceState during a history navigation): the old page's run
# goes on after this script, and a query string it sends at its end (URL values collapsed to their defaults,
# bindings removed) written after the new URL was opened put the old page's parameters into the new page's
# history entry (Forward then reopened /stepthrough?...&lc_scene=4, the bar said scene 4 over scene 3's page).
# Waiting for the app's run state (stApp's data-test-script-state, set by Streamlit after it has handled the
# run's messages) to leave running lets every message of the old run land on the old URL. A later request
# replaces a waiting one (a second Next before the first run ended opens only the second scene).
_NAVIGATE_JS = """<script>/* %(n)d */ (() => {
  const n = %(n)d, target = %(target)s;
  window.__rnnvizNav = n;
  const app = document.querySelector('[data-testid="stApp"]');
  const busy = () => /^(running|rerunRequested|stopRequested)$/.test((app && app.getAttribute("data-test-script-state")) || "");
  const go = () => {
    if (window.__rnnvizNav !== n) return;
    window.__rnnvizNav = null;
    history.pushState(null, "", location.pathname.replace(/[^/]*$/, "") + target);
    window.dispatchEvent(new PopStateEvent("popstate"));
  };
  if (!busy()) return go();
  const watch = new MutationObserver(() => { if (!busy()) { watch.disconnect(); go(); } });
  watch.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
})();</script>"""


def navigate_script(n: int, url: str) -> str:
    """The script that opens ``url`` (a scene's URL relative to the app's base path, built by
    :func:`rnnviz.lecture.scene_url`) once this run is over (:data:`_NAVIGATE_JS`); ``n`` numbers the
    requests of a session, so each script is a new element. The URL is passed as a JSON string."""
    import json as _json

    return _NAVIGATE_JS % {"n": int(n), "target": _json.dumps(url).replace("<", "\\u003c")}


def _navigate() -> bool:
    """If a scene change was requested, send the browser to its URL when this run is over
    (:func:`navigate_script`). Returns whether it did."""
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto is None:
        return False
    scene, number = goto
    n = st.session_state["lc_nav_count"] = st.session_state.get("lc_nav_count", 0) + 1
    st.html(navigate_script(n, scene_url(scene, LANG_NAMES[lang()], number)), unsafe_allow_javascript=True)
    return True


def _scene_from_url() -> None:
    """Present the scene the URL names (:data:`rnnviz.lecture.SCENE_PARAM`), or leave present mode when it
    names none. The browser's Back and Forward reopen an earlier URL; without this the presenter's bar kept
    the scene it showed last over another scene's page. A number this session's lecture has no scene for (a
    link opened in another session, a typed URL) is removed from the address, silently: unlike a setting read by
    :func:`url_int`, which names a bad value in a notice, a scene number is the presenter's place, not a choice
    the viewer made, and a stale one only means "not presenting here"."""
    from rnnviz.lecture import SCENE_PARAM

    raw = st.query_params.get(SCENE_PARAM)
    if raw is None:
        st.session_state[PRESENT_KEY] = None
        return
    n = len(current_lecture().scenes)
    k = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 0
    if 1 <= k <= n:
        st.session_state[PRESENT_KEY] = k - 1
    else:
        st.session_state[PRESENT_KEY] = None
        del st.query_params[SCENE_PARAM]


def clicker_script(data: str = "") -> None:
    """Install the clicker keys, the bar's browser-side scene changes and the full-screen switch (a static
    script, once per browser tab). ``data``: the bar's hidden ``.rv-scenes`` element (:func:`present_bar`), in the
    same element as the script, so it takes no room of its own (HTML that is not only styles is a block with a gap)."""
    st.html(data + _KEYS_JS, unsafe_allow_javascript=True)


def present_bar() -> None:
    """The presenter's bar (only in present mode): sidebar hidden, "scene i of n", Previous/Next
    (buttons and clicker keys), Exit, and the speaker note in a collapsed panel. Call before the
    page runs (``app.py``)."""
    if not _navigate():  # a scene asked for in this run: the URL is the old one until the browser opens it
        _scene_from_url()
    i = st.session_state.get(PRESENT_KEY)
    if i is None:
        return
    lec = current_lecture()
    n = len(lec.scenes)
    if not n:
        st.session_state[PRESENT_KEY] = None
        return
    i = min(max(i, 0), n - 1)
    scene = lec.scenes[i]
    # the URLs of Previous / Next / Exit, for the clicker script to open in the browser (hidden data, escaped)
    data = ""
    for name, target in (("prev", i - 1 if i > 0 else None), ("next", i + 1 if i < n - 1 else None), ("exit", "exit")):
        if target is not None:
            to, number = scene_request(target)
            data += f' data-{name}="{html_lib.escape(scene_url(to, LANG_NAMES[lang()], number))}"'
    st.html(_PRESENT_CSS)
    clicker_script(f'<div class="rv-scenes" hidden data-scene="{i + 1}"{data}></div>')
    c1, c2, c3, c4 = st.columns([6, 1.3, 1.3, 1], vertical_alignment="center")
    c1.markdown(f"**{tr('lecture.scene_of', i=i + 1, n=n)}** · {plain_markdown(scene.title)}")
    c2.button(tr("lecture.prev"), key="lc_prev", help=tr("lecture.prev_help"), disabled=i == 0,
              icon=":material/chevron_left:", width="stretch", on_click=request_scene, args=(i - 1,))
    c3.button(tr("lecture.next"), key="lc_next", help=tr("lecture.next_help"), disabled=i == n - 1,
              type="primary", icon=":material/chevron_right:", width="stretch", on_click=request_scene, args=(i + 1,))
    c4.button(tr("lecture.exit"), key="lc_exit", help=tr("lecture.exit_help"), width="stretch",
              on_click=request_scene, args=("exit",))
    if scene.note:
        with st.expander(tr("lecture.note"), icon=":material/speaker_notes:"):
            st.text(scene.note)


# ----------------------------------------------------------------------------- live charts
_LIVE_CSS = """
.rv-select { font-family: var(--st-font, "Source Sans 3", sans-serif); color: var(--st-text-color, #31333f);
             font-size: 1rem; padding-bottom: 0.25rem; }
.rv-row { display: flex; gap: 0.5rem; align-items: baseline; }
.rv-label { font-size: 0.875rem; }
.rv-value { font-weight: 700; color: var(--st-primary-color, #ff4b4b); font-variant-numeric: tabular-nums; }
.rv-main { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
.rv-range { flex: 1 1 14rem; min-width: 10rem; accent-color: var(--st-primary-color, #ff4b4b); height: 1.5rem; margin: 0; }
.rv-buttons { display: grid; grid-template-columns: repeat(4, auto); gap: 0.5rem; }
.rv-buttons button { font: inherit; padding: 0.3rem 0.75rem; min-height: 2.5rem; border-radius: 0.5rem; cursor: pointer;
                     border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); background: var(--st-background-color, #fff);
                     color: inherit; }
.rv-buttons button:hover:not(:disabled) { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
.rv-buttons button.rv-primary { background: var(--st-primary-color, #ff4b4b); color: #fff; border-color: transparent; }
.rv-buttons button.rv-primary:hover:not(:disabled) { color: #fff; filter: brightness(0.92); }
.rv-buttons button:disabled { opacity: 0.45; cursor: not-allowed; }
.rv-caption { font-size: 0.875rem; opacity: 0.7; min-height: 0; }
.rv-multi { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.5rem 1.5rem;
            font-family: var(--st-font, "Source Sans 3", sans-serif); color: var(--st-text-color, #31333f); font-size: 1rem;
            padding-bottom: 0.25rem; }
.rv-cell { display: flex; flex-direction: column; gap: 0.25rem; }
.rv-cell .rv-range { flex: none; width: 100%; }
.rv-live { font-family: var(--st-font, "Source Sans 3", sans-serif); color: var(--st-text-color, #31333f); font-size: 1rem;
           padding-bottom: 0.25rem; }
.rv-live-head { display: flex; align-items: center; gap: 0.4rem; font-size: 0.875rem; min-height: 1.5rem; }
.rv-help { display: inline-flex; align-items: center; justify-content: center; width: 1rem; height: 1rem; border-radius: 50%;
           border: 1px solid currentColor; opacity: 0.55; font-size: 0.7rem; line-height: 1; cursor: help; }
.rv-live-track { position: relative; padding-top: 1.5rem; }
.rv-live-value { position: absolute; top: 0; left: calc(9px + (100% - 18px) * var(--rv-pct, 0)); transform: translateX(-50%);
                 color: var(--st-primary-color, #ff4b4b); font-size: 0.875rem; font-variant-numeric: tabular-nums;
                 white-space: nowrap; pointer-events: none; }
.rv-live input.rv-range { -webkit-appearance: none; appearance: none; display: block; width: 100%; height: 18px; margin: 0;
                          background: transparent; cursor: pointer; }
.rv-live input.rv-range::-webkit-slider-runnable-track { height: 4px; border-radius: 2px; background: linear-gradient(to right,
    var(--st-primary-color, #ff4b4b) 0 calc(9px + (100% - 18px) * var(--rv-pct, 0)), rgba(49, 51, 63, 0.2) 0); }
.rv-live input.rv-range::-webkit-slider-thumb { -webkit-appearance: none; appearance: none; width: 18px; height: 18px;
    margin-top: -7px; border-radius: 50%; border: none; background: var(--st-primary-color, #ff4b4b); }
.rv-live input.rv-range::-moz-range-track { height: 4px; border-radius: 2px; background: rgba(49, 51, 63, 0.2); }
.rv-live input.rv-range::-moz-range-progress { height: 4px; border-radius: 2px; background: var(--st-primary-color, #ff4b4b); }
.rv-live input.rv-range::-moz-range-thumb { width: 18px; height: 18px; border-radius: 50%; border: none;
    background: var(--st-primary-color, #ff4b4b); }
.rv-live input.rv-range:focus { outline: none; }
.rv-live input.rv-range:focus-visible::-webkit-slider-thumb { box-shadow: 0 0 0 0.2rem rgba(255, 75, 75, 0.5); }
.rv-live-ends { display: flex; justify-content: space-between; font-size: 0.875rem; opacity: 0.6; font-variant-numeric: tabular-nums; }
.rv-readout-box { display: grid; margin-top: 0.15rem; font-size: 1rem; font-variant-numeric: tabular-nums; }
.rv-readout-box > * { grid-area: 1 / 1; min-height: 1.5rem; }
.rv-readout-size { visibility: hidden; }
.rv-multi .rv-row { align-items: center; min-height: 1.5rem; }
.rv-multi .rv-help { flex: none; }
.rv-choice-box { position: relative; }
.rv-choice { -webkit-appearance: none; appearance: none; display: block; box-sizing: border-box; width: 100%; height: 2.5rem;
             margin: 0; padding: 0 2.25rem 0 0.75rem; font-family: var(--st-font, "Source Sans 3", sans-serif);
             font-size: var(--st-base-font-size, 1rem); line-height: 1.6; color: var(--st-text-color, #31333f);
             background: var(--st-secondary-background-color, #f0f2f6); cursor: pointer;
             border: 1px solid var(--st-widget-border-color, var(--st-secondary-background-color, #f0f2f6));
             border-radius: var(--st-base-radius, 0.5rem); outline: none; transition: border-color 200ms; }
.rv-choice:hover { border-color: var(--st-border-color, rgba(49, 51, 63, 0.2)); }
.rv-choice:focus, .rv-choice:focus-visible { border-color: var(--st-primary-color, #ff4b4b); }
.rv-choice option { color: var(--st-text-color, #31333f); background: var(--st-background-color, #ffffff); }
.rv-chevron { position: absolute; right: 0.6rem; top: 50%; width: 1.25rem; height: 1.25rem; margin-top: -0.625rem;
              fill: var(--st-text-color, #31333f); opacity: 0.7; pointer-events: none; }
"""
_live_component = None


def katex_url() -> str | None:
    """Where Streamlit serves its own KaTeX module (``static/js/katex.<hash>.js``, relative to the app's
    base URL), for the live component to typeset equations in the browser; ``None`` if this Streamlit
    has none (the page then shows the server's equations after each settled choice)."""
    from pathlib import Path

    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("katex.*.js"))
    return f"static/js/{found[0].name}" if found else None


def drawn_choice(name: str, family: tuple, value):
    """The choice to draw the server's figures of a live component at: the one they were first drawn at
    for ``family`` (what else the figures depend on: settings, language) in this session, else ``value``.

    A choice made in the browser reaches the server when it settles (``live``); that "settle" rerun
    would otherwise draw the charts again for the new choice. Streamlit's element id hashes the figure,
    so a new figure is a new element, and the browser re-creates every chart (a full plotly draw each)
    0.6-0.8 s after the choice, which the browser already shows. Drawn for the same choice, the figure is
    byte-identical: the element is kept and plotly draws nothing; the live component puts the chosen
    frame on it (rnnviz/assets/live/apply.js: applyFrame changes only what differs). A new ``family`` draws ``value`` and remembers it."""
    store = f"_rv_drawn_{name}"
    kept = st.session_state.get(store)
    if kept is not None and kept[0] == family:
        return kept[1]
    st.session_state[store] = (family, value)
    return value


def stacked_group(group: Mapping[str, str], shown: int) -> None:
    """Lay out a live component's stacked group ``{"name", "stack"}`` (select ``groups``, see :func:`live`):
    the containers keyed ``{name}_{k}``, the only children of the container keyed ``stack``, share one grid
    cell, so every k is laid out once and in one place (showing another k moves nothing on the page).
    Until the component is drawn only ``{name}_{shown}`` is visible (the k the charts are drawn at); the
    component then shows the chosen k (rnnviz/assets/live/select.js groups(), which leaves the grid to this
    style). Call it with the same ``group`` the component gets, before the containers are drawn."""
    name, stack = group["name"], group["stack"]
    st.markdown(f"<style class='rv-css'>.st-key-{stack}{{display:grid !important;grid-template-columns:minmax(0,1fr)}}"
                f".st-key-{stack}>*{{grid-area:1/1}}"
                f".st-key-{stack} [class*='st-key-{name}_']:not(.st-key-{name}_{int(shown)}){{visibility:hidden}}</style>",
                unsafe_allow_html=True)


def live_range(widget_key: str, values, shown, readout, label: str, help: str, hide=()) -> dict:
    """The ``range`` part of a live component's data: an own range (rnnviz/assets/live/range.js) that stands in for
    the bound ``st.slider`` with key ``widget_key`` (hidden while the component is on the page, with the
    elements keyed ``hide``). While it is dragged the charts show frame ``i`` of the grid value ``values[i]``
    (``shown[i]``: the value as text; ``readout[i]``: the line under the range); on release the index comes
    back (:func:`pick_into` sets the slider's state), so the slider, its URL parameter and the rest of the
    page follow, and any value the slider gets from the server (a preset, a link) moves the range."""
    values = list(values)
    if not (len(values) == len(shown) == len(readout)) or len(values) < 2:
        raise ValueError("a live range needs at least two values, each with its text and readout")
    return {"key": widget_key, "values": values, "shown": list(shown), "readout": list(readout), "label": label,
            "help": help, "hide": [widget_key, *hide]}


def pick_into(live_key: str, widget_key: str, values) -> Any:
    """The ``on_pick`` callback of :func:`live` for a :func:`live_range`: the index the browser released
    (``st.session_state[live_key].pick``) sets ``st.session_state[widget_key]`` to ``values[index]`` before
    the script runs (as a preset does), so the bound slider and its URL parameter follow. Anything else
    (not an index of ``values``) is ignored."""
    values = list(values)

    def picked() -> None:
        state = st.session_state.get(live_key)
        i = state.get("pick") if isinstance(state, Mapping) else None
        if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(values):
            st.session_state[widget_key] = values[i]

    return picked


def live(key: str, data_json: str, *, on_change=None, on_pick=None):
    """Charts that change in the browser, without a script rerun (``rnnviz/assets/live/``, joined by
    :func:`rnnviz.live_js.source`).

    ``data_json`` is a JSON string (cache it: serialising frames on every rerun costs) with
    ``charts``: ``{chart key: [frame, ...]}`` (a frame: ``{"data": [per-trace update], "layout": {...}}``),
    and either ``range`` (:func:`live_range`: an own range in place of a bound ``st.slider``; the released
    index comes back as the trigger ``pick``, ``on_pick`` called, see :func:`pick_into`) or ``select`` (own
    controls; the chosen value comes back as ``result.value`` once it settles, with ``on_change`` called first)
    or ``multi``. Returns the component result.
    """
    global _live_component
    if _live_component is None:
        from rnnviz import live_js

        _live_component = st.components.v2.component("rnnviz_live", js=live_js.source(), css=_LIVE_CSS)
    callbacks = {"on_value_change": on_change or (lambda: None), "on_pick_change": on_pick or (lambda: None)}
    return _live_component(key=key, data=data_json, height="content", **callbacks)
