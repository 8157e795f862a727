r"""Page logic of "Attention heatmaps": config in, decodings, accuracies and loss curves out.

No Streamlit here. The models are :class:`rnnviz.seq2seq.Seq2Seq` (shipped weights, or trained
on first use through :func:`get_model` with a progress callback); everything shown on the page
comes from :func:`rnnviz.seq2seq.decode` (one input, every intermediate recorded),
:func:`rnnviz.seq2seq.evaluate` (the fixed held-out set) and :func:`rnnviz.seq2seq_train.tf_run`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnnviz import seq2seq as S
from rnnviz import seq2seq_train as ST
from rnnviz.data import dates as D
from rnnviz.text import quote


@dataclass
class AttentionConfig:
    """Every control of the page; widget keys are the field names."""

    att_score: str = "dot"  # the trained model: score function "dot", "general", "concat", or "none" (baseline)
    att_text: str = "Wednesday, March 3rd 2021"  # the date typed by the user (any format of rnnviz.data.dates)
    att_example: str = "Wednesday, March 3rd 2021"  # example picker: choosing one copies it into att_text
    att_step: int = 1  # decoding step t shown in the step-through view, 1..10
    att_decay: str = "inverse_sigmoid"  # scheduled-sampling decay compared with always/never teacher forcing
    att_tf_steps: int = ST.TF_STEPS  # length of each comparison run (optimisation steps)
    att_n_eval: int = 2000  # held-out examples for the bottleneck view


TF_STEP_CHOICES = (100, 200, 300, 600)
"""Run lengths offered for the teacher-forcing comparison (300 is shipped, the others train live)."""
EVAL_CHOICES = (500, 1000, 2000)


def validate(cfg: AttentionConfig) -> None:
    """``ValueError`` with a readable message for a setting the page cannot show."""
    if cfg.att_score not in S.MODEL_KINDS:
        raise ValueError(f"Unknown model {quote(cfg.att_score)}; choose one of {', '.join(S.MODEL_KINDS)}.")
    if cfg.att_decay not in S.DECAYS:
        raise ValueError(f"Unknown decay {quote(cfg.att_decay)}; choose one of {', '.join(S.DECAYS)}.")
    if not 1 <= cfg.att_step <= D.TARGET_LEN:
        raise ValueError(f"The step must be between 1 and {D.TARGET_LEN}.")
    D.encode_source(cfg.att_text)  # empty / unknown characters / too long


def get_model(kind: str, progress: Callable[[float, dict], None] | None = None) -> tuple[S.Seq2Seq, bool]:
    """The shipped model of ``kind``; if its file is missing, train it now (same config, same seed).

    Returns ``(model, trained_now)``.
    """
    try:
        return S.load_shipped(kind), False
    except FileNotFoundError:
        r = ST.train(S.SHIPPED[kind], progress)
        return S.load_state_dict(r.state_dict, S.SHIPPED[kind].model), True


def decode(cfg: AttentionConfig, model: S.Seq2Seq) -> S.Decoding:
    validate(cfg)
    return S.decode(model, cfg.att_text)


def clamp_step(t: int) -> int:
    return int(min(max(int(t), 1), D.TARGET_LEN))


def step_summary(dec: S.Decoding, t: int, top: int = 3) -> dict:
    """What the step view prints for step ``t`` (1-based): the chosen character, its probability,
    the ``top`` most likely characters, the input character with the largest weight."""
    i = clamp_step(t) - 1
    p = dec.probs[i]
    order = np.argsort(-p)[:top]
    out = {"t": i + 1, "char": dec.output[i], "prob": float(p[order[0]]),
           "top": [(D.TARGET_CHARS[k], float(p[k])) for k in order], "focus": None}
    if dec.weights is not None:
        j = int(np.argmax(dec.weights[i]))
        out["focus"] = (j + 1, dec.source[j], float(dec.weights[i, j]))
    return out


def bottleneck(models: dict[str, S.Seq2Seq], n: int = 2000) -> dict:
    """Exact match by input length on the fixed held-out set, for each model:
    ``{kind: {"accuracy", "n", "by_length": {len: (acc, n)}, "bins": [(label, acc, n)]}}``."""
    test = S.heldout(n)
    out = {}
    for kind, m in models.items():
        r = S.evaluate(m, test)
        r["bins"] = S.accuracy_by_length_bins(r)
        out[kind] = r
    return out


def tf_runs(cfg: AttentionConfig, progress: Callable[[float, str], None] | None = None,
            shipped: dict | None = None) -> dict:
    """Always teacher forcing, never, and the chosen decay: ``{schedule: tf_run(...)}``.

    The shipped curves (:func:`rnnviz.seq2seq_train.shipped_tf_runs`, every length in :data:`TF_STEP_CHOICES`)
    are used when they match the run length and seed; other runs are trained now
    (``progress(fraction, schedule)``), which the page never needs.
    """
    if cfg.att_decay not in S.DECAYS:
        raise ValueError(f"Unknown decay {quote(cfg.att_decay)}.")
    shipped = ST.load_tf_curves() if shipped is None else shipped
    use = ST.shipped_tf_runs(cfg.att_tf_steps, 0, shipped)
    out = {}
    names = ("teacher", "free", cfg.att_decay)
    for k, sched in enumerate(names):
        if sched in use:
            out[sched] = use[sched]
        else:
            cb = None if progress is None else (lambda f, info, k=k, s=sched: progress((k + f) / len(names), s))
            out[sched] = ST.tf_run(sched, cfg.att_tf_steps, progress=cb)
    if progress is not None:
        progress(1.0, names[-1])
    return out
