"""A clean first load of the hidden-state page (in app.py's ``LIGHT_FIRST``): at its default settings it draws its
title, its introduction and its first chart, the states heatmap (shipped: rnnviz.first_charts), before torch is
imported, then imports torch itself (app.py does not) and draws the rest, with no exception. The page runs in a
fresh interpreter (torch not yet imported), in both languages; the title, the introduction and every chart record
whether torch was imported at that moment. At other settings the heatmap is computed, in the same place."""
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
if len(sys.argv) > 3:
    at.query_params["hd_unit"] = sys.argv[3]
at.run()
print(json.dumps({"exceptions": [e.value for e in at.exception], "seen": seen, "torch_at_end": "torch" in sys.modules}))
"""


def test_the_hidden_page_is_light_first():
    assert "hidden" in app_set("LIGHT_FIRST")


def run(lang: str, unit: str | None = None) -> dict:
    args = [sys.executable, "-c", RUN, str(ROOT / "app_pages" / "hidden.py"), lang] + ([unit] if unit else [])
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["exceptions"] == []
    assert res["torch_at_end"], "torch never imported (the rest of the page is missing?)"
    return res


@pytest.mark.parametrize("lang", ["en", "中文"])
def test_hidden_page_draws_title_intro_and_heatmap_before_torch(lang):
    seen = run(lang)["seen"]
    assert [s[0] for s in seen[:3]] == ["title", "intro", "hd_fig_heat"], seen
    assert not any(s[1] for s in seen[:3]), f"the title, introduction or heatmap waited for torch: {seen[:3]}"
    assert all(s[1] for s in seen[3:]), seen  # the other charts are computed


def test_another_unit_computes_the_heatmap_after_torch():
    seen = run("en", "3")["seen"]
    assert [s[0] for s in seen[:3]] == ["title", "intro", "hd_fig_heat"], seen
    assert seen[2][1] is True, seen
