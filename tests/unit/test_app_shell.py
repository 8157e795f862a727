"""The router: every page in app.py exists, has url_path equal to its file name (the page's URL), and
is listed on the start page; and no ``pages/`` folder sits next to app.py (see the last test)."""
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
    """Every page's url_path is its file name; the one exception is the default page (served at "/"),
    whose url_path is only a name, while its script is also the hidden page at "/home"."""
    pages = pages_in_app()
    assert len(pages) >= 2
    default = [(p, u) for p, u in pages if u == "index"]
    assert default == [("app_pages/home.py", "index")]
    assert ("app_pages/home.py", "home") in pages  # the deep link /home
    for path, url in pages:
        assert (ROOT / path).is_file(), path
        assert Path(path).stem == url or (path, url) in default, (path, url)
    assert sorted({p for p, _ in pages}) == sorted(f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py"))


def test_start_page_lists_every_lab():
    text = (ROOT / "app_pages" / "home.py").read_text(encoding="utf-8")
    for path, _ in pages_in_app():
        if not path.endswith("home.py"):
            assert f'"{path}"' in text, path


def test_start_page_lists_labs_in_navigation_order():
    text = (ROOT / "app_pages" / "home.py").read_text(encoding="utf-8")
    labs = [p for p, _ in pages_in_app() if not p.endswith("home.py")]
    assert sorted(labs, key=lambda p: text.index(f'"{p}"')) == labs


def test_no_pages_directory_next_to_app():
    """Page files live in ``app_pages/``, never in ``pages/``.

    Streamlit 1.67 decides once per server process, when the first session starts, whether the app is a
    pages-directory ("MPA v1") app: ``PagesManager.uses_pages_directory = (main script folder / "pages").exists()``
    (streamlit/runtime/pages_manager.py). While that flag is set, every script run executes
    ``script_runner._mpa_v1`` instead of app.py: a sidebar of file names, and a deep link such as ``/gates``
    runs app_pages/gates.py with no router and no language switch, until some run reaches ``st.navigation``.
    Without a ``pages/`` folder the flag is False from the start and every run goes through app.py."""
    assert not (ROOT / "pages").exists(), "move page files to app_pages/ (a pages/ folder turns on Streamlit's MPA v1 mode)"
