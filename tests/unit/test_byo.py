"""Bring your own model: uploaded state_dicts go through the one safe loader; a malicious pickle is
refused and nothing in it runs; truncated, oversized, non-torch and wrong-shape files give a clear
error naming the problem; a layer of a stacked module traces equal to torch's per-layer output."""
from __future__ import annotations

import io
import os
import pickle

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import byo
from rnnviz.checkpoint import CheckpointError


def saved(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


@pytest.mark.parametrize("cls,layers", [(torch.nn.RNN, 1), (torch.nn.LSTM, 2), (torch.nn.GRU, 3)])
def test_good_upload_rebuilds_the_module(cls, layers):
    torch.manual_seed(0)
    m = cls(5, 6, num_layers=layers)
    got = byo.load_module(saved(m.state_dict()), name="mine.pt", input_size=5)
    assert type(got) is cls and got.num_layers == layers and got.hidden_size == 6
    x = torch.randn(9, 5)
    np.testing.assert_allclose(got(x.double())[0].detach().numpy(), m(x)[0].detach().numpy(), atol=1e-6)


class Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):  # unpickling this would write the marker file
        return (open, (self.path, "w"))


def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    blob = saved({"weight_ih_l0": torch.zeros(4, 2), "evil": Payload(str(marker))})
    plain = pickle.dumps(Payload(str(marker)))
    assert not marker.exists()
    for data in (blob, plain):
        with pytest.raises(CheckpointError) as e:
            byo.load_module(data, name="evil.pt")
        assert "evil.pt" in str(e.value)
    assert not marker.exists()


def test_a_refused_file_is_said_plainly_never_with_torch_s_advice_to_load_it_unsafely(tmp_path):
    """A malicious torch file, a bare pickle and a pickle of a function: torch's own message (its first line was
    shown) advises re-running torch.load with weights_only=False, i.e. running the file's code, and carries
    terminal escape codes. (Fixed inputs: random bytes fail in torch in more than one way.)"""
    evil = saved({"weight_ih_l0": torch.zeros(4, 2), "evil": Payload(str(tmp_path / "pwned"))})
    for data in (evil, pickle.dumps(Payload(str(tmp_path / "pwned"))), pickle.dumps(print)):
        with pytest.raises(CheckpointError) as e:
            byo.load_upload(data, name="m.pt")
        msg = str(e.value)
        assert msg.startswith("m.pt: not a readable PyTorch checkpoint") and "tensors" in msg, msg
        assert "weights_only" not in msg and "\x1b" not in msg and "trust" not in msg, msg


