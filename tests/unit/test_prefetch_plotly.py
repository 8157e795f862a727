"""The router's plotly prefetch (rnnviz.streamlit_helpers.prefetch_plotly) finds Streamlit's plotly chunk:
with another Streamlit build whose chunk is named otherwise it would silently skip, and this fails."""
from __future__ import annotations


def test_streamlit_ships_exactly_one_plotly_chunk():
    from rnnviz import streamlit_helpers as sh

    name = sh._plotly_chunk()
    assert name is not None and name.startswith("PlotlyChart.") and name.endswith(".js"), name
