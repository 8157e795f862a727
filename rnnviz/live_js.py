"""The live-chart component's script, "live.js" in the project's comments: the parts in ``rnnviz/assets/live/``
joined into the one ES module the browser gets (:func:`rnnviz.streamlit_helpers.live` passes it inline to
``st.components.v2.component``; the node tests of tests/unit import the same text, written to a file).

The parts are pieces of one module, not modules of their own: none imports another, each uses what the other
parts declare at the top level (before it, or after it: function declarations are hoisted, and no part calls
another while the module loads). :data:`PARTS` is their order: shared utilities first, the component's entry point
(the default export) last. Light: reads text files, imports nothing else of rnnviz.
"""
from __future__ import annotations

import functools
from pathlib import Path

LIVE_DIR = Path(__file__).with_name("assets") / "live"

PARTS = (
    "util.js",  # window.__rnnvizLive, chartDiv, setSheet; values: json, numbers, same, flatten, get, put, layoutEdits, copy
    "url.js",  # history entries: a choice's URL params kept while the server has not confirmed them (pendingUrl), a run's
    # query string written into its own page's entry (guardUrl, historyCall); also sent alone (sh.url_guard_js)
    "colored.js",  # the views' text: fill, coloredParts / coloredHtml, scaledParts
    "apply.js",  # applyFrame: a frame drawn through plotly; WAIT
    "around_plotly.js",  # drawDirect, moveShapes, the hand-over to plotly
    "range.js",  # rangeMode
    "select.js",  # selectMode
    "multi.js",  # multiMode
    "component.js",  # the default export: drawFrame, show, request, and the mode the data asks for
)

BANNER = ("// rnnviz live charts (rnnviz/assets/live/*.js joined in this order by rnnviz/live_js.py: {parts}).\n"
          "// What the component's data holds: see component.js, below.\n")


@functools.lru_cache(maxsize=1)
def source() -> str:
    """The module: :data:`BANNER`, then every part of :data:`PARTS` in order, a blank line between two."""
    texts = [(LIVE_DIR / name).read_text(encoding="utf-8").rstrip("\n") + "\n" for name in PARTS]
    return BANNER.format(parts=", ".join(PARTS)) + "\n" + "\n".join(texts)
