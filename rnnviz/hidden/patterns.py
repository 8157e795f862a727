r"""Hypotheses about what a unit tracks, as one number per character, and units ranked against them.

A pattern ``v`` gives one value per character, aligned with :math:`h_t` (the state *after* reading
character ``t``): e.g. "inside quotes" is 1 from an opening quote up to, not including, the closing one.
Units are ranked by the Pearson correlation of their activation with the pattern over the text:

.. math::
    r_j = \frac{\sum_t (h_{t,j} - \bar h_j)(v_t - \bar v)}
               {\sqrt{\sum_t (h_{t,j} - \bar h_j)^2}\,\sqrt{\sum_t (v_t - \bar v)^2}}

Match (after LSTMVis, Strobelt et al. 2018): for a selected span ``a..b`` and threshold
:math:`\theta`, the chosen units are those *on* over the whole span (:math:`h_{t,j} > \theta`,
``a <= t <= b``) and *off* just around it (:math:`h_{a-1,j} \le \theta` and :math:`h_{b+1,j} \le \theta`
where those steps exist); :func:`find_matches` lists the maximal runs of characters elsewhere
where all of them are on.
"""
from __future__ import annotations

import numpy as np

PATTERNS = ("quote", "bracket", "line_pos", "word_start", "vowel", "regex")
"""Pattern kinds, in the order the page lists them."""
MAX_REGEX = 200
"""Longest regular expression accepted."""
REGEX_TIMEOUT = 0.5
"""Seconds a regular expression may run before it is rejected (catastrophic backtracking)."""

OPEN, CLOSE = "([{", ")]}"


def _letter(c: str) -> bool:
    return c.isalpha()


def inside_quotes(text: str) -> np.ndarray:
    """1.0 from an opening quote up to (not including) its closing quote, else 0.0.

    ``"`` toggles; ``“`` opens and ``”`` closes; ``'`` between two letters is an apostrophe
    (``beauty's``), otherwise it opens when followed by a letter and no quote is open, and
    closes an open single quote.
    """
    out = np.zeros(len(text))
    state = None  # the open quote character, or None
    for t, ch in enumerate(text):
        prev = text[t - 1] if t > 0 else " "
        nxt = text[t + 1] if t + 1 < len(text) else " "
        if ch == '"':
            state = None if state == '"' else (state or '"')
        elif ch == "\u201c":
            state = "\u201c"
        elif ch == "\u201d" and state == "\u201c":
            state = None
        elif ch == "'" and not (_letter(prev) and _letter(nxt)):
            if state == "'":
                state = None
            elif state is None and _letter(nxt):
                state = "'"
        out[t] = 1.0 if state else 0.0
    return out


def inside_brackets(text: str) -> np.ndarray:
    """1.0 while at least one of ``( [ {`` is open (after reading the character), else 0.0."""
    out = np.zeros(len(text))
    depth = 0
    for t, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth > 0:
            depth -= 1
        out[t] = 1.0 if depth > 0 else 0.0
    return out


def line_position(text: str) -> np.ndarray:
    """The 0-based column of each character in its line (a newline ends its line)."""
    out = np.zeros(len(text))
    col = 0
    for t, ch in enumerate(text):
        out[t] = col
        col = 0 if ch == "\n" else col + 1
    return out


def word_start(text: str) -> np.ndarray:
    """1.0 on a letter that follows a non-letter (or starts the text), else 0.0."""
    return np.array([1.0 if _letter(c) and (t == 0 or not _letter(text[t - 1])) else 0.0 for t, c in enumerate(text)])


def vowel(text: str) -> np.ndarray:
    """1.0 on ``a e i o u`` (either case), else 0.0."""
    return np.array([1.0 if c in "aeiouAEIOU" else 0.0 for c in text])


