"""Page: step through the unrolled RNN (forward pass and BPTT with the real numbers).

Widgets -> StepConfig -> rnnviz.labs.stepthrough.compute (cached) -> LaTeX + figures.
The step is chosen in the browser (Back/Next/Play/slider of a live component over per-step chart
frames); the server learns it when the choice settles.

A clean first load: the sidebar and the unrolled diagram at the default settings (shipped, see
rnnviz.first_charts) are drawn from light modules; torch and the lab's computation are imported after
them (app.py leaves this page's heavy imports to the page: LIGHT_FIRST).
"""
import json

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz.labs import stepthrough_config as C
from rnnviz.text import percent

sh.import_numpy()  # under the import lock (stepthrough_data uses NumPy); pandas, plotly and torch after the title
from rnnviz import stepthrough_data as SD  # noqa: E402 (the sequences' vocabulary, patterns and limits)

tr = sh.tr
D = C.StepConfig()
OPTS = dict(bind="query-params")
ST_CONTROLS_PX = 115  # the step controls row's final height (phase, live step controls) at 1280x720 (sh.held_place)


def import_heavy() -> None:
    """torch and the lab's modules, once per process under the import lock
    (:func:`rnnviz.streamlit_helpers.import_heavy_libraries`), bound to the page's module names."""
    global S, lab, tex, plots, export, np, pd, changing_parts, frame_of
    sh.import_heavy_libraries()
    import numpy as np
    import pandas as pd

    from rnnviz import export
    from rnnviz import stepthrough as S
    from rnnviz.labs import stepthrough as lab
    from rnnviz.labs import stepthrough_latex as tex
    from rnnviz.plots import stepthrough as plots
    from rnnviz.plots.style import changing_parts, frame_of


@st.cache_resource(show_spinner=False)
def trained_weights(hidden: int) -> dict:
    """The shipped state_dict, or train it now (progress bar) if the file is missing."""
    import_heavy()
    try:
        return S.load_trained(hidden)
    except FileNotFoundError:
        bar = st.progress(0.0, text=tr("stepthrough.training"))
        sd, _ = S.train_next_letter(hidden, progress=lambda f, info: bar.progress(min(f, 1.0), text=tr("stepthrough.training")))
        bar.empty()
        return sd


@st.cache_resource(show_spinner=False)
def trained_accuracy(hidden: int) -> float:
    import_heavy()
    return S.next_letter_accuracy(trained_weights(hidden))


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(key: tuple):
    """The lab's :class:`rnnviz.labs.stepthrough.Result` for the config tuple ``key``."""
    import_heavy()
    cfg = lab.StepConfig(*key)
    sd = trained_weights(cfg.st_hidden) if lab.uses_trained(cfg) else None
    return lab.compute(cfg, sd)


@st.cache_resource(max_entries=32, show_spinner=False)
def compute_scalar(U: float, W: float, V: float, numbers: str):
    import_heavy()
    return lab.scalar_compute(lab.StepConfig(st_U=U, st_W=W, st_V=V, st_numbers=numbers))


sh.page_title("stepthrough.title")