def test_truncated_oversized_non_torch_and_wrong_shape_files():
    good = saved(torch.nn.LSTM(3, 4).state_dict())
    for data, what in [(good[: len(good) // 2], "truncated"), (b"hello, not a model", "text"),
                       (b"\x89PNG\r\n\x1a\n" + os.urandom(200), "png")]:
        with pytest.raises(CheckpointError, match="x.pt"):
            byo.load_module(data, name="x.pt")
    with pytest.raises(CheckpointError, match="limit"):
        byo.load_module(good, name="x.pt", max_bytes=100)
    with pytest.raises(CheckpointError, match="input size 3, not 8"):
        byo.load_module(good, name="x.pt", input_size=8)
    with pytest.raises(CheckpointError, match="an LSTM, not an GRU"):
        byo.load_module(good, name="x.pt", kind="GRU")
    sd = torch.nn.LSTM(3, 4).state_dict()
    sd["weight_hh_l0"] = torch.zeros(16, 5)
    with pytest.raises(CheckpointError, match="weight_hh_l0"):
        byo.load_module(saved(sd), name="x.pt")
    sd = torch.nn.GRU(3, 4).state_dict()
    sd["bias_hh_l0"] = torch.full((12,), float("nan"))
    with pytest.raises(CheckpointError, match="bias_hh_l0"):
        byo.load_module(saved(sd), name="x.pt")
    with pytest.raises(CheckpointError, match="unexpected key 'fc.weight'"):
        byo.load_module(saved({**torch.nn.RNN(3, 4).state_dict(), "fc.weight": torch.zeros(2, 4)}), name="x.pt")


@pytest.mark.parametrize("cls", [torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU])
def test_a_layer_of_a_stacked_module_traces_on_its_own_input(cls):
    torch.manual_seed(1)
    m = cls(4, 5, num_layers=3).double()
    x = torch.randn(12, 4, dtype=torch.float64)
    out_all = []
    h = x
    for k in range(3):  # torch's own per-layer outputs: run the stack with 1, 2, 3 layers
        sub = cls(4, 5, num_layers=k + 1).double()
        sub.load_state_dict({n: p for n, p in m.state_dict().items() if int(n.rsplit("_l", 1)[1]) <= k})
        out_all.append(sub(x)[0].detach())
    for k in range(3):
        tr = rnnviz.trace(m, x, layer=k)
        np.testing.assert_allclose(tr.h, out_all[k].numpy(), atol=1e-12)
        # BPTT through layer k (input fixed): the parameter gradients equal autograd's on torch's module
        inp = x if k == 0 else out_all[k - 1]
        one = byo.layer_module(m, k)
        hs, _ = one(inp)
        grads = torch.autograd.grad(hs[-1].sum(), [one.weight_hh_l0, one.weight_ih_l0])
        np.testing.assert_allclose(tr.param_grads["weight_hh_l0"], grads[0].numpy(), atol=1e-10)
        np.testing.assert_allclose(tr.param_grads["weight_ih_l0"], grads[1].numpy(), atol=1e-10)
    with pytest.raises(ValueError, match="layer 3 does not exist"):
        rnnviz.trace(m, x, layer=3)


def _trained_char_model(cell="LSTM", layers=2):
    from rnnviz import train as T

    cfg = T.TrainConfig(task="lm", cell=cell, hidden_size=8, layers=layers, bptt=8, batch_size=4, max_steps=3,
                        seed=0, probe_every=10**9, eval_every=10**9)
    trainer = T.Trainer(cfg)
    for _ in T.train_steps(trainer):
        pass
    return trainer.export()


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_train_live_model_round_trip_equals_the_original(cell):
    from rnnviz.labs import byo as lab

    rec = _trained_char_model(cell)
    data = byo.char_model_bytes(rec["model"], rec["vocab"], rec["classes"])
    up = byo.load_upload(data, name="m.pt")
    assert (up.kind, up.num_layers, up.vocab, up.classes) == (cell, 2, rec["vocab"], tuple(rec["vocab"]))
    text = "shall i compare thee"
    res = lab.gates_run(up, 1, "text", text=text)
    model = rec["model"].double()
    x = torch.tensor([[rec["vocab"].index(ch)] for ch in text])
    with torch.no_grad():
        logits, _ = model(x)  # (T, 1, V)
        out, _ = model.rnn(model.inputs(x))
    np.testing.assert_allclose(res.trace.h, out[:, 0].numpy(), atol=1e-12)
    np.testing.assert_allclose(res.probs, torch.softmax(logits[:, 0], -1).numpy(), atol=1e-12)
    assert lab.top_next(res)[0][0] == rec["vocab"][int(logits[-1, 0].argmax())]


def test_char_model_file_problems_are_named():
    rec = _trained_char_model("GRU", 1)
    sd = {k: v for k, v in rec["model"].state_dict().items()}
    with pytest.raises(CheckpointError, match="vocabulary"):
        byo.load_upload(saved(sd), name="m.pt")
    with pytest.raises(CheckpointError, match="weight_ih_l0 has shape"):  # vocab size != input size
        byo.load_upload(saved({**sd, "vocab": byo._codes(rec["vocab"][:-1])}), name="m.pt")
    with pytest.raises(CheckpointError, match="vocab holds a number"):
        byo.load_upload(saved({**sd, "vocab": torch.full((len(rec["vocab"]),), 0xD800, dtype=torch.int32)}),
                        name="m.pt")
    with pytest.raises(CheckpointError, match="readout.weight"):
        bad = {**sd, "readout.weight": torch.zeros(3, 8), "vocab": byo._codes(rec["vocab"])}
        byo.load_upload(saved(bad), name="m.pt")
    with pytest.raises(CheckpointError, match="unexpected key 'extra'"):
        byo.load_upload(saved({**sd, "vocab": byo._codes(rec["vocab"]), "extra": torch.zeros(1)}), name="m.pt")
