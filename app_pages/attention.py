"""Page: attention heatmaps of a seq2seq date normaliser (issue 5).

Widgets -> AttentionConfig -> rnnviz.labs.attention (models cached with st.cache_resource,
evaluations and comparison runs with st.cache_data) -> rnnviz.plots.attention -> st.plotly_chart.
The decoding step is chosen in the browser (a live component, rnnviz/assets/live/, over per-step
chart frames; every step's summary is on the page, only the chosen one shown); the server learns
it when the choice settles. The teacher-forcing curves ship precomputed for every offered setting.
"""
import hashlib
import json

import numpy as np
import pandas as pd
import streamlit as st

from rnnviz import seq2seq as S
from rnnviz import export
from rnnviz import streamlit_helpers as sh
from rnnviz.text import percent
from rnnviz.data import dates as DATES
from rnnviz.labs import attention as lab
from rnnviz.plots import attention as plots
from rnnviz.plots.style import changing_parts, frame_of

tr = sh.tr
D = lab.AttentionConfig()
OPTS = dict(bind="query-params")


@st.cache_resource(show_spinner=False)
def model(kind: str) -> S.Seq2Seq:
    """The shipped model, or trained now with a progress bar if its weights file is missing."""
    bar = None

    def progress(f, info):
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(min(f, 1.0), text=tr("attention.training", kind=kind) + f" {info['step']}/{S.SHIPPED[kind].steps}")

    m, _ = lab.get_model(kind, progress)
    if bar is not None:
        bar.empty()
    return m


@st.cache_resource(max_entries=64, show_spinner=False)
def decoding(kind: str, text: str) -> S.Decoding:
    return lab.decode(lab.AttentionConfig(att_score=kind, att_text=text), model(kind))


@st.cache_data(show_spinner=False)
def bottleneck(n: int) -> dict:
    return lab.bottleneck({k: model(k) for k in S.MODEL_KINDS}, n)


@st.cache_data(max_entries=16, show_spinner=False)
def tf_runs(decay: str, steps: int) -> dict:
    bar = st.progress(0.0)
    res = lab.tf_runs(lab.AttentionConfig(att_decay=decay, att_tf_steps=steps),
                      progress=lambda f, s: bar.progress(min(f, 1.0), text=tr("attention.tf_training", sched=s)))
    bar.empty()
    return res


def _copy_example() -> None:
    st.session_state["att_text"] = st.session_state["att_example"]


def _set_step(t: int) -> None:
    st.session_state["att_step"] = lab.clamp_step(t)
    st.query_params["att_step"] = str(st.session_state["att_step"])


def _step_chosen() -> None:
    """The browser's choice has settled: the server's step follows (URL included)."""
    value = getattr(st.session_state.get("att_step_live"), "value", None)
    if isinstance(value, int):
        _set_step(value)


def _meta(chart: str, kind: str, text: str, lang: str) -> str:
    """Names the figure a set of frames belongs to (its ``layout.meta``)."""
    return hashlib.sha1(repr((chart, kind, text, lang)).encode()).hexdigest()[:16]


STEP_CHARTS = {"att_fig_step": plots.step_figure, "att_fig_vectors": plots.vectors_figure,
               "att_fig_probs": plots.probs_figure, "att_fig_heat": lambda dec, t, lang: plots.heatmap(dec, lang, step=t)}


@st.cache_resource(max_entries=256, show_spinner=False)
def step_chart(chart: str, kind: str, text: str, lang: str, t: int):
    """One chart of the step view (or the heatmap outlining step ``t``), cached: a step chosen again
    sends a ready figure."""
    fig = STEP_CHARTS[chart](decoding(kind, text), t, lang)
    return fig.update_layout(meta=_meta(chart, kind, text, lang))


@st.cache_data(max_entries=32, show_spinner=False)
def step_frames(kind: str, text: str, lang: str) -> str:
    """The JSON of every step's frame of every step chart, for the browser: only what differs between the
    steps (rnnviz.plots.style.changing_parts; the rest is on screen already, the same at every step)."""
    charts = [c for c in STEP_CHARTS if c != "att_fig_heat" or decoding(kind, text).weights is not None]
    return json.dumps({c: {"meta": _meta(c, kind, text, lang),
                           "frames": changing_parts([frame_of(step_chart(c, kind, text, lang, t))
                                                     for t in range(1, DATES.TARGET_LEN + 1)])}
                       for c in charts}, allow_nan=False)


