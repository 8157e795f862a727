"""Page: vanishing & exploding gradients. Widgets -> VanishingConfig -> rnnviz.labs.vanishing -> figures.

A clean first load: the sidebar and the gradient chart at the default settings (shipped, see
rnnviz.first_charts) are drawn from light modules; torch and the lab's computation are imported after
them (app.py leaves this page's heavy imports to the page: LIGHT_FIRST).
"""
import json
from dataclasses import astuple

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz.labs import vanishing_config as lab_cfg
from rnnviz.text import quote

D = lab_cfg.VanishingConfig()  # the defaults
VG_CONTROLS_PX = 152  # the radius's live range's final height (label, slider, readout) at 1280x720 (sh.held_place)
PRESETS = lab_cfg.PRESETS  # every preset sets the seed; captions checked over seeds 0-9 (tests/unit)


def heavy():
    """The lab's compute and plotting modules (torch), imported once per process under the import lock."""
    sh.import_heavy_libraries()
    from rnnviz.labs import vanishing as lab
    from rnnviz.plots import vanishing as plots

    return lab, plots


@st.cache_resource(max_entries=16, show_spinner=False)
def compute(key: tuple):
    lab, _ = heavy()
    return lab.run(lab.VanishingConfig(*key))


@st.cache_resource(max_entries=16, show_spinner=False)
def compute_jacobians(key: tuple, cell: str) -> dict:
    lab, _ = heavy()
    return lab.jacobians(compute(key), cell)


@st.cache_resource(max_entries=8, show_spinner=False)
def radius_frames(key: tuple, lang: str) -> tuple[str, list[float]] | None:
    """The gradient chart for every radius of a grid (same other settings) and the live range that drags
    through them in place of the radius slider, as the live component's JSON, with the grid; ``None`` if
    the sweep is too slow."""
    from rnnviz.i18n import t

    lab, plots = heavy()
    cfg = lab.VanishingConfig(*key)
    radii, results = lab.radius_sweep(cfg)
    if len(radii) < 2:
        return None
    frames = [plots.grad_norm_frame(res, lang) for res in results]
    control = sh.live_range("vg_radius", radii, [f"{r:.2f}" for r in radii],
                            [plots.grad_norm_readout(res, lang) for res in results],
                            t("vanishing.radius", lang), t("vanishing.radius_help", lang), hide=["vg_radius_note"])
    return json.dumps({"charts": {"vg_fig_grad": {"meta": lab.sweep_meta(key, lang), "frames": frames}},
                       "range": control}, allow_nan=False, ensure_ascii=False), radii


tr = sh.tr
sh.page_title("vanishing.title")
mine = sh.model_upload("vg")  # (uploaded model, layer) or None: the lab's own models
if mine is None:  # the intro is about the radius slider, which an uploaded model does not have
    st.markdown(tr("vanishing.intro"))
    sh.preset_buttons(PRESETS)
cells, H, activation, init, forget_bias = D.cells, D.H, D.activation, D.init, D.forget_bias

