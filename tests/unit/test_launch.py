"""First launch on a desktop: ``streamlit run app.py`` serves the app at once, without stopping at
Streamlit's "Welcome to Streamlit ... Email:" prompt (``server.showEmailPrompt = false`` in
.streamlit/config.toml; Streamlit shows the prompt when there is no ~/.streamlit/credentials.toml
and the server is not headless, as on a desktop with a display)."""
from __future__ import annotations

import os
import select
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pty = pytest.importorskip("pty", reason="POSIX pseudo-terminal")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_first_launch_on_a_desktop_does_not_ask_for_an_email(tmp_path):
    # a new user's home (no credentials file), a display (not headless), a browser that does nothing
    env = dict(os.environ, HOME=str(tmp_path), DISPLAY=":99", BROWSER="true")
    env.pop("STREAMLIT_SERVER_HEADLESS", None)
    args = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(_free_port()),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    pid, fd = pty.fork()
    if pid == 0:  # child: the terminal a user would type into
        os.chdir(ROOT)
        os.execvpe(args[0], args, env)
    out = b""
    try:
        deadline = time.time() + 120
        while time.time() < deadline and b"Email" not in out and b"view your Streamlit app" not in out:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert "Email" not in text, text[-800:]
    assert "view your Streamlit app" in text, text[-800:]