lang = sh.lang()
sh.page_title("attention.title")
sh.explain("attention.what", [
    r"h_i = \overrightarrow{\mathrm{GRU}}(E_x x_i,\ \overrightarrow{h}_{i-1}) + \overleftarrow{\mathrm{GRU}}(E_x x_i,\ "
    r"\overleftarrow{h}_{i+1}),\qquad s_0 = \overrightarrow{h}_N + \overleftarrow{h}_1,\qquad "
    r"s_t = \mathrm{GRU}(E_y y_{t-1},\ s_{t-1})",
    r"\mathrm{score}(s_t, h_i) = s_t^\top h_i \ \ \text{(dot)},\qquad s_t^\top R\, h_i\ \ \text{(general)},"
    r"\qquad v^\top \tanh\!\big(R\,[s_t; h_i]\big)\ \ \text{(concat)}",
    r"a_t(i) = \frac{\exp \mathrm{score}(s_t, h_i)}{\sum_{j=1}^{N} \exp \mathrm{score}(s_t, h_j)},\qquad "
    r"c_t = \sum_{i=1}^{N} a_t(i)\, h_i",
    r"\tilde h_t = \tanh\!\big(W_c [c_t; s_t] + b_c\big),\qquad p(y_t) = \mathrm{softmax}(W_o \tilde h_t + b_o)"
    r"\qquad\text{(no attention: } \tilde h_t = \tanh(W_c s_t + b_c))",
    r"\text{scheduled sampling: } y_{t-1}^{\text{in}} = \begin{cases} y_{t-1} & \text{with probability } \epsilon_i \\"
    r" \arg\max p(y_{t-1}) & \text{otherwise}\end{cases},\quad \epsilon_i^{\text{lin}} = \max(0, 1 - i/n),\ "
    r"\epsilon_i^{\exp} = k^i,\ \epsilon_i^{\text{inv-sig}} = \frac{k}{k + e^{i/k}}",
], expanded=False)

# ----------------------------------------------------------------------------- sidebar
with st.sidebar:
    # no format_func: a bound selectbox writes its *displayed* label into the URL (measured in
    # Streamlit 1.67), so the options are the plain model names and the formula is a caption
    kind = st.selectbox(tr("attention.score"), list(S.MODEL_KINDS), key="att_score",
                        help=tr("attention.score_help"), **OPTS)
    st.caption(tr(f"attention.model_{kind}"))
    st.selectbox(tr("attention.example"), DATES.EXAMPLES, index=DATES.EXAMPLES.index(D.att_example),
                 key="att_example", on_change=_copy_example, help=tr("attention.example_help"), **OPTS)
    text = st.text_input(tr("attention.text"), D.att_text, max_chars=DATES.MAX_SOURCE_LEN, key="att_text",
                         help=tr("attention.text_help"), **OPTS)
    st.caption(tr("common.share_hint"))

if "att_step" not in st.session_state:  # first run of the session: the link's step, else 1
    url_t = sh.url_int("att_step")  # a value that is not a whole number: a notice, and it leaves the URL
    st.session_state["att_step"] = lab.clamp_step(url_t if url_t is not None else D.att_step)
    sh.url_records("att_step", st.session_state["att_step"], D.att_step)  # out of range: the clamped step
with sh.user_errors():
    cfg = lab.AttentionConfig(att_score=kind, att_text=text, att_step=lab.clamp_step(st.session_state["att_step"]))
    lab.validate(cfg)
    dec = decoding(kind, text)

st.markdown(tr("attention.output", out=dec.output))
acc = bottleneck(2000)[kind]
st.caption(tr("attention.trained_caption", kind=kind, acc=percent(acc["accuracy"]), n=acc["n"]))

tab_heat, tab_step, tab_bn, tab_tf = st.tabs([tr("attention.tab_heat"), tr("attention.tab_step"),
                                              tr("attention.tab_bottleneck"), tr("attention.tab_tf")],
                                             key="att_tab", **OPTS)  # the open tab is in the URL (lectures)

