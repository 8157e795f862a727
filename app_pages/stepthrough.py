"""Page: step through the unrolled RNN (forward pass and BPTT with the real numbers).

Widgets -> StepConfig -> rnnviz.labs.stepthrough.compute (cached) -> LaTeX + figures.
The step display is a fragment: Play reruns only it every ``st_speed`` seconds and stops by
itself at the end of the phase.
"""
from dataclasses import astuple, fields

import numpy as np
import pandas as pd
import streamlit as st

from rnnviz import stepthrough as S
from rnnviz import export
from rnnviz import streamlit_helpers as sh
from rnnviz.labs import stepthrough as lab
from rnnviz.plots import stepthrough as plots

tr = sh.tr
D = lab.StepConfig()
PLAYING = "st_playing"  # session flag (not a widget)
POS = "st_play_pos"  # the play position (truth while SYNC is set)
SYNC = "st_sync"  # the slider value must be overwritten by POS (the browser may send a stale one)
FULL_RUN = "st_full_run"  # set by the full app run before the fragment: tells it apart from a fragment rerun
TIMER_ON = "st_timer_on"  # the fragment was declared with run_every in the last full run
FULL_RERUN = "st_full_rerun"  # set by Play/Stop: the fragment's timer is (un)set only by a full app run
OPTS = dict(bind="query-params")


@st.cache_resource(show_spinner=False)
def trained_weights(hidden: int) -> dict:
    """The shipped state_dict, or train it now (progress bar) if the file is missing."""
    try:
        return S.load_trained(hidden)
    except FileNotFoundError:
        bar = st.progress(0.0, text=tr("stepthrough.training"))
        sd, _ = S.train_next_letter(hidden, progress=lambda f, info: bar.progress(min(f, 1.0), text=tr("stepthrough.training")))
        bar.empty()
        return sd


@st.cache_resource(show_spinner=False)
def trained_accuracy(hidden: int) -> float:
    return S.next_letter_accuracy(trained_weights(hidden))


@st.cache_resource(max_entries=32, show_spinner=False)
def compute(key: tuple) -> lab.Result:
    cfg = lab.StepConfig(*key)
    sd = trained_weights(cfg.st_hidden) if lab.uses_trained(cfg) else None
    return lab.compute(cfg, sd)


@st.cache_resource(max_entries=32, show_spinner=False)
def compute_scalar(U: float, W: float, V: float, numbers: str):
    return lab.scalar_compute(lab.StepConfig(st_U=U, st_W=W, st_V=V, st_numbers=numbers))


st.title(tr("stepthrough.title"))
sh.explain("stepthrough.what", [
    r"a_t = W_{xh} x_t + W_{hh} h_{t-1} + b,\qquad h_t = \tanh(a_t)",
    r"o_t = W_{ho} h_t + b_o,\qquad \hat y_t = \mathrm{softmax}(o_t),\qquad L = \sum_{t\ \text{with a loss}} -\log \hat y_{t, y_t}",
    r"\delta_t = \frac{\partial L}{\partial h_t} = W_{ho}^\top(\hat y_t - e_{y_t}) + W_{hh}^\top\big(\tanh'(a_{t+1}) \odot \delta_{t+1}\big),"
    r"\qquad \tanh'(a) = 1 - \tanh^2 a",
    r"\frac{\partial L}{\partial W_{xh}} = \sum_t g_t x_t^\top,\quad \frac{\partial L}{\partial W_{hh}} = \sum_t g_t h_{t-1}^\top,"
    r"\quad \frac{\partial L}{\partial b} = \sum_t g_t,\quad g_t = \tanh'(a_t) \odot \delta_t,\quad"
    r"\frac{\partial L}{\partial W_{ho}} = \sum_t (\hat y_t - e_{y_t}) h_t^\top",
], expanded=False)

