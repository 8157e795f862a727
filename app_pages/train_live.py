"""Page: train live. Widgets -> TrainLiveConfig -> a background TrainingRunner -> polled figures.

The runner (a thread, see rnnviz.train_runner.TrainingRunner) belongs to this browser session and is kept in
st.session_state["tl_runner"]; a fragment polls it every 0.5 s. The thread stops by itself when this
session is no longer active in Streamlit's runtime (tab closed). The latest model copy is published as
st.session_state["trained_model"] (format: rnnviz.train.trained_model_record).

A clean first load: before Start the charts are empty axes, built from light modules (NumPy and plotly,
no torch); torch and the training code are imported after them (app.py leaves this page's heavy imports
to the page: LIGHT_FIRST).
"""
from __future__ import annotations

import html

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz import train_config as T
from rnnviz.text import quote

sh.import_light_libraries()  # NumPy and plotly (the modules below), under the import lock; no torch
from rnnviz import export  # noqa: E402
from rnnviz.labs import train_live as lab  # noqa: E402
from rnnviz.plots import train_live as plots  # noqa: E402

tr = sh.tr
D = lab.TrainLiveConfig()
RUNNER = "tl_runner"
opts = dict(bind="query-params")

PRESETS = lab.PRESETS  # every preset sets the seed; captions checked over seeds 0-9 (tests/unit)


def session_alive_check():
    """A callable telling whether this browser session is still connected (None outside a real server)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None or not Runtime.exists():
            return None
        runtime, sid = Runtime.instance(), ctx.session_id
        if not runtime.is_active_session(sid):  # AppTest and bare runs have no registered session
            return None
        return lambda: runtime.is_active_session(sid)
    except Exception:  # noqa: BLE001 - no runtime: nothing to watch
        return None


def on_start(cfg: T.TrainConfig | None) -> None:
    runner = st.session_state.get(RUNNER)
    if runner is not None and runner.state == "stopping":
        return  # one thread per session: the old run has not ended yet
    if runner is not None and runner.state in ("running", "paused"):
        runner.start()  # resumes a paused run, no-op when running
        return
    if cfg is None:
        return
    from rnnviz.train_runner import TrainingRunner  # torch: imported by the page before any Start is drawn

    st.session_state[RUNNER] = TrainingRunner(cfg, alive=session_alive_check()).start()


def on_pause() -> None:
    runner = st.session_state.get(RUNNER)
    if runner is not None:
        runner.pause()


def on_stop() -> None:
    runner = st.session_state.get(RUNNER)
    if runner is not None:
        runner.stop(wait=1.0)


def on_reset() -> None:
    runner = st.session_state.pop(RUNNER, None)
    if runner is not None:
        runner.stop(wait=1.0)


@st.cache_resource(show_spinner=False)
def reference_model(task: str) -> dict:
    """The shipped reference model; trained on first use (with a progress bar) if its weights file is missing."""
    from rnnviz import train

    bar = st.progress(0.0, text=tr("train_live.reference_loading"))  # created here, so cache replay is valid
    rec = train.load_pretrained(task, progress=lambda f, msg: bar.progress(min(1.0, f), text=msg))
    bar.empty()
    return rec


@st.cache_data(max_entries=4, show_spinner=False)
def model_file(_rec: dict, key: tuple) -> bytes:
    """The trained model as a .pt file the labs' uploaders read (rnnviz.byo.char_model_bytes)."""
    from rnnviz import byo

    return byo.char_model_bytes(_rec["model"], _rec["vocab"], _rec["classes"])


@st.cache_data(max_entries=64, show_spinner=False)
def sample(_rec: dict, key: tuple, temperature: float, seed: int) -> str:
    from rnnviz import train

    return train.sample_text(_rec["model"], _rec["vocab"], 300, temperature, seed=seed)


# ------------------------------------------------------------------ sidebar
sh.page_title("train_live.title")
st.markdown(tr("train_live.intro"))
sh.preset_buttons(PRESETS)

