"""The shipped surname list and its loader."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rnnviz.data import names

ROOT = Path(__file__).resolve().parents[2]


def _build_script():
    spec = importlib.util.spec_from_file_location("build_names", ROOT / "scripts" / "build_names.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # does not import faker (only main() does)
    return mod


def test_file_shape_and_languages():
    rows = names.load_names()
    counts = Counter(lang for _, lang in rows)
    assert len(counts) == 20 == len(names.LANGUAGES)
    assert 12000 <= len(rows) <= 16000
    assert max(counts.values()) <= _build_script().CAP
    assert min(counts.values()) >= 40
    assert names.NAMES_FILE.stat().st_size < 2 * 1024 * 1024


def test_every_name_uses_the_alphabet_and_is_unambiguous():
    rows = names.load_names()
    assert all(set(n) <= set(names.ALPHABET) and 2 <= len(n) <= names.MAX_LEN for n, _ in rows)
    per_name = Counter(n for n, _ in rows)
    assert max(per_name.values()) == 1  # no name labelled with two languages


def test_split_is_stratified_disjoint_and_deterministic():
    train, test = names.split()
    assert names.split() == (train, test)
    assert len(train) + len(test) == len(names.load_names())
    assert not {n for n, _ in train} & {n for n, _ in test}
    assert {k for _, k in test} == set(range(len(names.LANGUAGES)))
    frac = len(test) / (len(train) + len(test))
    assert 0.08 < frac < 0.12
    assert names.split(seed=1) != (train, test)


def test_encode_and_errors():
    np.testing.assert_array_equal(names.encode(" Ab'-z "), [0, 27, 52, 54, 51])
    for bad, match in [("", "type a name"), ("Dvořák", "unsupported"), ("x" * 21, "at most")]:
        with pytest.raises(ValueError, match=match):
            names.encode(bad)


def test_build_script_pins_faker_and_romanises():
    b = _build_script()
    assert b.FAKER_VERSION == "40.54.0"
    assert b.normalise("Müller", "German") == "Muller"
    assert b.normalise("Łukasiewicz", "Polish") == "Lukasiewicz"
    assert b.normalise("Иванов", "Russian") == "Ivanov"
    assert b.normalise("Щербак", "Ukrainian") == "Shcherbak"
    assert b.normalise("Παπαδόπουλος", "Greek") == "Papadopoulos"
    assert b.normalise("Αγγελόπουλος", "Greek") == "Angelopoulos"
    assert b.normalise("CHEN", "Chinese") == "Chen"
    assert b.normalise("X", "English") is None
    # the rule that removed names found in two languages
    rows = b.build({"A": {"Smith", "Adam"}, "B": {"Adam", "Novak"}})
    assert rows == [("Smith", "A"), ("Novak", "B")]


def test_licence_row_present():
    text = (ROOT / "rnnviz" / "data" / "LICENSES.md").read_text()
    assert "`names.tsv`" in text and "Faker==40.54.0" in text and "MIT" in text
