r"""Bring your own model: an uploaded ``state_dict`` of ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``, checked and
rebuilt, and one layer of a stacked module traced on its own input (pure: no Streamlit).

Every byte goes through the one safe loader, :func:`rnnviz.checkpoint.read_checkpoint` /
:func:`rnnviz.checkpoint.load_checkpoint` (size cap, ``torch.load`` with ``weights_only=True``, keys,
shapes, dtypes, finite values); what this module adds is reading the architecture off the keys::

    weight_ih_l{k}: (G*H, I_k)   weight_hh_l{k}: (G*H, H)   bias_ih_l{k}, bias_hh_l{k}: (G*H,)

with ``G = 1`` (RNN), ``3`` (GRU), ``4`` (LSTM), ``I_0 = input_size`` and ``I_k = H`` for ``k > 0``.

>>> import io, torch
>>> lstm = torch.nn.LSTM(5, 7, num_layers=2)
>>> buf = io.BytesIO(); torch.save(lstm.state_dict(), buf)
>>> m = load_module(buf.getvalue(), name="mine.pt")
>>> type(m).__name__, m.input_size, m.hidden_size, m.num_layers
('LSTM', 5, 7, 2)

Layer ``k`` of a stacked module sees the hidden sequence of layer ``k-1`` (no dropout at
inference): :func:`layer_input` computes it with torch, :func:`layer_module` copies layer ``k``'s
weights into a one-layer module, and ``rnnviz.trace(module, x, layer=k)`` traces that pair.
"""
from __future__ import annotations

import re

import torch
from torch import nn

from rnnviz.checkpoint import MAX_CHECKPOINT_BYTES, CheckpointError, load_checkpoint, read_checkpoint

__all__ = ["KINDS", "infer_architecture", "load_module", "layer_module", "layer_input", "char_model_bytes",
           "Upload", "load_upload"]

KINDS = {1: "RNN", 3: "GRU", 4: "LSTM"}  # gate blocks G -> kind
_KEY = re.compile(r"^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$")
MAX_LAYERS = 8
MAX_HIDDEN = 2048


def infer_architecture(state: dict, *, name: str = "checkpoint", kind: str | None = None,
                       input_size: int | None = None) -> dict:
    """``{"kind", "input_size", "hidden_size", "num_layers", "bias"}`` read off a state_dict's keys and shapes.

    ``kind`` / ``input_size``, when given (what the user said the model is), must agree with the
    file; every disagreement is a :class:`CheckpointError` naming the key.
    """
    bad = [k for k in state if not _KEY.match(k)]
    if bad:
        raise CheckpointError(name, f"unexpected key {bad[0]!r}: not a state_dict of nn.RNN, nn.LSTM or nn.GRU")
    if any(_KEY.match(k).group(4) for k in state):
        raise CheckpointError(name, "bidirectional modules (keys ending in _reverse) are not supported")
    if "weight_ih_l0" not in state:
        raise CheckpointError(name, "missing key 'weight_ih_l0'")
    w = state["weight_ih_l0"]
    if w.ndim != 2:
        raise CheckpointError(name, f"weight_ih_l0 has shape {tuple(w.shape)}, expected a matrix (G*H, input_size)")
    hh = state.get("weight_hh_l0")
    if hh is None or hh.ndim != 2 or hh.shape[0] % max(hh.shape[1], 1) or hh.shape[1] == 0:
        raise CheckpointError(name, "weight_hh_l0 must be a (G*H, H) matrix")
    H = hh.shape[1]
    G = hh.shape[0] // H
    if G not in KINDS:
        raise CheckpointError(name, f"weight_hh_l0 has {hh.shape[0]} rows = {G} x H: not 1 (RNN), 3 (GRU) or 4 (LSTM)")
    found = KINDS[G]
    if kind is not None and kind != found:
        raise CheckpointError(name, f"weight_hh_l0 has shape {tuple(hh.shape)}: an {found}, not an {kind}")
    I = w.shape[1]
    if input_size is not None and int(input_size) != I:
        raise CheckpointError(name, f"weight_ih_l0 has shape {tuple(w.shape)}: input size {I}, not {input_size}")
    L = 1 + max(int(_KEY.match(k).group(3)) for k in state)
    if L > MAX_LAYERS or H > MAX_HIDDEN:
        raise CheckpointError(name, f"{L} layers of {H} units is beyond this app (at most {MAX_LAYERS} x {MAX_HIDDEN})")
    return {"kind": found, "input_size": I, "hidden_size": H, "num_layers": L, "bias": "bias_ih_l0" in state}


