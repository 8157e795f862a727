"""The shipped first charts (rnnviz/data/first_charts.json) are what the code computes today.

A page draws a shipped chart instead of computing it when its settings are the stored ones, for every
session; so the stored figure must equal the computed one: same structure, same text, the same numbers
(to 1e-9 relative: the engine's float64 sums may differ in the last bits across CPUs; the charts stored as
float32, ``first_charts.FLOAT32``, to float32 precision and showing every number as the computed figure
does). After changing a lab's defaults, computation or chart: ``python scripts/build_first_charts.py``.
"""
from __future__ import annotations

import base64
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnviz import first_charts
from rnnviz.i18n import LANGS


def decoded(value):
    """Plotly JSON with typed arrays (``{"dtype", "bdata"}``) as lists of floats, recursively."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")  # plotly writes a 2-D array's shape as text: "16, 64"
            shape = tuple(int(n) for n in str(shape).split(",")) if shape is not None else arr.shape
            return [float(v) for v in arr.reshape(shape).ravel()] + [("shape", *shape)]
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


def differences(a, b, path: str = "", rel_tol: float = 1e-9, shown: str | None = None) -> list[str]:
    """Where two decoded plotly JSON values differ (numbers compared to ``rel_tol`` relative and, given a
    format ``shown``, also as they are shown: ``format(a, shown) == format(b, shown)``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}", rel_tol, shown)]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]", rel_tol, shown)]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        ok = (math.isnan(a) and math.isnan(b)) or (math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-300) and (
            shown is None or format(a, shown) == format(b, shown)))
        return [] if ok else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_differences_finds_a_changed_number_string_and_key():
    a = {"data": [{"y": [1.0, 2.0], "name": "RNN"}], "layout": {"title": "t"}}
    assert differences(a, json.loads(json.dumps(a))) == []
    assert differences(a, {"data": [{"y": [1.0, 2.0 + 1e-6], "name": "RNN"}], "layout": {"title": "t"}})
    assert differences(a, {"data": [{"y": [1.0, 2.0], "name": "LSTM"}], "layout": {"title": "t"}})
    assert differences(a, {"data": [{"y": [1.0, 2.0], "name": "RNN"}], "layout": {}})
    assert differences(a, {"data": [{"y": [1.0], "name": "RNN"}], "layout": {"title": "t"}})
    # float32 precision, and numbers as shown: 0.12350001 and 0.12349999 are close, but show as 0.124 and 0.123
    assert differences([0.12350001], [0.12349999], rel_tol=F32) == []
    assert differences([0.12350001], [0.12349999], rel_tol=F32, shown=".3f")
    assert differences([0.5], [0.5 * (1 + 3 * F32)], rel_tol=F32)


F32 = 2.0 ** -22
"""Relative tolerance of a number stored as float32: twice its unit roundoff (the nearest float32, or one step
further, see rnnviz.first_charts._float32)."""


def test_every_chart_is_shipped_in_every_language():
    store = json.loads(first_charts.FILE.read_text(encoding="utf-8"))
    assert set(store["charts"]) == set(first_charts.BUILDERS)
    for chart, by_lang in store["charts"].items():
        assert set(by_lang) == set(LANGS), chart


@pytest.fixture(scope="module")
def computed():
    """``{(chart, lang): (key, figure, extra)}``, each computed once (the gates analysis loads models)."""
    cache = {}

    def get(chart, lang):
        if (chart, lang) not in cache:
            cache[chart, lang] = first_charts.BUILDERS[chart](lang)
        return cache[chart, lang]
    return get


@pytest.mark.parametrize("chart", sorted(first_charts.BUILDERS))
@pytest.mark.parametrize("lang", LANGS)
def test_shipped_chart_equals_the_computed_one(chart, lang, computed):
    key, fig, _ = computed(chart, lang)
    shipped = first_charts.lookup(chart, key, lang)
    assert shipped is not None, f"{chart} ({lang}): no figure shipped for {key}; run scripts/build_first_charts.py"
    # what the browser receives either way: st.plotly_chart serialises the figure (or the dict) with plotly.io
    import plotly.graph_objects as go
    import plotly.io as pio

    sent_shipped = json.loads(pio.to_json(go.Figure(shipped), validate=False))
    sent_computed = json.loads(pio.to_json(fig, validate=False))
    shown = first_charts.FLOAT32.get(chart)  # stored as float32: to its precision, and every number shown the same
    assert differences(decoded(sent_shipped), decoded(sent_computed), rel_tol=F32 if shown else 1e-9, shown=shown) == []


