r"""What the gates page ships to the browser so that choosing the unit ``j``, the step ``t`` and the
colouring happens there (``rnnviz/assets/live/multi.js``, its ``multi`` mode), without a script rerun.

Everything here is taken from one :class:`rnnviz.labs.gates.GatesResult` (nothing is recomputed in
the browser):

- chart frames per unit ``j = 0..H-1`` of the unit's lines (``quantities[name][:, j]``, each ``(T,)``)
  and of the gradient path (``carry[:, j]``, ``(T,)``): the traces that change, as the figure
  functions of :mod:`rnnviz.plots.gates` draw them for unit ``j``;
- the substituted one-step equations: the LaTeX template of :func:`rnnviz.labs.gates.unit_step_template`
  and, per pair ``(j, t)``, the strings that fill its slots (numbers formatted by the server);
- the coloured text: per ``(quantity, j)`` each character's background and its value as shown;
- the forget-gate bias chart for every ``Δ`` of the slider's grid (:func:`bias_frames`), animated
  while the slider is dragged; the rest of the page (every gate changes with ``Δ``) follows on release.

Pairs are shipped for every ``(j, t)`` / ``(quantity, j)`` while their count is within a budget;
beyond it (long typed text, the 64-unit language model) only the pairs that share the server's
unit, step or quantity are shipped, and the browser shows a placeholder for the others until the
server has drawn them (the choice reaches the server when it settles).
"""
from __future__ import annotations

import base64
import hashlib
import re

import numpy as np

from rnnviz.i18n import t as _t
from rnnviz.labs import gates as lab
from rnnviz.labs.gates_config import BIAS_GRID  # noqa: F401 (re-exported: the page's slider)
from rnnviz.plots import gates as plots

EQ_BUDGET = 2048
"""Most ``(j, t)`` pairs of equations shipped in full (``H * T``); beyond it, a cross."""
COLOR_BUDGET = 12_000
"""Most coloured characters shipped in full (quantities ``* H * T``); beyond it, a cross."""
_RGB = re.compile(r"^rgb\((\d{1,3}), (\d{1,3}), (\d{1,3})\)$")


def b64(a: np.ndarray) -> dict:
    """A float64 array in plotly.js's typed-array form ``{"dtype": "f8", "bdata": base64}`` (NaN kept)."""
    return {"dtype": "f8", "bdata": base64.b64encode(np.ascontiguousarray(a, dtype="<f8").tobytes()).decode("ascii")}


def meta(chart: str, key: tuple, lang: str) -> str:
    """Names the figure a set of frames belongs to (its ``layout.meta``): frames go only onto it."""
    return hashlib.sha1(repr((chart, key, lang)).encode()).hexdigest()[:16]


def unit_frames(res: lab.GatesResult, lang: str) -> list[dict]:
    """Frame ``j`` of the unit chart (:func:`rnnviz.plots.gates.unit_lines` for unit ``j``): one ``y`` per
    quantity, and the y range (:func:`rnnviz.plots.gates.unit_range`) if it is not the same for every unit.
    Nothing else: the title, the legend and the hover are the same for every unit, so the browser moves the
    lines without a redraw of the chart (``lang`` is not used; kept for the frame builders' common form)."""
    H = res.trace.H
    ranges = [plots.unit_range(res.quantities, j) for j in range(H)]
    layout = (lambda j: {}) if all(r == ranges[0] for r in ranges) else (lambda j: {"yaxis": {"range": ranges[j]}})
    return [{"data": [{"y": b64(plots._finite(arr[:, j]))} for arr in res.quantities.values()],
             "layout": layout(j)} for j in range(H)]


def path_frames(res: lab.GatesResult, cell: str, lang: str) -> list[dict]:
    """Frame ``j`` of the gradient-path chart (:func:`rnnviz.plots.gates.gradient_path` for unit ``j``): the
    unit's product ``carry[:, j]``, nothing else (its name, the other lines and the axes are the same for every
    unit)."""
    return [{"data": [{"y": b64(plots._positive(res.carry[:, j]))}, {}, {}, {}], "layout": {}}
            for j in range(res.trace.H)]


def unit_note(H: int, unit: int, lang: str) -> str:
    """The line beside the unit's charts naming the chosen unit (:func:`unit_note_view` fills the same in the
    browser)."""
    return _t("gates.unit_shown", lang, unit=unit, last=H - 1)


def unit_note_view(H: int, lang: str, slot: str, server: str) -> dict:
    """The live component's ``text`` view of :func:`unit_note`: its template with the unit as ``⟦gt_unit⟧``."""
    return {"slot": slot, "server": server, "by": ["gt_unit"], "kind": "text",
            "template": _t("gates.unit_shown", lang, unit="⟦gt_unit⟧", last=H - 1)}


NOTE_SLOTS = ("gt_unit_note", "gt_path_note", "gt_color")
"""The slots live.js fills with a line (beside the unit's charts; the coloured text's caption), each with the
server's line in the container keyed ``<slot>_server``."""


