"""`import rnnviz` (and every compute module) never imports Streamlit; the i18n catalog is complete."""
from __future__ import annotations

import pkgutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_rnnviz_does_not_import_streamlit():
    code = (
        "import sys, pkgutil, importlib, rnnviz, rnnviz.labs, rnnviz.plots\n"
        "mods = ['rnnviz.' + m.name for m in pkgutil.walk_packages(rnnviz.__path__, '') if m.name != 'streamlit_helpers']\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "assert 'streamlit' not in sys.modules, [m for m in sys.modules if m.startswith('streamlit')][:5]\n"
        "print(len(mods))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) >= 5


def test_every_module_imports_on_its_own():
    """Each module imported first, in a fresh set of rnnviz modules (an import cycle fails only in some orders)."""
    code = (
        "import sys, pkgutil, importlib, rnnviz\n"
        "mods = sorted(m.name for m in pkgutil.walk_packages(rnnviz.__path__, 'rnnviz.') if m.name != 'rnnviz.streamlit_helpers')\n"
        "bad = []\n"
        "for m in mods:\n"
        "    for k in [k for k in sys.modules if k == 'rnnviz' or k.startswith('rnnviz.')]:\n"
        "        del sys.modules[k]\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as e:\n"
        "        bad.append((m, repr(e)[:200]))\n"
        "assert not bad, bad\n"
        "print(len(mods))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) >= 60  # the subpackages' modules too


def test_only_streamlit_helpers_imports_streamlit():
    offenders = []
    for path in (ROOT / "rnnviz").rglob("*.py"):
        if path.name == "streamlit_helpers.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "import streamlit" in text or "from streamlit" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_key_has_english_and_chinese():
    from rnnviz.i18n import CATALOG, LANGS

    assert len(CATALOG) > 50
    for key, entry in CATALOG.items():
        assert set(entry) == set(LANGS), key
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS), key
        assert key.split(".", 1)[0] and "." in key, key
        # the same {placeholders} in both languages
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGS]
        assert fields[0] == fields[1], (key, fields)


def test_chinese_is_really_chinese():
    from rnnviz.i18n import CATALOG

    def has_cjk(text):
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    prose = [k for k, e in CATALOG.items() if len(e["en"].split()) >= 4]
    assert prose and all(has_cjk(CATALOG[k]["zh"]) for k in prose), [k for k in prose if not has_cjk(CATALOG[k]["zh"])]


def test_lookup_and_errors():
    from rnnviz.i18n import t

    assert t("common.language", "zh") == "语言"
    assert t("common.language", "fr") == "Language"  # unknown language falls back to English
    with pytest.raises(KeyError):
        t("common.no_such_key")


def test_duplicate_keys_across_modules_are_rejected(tmp_path, monkeypatch):
    import rnnviz.i18n as i18n

    pkg = tmp_path / "fakei18n"
    pkg.mkdir()
    (pkg / "a.py").write_text("STRINGS = {'x.k': {'en': 'a', 'zh': '甲'}}\n")
    (pkg / "b.py").write_text("STRINGS = {'x.k': {'en': 'b', 'zh': '乙'}}\n")
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(i18n, "__path__", [str(pkg)])
    monkeypatch.setattr(i18n, "__name__", "fakei18n")
    with pytest.raises(KeyError, match="defined in both"):
        i18n._load_catalog()
    assert list(pkgutil.iter_modules([str(pkg)]))
