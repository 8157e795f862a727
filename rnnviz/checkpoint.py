r"""The one loader of weights: every shipped or uploaded checkpoint goes through :func:`load_checkpoint`.

A checkpoint is a plain ``state_dict`` (``{name: tensor}``) saved with ``torch.save``. Loading it is
safe against a hostile or broken file:

1. **size cap** (``max_bytes``, checked before anything is read into memory);
2. ``torch.load(..., weights_only=True, map_location="cpu")``: the unpickler builds only tensors and
   plain containers, never runs code from the file;
3. **structure**: a dict of dense tensors with exactly the keys of the expected module;
4. **shapes** equal to the module's, **dtypes** compatible (a floating tensor where the module has a
   floating one, the exact dtype otherwise; float32/float64 are cast on load as ``load_state_dict``
   does), **values** finite;
5. the module's parameters change only when every check passed.

Every failure raises one exception type, :class:`CheckpointError` (a ``ValueError``), whose message
names the file and the problem; the original exception (``UnpicklingError``, ``EOFError``,
``OSError``, ``RuntimeError`` of a truncated zip, ...) is kept as ``__cause__``. A file that does not
exist raises :class:`CheckpointNotFound`, which is both a ``CheckpointError`` and a
``FileNotFoundError`` (pages that train a model on first use catch the latter).

Example (an uploaded file in a page)::

    model = rnnviz.models.build("LSTM", 8, 16, dtype=torch.float32)
    try:
        rnnviz.load_checkpoint(uploaded.getvalue(), model, name=uploaded.name)
    except rnnviz.CheckpointError as exc:
        show_error(str(exc))   # e.g. "my.pt: weight_hh_l0 has shape (48, 12), expected (64, 16)"
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import torch
from torch import nn

MAX_CHECKPOINT_BYTES = 8 * 1024 * 1024
"""Default size cap: twice the largest shipped checkpoint would be ~1 MB; uploads of models with a
few hundred thousand float32 parameters fit comfortably in 8 MB."""

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]
"""A path, the bytes of a file, or a binary file object (e.g. a Streamlit ``UploadedFile``)."""


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded: ``file`` (its name) and ``problem`` (what is wrong).

    ``str(err)`` is ``"<file>: <problem>"``, a sentence meant for the user.
    """

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class CheckpointNotFound(CheckpointError, FileNotFoundError):
    """The checkpoint file does not exist (also a ``FileNotFoundError``)."""


def _name_of(source: Source, name: str | None) -> str:
    if name is not None:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return str(getattr(source, "name", None) or "checkpoint")


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.1f} GB"


