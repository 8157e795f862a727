r"""What the hidden-state page ships to the browser so that choosing the unit ``j`` of the neuron
explorer happens there (``rnnviz/assets/live.js``, its ``multi`` mode), without a script rerun.

Everything is taken from the hidden states ``h`` ``(T, H)`` the page already has (nothing is
recomputed in the browser):

- frame ``j`` of the states heatmap: only its outline of row ``j`` (:func:`rnnviz.plots.hidden.unit_shape`);
- the text coloured by unit ``j`` (:func:`rnnviz.plots.hidden.unit_html`): per unit, each character's
  background and its value as shown, with the caption of unit ``j`` (range and argmax of ``h[:, j]``)
  formatted by the server.

The coloured text is shipped for every unit while ``H * T`` is within :data:`TEXT_BUDGET`; beyond it
(long typed text, the 128-unit model) for the units nearest the server's, and the browser shows a
placeholder for the others until the server has drawn them (the choice reaches it when it settles).
"""
from __future__ import annotations

import hashlib

import numpy as np

from rnnviz.i18n import t as _t
from rnnviz.labs.gates_select import _compact
from rnnviz.plots import hidden as plots

TEXT_BUDGET = 60_000
"""Most coloured characters shipped (units ``*`` characters); about 18 bytes of JSON each."""


def meta(tok: str, text: str, lang: str) -> str:
    """Names the heatmap a set of frames belongs to (its ``layout.meta``): frames go only onto it."""
    return hashlib.sha1(repr(("hd_fig_heat", tok, text, lang)).encode()).hexdigest()[:16]


def units_shipped(H: int, T: int, unit: int, budget: int = TEXT_BUDGET) -> range:
    """The units whose coloured text is shipped: all of ``0..H-1`` if ``H * T <= budget``, else the
    ``max(1, budget // T)`` units nearest ``unit`` (a window inside ``0..H-1``)."""
    n = min(H, max(1, budget // max(T, 1)))
    lo = min(max(unit - n // 2, 0), H - n)
    return range(lo, lo + n)


def heat_frames(T: int, H: int) -> list[dict]:
    """Frame ``j`` of the states heatmap: the row outline of unit ``j``; the traces are unchanged."""
    return [{"data": [{}], "layout": {"shapes": [plots.unit_shape(T, j)]}} for j in range(H)]


def caption(h: np.ndarray, unit: int, lang: str) -> str:
    """The caption under the heatmap for ``unit``: the range of ``h[:, unit]`` and where its maximum is."""
    col = h[:, unit]
    return _t("hidden.unit_caption", lang, unit=unit, lo=float(col.min()), hi=float(col.max()), at=int(col.argmax()) + 1)


def unit_data(h: np.ndarray, text: str, units, lang: str) -> dict:
    """``{"j": [[background, ...], [value shown, ...], caption]}`` for each unit ``j`` of ``units``: the parts of
    :func:`rnnviz.plots.hidden.unit_html` ``(text, h[:, j], j)`` (backgrounds as ``#rrggbb``, values as the
    hover titles show them, :data:`rnnviz.plots.hidden.UNIT_FMT`) and :func:`caption`."""
    compact: dict[str, str] = {}  # rgb(r, g, b) -> #rrggbb, each distinct colour converted once
    data = {}
    for j in units:
        bgs, shown = plots.colored_parts(text, h[:, j], lo=-1.0, hi=1.0, fmt=plots.UNIT_FMT)
        data[str(j)] = [[compact.get(b) or compact.setdefault(b, _compact(b)) for b in bgs], shown,
                        caption(h, j, lang)]
    return data


def view_shell(text: str) -> dict:
    """The unit text's view without its data: ``{"text", "prefixes", "style"}`` (the same for every unit)."""
    return {"text": text, "prefixes": [plots.title_prefix(k, c) for k, c in enumerate(text)],
            "style": {"pad": "1px 0", "wrap": plots.MONO, "mid": "h[⟦hd_unit⟧]: "}}


def unit_view(h: np.ndarray, text: str, unit: int, lang: str, budget: int = TEXT_BUDGET) -> dict:
    """The live component's ``colored`` view of the unit text: ``{"text", "prefixes", "style", "data":
    {"j": [[background, ...], [value shown, ...], caption]}}``; live.js ``coloredHtml`` builds
    :func:`rnnviz.plots.hidden.unit_html` ``(text, h[:, j], j)`` from it."""
    T, H = h.shape
    return {**view_shell(text), "data": unit_data(h, text, units_shipped(H, T, unit, budget), lang)}
