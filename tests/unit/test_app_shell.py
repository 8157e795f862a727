"""The router: every page in app.py exists, has url_path equal to its file name (so a bookmarked
URL works on the first request to a fresh server), and is listed on the start page."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pages_in_app() -> list[tuple[str, str]]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            path = node.args[0].value
            url = next(k.value.value for k in node.keywords if k.arg == "url_path")
            out.append((path, url))
    return out


def test_every_page_exists_and_url_path_is_its_file_name():
    pages = pages_in_app()
    assert len(pages) >= 2
    for path, url in pages:
        assert (ROOT / path).is_file(), path
        assert Path(path).stem == url, (path, url)
    assert sorted(p for p, _ in pages) == sorted(f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py"))


def test_start_page_lists_every_lab():
    text = (ROOT / "pages" / "home.py").read_text(encoding="utf-8")
    for path, _ in pages_in_app():
        if not path.endswith("home.py"):
            assert f'"{path}"' in text, path


def test_start_page_lists_labs_in_navigation_order():
    text = (ROOT / "pages" / "home.py").read_text(encoding="utf-8")
    labs = [p for p, _ in pages_in_app() if not p.endswith("home.py")]
    assert sorted(labs, key=lambda p: text.index(f'"{p}"')) == labs