def regex_mask(text: str, pattern: str) -> np.ndarray:
    """1.0 on every character inside a (non-empty) match of the user's regular expression.

    The expression is data: it is compiled with the ``regex`` module and run with a
    :data:`REGEX_TIMEOUT` second limit; ``ValueError`` with a readable message if it is empty,
    longer than :data:`MAX_REGEX`, invalid, or too slow.
    """
    import regex

    if not pattern:
        raise ValueError("type a regular expression, e.g. [A-Z] or \\bthe\\b")
    if len(pattern) > MAX_REGEX:
        raise ValueError(f"the regular expression is longer than {MAX_REGEX} characters")
    try:
        rx = regex.compile(pattern)
        out = np.zeros(len(text))
        for m in rx.finditer(text, timeout=REGEX_TIMEOUT):
            out[m.start():m.end()] = 1.0
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    except TimeoutError:
        raise ValueError(f"the regular expression took longer than {REGEX_TIMEOUT} s on this text") from None
    return out


def pattern_values(text: str, kind: str, expression: str = "") -> np.ndarray:
    """The pattern ``kind`` (see :data:`PATTERNS`) over ``text``: ``(T,)`` float64."""
    if kind not in PATTERNS:
        raise ValueError(f"unknown pattern {kind!r}; choose one of {PATTERNS}")
    if kind == "regex":
        return regex_mask(text, expression)
    return {"quote": inside_quotes, "bracket": inside_brackets, "line_pos": line_position,
            "word_start": word_start, "vowel": vowel}[kind](text)


def correlations(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``(H,)`` Pearson correlation of every unit ``h[:, j]`` with ``v`` ``(T,)``; ``nan`` for a constant unit.

    ``ValueError`` if ``v`` is constant over the text (the correlation is then undefined).
    """
    h = np.asarray(h, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (h.shape[0],):
        raise ValueError(f"the pattern needs one value per character: {h.shape[0]}, got {v.shape}")
    dv = v - v.mean()
    sv = np.sqrt(np.sum(dv * dv))
    if not sv > 0:
        state = "on" if v[0] else "off"
        raise ValueError(f"the pattern is {state} at every character of this text, so no unit can correlate with "
                         "it; choose a text where it changes")
    dh = h - h.mean(axis=0)
    sh = np.sqrt(np.sum(dh * dh, axis=0))
    with np.errstate(all="ignore"):
        r = (dv @ dh) / (sv * sh)
    return np.where(sh > 0, r, np.nan)


def rank_units(r: np.ndarray) -> np.ndarray:
    """Unit indices by decreasing ``|r|`` (``nan`` last, ties by unit index)."""
    key = np.where(np.isnan(r), -1.0, np.abs(r))
    return np.lexsort((np.arange(len(r)), -key))


def match_units(h: np.ndarray, start: int, end: int, threshold: float) -> np.ndarray:
    """Units on over ``h[start:end + 1]`` (0-based, inclusive) and off just before and after; ``(n,)`` indices."""
    T = h.shape[0]
    if not 0 <= start <= end < T:
        raise ValueError(f"the span must lie within 1..{T}")
    on = np.all(h[start:end + 1] > threshold, axis=0)
    if start > 0:
        on &= h[start - 1] <= threshold
    if end + 1 < T:
        on &= h[end + 1] <= threshold
    return np.flatnonzero(on)


def find_matches(h: np.ndarray, units: np.ndarray, threshold: float, *, length: int | None = None,
                 limit: int = 10) -> list[tuple[int, int]]:
    """Maximal runs ``(start, end)`` (0-based, inclusive) where every unit in ``units`` is above ``threshold``.

    Sorted by how close the run length is to ``length`` (the selected span's; longest first if
    ``None``), then by position; at most ``limit``.
    """
    units = np.asarray(units, dtype=np.int64)
    if units.size == 0:
        return []
    on = np.all(h[:, units] > threshold, axis=1).astype(np.int8)
    edges = np.diff(np.concatenate([[0], on, [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    runs = list(zip(starts.tolist(), ends.tolist()))
    if length is None:
        runs.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
    else:
        runs.sort(key=lambda r: (abs(r[1] - r[0] + 1 - length), r[0]))
    return runs[:limit]