with st.sidebar:
    opts = dict(bind="query-params")
    if mine is None:  # the controls that build the lab's own models
        cells = st.multiselect(tr("vanishing.cells"), ["RNN", "LSTM", "GRU"], default=list(D.cells), key="vg_cells",
                               help=tr("vanishing.cells_help"), **opts)
    T = st.slider(tr("vanishing.T"), 1, lab_cfg.T_MAX, D.T, key="vg_T", help=tr("vanishing.T_help"), **opts)
    if mine is None:
        H = st.slider(tr("vanishing.H"), 1, lab_cfg.H_MAX, D.H, key="vg_H", help=tr("vanishing.H_help"), **opts)
        activation = st.selectbox(tr("vanishing.activation"), ["tanh", "relu", "sigmoid", "identity"],
                                  key="vg_activation", help=tr("vanishing.activation_help"), **opts)
        init = st.selectbox(tr("vanishing.init"), ["default", "orthogonal", "identity"], key="vg_init",
                            format_func=lambda v: tr(f"vanishing.init_{v}"), help=tr("vanishing.init_help"), **opts)
        forget_bias = st.slider(tr("vanishing.forget_bias"), -3.0, 5.0, D.forget_bias, 0.5, key="vg_forget_bias",
                                help=tr("vanishing.forget_bias_help"), **opts)
    input_kind = st.radio(tr("vanishing.input_kind"), ["random", "zeros", "text"], key="vg_input_kind", horizontal=True,
                          format_func=lambda v: tr(f"vanishing.input_{v}"), help=tr("vanishing.input_kind_help"), **opts)
    input_scale, text = D.input_scale, D.text
    if input_kind == "random":
        input_scale = st.slider(tr("vanishing.input_scale"), 0.0, 3.0, D.input_scale, 0.05, key="vg_input_scale",
                                help=tr("vanishing.input_scale_help"), **opts)
    elif input_kind == "text":
        text = st.text_input(tr("vanishing.text"), D.text, max_chars=500, key="vg_text", help=tr("vanishing.text_help"), **opts)
    loss = st.radio(tr("vanishing.loss"), ["last", "every"], key="vg_loss", horizontal=True,
                    format_func=lambda v: tr(f"vanishing.loss_{v}"), help=tr("vanishing.loss_help"), **opts)
    clip = st.number_input(tr("vanishing.clip"), 0.0, 1e6, D.clip, 0.5, key="vg_clip", help=tr("vanishing.clip_help"), **opts)
    seed = st.number_input(tr("common.seed"), 0, 2**31 - 1, D.seed, 1, key="vg_seed", help=tr("common.seed_help"), **opts)
    st.caption(tr("common.share_hint"))


@st.fragment
def lab_view(cells, T, H, activation, init, forget_bias, input_kind, input_scale, text, loss, clip, seed):
    """The radius slider and everything it drives. A fragment: dragging the slider reruns only this
    part, not the router, the sidebar and the page header (measured in bench/bench_ui.py)."""
    # the slider is the radius's state (URL, presets); once the sweep's frames are there, a live range drawn
    # in its place (below, filled last) hides it and its note, and drags the chart in the browser
    # one place for the three, as high as the live range from the first paint on: the chart below does not move
    # while the slider's skeleton, the slider, its note and the live range are drawn in turn (sh.held_place)
    with sh.held_place("vg_radius", VG_CONTROLS_PX):
        radius = st.slider(tr("vanishing.radius"), 0.0, 3.0, D.radius, 0.05, key="vg_radius",
                           help=tr("vanishing.radius_help"), bind="query-params")
        note = st.container(key="vg_radius_note")
        live_slot = st.empty()
    cfg = lab_cfg.VanishingConfig(cells=tuple(c for c in ["RNN", "LSTM", "GRU"] if c in cells), T=T, H=H, radius=radius,
                                  activation=activation, init=init, forget_bias=forget_bias, input_kind=input_kind,
                                  input_scale=input_scale, input_size=D.input_size, text=text, loss=loss, clip=clip,
                                  seed=int(seed))
    key = astuple(cfg)
    # at the default settings the chart is shipped: drawn before torch is imported (rnnviz.first_charts)
    place = sh.chart_place("vg_fig_grad", key)
    shipped = sh.shipped_chart("vg_fig_grad", key, width="stretch", where=place)
    from rnnviz import export

    lab, plots = heavy()
    with sh.user_errors():
        cfg.validate()
        res = compute(key)
    if not shipped:
        sh.chart(plots.grad_norm_chart(res, sh.lang()), width="stretch", key="vg_fig_grad", where=place)
    readout = plots.grad_norm_readout(res, sh.lang())  # what the legend does not say (the live range shows it too)
    if readout:
        note.caption(readout)
    for line in lab.readout_sentences(res, sh.lang()):
        st.markdown(line)
    sh.downloads(export.vanishing_export(res), key="vg_dl")
    if res.alphabet is not None:
        st.caption(tr("vanishing.text_info", T=res.T, V=len(res.alphabet)))

    st.subheader(tr("vanishing.heatmaps"))
    tabs = st.tabs(list(res.cells))
    for tab, (cell, cr) in zip(tabs, res.cells.items()):
        with tab:
            sh.chart(plots.grad_heatmap_figure(cr, sh.lang()), width="stretch", key=f"vg_fig_heat_{cell}")

    cheap = all(lab.jacobian_cost(cfg, c, res.T) <= lab.JACOBIAN_AUTO_FLOPS for c in res.cells)
    asked = st.session_state.get("vg_jac_for") == key
    if not cheap and not asked:
        st.info(tr("vanishing.jacobian_costly", T=res.T, H=cfg.H, cells=", ".join(res.cells)))
        if st.button(tr("vanishing.jacobian_button"), help=tr("vanishing.jacobian_button_help"), key="vg_jac_button"):
            st.session_state["vg_jac_for"] = key
            asked = True
    if cheap or asked:
        with st.spinner(tr("vanishing.computing")):
            jacs = {c: compute_jacobians(key, c) for c in res.cells}
        sh.chart(plots.jacobian_figure(jacs, res, sh.lang()), width="stretch", key="vg_fig_jac")
        if "LSTM" in res.cells:
            st.caption(tr("vanishing.jacobian_lstm_note"))

    # last, so the charts above are already on screen while the sweep runs (once per setting)
    live = radius_frames(lab.sweep_key(cfg), sh.lang())  # the sweep does not depend on the radius
    if live is not None and any(abs(r - cfg.radius) < 1e-9 for r in live[1]):  # else: the slider, from the server
        with live_slot:
            sh.live("vg_live", live[0], on_pick=sh.pick_into("vg_live", "vg_radius", live[1]))


