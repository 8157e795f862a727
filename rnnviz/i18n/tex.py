r"""Words inside the pages' equations (LaTeX ``\text{...}``), in every language.

The equations are written once, in English (``rnnviz.labs.*.LATEX`` and the pages' lists);
:func:`tex_words` gives a line with each ``\text{...}`` whose English is a key of this catalog in the
page's language. KaTeX draws the Chinese with the served CJK font (app.py's ``.cjk_fallback`` rule).
Names used as symbols (``LSTM``, ``GRU``, the schedules' superscripts ``lin``, ``inv-sig``, ``in``)
stay as they are: :data:`NOTATION` (``tests/unit/test_tex_words.py`` checks every word shown is one or
the other).

>>> tex_words(r"\sum_{t\ \text{with a loss}} L_t", "zh")
'\\sum_{t\\ \\text{有损失}} L_t'
"""
from __future__ import annotations

import re

STRINGS = {
    "tex.with_a_loss": {"en": "with a loss", "zh": "有损失"},
    "tex.clipping": {"en": "clipping: ", "zh": "梯度裁剪："},
    "tex.at_training_step": {"en": "at training step ", "zh": "，训练步 "},
    "tex.one_hot": {"en": "one-hot", "zh": "独热"},
    "tex.character": {"en": "character", "zh": "字符"},
    "tex.cell_path": {"en": "cell path", "zh": "细胞状态路径"},
    "tex.vs": {"en": "vs.", "zh": "对比"},
    "tex.horizon": {"en": "horizon", "zh": "记忆跨度"},
    "tex.match": {"en": "match: ", "zh": "匹配："},
    "tex.dot": {"en": "(dot)", "zh": "(点积)"},
    "tex.general": {"en": "(general)", "zh": "(一般)"},
    "tex.concat": {"en": "(concat)", "zh": "(拼接)"},
    "tex.no_attention": {"en": "(no attention: ", "zh": "(无注意力: "},
    "tex.scheduled_sampling": {"en": "scheduled sampling: ", "zh": "计划采样："},
    "tex.with_probability": {"en": "with probability ", "zh": "以概率 "},
    "tex.otherwise": {"en": "otherwise", "zh": "否则"},
}
"""English word(s) inside ``\\text{}`` -> the same in each language (part of the i18n catalog)."""

NOTATION = {"LSTM: ", "GRU: ", "in", "lin", "inv-sig", "nan", "inf", "-inf"}
r"""``\text{}`` contents that are names or symbols, the same in every language."""

_BY_ENGLISH = {entry["en"]: entry for entry in STRINGS.values()}
_TEXT = re.compile(r"\\text\{([^{}]*)\}")


def tex_words(line: str, lang: str) -> str:
    r"""``line`` with each ``\text{...}`` of the catalog in ``lang`` (English and unknown words as they are)."""
    def one(m: re.Match) -> str:
        entry = _BY_ENGLISH.get(m.group(1))
        return m.group(0) if entry is None else r"\text{" + entry.get(lang, entry["en"]) + "}"
    return _TEXT.sub(one, line)


def words(line: str) -> list[str]:
    r"""The contents of the ``\text{...}`` groups of ``line`` that hold no nested group."""
    return _TEXT.findall(line)
