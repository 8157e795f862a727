r"""Every trained model rnnviz ships, in one table, and one way to load each.

:data:`REGISTRY` lists each file of ``rnnviz/weights/``: the page that shows it, the task, the cell,
the sizes, the data, the script that reproduces it and its seed, and the figures measured on the
shipped file (a test recomputes every figure). :func:`load` builds the model the file belongs to and
fills it through the one safe loader, :func:`rnnviz.checkpoint.load_checkpoint`.

Sizes: ``input_size`` is the one-hot alphabet (or the embedding size of the seq2seq model),
``hidden_size`` the state :math:`h_t`, ``output_size`` the readout (classes or characters).

Metrics (``metrics``, a tuple of ``(name, value)``):

- ``accuracy``: fraction of correct argmax predictions (chance is 1 / classes);
- ``bits_per_char``: mean cross-entropy :math:`-\frac1N\sum \log_2 p(x_{t+1}\mid x_{\le t})`;
- ``perplexity``: :math:`\exp` of the mean cross-entropy in nats;
- ``exact_match``: fraction of outputs right in every character.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from torch import nn

from rnnviz.checkpoint import load_checkpoint
from rnnviz.text import percent

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
MAX_SHIPPED_BYTES = 2 * 1024 * 1024
"""Size cap of a shipped file (the largest, ``sonnets_lstm.pt``, is 0.43 MB)."""


@dataclass(frozen=True)
class ShippedWeights:
    """One row of the registry (all sizes as in the model's ``state_dict``)."""

    file: str  # file name in rnnviz/weights/
    page: str  # the lab that shows it: "stepthrough", "gates", "attention", "train_live"
    task: str  # key of the task (described in rnnviz/i18n/home.py, "zoo.task.<task>")
    cell: str  # "RNN" (tanh), "LSTM" or "GRU"
    layers: int  # stacked recurrent layers
    input_size: int  # one-hot alphabet V (seq2seq: embedding size)
    hidden_size: int  # H
    output_size: int  # classes or characters of the readout
    data: str  # key of the data set ("zoo.data.<data>")
    script: str  # the script that reproduces the file
    seed: int  # its seed
    metrics: tuple[tuple[str, float], ...]  # measured on the shipped file, see the module docstring
    evaluated_on: str  # key of the evaluation set ("zoo.eval.<evaluated_on>")
    builder: tuple[str, str, tuple[tuple[str, object], ...]] = field(repr=False, default=("", "", ()))
    # (module, function, kwargs): the function returns the untrained model the file fits

    @property
    def path(self) -> Path:
        return WEIGHTS_DIR / self.file

    def metric(self, name: str) -> float | None:
        return dict(self.metrics).get(name)


def _gates(task: str, cell: str, sizes: tuple[int, int, int], data: str, metrics, evaluated_on: str):
    seed = {"recall": 1, "depth": 2, "lm": 3}[task]  # rnnviz.gates.TRAIN_SEED
    return ShippedWeights(f"gates_{task}_{cell.lower()}.pt", "gates", task, cell, 1, *sizes, data,
                          "scripts/train_gates.py", seed, metrics, evaluated_on,
                          ("rnnviz.gates", "new_model", (("task", task), ("cell", cell))))


def _stepthrough(H: int, accuracy: float):
    return ShippedWeights(f"stepthrough_h{H}.pt", "stepthrough", "next_letter", "RNN", 1, 8, H, 8, "words",
                          "scripts/train_stepthrough.py", 0, (("accuracy", accuracy),), "words",
                          ("rnnviz.stepthrough", "expected_module", (("hidden", H),)))


def _attention(kind: str, exact: float):
    return ShippedWeights(f"attn_{kind}.pt", "attention", f"dates_{kind}", "GRU", 1, 32, 64, 11, "dates",
                          "scripts/train_attention.py", 0, (("exact_match", exact),), "dates_heldout",
                          ("rnnviz.seq2seq", "shipped_module", (("kind", kind),)))


REGISTRY: tuple[ShippedWeights, ...] = (
    *(_stepthrough(H, acc) for H, acc in ((1, 0.3595), (2, 0.4118), (3, 0.5621), (4, 0.5686))),
    *(_gates("recall", c, (6, 16, 4), "recall", (("accuracy", a),), "recall_gap100")
      for c, a in (("LSTM", 1.0), ("GRU", 1.0), ("RNN", 0.571))),
    *(_gates("depth", c, (3, 12, 9), "depth", (("accuracy", a),), "depth48")
      for c, a in (("LSTM", 1.0), ("GRU", 0.9998), ("RNN", 0.9976))),
    *(_gates("lm", c, (62, 64, 62), "sonnets", (("bits_per_char", b), ("accuracy", a)), "sonnets_last10")
      for c, b, a in (("LSTM", 2.5628, 0.4632), ("GRU", 2.5185, 0.4800), ("RNN", 2.6377, 0.4526))),
    *(_attention(k, e) for k, e in (("dot", 1.0), ("general", 0.9995), ("concat", 1.0), ("none", 0.9445))),
    ShippedWeights("sonnets_lstm.pt", "train_live", "lm", "LSTM", 1, 62, 128, 62, "sonnets",
                   "scripts/train_charrnn.py", 0, (("perplexity", 6.7824),), "sonnets_val4000",
                   ("rnnviz.train", "pretrained_module", (("task", "lm"),))),
    ShippedWeights("names_gru.pt", "train_live", "names", "GRU", 1, 55, 128, 20, "names",
                   "scripts/train_charrnn.py", 0, (("accuracy", 0.7085),), "names_test",
                   ("rnnviz.train", "pretrained_module", (("task", "names"),))),
)
"""The shipped weights. Figures measured on these files (tests/unit/test_zoo.py recomputes them)."""

BY_FILE = {w.file: w for w in REGISTRY}


def entry(file: str) -> ShippedWeights:
    """The registry row of ``file`` (``KeyError`` with the known names otherwise)."""
    try:
        return BY_FILE[file]
    except KeyError:
        raise KeyError(f"{file!r} is not a shipped weights file; known: {sorted(BY_FILE)}") from None


def empty_module(file: str) -> nn.Module:
    """The untrained model that ``file`` fits (built by the function named in its registry row)."""
    mod, fn, kwargs = entry(file).builder
    return getattr(importlib.import_module(mod), fn)(**dict(kwargs))


def load(file: str, path: Path | str | None = None) -> nn.Module:
    """The model of registry row ``file`` with its weights, in eval mode.

    ``path`` overrides where the file is read from (tests, a retrained copy). Raises
    :class:`rnnviz.checkpoint.CheckpointNotFound` if the file is missing and
    :class:`rnnviz.checkpoint.CheckpointError` if it does not fit.
    """
    module = empty_module(file)
    load_checkpoint(entry(file).path if path is None else path, module, max_bytes=MAX_SHIPPED_BYTES)
    return module.eval()


def table() -> list[dict]:
    """The registry as rows of plain values (for a table on the start page)."""
    return [{"file": w.file, "page": w.page, "task": w.task, "cell": w.cell, "layers": w.layers,
             "input_size": w.input_size, "hidden_size": w.hidden_size, "output_size": w.output_size,
             "data": w.data, "script": w.script, "seed": w.seed, **dict(w.metrics), "evaluated_on": w.evaluated_on}
            for w in REGISTRY]


def _figure(name: str, value: float, t) -> str:
    """One registry figure as the start page shows it; shares with :func:`rnnviz.text.percent` (two decimals)."""
    if name in ("accuracy", "exact_match"):
        return t(f"home.metric_{name}", v=percent(value, 2))
    return t(f"home.metric_{name}", v=f"{value:.2f}")


def display_table(lang: str = "en") -> dict[str, list]:
    """The registry as the start page shows it: translated column -> values (strings and ints).

    Every label comes from :mod:`rnnviz.i18n.home` in ``lang``; the figures are the registry's.
    """
    from rnnviz.i18n import t

    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    cols = {k: [] for k in ("lab", "task", "cell", "sizes", "data", "figure", "evaluated_on", "script", "seed", "file")}
    for w in REGISTRY:
        cols["lab"].append(tr(f"{w.page}.nav_title"))
        cols["task"].append(tr(f"home.task_{w.task}"))
        cols["cell"].append(w.cell + (f" ×{w.layers}" if w.layers > 1 else ""))
        cols["sizes"].append(f"{w.input_size} → {w.hidden_size} → {w.output_size}")
        cols["data"].append(tr(f"home.data_{w.data}"))
        cols["figure"].append(", ".join(_figure(n, v, tr) for n, v in w.metrics))
        cols["evaluated_on"].append(tr(f"home.eval_{w.evaluated_on}"))
        cols["script"].append(w.script)
        cols["seed"].append(w.seed)
        cols["file"].append(w.file)
    return {tr(f"home.col_{k}"): v for k, v in cols.items()}
