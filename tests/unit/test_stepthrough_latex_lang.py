"""The step-through equations in Chinese: the words inside the LaTeX are the page's language, the
numbers and the mathematics are the English lines' exactly."""
from __future__ import annotations

import re

import pytest

from rnnviz import stepthrough as S
from rnnviz.i18n import t as tr
from rnnviz.labs import stepthrough as L
from rnnviz.labs import stepthrough_latex as LT

TEXT = re.compile(r"\\text\{([^{}]*)\}")
WORD_KEYS = ["stepthrough.tex_from", "stepthrough.tex_no_loss", "stepthrough.tex_cut", "stepthrough.tex_none_last",
             "stepthrough.tex_no_output"]
NO_LOSS_STEP = 2  # _all_lines takes the loss term of this step away in one network (no preset lacks one)


def _configs():
    """Every pattern, full and truncated BPTT: between them every worded line appears (checked below)."""
    for pattern in S.PATTERNS:
        for k in (0, 2):
            yield L.StepConfig(st_pattern=pattern, st_weights="random", st_scale=2.0, st_k=k, st_length=6)


def _all_lines(lang: str):
    for n, cfg in enumerate(_configs()):
        res = L.compute(cfg)
        if n == 0:  # "no loss at step j": an output without a loss term (the pages' problems have none)
            res.problem.mask[NO_LOSS_STEP - 1] = False
        for t in range(1, len(res.slots) + 1):
            yield from zip(LT.forward_latex(res, t, "en"), LT.forward_latex(res, t, lang))
            yield from zip(LT.backward_latex(res, t, "en"), LT.backward_latex(res, t, lang))


def _words_of(s: str) -> list[str]:
    """The contents of the ``\\text{}`` groups that are words (not a number, nan or a quoted class name)."""
    return [w for w in TEXT.findall(s) if re.search(r"[A-Za-z\u4e00-\u9fff]", w) and w != "nan"
            and not w.startswith("“")]


def test_chinese_lines_are_the_english_lines_with_the_words_translated():
    seen = set()
    n = 0
    for en, zh in _all_lines("zh"):
        words_en, words_zh = _words_of(en), _words_of(zh)
        assert len(words_en) == len(words_zh)
        for w in words_zh:  # no English word left inside \text{} (k is a symbol)
            assert not re.search(r"[A-Za-z]{2,}", w), zh
        # the same line once the words are taken out: every number and symbol as in English
        assert TEXT.sub("", en) == TEXT.sub("", zh)
        seen.update(words_en)
        n += 1
    assert n > 100
    # every worded line occurred, so the check above covered each translation
    for key in WORD_KEYS:
        pattern = re.escape(tr(key, "en", t="§", k="§")).replace("§", r"\d+")
        assert any(re.fullmatch(pattern, w) for w in seen), key


@pytest.mark.parametrize("key", WORD_KEYS)
def test_each_word_has_chinese(key):
    assert tr(key, "zh", t=3, k=2) != tr(key, "en", t=3, k=2)
    assert re.search(r"[\u4e00-\u9fff]", tr(key, "zh", t=3, k=2))
