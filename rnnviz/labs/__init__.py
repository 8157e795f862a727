"""Page logic without Streamlit: one module per page, each a config dataclass and pure functions."""

from rnnviz._lazy import lazy_getattr

__getattr__ = lazy_getattr(__name__, __path__)  # rnnviz.labs.<module> works after a plain "import rnnviz"
