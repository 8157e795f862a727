"""Page: inside the hidden state. Widgets -> HiddenConfig -> rnnviz.labs.hidden -> figures.

Models: the shipped sonnet models, plus the session's own: ``st.session_state["trained_model"]``
(from the train-live page, :func:`rnnviz.train.trained_model_record`) and a file uploaded in the
sidebar (:func:`rnnviz.streamlit_helpers.upload_field`, read by :func:`rnnviz.byo.load_upload`, kept
in ``st.session_state["hd_byo"]`` if :func:`rnnviz.hidden.models.from_upload` accepts it).

A clean first load: the title, the sidebar and the states heatmap at the default settings (shipped, see
rnnviz.first_charts) are drawn from light modules (rnnviz.labs.hidden_config); torch and the lab's computation
are imported after them (:func:`heavy`; app.py leaves this page's heavy imports to it: LIGHT_FIRST).
"""
from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz.labs import hidden_config as cfg
from rnnviz.text import quote

UNIT_CONTROLS_PX = 65  # the live unit control's final height (label, range) at 1280x720, both languages (sh.held_place)
# page model key -> session-state key of a model record (train-live page)
SESSION_KEYS = {"session": "trained_model"}
UPLOAD = "hd"  # prefix of the uploader's session-state keys: the model kept is st.session_state["hd_byo"]


@st.cache_resource(show_spinner=False)
def shipped_model(key: str) -> HM.CharLM:
    return HM.shipped(key)


def heavy() -> None:
    """torch, NumPy, plotly and the lab's modules, as this page's globals (imported once per process, under
    the import lock of sh.import_heavy_libraries; a first visit at the default settings draws the shipped
    heatmap before this, and app.py leaves the page's heavy imports to it: LIGHT_FIRST)."""
    global np, export, HM, P, lab, hs, plots
    sh.import_heavy_libraries()
    import numpy as np

    from rnnviz import export
    from rnnviz.hidden import models as HM
    from rnnviz.hidden import patterns as P
    from rnnviz.labs import hidden as lab
    from rnnviz.labs import hidden_select as hs
    from rnnviz.plots import hidden as plots


def session_models() -> tuple[dict[str, HM.CharLM], list[str]]:
    """This browser session's own models (trained on the train-live page, or uploaded), and why others were skipped."""
    out, skipped = {}, []
    if any(st.session_state.get(k) is not None for k in [*SESSION_KEYS.values(), f"{UPLOAD}_byo"]):
        heavy()
    for key, state_key in SESSION_KEYS.items():
        rec = st.session_state.get(state_key)
        if rec is None:
            continue
        try:
            out[key] = HM.from_record(rec, key=key, source=key)
        except ValueError as exc:
            skipped.append(str(exc))
    up = st.session_state.get(f"{UPLOAD}_byo")
    if up is not None:
        out["upload"] = HM.from_upload(up)  # checked when it was kept (check_upload)
    return out, skipped


def check_upload(up) -> None:
    """The uploader's check: a one-layer character language model, else a ``ValueError`` in the UI language."""
    heavy()
    try:
        HM.from_upload(up)
    except HM.NotALanguageModel as exc:
        raise ValueError(tr(exc.why, **exc.fmt)) from exc  # shown by sh.show_error, which quotes it whole


def upload_section() -> None:
    """The sidebar's "Your own model": the uploader, and what it holds; a newly kept model becomes the one shown."""
    with sh.upload_section(UPLOAD):
        up = sh.upload_field(UPLOAD, "hidden.upload_help", check=check_upload)
        if up is not None:
            st.caption(tr("hidden.upload_loaded", name=quote(up.name, limit=80), kind=up.kind, H=up.hidden_size,
                          V=len(up.vocab)))
    if up is not None and st.session_state.get("hd_upload_digest") != up.digest:
        st.session_state["hd_upload_digest"] = up.digest
        st.session_state["hd_model"] = "upload"  # before the model list is drawn (it is drawn above, later)


def token(model: HM.CharLM) -> str:
    """Cache key of a model: shipped models are fixed; a session model is identified by its object."""
    return model.key if model.source == "shipped" else f"{model.key}-{id(model.rnn)}"


@st.cache_resource(max_entries=24, show_spinner=False)
def states_of(tok: str, text: str, _model: HM.CharLM):
    return lab.states(_model, text)