with st.sidebar:
    task = st.radio(tr("train_live.task"), list(T.TASKS), key="tl_task", format_func=lambda v: tr(f"train_live.task_{v}"),
                    help=tr("train_live.task_help"), **opts)
    cell = st.radio(tr("train_live.cell"), list(T.CELLS), index=T.CELLS.index(D.cell), key="tl_cell", horizontal=True,
                    help=tr("train_live.cell_help"), **opts)
    hidden = st.select_slider(tr("train_live.hidden"), list(lab.HIDDEN_OPTIONS), value=D.hidden, key="tl_hidden",
                              help=tr("train_live.hidden_help"), **opts)
    layers = st.radio(tr("train_live.layers"), [1, 2], key="tl_layers", horizontal=True, help=tr("train_live.layers_help"), **opts)
    bptt = st.slider(tr("train_live.bptt"), 4, 128, D.bptt, 4, key="tl_bptt", disabled=task != "lm",
                     help=tr("train_live.bptt_help"), **opts)
    batch = st.select_slider(tr("train_live.batch"), list(lab.BATCH_OPTIONS), value=D.batch, key="tl_batch",
                             help=tr("train_live.batch_help"), **opts)
    optimizer = st.radio(tr("train_live.optimizer"), list(T.OPTIMIZERS), index=T.OPTIMIZERS.index(D.optimizer),
                         key="tl_optimizer", horizontal=True, help=tr("train_live.optimizer_help"), **opts)
    lr = st.select_slider(tr("train_live.lr"), list(lab.LR_OPTIONS), value=D.lr, key="tl_lr",
                          format_func=lambda v: f"{v:g}", help=tr("train_live.lr_help"), **opts)
    clip = st.select_slider(tr("train_live.clip"), list(lab.CLIP_OPTIONS), value=D.clip, key="tl_clip",
                            format_func=lambda v: tr("train_live.clip_off") if v == "off" else v,
                            help=tr("train_live.clip_help"), **opts)
    max_steps = st.number_input(tr("train_live.max_steps"), 10, 100000, D.max_steps, 100, key="tl_max_steps",
                                help=tr("train_live.max_steps_help"), **opts)
    seed = st.number_input(tr("common.seed"), 0, 2**31 - 1, D.seed, 1, key="tl_seed", help=tr("common.seed_help"), **opts)
    corpus, text = D.corpus, D.text
    if task == "lm":
        corpus = st.radio(tr("train_live.corpus"), list(lab.CORPORA), key="tl_corpus",
                          format_func=lambda v: tr(f"train_live.corpus_{v}"), help=tr("train_live.corpus_help"), **opts)
        if corpus == "pasted":
            text = st.text_area(tr("train_live.text"), D.text, max_chars=lab.MAX_TEXT_CHARS, key="tl_text",
                                help=tr("train_live.text_help"), **opts)
    st.divider()
    # read by the live section; changing them never touches the training run
    if task == "lm":
        st.slider(tr("train_live.temperature"), 0.1, 2.0, D.temperature, 0.1, key="tl_temperature",
                  help=tr("train_live.temperature_help"), **opts)
    else:
        st.text_input(tr("train_live.name"), D.name, max_chars=20, key="tl_name", help=tr("train_live.name_help"), **opts)
    st.caption(tr("common.share_hint"))

cfg = lab.TrainLiveConfig(task=task, cell=cell, hidden=int(hidden), layers=int(layers), bptt=int(bptt), batch=int(batch),
                          lr=float(lr), optimizer=optimizer, clip=str(clip), seed=int(seed), max_steps=int(max_steps),
                          corpus=corpus, text=text)
train_cfg, cfg_error = None, None
try:
    train_cfg = cfg.train_config()
except ValueError as exc:
    cfg_error = exc

# ------------------------------------------------------------------ controls
runner = st.session_state.get(RUNNER)  # a rnnviz.train_runner.TrainingRunner, or None before the first Start
c1, c2, c3, c4, _ = st.columns([1, 1, 1, 1, 3])
c1.button(tr("train_live.start"), key="tl_start", type="primary", help=tr("train_live.start_help"), on_click=on_start,
          args=(train_cfg,), disabled=(train_cfg is None and not (runner and runner.state == "paused"))
          or bool(runner and runner.state == "stopping"), width="stretch")
c2.button(tr("train_live.pause"), key="tl_pause", help=tr("train_live.pause_help"), on_click=on_pause,
          disabled=not (runner and runner.state == "running"), width="stretch")
c3.button(tr("train_live.stop"), key="tl_stop", help=tr("train_live.stop_help"), on_click=on_stop,
          disabled=not (runner and runner.state in ("running", "paused")), width="stretch")
c4.button(tr("train_live.reset"), key="tl_reset", help=tr("train_live.reset_help"), on_click=on_reset,
          disabled=runner is None, width="stretch")

if cfg_error is not None:  # e.g. a pasted text too short for batch x BPTT: said as soon as it is pasted
    sh.show_error(cfg_error)
    if runner is None:
        st.stop()
if runner is None:
    st.info(tr("train_live.press_start"), icon=":material/play_circle:")
elif train_cfg is not None and runner.config != train_cfg:
    st.warning(tr("train_live.settings_changed"), icon=":material/tune:")

run_task = runner.config.task if runner else task
polling = runner is not None and runner.state in ("running", "paused", "stopping")