# ----------------------------------------------------------------------------- sidebar
with st.sidebar:
    kind = st.selectbox(tr("stepthrough.input"), list(SD.INPUT_KINDS), key="st_input",
                        format_func=lambda v: tr(f"stepthrough.input_{v}"), help=tr("stepthrough.input_help"), **OPTS)
    word, target, numbers, length = D.st_word, D.st_target, D.st_numbers, D.st_length
    pattern = st.selectbox(tr("stepthrough.pattern"), list(SD.PATTERNS), key="st_pattern",
                           format_func=lambda v: tr(f"stepthrough.pattern_{v}"), help=tr("stepthrough.pattern_help"), **OPTS)
    if kind == "word":
        word = st.text_input(tr("stepthrough.word", vocab=SD.VOCAB), D.st_word, max_chars=40, key="st_word",
                             help=tr("stepthrough.word_help"), **OPTS)
        if pattern == "enc_dec":
            target = st.text_input(tr("stepthrough.target_word"), D.st_target, max_chars=40, key="st_target",
                                   help=tr("stepthrough.target_word_help"), **OPTS)
    elif kind == "random":
        length = st.slider(tr("stepthrough.length"), 1, SD.MAX_STEPS, D.st_length, key="st_length",
                           help=tr("stepthrough.length_help"), **OPTS)
    # the numbers are also the scalar tab's input: always shown
    numbers = st.text_input(tr("stepthrough.numbers"), D.st_numbers, max_chars=200, key="st_numbers",
                            help=tr("stepthrough.numbers_help"), **OPTS)
    hidden = st.slider(tr("stepthrough.hidden"), 1, SD.MAX_HIDDEN, D.st_hidden, key="st_hidden",
                       help=tr("stepthrough.hidden_help"), **OPTS)
    weights = st.radio(tr("stepthrough.weights"), ["trained", "random"], key="st_weights", horizontal=True,
                       format_func=lambda v: tr(f"stepthrough.weights_{v}"), help=tr("stepthrough.weights_help"), **OPTS)
    seed = st.number_input(tr("stepthrough.seed"), 0, 2**31 - 1, D.st_seed, 1, key="st_seed",
                           help=tr("stepthrough.seed_help"), **OPTS)
    scale = st.slider(tr("stepthrough.scale"), 0.1, 4.0, D.st_scale, 0.1, key="st_scale",
                      help=tr("stepthrough.scale_help"), **OPTS)
    k = st.number_input(tr("stepthrough.k"), 0, SD.MAX_STEPS, D.st_k, 1, key="st_k", help=tr("stepthrough.k_help"), **OPTS)
    speed = st.slider(tr("stepthrough.speed"), 0.2, 3.0, D.st_speed, 0.1, key="st_speed",
                      help=tr("stepthrough.speed_help"), **OPTS)
    st.caption(tr("common.share_hint"))

cfg = C.StepConfig(st_input=kind, st_word=word, st_target=target, st_numbers=numbers, st_length=int(length),
                     st_pattern=pattern, st_hidden=int(hidden), st_weights=weights, st_seed=int(seed),
                     st_scale=float(scale), st_k=int(k), st_phase=D.st_phase, st_t=D.st_t, st_speed=float(speed))
key = C.numbers_key(cfg)  # the cache key: every field that changes the numbers (not the step, phase, speed, ...)
# at the default settings the diagram is shipped (rnnviz.first_charts), with the number of steps: the page
# draws it before torch is imported; otherwise the lab computes now (a bad input stops the page here)
ship = sh.shipped_extra("st_fig_diagram", key)
if ship is None:
    import_heavy()
    with sh.user_errors():
        n = len(compute(key).slots)
else:
    n = ship["n"]

for note in C.notes_of(cfg):  # as the lab's result says (rnnviz.labs.stepthrough.compute)
    st.info(tr(f"stepthrough.note_{note}"), icon=":material/info:")
if cfg.st_pattern in ("one_to_many", "enc_dec"):  # what feeds the steps without an input of their own
    st.caption(tr(f"stepthrough.conv_{cfg.st_pattern}"))


# ----------------------------------------------------------------------------- stepping
# Choosing the step happens in the browser (rnnviz/assets/live/): the charts carry a frame per
# step, the equations of every step are on the page (in one place, only the chosen one shown), Back/Next/Play
# run in the browser. The chosen step reaches the server (st_t and ?st_t=) once it settles.
def _start(phase: str) -> int:
    return 1 if phase == "forward" else n


def _phase_changed() -> None:
    _set_t(_start(st.session_state.get("st_phase", "forward")))


def _set_t(t: int) -> None:
    st.session_state["st_t"] = C.clamp_step(t, n)
    st.query_params["st_t"] = str(st.session_state["st_t"])


