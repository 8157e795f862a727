"""Shared pytest setup: the project root on sys.path, and the ``e2e`` marker."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
(ROOT / "screenshots").mkdir(exist_ok=True)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: real-browser test (Playwright + Debian chromium)")
