"""A minimal one-slider page, the baseline for bench/bench_ui.py: it imports torch like the app
and redraws one small plotly line chart on every slider change."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch  # noqa: F401  (same import weight as the real app)

a = st.slider("a", 0.0, 3.0, 0.9, 0.05, key="a")
t = np.arange(1, 101)
st.plotly_chart(go.Figure(go.Scatter(x=t, y=a ** (100 - t))), key="fig")