# ----------------------------------------------------------------------------- the step view: the step is
# chosen in the browser; every step's summary is drawn (only the chosen one shown), the charts carry a frame per step
t = cfg.att_step
# the step charts are drawn at the step they were first drawn at for these settings (the browser puts the
# chosen step's frame on them): a settle rerun sends the same figures, so the browser redraws none
t_drawn = sh.drawn_choice("att_step", (kind, text, lang), t)
with tab_step:
    controls = st.empty()  # filled last: the frames are built after the charts of step t are on screen
    for k in range(1, DATES.TARGET_LEN + 1):
        with st.container(key=f"att_sum_{k}"):
            summ = lab.step_summary(dec, k)
            others = ", ".join(f"'{c}' {p:.3f}" for c, p in summ["top"][1:])
            st.markdown(tr("attention.step_summary", t=k, c=summ["char"], p=summ["prob"], others=others))
            if summ["focus"] is not None:
                i, x, w = summ["focus"]
                st.markdown(tr("attention.step_focus", i=i, x=plots._show(x), w=w))
    sh.chart(step_chart("att_fig_step", kind, text, lang, t_drawn), width="stretch", key="att_fig_step")
    left, right = st.columns(2)
    with left:
        sh.chart(step_chart("att_fig_vectors", kind, text, lang, t_drawn), width="stretch", key="att_fig_vectors")
    with right:
        sh.chart(step_chart("att_fig_probs", kind, text, lang, t_drawn), width="stretch", key="att_fig_probs")

with tab_heat:
    if dec.weights is None:
        st.info(tr("attention.baseline_info"), icon=":material/info:")
    else:
        sh.chart(step_chart("att_fig_heat", kind, text, lang, t_drawn), width="stretch", key="att_fig_heat")
        sh.downloads(export.attention_export(dec, kind), key="att_dl")

with tab_bn:
    st.markdown(tr("attention.bottleneck_what"))
    n_eval = st.select_slider(tr("attention.n_eval"), list(lab.EVAL_CHOICES), value=D.att_n_eval, key="att_n_eval",
                              help=tr("attention.n_eval_help"), **OPTS)
    res = bottleneck(int(n_eval))
    sh.chart(plots.bottleneck_figure(res, lang), width="stretch", key="att_fig_bottleneck")
    st.dataframe(pd.DataFrame({
        tr("attention.col_model"): [tr(f"attention.model_{k}") for k in res],
        tr("attention.col_acc"): [f"{100 * r['accuracy']:.2f}%" for r in res.values()],
        tr("attention.col_n"): [r["n"] for r in res.values()],
    }), hide_index=True, width="stretch")

with tab_tf:
    st.markdown(tr("attention.tf_what"))
    c1, c2 = st.columns(2)
    decay = c1.selectbox(tr("attention.decay"), list(S.DECAYS), index=S.DECAYS.index(D.att_decay), key="att_decay",
                         help=tr("attention.decay_help"), **OPTS)  # plain names: they go into the URL
    steps = c2.select_slider(tr("attention.tf_steps"), list(lab.TF_STEP_CHOICES), value=D.att_tf_steps,
                             key="att_tf_steps", help=tr("attention.tf_steps_help"), **OPTS)
    with sh.user_errors():
        runs = tf_runs(decay, int(steps))
    sh.chart(plots.tf_figure(runs, lang), width="stretch", key="att_fig_tf")
    sh.chart(plots.tf_accuracy_figure(runs, lang), width="stretch", key="att_fig_tf_acc")
    st.dataframe(pd.DataFrame({
        tr("attention.col_sched"): [tr(f"attention.sched_{s}") for s in runs],
        tr("attention.col_final_loss"): [float(np.mean(r["loss"][-20:])) for r in runs.values()],
        tr("attention.col_final_acc"): [f"{100 * r['final_acc']:.1f}%" for r in runs.values()],
        tr("attention.col_seconds"): [r["seconds"] for r in runs.values()],
    }), hide_index=True, width="stretch")

# last: every step's frames, after the charts above are on screen
select = {"param": "att_step", "value": t, "n": DATES.TARGET_LEN, "groups": ["att_sum"],
          "ui": {"label": tr("attention.step"), "help": tr("attention.step_help"),
                 "back": tr("attention.prev"), "back_help": tr("attention.prev_help"),
                 "next": tr("attention.next"), "next_help": tr("attention.next_help")}}
with controls:
    sh.live("att_step_live", f'{{"select": {json.dumps(select)}, "charts": {step_frames(kind, text, lang)}}}',
            on_change=_step_chosen)
