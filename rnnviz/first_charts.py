r"""Shipped first charts: the chart a lab draws first, at its default settings, in every language.

On a fresh server the first chart of a lab would wait for ``import torch`` (about 2-3 s) and the
lab's computation. The figure the code computes for the default settings is stored in
``rnnviz/data/first_charts.json`` (written by ``scripts/build_first_charts.py``), so the page draws it
at once and imports torch afterwards. It is used for every session whose settings are the defaults,
not only the first, so no session sees something different from another.
``tests/unit/test_first_charts.py`` computes every stored figure again with the code of today and
checks it equals the stored one (same structure and text, numbers to 1e-9 relative).

Import cost: JSON only (no NumPy, no torch, no plotly); :func:`lookup` returns a plain dict, which
``st.plotly_chart`` takes as it takes a figure.

The store::

    {chart key: {lang: {"key": [...the config tuple...], "figure": "<plotly JSON>"}}}
"""
from __future__ import annotations

import json
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from rnnviz.i18n import LANGS

FILE = Path(__file__).parent / "data" / "first_charts.json"


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples of a config tuple (``("RNN",)`` is stored as ``["RNN"]``)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@lru_cache(maxsize=1)
def _store() -> dict:
    try:
        return json.loads(FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def lookup(chart: str, key: tuple, lang: str) -> dict | None:
    """The stored figure (a fresh plotly-JSON dict) of ``chart`` for the config tuple ``key`` in
    ``lang``, or ``None`` when ``key`` is not the stored one (equal as tuples: ``0 == 0.0``)."""
    entry = _store().get(chart, {}).get(lang)
    if entry is None or _tuples(entry["key"]) != tuple(key):
        return None
    return json.loads(entry["figure"])


# ----------------------------------------------------------------------------- how each chart is computed
def _vanishing_grad(lang: str):
    """``vg_fig_grad``: the vanishing lab's gradient chart (app_pages/vanishing.py, default settings)."""
    from rnnviz.labs import vanishing as lab
    from rnnviz.plots import vanishing as plots

    cfg = lab.VanishingConfig()
    return astuple(cfg), plots.grad_norm_chart(lab.run(cfg), lang)


BUILDERS: dict[str, Callable[[str], tuple[tuple, Any]]] = {
    "vg_fig_grad": _vanishing_grad,
}
"""``{chart key: lang -> (config tuple, plotly Figure)}``: computed by the same functions the page calls."""


def build_all() -> dict:
    """The store, computed now (for ``scripts/build_first_charts.py`` and the test)."""
    out: dict = {}
    for chart, build in BUILDERS.items():
        for lang in LANGS:
            key, fig = build(lang)
            out.setdefault(chart, {})[lang] = {"key": list(key), "figure": fig.to_json()}
    return out


def write(path: Path = FILE) -> dict:
    """Compute the store and write it to ``path`` (sorted keys, one chart per line group)."""
    store = build_all()
    path.write_text(json.dumps(store, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    _store.cache_clear()
    return store