def _step_chosen() -> None:
    """The browser's choice has settled: the server's step follows (URL included)."""
    value = getattr(st.session_state.get("st_step"), "value", None)
    if isinstance(value, int):
        _set_t(value)


@st.cache_resource(max_entries=256, show_spinner=False)
def step_figure(chart: str, key: tuple, phase: str, lang: str, t: int):
    """One chart at step ``t`` (cached: choosing a step again sends a ready figure)."""
    res = compute(key)
    make = {"st_fig_diagram": lambda: plots.diagram(res, t, phase, lang),
            "st_fig_heat": lambda: plots.hidden_heatmap(res, t, lang),
            "st_fig_out": lambda: plots.outputs_figure(res, t, lang),
            "st_fig_grad": lambda: plots.grad_figure(res, t, lang)}[chart]
    return make().update_layout(meta=C.figure_meta(chart, key, phase, lang))


def step_charts(phase: str) -> tuple[str, ...]:
    return ("st_fig_diagram", "st_fig_heat", "st_fig_out" if phase == "forward" else "st_fig_grad")


@st.cache_data(max_entries=16, show_spinner=False)
def step_frames(key: tuple, phase: str, lang: str) -> str:
    """The JSON of every step's frames of every step chart, for the browser: only what differs between the
    steps (rnnviz.plots.style.changing_parts; the rest is on screen already, the same at every step)."""
    n = len(compute(key).slots)
    charts = {chart: {"meta": C.figure_meta(chart, key, phase, lang),
                      "frames": changing_parts([frame_of(step_figure(chart, key, phase, lang, t))
                                                for t in range(1, n + 1)])}
              for chart in step_charts(phase)}
    return json.dumps(charts, allow_nan=False)


@st.cache_data(max_entries=32, show_spinner=False)
def step_latex(key: tuple, phase: str, lang: str) -> list[list[str]]:
    res = compute(key)
    make = tex.forward_latex if phase == "forward" else tex.backward_latex
    return [make(res, t, lang) for t in range(1, len(res.slots) + 1)]


if "st_t" not in st.session_state:  # first run of the session: the URL's step, else the phase's start
    url_t = sh.url_int("st_t")  # a value that is not a whole number: a notice, and it leaves the URL
    st.session_state["st_t"] = C.clamp_step(url_t if url_t is not None else 1, n)
    sh.url_records("st_t", st.session_state["st_t"], D.st_t)  # a step out of range: the URL has the clamped one
elif not 1 <= st.session_state["st_t"] <= n:
    st.session_state["st_t"] = C.clamp_step(st.session_state["st_t"], n)