# ----------------------------------------------------------------------------- sidebar
with st.sidebar:
    kind = st.selectbox(tr("stepthrough.input"), list(S.INPUT_KINDS), key="st_input",
                        format_func=lambda v: tr(f"stepthrough.input_{v}"), help=tr("stepthrough.input_help"), **OPTS)
    word, target, numbers, length = D.st_word, D.st_target, D.st_numbers, D.st_length
    pattern = st.selectbox(tr("stepthrough.pattern"), list(S.PATTERNS), key="st_pattern",
                           format_func=lambda v: tr(f"stepthrough.pattern_{v}"), help=tr("stepthrough.pattern_help"), **OPTS)
    if kind == "word":
        word = st.text_input(tr("stepthrough.word", vocab=S.VOCAB), D.st_word, max_chars=40, key="st_word",
                             help=tr("stepthrough.word_help"), **OPTS)
        if pattern == "enc_dec":
            target = st.text_input(tr("stepthrough.target_word"), D.st_target, max_chars=40, key="st_target",
                                   help=tr("stepthrough.target_word_help"), **OPTS)
    elif kind == "random":
        length = st.slider(tr("stepthrough.length"), 1, S.MAX_STEPS, D.st_length, key="st_length",
                           help=tr("stepthrough.length_help"), **OPTS)
    # the numbers are also the scalar tab's input: always shown
    numbers = st.text_input(tr("stepthrough.numbers"), D.st_numbers, max_chars=200, key="st_numbers",
                            help=tr("stepthrough.numbers_help"), **OPTS)
    hidden = st.slider(tr("stepthrough.hidden"), 1, S.MAX_HIDDEN, D.st_hidden, key="st_hidden",
                       help=tr("stepthrough.hidden_help"), **OPTS)
    weights = st.radio(tr("stepthrough.weights"), ["trained", "random"], key="st_weights", horizontal=True,
                       format_func=lambda v: tr(f"stepthrough.weights_{v}"), help=tr("stepthrough.weights_help"), **OPTS)
    seed = st.number_input(tr("stepthrough.seed"), 0, 2**31 - 1, D.st_seed, 1, key="st_seed",
                           help=tr("stepthrough.seed_help"), **OPTS)
    scale = st.slider(tr("stepthrough.scale"), 0.1, 4.0, D.st_scale, 0.1, key="st_scale",
                      help=tr("stepthrough.scale_help"), **OPTS)
    k = st.number_input(tr("stepthrough.k"), 0, S.MAX_STEPS, D.st_k, 1, key="st_k", help=tr("stepthrough.k_help"), **OPTS)
    speed = st.slider(tr("stepthrough.speed"), 0.2, 3.0, D.st_speed, 0.1, key="st_speed",
                      help=tr("stepthrough.speed_help"), **OPTS)
    st.caption(tr("common.share_hint"))

cfg = lab.StepConfig(st_input=kind, st_word=word, st_target=target, st_numbers=numbers, st_length=int(length),
                     st_pattern=pattern, st_hidden=int(hidden), st_weights=weights, st_seed=int(seed),
                     st_scale=float(scale), st_k=int(k), st_phase=D.st_phase, st_t=D.st_t, st_speed=float(speed))
# the cache key: every field that changes the numbers (not the step, phase, speed, scalar weights)
key = astuple(lab.StepConfig(**{f.name: getattr(cfg, f.name) for f in fields(cfg)
                                if f.name not in ("st_phase", "st_t", "st_speed", "st_U", "st_W", "st_V")}))
with sh.user_errors():
    res = compute(key)
n = len(res.slots)

for note in res.notes:
    st.info(tr(f"stepthrough.note_{note}"), icon=":material/info:")
if cfg.st_pattern in ("one_to_many", "enc_dec"):  # what feeds the steps without an input of their own
    st.caption(tr(f"stepthrough.conv_{cfg.st_pattern}"))
if res.trained:
    st.caption(tr("stepthrough.trained_caption", H=cfg.st_hidden, acc=trained_accuracy(cfg.st_hidden), n=len(S.WORDS)))


# ----------------------------------------------------------------------------- stepping
def _end(phase: str) -> int:
    return n if phase == "forward" else 1


def _current_t() -> int:
    if st.session_state.get(SYNC):
        return lab.clamp_step(st.session_state.get(POS, 1), n)
    return lab.clamp_step(st.session_state.get("st_t", 1), n)


def _set_t(t: int) -> None:
    st.session_state["st_t"] = st.session_state[POS] = lab.clamp_step(t, n)


def _move(direction: int) -> None:
    """Next (+1) / Back (-1) in the current phase; the backward phase runs t = T..1."""
    phase = st.session_state.get("st_phase", "forward")
    sign = 1 if phase == "forward" else -1
    _set_t(_current_t() + sign * direction)


def _play() -> None:
    phase = st.session_state.get("st_phase", "forward")
    if _current_t() == _end(phase):
        _set_t(1 if phase == "forward" else n)  # restart the phase
    st.session_state[PLAYING] = True
    st.session_state[FULL_RERUN] = True


def _stop() -> None:
    st.session_state[PLAYING] = False
    st.session_state[FULL_RERUN] = True


def _phase_changed() -> None:
    _set_t(1 if st.session_state.get("st_phase") == "forward" else n)
    st.session_state[PLAYING] = False


if st.session_state.get("st_t", 1) > n or st.session_state.get("st_t", 1) < 1:
    st.session_state["st_t"] = lab.clamp_step(st.session_state.get("st_t", 1), n)


