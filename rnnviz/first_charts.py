r"""Shipped first charts: the chart a lab draws first, at its default settings, in every language.

On a fresh server the first chart of a lab would wait for ``import torch`` (about 2-3 s) and the
lab's computation. The figure the code computes for the default settings is stored in
``rnnviz/data/first_charts.json`` (written by ``scripts/build_first_charts.py``), so the page draws it
at once and imports torch afterwards. It is used for every session whose settings are the defaults,
not only the first, so no session sees something different from another.
``tests/unit/test_first_charts.py`` computes every stored figure again with the code of today and
checks it equals the stored one (same structure and text, numbers to 1e-9 relative; the charts of
:data:`FLOAT32` to float32 precision, every value showing as the computed one does).

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


PICTURES = Path(__file__).parent / "data" / "first_pictures"
"""The pictures of the stored figures (PNG, as Chromium draws the chart at a 1280x720 window), drawn by
``scripts/build_first_charts.py``: a page shows a chart's picture where the chart goes while the browser is still
loading plotly.js (1.5-2.5 s on a first visit), and the chart, drawn over it, hides it
(rnnviz.streamlit_helpers.chart_place)."""
PICTURES_FILE = PICTURES / "pictures.json"
RENDERER_FILE = PICTURES / "renderer.json"  # the Chromium and fonts that drew them (tests/e2e/conftest.renderer)
"""``{chart key: {lang: {"file", "digest" (of the stored figure it shows, :func:`digest`), "width", "height"}}}``."""
PAGES = {"vg_fig_grad": "/vanishing", "gt_fig_gates": "/gates", "st_fig_diagram": "/stepthrough", "hd_fig_heat": "/hidden"}
"""The page (URL path) that draws each stored chart, at its default settings."""

FLOAT32 = {"hd_fig_heat": ".3f"}
"""Charts whose float64 arrays are stored as float32 (half the size; the hidden-state heatmap's 64 x 628 values
would be 430 kB of base64), with the format their values are shown in (the hover's ``%{z:.3f}``): each stored
value is the float32 nearest the computed one, or the next one towards it where that would show otherwise
(:func:`_float32`), so the chart shows the same numbers and colours the computed figure does."""


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples of a config tuple (``("RNN",)`` is stored as ``["RNN"]``)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@lru_cache(maxsize=2)
def _read(path: Path) -> dict:
    """A shipped JSON file (the store, the pictures' manifest), read once; ``{}`` if it is not there."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _store() -> dict:
    return _read(FILE)


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
    """``value`` with every string, and every list of plain values (no objects; a list of lists row by row),
    of at least :data:`BLOB_MIN` characters of JSON moved into ``blobs`` (named by a hash of its JSON: equal values
    are stored once)."""
    if isinstance(value, dict):
        return {k: _blob(v, blobs) for k, v in value.items()}
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):  # objects (traces): look inside
        return [_blob(v, blobs) for v in value]
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):  # rows: each on its own
        return [_blob(v, blobs) for v in value]  # (a heatmap's hover characters repeat one row per unit)
    if isinstance(value, (str, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if len(text) >= BLOB_MIN:
            name = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
            blobs[name] = value
            return BLOB + name
    return value


def _float32(value: Any, shown: str) -> Any:
    """``value`` (plotly JSON) with every float64 typed array stored as float32: each number the float32
    nearest it, or one float32 step towards it where that would show otherwise in the format ``shown``
    (Python's ``format``) or would be a tie there (a value exactly halfway between two shown ones, which
    Python's and the browser's ``toFixed`` round in opposite directions)."""
    import base64
    from decimal import Decimal

    import numpy as np

    if isinstance(value, list):
        return [_float32(v, shown) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("dtype") != "f8" or "bdata" not in value:
        return {k: _float32(v, shown) for k, v in value.items()}
    exact = np.frombuffer(base64.b64decode(value["bdata"]), dtype="<f8")
    out = exact.astype("<f4")
    digits = int(shown.strip(".f"))

    def tie(v: float) -> bool:
        return abs(Decimal(v) * 10 ** digits % 1) == Decimal("0.5")

    for i, (x, y) in enumerate(zip(exact.tolist(), out.tolist())):
        if x == x and (format(y, shown) != format(x, shown) or tie(y)):  # (NaN stays NaN)
            y = out[i] = np.nextafter(out[i], np.float32(np.inf if x > y else -np.inf))
            assert format(float(y), shown) == format(x, shown) and not tie(float(y)), (x, y)
    return {**value, "dtype": "f4", "bdata": base64.b64encode(out.tobytes()).decode("ascii")}


def lookup(chart: str, key: tuple, lang: str) -> dict | None:
    """The stored figure (a fresh plotly-JSON dict) of ``chart`` for the config tuple ``key`` in
    ``lang``, or ``None`` when ``key`` is not the stored one (equal as tuples: ``0 == 0.0``)."""
    entry = _entry(chart, key, lang)
    return None if entry is None else _unblob(entry["figure"], _store()["blobs"])


def digest(chart: str, lang: str) -> str | None:
    """A hash of the stored figure of ``chart`` in ``lang`` (its JSON as stored: shared values named by the hash
    of their own JSON), or ``None`` if none is stored: what a picture of the chart was drawn from."""
    entry = _store().get("charts", {}).get(chart, {}).get(lang)
    if entry is None:
        return None
    text = json.dumps(entry["figure"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _pictures() -> dict:
    return _read(PICTURES_FILE)


def picture(chart: str, key: tuple, lang: str) -> dict | None:
    """The shipped picture of the stored figure of ``chart`` for the config tuple ``key`` in ``lang``
    (``{"url", "width", "height"}``: the PNG as a ``data:`` URL, drawn ``width`` x ``height`` CSS px at a
    1280x720 window), or ``None``: ``key`` is not the stored one, no picture is shipped, or the picture was drawn
    from another figure than the one stored now (it would not show the chart the page draws).

    A ``data:`` URL, not the file's URL: the page sends it before importing torch, and a request for the file
    would then be answered by the server while the import holds its interpreter (measured: 0.9-1.2 s later)."""
    if _entry(chart, key, lang) is None:
        return None
    pic = _pictures().get(chart, {}).get(lang)
    if pic is None or pic["digest"] != digest(chart, lang) or not (PICTURES / pic["file"]).is_file():
        return None
    return {"url": _data_url(pic["file"]), "width": pic["width"], "height": pic["height"]}


@lru_cache(maxsize=16)
def _data_url(file: str) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode((PICTURES / file).read_bytes()).decode("ascii")


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


def _hidden_heat(lang: str):
    """``hd_fig_heat``: the hidden-state page's states heatmap (app_pages/hidden.py, default settings: the shipped
    LSTM reading sonnet 18, unit 0 outlined), with the ``layout.meta`` that names it for the browser's unit
    frames."""
    from rnnviz.hidden import models as HM
    from rnnviz.labs import hidden as lab
    from rnnviz.labs import hidden_select as hs
    from rnnviz.plots import hidden as plots

    cfg = lab.HiddenConfig()
    model = HM.shipped(cfg.hd_model)
    text = lab.input_text(cfg)
    S = lab.states(model, text)
    fig = plots.states_heatmap(S.h, text, cfg.hd_unit, lang).update_layout(meta=hs.meta(model.key, text, lang))
    return lab.heat_key(cfg), fig, {}


BUILDERS: dict[str, Callable[[str], tuple[tuple, Any, dict]]] = {
    "vg_fig_grad": _vanishing_grad,
    "gt_fig_gates": _gates_heat,
    "st_fig_diagram": _stepthrough_diagram,
    "hd_fig_heat": _hidden_heat,
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
            figure = json.loads(fig.to_json())
            if chart in FLOAT32:
                figure = _float32(figure, FLOAT32[chart])
            figure = _blob(figure, blobs)
            charts.setdefault(chart, {})[lang] = {"key": list(key), "figure": figure,
                                                  "extra": json.loads(json.dumps(extra, allow_nan=False))}
    return {"charts": charts, "blobs": blobs}


def write(path: Path = FILE) -> dict:
    """Compute the store and write it to ``path`` (compact JSON, sorted keys)."""
    store = build_all()
    path.write_text(json.dumps(store, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    _read.cache_clear()
    return store