@st.cache_resource(max_entries=4, show_spinner=False)
def corpus_of(tok: str, _model: HM.CharLM) -> np.ndarray:
    return lab.corpus_states(_model)


@st.cache_resource(max_entries=24, show_spinner=False)
def influence_of(tok: str, text: str, readout: str, _model: HM.CharLM) -> lab.Influence:
    return lab.influence(_model, text, readout)


@st.cache_resource(max_entries=8, show_spinner=False)
def influence_fig(tok: str, text: str, readout: str, t: int, lang: str, _inf: lab.Influence):
    """The text coloured by row t of C, with every row in the figure for the in-browser slider."""
    return plots.influence_figure(text, _inf.C, t, lang)


def clamp_state(key: str, lo: int, hi: int) -> None:
    """Keep a stored widget value inside its (text-dependent) range before the widget is drawn."""
    if key in st.session_state and not lo <= st.session_state[key] <= hi:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


def pick_unit(unit: int) -> None:
    """Callback of the ranking's unit buttons: colour the text by this unit."""
    st.session_state["hd_unit"] = int(unit)


def _apply_unit_choice() -> None:
    """The browser's settled unit (the live component's value), once per new value: the server follows."""
    value = getattr(st.session_state.get("hd_select"), "value", None)
    if isinstance(value, dict) and value != st.session_state.get("hd_select_applied"):
        st.session_state["hd_select_applied"] = dict(value)
        if isinstance(value.get("hd_unit"), int):
            st.session_state["hd_unit"] = value["hd_unit"]


DATA_SLOT = "\u0000unit data\u0000"  # a JSON string no real value can be: replaced by the cached data


@st.cache_resource(max_entries=8, show_spinner=False)
def unit_data_json(tok: str, text: str, lang: str, lo: int, hi: int, _h: np.ndarray) -> str:
    """The coloured text of units ``lo..hi-1`` as compact JSON (rnnviz.labs.hidden_select.unit_data), built
    once per text and window of units: choosing another unit inside the window reuses it."""
    return json.dumps(hs.unit_data(_h, text, range(lo, hi), lang), allow_nan=False, ensure_ascii=False,
                      separators=(",", ":"))