def notes_css(lang: str) -> str:
    """CSS for the lines of :data:`NOTE_SLOTS`, the server's and the browser's alike: in Chinese, every character in
    :data:`rnnviz.plots.style.CJK_FAMILY` (the theme draws digits and Latin letters in Source Sans and the Chinese
    ones in the app's CJK font: two fonts in one line); in English nothing."""
    if lang != "zh":
        return ""
    from rnnviz.plots.style import CJK_FAMILY

    lines = ",".join(f".st-key-{s}_server p,[data-rv-slot='{s}'] p" for s in NOTE_SLOTS)
    return f"{lines}{{font-family:{CJK_FAMILY} !important}}"


def _pairs(n_a: int, n_b: int, a: int, b: int, budget: int) -> list[tuple[int, int]]:
    """Every ``(x, y)`` in ``range(n_a) x range(n_b)`` if that is within ``budget``, else those with
    ``x == a`` or ``y == b``."""
    if n_a * n_b <= budget:
        return [(x, y) for x in range(n_a) for y in range(n_b)]
    return sorted({(a, y) for y in range(n_b)} | {(x, b) for x in range(n_a)})


def equations(res: lab.GatesResult, vocab: str, unit: int, step: int, budget: int = EQ_BUDGET,
              lang: str = "en") -> dict:
    """``{"template": [line, ...], "keys": [slot, ...], "data": {"j,t": [string per slot]}}``: filling the
    template with ``data["j,t"]`` gives :func:`rnnviz.labs.gates.unit_step` ``(j, t, lang)``'s lines."""
    kind = res.trace.kind
    T, H = len(res.text), res.trace.H
    data, keys = {}, None
    for j, k in _pairs(H, T, unit, step - 1, budget):
        num = lab.unit_step_numbers(res.trace, res.text, vocab, j, k + 1)
        strings = lab.unit_step_strings(kind, num, res.text[k], j, k + 1)
        keys = keys or sorted(strings)
        data[f"{j},{k + 1}"] = [strings[s] for s in keys]
    return {"template": lab.unit_step_template(kind, lang), "keys": keys, "data": data}


def _compact(bg: str) -> str:
    """``rgb(r, g, b)`` as ``#rrggbb`` (the browser writes it back as ``rgb(r, g, b)``); other forms as they are."""
    m = _RGB.match(bg)
    return "#" + "".join(f"{int(v):02x}" for v in m.groups()) if m else bg


def colours(res: lab.GatesResult, unit: int, color_by: str, budget: int = COLOR_BUDGET) -> dict:
    """``{"text", "prefixes", "data": {"name,j": [[background, ...], [value shown, ...]]}}``: the parts of
    :func:`rnnviz.plots.gates.colored_text_html` of quantity ``name``, unit ``j``."""
    names = list(res.quantities)
    T, H = len(res.text), res.trace.H
    data = {}
    for a, j in _pairs(len(names), H, names.index(color_by), unit, budget // max(T, 1)):
        bgs, shown = plots.colored_text_colours(res.text, res.quantities[names[a]][:, j], names[a])
        data[f"{names[a]},{j}"] = [[_compact(b) for b in bgs], shown]
    return {"text": res.text, "prefixes": plots.colored_text_prefixes(res.text), "data": data}




def bias_grid() -> list[float]:
    """The Δ of the slider's grid :data:`BIAS_GRID`, each rounded to the step's decimals (``-5.9``, not
    ``-5.8999999999999995``: the value the slider and its URL hold)."""
    lo, hi, step = BIAS_GRID
    return [round(lo + k * step, 6) for k in range(int(round((hi - lo) / step)) + 1)]


def bias_frames(cfg: lab.GatesConfig, models: dict, fresh, lang: str) -> tuple[list[dict], list[str]]:
    r"""Frame ``k`` of the bias chart (:func:`rnnviz.plots.gates.bias_figure`) at ``Δ = bias_grid()[k]`` and the
    readout line of that Δ (:func:`rnnviz.plots.gates.bias_readout`): the unit-averaged :math:`\prod_{s>t} f_s`
    of the trained and the fresh model, each shifted by ``Δ`` exactly as :func:`rnnviz.labs.gates.analyse`
    shifts them, and the y range; the ``Δ = 0`` line is shown unless ``Δ = 0``. Data only, except that switch:
    no legend name changes with Δ."""
    from rnnviz import gates as G

    text = lab.input_text(cfg)
    gate = G.CARRY_GATE[cfg.gt_cell]
    trained = models[cfg.gt_cell]
    base = G.carry_product(lab.trace_model(trained, text)[0].gates[gate])
    frames, readouts = [], []
    for d in bias_grid():
        tr, _ = lab.trace_model(G.shift_carry_bias(trained, d) if d else trained, text)
        tr_fresh, _ = lab.trace_model(G.shift_carry_bias(fresh, d), text)
        carry, carry_fresh = G.carry_product(tr.gates[gate]), G.carry_product(tr_fresh.gates[gate])
        frames.append({"data": [{"visible": d != 0}, {"y": b64(plots._positive(carry.mean(axis=1)))},
                                {"y": b64(plots._positive(carry_fresh.mean(axis=1)))}],
                       "layout": {"yaxis": {"range": plots.bias_range(base, carry, carry_fresh)}}})
        horizons = lab._horizons({"trained": carry, "base": base, "fresh": carry_fresh})
        readouts.append(plots.bias_readout(d, horizons, cfg.gt_cell, len(text), lang))
    return frames, readouts
