r"""The hidden-state page's settings, readable before torch is imported (no torch, no NumPy).

The page draws its sidebar and its first chart (the states heatmap at the default settings, shipped: see
:mod:`rnnviz.first_charts`) from this module and the shipped store, and imports torch and the lab's
computation (:mod:`rnnviz.labs.hidden`, which re-exports these names) afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass

SHIPPED = ("lstm", "gru", "rnn", "lstm128")
"""Keys of the shipped sonnet models (:mod:`rnnviz.hidden.models`), in the order the page lists them."""
MAX_CHARS = 3000
"""Longest text the page reads."""


@dataclass
class HiddenConfig:
    """Every control of the page; widget keys are the field names."""

    hd_model: str = "lstm"  # which model: rnnviz.hidden.models.SHIPPED, or "session" / "upload"
    hd_source: str = "sonnet"  # "sonnet": one of Shakespeare's sonnets; "typed": hd_text
    hd_sonnet: int = 18  # sonnet number, 1..154
    hd_text: str = ""  # the user's own text (hd_source == "typed")
    hd_unit: int = 0  # the unit (0-based) that colours the text
    hd_pattern: str = "line_pos"  # hypothesis: rnnviz.hidden.patterns.PATTERNS
    hd_regex: str = "[A-Z]"  # the user's regular expression (hd_pattern == "regex")
    hd_span_start: int = 1  # first character of the match span (1-based)
    hd_span_end: int = 5  # last character of the match span (1-based, inclusive)
    hd_threshold: float = 0.3  # a unit is "on" where h > threshold
    hd_readout: str = "top"  # connectivity readout: "top" or "next" (READOUTS)
    hd_t: int = 40  # the selected character t (1-based) of connectivity and trajectories
    hd_dims: int = 2  # trajectory plot: 2 or 3 principal components
    hd_color: str = "time"  # trajectory colour: "time" or "pattern"


def heat_key(cfg: HiddenConfig) -> tuple:
    """What the states heatmap (``hd_fig_heat``, with the page's language) is drawn from: the model, the
    text (a sonnet's number, or the typed text) and the outlined unit; the key of its shipped figure."""
    return (cfg.hd_model, cfg.hd_source, int(cfg.hd_sonnet) if cfg.hd_source == "sonnet" else cfg.hd_text,
            int(cfg.hd_unit))


LATEX = [
    r"h_t = \mathrm{cell}(e_{x_t}, h_{t-1}),\quad h_0 = 0,\qquad p(x_{t+1}\mid x_{\le t}) = \mathrm{softmax}(W_{out} h_t + b_{out})",
    r"r_j = \frac{\sum_t (h_{t,j}-\bar h_j)(v_t-\bar v)}{\sqrt{\sum_t (h_{t,j}-\bar h_j)^2}\,\sqrt{\sum_t (v_t-\bar v)^2}}",
    r"\text{match: } \{\, j : h_{t,j} > \theta \ \forall t \in [a, b],\ h_{a-1,j} \le \theta,\ h_{b+1,j} \le \theta \,\}",
    r"C_{t,k} = \Big\|\frac{\partial y_t}{\partial x_k}\Big\|_2\ (k \le t),\qquad y_t = \log \mathrm{softmax}(W_{out} h_t + b_{out})_{k_t}",
    r"\tilde H = H - \mathbf{1}\bar h^\top = U\Sigma V^\top,\quad P = \tilde H V_{:,1:d},\quad \rho_j = \sigma_j^2 / \textstyle\sum_i \sigma_i^2",
]
"""The equations of what the page plots."""
