"""What the gates page ships to the browser (rnnviz.labs.gates_select) equals what the server draws for
the same choice: the frame of unit j is the unit / path chart of unit j, the equations filled in the
browser's way are unit_step(j, t)'s lines, and the coloured text built by live.js (run in node) is
the server's HTML."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from rnnviz import gates as G
from rnnviz.labs import gates as L
from rnnviz.labs import gates_select as S
from rnnviz.plots import gates as P
from tests.unit.live_module import LIVE_JS  # the module the browser gets


def arr(v) -> np.ndarray:
    """A plotly y (typed-array dict or list) as float64."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).astype(np.float64)
    return np.asarray([np.nan if x is None else x for x in v], dtype=np.float64)


@pytest.fixture(scope="module", params=[("recall", "LSTM"), ("depth", "GRU")])
def case(request):
    task, cell = request.param
    models = {c: G.load(task, c) for c in G.CELLS}
    cfg = L.GatesConfig(gt_task=task, gt_cell=cell, gt_fbias=-1.5 if cell == "LSTM" else 0.0)
    return task, cell, L.analyse(cfg, models, G.new_model(task, cell, seed=100))


def test_unit_frames_are_the_unit_charts(case):
    task, cell, res = case
    frames = S.unit_frames(res, "en")
    assert len(frames) == res.trace.H
    ranges = set()
    for j in range(res.trace.H):
        fig = json.loads(P.unit_lines(res.quantities, j, res.text, "en").to_json())
        assert len(frames[j]["data"]) == len(fig["data"])
        for upd, tr in zip(frames[j]["data"], fig["data"]):
            np.testing.assert_array_equal(arr(upd["y"]), arr(tr["y"]))
        lo, hi = fig["layout"]["yaxis"]["range"]
        ranges.add((lo, hi))
        for tr in fig["data"]:  # every value of the unit inside the chart's fixed range
            y = arr(tr["y"])
            assert np.all(y[np.isfinite(y)] > lo) and np.all(y[np.isfinite(y)] < hi)
        if "yaxis" in frames[j]["layout"]:
            assert frames[j]["layout"]["yaxis"]["range"] == [lo, hi]
    # the LSTM's cell state goes beyond ±1 on some units (the range changes with the unit); the GRU's never
    assert (len(ranges) > 1) == (cell == "LSTM")
    assert all("yaxis" in f["layout"] for f in frames) == (len(ranges) > 1)


def test_unit_frames_are_data_only(case):
    """A unit frame moves lines only (and the y range): no title, legend name, annotation or visibility, so the
    browser draws it without a redraw of the chart (live.js applyFrame: Plotly.animate). The title and the
    legend say "the chosen unit", true for every unit; the number is in the line beside the charts."""
    task, cell, res = case
    for lang in ("en", "zh"):
        for f in S.unit_frames(res, lang):
            assert all(set(upd) == {"y"} for upd in f["data"])
            assert set(f["layout"]) <= {"yaxis"} and all(set(v) == {"range"} for v in f["layout"].values())
        for f in S.path_frames(res, cell, lang):
            assert set(f["data"][0]) == {"y"} and f["data"][1:] == [{}, {}, {}] and f["layout"] == {}
        for j in (0, res.trace.H - 1):
            unit_fig = P.unit_lines(res.quantities, j, res.text, lang)
            path_fig = P.gradient_path(res.carry, j, res.rnn_path, res.text, cell, lang)
            names = [tr.name for tr in path_fig.data] + [unit_fig.layout.title.text, path_fig.layout.title.text]
            assert not any(str(j) in n for n in names[:1] + names[-2:]), names  # the unit's number is not in them
            assert unit_fig.layout.title.text == P.unit_lines(res.quantities, 1, res.text, lang).layout.title.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unit_note_names_the_chosen_unit(case, lang):
    """The line beside the charts, as the server writes it and as live.js fills its template (a ``text`` view:
    ⟦gt_unit⟧ replaced by the chosen unit), names the chosen unit and the range of units, in both languages."""
    task, cell, res = case
    H = res.trace.H
    view = S.unit_note_view(H, lang, "slot", "server")
    assert view["kind"] == "text" and view["by"] == ["gt_unit"]
    for j in range(H):
        note = S.unit_note(H, j, lang)
        assert view["template"].replace("⟦gt_unit⟧", str(j)) == note
        assert f"{j}" in note and f"{H - 1}" in note
    assert S.unit_note(H, 3, "en") == f"Chosen unit: 3 (units 0 to {H - 1})"
    assert S.unit_note(H, 3, "zh") == f"所选单元：3（共 0 到 {H - 1}）"


