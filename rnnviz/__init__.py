r"""rnnviz: recurrent neural networks, computed by hand and checked against PyTorch.

The public API (see README, "Use from Python")::

    import torch, rnnviz
    model = torch.nn.LSTM(input_size=8, hidden_size=16)
    tr = rnnviz.trace(model, torch.randn(50, 8))
    tr.h, tr.c, tr.gates, tr.grad_h, tr.grad_norm

Weights: ``rnnviz.load_checkpoint(path_or_bytes, module)`` is the one safe loader (``weights_only=True``,
size cap, keys/shapes/dtypes, finite values; every failure a :class:`CheckpointError` naming the file);
``rnnviz.zoo.REGISTRY`` lists the shipped models.

``import rnnviz`` never imports Streamlit (nor plotly): the compute modules work in a notebook.
"""
from rnnviz import bptt, inputs, models
from rnnviz.bptt import clip_grad_norm, safe_norm
from rnnviz.checkpoint import CheckpointError, CheckpointNotFound, load_checkpoint, read_checkpoint
from rnnviz.hidden import connectivity, pca
from rnnviz.models import ElmanRNN, build, set_forget_bias, set_spectral_radius, spectral_radius
from rnnviz.trace import Trace, every_step_loss, last_step_loss, trace

__all__ = [
    "Trace", "trace", "last_step_loss", "every_step_loss", "build", "ElmanRNN", "set_forget_bias",
    "set_spectral_radius", "spectral_radius", "clip_grad_norm", "safe_norm", "bptt", "models", "inputs",
    "CheckpointError", "CheckpointNotFound", "load_checkpoint", "read_checkpoint",
    "connectivity", "pca",
]
__version__ = "0.1.0"