def load_module(source, *, name: str | None = None, kind: str | None = None, input_size: int | None = None,
                max_bytes: int = MAX_CHECKPOINT_BYTES) -> nn.RNNBase:
    """An ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` rebuilt from an uploaded state_dict (float64, eval mode).

    ``source``: bytes, a path or a binary file. Raises :class:`CheckpointError` (a ``ValueError``) with
    the file's name and the problem for anything but a checked, finite state_dict of such a module.
    """
    label = name or "checkpoint"
    state = read_checkpoint(source, max_bytes=max_bytes, name=label)
    arch = infer_architecture(state, name=label, kind=kind, input_size=input_size)
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[arch["kind"]]
    module = cls(arch["input_size"], arch["hidden_size"], num_layers=arch["num_layers"], bias=arch["bias"])
    if hasattr(source, "seek"):
        source.seek(0)
    load_checkpoint(source, module, max_bytes=max_bytes, name=label)  # keys, shapes, dtypes, finite
    return module.double().eval()


def layer_module(module: nn.RNNBase, k: int) -> nn.RNNBase:
    """A one-layer module of the same kind holding layer ``k``'s weights (``*_l{k}`` -> ``*_l0``)."""
    L = module.num_layers
    if not 0 <= k < L:
        raise ValueError(f"layer {k} does not exist: the module has {L} layer(s) (0..{L - 1})")
    if module.bidirectional:
        raise ValueError("bidirectional modules are not supported")
    I = module.input_size if k == 0 else module.hidden_size
    kw = {"nonlinearity": module.nonlinearity} if isinstance(module, nn.RNN) else {}
    one = type(module)(I, module.hidden_size, num_layers=1, bias=module.bias, **kw)
    ref = next(module.parameters())
    one = one.to(dtype=ref.dtype)
    with torch.no_grad():
        for p in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if module.bias else ()):
            getattr(one, f"{p}_l0").copy_(getattr(module, f"{p}_l{k}"))
    return one.eval()


@torch.no_grad()
def layer_input(module: nn.RNNBase, x, k: int) -> torch.Tensor:
    """The ``(T, I_k)`` input of layer ``k``: ``x`` itself for ``k = 0``, else the hidden sequence of
    layer ``k-1`` (layers run one after the other, as ``module`` runs them without dropout)."""
    ref = next(module.parameters())
    h = torch.as_tensor(x, dtype=ref.dtype)
    if h.ndim == 1 and module.input_size == 1:
        h = h[:, None]
    for j in range(k):
        h, _ = layer_module(module, j)(h)
    return h


# ---------------------------------------------------------------- the train-live character model
VOCAB_KEY, CLASSES_KEY = "vocab", "classes"
"""Extra keys of a character-model file: the alphabet and the class names as Unicode code points."""
MAX_VOCAB = 4096


def _codes(text: str) -> torch.Tensor:
    return torch.tensor([ord(c) for c in text], dtype=torch.int32)


def _text_of(t: torch.Tensor, key: str, name: str) -> str:
    """The string whose code points are the 1-D integer tensor ``t`` (CheckpointError naming ``key``)."""
    if t.ndim != 1 or t.dtype not in (torch.int32, torch.int64):
        raise CheckpointError(name, f"{key} must be a 1-D int32 tensor of Unicode code points, got "
                                    f"{t.dtype} of shape {tuple(t.shape)}")
    cps = t.tolist()
    if any(not (0 < c <= 0x10FFFF) or 0xD800 <= c <= 0xDFFF for c in cps):
        raise CheckpointError(name, f"{key} holds a number that is not a Unicode character")
    return "".join(map(chr, cps))


def char_model_bytes(model: nn.Module, vocab: str, classes=()) -> bytes:
    r"""The file the train-live page offers for download: a plain ``state_dict`` that
    :func:`load_upload` reads back (float32 weights, no code; ``weights_only`` loads it).

    Keys: the model's own (``rnn.weight_ih_l{k}``, ..., ``readout.weight`` ``(C, H)``,
    ``readout.bias`` ``(C,)``, :class:`rnnviz.charmodel.CharRNN`), ``vocab`` ``(V,)`` int32 code points of the one-hot alphabet
    (character ``i`` <-> input ``i``), and ``classes``: the code points of the class names joined by
    newlines (the names task), empty for a language model (there ``C = V``, the classes are ``vocab``).
    """
    import io

    state = {k: v.detach().float().clone() for k, v in model.state_dict().items()}
    state[VOCAB_KEY] = _codes(vocab)
    state[CLASSES_KEY] = _codes("\n".join(classes))
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


