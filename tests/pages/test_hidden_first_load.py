"""A clean first load of the hidden-state page (app.py's ``TITLE_FIRST``): it has no shipped first chart, so
it draws its title and introduction before torch is imported, then imports torch itself (app.py does not) and
draws the rest, with no exception. The page runs in a fresh interpreter (torch not yet imported), in both
languages; the title, the introduction and every chart record whether torch was imported at that moment."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def app_set(name: str) -> set[str]:
    """The set ``app.<name>``, read from app.py's source (running app.py needs a Streamlit session)."""
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"app.py has no {name}")


RUN = """
import json, sys
import streamlit as st
from streamlit.testing.v1 import AppTest
from rnnviz import streamlit_helpers as sh

seen = []
_title, _markdown, _chart = sh.page_title, st.markdown, sh.chart
def page_title(key, *args, **kwargs):
    seen.append(["title", "torch" in sys.modules])
    return _title(key, *args, **kwargs)
def markdown(body, *args, **kwargs):
    if not any(s[0] == "intro" for s in seen) and body == sh.tr("hidden.intro"):
        seen.append(["intro", "torch" in sys.modules])
    return _markdown(body, *args, **kwargs)
def chart(fig, *args, **kwargs):
    seen.append([kwargs.get("key"), "torch" in sys.modules])
    return _chart(fig, *args, **kwargs)
sh.page_title, st.markdown, sh.chart = page_title, markdown, chart
at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.query_params["lang"] = sys.argv[2]
at.run()
print(json.dumps({"exceptions": [e.value for e in at.exception], "seen": seen, "torch_at_end": "torch" in sys.modules}))
"""


def test_title_first_is_the_hidden_page_and_not_light_first():
    assert app_set("TITLE_FIRST") == {"hidden"}
    assert not app_set("TITLE_FIRST") & app_set("LIGHT_FIRST")


@pytest.mark.parametrize("lang", ["en", "中文"])
def test_hidden_page_draws_title_and_intro_before_torch(lang):
    out = subprocess.run([sys.executable, "-c", RUN, str(ROOT / "app_pages" / "hidden.py"), lang], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["exceptions"] == []
    seen = res["seen"]
    assert [s[0] for s in seen[:2]] == ["title", "intro"], seen
    assert seen[0][1] is False and seen[1][1] is False, f"the title or introduction waited for torch: {seen[:2]}"
    charts = seen[2:]
    assert charts and charts[0][0] == "hd_fig_heat", charts
    assert res["torch_at_end"], "torch never imported (the rest of the page is missing?)"