def unit_json(tok: str, text: str, lang: str, unit: int, _h: np.ndarray) -> str:
    """The live component's data: the heatmap's row outline and the coloured text of every unit
    (rnnviz.labs.hidden_select), for choosing the unit in the browser."""
    T, H = _h.shape
    units = hs.units_shipped(H, T, unit)
    multi = {"id": "hd_select", "value": {"hd_unit": unit}, "settle_ms": 600,
             "controls": [{"param": "hd_unit", "kind": "range", "min": 0, "max": H - 1, "label": tr("hidden.unit"),
                           "help": tr("hidden.unit_help")}],
             "views": [{"slot": "hd_unit_text", "server": "hd_unit_server", "by": ["hd_unit"], "kind": "colored",
                        "pending": tr("hidden.unit_pending"), "data": DATA_SLOT, **hs.view_shell(text)}]}
    charts = {"hd_fig_heat": {"meta": hs.meta(tok, text, lang), "by": "hd_unit", "frames": hs.heat_frames(T, H)}}
    shell = json.dumps({"multi": multi, "charts": charts}, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    data = unit_data_json(tok, text, lang, units.start, units.stop, _h)
    return shell.replace(json.dumps(DATA_SLOT), data, 1)  # the first occurrence: "data" precedes the user's text


def section_errors(fn):
    """Run a section; a ``ValueError`` is shown in place and the rest of the page still renders."""
    try:
        fn()
    except ValueError as exc:
        sh.show_error(exc)


tr = sh.tr
lang = sh.lang()
opts = dict(bind="query-params")
D = cfg.HiddenConfig()
sh.page_title("hidden.title")
st.markdown(tr("hidden.intro"))
draw_equations = sh.explain("hidden.what", cfg.LATEX, expanded=False, later=True)

sidebar_top = st.sidebar.container()  # the model and the text; the uploader (run first) goes below them
upload_section()
extra, skipped = session_models()
model_keys = list(cfg.SHIPPED) + list(extra)
if st.session_state.get("hd_model", D.hd_model) not in model_keys:
    st.session_state["hd_model"] = D.hd_model

with sidebar_top:
    model_key = st.selectbox(tr("hidden.model"), model_keys, key="hd_model", format_func=lambda k: tr(f"hidden.model_{k}"),
                             help=tr("hidden.model_help"), **opts)
    source = st.radio(tr("hidden.source"), ["sonnet", "typed"], key="hd_source", horizontal=True,
                      format_func=lambda v: tr(f"hidden.source_{v}"), help=tr("hidden.source_help"), **opts)
    sonnet = st.number_input(tr("hidden.sonnet"), 1, 154, D.hd_sonnet, 1, key="hd_sonnet", help=tr("hidden.sonnet_help"),
                             disabled=source != "sonnet", **opts)
    text_in = st.text_area(tr("hidden.text"), D.hd_text, max_chars=cfg.MAX_CHARS, key="hd_text", height=140,
                           help=tr("hidden.text_help"), disabled=source != "typed", **opts)
    st.caption(tr("common.share_hint"))
for why in skipped:
    st.info(tr("hidden.session_skipped", why=why), icon=":material/info:")
base = cfg.HiddenConfig(hd_model=model_key, hd_source=source, hd_sonnet=int(sonnet), hd_text=text_in)

# ---------------------------------------------------------------- neuron explorer
st.subheader(tr("hidden.sec_explorer"))
# the unit is chosen in the browser (a live component over the data of every unit); the server learns it
# when the choice settles, or from a ranking button, or from the link
if "hd_unit_init" not in st.session_state:  # first run of the session: the link's unit, else the default
    st.session_state["hd_unit_init"] = True
    url_unit = sh.url_int("hd_unit")  # not a whole number: a notice, and it leaves the URL; clamped to the model later
    if url_unit is not None:
        st.session_state.setdefault("hd_unit", url_unit)
_apply_unit_choice()
st.session_state.setdefault("hd_unit", D.hd_unit)
# the live component, filled last (its data is built after the page is on screen), in a place as high as it from
# the first paint on: the heatmap below does not move when it mounts (sh.held_place), and a rerun keeps the old
# control in place until the new one replaces it (an st.empty() here was cleared at every rerun)
unit_controls = sh.held_place("hd_unit", UNIT_CONTROLS_PX)
# at the default settings the heatmap is shipped (rnnviz.first_charts): drawn before torch is imported; else
# it is computed and drawn in the same place (nothing else is drawn in between)
heat_key = cfg.heat_key(replace(base, hd_unit=int(st.session_state["hd_unit"])))
heat_place = sh.chart_place("hd_fig_heat", heat_key if model_key not in extra else ())
shipped = model_key not in extra and sh.shipped_chart("hd_fig_heat", heat_key, where=heat_place)
heavy()
model = extra[model_key] if model_key in extra else shipped_model(model_key)
with sh.user_errors():
    text = lab.input_text(base)
    S = states_of(token(model), text, model)
T, H = S.T, S.H
clamp_state("hd_unit", 0, H - 1)
unit = int(st.session_state["hd_unit"])
sh.url_records("hd_unit", unit, D.hd_unit)  # the URL records the unit (a default only if it was there)
if not shipped:
    sh.chart(plots.states_heatmap(S.h, text, unit, lang).update_layout(meta=hs.meta(token(model), text, lang)),
             key="hd_fig_heat", where=heat_place)
sh.downloads(export.hidden_export(S.h, text, model_key), key="hd_dl")
with st.container(key="hd_unit_server"):  # hidden while the browser shows another unit (in the slot below)
    st.caption(hs.caption(S.h, unit, lang))
    st.html(plots.unit_html(text, S.h[:, unit], unit))
st.html('<div data-rv-slot="hd_unit_text"></div>')

# ---------------------------------------------------------------- hypotheses
st.subheader(tr("hidden.sec_rank"))
c1, c2 = st.columns([1, 1])
pattern = c1.selectbox(tr("hidden.pattern"), list(P.PATTERNS), index=P.PATTERNS.index(D.hd_pattern), key="hd_pattern",
                       format_func=lambda v: tr(f"hidden.pattern_{v}"), help=tr("hidden.pattern_help"), **opts)
expression = c2.text_input(tr("hidden.regex"), D.hd_regex, max_chars=P.MAX_REGEX, key="hd_regex",
                           help=tr("hidden.regex_help"), disabled=pattern != "regex", **opts)
rank = None


def show_ranking() -> None:
    global rank
    rank = lab.ranking(S, pattern, expression)
    top = rank.top
    sh.chart(plots.ranking_figure(text, rank.values, S.h, rank.r, top, tr(f"hidden.pattern_{pattern}"), lang),
             key="hd_fig_rank")
    best = int(top[0])
    st.caption(tr("hidden.rank_caption", unit=best, r=float(rank.r[best]), H=H))
    st.markdown(tr("hidden.pick"))
    cols = st.columns(len(top))
    for col, j in zip(cols, top):
        col.button(tr("hidden.unit_button", unit=int(j)), key=f"hd_pick_{int(j)}", on_click=pick_unit, args=(int(j),),
                   help=tr("hidden.pick_help", unit=int(j)), type="primary" if int(j) == unit else "secondary",
                   width="stretch")


section_errors(show_ranking)

# ---------------------------------------------------------------- match (LSTMVis)
st.subheader(tr("hidden.sec_match"))
clamp_state("hd_span_start", 1, T)
clamp_state("hd_span_end", 1, T)
c1, c2, c3 = st.columns(3)
a = c1.number_input(tr("hidden.span_start"), 1, T, min(D.hd_span_start, T), 1, key="hd_span_start",
                    help=tr("hidden.span_help"), **opts)
b = c2.number_input(tr("hidden.span_end"), 1, T, min(D.hd_span_end, T), 1, key="hd_span_end",
                    help=tr("hidden.span_help"), **opts)
theta = c3.slider(tr("hidden.threshold"), -0.9, 0.9, D.hd_threshold, 0.05, key="hd_threshold",
                  help=tr("hidden.threshold_help"), **opts)


def show_match() -> None:
    lo, hi = int(min(a, b)), int(max(a, b))
    use_corpus = model.knows(lab.sonnets()[0])
    if use_corpus:
        with st.spinner(tr("hidden.corpus_spinner", n=len(lab.sonnets()[0]))):
            corpus_h = corpus_of(token(model), model)
    else:
        corpus_h = None
    m = lab.match(S, corpus_h, lo, hi, float(theta))
    span_values = np.where((np.arange(T) >= lo - 1) & (np.arange(T) <= hi - 1), 1.0, 0.0)
    st.html(plots.colored_html(text, span_values, lo=0.0, hi=1.6, scale="Oranges", label="span",
                               highlight=(lo - 1, hi - 1)))
    span = text[lo - 1:hi]
    if m.units.size == 0:
        st.markdown(tr("hidden.match_none", span=sh_code(span), theta=float(theta)))
        return
    st.markdown(tr("hidden.match_units", n=int(m.units.size), span=sh_code(span), theta=float(theta),
                   units=", ".join(str(int(j)) for j in m.units)))
    where_text = lab.sonnets()[0] if use_corpus else text
    hh = corpus_h if use_corpus else S.h
    if not m.runs:
        st.markdown(tr("hidden.match_no_runs" if use_corpus else "hidden.match_no_runs_text"))
        return
    st.markdown(tr("hidden.match_found_corpus" if use_corpus else "hidden.match_found_text", n=len(m.runs)))
    for (ra, rb), (sonnet_n, line) in zip(m.runs, m.places):
        off, snippet = lab.context(where_text, ra, rb)
        values = hh[off:off + len(snippet)][:, m.units].min(axis=1)
        where = (tr("hidden.match_where", sonnet=sonnet_n, line=line, n=rb - ra + 1) if use_corpus
                 else tr("hidden.match_where_text", a=ra + 1, b=rb + 1, n=rb - ra + 1))
        st.caption(where)
        st.html(plots.match_html(snippet, off, (ra, rb), values))


def sh_code(s: str) -> str:
    """User text inside Markdown: shown literally in a code span (backticks removed, whitespace visible)."""
    return "`" + "".join(plots.show_char(c) for c in s).replace("`", "'") + "`"


section_errors(show_match)

# ---------------------------------------------------------------- connectivity
st.subheader(tr("hidden.sec_conn"))
Tc = min(T, lab.CONN_MAX)
clamp_state("hd_t", 1, T)
c1, c2 = st.columns([2, 1])
t_sel = c1.slider(tr("hidden.t"), 1, max(T, 2), min(D.hd_t, T), 1, key="hd_t", help=tr("hidden.t_help"),
                  disabled=T < 2, **opts)
readout = c2.radio(tr("hidden.readout"), list(lab.READOUTS), key="hd_readout", horizontal=True,
                   format_func=lambda v: tr(f"hidden.readout_{v}"), help=tr("hidden.readout_help"), **opts)
t_sel = int(min(t_sel, T))
tc = min(t_sel, Tc)
with st.spinner(tr("hidden.conn_spinner")):
    inf = influence_of(token(model), text, readout, model)
if T > lab.CONN_MAX:
    st.caption(tr("hidden.conn_window", n=lab.CONN_MAX, t=tc))
row = inf.C[tc - 1]
if np.all(np.isnan(row)):
    st.markdown(tr("hidden.conn_no_next"))
else:
    k_max = int(np.nanargmax(row[:tc]))
    target = inf.targets[tc - 1]
    st.markdown(tr("hidden.conn_caption", t=tc, ch=sh_code(text[tc - 1]), target=sh_code(model.vocab[target]),
                   p=float(np.exp(inf.y[tc - 1])), k=k_max + 1, kch=sh_code(text[k_max]), back=tc - 1 - k_max))
sh.chart(influence_fig(token(model), text, readout, tc, lang, inf), key="hd_fig_influence")
st.caption(tr("hidden.client_note"))
sh.chart(plots.connectivity_figure(inf.C, text, tc, lang), key="hd_fig_conn")

compare = [k for k in lab.COMPARE]
if all(shipped_model(k).knows(text) for k in compare):
    st.markdown(f"**{tr('hidden.side_by_side', t=tc)}**")
    infs = {}
    cols = st.columns(len(compare))
    for col, k in zip(cols, compare):
        m_k = shipped_model(k)
        infs[m_k.cell] = influence_of(token(m_k), text, readout, m_k)
        col.markdown(f"**{m_k.cell}**")
        col.html(plots.influence_html(text[:Tc], infs[m_k.cell].C[tc - 1], tc))
    if model.key not in compare:
        infs[tr(f"hidden.model_{model.key}")] = inf
    sh.chart(plots.lag_figure({k: v.lag for k, v in infs.items()}, lang), key="hd_fig_lag")
    lag = min(20, Tc - 2)
    if lag >= 1:
        st.caption(tr("hidden.lag_caption", lag=lag, table=", ".join(
            f"{k} {v.lag[lag] / v.lag[0]:.2g}" for k, v in infs.items() if v.lag[0] > 0)))

# ---------------------------------------------------------------- trajectories
st.subheader(tr("hidden.sec_traj"))
c1, c2 = st.columns(2)
dims = c1.radio(tr("hidden.dims"), [2, 3], key="hd_dims", horizontal=True, help=tr("hidden.dims_help"), **opts)
color_by = c2.radio(tr("hidden.color"), ["time", "pattern"], key="hd_color", horizontal=True,
                    format_func=lambda v: tr(f"hidden.color_{v}"), help=tr("hidden.color_help"), **opts)


def show_trajectories() -> None:
    panels = {}
    for k in lab.COMPARE:
        m_k = shipped_model(k)
        if m_k.knows(text):
            panels[m_k.cell] = lab.trajectory(states_of(token(m_k), text, m_k), int(dims))
    if model.key not in lab.COMPARE:
        panels[tr(f"hidden.model_{model.key}")] = lab.trajectory(S, int(dims))
    colour = rank.values if (color_by == "pattern" and rank is not None) else None
    label = tr(f"hidden.pattern_{pattern}") if colour is not None else "t"
    sh.chart(plots.trajectory_figure(panels, text, t_sel, int(dims), colour, label, lang), key="hd_fig_traj")
    st.caption(tr("hidden.traj_caption", t=t_sel, ch=sh_code(text[t_sel - 1]), table=", ".join(
        f"{k} {100 * p.explained_ratio[:int(dims)].sum():.0f}%" for k, p in panels.items())))


section_errors(show_trajectories)

# last: the data of every unit, after everything above is on screen
with unit_controls:
    sh.live("hd_select", unit_json(token(model), text, lang, unit, S.h))
draw_equations()  # in its collapsed expander at the top (its code box loads a 1.5 MB highlighter in the browser)