def test_path_frames_are_the_path_charts(case):
    task, cell, res = case
    frames = S.path_frames(res, cell, "zh")
    lo, hi = P.path_range(res.carry, res.rnn_path)
    for j in range(res.trace.H):
        fig = json.loads(P.gradient_path(res.carry, j, res.rnn_path, res.text, cell, "zh").to_json())
        assert len(fig["data"]) == len(frames[j]["data"]) == 4  # always four traces: frames swap them in place
        np.testing.assert_array_equal(arr(frames[j]["data"][0]["y"]), arr(fig["data"][0]["y"]))
        assert fig["layout"]["yaxis"]["range"] == [lo, hi]  # the same for every unit
        for k in (1, 2, 3):  # the other traces do not depend on the unit: the frame leaves them alone
            assert frames[j]["data"][k] == {}
            np.testing.assert_array_equal(arr(fig["data"][k]["y"]),
                                          arr(json.loads(P.gradient_path(res.carry, 0, res.rnn_path, res.text, cell,
                                                                         "zh").to_json())["data"][k]["y"]))
    # the range: the largest product at its top, the smallest (not below PATH_FLOOR) at its bottom
    v = np.concatenate([res.carry.ravel(), res.rnn_path])
    v = v[np.isfinite(v) & (v > 0)]
    assert lo < np.log10(max(v.min(), P.PATH_FLOOR)) and np.log10(v.max()) < hi
    assert P.path_clipped(res.carry, res.rnn_path) == bool(v.min() < P.PATH_FLOOR)


def _over(base, upd):
    """``upd`` copied over ``base`` as rnnviz/assets/live/apply.js applyFrame does: nested entries one by one, a
    typed array (``{dtype, bdata}``), a list or a value as a whole."""
    if isinstance(upd, dict) and "bdata" not in upd and isinstance(base, dict) and "bdata" not in base:
        return {**base, **{k: _over(base.get(k), v) for k, v in upd.items()}}
    return upd


