"""The live-chart component's module exactly as the browser gets it (:func:`rnnviz.live_js.source`, the parts in
rnnviz/assets/live/ joined), written once per test process to a temporary file for the node tests to import
(tests/unit/test_live_apply.py, test_live_direct.py, test_gates_select.py, test_hidden_select.py)."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from rnnviz import live_js


def _written() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rnnviz-live-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "live.mjs"  # .mjs: node loads it as an ES module, as the browser does
    path.write_text(live_js.source(), encoding="utf-8")
    return path


LIVE_JS = _written()
"""The joined module's file (import it by ``LIVE_JS.as_uri()``)."""
