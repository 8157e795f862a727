"""Pure plotting functions: arrays in, plotly figures out. Nothing here draws to a screen.

``style`` holds the one visual language every page shares (fonts big enough for a
projector, colour scales, margins); each page has its own module of figure builders.
"""

from rnnviz._lazy import lazy_getattr

__getattr__ = lazy_getattr(__name__, __path__)  # rnnviz.plots.<module> works after a plain "import rnnviz"