def _paths(d, prefix=""):
    """``{"a.b": leaf}`` of a nested dict (typed arrays are leaves), as live.js flattens a frame."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v and "bdata" not in v:
            out.update(_paths(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


@pytest.mark.parametrize("chart", ["unit", "path"])
def test_unit_frames_keep_what_changes_and_the_rest_is_the_figure(case, chart):
    """The browser copies frame j over the chart on screen, which the server drew for whichever unit it drew
    first (sh.drawn_choice): over any unit's figure, frame j gives unit j's figure, entry for entry; and a frame
    carries only what differs between the units' figures (rnnviz.plots.style.changing_parts), nothing the
    chart already has."""
    from rnnviz.plots.style import changing_parts, frame_of

    task, cell, res = case
    H = res.trace.H
    if chart == "unit":
        full = [frame_of(P.unit_lines(res.quantities, j, res.text, "en")) for j in range(H)]
        frames = S.unit_frames(res, "en")
    else:
        full = [frame_of(P.gradient_path(res.carry, j, res.rnn_path, res.text, cell, "zh")) for j in range(H)]
        frames = S.path_frames(res, cell, "zh")
    full = json.loads(json.dumps(full))  # as the browser gets them
    frames = json.loads(json.dumps(frames))
    parts = changing_parts(full)
    for base in (full[0], full[H // 2], full[-1]):
        for j in range(H):
            assert [_over(b, u) for b, u in zip(base["data"], frames[j]["data"])] == full[j]["data"], (chart, j)
            assert _over(base["layout"], frames[j]["layout"]) == full[j]["layout"], (chart, j)
    for f, p in zip(frames, parts):  # every entry a frame carries is one that changes between units
        for mine, changing in zip(f["data"] + [f["layout"]], p["data"] + [p["layout"]]):
            assert set(_paths(mine)) <= set(_paths(changing)), (chart, set(_paths(mine)) - set(_paths(changing)))


def test_equations_shipped_fill_to_the_server_lines(case):
    task, cell, res = case
    vocab = G.SPECS[task].vocab
    T, H = len(res.text), res.trace.H
    eq = S.equations(res, vocab, unit=1, step=3)
    assert len(eq["data"]) == H * T  # within the budget: every pair
    for j, t in [(0, 1), (1, 3), (H - 1, T), (H // 2, T // 2)]:
        strings = dict(zip(eq["keys"], eq["data"][f"{j},{t}"]))
        assert L.fill(eq["template"], strings) == L.unit_step(res.trace, res.text, vocab, j, t)[1]
    # over the budget: the pairs of the server's unit and of its step only
    cross = S.equations(res, vocab, unit=2, step=5, budget=10)
    assert set(cross["data"]) == {f"2,{t}" for t in range(1, T + 1)} | {f"{j},5" for j in range(H)}
    assert cross["data"]["2,7"] == eq["data"]["2,7"]
    # in Chinese: the same numbers, the words of the equations translated (x_t = 独热(...)), in the server's
    # lines and in the browser's template alike
    zh = S.equations(res, vocab, unit=1, step=3, lang="zh")
    assert zh["data"] == eq["data"] and zh["template"] != eq["template"]
    strings = dict(zip(zh["keys"], zh["data"]["1,3"]))
    lines = L.unit_step(res.trace, res.text, vocab, 1, 3, "zh")[1]
    assert L.fill(zh["template"], strings) == lines and r"\text{独热}" in lines[0]


def test_colours_shipped_are_the_server_html(case):
    task, cell, res = case
    col = S.colours(res, unit=0, color_by="h")
    names = list(res.quantities)
    assert set(col["data"]) == {f"{n},{j}" for n in names for j in range(res.trace.H)}
    for name, j in [("h", 0), (names[1], res.trace.H - 1)]:
        bgs, values = col["data"][f"{name},{j}"]
        server = P.colored_text_html(res.text, res.quantities[name][:, j], name)
        expanded = [b if not b.startswith("#") else "rgb({}, {}, {})".format(*(int(b[k:k + 2], 16) for k in (1, 3, 5)))
                    for b in bgs]
        assert P.colored_text_from(res.text, expanded, values) == server


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js's builders outside a browser")
def test_live_js_builds_the_same_html_and_lines(case):
    """live.js's ``coloredHtml`` and ``fill`` (what the browser shows) give the server's HTML and LaTeX."""
    task, cell, res = case
    vocab = G.SPECS[task].vocab
    text = res.text[:20] + "<&'\"\n" + res.text[20:30]  # markup and a newline: escaped as the server does
    values = np.concatenate([res.quantities["h"][:20, 0], [np.nan, -0.5, 0.25, 1.0, 0.0], res.quantities["h"][20:30, 0]])
    bgs, shown = P.colored_text_colours(text, values, "h")
    eq = S.equations(res, vocab, unit=1, step=4)
    strings = eq["data"]["1,4"]
    script = (f"import {{coloredHtml, fill}} from {json.dumps(LIVE_JS.as_uri())};\n"
              f"const a = {json.dumps([text, P.colored_text_prefixes(text), [S._compact(b) for b in bgs], shown])};\n"
              f"const e = {json.dumps([eq['template'], eq['keys'], strings])};\n"
              "process.stdout.write(JSON.stringify([coloredHtml(...a), e[0].map((l) => fill(l, e[1], e[2]))]));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    html_js, lines_js = json.loads(out.stdout)
    assert html_js == P.colored_text_html(text, values, "h")
    assert lines_js == L.unit_step(res.trace, res.text, vocab, 1, 4)[1]


def test_bias_frames_are_the_bias_charts_of_the_grid():
    """Frame k of the bias sweep is the bias chart the server draws at Δ = grid[k] (the page's slider grid)."""
    task, cell = "recall", "LSTM"
    models = {c: G.load(task, c) for c in G.CELLS}
    fresh = G.new_model(task, cell, seed=100)
    cfg = L.GatesConfig(gt_task=task, gt_cell=cell, gt_gap=20)
    frames, readouts = S.bias_frames(cfg, models, fresh, "en")
    grid = S.bias_grid()
    assert grid[0] == -6.0 and grid[-1] == 6.0 and len(frames) == len(readouts) == len(grid) == 121 and 0.0 in grid
    assert all(repr(d) == f"{d:.1f}" for d in grid)  # the slider's values, as its URL writes them
    first = None
    for d in (-4.0, 0.0, 2.5):
        k = grid.index(d)
        res = L.analyse(L.GatesConfig(gt_task=task, gt_cell=cell, gt_gap=20, gt_fbias=d), models, fresh)
        fig = json.loads(P.bias_figure(res.carry_base, res.carry, res.carry_fresh, d, res.text, cell, "en").to_json())
        assert len(fig["data"]) == len(frames[k]["data"]) == 3
        assert fig["data"][0]["visible"] == frames[k]["data"][0]["visible"] == (d != 0)
        # data only: the lines' y and the y range (the legend names no Δ: the same for every Δ)
        assert frames[k]["data"][0] == {"visible": d != 0} and all(set(u) == {"y"} for u in frames[k]["data"][1:])
        assert frames[k]["layout"] == {"yaxis": {"range": fig["layout"]["yaxis"]["range"]}}
        names = [tr["name"] for tr in fig["data"]]
        assert first is None or names == first
        first = names
        for i in (1, 2):
            np.testing.assert_allclose(arr(frames[k]["data"][i]["y"]), arr(fig["data"][i]["y"]), rtol=1e-12, atol=0)
        # the readout: the page's own memory horizons at that Δ (Δ itself is on the control's thumb), over the
        # T characters the products run over (a horizon never reached reads "≥ T")
        assert len(arr(frames[k]["data"][1]["y"])) == len(res.text)
        assert readouts[k] == P.bias_readout(d, res.horizons, cell, len(res.text), "en")
        assert ("(Δ\u00a0=\u00a00: " in readouts[k]) == (d != 0)


def test_bias_readout_says_the_horizons_of_the_lines():
    """The readout beside the Δ control gives the memory horizons (steps until the mean product falls
    below 1/e; one never reached within the T steps: "≥ T") of the three lines of the bias chart, each computed from the products (closed form: a constant
    gate g keeps g^k after k steps, so its horizon is the first k with g^k < 1/e)."""
    T, H = 40, 3
    k = np.arange(T, 0, -1)[:, None]  # prod over s > t of a constant gate: g^(T - t + 1) at step t
    prods = {name: np.repeat(g ** k, H, axis=1) for name, g in (("base", 0.5), ("trained", 0.9), ("fresh", 0.99))}
    horizons = L._horizons(prods)
    # the lag L (steps back from T) first below 1/e: g^(L+1) < 1/e; 0.5^2 < 1/e < 0.5, 0.9^10 < 1/e < 0.9^9, 0.99^40 > 1/e
    assert (horizons["base"], horizons["trained"], horizons["fresh"]) == (1, 9, np.inf)
    en = P.bias_readout(-2.0, horizons, "LSTM", T, "en")
    zh = P.bias_readout(-2.0, horizons, "LSTM", T, "zh")
    nb = "\u00a0"  # no-break spaces: no line break inside "> 1/e", "Δ = 0", "≥ 40"
    assert en == f"c kept >{nb}1/e for: trained 9 (Δ{nb}={nb}0: 1), fresh ≥{nb}40 steps"
    assert zh == f"c 保留 >{nb}1/e 的步数：训练好的 9（Δ{nb}={nb}0：1），新模型 ≥{nb}40"
    assert P.bias_readout(-2.0, horizons, "GRU", T, "en").startswith("h kept")
    # at Δ = 0 the shifted model is the trained one: its horizon is said once
    same = {**horizons, "trained": horizons["base"]}
    assert P.bias_readout(0.0, same, "LSTM", T, "en") == f"c kept >{nb}1/e for: trained 1, fresh ≥{nb}40 steps"
    # two lines at most in the sidebar at 1280 px (about 33 Latin characters a line), the longest case too
    longest = P.bias_readout(-2.0, {"base": 100, "trained": np.inf, "fresh": np.inf}, "LSTM", 500, "en")
    assert len(longest) <= 64, longest


def test_bias_range_holds_every_line_and_the_1_over_e_line():
    P0 = np.full((5, 2), 0.5)
    for lines in ((P0, P0, P0), (P0, P0 ** 20, P0), (P0 * 0 + 1.0, P0, np.full((5, 2), 1e-40))):
        lo, hi = P.bias_range(*lines)
        means = np.concatenate([x.mean(axis=1) for x in lines])
        assert -lo in (5, 10, 20, 50, 100) and lo < np.log10(means.min()) and hi > 0 and lo < -1 / np.log(10)
        # the first depth below the data: one step up (the one before it) would cut the lowest line
        shallower = {10: 5, 20: 10, 50: 20, 100: 50}.get(-lo)
        assert shallower is None or -shallower > np.log10(means.min()) - 0.3


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs live.js's builders outside a browser")
def test_the_colour_choice_is_a_labelled_select_drawn_as_streamlit_draws_one():
    """The gates page's "Colour the text by" (a choice of the live component's multi mode, live.js controlHtml): a
    native <select> (the keyboard works as in any select, a screen reader names it by its label) bound to a <label>,
    the help as a "?" tooltip beside the label (as Streamlit draws a widget's help) and as the select's own, every
    option in order with its label, all text escaped; a range likewise labelled. Its look (rnnviz.streamlit_helpers
    _LIVE_CSS): Streamlit's selectbox's font, height, radius, colours of the theme (light and dark: the component's
    --st-* variables), a chevron, no browser arrow, the primary colour's border when focused."""
    from html.parser import HTMLParser

    from rnnviz.streamlit_helpers import _LIVE_CSS

    help_ = 'Which quantity colours the text ("h" <or> the gates)'
    choice = {"param": "gt_color_by", "kind": "choice", "options": ["i", "f", "h"], "labels": ["i gate", "f & co", "h"],
              "label": "Colour the text by", "help": help_}
    rng = {"param": "gt_unit", "kind": "range", "min": 0, "max": 15, "label": "Unit", "help": "The unit"}
    script = (f"import {{controlHtml}} from {json.dumps(LIVE_JS.as_uri())};\n"
              f"process.stdout.write(JSON.stringify([controlHtml({json.dumps(choice)}, 'rv-gt_select-gt_color_by'),"
              f" controlHtml({json.dumps(rng)}, 'rv-gt_select-gt_unit')]));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text, self.where = [], {}, None

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))
            self.where = len(self.tags) - 1

        def handle_data(self, data):
            self.text[self.where] = self.text.get(self.where, "") + data

    for html, c, field in zip(json.loads(out.stdout), (choice, rng), ("select", "input")):
        p = Tags()
        p.feed(html)
        label = next(i for i, (tag, _) in enumerate(p.tags) if tag == "label")
        field_attrs = next(a for tag, a in p.tags if tag == field)
        assert p.text[label] == c["label"] and p.tags[label][1]["for"] == field_attrs["id"] == f"rv-gt_select-{c['param']}"
        assert field_attrs["title"] == c["help"] and field_attrs["data-param"] == c["param"]
        assert any(tag == "span" and a.get("class") == "rv-help" and a["title"] == c["help"] for tag, a in p.tags)
    p = Tags()
    p.feed(json.loads(out.stdout)[0])
    options = [(a["value"], p.text[i]) for i, (tag, a) in enumerate(p.tags) if tag == "option"]
    assert options == [("i", "i gate"), ("f", "f & co"), ("h", "h")]
    assert next(a for tag, a in p.tags if tag == "select")["class"] == "rv-choice"
    assert any(tag == "svg" and a.get("class") == "rv-chevron" and a.get("aria-hidden") == "true" for tag, a in p.tags)
    rule = lambda sel: re.search(re.escape(sel) + r"\s*\{([^}]*)\}", _LIVE_CSS).group(1)  # noqa: E731
    look = rule(".rv-choice ")
    for part in ("appearance: none", "height: 2.5rem", "border-radius: var(--st-base-radius", "font-family: var(--st-font",
                 "color: var(--st-text-color", "background: var(--st-secondary-background-color"):
        assert part in look, part
    assert "border-color: var(--st-primary-color" in rule(".rv-choice:focus, .rv-choice:focus-visible")
    assert "background: var(--st-background-color" in rule(".rv-choice option")
