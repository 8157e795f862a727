"""AppTest: bring your own model in the vanishing and the gates lab. A good upload is used and
named on screen, and what is drawn equals torch (forward values, autograd's dL/dh_t); a wrong-shape,
truncated, non-torch, oversized or malicious file gives an error naming the problem and the session
keeps working (the model in use stays); nothing in a malicious pickle runs; "back" restores the
lab's own models; a model trained on the train-live page round-trips into the gates lab."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from rnnviz import streamlit_helpers as sh
from rnnviz.plots.gates import show_char
from tests.pages.plotly_data import decode, figures, trace_by_name
from tests.unit.torch_unroll import cell_step

PAGES = Path(__file__).resolve().parents[2] / "app_pages"
LABS = {"vanishing": ("vg", "vanishing.py"), "gates": ("gt", "gates.py")}


def saved(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


class Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):  # unpickling this would create the marker file
        return (open, (self.path, "w"))


def lstm2() -> torch.nn.LSTM:
    torch.manual_seed(7)
    return torch.nn.LSTM(5, 6, num_layers=2)


def open_lab(lab: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / LABS[lab][1]), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, lab: str, name: str, data: bytes) -> AppTest:
    prefix = LABS[lab][0]
    at.file_uploader(key=f"{prefix}_byo_file").upload(name, data, "application/octet-stream").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption])


def torch_layer(module, x: np.ndarray, layer: int):
    """Reference: torch's cell equations unrolled step by step (float64), layers run in turn; returns the
    ``(T, H)`` hidden and cell states of ``layer`` and autograd's total dL/dh_t for ``L = sum(h_T)``."""
    kind = type(module).__name__
    H = module.hidden_size
    inp = torch.as_tensor(x, dtype=torch.float64)
    for k in range(layer + 1):
        w = [getattr(module, f"{n}_l{k}").detach().double() for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        h = torch.zeros(1, H, dtype=torch.float64, requires_grad=True)  # a leaf: every h_t is a graph node
        c = torch.zeros(1, H, dtype=torch.float64)
        hs, cs = [], []
        for t in range(inp.shape[0]):
            h, c_new = cell_step(kind, inp[t:t + 1], h, c, *w)
            c = c_new if c_new is not None else c
            h.retain_grad()
            hs.append(h)
            cs.append(c)
        if k < layer:
            inp = torch.cat(hs).detach()
    hs[-1].sum().backward()
    return (torch.cat(hs).detach().numpy(), torch.cat(cs).detach().numpy(),
            np.array([float(h.grad.norm()) for h in hs]))


@pytest.mark.parametrize("lab", ["vanishing", "gates"])
def test_good_upload_is_used_and_named_and_back_restores_the_shipped_models(lab):
    at = upload(open_lab(lab), lab, "mine.pt", saved(lstm2().state_dict()))
    assert errors(at) == []
    shown = texts(at)
    assert "mine.pt" in shown and "nn.LSTM" in shown and "2 layer" in shown and "input size 5" in shown
    at.run()  # a rerun keeps the model
    assert "mine.pt" in texts(at) and errors(at) == []
    prefix = LABS[lab][0]
    at.button(key=f"{prefix}_byo_back").click().run()
    assert not at.exception and errors(at) == []
    assert "mine.pt" not in texts(at)


def test_vanishing_draws_torch_autograd_gradients_of_the_chosen_layer():
    m = lstm2()
    data = saved(m.state_dict())
    at = upload(open_lab("vanishing"), "vanishing", "mine.pt", data)
    at.slider(key="vg_T").set_value(30).run()
    T = 30
    x = np.random.default_rng(0).standard_normal((T, 5))  # the page's random input, seed 0, scale 1
    for layer in (1, 0):  # the last layer is chosen first
        if layer == 0:
            at.selectbox(key="vg_byo_layer_" + hashlib.sha1(data).hexdigest()[:8]).set_value(0).run()
        assert not at.exception and errors(at) == []
        y = decode(trace_by_name(figures(at)[0], "LSTM")["y"])
        _, _, grad_norm = torch_layer(m, x, layer)
        np.testing.assert_allclose(y, grad_norm, rtol=1e-9)


def test_gates_draws_torch_forward_values():
    m = lstm2()
    at = upload(open_lab("gates"), "gates", "mine.pt", saved(m.state_dict()))
    assert errors(at) == []
    x = np.random.default_rng(0).standard_normal((50, 5))  # random input, T = 50, seed 0
    h, c, _ = torch_layer(m, x, 1)
    fig = figures(at)[0]
    heat = {tr["name"]: decode(tr["z"]) for tr in fig["data"] if tr["type"] == "heatmap"}
    assert list(heat) == ["i", "f", "g", "o", "c", "h"]
    np.testing.assert_allclose(heat["h"].T, h, atol=1e-12)
    np.testing.assert_allclose(heat["c"].T, c, atol=1e-12)
    with torch.no_grad():  # torch's fused module gives the same last-layer output
        np.testing.assert_allclose(heat["h"].T, m.double()(torch.from_numpy(x))[0].numpy(), atol=1e-12)


def test_gates_vanilla_rnn_with_one_layer():
    torch.manual_seed(3)
    m = torch.nn.RNN(4, 3)
    at = upload(open_lab("gates"), "gates", "rnn.pt", saved(m.state_dict()))
    assert errors(at) == []
    heat = {tr["name"]: decode(tr["z"]) for tr in figures(at)[0]["data"] if tr["type"] == "heatmap"}
    x = np.random.default_rng(0).standard_normal((50, 4))
    with torch.no_grad():
        np.testing.assert_allclose(heat["h"].T, m.double()(torch.from_numpy(x))[0].numpy(), atol=1e-12)


def bad_files(tmp_path) -> list[tuple[str, bytes, str]]:
    good = saved(lstm2().state_dict())
    sd = lstm2().state_dict()
    sd["weight_hh_l1"] = torch.zeros(24, 7)
    evil = saved({"weight_ih_l0": torch.zeros(4, 2), "evil": Payload(str(tmp_path / "pwned"))})
    return [
        ("shape.pt", saved(sd), "weight_hh_l1"),
        ("cut.pt", good[: len(good) // 2], "not a readable PyTorch checkpoint"),
        ("notes.pt", b"just some text, not a model", "not a readable PyTorch checkpoint"),
        ("big.pt", good + b"\0" * (sh.UPLOAD_MB * 1024 * 1024), f"the limit is {sh.UPLOAD_MB * 1024 * 1024 / 1e6:.1f} MB"),
        ("evil.pt", evil, "not a readable PyTorch checkpoint"),
    ]


@pytest.mark.parametrize("lab", ["vanishing", "gates"])
def test_bad_files_give_a_clear_error_and_the_session_keeps_working(lab, tmp_path):
    at = open_lab(lab)
    for name, data, problem in bad_files(tmp_path):  # before any model: the lab's own models stay
        upload(at, lab, name, data)
        errs = errors(at)
        assert any(name in e and problem in e for e in errs), (name, errs)
        assert all(e.startswith("Cannot use this file: ") for e in errs), errs  # not "Cannot show this setting"
        assert "nn.LSTM" not in texts(at) and figures(at)
    assert not (tmp_path / "pwned").exists()  # nothing in the malicious pickle ran
    upload(at, lab, "mine.pt", saved(lstm2().state_dict()))
    assert errors(at) == [] and "mine.pt" in texts(at)
    for name, data, problem in bad_files(tmp_path):  # with a model in use: it stays in use
        upload(at, lab, name, data)
        assert any(problem in e for e in errors(at)), name
        assert "mine.pt" in texts(at) and figures(at)
    assert not (tmp_path / "pwned").exists()


def test_train_live_model_round_trips_into_the_gates_lab():
    """Train a few steps, take the bytes the train-live page offers, upload them into the gates lab with
    typed text: the heatmap's h and the read-out's next-character probabilities equal the original model's."""
    from rnnviz import byo
    from rnnviz import train as T

    cfg = T.TrainConfig(task="lm", cell="GRU", hidden_size=16, layers=2, bptt=16, batch_size=8, max_steps=5,
                        seed=0, probe_every=10**9, eval_every=10**9)
    trainer = T.Trainer(cfg)
    for _ in T.train_steps(trainer):
        pass
    rec = trainer.export()
    data = byo.char_model_bytes(rec["model"], rec["vocab"], rec["classes"])
    at = upload(open_lab("gates"), "gates", byo.char_model_file_name(rec), data)
    assert errors(at) == []
    text = "to be or not to be"
    at.text_area(key="gt_byo_text").set_value(text).run()
    assert not at.exception and errors(at) == []
    model = rec["model"].double()
    x = torch.tensor([[rec["vocab"].index(ch)] for ch in text])  # (T, 1)
    with torch.no_grad():
        out, _ = model.rnn(model.inputs(x))  # (T, 1, H)
        p = torch.softmax(model(x)[0][-1, 0], dim=-1).numpy()
    heat = {tr["name"]: decode(tr["z"]) for tr in figures(at)[0]["data"] if tr["type"] == "heatmap"}
    np.testing.assert_allclose(heat["h"].T, out[:, 0].numpy(), atol=1e-12)
    top = [(rec["vocab"][j], p[j]) for j in np.argsort(p)[::-1][:5]]
    line = next(m.value for m in at.markdown if "read-out" in m.value)
    for ch, pj in top:
        assert f"`{show_char(ch)}` {pj:.2f}" in line