def step_view() -> None:
    """The stepping controls and everything that depends on the current step."""
    lang = sh.lang()
    is_full = st.session_state.pop(FULL_RUN, False)
    if st.session_state.pop(FULL_RERUN, False) or (st.session_state.get(TIMER_ON) and not st.session_state.get(PLAYING)):
        # The fragment's timer (run_every) is set or cleared only by a full app run: after
        # Play/Stop (clicked inside this fragment, so only the fragment reran), and one tick
        # after Play reached the end.
        st.rerun()
    phase = st.session_state.get("st_phase", D.st_phase)
    if st.session_state.get(PLAYING):
        t = _current_t()
        if t != _end(phase):
            t = lab.clamp_step(t + (1 if phase == "forward" else -1), n)
        st.session_state[POS], st.session_state[SYNC] = t, True
        if t == _end(phase):
            st.session_state[PLAYING] = False
    if st.session_state.get(SYNC):
        # While playing, the browser's slider value can lag behind (a tick may start before
        # the previous step reached the browser): the play position is the truth until a
        # full run has sent it to the browser.
        st.session_state["st_t"] = st.session_state[POS]
        if is_full and not st.session_state.get(PLAYING):
            st.session_state[SYNC] = False
    c1, c2 = st.columns([2, 3])
    with c1:
        phase = st.radio(tr("stepthrough.phase"), ["forward", "backward"], key="st_phase", horizontal=True,
                         format_func=lambda v: tr(f"stepthrough.phase_{v}"), on_change=_phase_changed,
                         help=tr("stepthrough.phase_help"), **OPTS)
    with c2:
        if n > 1:
            t = st.slider(tr("stepthrough.t"), 1, n, key="st_t", help=tr("stepthrough.t_help"),
                          disabled=bool(st.session_state.get(PLAYING)), **OPTS)
        else:
            st.session_state["st_t"] = t = 1
    b1, b2, b3, b4 = st.columns(4)
    b1.button(tr("stepthrough.back"), key="st_back", on_click=_move, args=(-1,), help=tr("stepthrough.back_help"),
              width="stretch")
    b2.button(tr("stepthrough.next"), key="st_next", on_click=_move, args=(1,), help=tr("stepthrough.next_help"),
              width="stretch", type="primary")
    b3.button(tr("stepthrough.play"), key="st_play", on_click=_play, help=tr("stepthrough.play_help"), width="stretch",
              disabled=bool(st.session_state.get(PLAYING)))
    b4.button(tr("stepthrough.stop"), key="st_stop", on_click=_stop, help=tr("stepthrough.stop_help"), width="stretch",
              disabled=not st.session_state.get(PLAYING))
    t = lab.clamp_step(t, n)
    if st.session_state.get(PLAYING):
        st.caption(tr("stepthrough.playing", t=t, n=n))
    sh.chart(plots.diagram(res, t, phase, lang), width="stretch", key="st_fig_diagram")
    if phase == "forward":
        st.markdown(f"**{tr('stepthrough.forward_eqs', t=t)}**")
        lines = lab.forward_latex(res, t)
    else:
        st.markdown(f"**{tr('stepthrough.backward_eqs', t=t)}**")
        lines = lab.backward_latex(res, t)
    sh.latex_lines(lines)
    with st.expander(tr("stepthrough.weights_eqs")):
        sh.latex_lines(lab.weights_latex(res), nested=True)
    left, right = st.columns(2)
    with left:
        sh.chart(plots.hidden_heatmap(res, t, lang), width="stretch", key="st_fig_heat")
    with right:
        if phase == "forward":
            sh.chart(plots.outputs_figure(res, t, lang), width="stretch", key="st_fig_out")
        else:
            sh.chart(plots.grad_figure(res, t, lang), width="stretch", key="st_fig_grad")
    sh.downloads(*export.stepthrough_exports(res), key="st_dl")


def play_view() -> None:
    """:func:`step_view` while Play runs, declared as a fragment of its own (another fragment id).

    The browser keeps sending the timer's ticks until the full run that ends Play reaches it;
    each tick carries the slider value the browser had when it was sent, which may be a step
    behind. Had the ticks targeted the same fragment as the idle view, one arriving after that
    full run would redraw the step view at the stale step (URL at T, diagram at T-1). Ticks
    for this fragment find it gone and are dropped."""
    step_view()


tab_step, tab_check, tab_scalar, tab_trunc = st.tabs([tr("stepthrough.tab_step"), tr("stepthrough.tab_check"),
                                                      tr("stepthrough.tab_scalar"), tr("stepthrough.tab_trunc")],
                                                     key="st_tab", **OPTS)  # the open tab is in the URL (lectures)
with tab_step:
    run_every = float(speed) if st.session_state.get(PLAYING) else None
    st.session_state[TIMER_ON] = run_every is not None
    st.session_state[FULL_RUN] = True
    st.fragment(play_view if run_every is not None else step_view, run_every=run_every)()

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
    ts = lab.clamp_step(st.session_state.get("st_t", 1), len(sc.x))
    st.markdown(tr("stepthrough.scalar_what", t=ts))
    sh.latex_lines(lab.scalar_latex(sc, ts))
    dd = max(abs(sc.dU - ag["dU"]), abs(sc.dW - ag["dW"]), abs(sc.dV - ag["dV"]))
    st.success(tr("stepthrough.scalar_check", dU=sc.dU, dW=sc.dW, dV=sc.dV, d=dd))
    st.dataframe(pd.DataFrame({"t": np.arange(1, len(sc.x) + 1), "x_t": sc.x, "y_t": sc.y.astype(int), "h_t": sc.h,
                               "ŷ_t": sc.yhat, "L_t": sc.L, "δ_t": sc.delta}), hide_index=True, width="stretch")

with tab_trunc:
    st.markdown(tr("stepthrough.trunc_what"))
    if res.k is None:
        st.info(tr("stepthrough.trunc_off"))
    else:
        sh.chart(plots.grad_figure(res, lab.clamp_step(st.session_state.get("st_t", 1), n), sh.lang()),
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