def step_view() -> None:
    """The step controls (in the browser) and everything that depends on the current step."""
    lang = sh.lang()
    # the row as high as its final controls from the first paint on: the diagram below does not move (sh.held_place)
    c1, c2 = sh.held_place("st_controls", ST_CONTROLS_PX).columns([1, 3], vertical_alignment="center")
    with c1:
        phase = st.radio(tr("stepthrough.phase"), ["forward", "backward"], key="st_phase", horizontal=False,
                         format_func=lambda v: tr(f"stepthrough.phase_{v}"), on_change=_phase_changed,
                         help=tr("stepthrough.phase_help"), **OPTS)
    t = C.clamp_step(st.session_state.get("st_t", 1), n)
    controls = c2.empty()  # filled last: the frames are built after the charts of step t are on screen
    charts = step_charts(phase)
    # drawn at the step first drawn for these settings; the browser puts the chosen step's frame on them, so
    # a settle rerun sends the same figures and the browser redraws none (sh.drawn_choice)
    t_drawn = sh.drawn_choice("st_step", (key, phase, lang), t)
    # the shipped diagram (default settings, its phase and step): drawn before torch is imported
    first = ship is not None and (phase, t_drawn) == (ship["phase"], ship["t"])
    place = sh.chart_place(charts[0], key if first else ())
    shipped = first and sh.shipped_chart(charts[0], key, width="stretch", where=place)
    import_heavy()
    with sh.user_errors():
        res = compute(key)
    if not shipped:
        sh.chart(step_figure(charts[0], key, phase, lang, t_drawn), width="stretch", key=charts[0], where=place)
    heading = "stepthrough.forward_eqs" if phase == "forward" else "stepthrough.backward_eqs"
    # every step's equations in one place, only the chosen step's shown (the live component's `stack` group:
    # a step change lays out nothing). Until the component is drawn, the charts' step is shown, and the
    # browser lays out every step's equations once (the component keeps that layout, see live.js groups)
    eqs = {"name": "st_eq", "stack": "st_eqs"}
    sh.stacked_group(eqs, t_drawn)
    with st.container(key=eqs["stack"]):
        for k, lines in enumerate(step_latex(key, phase, lang), start=1):
            with st.container(key=f"{eqs['name']}_{k}"):
                st.markdown(f"**{tr(heading, t=k)}**")
                sh.latex_lines(lines)
    with st.expander(tr("stepthrough.weights_eqs")):
        sh.latex_lines(tex.weights_latex(res), nested=True)
    for col, chart in zip(st.columns(2), charts[1:]):
        with col:
            sh.chart(step_figure(chart, key, phase, lang, t_drawn), width="stretch", key=chart)
    sh.downloads(*export.stepthrough_exports(res), key="st_dl")
    # the step is named beside the controls ("2 of 4"), not in the diagram's title: a step change then moves
    # the diagram's highlights only (rnnviz.plots.stepthrough.diagram)
    select = {"param": "st_t", "value": t, "n": n, "dir": phase, "groups": [eqs],
              "labels": [tr("stepthrough.step_of", t=k, n=n) for k in range(1, n + 1)],
              "play_ms": int(round(1000 * float(speed))),
              "ui": {"label": tr("stepthrough.t"), "help": tr("stepthrough.t_help"),
                     "back": tr("stepthrough.back"), "back_help": tr("stepthrough.back_help"),
                     "next": tr("stepthrough.next"), "next_help": tr("stepthrough.next_help"),
                     "play": tr("stepthrough.play"), "play_help": tr("stepthrough.play_help"),
                     "stop": tr("stepthrough.stop"), "stop_help": tr("stepthrough.stop_help"),
                     "playing": tr("stepthrough.playing", t="{t}", n="{n}")}}
    frames = step_frames(key, phase, lang)
    with controls:
        sh.live("st_step", f'{{"select": {json.dumps(select)}, "charts": {frames}}}', on_change=_step_chosen)


tab_step, tab_check, tab_scalar, tab_trunc = st.tabs([tr("stepthrough.tab_step"), tr("stepthrough.tab_check"),
                                                      tr("stepthrough.tab_scalar"), tr("stepthrough.tab_trunc")],
                                                     key="st_tab", **OPTS)  # the open tab is in the URL (lectures)
with tab_step:
    st.fragment(step_view)()
import_heavy()
with sh.user_errors():
    res = compute(key)

with tab_check:
    st.markdown(tr("stepthrough.check_what"))
    d = res.max_diff()
    (st.success if d <= 1e-10 else st.error)(tr("stepthrough.check_ok" if d <= 1e-10 else "stepthrough.check_bad", d=d))
    rows = res.check()
    table = pd.DataFrame({
        tr("stepthrough.col_param"): [r["param"] for r in rows],
        tr("stepthrough.col_shape"): [r["shape"] for r in rows],
        tr("stepthrough.col_hand"): [r["hand_norm"] for r in rows],
        tr("stepthrough.col_auto"): [r["autograd_norm"] for r in rows],
        tr("stepthrough.col_diff"): [f"{r['max_abs_diff']:.1e}" for r in rows],
        tr("stepthrough.col_engine"): [f"{r['engine_max_abs_diff']:.1e}" if "engine_max_abs_diff" in r else "–"
                                       for r in rows],
    })
    st.dataframe(table, hide_index=True, width="stretch")

