"""rnnviz: the Streamlit entry point (router). Run with ``streamlit run app.py``.

Only routing and the shared sidebar live here; each page is a file in ``app_pages/`` and all
computation is in the ``rnnviz`` package.
"""
from pathlib import Path

import streamlit as st

# Light: Streamlit and the i18n catalog only ("import rnnviz" imports neither torch nor NumPy), so the
# router below is drawn before any heavy import.
from rnnviz import first_charts
from rnnviz import streamlit_helpers as sh

# The favicon is a file of this app, sent inline as a data: URL: a ":material/...:" page icon makes
# the browser fetch an SVG from fonts.gstatic.com (Streamlit's frontend), which fails offline.
# The ":material/...:" page icons below are drawn from the Material Symbols font that Streamlit
# itself serves (tests/e2e/test_offline_e2e.py checks that no request leaves this server).
st.set_page_config(page_title="rnnviz", page_icon=str(Path(__file__).parent / "static" / "favicon.svg"), layout="wide")

# Page files live in app_pages/, not pages/: with a pages/ folder Streamlit starts in its
# pages-directory mode and runs deep links without this router (tests/unit/test_app_shell.py).
# The start page is served at "/" (default=True: Streamlit gives the default page the empty URL path and
# matches a deep link only against the other pages' paths, so "/home" would show "Page not found").
# "/home" is the same script as a hidden page; the default page's own url_path ("index") only names it.
PAGES = [
    st.Page("app_pages/home.py", title=sh.tr("home.nav_title"), icon=":material/home:", url_path="index", default=True),
    st.Page("app_pages/stepthrough.py", title=sh.tr("stepthrough.nav_title"), icon=":material/footprint:", url_path="stepthrough"),
    st.Page("app_pages/vanishing.py", title=sh.tr("vanishing.nav_title"), icon=":material/trending_down:", url_path="vanishing"),
    st.Page("app_pages/gates.py", title=sh.tr("gates.nav_title"), icon=":material/memory:", url_path="gates"),
    st.Page("app_pages/hidden.py", title=sh.tr("hidden.nav_title"), icon=":material/neurology:", url_path="hidden"),
    st.Page("app_pages/attention.py", title=sh.tr("attention.nav_title"), icon=":material/grid_on:", url_path="attention"),
    st.Page("app_pages/train_live.py", title=sh.tr("train_live.nav_title"), icon=":material/model_training:", url_path="train_live"),
    st.Page("app_pages/lecture.py", title=sh.tr("lecture.nav_title"), icon=":material/slideshow:", url_path="lecture"),
    st.Page("app_pages/home.py", title=sh.tr("home.nav_title"), icon=":material/home:", url_path="home", visibility="hidden"),
]

nav = st.navigation(PAGES)
# The page is drawn in this container, above the two elements that follow (this CSS, and the plotly
# prefetch), which are hidden only once the CSS applies: the markdown waits for Streamlit's lazily loaded
# rehype-raw chunk, 0.2-1 s after the title on a first visit. Above the page they pushed the title 108 px
# down until then (their 27 + 45 px and two gaps), and the CSS's own top padding moved it 68 px more; the
# padding is now the theme's (.streamlit/config.toml paddingTop), part of the first paint. Checked by
# tests/e2e/test_first_load_e2e.py (the title's top when it first appears equals its final top).
page = st.container()
# Static CSS only (a subtitle's style; the two elements hide themselves). Its <link rel="modulepreload"> has
# the browser download Streamlit's plotly chunk as soon as this markdown is drawn (it is sent before the
# page's first element), before sh.prefetch_plotly's component mounts and runs it. (st.html is not used:
# Streamlit loads its element lazily, and it stayed a placeholder until the run ended, ~12 s on /hidden.)
chunk = sh.plotly_chunk_url()
st.markdown((f"<link rel='modulepreload' href='{chunk}'>" if chunk else "") + "<style class='rv-css'>"
            ".st-key-rv_prefetch{display:none}"
            # Chinese words in the equations (KaTeX's \text): the shipped CJK font, for browsers without one
            ".katex .cjk_fallback{font-family:rnnviz-cjk,sans-serif}"
            "[data-testid='stElementContainer']:has(> [data-testid='stMarkdown'] style.rv-css){display:none}"
            ".st-key-rv_subtitle h3{font-weight:400}"
            # a chart's place (sh.chart_place): its shipped picture and the chart in one grid cell, the picture on
            # top (over the chart's loading skeleton) until the chart is plotted, then hidden
            "[class*='st-key-rv_place_']{display:grid !important;grid-template-columns:minmax(0,1fr)}"
            "[class*='st-key-rv_place_']>*{grid-area:1/1}[class*='st-key-rv_place_']>:first-child{z-index:1}"
            "[class*='st-key-rv_place_'] img{display:block;width:100%;height:auto}"
            "[class*='st-key-rv_place_']:has(.js-plotly-plot .main-svg)>:first-child{display:none}"
            # a held place (sh.held_place) keeps its height: a skeleton of an element whose code is still loading (a
            # live component drawn while the slider it replaces is still shown) would make it taller than held
            "[class*='st-key-rv_held_'] [data-testid='stSkeleton']{display:none}"
            # plotly's tooltips and notices: the Chinese font; Streamlit's "Fullscreen" button in the page's language
            + sh.plotly_css() + "</style>",
            unsafe_allow_html=True)
# Pages that draw their first chart before torch is imported (rnnviz.first_charts) import it themselves,
# after that chart; every other page gets torch, NumPy, pandas and plotly before it runs.
LIGHT_FIRST = {"vanishing", "gates", "train_live", "stepthrough", "hidden"}
PICTURED = {path.strip("/") for path in first_charts.PAGES.values()}  # pages whose first chart has a picture
# the browser parses plotly.js while this script runs; on a page with a shipped picture, once it is drawn
sh.prefetch_plotly(after_picture=nav.url_path in PICTURED)
sh.language_selector()
sh.export_format_selector()
sh.add_view_button(nav.url_path, nav.title)
with page:
    sh.present_bar()
    if nav.url_path not in LIGHT_FIRST:
        sh.import_heavy_libraries()  # once per process, one thread at a time (see its docstring)
    nav.run()
