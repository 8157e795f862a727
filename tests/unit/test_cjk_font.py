"""The Chinese web font subset covers every CJK character the app shows, and the app declares it.

A new Chinese string with a character outside the subset would silently fall back to a system
font, or to boxes on a machine without one: this test fails instead. Fix: rebuild the subset
with ``python3 scripts/build_cjk_font.py`` (see static/fonts/README.md).
"""
from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "fonts"


def _builder():
    spec = importlib.util.spec_from_file_location("build_cjk_font", ROOT / "scripts" / "build_cjk_font.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cmap(path: Path) -> set[str]:
    pytest.importorskip("brotli", reason="reading woff2 needs brotli (requirements-test.txt)")
    from fontTools.ttLib import TTFont

    return {chr(c) for c in TTFont(str(path)).getBestCmap()}


def test_every_chinese_catalog_character_is_in_both_subsets():
    from rnnviz.i18n import CATALOG, LANG_NAMES

    b = _builder()
    zh_text = "".join(e["zh"] for e in CATALOG.values()) + "".join(LANG_NAMES.values())
    catalog_cjk = {ch for ch in zh_text if b.is_cjk(ch)}
    assert len(catalog_cjk) > 200, "the Chinese catalog should use hundreds of CJK characters"
    needed = set(b.needed_chars())
    assert catalog_cjk <= needed, sorted(catalog_cjk - needed)  # the build scans the catalog
    for weight in ("regular", "bold"):
        have = _cmap(FONTS / f"rnnviz-cjk-sc-{weight}.woff2")
        missing = sorted(needed - have)
        assert not missing, (f"rnnviz-cjk-sc-{weight}.woff2 lacks {''.join(missing)!r}: "
                             "run python3 scripts/build_cjk_font.py")


def test_is_cjk_tells_chinese_from_latin():
    b = _builder()
    assert all(b.is_cjk(ch) for ch in "语言，。（）：")
    assert not any(b.is_cjk(ch) for ch in "aZ09 ‖∂→—·")


def test_config_serves_the_subset_from_this_server():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["enableStaticServing"] is True
    faces = cfg["theme"]["fontFaces"]
    assert {f["family"] for f in faces} == {"rnnviz-cjk"}
    assert "rnnviz-cjk" in cfg["theme"]["font"]
    for face in faces:
        url = face["url"]
        assert url.startswith("app/static/"), url   # served by this app, not another server
        assert (ROOT / "static" / url.removeprefix("app/static/")).is_file(), url
    assert (FONTS / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE Version 1.1") == 1
