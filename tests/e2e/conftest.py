"""Real-browser fixtures: one ``streamlit run app.py`` server per test session, driven by
Playwright in Debian's Chromium (``/usr/bin/chromium``; ``playwright install`` does not work
here). Screenshots go to ``screenshots/`` (git-ignored).

Fixtures: ``app_url`` (base URL of the running server), ``page`` (a fresh 1280x720 page).
Helpers: :func:`wait_for_rerun`, :func:`goto`, :func:`screenshot`, :func:`no_errors`.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, app: str = "app.py", cwd: Path = ROOT) -> subprocess.Popen:
    """Start ``streamlit run`` headless on ``port`` and wait until its health check answers."""
    log = open(ROOT / "screenshots" / f"server-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early, see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


@pytest.fixture(scope="session")
def app_url():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install -y chromium)")
    SHOTS.mkdir(exist_ok=True)
    port = _free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    yield pg
    context.close()


def wait_for_rerun(page, timeout: float = 30.0) -> None:
    """Wait until the current script run has finished: no stale elements, no running status widget."""
    page.wait_for_timeout(150)  # let the rerun request reach the server and mark elements stale
    page.wait_for_function(
        """() => !document.querySelector('[data-stale="true"]')
               && !document.querySelector('[data-testid="stStatusWidget"]')
               && !!document.querySelector('[data-testid="stMain"]')""",
        timeout=timeout * 1000,
    )


def goto(page, url: str, timeout: float = 60.0) -> None:
    """Open ``url`` and wait for the first run to finish and at least one element to render."""
    page.goto(url, timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stVerticalBlock"]', timeout=timeout * 1000)
    wait_for_rerun(page, timeout)


CHART_SIG = """() => { const gd = document.querySelector('.js-plotly-plot');
  return gd && gd.data && gd._fullLayout ? JSON.stringify(gd.data[0].y).slice(0, 400) : null; }"""
"""JS: a signature of the first chart's drawn data, null until it is plotted. Streamlit re-mounts the
plotly element when a figure changes, so compare what is drawn (plotly 7 ships arrays as
{dtype, bdata}) rather than counting plotly events."""


def wait_for_chart_change(page, before: str | None, timeout: float = 30.0) -> None:
    """Wait until the first chart is plotted with data different from the signature ``before``."""
    page.wait_for_function(f"() => {{ const s = ({CHART_SIG})(); return s !== null && s !== {json.dumps(before)}; }}",
                           polling="raf", timeout=timeout * 1000)


def wait_for_router(page, timeout: float = 30.0) -> None:
    """Wait until app.py's router has drawn the sidebar (its language switch is there).

    On a fresh server the first request runs in Streamlit's pages-directory mode and is restarted
    through app.py (see rnnviz.streamlit_helpers._leave_pages_directory_mode); between the two runs
    the page can look finished for a moment."""
    page.wait_for_function(
        """() => { const sb = document.querySelector('[data-testid="stSidebar"]');
                   return !!sb && sb.innerText.includes('Language') || !!sb && sb.innerText.includes('语言'); }""",
        timeout=timeout * 1000,
    )
    wait_for_rerun(page, timeout)


def no_errors(page) -> list[str]:
    """Texts of Streamlit exception/error elements and JS page errors on the page (should be empty)."""
    found = [el.inner_text()[:500] for el in page.query_selector_all('[data-testid="stException"]')]
    return found + list(getattr(page, "console_errors", []))


def screenshot(page, name: str, full_page: bool = False) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