@st.cache_resource(max_entries=8, show_spinner=False)
def compute_byo(digest: str, layer: int, key: tuple, _up):
    """``_up`` (the uploaded model) is not hashed: its ``digest`` (SHA-1 of the file) stands for it."""
    lab, _ = heavy()
    from rnnviz.labs import byo as byo_lab

    return byo_lab.vanishing_run(_up, layer, lab.VanishingConfig(*key))


@st.cache_resource(max_entries=8, show_spinner=False)
def compute_byo_jac(digest: str, layer: int, key: tuple, _up) -> dict:
    lab, _ = heavy()
    return lab.jacobians(compute_byo(digest, layer, key, _up), _up.kind)


def byo_view(up, layer: int, cfg: lab_cfg.VanishingConfig) -> None:
    """The uploaded model's layer: gradient profile, heatmap, Jacobian norms (no radius: the weights are given)."""
    lab, plots = heavy()
    from rnnviz import export

    st.info(tr("byo.banner", name=quote(up.name, limit=80), kind=up.kind, layer=layer, layers=up.num_layers),
            icon=":material/upload_file:")
    with sh.user_errors():
        res = compute_byo(up.digest, layer, astuple(cfg), up)
    sh.chart(plots.grad_norm_figure(res, sh.lang()), key="vg_fig_grad")
    for line in lab.readout_sentences(res, sh.lang()):
        st.markdown(line)
    sh.downloads(export.vanishing_export(res), key="vg_dl")
    cr = res.cells[up.kind]
    sh.chart(plots.grad_heatmap_figure(cr, sh.lang()), key=f"vg_fig_heat_{up.kind}")
    go = lab.jacobian_cost(res.config, up.kind, res.T) <= lab.JACOBIAN_AUTO_FLOPS
    if not go:
        st.info(tr("vanishing.jacobian_costly", T=res.T, H=up.hidden_size, cells=up.kind))
        go = st.button(tr("vanishing.jacobian_button"), help=tr("vanishing.jacobian_button_help"), key="vg_jac_byo")
    if go:
        with st.spinner(tr("vanishing.computing")):
            jac = compute_byo_jac(up.digest, layer, astuple(cfg), up)
        sh.chart(plots.jacobian_figure({up.kind: jac}, res, sh.lang()), key="vg_fig_jac")
    st.caption(tr("byo.what"))


if mine is None:
    lab_view(cells, T, H, activation, init, forget_bias, input_kind, input_scale, text, loss, clip, seed)
else:
    byo_view(*mine, lab_cfg.VanishingConfig(T=T, input_kind=input_kind, input_scale=input_scale, text=text, loss=loss,
                                            clip=clip, seed=int(seed)))
sh.explain("vanishing.what", heavy()[0].LATEX)
