"""rnnviz: the Streamlit entry point (router). Run with ``streamlit run app.py``.

Only routing and the shared sidebar live here; each page is a file in ``pages/`` and all
computation is in the ``rnnviz`` package.
"""
# Import the heavy libraries up front, before any page runs: seen here, the very first
# script run after a fresh server start could fail with "partially initialized module
# 'pandas'" when a page imported plotly (and with it pandas) in the middle of that run.
import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import torch

from pathlib import Path

import streamlit as st

from rnnviz import streamlit_helpers as sh

# rnnviz's models are tiny: one torch thread is faster than two that spin waiting for each other
# (measured on 2 cores: 0.8 s instead of 12.7 s for 60 GRU training steps), and with the count set
# once here, concurrent sessions never change it under each other's feet.
torch.set_num_threads(1)

# The favicon is a file of this app, sent inline as a data: URL: a ":material/...:" page icon makes
# the browser fetch an SVG from fonts.gstatic.com (Streamlit's frontend), which fails offline.
# The ":material/...:" page icons below are drawn from the Material Symbols font that Streamlit
# itself serves (tests/e2e/test_offline_e2e.py checks that no request leaves this server).
st.set_page_config(page_title="rnnviz", page_icon=str(Path(__file__).parent / "static" / "favicon.svg"), layout="wide")

# url_path is always the file's name: on a fresh server Streamlit first routes by pages/*.py
# file names (see rnnviz.streamlit_helpers._leave_pages_directory_mode), so only then does a
# bookmarked lab URL land on its page (tests/unit/test_app_shell.py checks this).
PAGES = [
    st.Page("pages/home.py", title=sh.tr("home.nav_title"), icon=":material/home:", url_path="home", default=True),
    st.Page("pages/stepthrough.py", title=sh.tr("stepthrough.nav_title"), icon=":material/footprint:", url_path="stepthrough"),
    st.Page("pages/vanishing.py", title=sh.tr("vanishing.nav_title"), icon=":material/trending_down:", url_path="vanishing"),
    st.Page("pages/gates.py", title=sh.tr("gates.nav_title"), icon=":material/memory:", url_path="gates"),
    st.Page("pages/hidden.py", title=sh.tr("hidden.nav_title"), icon=":material/neurology:", url_path="hidden"),
    st.Page("pages/attention.py", title=sh.tr("attention.nav_title"), icon=":material/grid_on:", url_path="attention"),
    st.Page("pages/train_live.py", title=sh.tr("train_live.nav_title"), icon=":material/model_training:", url_path="train_live"),
    st.Page("pages/lecture.py", title=sh.tr("lecture.nav_title"), icon=":material/slideshow:", url_path="lecture"),
]

nav = st.navigation(PAGES)
# Less empty space above the title: on a 1280x720 projector every line counts. Static CSS only.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem;padding-bottom:3rem}</style>")
sh.language_selector()
sh.export_format_selector()
sh.add_view_button(nav.url_path, nav.title)
sh.present_bar()
nav.run()
