"""A clean first load: the pages app.py lists in ``LIGHT_FIRST`` draw their first chart before torch is
imported (a shipped figure, rnnviz.first_charts, or one built from light modules), then import it and
draw the rest, with no exception. Each page runs in a fresh interpreter (torch not yet imported), at its
default settings, in both languages; every chart call records whether torch was imported at that moment.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def light_first() -> set[str]:
    """``app.LIGHT_FIRST``, read from app.py's source (running app.py needs a Streamlit session)."""
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "LIGHT_FIRST" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("app.py has no LIGHT_FIRST")


RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
from rnnviz import streamlit_helpers as sh

seen = []
_chart = sh.chart
def chart(fig, *args, **kwargs):
    seen.append([kwargs.get("key"), "torch" in sys.modules, "pandas" in sys.modules])
    return _chart(fig, *args, **kwargs)
sh.chart = chart
places = []
_place = sh.chart_place
def chart_place(key, config):
    from rnnviz import first_charts
    places.append([key, first_charts.picture(key, config, sh.lang()) is not None, "pandas" in sys.modules,
                   "torch" in sys.modules, len(seen)])
    return _place(key, config)
sh.chart_place = chart_place
at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.query_params["lang"] = sys.argv[2]
at.run()
print(json.dumps({"exceptions": [e.value for e in at.exception], "charts": seen, "places": places,
                  "torch_at_end": "torch" in sys.modules}))
"""


def test_light_first_lists_pages_that_exist():
    pages = light_first()
    assert {"vanishing", "train_live"} <= pages
    for name in pages:
        assert (ROOT / "app_pages" / f"{name}.py").exists(), name


def run_page(page: str, lang: str) -> dict:
    """``page`` at its defaults in ``lang``, in a fresh interpreter: its exceptions, its charts and places in order."""
    out = subprocess.run([sys.executable, "-c", RUN, str(ROOT / "app_pages" / f"{page}.py"), lang], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


PICTURED = sorted({path.strip("/") for path in __import__("rnnviz.first_charts").first_charts.PAGES.values()})


@pytest.mark.parametrize("lang", ["en", "中文"])
@pytest.mark.parametrize("page", PICTURED)
def test_the_first_charts_picture_is_sent_before_pandas_and_torch_are_imported(page, lang):
    """rnnviz.streamlit_helpers.chart_place: at its defaults, a page whose first chart has a shipped picture draws
    it before anything else of its charts, and before its first import of pandas (0.5-1.2 s on a fresh server)
    and of torch, so the browser gets it at once (sh.send_drawn sends it before those imports)."""
    res = run_page(page, lang)
    assert res["exceptions"] == []
    assert res["places"], f"{page}: no chart place drawn"
    key, picture, pandas, torch, charts_before = res["places"][0]
    assert picture, f"{page}: no picture for {key}"
    assert key == res["charts"][0][0] and charts_before == 0, (res["places"], res["charts"][:2])
    assert not pandas and not torch, f"{page}: the picture of {key} waited for pandas ({pandas}) or torch ({torch})"
    # the shipped chart itself needs NumPy and plotly only (sh.shipped_chart): it does not wait for pandas either
    assert res["charts"][0][2] is False, f"{page}: the shipped chart {key} waited for pandas"


@pytest.mark.parametrize("lang", ["en", "中文"])
@pytest.mark.parametrize("page", sorted(light_first()))
def test_first_chart_is_drawn_before_torch_is_imported(page, lang):
    assert "torch" not in subprocess.run([sys.executable, "-c", "import sys, streamlit.testing.v1, rnnviz.streamlit_helpers;"
                                          "print(sorted(sys.modules))"], capture_output=True, text=True, check=True,
                                         cwd=ROOT).stdout  # the harness itself imports no torch
    out = subprocess.run([sys.executable, "-c", RUN, str(ROOT / "app_pages" / f"{page}.py"), lang], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["exceptions"] == []
    assert res["charts"], f"{page}: no chart drawn"
    first_key, torch_imported, _ = res["charts"][0]
    assert not torch_imported, f"{page}: the first chart ({first_key}) waited for torch"
    assert res["torch_at_end"], f"{page}: torch never imported (the rest of the page is missing?)"
