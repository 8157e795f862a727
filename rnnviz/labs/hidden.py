r"""Page logic of "Inside the hidden state": config in, arrays out (no Streamlit, no plotting).

Four views of one character language model reading one text (states from the engine,
:func:`rnnviz.hidden.run`, zero initial state):

- the neuron explorer: every :math:`h_{t,j}`, and the text coloured by one unit;
- units ranked by the correlation of :math:`h_{t,j}` with a pattern (:mod:`rnnviz.hidden.patterns`);
- match (LSTMVis): the units on over a span and off around it, and the other passages of the
  sonnets where all of them are on (states of the whole corpus, read in one pass from a zero state);
- connectivity :math:`\|\partial y_t/\partial x_k\|_2` (:func:`rnnviz.connectivity`) on the first
  :data:`CONN_MAX` characters, and PCA trajectories of :math:`h_t`, for the RNN, LSTM and GRU side by side.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from rnnviz.hidden import models as M
from rnnviz.hidden import patterns as P
from rnnviz.hidden.influence import lag_profile, readout_connectivity
from rnnviz.hidden.states import PCA, States, pca, run
from rnnviz.labs.hidden_config import LATEX, MAX_CHARS, HiddenConfig, heat_key  # noqa: F401  (light: see there)

CONN_MAX = 300
"""Connectivity is computed on the first this-many characters (a (T, T) array, T^2/2 backward rows)."""
TOP_UNITS = 8
"""Units listed by the pattern ranking."""
MAX_MATCHES = 8
"""Corpus passages listed by match."""
CONTEXT = 30
"""Characters of context shown on each side of a match."""
READOUTS = ("top", "next")
"""Connectivity readout: log-probability of the model's top prediction, or of the actual next character."""
COMPARE = ("rnn", "lstm", "gru")
"""The shipped models compared side by side (same alphabet, same H = 64)."""


@lru_cache(maxsize=1)
def sonnets() -> tuple[str, tuple[int, ...]]:
    """The corpus and the character offset where each sonnet's first line starts (154 sonnets)."""
    from rnnviz.data import load_sonnets

    text = load_sonnets()
    starts = []
    for m in re.finditer(r"(?m)^ *[IVXLC]+ *\n\n?", text):
        starts.append(m.end())
    return text, tuple(starts)


def sonnet_text(n: int) -> str:
    """Sonnet ``n`` (1-based), its 12-14 lines without the numeral."""
    text, starts = sonnets()
    if not 1 <= n <= len(starts):
        raise ValueError(f"choose a sonnet between 1 and {len(starts)}")
    end = starts[n] if n < len(starts) else len(text)
    body = text[starts[n - 1]:end]
    body = re.sub(r"\n *[IVXLC]+ *\n*$", "\n", body.rstrip(" ")).strip("\n")
    return body + "\n"


def locate(offset: int) -> tuple[int, int]:
    """``(sonnet number, line number)`` of a character offset in the corpus (``(0, 0)`` before sonnet 1)."""
    text, starts = sonnets()
    n = int(np.searchsorted(starts, offset, side="right"))
    if n == 0:
        return 0, 0
    return n, text.count("\n", starts[n - 1], offset) + 1


def input_text(cfg: HiddenConfig) -> str:
    """The text the page reads; ``ValueError`` with a readable message for bad input."""
    if cfg.hd_source == "typed":
        text = cfg.hd_text or ""
        if not text.strip():
            raise ValueError("the text is empty: type something, or choose a sonnet")
        if len(text) > MAX_CHARS:
            raise ValueError(f"the text has {len(text)} characters; at most {MAX_CHARS} are read")
        if len(text) < 2:
            raise ValueError("type at least two characters")
        return text
    return sonnet_text(int(cfg.hd_sonnet))


def validate(cfg: HiddenConfig) -> None:
    """``ValueError`` for settings the page cannot show."""
    if cfg.hd_source not in ("sonnet", "typed"):
        raise ValueError(f"unknown text source {cfg.hd_source!r}")
    if cfg.hd_pattern not in P.PATTERNS:
        raise ValueError(f"unknown pattern {cfg.hd_pattern!r}; choose one of {P.PATTERNS}")
    if cfg.hd_readout not in READOUTS:
        raise ValueError(f"unknown readout {cfg.hd_readout!r}; choose one of {READOUTS}")
    if not (math.isfinite(cfg.hd_threshold) and -1.0 < cfg.hd_threshold < 1.0):
        raise ValueError("the threshold must lie strictly between -1 and 1 (h is a tanh-bounded state)")
    if cfg.hd_dims not in (2, 3):
        raise ValueError("trajectories have 2 or 3 dimensions")


def states(model: M.CharLM, text: str) -> States:
    """The engine's forward pass of ``model`` over ``text`` (see :func:`rnnviz.hidden.run`)."""
    return run(model, text)


