r"""What the hidden-state page ships to the browser so that choosing the unit ``j`` of the neuron
explorer happens there (``rnnviz/assets/live/multi.js``, its ``multi`` mode), without a script rerun.

Everything is taken from the hidden states ``h`` ``(T, H)`` the page already has (nothing is
recomputed in the browser):

- frame ``j`` of the states heatmap: only its outline of row ``j`` (:func:`rnnviz.plots.hidden.unit_shape`);
- the text coloured by unit ``j`` (:func:`rnnviz.plots.hidden.unit_html`): per unit, each character's value
  as shown (3 decimals, as a whole number of thousandths: :func:`rnnviz.plots.hidden.shown_codes`), with the
  caption of unit ``j`` (range and argmax of ``h[:, j]``) formatted by the server; the browser colours each
  value as :func:`rnnviz.plots.hidden.colored_parts` does (the scale's stops ship once, live.js
  ``scaledParts``): about 5 bytes a character instead of 18 with its colour.

The coloured text is shipped for every unit while ``H * T`` is within :data:`TEXT_BUDGET`; beyond it
(long typed text, the 128-unit model) for the units nearest the server's, and the browser shows a
placeholder for the others until the server has drawn them (the choice reaches it when it settles).
"""
from __future__ import annotations

import hashlib

import numpy as np

from rnnviz.i18n import t as _t
from rnnviz.plots import hidden as plots

TEXT_BUDGET = 60_000
"""Most coloured characters shipped (units ``*`` characters); about 5 bytes of JSON each."""


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
    """``{"j": [[value shown, ...], caption]}`` for each unit ``j`` of ``units``: ``h[:, j]`` as the hover titles of
    :func:`rnnviz.plots.hidden.unit_html` show it (:func:`rnnviz.plots.hidden.shown_codes`, ``UNIT_DECIMALS``)
    and :func:`caption`. The backgrounds are not shipped: each is the colour of the value as shown, which live.js
    samples from :func:`view_shell`'s ``scale``."""
    return {str(j): [plots.shown_codes(h[:, j], plots.UNIT_DECIMALS), caption(h, j, lang)] for j in units}


def view_shell(text: str) -> dict:
    """The unit text's view without its data: ``{"text", "prefixes", "style", "scale"}`` (the same for every unit);
    ``scale`` ``{"stops", "lo", "hi", "decimals"}``: the values are coloured on ``[lo, hi]`` by
    :func:`rnnviz.plots.hidden.scale_stops` as :func:`rnnviz.plots.hidden.unit_html` colours them."""
    return {"text": text, "prefixes": [plots.title_prefix(k, c) for k, c in enumerate(text)],
            "style": {"pad": "1px 0", "wrap": plots.MONO, "mid": "h[⟦hd_unit⟧]: "},
            "scale": {"stops": plots.scale_stops(plots.DIVERGING), "lo": plots.UNIT_LO, "hi": plots.UNIT_HI,
                      "decimals": plots.UNIT_DECIMALS}}


def unit_view(h: np.ndarray, text: str, unit: int, lang: str, budget: int = TEXT_BUDGET) -> dict:
    """The live component's ``colored`` view of the unit text: ``{"text", "prefixes", "style", "scale", "data":
    {"j": [[value shown, ...], caption]}}``; live.js ``scaledParts`` and ``coloredHtml`` build
    :func:`rnnviz.plots.hidden.unit_html` ``(text, h[:, j], j)`` from it."""
    T, H = h.shape
    return {**view_shell(text), "data": unit_data(h, text, units_shipped(H, T, unit, budget), lang)}
