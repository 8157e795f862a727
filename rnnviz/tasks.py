r"""Seeded generators for the synthetic sequence tasks of the gates page, and text encoding.

Two tasks with a clear memory story, both over a tiny character alphabet so that a student
can type an input:

**Long-range recall** (``RECALL_VOCAB = "abcd*?"``). A marker ``*`` flags the next symbol;
after ``gap`` distractor symbols a query ``?`` asks for the flagged symbol::

    b a * c d a b b a d c a b ... d ?      ->  target at "?" = "c"
        ^ ^ \________ gap ________/ ^
      marker payload              query

Distractors are drawn from the same letters ``abcd`` as the payload, so a model cannot just
remember "the last letter": it has to open its memory right after ``*`` and then hold it
(an LSTM: input gate open at the payload, forget gate near 1 over the gap). Chance level
is ``1/4``.

**Bracket depth** (``DEPTH_VOCAB = "()x"``). A random walk of ``(`` and ``)`` with filler
``x``; at every step the target is the current nesting depth

.. math::
    d_t = \#\{s \le t : x_s = \texttt{(}\} - \#\{s \le t : x_s = \texttt{)}\},

kept in ``0..max_depth`` by the generator (a counter the model has to carry).

Every generator takes a ``seed`` and is deterministic (``numpy.random.default_rng``).
Shapes: an index batch is ``(T, B)`` (time first, as ``torch.nn`` recurrent modules expect)
and a one-hot batch ``(T, B, V)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.text import quote

PAYLOAD = "abcd"
"""Symbols that can be flagged (and that also serve as distractors) in the recall task."""
MARKER = "*"
QUERY = "?"
RECALL_VOCAB = PAYLOAD + MARKER + QUERY
"""Recall alphabet; the model's input size is ``len(RECALL_VOCAB)`` (one-hot)."""

OPEN, CLOSE, FILL = "(", ")", "x"
DEPTH_VOCAB = OPEN + CLOSE + FILL
"""Bracket-depth alphabet."""
DEPTH_MAX = 8
"""Largest nesting depth the bracket generator produces (classes ``0..DEPTH_MAX``)."""


def check_text(text: str, vocab: str, *, what: str = "this model") -> None:
    """Raise a readable ``ValueError`` if ``text`` is empty or has characters outside ``vocab``."""
    if not isinstance(text, str) or len(text) == 0:
        raise ValueError("the input text is empty: type at least one character")
    unknown = sorted(set(text) - set(vocab))
    if unknown:
        shown = ", ".join(quote(c) for c in unknown[:12]) + (" ..." if len(unknown) > 12 else "")
        alphabet = "".join(c if c != "\n" else "\u21b5" for c in vocab)
        raise ValueError(
            f"{what} does not know the character(s) {shown}; it only knows: {quote(alphabet, None)}"
        )


def encode(text: str, vocab: str, *, what: str = "this model") -> np.ndarray:
    """Characters -> indices into ``vocab``, shape ``(T,)`` int64; ``ValueError`` on unknown characters."""
    check_text(text, vocab, what=what)
    lookup = {c: i for i, c in enumerate(vocab)}
    return np.array([lookup[c] for c in text], dtype=np.int64)


def decode(indices, vocab: str) -> str:
    """Indices -> string (inverse of :func:`encode`)."""
    return "".join(vocab[int(i)] for i in np.asarray(indices).reshape(-1))


def one_hot(indices: np.ndarray, size: int) -> np.ndarray:
    """Indices of any shape ``S`` -> float32 one-hot of shape ``S + (size,)``."""
    indices = np.asarray(indices, dtype=np.int64)
    out = np.zeros(indices.shape + (size,), dtype=np.float32)
    np.put_along_axis(out, indices[..., None], 1.0, axis=-1)
    return out


# ---------------------------------------------------------------- long-range recall
@dataclass(frozen=True)
class RecallBatch:
    """A batch of recall sequences, all of the same length ``T = lead + 2 + gap + 1``.

    Attributes:
        x: indices into ``RECALL_VOCAB``, shape ``(T, B)``.
        y: index into ``PAYLOAD`` of the flagged symbol (the answer at the last step), ``(B,)``.
        gap: distractors between the payload and the query.
        lead: distractors before the marker.
    """

    x: np.ndarray
    y: np.ndarray
    gap: int
    lead: int

    def texts(self) -> list[str]:
        """The sequences as strings."""
        return [decode(self.x[:, b], RECALL_VOCAB) for b in range(self.x.shape[1])]