with tab_scalar:
    c1, c2, c3 = st.columns(3)
    U = c1.number_input(tr("stepthrough.U"), -10.0, 10.0, D.st_U, 0.1, key="st_U", help=tr("stepthrough.U_help"), **OPTS)
    W = c2.number_input(tr("stepthrough.W"), -10.0, 10.0, D.st_W, 0.1, key="st_W", help=tr("stepthrough.W_help"), **OPTS)
    V = c3.number_input(tr("stepthrough.V"), -10.0, 10.0, D.st_V, 0.1, key="st_V", help=tr("stepthrough.V_help"), **OPTS)
    with sh.user_errors():
        sc, ag = compute_scalar(float(U), float(W), float(V), numbers)
    ts = C.clamp_step(st.session_state.get("st_t", 1), len(sc.x))
    st.markdown(tr("stepthrough.scalar_what", t=ts))
    sh.latex_lines(tex.scalar_latex(sc, ts))
    dd = max(abs(sc.dU - ag["dU"]), abs(sc.dW - ag["dW"]), abs(sc.dV - ag["dV"]))
    st.success(tr("stepthrough.scalar_check", dU=sc.dU, dW=sc.dW, dV=sc.dV, d=dd))
    st.dataframe(pd.DataFrame({"t": np.arange(1, len(sc.x) + 1), "x_t": sc.x, "y_t": sc.y.astype(int), "h_t": sc.h,
                               "ŷ_t": sc.yhat, "L_t": sc.L, "δ_t": sc.delta}), hide_index=True, width="stretch")

with tab_trunc:
    st.markdown(tr("stepthrough.trunc_what"))
    if res.k is None:
        st.info(tr("stepthrough.trunc_off"))
    else:
        sh.chart(plots.grad_figure(res, C.clamp_step(st.session_state.get("st_t", 1), n), sh.lang()),
                        width="stretch", key="st_fig_grad_trunc")
        sh.chart(plots.truncation_figure(res, sh.lang()), width="stretch", key="st_fig_trunc")
        rows = lab.truncation_rows(res)
        st.dataframe(pd.DataFrame({
            tr("stepthrough.col_param"): [r["param"] for r in rows],
            tr("stepthrough.col_full"): [r["full_norm"] for r in rows],
            tr("stepthrough.col_trunc"): [r["truncated_norm"] for r in rows],
            tr("stepthrough.col_cos"): [r["cosine"] for r in rows],
            tr("stepthrough.col_rel"): [r["rel_diff"] for r in rows],
        }), hide_index=True, width="stretch")

# below the tabs, so the diagram is on the first screen of a 1280x720 projector
if res.trained:
    st.caption(tr("stepthrough.trained_caption", H=cfg.st_hidden, acc=percent(trained_accuracy(cfg.st_hidden), 0), n=len(S.WORDS)))
sh.explain("stepthrough.what", [
    r"a_t = W_{xh} x_t + W_{hh} h_{t-1} + b,\qquad h_t = \tanh(a_t)",
    r"o_t = W_{ho} h_t + b_o,\qquad \hat y_t = \mathrm{softmax}(o_t),\qquad L = \sum_{t\ \text{with a loss}} -\log \hat y_{t, y_t}",
    r"\delta_t = \frac{\partial L}{\partial h_t} = W_{ho}^\top(\hat y_t - e_{y_t}) + W_{hh}^\top\big(\tanh'(a_{t+1}) \odot \delta_{t+1}\big),"
    r"\qquad \tanh'(a) = 1 - \tanh^2 a",
    r"\frac{\partial L}{\partial W_{xh}} = \sum_t g_t x_t^\top,\quad \frac{\partial L}{\partial W_{hh}} = \sum_t g_t h_{t-1}^\top,"
    r"\quad \frac{\partial L}{\partial b} = \sum_t g_t,\quad g_t = \tanh'(a_t) \odot \delta_t,\quad"
    r"\frac{\partial L}{\partial W_{ho}} = \sum_t (\hat y_t - e_{y_t}) h_t^\top",
])
