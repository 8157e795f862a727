"""Page logic without Streamlit: one module per page, each a config dataclass and pure functions."""
