"""The step-through page's settings, readable before torch is imported (no torch, no NumPy).

The page draws its first chart (the unrolled diagram at the default settings, shipped: see
:mod:`rnnviz.first_charts`) from this module and the shipped store, and imports torch and the lab's
computation (:mod:`rnnviz.labs.stepthrough`, which re-exports these names) afterwards.
"""
from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, fields


@dataclass
class StepConfig:
    """Every control of the page; widget keys are the field names."""

    st_input: str = "word"  # input kind: "word" (one-hot letters), "numbers" (scalar x_t), "random"
    st_word: str = "hello"  # the typed word, letters of rnnviz.stepthrough.VOCAB
    st_target: str = ""  # encoder-decoder: the word the decoder emits ("" = the input word reversed)
    st_numbers: str = "0.5, -1, 2, -0.5, 1.5"  # numeric sequence (also the scalar U, W, V panel's x_t)
    st_length: int = 6  # random input: number of steps
    st_pattern: str = "many_to_many"  # architecture, one of rnnviz.stepthrough.PATTERNS
    st_hidden: int = 3  # hidden size H (1..4)
    st_weights: str = "trained"  # "trained" (next-letter model, word input, one RNN) or "random"
    st_seed: int = 0  # seed of the random weights and the random input
    st_scale: float = 1.0  # random weights: uniform in +-scale/sqrt(H)
    st_k: int = 0  # truncated BPTT chunk length k; 0 = full BPTT
    st_phase: str = "forward"  # "forward" (t = 1..T) or "backward" (BPTT, t = T..1)
    st_t: int = 1  # the current step, 1-based position on the unrolled time axis
    st_speed: float = 1.0  # Play: seconds per step
    st_U: float = 0.5  # scalar RNN: input weight U
    st_W: float = 1.0  # scalar RNN: recurrent weight W
    st_V: float = 2.0  # scalar RNN: output weight V


NOT_NUMBERS = ("st_phase", "st_t", "st_speed", "st_U", "st_W", "st_V")
"""The fields that change no number of the step tab (the step, the phase, Play's speed, the scalar tab)."""


def numbers_key(cfg: StepConfig) -> tuple:
    """The config tuple of every field that changes the step tab's numbers (the cache key of the page's
    computation): ``cfg`` with the fields of :data:`NOT_NUMBERS` at their defaults."""
    default = StepConfig()
    return astuple(StepConfig(**{f.name: getattr(default if f.name in NOT_NUMBERS else cfg, f.name)
                                 for f in fields(cfg)}))


def uses_trained(cfg: StepConfig) -> bool:
    """The trained next-letter weights apply to word input and the one-RNN patterns."""
    return cfg.st_weights == "trained" and cfg.st_input == "word" and cfg.st_pattern in (
        "many_to_many", "many_to_one", "one_to_many")


def notes_of(cfg: StepConfig) -> list[str]:
    """What the page says about the settings above the tabs (``stepthrough.note_<name>``): ``trained_na``
    when trained weights are chosen for an input or pattern they do not apply to (random weights are used)."""
    return ["trained_na"] if cfg.st_weights == "trained" and not uses_trained(cfg) else []


def clamp_step(t: int, n: int) -> int:
    return int(min(max(int(t), 1), max(n, 1)))


def figure_meta(chart: str, key: tuple, phase: str, lang: str) -> str:
    """Names the figure a set of live frames belongs to (its ``layout.meta``, rnnviz/assets/live/)."""
    return hashlib.sha1(repr((chart, key, phase, lang)).encode()).hexdigest()[:16]