# ------------------------------------------------------------------ hypotheses
@dataclass
class Ranking:
    """Units against a pattern: ``values`` ``(T,)``, ``r`` ``(H,)`` correlations, ``order`` ``(H,)`` by ``|r|``."""

    values: np.ndarray
    r: np.ndarray
    order: np.ndarray

    @property
    def top(self) -> np.ndarray:
        return self.order[:TOP_UNITS]


def ranking(st: States, pattern: str, expression: str = "") -> Ranking:
    """Rank the units of ``st`` by the correlation of their activation with ``pattern`` over the text."""
    v = P.pattern_values(st.text, pattern, expression)
    r = P.correlations(st.h, v)
    return Ranking(v, r, P.rank_units(r))


# ------------------------------------------------------------------ match
def corpus_states(model: M.CharLM) -> np.ndarray:
    """``(N, H)`` hidden states of the whole sonnets corpus, one pass from a zero state.

    Computed with the fused torch module in float64 (95k steps; the engine's forward equals it to
    float precision, see the tests) so that the search covers the whole corpus in about a second.
    """
    import copy

    text, _ = sonnets()
    x = torch.from_numpy(model.encode(text))  # (N, V) float64
    rnn = copy.deepcopy(model.rnn).double().eval()
    from rnnviz._blas import torch_one_thread

    with torch.no_grad(), torch_one_thread():
        h, _ = rnn(x)
    return h.numpy()


@dataclass
class Match:
    """Result of LSTMVis match: the chosen ``units`` and the corpus runs ``(start, end)`` (0-based,
    inclusive) where all of them are above the threshold, with their sonnet and line."""

    units: np.ndarray
    runs: list[tuple[int, int]]
    places: list[tuple[int, int]]


def match(st: States, corpus_h: np.ndarray | None, start: int, end: int, threshold: float) -> Match:
    """Units on over characters ``start..end`` (1-based, inclusive) of ``st`` and off around them,
    and where else they all turn on: in the corpus (``corpus_h``) or, if ``None``, in the text itself."""
    units = P.match_units(st.h, start - 1, end - 1, threshold)
    h = st.h if corpus_h is None else corpus_h
    runs = P.find_matches(h, units, threshold, length=end - start + 1, limit=MAX_MATCHES + 1)
    if corpus_h is None:  # the span itself is not "another" passage
        runs = [r for r in runs if not (r[0] <= end - 1 and r[1] >= start - 1)]
    runs = runs[:MAX_MATCHES]
    places = [locate(a) for a, _ in runs] if corpus_h is not None else [(0, 0)] * len(runs)
    return Match(units, runs, places)


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[int, str]:
    """``(offset, snippet)``: ``text`` around ``start..end`` (0-based, inclusive) with ``width`` characters each side."""
    a, b = max(0, start - width), min(len(text), end + 1 + width)
    return a, text[a:b]


# ------------------------------------------------------------------ connectivity
@dataclass
class Influence:
    r"""Connectivity of one model on the first ``T`` characters.

    Attributes:
        C: ``(T, T)`` :math:`\|\partial y_t/\partial x_k\|_2`, zero above the diagonal (``nan`` rows: no target).
        y: ``(T,)`` the readouts :math:`y_t` (log-probabilities).
        targets: ``(T,)`` the character index :math:`k_t` of each readout (``-1``: none).
        lag: ``(T,)`` mean influence at lag ``0..T-1`` (:func:`rnnviz.hidden.lag_profile`).
    """

    C: np.ndarray
    y: np.ndarray
    targets: np.ndarray
    lag: np.ndarray


def influence(model: M.CharLM, text: str, readout: str = "top") -> Influence:
    """Connectivity of ``model`` on ``text[:CONN_MAX]``.

    ``readout="top"``: :math:`y_t` is the log-probability of the model's top prediction after ``t``;
    ``"next"``: of the actual next character (the last character has no next one: its row is ``nan``).
    """
    if readout not in READOUTS:
        raise ValueError(f"unknown readout {readout!r}")
    text = text[:CONN_MAX]
    st = run(model, text)
    T = st.T
    targets = None
    if readout == "next":
        idx = np.array([model.vocab.index(c) for c in text])
        targets = np.concatenate([idx[1:], [0]])  # the last row is a placeholder, masked below
    C, y, k = readout_connectivity(st.params, st.forward, model.readout, targets)  # on one BLAS thread
    k = np.asarray(k).copy()
    if readout == "next":
        C[T - 1] = np.nan
        y[T - 1] = np.nan
        k[T - 1] = -1
    lag = lag_profile(C[:T - 1] if readout == "next" and T > 1 else C)
    return Influence(C, y, k, lag)


# ------------------------------------------------------------------ trajectories
def trajectory(st: States, dims: int = 2) -> PCA:
    """PCA of the hidden states of ``st`` on ``dims`` axes."""
    return pca(st.h, k=dims)
