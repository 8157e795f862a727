r"""Shipped first charts: the chart a lab draws first, at its default settings, in every language.

On a fresh server the first chart of a lab would wait for ``import torch`` (about 2-3 s) and the
lab's computation. The figure the code computes for the default settings is stored in
``rnnviz/data/first_charts.json`` (written by ``scripts/build_first_charts.py``), so the page draws it
at once and imports torch afterwards. It is used for every session whose settings are the defaults,
not only the first, so no session sees something different from another.
``tests/unit/test_first_charts.py`` computes every stored figure again with the code of today and
checks it equals the stored one (same structure and text, numbers to 1e-9 relative).

Some pages write a few computed values above their first chart (the gates page: the model's answer);
those are stored with the chart (``extra``, :func:`lookup_extra`) and checked the same way.

Import cost: JSON only (no NumPy, no torch, no plotly); :func:`lookup` returns a plain dict, which
``st.plotly_chart`` takes as it takes a figure.

The store (a long string or list, e.g. the numbers both languages share, is kept once in ``blobs``
and named in the figure by ``BLOB`` + its hash)::

    {"charts": {chart key: {lang: {"key": [...the config tuple...], "figure": {plotly JSON}, "extra": {...}}}},
     "blobs": {hash: string}}
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from rnnviz.i18n import LANGS

FILE = Path(__file__).parent / "data" / "first_charts.json"
BLOB = "\u0000blob:"
"""Marks a string of the stored figure that is kept in the store's ``blobs`` (followed by its hash)."""
BLOB_MIN = 1000
"""Strings and lists this long (as JSON) or longer are kept in ``blobs`` (typed arrays' base64, hover text)."""


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples of a config tuple (``("RNN",)`` is stored as ``["RNN"]``)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@lru_cache(maxsize=1)
def _store() -> dict:
    try:
        return json.loads(FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _entry(chart: str, key: tuple, lang: str) -> dict | None:
    entry = _store().get("charts", {}).get(chart, {}).get(lang)
    if entry is None or _tuples(entry["key"]) != tuple(key):
        return None
    return entry


def _unblob(value: Any, blobs: dict) -> Any:
    """A fresh copy of ``value`` with every blob name replaced by (a fresh copy of) its value."""
    if isinstance(value, str):
        return _unblob(blobs[value[len(BLOB):]], blobs) if value.startswith(BLOB) else value
    if isinstance(value, dict):
        return {k: _unblob(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_unblob(v, blobs) for v in value]
    return value


def _blob(value: Any, blobs: dict) -> Any:
    """``value`` with every string, and every list of plain values (no objects), of at least
    :data:`BLOB_MIN` characters of JSON moved into ``blobs`` (named by a hash of its JSON: equal values
    are stored once)."""
    if isinstance(value, dict):
        return {k: _blob(v, blobs) for k, v in value.items()}
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):  # objects (traces): look inside
        return [_blob(v, blobs) for v in value]
    if isinstance(value, (str, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if len(text) >= BLOB_MIN:
            name = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
            blobs[name] = value
            return BLOB + name
    return value


def lookup(chart: str, key: tuple, lang: str) -> dict | None:
    """The stored figure (a fresh plotly-JSON dict) of ``chart`` for the config tuple ``key`` in
    ``lang``, or ``None`` when ``key`` is not the stored one (equal as tuples: ``0 == 0.0``)."""
    entry = _entry(chart, key, lang)
    return None if entry is None else _unblob(entry["figure"], _store()["blobs"])


def lookup_extra(chart: str, key: tuple, lang: str) -> dict | None:
    """The values stored with the figure of ``chart`` (what the page writes above it), or ``None``
    when ``key`` is not the stored one."""
    entry = _entry(chart, key, lang)
    return None if entry is None else json.loads(json.dumps(entry["extra"]))


# ----------------------------------------------------------------------------- how each chart is computed
def _vanishing_grad(lang: str):
    """``vg_fig_grad``: the vanishing lab's gradient chart (app_pages/vanishing.py, default settings)."""
    from rnnviz.labs import vanishing as lab
    from rnnviz.plots import vanishing as plots

    cfg = lab.VanishingConfig()
    return astuple(cfg), plots.grad_norm_chart(lab.run(cfg), lang), {}


def _gates_heat(lang: str):
    """``gt_fig_gates``: the gates lab's heatmaps (app_pages/gates.py, default settings), and what the page
    writes above them: the model's answer (``summary``) and whether the trace is finite."""
    from rnnviz import gates as G
    from rnnviz.labs import gates as lab
    from rnnviz.plots import gates as plots

    cfg = lab.GatesConfig()
    key = lab.analysis_key(cfg)
    models = {cell: G.load(cfg.gt_task, cell) for cell in G.CELLS}  # the shipped weights, as the page loads them
    res = lab.analyse(lab.GatesConfig(*key), models, G.new_model(cfg.gt_task, cfg.gt_cell, seed=lab.FRESH_SEED))
    return key, plots.gates_figure(res.quantities, res.text, lang), {"summary": res.summary,
                                                                               "finite": bool(res.trace.finite)}


def _stepthrough_diagram(lang: str):
    """``st_fig_diagram``: the step-through page's unrolled diagram (app_pages/stepthrough.py, default settings:
    the shipped trained weights), forward phase at step 1, as the page draws it (its ``layout.meta`` names the
    figure the browser's step frames belong to), and what the page needs before computing: the number of
    steps, and the phase and step the figure is drawn at."""
    from rnnviz import stepthrough as S
    from rnnviz.labs import stepthrough as lab
    from rnnviz.plots import stepthrough as plots

    key = lab.numbers_key(lab.StepConfig())
    cfg = lab.StepConfig(*key)
    res = lab.compute(cfg, S.load_trained(cfg.st_hidden) if lab.uses_trained(cfg) else None)
    fig = plots.diagram(res, 1, "forward", lang).update_layout(meta=lab.figure_meta("st_fig_diagram", key, "forward", lang))
    return key, fig, {"n": len(res.slots), "phase": "forward", "t": 1}


BUILDERS: dict[str, Callable[[str], tuple[tuple, Any, dict]]] = {
    "vg_fig_grad": _vanishing_grad,
    "gt_fig_gates": _gates_heat,
    "st_fig_diagram": _stepthrough_diagram,
}
"""``{chart key: lang -> (config tuple, plotly Figure, extra values)}``: computed by the same functions the
page calls."""


def build_all() -> dict:
    """The store, computed now (for ``scripts/build_first_charts.py`` and the test)."""
    charts: dict = {}
    blobs: dict = {}
    for chart, build in BUILDERS.items():
        for lang in LANGS:
            key, fig, extra = build(lang)
            figure = _blob(json.loads(fig.to_json()), blobs)
            charts.setdefault(chart, {})[lang] = {"key": list(key), "figure": figure,
                                                  "extra": json.loads(json.dumps(extra, allow_nan=False))}
    return {"charts": charts, "blobs": blobs}


def write(path: Path = FILE) -> dict:
    """Compute the store and write it to ``path`` (compact JSON, sorted keys)."""
    store = build_all()
    path.write_text(json.dumps(store, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    _store.cache_clear()
    return store
