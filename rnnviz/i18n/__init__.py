"""UI strings in English (``"en"``) and Simplified Chinese (``"zh"``).

Pure Python, no Streamlit: the catalog is the union of the ``STRINGS`` dicts of every
module in this package (``common.py`` plus one module per page), so pages can add text
without touching each other's files. A key is ``"<page>.<name>"``; every key has both
languages (``tests/unit/test_i18n.py`` checks this, and that no key is defined twice).

>>> from rnnviz.i18n import t
>>> t("common.language", "zh")
'语言'
"""
from __future__ import annotations

import importlib
import pkgutil

LANGS = ("en", "zh")
"""Supported languages, the first is the default."""

LANG_NAMES = {"en": "English", "zh": "中文"}


def _load_catalog() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for key, entry in getattr(mod, "STRINGS", {}).items():
            if key in catalog:
                raise KeyError(f"i18n key {key!r} defined in both {origin[key]} and {info.name}")
            catalog[key] = entry
            origin[key] = info.name
    return catalog, origin


CATALOG, ORIGIN = _load_catalog()


def t(key: str, lang: str = "en", **fmt) -> str:
    """Look up ``key`` in ``lang`` and ``str.format`` it with ``fmt``.

    A missing language falls back to English; a missing key raises ``KeyError`` (a typo
    must fail in tests, not show a blank label).
    """
    entry = CATALOG[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def variants(text: str) -> set[str]:
    """Every language's version of a catalog string equal to ``text`` in some language.

    Used to read a link that carries a translated option label (``?vg_init=正交`` opened in
    English): ``variants("正交")`` holds the English label too. Unknown text gives ``set()``.
    """
    return _VARIANTS.get(text, set())


def _build_variants() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entry in CATALOG.values():
        texts = {v for v in entry.values() if "{" not in v}
        for v in texts:
            out.setdefault(v, set()).update(texts - {v})
    return out


_VARIANTS = _build_variants()