class Upload:
    """A checked uploaded model, as the labs use it.

    Attributes:
        name: the file name; digest: SHA-1 of the bytes (a cache key).
        module: ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (float64, eval; ``num_layers`` layers).
        vocab: the one-hot alphabet (character model) or ``None`` (a plain module: no text input).
        classes: the read-out's labels (``vocab`` for a language model, the names task's classes).
        readout: the character model's read-out ``nn.Linear(H, C)`` (float64) or ``None``.
    """

    def __init__(self, name, digest, module, vocab=None, classes=(), readout=None):
        self.name, self.digest, self.module = name, digest, module
        self.vocab, self.classes, self.readout = vocab, tuple(classes), readout

    kind = property(lambda self: type(self.module).__name__)
    input_size = property(lambda self: self.module.input_size)
    hidden_size = property(lambda self: self.module.hidden_size)
    num_layers = property(lambda self: self.module.num_layers)


def load_upload(source, *, name: str = "checkpoint", max_bytes: int = MAX_CHECKPOINT_BYTES) -> Upload:
    """An uploaded file: a ``state_dict`` of ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (see :func:`load_module`)
    or of the train-live character model with its vocabulary (see :func:`char_model_bytes`).

    Every byte goes through :func:`rnnviz.checkpoint.read_checkpoint` once; the module is built from
    the shapes and filled only after :func:`rnnviz.checkpoint.check_state_dict` passed. Raises
    :class:`CheckpointError` naming the file and the offending key.
    """
    import hashlib

    from rnnviz.checkpoint import _read_bytes, check_state_dict

    data = _read_bytes(source, name, max_bytes)
    digest = hashlib.sha1(data).hexdigest()
    state = read_checkpoint(data, max_bytes=max_bytes, name=name)
    if VOCAB_KEY not in state:
        if any(k.startswith(("rnn.", "readout.")) for k in state):
            raise CheckpointError(name, "a character model's file must hold its vocabulary (key 'vocab'): "
                                        "download it from the train-live page")
        return Upload(name, digest, load_module(data, name=name, max_bytes=max_bytes))
    vocab = _text_of(state[VOCAB_KEY], VOCAB_KEY, name)
    classes_text = _text_of(state[CLASSES_KEY], CLASSES_KEY, name) if CLASSES_KEY in state else ""
    extra = sorted(k for k in state if k not in (VOCAB_KEY, CLASSES_KEY) and not k.startswith(("rnn.", "readout.")))
    if extra:
        raise CheckpointError(name, f"unexpected key {extra[0]!r} in a character model")
    if not vocab or len(set(vocab)) != len(vocab) or len(vocab) > MAX_VOCAB:
        raise CheckpointError(name, f"vocab must be 1 to {MAX_VOCAB} distinct characters")
    rnn_state = {k[4:]: v for k, v in state.items() if k.startswith("rnn.")}
    arch = infer_architecture(rnn_state, name=name, input_size=len(vocab))
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[arch["kind"]]
    module = cls(arch["input_size"], arch["hidden_size"], num_layers=arch["num_layers"], bias=arch["bias"])
    classes = tuple(classes_text.split("\n")) if classes_text else tuple(vocab)
    holder = nn.Module()  # the character model's layout: .rnn and .readout (errors name the file's keys)
    holder.rnn, holder.readout = module, nn.Linear(arch["hidden_size"], len(classes))
    weights = {k: v for k, v in state.items() if k not in (VOCAB_KEY, CLASSES_KEY)}
    check_state_dict(holder, weights, name=name)
    holder.load_state_dict(weights)
    return Upload(name, digest, module.double().eval(), vocab, classes, holder.readout.double().eval())


def char_model_file_name(rec: dict) -> str:
    """``rnnviz-<task>-<cell>-L<layers>-H<H>-step<n>.pt`` for a train-live model record."""
    return f"rnnviz-{rec['task']}-{rec['cell']}-L{rec['layers']}-H{rec['hidden_size']}-step{rec['steps']}.pt"


def size_text(n: int) -> str:
    """``n`` bytes as ``"412 kB"`` / ``"1.3 MB"`` (decimal units)."""
    return f"{n / 1e3:.0f} kB" if n < 1e6 else f"{n / 1e6:.1f} MB"
