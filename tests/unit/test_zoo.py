"""The one safe loader (rnnviz.checkpoint) and the registry of shipped weights (rnnviz.zoo)."""
from __future__ import annotations

import io
import math
import pickle

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import checkpoint as C
from rnnviz import zoo
from rnnviz.models import build


def _saved(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


@pytest.fixture()
def lstm():
    return build("LSTM", 3, 4, seed=2, dtype=torch.float32)


def _params(m):
    return {k: v.clone() for k, v in m.state_dict().items()}


# ---------------------------------------------------------------- the loader
def test_loads_path_bytes_and_file_objects(tmp_path, lstm):
    src = build("LSTM", 3, 4, seed=1, dtype=torch.float32)
    data = _saved(src.state_dict())
    p = tmp_path / "good.pt"
    p.write_bytes(data)
    for source in (p, str(p), data, io.BytesIO(data)):
        m = build("LSTM", 3, 4, seed=2, dtype=torch.float32)
        assert rnnviz.load_checkpoint(source, m) is m
        assert torch.equal(m.weight_hh_l0, src.weight_hh_l0)
    # float64 weights into a float32 module are cast, as load_state_dict does
    m = build("LSTM", 3, 4, seed=2, dtype=torch.float32)
    C.load_checkpoint(_saved(build("LSTM", 3, 4, seed=1).state_dict()), m)
    assert m.weight_hh_l0.dtype == torch.float32


def test_error_is_one_type_and_names_the_file(tmp_path, lstm):
    assert issubclass(C.CheckpointError, ValueError) and rnnviz.CheckpointError is C.CheckpointError
    good = lstm.state_dict()
    bad_shape = dict(good, weight_hh_l0=torch.zeros(16, 5))
    nan = dict(good, bias_ih_l0=torch.full((16,), float("nan")))
    inf = dict(good, bias_ih_l0=torch.full((16,), float("inf")))
    as_int = dict(good, bias_ih_l0=torch.zeros(16, dtype=torch.int64))
    missing = {k: v for k, v in good.items() if k != "bias_hh_l0"}
    extra = dict(good, surprise=torch.zeros(1))
    not_tensor = dict(good, bias_hh_l0=[0.0] * 16)
    full = _saved(good)
    cases = {
        "garbage.pt": (b"not a checkpoint at all", "readable"),
        "truncated.pt": (full[: len(full) // 2], "readable"),
        "empty.pt": (b"", "empty"),
        "pickled_code.pt": (pickle.dumps(np.float64), "readable"),  # weights_only refuses globals
        "list.pt": (_saved([1, 2, 3]), "not a state_dict"),
        "shape.pt": (_saved(bad_shape), "shape"),
        "nan.pt": (_saved(nan), "non-finite"),
        "inf.pt": (_saved(inf), "non-finite"),
        "dtype.pt": (_saved(as_int), "dtype"),
        "missing.pt": (_saved(missing), "missing"),
        "extra.pt": (_saved(extra), "unexpected"),
        "not_tensor.pt": (_saved(not_tensor), "not a tensor"),
        "gru.pt": (_saved(build("GRU", 3, 4).state_dict()), "shape"),
    }
    before = _params(lstm)
    for fname, (data, words) in cases.items():
        p = tmp_path / fname
        p.write_bytes(data)
        for source, kw in ((p, {}), (data, {"name": fname})):
            with pytest.raises(C.CheckpointError, match=words) as info:
                C.load_checkpoint(source, lstm, **kw)
            assert str(info.value).startswith(f"{fname}: ") and info.value.file == fname
    for k, v in _params(lstm).items():  # never changed by a failed load
        assert torch.equal(v, before[k])


def test_size_cap_is_checked_before_reading(tmp_path, lstm):
    data = _saved(lstm.state_dict())
    p = tmp_path / "big.pt"
    p.write_bytes(data)
    for source in (p, data, io.BytesIO(data)):
        with pytest.raises(C.CheckpointError, match="limit"):
            C.load_checkpoint(source, lstm, max_bytes=100)


def test_missing_file_and_directory(tmp_path, lstm):
    with pytest.raises(C.CheckpointNotFound) as info:
        C.load_checkpoint(tmp_path / "nope.pt", lstm)
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, ValueError)
    assert "nope.pt" in str(info.value)
    with pytest.raises(C.CheckpointError, match="cannot read"):
        C.load_checkpoint(tmp_path, lstm)
    with pytest.raises(C.CheckpointError, match="cannot read a checkpoint from a int"):
        C.load_checkpoint(3, lstm)


def test_read_checkpoint_gives_the_tensors(lstm):
    state = rnnviz.read_checkpoint(_saved(lstm.state_dict()))
    assert set(state) == set(lstm.state_dict())
    with pytest.raises(C.CheckpointError, match="key 3"):
        C.read_checkpoint(_saved({3: torch.zeros(1)}))


# ---------------------------------------------------------------- the registry
def test_registry_lists_every_shipped_file():
    shipped = {p.name for p in zoo.WEIGHTS_DIR.glob("*.pt")}
    assert shipped == set(zoo.BY_FILE)
    assert len(zoo.BY_FILE) == len(zoo.REGISTRY)
    for w in zoo.REGISTRY:
        assert w.path.stat().st_size < zoo.MAX_SHIPPED_BYTES
        assert (zoo.WEIGHTS_DIR.parent.parent / w.script).exists()
        assert w.cell in ("RNN", "LSTM", "GRU") and w.metrics
    with pytest.raises(KeyError, match="known"):
        zoo.entry("nope.pt")


@pytest.mark.parametrize("file", sorted(zoo.BY_FILE))
def test_registry_sizes_match_the_loaded_model(file):
    w = zoo.entry(file)
    sd = zoo.load(file).state_dict()
    ih = next(k for k in sd if "weight_ih" in k)
    hh = next(k for k in sd if "weight_hh" in k)
    out = [k for k in sd if k.endswith("weight")][-1]
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[w.cell]
    assert tuple(sd[hh].shape) == (gates * w.hidden_size, w.hidden_size)
    assert tuple(sd[ih].shape) == (gates * w.hidden_size, w.input_size)
    assert sd[out].shape[0] == w.output_size
    assert sum(1 for k in sd if "weight_hh_l" in k and not k.endswith("reverse")) == w.layers


def test_registry_figures_are_measured_on_the_shipped_files():
    from rnnviz import gates as G
    from rnnviz import seq2seq as S
    from rnnviz import stepthrough as ST
    from rnnviz import train as T
    from rnnviz.data import names as N

    tol = 5e-4  # the figures are rounded to 4 digits
    for w in zoo.REGISTRY:
        if w.page == "stepthrough":
            got = {"accuracy": ST.next_letter_accuracy(ST.load_trained(w.hidden_size))}
        elif w.page == "gates":
            m = G.load(w.task, w.cell)
            if w.task == "lm":
                acc, bits = G.lm_accuracy(m)
                got = {"accuracy": acc, "bits_per_char": bits}
            else:
                got = {"accuracy": G.evaluate(m, w.task)}
        elif w.page == "attention":
            if w.task != "dates_none":
                continue  # the three attention models: tests/unit/test_seq2seq.py (same held-out set)
            got = {"exact_match": S.evaluate(S.load_shipped("none"), S.heldout(2000))["accuracy"]}
        elif w.task == "names":
            _, test = N.split(seed=0)
            got = {"accuracy": T.names_eval(T.load_pretrained("names")["model"], test, len(N.LANGUAGES))["accuracy"]}
        else:
            val = T.Trainer(T.PRETRAINED["lm"][1]).val_data
            got = {"perplexity": T.lm_eval(T.load_pretrained("lm")["model"], val)["ppl"]}
        for name, value in w.metrics:
            assert got[name] == pytest.approx(value, abs=tol), (w.file, name, got[name])
    assert all(math.isfinite(v) for w in zoo.REGISTRY for _, v in w.metrics)


def test_table_rows_are_plain_values():
    rows = zoo.table()
    assert len(rows) == len(zoo.REGISTRY)
    assert rows[0]["file"] == zoo.REGISTRY[0].file and "accuracy" in rows[0]


def test_display_table_in_both_languages():
    for lang in ("en", "zh"):
        table = zoo.display_table(lang)
        assert len(table) == 10 and all(len(v) == len(zoo.REGISTRY) for v in table.values())
    en, zh = zoo.display_table("en"), zoo.display_table("zh")
    assert list(en)[0] == "Lab" and list(zh)[0] == "实验"
    figures = dict(zip(en["File"], en["Measured"]))
    assert figures["attn_general.pt"] == "exact match 99.95%"  # not rounded up to 100
    assert figures["gates_lm_lstm.pt"] == "2.56 bits/char, accuracy 46.32%"
    assert figures["sonnets_lstm.pt"] == "perplexity 6.78"


def test_figures_never_round_to_a_perfect_or_null_score():
    """The start page's accuracies go through rnnviz.text.percent: 0.99999 is not '100', 0.00001 not '0'."""
    from rnnviz.i18n import t
    from rnnviz.text import percent

    for lang in ("en", "zh"):
        tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
        for name in ("accuracy", "exact_match"):
            assert percent(0.99999, 2) in zoo._figure(name, 0.99999, tr)
            assert "100" not in zoo._figure(name, 0.99999, tr)
            assert zoo._figure(name, 0.99999, tr) != zoo._figure(name, 1.0, tr)
            assert zoo._figure(name, 0.00001, tr) != zoo._figure(name, 0.0, tr)
            assert zoo._figure(name, 1.0, tr).endswith("100.00%")