@st.fragment(run_every=0.5 if polling else None)
def live() -> None:
    runner = st.session_state.get(RUNNER)
    lang = sh.lang()
    if runner is None:
        snap = {"state": "idle", "error": None, "step": 0, "steps": [], "loss": [], "grad_norm": [], "clipped": [],
                "probe_step": [], "probe": [], "eval_step": [], "evals": [], "chars": 0, "train_time": 0.0,
                "model_record": None, "classes": ()}
    else:
        snap = runner.snapshot()
    v = lab.live_view(snap, run_task)
    if polling and snap["state"] not in ("running", "paused", "stopping"):
        st.rerun(scope="app")  # the run ended: redraw the buttons and stop polling
    if snap["state"] == "error":
        st.error(tr("train_live.error_run", msg=quote(snap["error"], limit=600)), icon=":material/error:")
    st.markdown(tr("train_live.status", state=tr(f"train_live.state_{snap['state']}"), step=v.step,
                   cps=f"{v.chars_per_s:,.0f}", time=f"{v.train_time:.1f}"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("train_live.metric_loss"), f"{v.loss_ema[-1]:.3f}" if len(v.loss_ema) else "-")
    if run_task == "lm":
        m2.metric(tr("train_live.metric_ppl"), f"{v.eval_metric[-1]:.2f}" if len(v.eval_metric) else "-")
    else:
        m2.metric(tr("train_live.metric_acc"), f"{100 * v.eval_metric[-1]:.1f}%" if len(v.eval_metric) else "-")
    m3.metric(tr("train_live.metric_norm"), f"{v.grad_norm[-1]:.3g}" if len(v.grad_norm) else "-")
    m4.metric(tr("train_live.metric_clipped"), f"{v.n_clipped}" if v.step else "-")
    if len(v.nonfinite_steps):
        st.warning(tr("train_live.nonfinite_warning", n=len(v.nonfinite_steps)), icon=":material/warning:")

    clip_value = runner.config.clip if runner else (train_cfg.clip if train_cfg else None)
    cell_name = runner.config.cell if runner else cell
    a, b = st.columns(2)
    sh.chart(plots.loss_figure(v, lang, cell_name), where=a, key="tl_fig_loss")
    sh.chart(plots.metric_figure(v, lang), where=b, key="tl_fig_metric")
    a, b = st.columns(2)
    sh.chart(plots.grad_norm_figure(v, clip_value, lang), where=a, key="tl_fig_norm")
    sh.chart(plots.probe_heatmap(v, lang), where=b, key="tl_fig_probe")
    sh.import_heavy_libraries()  # torch, after the charts: the reference model and the samples below need it
    from rnnviz import byo
    from rnnviz import train

    sh.downloads(*export.history_exports(v), key="tl_dl")
    if runner is not None and runner.trainer is not None:
        trn = runner.trainer
        B, Tp = trn.probe_x.shape[1], trn.probe_x.shape[0]
        what = (tr("train_live.probe_lm", B=B, T=Tp) if run_task == "lm"
                else tr("train_live.probe_names", B=B, T=Tp, names=", ".join(trn.probe_names)))
        st.caption(tr("train_live.heat_caption", what=what))

    rec = snap["model_record"]
    if rec is not None:
        st.session_state["trained_model"] = rec
        st.caption(tr("train_live.trained_model_note", step=rec["steps"]))
        data = model_file(rec, (id(rec["model"]), rec["steps"]))
        size, cap = byo.size_text(len(data)), sh.UPLOAD_MB
        st.download_button(tr("byo.download"), data, file_name=byo.char_model_file_name(rec), mime="application/octet-stream",
                           key="tl_model_pt", on_click="ignore", icon=":material/download:",
                           help=tr("byo.download_help", size=size))
        if len(data) > cap * 1024 * 1024:
            st.caption(tr("byo.download_too_big", size=size, mb=cap))
    if rec is None or rec["task"] != run_task:
        rec = reference_model(run_task)
        st.caption(tr("train_live.reference_caption", cell=rec["cell"], H=rec["hidden_size"], steps=rec["steps"]))

    if run_task == "lm":
        st.subheader(tr("train_live.samples"))
        tau = st.session_state.get("tl_temperature", D.temperature)
        text_out = sample(rec, (id(rec["model"]), rec["steps"]), float(tau), int(rec["config"]["seed"]))
        st.code(text_out, language=None, wrap_lines=True)
        st.caption(tr("train_live.samples_caption", step=rec["steps"], tau=f"{tau:g}"))
    else:
        st.subheader(tr("train_live.name_section"))
        name = st.session_state.get("tl_name", D.name)
        try:
            probs = train.name_char_probs(rec["model"], name)
        except ValueError as exc:  # a bad typed name: say why, keep the live charts running
            sh.show_error(exc)
            return
        top = lab.top_classes(probs, rec["classes"])
        st.markdown(tr("train_live.top3", top=" · ".join(f"{html.escape(plots.language_label(c, lang))} {100 * p:.0f}%"
                                                        for c, p in top)))
        sh.chart(plots.name_probs_figure(probs, name.strip(), rec["classes"], lang), width="stretch", theme=None,
                        key="tl_fig_name")
        st.subheader(tr("train_live.confusion_section"))
        sh.chart(plots.confusion_figure(v.confusion, v.classes or rec["classes"], lang), width="stretch",
                        theme=None, key="tl_fig_conf")


live()
sh.explain("train_live.what", lab.LATEX)