def test_the_hidden_heatmap_is_shipped_small_at_the_precision_shown():
    """The heatmap's values are stored as float32 (each shows as the computed float64 does, test above), its
    hover characters (one row per unit, all equal) once; the store stays well under the 0.7 MB of float64."""
    from rnnviz.labs.hidden_config import HiddenConfig, heat_key

    store = json.loads(first_charts.FILE.read_text(encoding="utf-8"))
    trace = store["charts"]["hd_fig_heat"]["en"]["figure"]["data"][0]
    assert store["blobs"][trace["z"]["bdata"][len(first_charts.BLOB):]]  # z's bytes: one blob, both languages
    assert store["charts"]["hd_fig_heat"]["zh"]["figure"]["data"][0]["z"] == trace["z"]
    z = first_charts.lookup("hd_fig_heat", heat_key(HiddenConfig()), "en")["data"][0]["z"]
    assert z["dtype"] == "f4" and z["shape"].replace(" ", "") == "64,628"
    assert len(set(trace["customdata"])) == 1  # 64 equal rows, stored once
    assert first_charts.FILE.stat().st_size < 500_000
    assert first_charts.lookup("hd_fig_heat", heat_key(HiddenConfig(hd_unit=1)), "en") is None
    assert first_charts.lookup("hd_fig_heat", heat_key(HiddenConfig(hd_sonnet=19)), "en") is None
    assert first_charts.lookup("hd_fig_heat", heat_key(HiddenConfig(hd_model="gru")), "en") is None


@pytest.mark.parametrize("chart", sorted(first_charts.BUILDERS))
@pytest.mark.parametrize("lang", LANGS)
def test_shipped_extra_values_equal_the_computed_ones(chart, lang, computed):
    """What a page writes above its shipped chart (the gates page: the model's answer) is computed too."""
    key, _, extra = computed(chart, lang)
    shipped = first_charts.lookup_extra(chart, key, lang)
    assert shipped is not None
    assert differences(shipped, json.loads(json.dumps(extra))) == []
    assert {k: type(v) for k, v in shipped.items()} == {k: type(v) for k, v in extra.items()}


def test_gates_answer_is_shipped_with_its_heatmaps():
    from rnnviz.labs.gates_config import GatesConfig, analysis_key

    extra = first_charts.lookup_extra("gt_fig_gates", analysis_key(GatesConfig()), "en")
    assert set(extra) == {"summary", "finite"} and extra["finite"] is True
    assert set(extra["summary"]) >= {"answer", "p", "truth"}
    # the page's key drops the unit, step and colouring: any choice of them finds the shipped chart
    assert analysis_key(GatesConfig(gt_unit=5, gt_step=9, gt_color_by="f")) == analysis_key(GatesConfig())
    assert first_charts.lookup("gt_fig_gates", analysis_key(GatesConfig(gt_seed=1)), "en") is None


def test_strings_shared_by_several_figures_are_stored_once():
    store = json.loads(first_charts.FILE.read_text(encoding="utf-8"))
    blobs = store["blobs"]
    def names(value):
        if isinstance(value, str):
            return [value[len(first_charts.BLOB):]] if value.startswith(first_charts.BLOB) else []
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        return [n for v in items for n in names(v)]

    named = [n for by_lang in store["charts"].values() for e in by_lang.values() for n in names(e["figure"])]
    assert set(named) == set(blobs)  # every stored value is used, every name is stored
    assert len(named) > len(blobs)  # and some are shared (the two languages' numbers)
    assert all(len(json.dumps(v, ensure_ascii=False)) >= first_charts.BLOB_MIN for v in blobs.values())


def test_lookup_returns_a_fresh_copy():
    """st.plotly_chart may change the dict it is given: no session may see another's changes."""
    from rnnviz.labs.gates_config import GatesConfig, analysis_key

    a = first_charts.lookup("gt_fig_gates", analysis_key(GatesConfig()), "en")
    a["data"][0]["customdata"][0][0] = "changed"
    a["layout"]["title"] = "changed"
    b = first_charts.lookup("gt_fig_gates", analysis_key(GatesConfig()), "en")
    assert b["data"][0]["customdata"][0][0] != "changed" and b["layout"].get("title") != "changed"


def test_lookup_only_matches_the_stored_settings():
    chart = "vg_fig_grad"
    from dataclasses import astuple, replace

    from rnnviz.labs.vanishing_config import VanishingConfig

    cfg = VanishingConfig()
    assert first_charts.lookup(chart, astuple(cfg), "en") is not None
    # the page builds the key from widget values: 0 for 0.0 and a list-free tuple are the same settings
    assert first_charts.lookup(chart, astuple(replace(cfg, seed=0, clip=0)), "en") is not None
    assert first_charts.lookup(chart, astuple(replace(cfg, radius=0.95)), "en") is None
    assert first_charts.lookup(chart, astuple(replace(cfg, cells=("RNN", "LSTM"))), "en") is None
    assert first_charts.lookup("no_such_chart", astuple(cfg), "en") is None


def _fresh_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter from the project root (nothing imported yet, as on a fresh server)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=str(first_charts.FILE.parents[2]))


