r"""The words inside the equations (LaTeX ``\text{}``) in Chinese: rnnviz.i18n.tex."""
from __future__ import annotations

import re

import pytest

from rnnviz.i18n.tex import NOTATION, STRINGS, tex_words, words
from rnnviz.labs import gates, train_live, vanishing
from rnnviz.labs import hidden_config

LISTS = {"vanishing": vanishing.LATEX, "train_live": train_live.LATEX, "gates": gates.LATEX, "hidden": hidden_config.LATEX}


def _english(w: str) -> bool:
    return w not in NOTATION and bool(re.search(r"[A-Za-z]{2}", w)) and not re.search(r"[\u4e00-\u9fff]", w)


@pytest.mark.parametrize("name", list(LISTS))
def test_the_labs_equations_have_no_english_word_in_chinese(name):
    shown = [w for line in LISTS[name] for w in words(tex_words(line, "zh"))]
    assert shown and not [w for w in shown if _english(w)], name
    # English is the source, unchanged
    assert [tex_words(line, "en") for line in LISTS[name]] == list(LISTS[name])


def test_only_the_words_change():
    for line in [x for lines in LISTS.values() for x in lines]:
        zh = tex_words(line, "zh")
        assert re.sub(r"\\text\{[^{}]*\}", "", zh) == re.sub(r"\\text\{[^{}]*\}", "", line)
        assert len(words(zh)) == len(words(line))


def test_catalog():
    for key, entry in STRINGS.items():
        assert key.startswith("tex.") and set(entry) == {"en", "zh"}
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]), key
        assert "{" not in entry["zh"] + entry["en"] and "}" not in entry["zh"] + entry["en"]  # stays one \text group
    assert len({e["en"] for e in STRINGS.values()}) == len(STRINGS)
    assert tex_words(r"\text{unknown words}", "zh") == r"\text{unknown words}"
