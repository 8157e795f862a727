"""Page: LSTM and GRU gates, live. Widgets -> GatesConfig -> rnnviz.labs.gates -> figures.

The unit, the step and the colouring only pick among numbers the analysis has computed for every
choice: they are chosen in the browser (a live component, rnnviz/assets/live/, with the data of
every choice from rnnviz.labs.gates_select); the server learns the choice when it settles.

A clean first load: the sidebar, the model's answer and the heatmaps at the default settings (shipped
with their answer, see rnnviz.first_charts) are drawn from light modules; torch, the models and the
analysis come after them (app.py leaves this page's heavy imports to the page: LIGHT_FIRST).
"""
from __future__ import annotations  # annotations name modules imported after the first chart

import json
import threading
from dataclasses import astuple

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz.text import percent, quote

sh.import_numpy()  # under the import lock (the light modules below use NumPy); plotly's figures after the title
# Until the first chart, G and lab are the light halves of rnnviz.gates and rnnviz.labs.gates (the same
# names; no torch); import_heavy() then binds these names to the whole modules, which re-export them.
from rnnviz import gates_spec as G  # noqa: E402
from rnnviz.labs import gates_config as lab  # noqa: E402


def import_heavy() -> None:
    """torch and the lab's compute and plotting modules, once per process under the import lock
    (:func:`rnnviz.streamlit_helpers.import_heavy_libraries`), bound to the page's module names."""
    global G, lab, gs, plots, byo_lab, byo_plots, export
    sh.import_heavy_libraries()
    from rnnviz import export
    from rnnviz import gates as G
    from rnnviz.labs import byo as byo_lab
    from rnnviz.labs import gates as lab
    from rnnviz.labs import gates_select as gs
    from rnnviz.plots import byo as byo_plots
    from rnnviz.plots import gates as plots


D = lab.GatesConfig()  # the defaults
PRESETS = lab.PRESETS  # every preset sets the seed; captions checked over seeds 0-9 (tests/unit/test_gates.py)
GT_CONTROLS_PX = 83  # the live choices' final height (unit, step, colouring) at 1280x720, default settings (sh.held_place)


@st.cache_resource(show_spinner=False)
def model_store() -> tuple[dict, threading.Lock]:
    """Process-wide ``{(task, cell): (model, source)}``; a lock so one model is trained only once."""
    return {}, threading.Lock()


def models_of(task: str) -> dict[str, G.CharRNN]:
    """The three trained cells of ``task``: shipped weights, or trained now behind a progress bar.

    Training is not inside a cached function because its progress bar is a page element
    (Streamlit cannot replay elements drawn by a cached function into another layout)."""
    store, lock = model_store()
    out = {}
    for cell in G.CELLS:
        with lock:
            if (task, cell) not in store:
                if G.weights_path(task, cell).exists():
                    store[task, cell] = (G.load(task, cell), "shipped")
                else:
                    bar = st.progress(0.0, text=sh.tr("gates.training", cell=cell, task=task))
                    model, _ = G.train(task, cell, progress=lambda f, msg: bar.progress(min(1.0, f), text=msg))
                    bar.empty()
                    store[task, cell] = (model, "trained")
        out[cell], source = store[task, cell]
        if source == "trained":
            st.info(sh.tr("gates.weights_trained", cell=cell), icon=":material/model_training:")
    return out


@st.cache_resource(max_entries=8, show_spinner=False)
def fresh_model(task: str, cell: str) -> G.CharRNN:
    return G.new_model(task, cell, seed=lab.FRESH_SEED)


@st.cache_resource(max_entries=32, show_spinner=False)
def analyse(key: tuple, _models: dict) -> lab.GatesResult:
    """``_models`` (the trained models of the task in ``key``) is not hashed: it is fixed per task."""
    cfg = lab.GatesConfig(*key)
    return lab.analyse(cfg, _models, fresh_model(cfg.gt_task, cfg.gt_cell))


