"""Hostile checkpoints through the one loader (rnnviz.checkpoint): a pickle whose unpickling would run
code (write a marker file) is refused with CheckpointError and nothing runs; broken files raise the
same one error type naming the file. Also: no module loads weights another way."""
from __future__ import annotations

import io
import os
import pathlib
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from rnnviz import checkpoint as C
from rnnviz.models import build

ROOT = Path(__file__).resolve().parents[2]


class _WritesMarker:
    """Unpickling this calls ``Path.write_text(marker, "ran")``: code from the file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.write_text, (pathlib.Path(self.marker), "ran"))


class _RunsShell:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"echo ran > {self.marker}",))


def _torch_saved(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


@pytest.fixture
def lstm():
    return build("LSTM", 3, 4, dtype=torch.float32)


def _payloads(marker: Path, lstm) -> dict[str, bytes]:
    good = lstm.state_dict()
    return {
        "raw_pickle_write.pt": pickle.dumps(_WritesMarker(marker), protocol=2),
        "raw_pickle_shell.pt": pickle.dumps(_RunsShell(marker)),
        "torch_zip_write.pt": _torch_saved(_WritesMarker(marker)),
        "torch_zip_in_state_dict.pt": _torch_saved({**good, "bias_ih_l0": _WritesMarker(marker)}),
        "torch_zip_shell.pt": _torch_saved({"x": _RunsShell(marker)}),
    }


def test_pickled_code_is_refused_and_never_runs(tmp_path, lstm):
    marker = tmp_path / "marker.txt"
    # the payloads are real: plain pickle.loads runs them (in a child process, to keep this one clean)
    probe = tmp_path / "probe.txt"
    code = f"import pickle,sys; pickle.loads(open(sys.argv[1],'rb').read())"
    payload = tmp_path / "p.pkl"
    payload.write_bytes(pickle.dumps(_RunsShell(probe)))
    subprocess.run([sys.executable, "-c", code, str(payload)], check=True, cwd=ROOT)
    assert probe.exists(), "the payload must be able to write the marker when unpickled unsafely"
    before = {k: v.clone() for k, v in lstm.state_dict().items()}
    for name, data in _payloads(marker, lstm).items():
        path = tmp_path / name
        path.write_bytes(data)
        for source in (path, data, io.BytesIO(data)):
            with pytest.raises(C.CheckpointError) as info:
                C.load_checkpoint(source, lstm, name=name)
            assert str(info.value).startswith(f"{name}: "), info.value
            assert not marker.exists(), f"{name}: code from the file ran"
        with pytest.raises(C.CheckpointError):
            C.read_checkpoint(path)
        assert not marker.exists()
    for k, v in lstm.state_dict().items():
        assert torch.equal(v, before[k])


@pytest.mark.parametrize("make,words", [
    (lambda good: _torch_saved(good)[:200], "readable"),  # truncated
    (lambda good: b"PK\x03\x04" + b"\x00" * 64, "readable"),  # a broken zip
    (lambda good: b"\x80\x02}q\x00.", "readable"),  # a pickle, not torch's format... or an empty dict
    (lambda good: "<html>not torch</html>".encode(), "readable"),
    (lambda good: _torch_saved({"weight": torch.zeros(2)}), "missing"),  # wrong keys
    (lambda good: _torch_saved({k.upper(): v for k, v in good.items()}), "missing"),
    (lambda good: _torch_saved(torch.zeros(3)), "not a state_dict"),
])
def test_bad_files_raise_one_error_type_naming_the_file(tmp_path, lstm, make, words):
    data = make(lstm.state_dict())
    p = tmp_path / "evil [x](http:__203.0.113.7).pt"  # a file name is user text too
    p.write_bytes(data)
    with pytest.raises(C.CheckpointError) as info:
        C.load_checkpoint(p, lstm)
    msg = str(info.value)
    assert msg.startswith(p.name + ": ")
    assert re.search(words, msg) or "not a state_dict" in msg or "missing" in msg, msg
    assert not isinstance(info.value, (pickle.UnpicklingError, EOFError, KeyError)) and isinstance(info.value, ValueError)


def test_no_module_loads_weights_around_the_loader():
    offenders = []
    for path in list((ROOT / "rnnviz").rglob("*.py")) + list((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]:
        if path.name == "checkpoint.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\btorch\.load\(|\bpickle\.loads?\(|weights_only\s*=\s*False", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
