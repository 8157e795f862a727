"""AppTest through the router: app.py runs, every page opens from it without an exception, in
English and in Chinese, and the navigation titles follow the language."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnviz.i18n.tex import NOTATION, words
from tests.unit.test_app_shell import pages_in_app

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", list(dict.fromkeys(p for p, _ in pages_in_app())))
def test_every_page_opens_through_the_router(lang, path):
    # A fresh AppTest per page: AppTest cannot carry a page's translated radio values across a
    # switch_page (it re-formats them with the old options), which says nothing about the app.
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(path).run()
    assert not at.exception, (path, [e.value for e in at.exception])
    assert not at.error, (path, [e.value for e in at.error])
    assert at.title, path  # every page has a title
    if lang == "zh" and not path.endswith("home.py"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in at.title[0].value), (path, at.title[0].value)
    for el in at.get("plotly_chart"):  # plotly's own words (modebar tooltips, notices) in the page's language
        cfg = json.loads(el.proto.config)
        assert cfg.get("locale") == ("zh-CN" if lang == "zh" else None), (path, el.proto.id)
        assert lang == "en" or cfg["locales"]["zh-CN"]["dictionary"]["Zoom"] == "缩放"
    if lang == "zh":  # the words inside the equations (\text{}) are Chinese too, or names used as symbols
        english = {w for el in at.latex for w in words(el.value)
                   if w not in NOTATION and re.search(r"[A-Za-z]{2}", w) and not re.search(r"[\u4e00-\u9fff]", w)}
        assert not english, (path, english)