def _read_bytes(source: Source, file: str, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes`` of them (``CheckpointError`` beyond)."""
    too_big = f"the file is {{}}; the limit is {_mb(max_bytes)}"
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise CheckpointError(file, too_big.format(_mb(size)))
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CheckpointNotFound(file, "no such file") from exc
        except OSError as exc:
            raise CheckpointError(file, f"cannot read the file ({type(exc).__name__}: {exc.strerror or exc})") from exc
    elif hasattr(source, "read"):
        try:
            if hasattr(source, "seek"):
                source.seek(0)
            data = source.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise CheckpointError(file, f"cannot read the file ({type(exc).__name__}: {exc})") from exc
        if not isinstance(data, (bytes, bytearray)):
            raise CheckpointError(file, "the file object did not return bytes (open it in binary mode)")
    else:
        raise CheckpointError(file, f"cannot read a checkpoint from a {type(source).__name__}")
    if len(data) > max_bytes:  # a file object was read up to max_bytes + 1: its size is only known to be larger
        raise CheckpointError(file, too_big.format(f"over {_mb(max_bytes)}" if hasattr(source, "read") else _mb(len(data))))
    if not data:
        raise CheckpointError(file, "the file is empty")
    return bytes(data)


def read_checkpoint(source: Source, *, max_bytes: int = MAX_CHECKPOINT_BYTES, name: str | None = None) -> dict:
    """Read a checkpoint without a model: size cap, ``weights_only=True``, a dict of finite dense tensors.

    Use it to look at an uploaded file's keys and shapes before choosing the module to build;
    then :func:`check_state_dict` / :func:`load_checkpoint` compare it with that module.

    Returns: ``{name: tensor}`` (CPU tensors). Raises :class:`CheckpointError` naming the file.
    """
    file = _name_of(source, name)
    data = _read_bytes(source, file, max_bytes)
    try:
        with warnings.catch_warnings():  # e.g. "pickle protocol 4": the outcome is reported below either way
            warnings.simplefilter("ignore")
            state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - UnpicklingError, EOFError, RuntimeError (bad zip), KeyError, ...
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        if detail.startswith("Weights only load failed"):
            # torch's own text goes on to advise loading with weights_only=False (which runs the file's code),
            # with terminal escape codes: not for a student; say what the safe loader refused instead
            raise CheckpointError(file, "not a readable PyTorch checkpoint: not a file saved by torch.save, or it "
                                        "holds Python objects besides tensors, which are never loaded here") from exc
        raise CheckpointError(file, f"not a readable PyTorch checkpoint ({type(exc).__name__}"
                                    f"{': ' + detail if detail else ''})") from exc
    if not isinstance(state, dict):
        raise CheckpointError(file, f"the file holds a {type(state).__name__}, not a state_dict (a dict of tensors)")
    for k, v in state.items():
        if not isinstance(k, str):
            raise CheckpointError(file, f"the state_dict has a key {k!r} that is not a string")
        if not isinstance(v, torch.Tensor):
            raise CheckpointError(file, f"{k} is a {type(v).__name__}, not a tensor")
        if v.layout != torch.strided or v.is_quantized:
            raise CheckpointError(file, f"{k} is not a dense tensor ({v.layout})")
        if (v.is_floating_point() or v.is_complex()) and v.numel() and not bool(torch.isfinite(v).all()):
            bad = int((~torch.isfinite(v)).sum())
            raise CheckpointError(file, f"{k} has {bad} non-finite value{'s' if bad != 1 else ''} (inf or nan)")
    return state


def check_state_dict(module: nn.Module, state, *, name: str = "checkpoint") -> None:
    """:class:`CheckpointError` unless ``state`` fits ``module``: same keys, shapes, compatible dtypes.

    Floating tensors may be any floating dtype (``load_state_dict`` casts them to the module's);
    integer and bool buffers must have the module's dtype exactly.
    """
    if not isinstance(state, dict):
        raise CheckpointError(name, "the file does not contain a state_dict (a dict of tensors)")
    own = module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        raise CheckpointError(name, f"weights do not fit the model: missing {missing}, unexpected {unexpected}")
    for k, v in state.items():
        want = own[k]
        if not isinstance(v, torch.Tensor) or v.shape != want.shape:
            shape = tuple(v.shape) if isinstance(v, torch.Tensor) else type(v).__name__
            raise CheckpointError(name, f"weights do not fit the model: {k} has shape {shape}, expected {tuple(want.shape)}")
        ok = v.is_floating_point() if want.is_floating_point() else v.dtype == want.dtype
        if not ok:
            raise CheckpointError(name, f"weights do not fit the model: {k} has dtype {v.dtype}, expected {want.dtype}")


def load_checkpoint(source: Source, module: nn.Module, *, max_bytes: int = MAX_CHECKPOINT_BYTES,
                    name: str | None = None) -> nn.Module:
    """Load a checkpoint into ``module`` (in place) after every check; return the module.

    Args:
        source: a path, bytes, or a binary file object.
        module: the module the weights must fit (its ``state_dict()`` gives the expected keys,
            shapes and dtypes).
        max_bytes: size cap, checked before reading.
        name: the file name used in messages (default: the path's name or ``source.name``).

    Raises:
        CheckpointNotFound: the path does not exist (also a ``FileNotFoundError``).
        CheckpointError: too large, unreadable, not a state_dict, wrong keys, shapes or dtypes,
            non-finite values. ``module`` is unchanged then.
    """
    file = _name_of(source, name)
    state = read_checkpoint(source, max_bytes=max_bytes, name=file)
    check_state_dict(module, state, name=file)
    module.load_state_dict(state)
    return module


def load_state(source: Source, expected: nn.Module, *, max_bytes: int = MAX_CHECKPOINT_BYTES,
               name: str | None = None) -> dict:
    """The checked ``state_dict`` itself (a fresh dict of tensors), for code that keeps weights as a dict.

    Same checks as :func:`load_checkpoint` against ``expected``; the tensors keep the file's dtypes.
    """
    file = _name_of(source, name)
    state = read_checkpoint(source, max_bytes=max_bytes, name=file)
    check_state_dict(expected, state, name=file)
    return dict(state)

