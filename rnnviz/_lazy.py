"""Lazy attributes for rnnviz's packages: ``import rnnviz`` stays light (no torch, no NumPy).

A package's module ``__getattr__`` (PEP 562) runs only for names it does not have yet; this one imports
the submodule (``rnnviz.labs.vanishing``) or the public object (``rnnviz.trace``) on first use. The
import system's own locks make a first use from several threads at once safe.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any, Callable, Iterable, Mapping


def lazy_getattr(package: str, path: Iterable[str], objects: Mapping[str, str] = {},
                 skip: Iterable[str] = ()) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``.

    Args:
        package: the package's ``__name__``.
        path: its ``__path__`` (the submodules found there are importable as attributes).
        objects: ``{attribute: submodule}`` for objects re-exported from a submodule.
        skip: submodules never imported as an attribute (``streamlit_helpers``: a plain ``hasattr`` must
            not pull Streamlit in; it is imported explicitly by the app).
    """
    path, skip = list(path), set(skip)

    def __getattr__(name: str) -> Any:
        if name in objects:
            value = getattr(importlib.import_module(f"{package}.{objects[name]}"), name)
            setattr(sys.modules[package], name, value)  # found directly from now on
            return value
        if name not in skip and not name.startswith("__") and name in {m.name for m in pkgutil.iter_modules(path)}:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
