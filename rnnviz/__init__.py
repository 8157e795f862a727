r"""rnnviz: recurrent neural networks, computed by hand and checked against PyTorch.

The public API (see README, "Use from Python")::

    import torch, rnnviz
    model = torch.nn.LSTM(input_size=8, hidden_size=16)
    tr = rnnviz.trace(model, torch.randn(50, 8))
    tr.h, tr.c, tr.gates, tr.grad_h, tr.grad_norm

Weights: ``rnnviz.load_checkpoint(path_or_bytes, module)`` is the one safe loader (``weights_only=True``,
size cap, keys/shapes/dtypes, finite values; every failure a :class:`CheckpointError` naming the file);
``rnnviz.zoo.REGISTRY`` lists the shipped models.

``import rnnviz`` is light: it imports neither torch nor NumPy, nor Streamlit, nor plotly. The names
below and every submodule (``rnnviz.labs.vanishing``, ``rnnviz.plots.gates`` ...) are imported on first
use (:mod:`rnnviz._lazy`), so the app's router draws its navigation before any heavy import, and the
compute modules work in a notebook.
"""
import sys
import types

from rnnviz._lazy import lazy_getattr

_OBJECTS = {
    "Trace": "trace", "trace": "trace", "last_step_loss": "trace", "every_step_loss": "trace",
    "build": "models", "ElmanRNN": "models", "set_forget_bias": "models", "set_spectral_radius": "models",
    "spectral_radius": "models", "clip_grad_norm": "bptt", "safe_norm": "bptt",
    "CheckpointError": "checkpoint", "CheckpointNotFound": "checkpoint", "load_checkpoint": "checkpoint",
    "read_checkpoint": "checkpoint", "connectivity": "hidden", "pca": "hidden",
}
__all__ = [*_OBJECTS, "bptt", "models", "inputs"]
__version__ = "0.1.0"
__getattr__ = lazy_getattr(__name__, __path__, _OBJECTS, skip={"streamlit_helpers"})


class _Package(types.ModuleType):
    """``rnnviz.trace`` is the function :func:`rnnviz.trace.trace`, also after the submodule of the same
    name is imported (the import system then sets the package attribute ``trace`` to the submodule)."""

    def __setattr__(self, name: str, value) -> None:
        if name in _OBJECTS and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
