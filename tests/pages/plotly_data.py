"""Read plotly figures back out of AppTest elements (plotly 7 sends arrays as {dtype, bdata})."""
from __future__ import annotations

import base64
import json

import numpy as np


def decode(v):
    """A plotly JSON array (plain list or ``{"dtype", "bdata", "shape"}``) as a NumPy array."""
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            shape = v["shape"]
            shape = [int(s) for s in shape.split(",")] if isinstance(shape, str) else shape
            arr = arr.reshape(shape)
        return arr.astype(np.float64) if arr.dtype.kind in "fiu" else arr
    if isinstance(v, list):
        try:
            return np.array([np.nan if e is None else e for e in v], dtype=np.float64)
        except (TypeError, ValueError):
            return np.array(v, dtype=object)
    return v


def figures(at) -> list[dict]:
    """Every plotly chart of an AppTest run as a dict (the figure JSON)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def traces(fig: dict) -> list[dict]:
    return fig["data"]


def trace_by_name(fig: dict, name: str) -> dict:
    for tr in fig["data"]:
        if tr.get("name") == name:
            return tr
    raise KeyError(f"no trace named {name!r}; have {[t.get('name') for t in fig['data']]}")


def live_data(at, index: int = 0) -> dict:
    """The data of the ``index``-th live component (``rnnviz.streamlit_helpers.live``) of an AppTest run."""
    els = at.get("bidi_component")
    assert len(els) > index, "no live component on the page"
    d = json.loads(els[index].proto.json)
    return json.loads(d) if isinstance(d, str) else d
