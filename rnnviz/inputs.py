r"""Input sequences for the labs: random, zeros, or typed text as one-hot characters.

A typed text :math:`s = s_1 \dots s_T` over its own alphabet :math:`V` (the sorted distinct
characters) becomes :math:`x_t = e_{\mathrm{idx}(s_t)} \in \{0,1\}^{|V|}`, shape ``(T, |V|)``.
"""
from __future__ import annotations

import numpy as np

from rnnviz.text import quote

INPUT_KINDS = ("random", "zeros", "text")
MAX_TEXT = 500


def one_hot_text(text: str, alphabet: str | None = None) -> tuple[np.ndarray, str]:
    """Encode ``text`` as one-hot rows; returns ``(x (T, |V|), alphabet V)``.

    ``alphabet`` defaults to the sorted distinct characters of ``text``. A character not in a
    given alphabet raises ``ValueError`` naming it. Empty text raises ``ValueError``.
    """
    if not text:
        raise ValueError("the text is empty: type at least one character")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the text has {len(text)} characters; at most {MAX_TEXT} are used")
    alphabet = alphabet if alphabet is not None else "".join(sorted(set(text)))
    index = {ch: i for i, ch in enumerate(alphabet)}
    unknown = sorted({ch for ch in text if ch not in index})
    if unknown:
        raise ValueError(f"characters not in the alphabet: {quote(''.join(unknown))}")
    x = np.zeros((len(text), len(alphabet)))
    x[np.arange(len(text)), [index[ch] for ch in text]] = 1.0
    return x, alphabet


def make_input(kind: str, T: int, input_size: int, seed: int = 0, text: str = "") -> np.ndarray:
    """``(T, input_size)`` input: ``"random"`` (standard normal, seeded), ``"zeros"``, or ``"text"``
    (one-hot of ``text``; then ``T`` and ``input_size`` come from the text)."""
    if kind == "text":
        return one_hot_text(text)[0]
    if kind not in INPUT_KINDS:
        raise ValueError(f"input kind must be one of {INPUT_KINDS}, got {quote(kind)}")
    if T < 1 or input_size < 1:
        raise ValueError("T and input_size must be >= 1")
    if kind == "zeros":
        return np.zeros((T, input_size))
    return np.random.default_rng(seed).standard_normal((T, input_size))
