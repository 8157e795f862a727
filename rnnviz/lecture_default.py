"""The lecture shipped with rnnviz: the course of the labs, in English and in Chinese.

unrolled forward pass -> scalar BPTT -> BPTT deltas -> vanishing (tanh, rho 0.9) -> exploding and
clipping -> LSTM forget-gate path -> GRU -> truncated BPTT -> seq2seq attention -> scheduled
sampling -> train a character model live.

Scene parameters are URL values as the pages write them. A widget with translated option labels
(a phase, a tab, a task) stores the *label* in the URL, so those values come from the i18n
catalog in the lecture's language; ``tests/pages/test_lecture_page.py`` opens every scene and
checks that each parameter reached its widget.
"""
from __future__ import annotations

from rnnviz.i18n import LANG_NAMES, t
from rnnviz.lecture import Lecture, Scene

# (page, {param: value or ("i18n", key)}, i18n key stem of the title and the note)
_SCENES = [
    ("stepthrough", {"st_t": "3"}, "forward"),
    ("stepthrough", {"st_tab": ("i18n", "stepthrough.tab_scalar")}, "scalar"),
    ("stepthrough", {"st_phase": ("i18n", "stepthrough.phase_backward")}, "deltas"),
    ("vanishing", {"vg_activation": "tanh", "vg_radius": "0.9", "vg_T": "100"}, "vanishing"),
    ("vanishing", {"vg_activation": "identity", "vg_init": ("i18n", "vanishing.init_orthogonal"), "vg_radius": "1.5",
                   "vg_clip": "1.0"}, "exploding"),
    ("gates", {"gt_cell": "LSTM", "gt_task": ("i18n", "gates.task_recall"), "gt_gap": "80"}, "lstm"),
    ("gates", {"gt_cell": "GRU", "gt_task": ("i18n", "gates.task_recall"), "gt_gap": "80"}, "gru"),
    ("stepthrough", {"st_k": "3", "st_tab": ("i18n", "stepthrough.tab_trunc")}, "truncated"),
    ("attention", {"att_score": "dot", "att_tab": ("i18n", "attention.tab_heat")}, "attention"),
    ("attention", {"att_tab": ("i18n", "attention.tab_tf")}, "sampling"),
    ("train_live", {"tl_task": ("i18n", "train_live.task_lm"), "tl_cell": "LSTM"}, "train"),
]


def default_lecture(lang: str = "en") -> Lecture:
    """The shipped lecture in ``lang`` (``"en"`` or ``"zh"``); every scene opens in that language."""
    scenes = []
    for page, params, stem in _SCENES:
        p = {k: t(v[1], lang) if isinstance(v, tuple) else v for k, v in params.items()}
        p["lang"] = LANG_NAMES[lang]
        scenes.append(Scene(page=page, params=p, title=t(f"lecture.s_{stem}", lang), note=t(f"lecture.n_{stem}", lang)))
    return Lecture(title=t("lecture.default_title", lang), scenes=scenes)