@st.cache_resource(max_entries=64, show_spinner=False)
def unit_figure(key: tuple, lang: str, unit: int, _models: dict):
    """The unit chart of ``unit`` (cached: a choice made again sends a ready figure)."""
    res = analyse(key, _models)
    return plots.unit_lines(res.quantities, unit, res.text, lang).update_layout(meta=gs.meta("gt_fig_unit", key, lang))


@st.cache_resource(max_entries=64, show_spinner=False)
def path_figure(key: tuple, lang: str, unit: int, _models: dict):
    res = analyse(key, _models)
    return plots.gradient_path(res.carry, unit, res.rnn_path, res.text, key[1], lang).update_layout(
        meta=gs.meta("gt_fig_path", key, lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def heat_figure(key: tuple, lang: str, _models: dict):
    """The heatmaps (cached: the figure, not only the analysis; building the subplots costs)."""
    res = analyse(key, _models)
    return plots.gates_figure(res.quantities, res.text, lang)


def _bias_key(key: tuple) -> tuple:
    """``key`` without the bias shift: the bias sweep is the same for every shift."""
    return astuple(lab.GatesConfig(**{**lab.GatesConfig(*key).__dict__, "gt_fbias": 0.0}))


@st.cache_resource(max_entries=16, show_spinner=False)
def bias_figure(key: tuple, lang: str, _models: dict):
    res = analyse(key, _models)
    cfg = lab.GatesConfig(*key)
    fig = plots.bias_figure(res.carry_base, res.carry, res.carry_fresh, cfg.gt_fbias, res.text, cfg.gt_cell, lang)
    return fig.update_layout(meta=gs.meta("gt_fig_bias", _bias_key(key), lang))


@st.cache_data(max_entries=8, show_spinner=False)
def bias_json(bias_key: tuple, lang: str, _models: dict) -> str:
    """The bias chart for every Δ of the slider's grid and the live range that drags through them in place of
    the Δ slider (the chart moves in the browser; the page follows on release)."""
    cfg = lab.GatesConfig(*bias_key)
    frames, readouts = gs.bias_frames(cfg, _models, fresh_model(cfg.gt_task, cfg.gt_cell), lang)
    grid = gs.bias_grid()
    control = sh.live_range("gt_fbias", grid, [f"{d:.1f}" for d in grid], readouts, sh.t("gates.fbias", lang),
                            sh.t("gates.fbias_help", lang), hide=["gt_fbias_note"])
    return json.dumps({"charts": {"gt_fig_bias": {"meta": gs.meta("gt_fig_bias", bias_key, lang), "frames": frames}},
                       "range": control}, allow_nan=False, ensure_ascii=False)


@st.cache_data(max_entries=16, show_spinner=False)
def select_json(key: tuple, lang: str, T: int, unit: int, step: int, color_by: str, _models: dict) -> str:
    """The live component's data: frames of the unit and path charts for every unit, the equations and
    the coloured text of every choice (within the budgets of rnnviz.labs.gates_select)."""
    res = analyse(key, _models)
    H, vocab = res.trace.H, G.SPECS[key[0]].vocab
    names = list(res.quantities)
    eq = gs.equations(res, vocab, unit, step, lang=lang)
    col = gs.colours(res, unit, color_by)
    multi = {
        "id": "gt_select", "value": {"gt_unit": unit, "gt_step": step, "gt_color_by": color_by},
        "katex": sh.katex_url(), "settle_ms": 600,
        "controls": [
            {"param": "gt_unit", "kind": "range", "min": 0, "max": H - 1, "label": tr("gates.unit"),
             "help": tr("gates.unit_help")},
            {"param": "gt_step", "kind": "range", "min": 1, "max": T, "label": tr("gates.step"),
             "help": tr("gates.step_help"), "labels": [f"{k} · {plots.show_char(c)}" for k, c in enumerate(res.text, 1)]},
            {"param": "gt_color_by", "kind": "choice", "options": names, "label": tr("gates.color_by"),
             "help": tr("gates.color_by_help")}],
        "views": [
            {"slot": "gt_eq", "server": "gt_eq_server", "by": ["gt_unit", "gt_step"], "kind": "latex",
             "pending": tr("gates.choice_pending"), **eq},
            {"slot": "gt_color", "server": "gt_color_server", "by": ["gt_color_by", "gt_unit"], "kind": "colored",
             "pending": tr("gates.choice_pending"), "caption": tr("gates.color_note", unit="⟦gt_unit⟧", what="⟦gt_color_by⟧"),
             **col},
            gs.unit_note_view(H, lang, "gt_unit_note", "gt_unit_note_server"),
            gs.unit_note_view(H, lang, "gt_path_note", "gt_path_note_server")]}
    charts = {"gt_fig_unit": {"meta": gs.meta("gt_fig_unit", key, lang), "by": "gt_unit", "frames": gs.unit_frames(res, lang)},
              "gt_fig_path": {"meta": gs.meta("gt_fig_path", key, lang), "by": "gt_unit",
                              "frames": gs.path_frames(res, key[1], lang)}}
    return json.dumps({"multi": multi, "charts": charts}, allow_nan=False, ensure_ascii=False)


@st.cache_data(max_entries=8, show_spinner=False)
def accuracies(task: str, _models: dict) -> dict:
    return lab.accuracy_table(_models, task)


@st.cache_data(max_entries=2, show_spinner=False)
def recall_curve(_models: dict) -> dict:
    return lab.recall_curve(_models)


@st.cache_data(max_entries=64, show_spinner=False)
def recall_at(cell: str, gap: int, delta: float, _model: G.CharRNN) -> float:
    with G.one_thread():
        return G.recall_accuracy(G.shift_carry_bias(_model, delta) if delta else _model, gap, n=400)


def clamp_state(key: str, lo, hi) -> None:
    """Keep a widget's stored value inside its (task-dependent) range before the widget is drawn."""
    if key in st.session_state:
        value = st.session_state[key]
        if value < lo or value > hi:
            st.session_state[key] = min(max(value, lo), hi)


@st.cache_resource(max_entries=8, show_spinner=False)
def byo_analyse(digest: str, layer: int, kind: str, text: str, T: int, seed: int, _up) -> byo_lab.ByoGates:
    """``_up`` (the uploaded model) is not hashed: its ``digest`` (SHA-1 of the file) stands for it."""
    return byo_lab.gates_run(_up, layer, kind, text=text, T=T, seed=seed)


def byo_view(up, layer: int) -> None:
    """The uploaded model's layer: gates, cell state and hidden state over typed text or random input."""
    import_heavy()
    st.info(tr("byo.banner_gates", name=quote(up.name, limit=80), kind=up.kind, layer=layer, layers=up.num_layers),
            icon=":material/upload_file:")
    text, T, seed = "", 50, 0
    with st.sidebar:
        kind = st.radio(tr("byo.input"), ["text", "random"] if up.vocab else ["random"], key="gt_byo_input",
                        horizontal=True, format_func=lambda v: tr(f"byo.input_{v}"), help=tr("byo.input_help"))
        if kind == "text":
            text = st.text_area(tr("byo.text"), byo_lab.default_text(up), max_chars=lab.MAX_CHARS, key="gt_byo_text",
                                height=100, help=tr("byo.text_help", n=lab.MAX_CHARS))
        else:
            T = st.slider(tr("byo.T"), 1, lab.MAX_CHARS, T, key="gt_byo_T", help=tr("byo.T_help"))
            seed = st.number_input(tr("common.seed"), 0, 10_000, seed, 1, key="gt_byo_seed", help=tr("byo.seed_help"))
    with sh.user_errors():
        res = byo_analyse(up.digest, layer, kind, text, int(T), int(seed), up)
    top = byo_lab.top_next(res)
    if top:
        st.markdown(tr("byo.next", top=", ".join(f"`{plots.show_char(c)}` {p:.2f}" for c, p in top)))
    elif up.readout is not None:
        st.caption(tr("byo.no_readout", layer=layer))
    step_axis = byo_plots.step_axis if res.text is None else (lambda fig, lang: fig)
    sh.chart(step_axis(plots.gates_figure(res.quantities, res.labels, lang), lang), key="gt_fig_gates")
    sh.downloads(export.byo_gates_export(res, up.name), key="gt_dl")
    unit = st.slider(tr("byo.unit"), 0, up.hidden_size - 1, 0, key="gt_byo_unit", help=tr("byo.unit_help"))
    sh.chart(step_axis(plots.unit_lines(res.quantities, unit, res.labels, lang), lang), key="gt_fig_unit")
    st.caption(tr("byo.what"))


tr = sh.tr
lang = sh.lang()
sh.page_title("gates.title")
mine = sh.model_upload("gt")  # (uploaded model, layer) or None: the lab's own models
if mine is not None:
    byo_view(*mine)
    st.stop()
st.markdown(tr("gates.intro"))
sh.preset_buttons(PRESETS)
opts = dict(bind="query-params")

with st.sidebar:
    task = st.selectbox(tr("gates.task"), list(G.TASKS), key="gt_task", format_func=lambda v: tr(f"gates.task_{v}"),
                        help=tr("gates.task_help"), **opts)
    cell = st.radio(tr("gates.cell"), ["LSTM", "GRU"], key="gt_cell", horizontal=True, help=tr("gates.cell_help"),
                    **opts)
    source = st.radio(tr("gates.source"), ["example", "typed"], key="gt_source", horizontal=True,
                      format_func=lambda v: tr(f"gates.source_{v}"), help=tr("gates.source_help"), **opts)
    text = st.text_area(tr("gates.text"), D.gt_text, max_chars=lab.MAX_CHARS, key="gt_text", height=100,
                        help=tr("gates.text_help"), disabled=source != "typed", **opts)
    gap = st.slider(tr("gates.gap"), 0, 150, D.gt_gap, 1, key="gt_gap", help=tr("gates.gap_help"),
                    disabled=task != "recall", **opts)
    seed = st.number_input(tr("common.seed"), 0, 10_000, D.gt_seed, 1, key="gt_seed", help=tr("gates.seed_help"),
                           disabled=source != "example", **opts)
    # the slider is Δ's state (URL, presets); once the bias frames are there, a live range drawn in its place
    # (filled last) hides it and its note, and drags the bias chart in the browser
    fbias = st.slider(tr("gates.fbias"), lab.BIAS_GRID[0], lab.BIAS_GRID[1], D.gt_fbias, lab.BIAS_GRID[2], key="gt_fbias",
                      help=tr("gates.fbias_help"), **opts)
    fbias_note = st.container(key="gt_fbias_note")
    fbias_slot = st.empty()
    st.caption(tr("common.share_hint"))

H = G.SPECS[task].hidden
names = ["h", "c", "i", "f", "g", "o"] if cell == "LSTM" else ["h", "r", "z", "n"]
SELECT = ("gt_unit", "gt_step", "gt_color_by")


def _from_url() -> dict:
    """The choice a link carries (``?gt_unit= ?gt_step= ?gt_color_by=``); a unit or step that is not a whole
    number is named in a notice and leaves the URL (sh.url_int); out of range, it is clamped below."""
    out = {k: v for k, v in (("gt_unit", sh.url_int("gt_unit")), ("gt_step", sh.url_int("gt_step"))) if v is not None}
    if st.query_params.get("gt_color_by") is not None:
        out["gt_color_by"] = str(st.query_params.get("gt_color_by"))
    return out


def _apply_choice() -> None:
    """The browser's settled choice (the live component's value), once per new value: the server's
    unit / step / colouring follow it. (Read on every run rather than in an on_change callback: with a
    dict value, Streamlit 1.67 updated the component's state without calling the callback.)"""
    value = getattr(st.session_state.get("gt_select"), "value", None)
    if isinstance(value, dict) and value != st.session_state.get("gt_select_applied"):
        st.session_state["gt_select_applied"] = dict(value)
        for k in SELECT:
            if k in value:
                st.session_state[k] = value[k]


if "gt_select_init" not in st.session_state:  # first run of the session: the link's choice, else the defaults
    st.session_state["gt_select_init"] = True
    for k, v in _from_url().items():
        st.session_state.setdefault(k, v)
_apply_choice()
for k in SELECT:
    st.session_state.setdefault(k, getattr(D, k))
if st.session_state["gt_color_by"] not in names:
    st.session_state["gt_color_by"] = "h"
clamp_state("gt_unit", 0, H - 1)

base_cfg = lab.GatesConfig(gt_task=task, gt_cell=cell, gt_source=source, gt_text=text, gt_gap=int(gap),
                           gt_seed=int(seed), gt_fbias=float(fbias))
with sh.user_errors():
    lab.validate(base_cfg)
    shown_text = lab.input_text(base_cfg)
T = len(shown_text)
clamp_state("gt_step", 1, T)
unit, step, color_by = int(st.session_state["gt_unit"]), int(st.session_state["gt_step"]), st.session_state["gt_color_by"]
for k, v in zip(SELECT, (unit, step, color_by)):  # the URL records the choice (a default only if it was there)
    sh.url_records(k, v, getattr(D, k))
# the live component, filled last: its data is built after the charts are on screen; its place is as high as it
# from the first paint on, so the answer and the heatmaps below do not move when it is drawn (sh.held_place)
controls = sh.held_place("gt_select", GT_CONTROLS_PX).empty()

cfg = lab.GatesConfig(**{**base_cfg.__dict__, "gt_unit": unit, "gt_step": step, "gt_color_by": color_by})
# the analysis does not depend on unit / step / colouring: cache it without them
key = lab.analysis_key(cfg)
# at the default settings the answer and the heatmaps are shipped: drawn before torch (rnnviz.first_charts)
shipped = sh.shipped_extra("gt_fig_gates", key)
if shipped is None:
    import_heavy()
    models = models_of(task)
    with sh.user_errors():
        res = analyse(key, models)
    s, finite = res.summary, res.trace.finite
else:
    s, finite = shipped["summary"], shipped["finite"]

# ---- the model's answer
if task == "recall":
    if s["truth"] is None:
        st.markdown(tr("gates.recall_noanswer", answer=s["answer"], p=s["p"]))
    else:
        st.markdown(tr("gates.recall_answer", answer=s["answer"], p=s["p"], truth=s["truth"]))
elif task == "depth":
    st.markdown(tr("gates.depth_answer", acc=percent(s["accuracy"], 0)))
else:
    st.markdown(tr("gates.lm_answer", top=", ".join(f"`{plots.show_char(c)}` {p:.2f}" for c, p in s["next"])))
if not finite:
    st.warning(tr("gates.nonfinite"))

# ---- heatmaps
st.subheader(tr("gates.sec_heatmaps"))
heat_place = sh.chart_place("gt_fig_gates", key)
if not sh.shipped_chart("gt_fig_gates", key, width="stretch", where=heat_place):
    sh.chart(heat_figure(key, lang, models), width="stretch", key="gt_fig_gates", where=heat_place)
if shipped is not None:  # the answer and the heatmaps were shipped: now torch, the models and the analysis
    import_heavy()
    models = models_of(task)
    res = analyse(key, models)
sh.downloads(export.gates_export(res), key="gt_dl")

# ---- one unit: drawn for the unit first drawn for these settings; the browser puts the chosen unit's frame
# on it, so a settle rerun sends the same figures and the browser redraws none (sh.drawn_choice)
unit_drawn = sh.drawn_choice("gt_unit", (key, lang), unit)
st.subheader(tr("gates.sec_unit"))


def unit_note(name: str) -> None:
    """The chosen unit's number beside its charts (their titles and legends say "the chosen unit"): the server's
    line, hidden while the browser shows another unit's line in the slot below it (live.js multi views)."""
    with st.container(key=f"{name}_server"):
        st.markdown(tr("gates.unit_shown", unit=unit, last=H - 1))
    st.html(f'<div data-rv-slot="{name}"></div>')


if lang == "zh":  # the notes' digits in the Chinese font too (one font a line)
    st.html(f"<style>{gs.notes_css(lang)}</style>")
unit_note("gt_unit_note")
sh.chart(unit_figure(key, lang, unit_drawn, models), width="stretch", key="gt_fig_unit")

# ---- gradient path
st.subheader(tr("gates.sec_path"))
unit_note("gt_path_note")
sh.chart(path_figure(key, lang, unit_drawn, models), width="stretch", key="gt_fig_path")
ps = lab.path_summary(res.carry, res.rnn_path)
st.caption(tr("gates.path_note" if cell == "LSTM" else "gates.path_note_gru") + " "
           + tr("gates.path_numbers", cell=cell, gate="f" if cell == "LSTM" else "z", best=ps["best"],
                kept=lab.sci(ps["kept"]), rnn=lab.sci(ps["rnn"]))
           + " " + tr(f"gates.path_more_{ps['more']}", cell=cell)
           + (" " + tr("gates.path_floor") if plots.path_clipped(res.carry, res.rnn_path) else ""))

# ---- forget-gate bias
st.subheader(tr("gates.sec_bias"))
sh.chart(bias_figure(key, lang, models), width="stretch", key="gt_fig_bias")


fbias_note.caption(plots.bias_readout(fbias, res.horizons, cell, len(res.text), lang))  # beside the slider, as the live range shows it
st.markdown(tr("gates.horizon", delta=fbias, state="c" if cell == "LSTM" else "h", **{k: plots.horizon_text(v, lang) for k, v in res.horizons.items()}))
if task == "recall":
    st.markdown(tr("gates.recall_at_gap", gap=int(gap), delta=fbias, acc=percent(recall_at(cell, int(gap), float(fbias), models[cell]))))

# ---- one unit, one step
st.subheader(tr("gates.sec_step"))
with st.container(key="gt_eq_server"):  # hidden while the browser shows another choice (in the slot below)
    _, lines = lab.unit_step(res.trace, res.text, G.SPECS[task].vocab, unit, min(step, T), lang)
    for line in lines:
        st.latex(line)
st.html('<div data-rv-slot="gt_eq"></div>')
st.caption(tr("gates.conv_lstm" if cell == "LSTM" else "gates.conv_gru"))

# ---- coloured text
st.subheader(tr("gates.sec_color"))
with st.container(key="gt_color_server"):
    st.caption(tr("gates.color_note", unit=unit, what=color_by))
    st.html(plots.colored_text_html(res.text, res.quantities[color_by][:, unit], color_by))
st.html('<div data-rv-slot="gt_color"></div>')

# ---- accuracies
st.subheader(tr("gates.sec_accuracy"))
acc = accuracies(task, models)
st.markdown(tr("gates.accuracy_caption", what=tr(f"gates.acc_{task}"),
               table=", ".join(f"{c} {a:.1%}" for c, a in acc.items())))
if task == "recall":
    sh.chart(plots.recall_curve_figure(lab.RECALL_GAPS, recall_curve(models), int(gap), lang), width="stretch",
                    key="gt_fig_recall")
elif task == "depth":
    sh.chart(plots.depth_figure(s["true_depth"], s["pred_depth"], res.text, cell, lang), width="stretch",
                    key="gt_fig_depth")

sh.explain("gates.what", lab.LATEX)

# last: the data of every other choice, after everything above is on screen
with controls:
    sh.live("gt_select", select_json(key, lang, T, unit, step, color_by, models))
grid = gs.bias_grid()
if any(abs(d - fbias) < 1e-9 for d in grid):  # else (a value off the grid, from a link): the slider, from the server
    with fbias_slot:
        sh.live("gt_bias_live", bias_json(_bias_key(key), lang, models), on_pick=sh.pick_into("gt_bias_live", "gt_fbias", grid))
