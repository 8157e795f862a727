"""Streamlit's upload endpoint is open to every session, so ``server.maxUploadSize`` is the smallest
cap that real files need: 0 while no page has an uploader, else the smallest whole number of MB that
holds the largest file the app writes and takes back (a train-live model) and every shipped checkpoint.

In 1.67 the option is an int in MB with no lower bound, and the route rejects a body larger than
``maxUploadSize * 1024 * 1024`` bytes (Content-Length first, then while streaming, then the parsed
file) with 413; this test pins both our setting and that reading of Streamlit's source."""
from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pages() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "app_pages").glob("*.py"))


def _largest_train_live_file() -> int:
    """Bytes of the largest model file the train-live page offers: LSTM, 2 layers of the largest
    hidden size, the largest alphabet a pasted text may have (rnnviz.train_config.check_text)."""
    from rnnviz import byo
    from rnnviz.charmodel import CharRNN, CharRNNConfig
    from rnnviz.labs.train_live import HIDDEN_OPTIONS

    V = 200
    model = CharRNN(CharRNNConfig("LSTM", V, max(HIDDEN_OPTIONS), layers=2))
    return len(byo.char_model_bytes(model, "".join(chr(0x4E00 + i) for i in range(V))))


def test_upload_cap_is_the_smallest_that_real_files_need():
    pages = _pages() + (ROOT / "rnnviz" / "streamlit_helpers.py").read_text(encoding="utf-8")
    cap = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    if "file_uploader(" not in pages:
        assert cap == 0
        return
    # the largest file the app writes (and the labs take back) fits; one MB less would not
    largest = max(_largest_train_live_file(), *(p.stat().st_size for p in (ROOT / "rnnviz" / "weights").glob("*.pt")))
    assert (cap - 1) * 1024 * 1024 < largest <= cap * 1024 * 1024
    # every uploader states its own limit, within the server's cap
    from rnnviz import streamlit_helpers as sh

    assert sh.UPLOAD_MB == cap
    n_uploaders = pages.count("st.file_uploader(")
    limits = [int(v) if v.isdigit() else getattr(sh, v) for v in re.findall(r"max_upload_size=(\w+)", pages)]
    assert len(limits) == n_uploaders and all(1 <= v <= cap for v in limits)


def test_streamlit_rejects_any_body_over_the_cap_and_frees_session_uploads():
    from streamlit.runtime import app_session
    from streamlit.web.server.starlette import starlette_routes

    src = inspect.getsource(starlette_routes)
    assert 'config.get_option("server.maxUploadSize") * 1024 * 1024' in src
    assert "if int(content_length) > max_size_bytes:" in src
    assert "if len(data) > max_size_bytes:" in src
    assert "remove_session_files(self.id)" in inspect.getsource(app_session.AppSession.shutdown)
