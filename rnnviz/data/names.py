"""Surnames by language, for the name-classification task (read a name, predict its language).

The shipped file ``names.tsv`` (``name<TAB>language``, ASCII, a header line) is derived from
the MIT-licensed Faker package by ``scripts/build_names.py`` (see ``LICENSES.md``); nothing is
downloaded at run time and Faker is not needed to use it.

>>> rows = load_names()
>>> rows[0]
('An', 'Chinese')
>>> len(LANGUAGES), len(ALPHABET)
(20, 55)
"""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import numpy as np

from rnnviz.text import quote

NAMES_FILE = Path(__file__).resolve().parent / "names.tsv"

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' -"
"""Every character a name may contain (55); index ``i`` is the one-hot position of ``ALPHABET[i]``."""

_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
MAX_LEN = 20


@lru_cache(maxsize=None)
def load_names() -> tuple[tuple[str, str], ...]:
    """All ``(name, language)`` rows of the shipped file, in file order (by language, then name)."""
    lines = NAMES_FILE.read_text(encoding="ascii").splitlines()
    if not lines or lines[0] != "name\tlanguage":
        raise ValueError(f"{NAMES_FILE} has no 'name<TAB>language' header")
    rows = []
    for k, line in enumerate(lines[1:], start=2):
        name, sep, lang = line.partition("\t")
        if not sep or not name or not lang:
            raise ValueError(f"{NAMES_FILE}:{k}: malformed line {line!r}")
        rows.append((name, lang))
    return tuple(rows)


LANGUAGES: tuple[str, ...] = tuple(sorted({lang for _, lang in load_names()}))
"""The class labels, sorted; class index ``k`` is ``LANGUAGES[k]``."""


def validate_name(name: str) -> str:
    """Strip ``name`` and check it uses only :data:`ALPHABET`; ``ValueError`` with a readable message otherwise."""
    name = (name or "").strip()
    if not name:
        raise ValueError("type a name (letters A-Z, apostrophe, hyphen or space)")
    bad = sorted({c for c in name if c not in _INDEX})
    if bad:
        raise ValueError(
            f"unsupported character(s) {' '.join(quote(c) for c in bad)}: names use only the letters A-Z/a-z, "
            "apostrophe, hyphen and space (accents are written without them, e.g. 'Muller' for 'Müller')")
    if len(name) > MAX_LEN:
        raise ValueError(f"a name has at most {MAX_LEN} characters (got {len(name)})")
    return name


def encode(name: str) -> np.ndarray:
    """Character indices of ``name`` into :data:`ALPHABET`, shape ``(T,)`` int64 (``ValueError`` on bad input)."""
    name = validate_name(name)
    return np.array([_INDEX[c] for c in name], dtype=np.int64)


def split(test_fraction: float = 0.1, seed: int = 0) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Stratified train/test split: ``(train, test)`` lists of ``(name, class index)``.

    Within each language the names are shuffled with ``random.Random(seed)`` and the first
    ``max(1, round(test_fraction * n))`` go to the test split, so every language is in both.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must be in (0, 1)")
    by_lang: dict[str, list[str]] = {}
    for name, lang in load_names():
        by_lang.setdefault(lang, []).append(name)
    rng = random.Random(seed)
    train, test = [], []
    for k, lang in enumerate(LANGUAGES):
        names = list(by_lang[lang])
        rng.shuffle(names)
        n_test = max(1, round(test_fraction * len(names)))
        test.extend((n, k) for n in names[:n_test])
        train.extend((n, k) for n in names[n_test:])
    return train, test
