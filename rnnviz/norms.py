r"""Norms of gradients without overflow or underflow, and clipping by global norm (as PyTorch does).

.. math::
    \|v\| = m \sqrt{\textstyle\sum_i (v_i/m)^2},\ m = \max_i |v_i|, \qquad
    g \leftarrow g \cdot \min\!\Big(1, \frac{\text{max\_norm}}{\|g\| + 10^{-6}}\Big)
"""
from __future__ import annotations

import numpy as np


def safe_norm(v: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""L2 norm along ``axis`` without overflow or underflow of the squares.

    :math:`\|v\| = m \sqrt{\sum_i (v_i/m)^2}` with :math:`m = \max_i |v_i|`; ``inf`` if any entry is
    infinite, ``nan`` if any entry is ``nan``. (``np.linalg.norm`` squares first, so a gradient of
    1e200 would overflow to ``inf`` and one of 1e-200 underflow to 0.)
    """
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(all="ignore"):
        m = np.max(np.abs(v), axis=axis, keepdims=True)
        ok = np.isfinite(m) & (m > 0)
        scaled = np.where(ok, v / np.where(ok, m, 1.0), 0.0)
        out = np.squeeze(m, axis=axis) * np.sqrt(np.sum(scaled * scaled, axis=axis))
        out = np.where(np.squeeze(m, axis=axis) == 0, 0.0, out)
        out = np.where(np.isinf(np.squeeze(m, axis=axis)), np.inf, out)
        out = np.where(np.isnan(v).any(axis=axis), np.nan, out)
    return out


def global_norm(grads: dict[str, np.ndarray]) -> float:
    r""":math:`\sqrt{\sum_p \|g_p\|^2}` over all arrays (overflow-safe)."""
    if not grads:
        return 0.0
    return float(safe_norm(np.concatenate([np.ravel(g) for g in grads.values()])))


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float, float]:
    r"""Gradient clipping by global norm, exactly as ``torch.nn.utils.clip_grad_norm_``.

    .. math:: g \leftarrow g \cdot \min\!\Big(1, \frac{\text{max\_norm}}{\|g\| + 10^{-6}}\Big)

    Returns ``(clipped grads, total norm before clipping, coefficient applied)``.
    """
    if max_norm <= 0:
        raise ValueError("max_norm must be > 0")
    total = global_norm(grads)
    with np.errstate(all="ignore"):
        coef = min(1.0, max_norm / (total + 1e-6)) if np.isfinite(total) else (0.0 if np.isinf(total) else np.nan)
        return {k: v * coef for k, v in grads.items()}, total, float(coef)
