"""No page has a file uploader: Streamlit's upload endpoint must accept no file (server.maxUploadSize = 0).

Streamlit serves the upload endpoint to every session whether or not a page draws an uploader. In
1.67 the option is an int in MB with no lower bound, and the route rejects a body larger than
``maxUploadSize * 1024 * 1024`` bytes (Content-Length first, then while streaming, then the parsed
file) with 413; this test pins both our setting and that reading of Streamlit's source."""
from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_upload_cap_is_zero_while_no_page_has_an_uploader():
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "app_pages").glob("*.py"))
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    if "file_uploader" not in pages:
        assert config["server"]["maxUploadSize"] == 0


def test_streamlit_rejects_any_body_over_the_cap():
    from streamlit.web.server.starlette import starlette_routes

    src = inspect.getsource(starlette_routes)
    assert 'config.get_option("server.maxUploadSize") * 1024 * 1024' in src
    assert "if int(content_length) > max_size_bytes:" in src
    assert "if len(data) > max_size_bytes:" in src