def test_lookup_imports_neither_torch_nor_numpy_nor_plotly():
    code = ("import sys; from dataclasses import astuple; from rnnviz import first_charts; "
            "from rnnviz.labs.vanishing_config import VanishingConfig; "
            "assert first_charts.lookup('vg_fig_grad', astuple(VanishingConfig()), 'zh') is not None; "
            "print(sorted(m for m in ('torch', 'numpy', 'plotly', 'streamlit') if m in sys.modules))")
    out = _fresh_python(code)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_light_imports_complete_every_module_plotly_reads_without_importing():
    """plotly's validators read some optional modules straight from sys.modules (``get_module(name,
    should_load=False)``), with no import lock: a chart built while another script thread is importing
    one of them meets a partially initialised module. import_light_libraries, which runs before a shipped
    chart, must import every such module (found in plotly's own source) to the end."""
    import re

    import _plotly_utils

    src = Path(_plotly_utils.__file__).parent
    plotly_src = Path(_plotly_utils.__file__).parents[1] / "plotly"
    names = set()
    for path in [*src.rglob("*.py"), *plotly_src.glob("*.py")]:
        names |= set(re.findall(r'get_module\(\s*"([\w.]+)"\s*,\s*should_load=False', path.read_text(encoding="utf-8")))
    assert {"numpy", "pandas"} <= names  # the search itself finds what it must
    code = ("import sys; from rnnviz import streamlit_helpers as sh; sh.import_light_libraries(); "
            f"names = {sorted(names)!r}; "
            "print(sorted(n for n in names if n not in sys.modules or "
            "getattr(getattr(sys.modules[n], '__spec__', None), '_initializing', False)))")
    out = _fresh_python(code)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_router_and_the_light_config_modules_import_neither_numpy_nor_torch():
    """app.py imports streamlit_helpers before it asks the browser for plotly.js, and every script thread of
    a fresh server runs it at once: it must import no NumPy (imported later, under the import lock, by
    import_light_libraries). The light config modules a page reads before its first chart import no torch."""
    code = ("import sys; import streamlit; from rnnviz import streamlit_helpers, first_charts; "
            "print(sorted(m for m in ('torch', 'numpy', 'pandas') if m in sys.modules)); "
            "import rnnviz.labs.vanishing_config, rnnviz.labs.gates_config, rnnviz.gates_spec, rnnviz.train_config, "
            "rnnviz.labs.stepthrough_config, rnnviz.stepthrough_data, rnnviz.labs.hidden_config; "
            "print('torch' in sys.modules)")
    out = _fresh_python(code)
    assert out.stdout.split() == ["[]", "False"], out.stdout + out.stderr


# ---------------------------------------------------------------------------------------------- the pictures
def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file (its IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.parametrize("chart", sorted(first_charts.BUILDERS))
@pytest.mark.parametrize("lang", LANGS)
def test_every_shipped_chart_has_its_picture_drawn_from_the_figure_stored_now(chart, lang, computed):
    """rnnviz.streamlit_helpers.chart_place shows the picture of the stored figure until the chart is plotted: a
    picture must exist for every stored figure and have been drawn from it (the figure's digest; a figure
    stored again, changed, needs its picture drawn again: scripts/build_first_charts.py draws both)."""
    manifest = json.loads(first_charts.PICTURES_FILE.read_text(encoding="utf-8"))
    pic = manifest.get(chart, {}).get(lang)
    assert pic is not None, f"{chart} ({lang}): no picture; run scripts/build_first_charts.py"
    assert pic["digest"] == first_charts.digest(chart, lang), (
        f"{chart} ({lang}): the picture shows another figure than the one stored; run scripts/build_first_charts.py")
    # a 1280x720 window, device scale 1: the picture's pixels are the chart's CSS px, its height the figure's
    assert _png_size(first_charts.PICTURES / pic["file"]) == (pic["width"], pic["height"])
    key, fig, _ = computed(chart, lang)
    assert pic["height"] == fig.layout.height
    shown = first_charts.picture(chart, key, lang)
    assert shown is not None and shown["url"].startswith("data:image/png;base64,")
    assert base64.b64decode(shown["url"].split(",", 1)[1]) == (first_charts.PICTURES / pic["file"]).read_bytes()


def test_a_picture_is_shown_only_for_the_stored_settings_and_figure(monkeypatch):
    from dataclasses import astuple, replace

    from rnnviz.labs.vanishing_config import VanishingConfig

    key = astuple(VanishingConfig())
    assert first_charts.picture("vg_fig_grad", key, "en") is not None
    assert first_charts.picture("vg_fig_grad", astuple(replace(VanishingConfig(), radius=0.95)), "en") is None
    # a picture drawn from another figure (the figure stored again, the picture not drawn again) is not shown
    stale = json.loads(first_charts.PICTURES_FILE.read_text(encoding="utf-8"))
    stale["vg_fig_grad"]["en"]["digest"] = "0" * 16
    monkeypatch.setattr(first_charts, "_pictures", lambda: stale)
    assert first_charts.picture("vg_fig_grad", key, "en") is None
    assert first_charts.picture("vg_fig_grad", key, "zh") is not None


def test_the_digest_names_the_stored_figure():
    """Two figures that differ have different digests (each language's figure differs in its text)."""
    digests = {first_charts.digest(c, lang) for c in first_charts.BUILDERS for lang in LANGS}
    assert len(digests) == len(first_charts.BUILDERS) * len(LANGS)
    assert first_charts.digest("no_such_chart", "en") is None