def recall_batch(batch: int, gap: int, *, lead: int = 1, seed: int | np.random.Generator = 0) -> RecallBatch:
    """``batch`` recall sequences with ``gap`` distractors between payload and query.

    Layout of each sequence (length ``T = lead + gap + 3``)::

        [lead distractors] * payload [gap distractors] ?

    Args:
        batch: number of sequences ``B >= 1``.
        gap: distractors between the payload and ``?`` (``>= 0``).
        lead: distractors before the marker (``>= 0``).
        seed: an int seed or a ``numpy.random.Generator``.

    Returns: :class:`RecallBatch` with ``x`` of shape ``(T, B)`` and ``y`` of shape ``(B,)``.
    """
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    if gap < 0 or lead < 0:
        raise ValueError(f"gap and lead must be >= 0, got gap={gap}, lead={lead}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    T = lead + gap + 3
    P = len(PAYLOAD)
    x = rng.integers(0, P, size=(T, batch))  # (T, B) distractors everywhere first
    y = rng.integers(0, P, size=batch)  # (B,)
    x[lead] = RECALL_VOCAB.index(MARKER)
    x[lead + 1] = y
    x[-1] = RECALL_VOCAB.index(QUERY)
    return RecallBatch(x=x.astype(np.int64), y=y.astype(np.int64), gap=gap, lead=lead)


def recall_example(gap: int, *, lead: int = 1, seed: int = 0) -> tuple[str, str]:
    """One recall sequence as ``(text, answer)``, e.g. ``("b*cadb?", "c")`` for ``gap=3``."""
    b = recall_batch(1, gap, lead=lead, seed=seed)
    return b.texts()[0], PAYLOAD[int(b.y[0])]


def recall_answer(text: str) -> str | None:
    """The correct answer of a (typed) recall sequence: the symbol after the last ``*`` before the end.

    Returns ``None`` when the text has no ``*`` followed by a payload symbol (no defined answer).
    Raises ``ValueError`` for characters outside ``RECALL_VOCAB``.
    """
    check_text(text, RECALL_VOCAB, what="the recall model")
    pos = text.rfind(MARKER, 0, len(text) - 1)
    while pos >= 0:
        if pos + 1 < len(text) and text[pos + 1] in PAYLOAD:
            return text[pos + 1]
        pos = text.rfind(MARKER, 0, pos)
    return None


# ---------------------------------------------------------------- bracket depth
def bracket_depth(text: str) -> np.ndarray:
    """Nesting depth after each character, shape ``(T,)`` int64 (may go negative for unbalanced text).

    ``d_t = #open(<= t) - #close(<= t)``; ``ValueError`` for characters outside ``DEPTH_VOCAB``.
    """
    check_text(text, DEPTH_VOCAB, what="the bracket-depth model")
    steps = np.array([1 if c == OPEN else -1 if c == CLOSE else 0 for c in text], dtype=np.int64)
    return np.cumsum(steps)


def depth_batch(batch: int, length: int, *, max_depth: int = DEPTH_MAX, p_fill: float = 0.25,
                seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random bracket strings and their depth after each character.

    Each step is filler ``x`` with probability ``p_fill``, else ``(`` or ``)`` with equal
    probability, except that ``)`` is impossible at depth 0 and ``(`` at ``max_depth``.

    Returns: ``x`` indices into ``DEPTH_VOCAB`` of shape ``(T, B)`` and depths ``d`` of shape
    ``(T, B)`` with values in ``0..max_depth``.
    """
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be >= 1, got {batch}, {length}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    x = np.empty((length, batch), dtype=np.int64)
    d = np.empty((length, batch), dtype=np.int64)
    depth = np.zeros(batch, dtype=np.int64)
    # Biased towards opening a little so that deep nesting actually occurs.
    for t in range(length):
        u = rng.random(batch)
        fill = u < p_fill
        want_open = rng.random(batch) < 0.55
        opening = ~fill & ((want_open & (depth < max_depth)) | (depth == 0))
        closing = ~fill & ~opening
        depth = depth + opening - closing
        x[t] = np.where(fill, 2, np.where(opening, 0, 1))
        d[t] = depth
    return x, d


def depth_example(length: int, *, seed: int = 0, max_depth: int = DEPTH_MAX) -> str:
    """One random bracket string of ``length`` characters."""
    x, _ = depth_batch(1, length, max_depth=max_depth, seed=seed)
    return decode(x[:, 0], DEPTH_VOCAB)


# ---------------------------------------------------------------- character language model
def lm_batch(ids: np.ndarray, batch: int, length: int, *, seed: int | np.random.Generator = 0
             ) -> tuple[np.ndarray, np.ndarray]:
    """Random windows of an encoded text for next-character prediction.

    Args:
        ids: the encoded corpus, shape ``(N,)``.
    Returns: inputs ``x = ids[s : s+T]`` and targets ``y = ids[s+1 : s+T+1]``, both ``(T, B)``.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.shape[0] < length + 2:
        raise ValueError("corpus shorter than one window")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    starts = rng.integers(0, ids.shape[0] - length - 1, size=batch)  # (B,)
    idx = starts[None, :] + np.arange(length)[:, None]  # (T, B)
    return ids[idx], ids[idx + 1]
