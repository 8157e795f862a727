r"""The step-through page's data: the input sequence, its targets and which steps carry a loss.

:func:`make_problem` builds a :class:`Problem` for an architecture pattern (:data:`PATTERNS`) from
a typed word (one-hot over :data:`VOCAB`, the task: the next letter), typed numbers (one feature,
the task: is the running sum positive) or random inputs. Shapes: ``X (T, D)``, ``y (T,)``,
``mask (T,)``; encoder-decoder also ``X_enc (N, D)``. The network and its hand BPTT are in
:mod:`rnnviz.stepthrough`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import re

import numpy as np

from rnnviz.text import quote

PATTERNS = ("many_to_many", "many_to_one", "one_to_many", "enc_dec", "bidirectional")
"""The architecture patterns, in the order the page lists them."""

INPUT_KINDS = ("word", "numbers", "random")

VOCAB = "adehlnot"
"""The alphabet of the typed word (one-hot characters). Small, so every o_t fits on screen."""

MAX_STEPS = 16
"""Longest sequence the page shows (every number has to stay readable)."""

MAX_HIDDEN = 4

MAX_SLOTS = 24
"""Encoder-decoder: at most this many encoder + decoder steps on the time axis."""


@dataclass
class Problem:
    """One input sequence, its targets and which steps carry a loss.

    Attributes:
        pattern: one of :data:`PATTERNS`.
        X: ``(T, D)`` inputs of the main RNN (the decoder's inputs for ``enc_dec``).
        y: ``(T,)`` int targets in ``[0, K)``.
        mask: ``(T,)`` bool, ``True`` where the step has a loss term.
        K: number of output classes.
        X_enc: ``(N, D_enc)`` encoder inputs for ``enc_dec``, else ``None``.
        x_labels / y_labels / enc_labels: short text per step for the diagram.
        class_names: ``K`` class names.
    """

    pattern: str
    X: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    K: int
    X_enc: np.ndarray | None = None
    x_labels: list[str] = field(default_factory=list)
    y_labels: list[str] = field(default_factory=list)
    enc_labels: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)

    @property
    def T(self) -> int:
        return int(self.X.shape[0])

    @property
    def D(self) -> int:
        return int(self.X.shape[1])


def _onehot(idx, n: int) -> np.ndarray:
    """``(len(idx), n)`` one-hot rows."""
    out = np.zeros((len(idx), n))
    out[np.arange(len(idx)), np.asarray(idx, dtype=int)] = 1.0
    return out


def parse_word(text: str, *, min_len: int = 2) -> str:
    """Lower-case ``text`` and check it only uses :data:`VOCAB` (``ValueError`` otherwise)."""
    word = (text or "").strip().lower()
    if not word:
        raise ValueError(f"Type a word using the letters '{VOCAB}'.")
    bad = sorted({c for c in word if c not in VOCAB})
    if bad:
        shown = ", ".join(quote(c) for c in bad)
        raise ValueError(f"Unknown character(s) {shown}: the word may only use the letters '{VOCAB}'.")
    if len(word) < min_len:
        raise ValueError(f"The word needs at least {min_len} letters.")
    if len(word) > MAX_STEPS + 1:
        raise ValueError(f"The word is too long: at most {MAX_STEPS + 1} letters fit on screen.")
    return word


def parse_numbers(text: str) -> np.ndarray:
    """Parse ``"0.5, -1, 2"`` (commas and/or spaces) into a float64 array; ``ValueError`` if bad."""
    parts = [p for p in re.split(r"[,\s;]+", (text or "").strip()) if p]
    if not parts:
        raise ValueError("Type a sequence of numbers separated by commas, e.g. 0.5, -1, 2.")
    try:
        vals = np.array([float(p) for p in parts], dtype=np.float64)
    except ValueError:
        raise ValueError(f"Cannot read {quote(text)} as numbers: use e.g. 0.5, -1, 2.") from None
    if not np.all(np.isfinite(vals)):
        raise ValueError("The numbers must be finite.")
    if len(vals) > MAX_STEPS:
        raise ValueError(f"Too many numbers: at most {MAX_STEPS} fit on screen.")
    if np.max(np.abs(vals)) > 1e3:
        raise ValueError("Keep the numbers between -1000 and 1000.")
    return vals


def make_problem(kind: str, pattern: str, *, word: str = "hello", target: str = "",
                 numbers: str = "0.5, -1, 2, -0.5, 1.5", length: int = 6, seed: int = 0) -> Problem:
    """Build inputs and targets for an input ``kind`` and an architecture ``pattern``.

    - ``word``: x_t = one-hot of the t-th letter over :data:`VOCAB` (D = K = 8), the target is
      the next letter (``"hello"``: inputs ``h e l l``, targets ``e l l o``). ``enc_dec``: the
      encoder reads the whole word, the decoder emits ``target`` (default: the word reversed),
      with the previous target letter as input (teacher forcing, zeros at the first step).
    - ``numbers``: x_t = the t-th number (D = 1), K = 2 classes, y_t = 1 if x_1 + ... + x_t > 0.
    - ``random``: x_t ~ N(0, 1) (D = 3), y_t uniform in 3 classes, ``length`` steps, ``seed``.

    Patterns: ``many_to_one`` keeps only the last loss; ``one_to_many`` zeroes the inputs after
    the first step; ``bidirectional`` uses the ``many_to_many`` data; ``enc_dec``: see above
    (for numbers/random the decoder emits the targets in reverse order).
    """
    if pattern not in PATTERNS:
        raise ValueError(f"Unknown pattern {quote(pattern)}; choose one of {', '.join(PATTERNS)}.")
    if kind == "word":
        w = parse_word(word)
        X_all = _onehot([VOCAB.index(c) for c in w[:-1]], len(VOCAB))
        y_all = np.array([VOCAB.index(c) for c in w[1:]])
        x_labels, K, names = list(w[:-1]), len(VOCAB), list(VOCAB)
    elif kind == "numbers":
        vals = parse_numbers(numbers)
        X_all = vals[:, None]
        y_all = (np.cumsum(vals) > 0).astype(int)
        x_labels, K, names = [f"{v:g}" for v in vals], 2, ["0", "1"]
    elif kind == "random":
        if not 1 <= int(length) <= MAX_STEPS:
            raise ValueError(f"The length must be between 1 and {MAX_STEPS}.")
        rng = np.random.default_rng(int(seed))
        X_all = rng.standard_normal((int(length), 3))
        y_all = rng.integers(0, 3, size=int(length))
        x_labels, K, names = [f"x{t + 1}" for t in range(int(length))], 3, ["0", "1", "2"]
    else:
        raise ValueError(f"Unknown input kind {quote(kind)}; choose one of {', '.join(INPUT_KINDS)}.")
    T = X_all.shape[0]
    mask = np.ones(T, dtype=bool)
    X = X_all.copy()
    if pattern == "many_to_one":
        mask[:-1] = False
    elif pattern == "one_to_many":
        X[1:] = 0.0
        x_labels = [x_labels[0]] + ["0"] * (T - 1)
    if pattern != "enc_dec":
        return Problem(pattern, X, y_all.astype(int), mask, K, None, x_labels,
                       [names[i] for i in y_all], [], names)
    # encoder-decoder
    if kind == "word":
        tgt = parse_word(target, min_len=1) if (target or "").strip() else w[::-1]
        X_enc = _onehot([VOCAB.index(c) for c in w], len(VOCAB))
        enc_labels = list(w)
        y = np.array([VOCAB.index(c) for c in tgt])
    else:
        X_enc, enc_labels = X_all, x_labels
        y = y_all[::-1].copy()
    if X_enc.shape[0] + len(y) > MAX_SLOTS:
        raise ValueError(f"Encoder-decoder: {X_enc.shape[0]} + {len(y)} steps do not fit on screen "
                         f"(at most {MAX_SLOTS} in total); use a shorter input or target.")
    X_dec = np.zeros((len(y), K))
    X_dec[1:] = _onehot(y[:-1], K)
    dec_labels = ["<s>"] + [names[i] for i in y[:-1]]
    return Problem(pattern, X_dec, y.astype(int), np.ones(len(y), dtype=bool), K, X_enc,
                   dec_labels, [names[i] for i in y], enc_labels, names)
