r"""Attention: score functions, softmax weights over the encoder states, the context vector.

The decoder state :math:`s_t \in \mathbb{R}^{D_s}` looks back at the encoder states
:math:`h_1, \dots, h_N \in \mathbb{R}^{D_h}` of one input sequence:

.. math::
    \mathrm{score}(s_t, h_i) =
    \begin{cases}
        s_t^\top h_i & \text{dot (needs } D_s = D_h) \\
        s_t^\top R\, h_i & \text{general, } R \in \mathbb{R}^{D_s \times D_h} \\
        v^\top \tanh\!\big(R\,[s_t; h_i]\big) & \text{concat, } R \in \mathbb{R}^{A \times (D_s + D_h)},\ v \in \mathbb{R}^{A}
    \end{cases}

.. math::
    a_t(i) = \frac{\exp \mathrm{score}(s_t, h_i)}{\sum_{j=1}^{N} \exp \mathrm{score}(s_t, h_j)}, \qquad
    c_t = \sum_{i=1}^{N} a_t(i)\, h_i

(Luong, Pham and Manning 2015, "Effective approaches to attention-based NMT"; the decoder then
forms :math:`\tilde h_t = \tanh(W [c_t; s_t] + b)`, see :mod:`rnnviz.seq2seq`.)

Shapes (batched; one sequence is ``B = 1``):

- ``s``: :math:`(B, D_s)`, ``H``: :math:`(B, N, D_h)`, ``mask``: :math:`(B, N)` bool, True on real
  positions (padding positions get weight exactly 0);
- scores and weights: :math:`(B, N)`; context: :math:`(B, D_h)`.

All functions are plain differentiable torch code (any float dtype); no Streamlit, no NumPy
conversion.
"""
from __future__ import annotations

import math

import torch
from torch import nn

SCORES = ("dot", "general", "concat")
"""The score functions, in the order shown on the page."""


def _check(s: torch.Tensor, H: torch.Tensor) -> None:
    if s.dim() != 2 or H.dim() != 3 or s.shape[0] != H.shape[0]:
        raise ValueError(f"expected s (B, D_s) and H (B, N, D_h), got {tuple(s.shape)} and {tuple(H.shape)}")


def score_dot(s: torch.Tensor, H: torch.Tensor) -> torch.Tensor:
    r"""Dot score :math:`s_t^\top h_i`. ``s (B, D)``, ``H (B, N, D)`` -> ``(B, N)``."""
    _check(s, H)
    if s.shape[1] != H.shape[2]:
        raise ValueError(f"dot score needs D_s = D_h, got {s.shape[1]} and {H.shape[2]}")
    return torch.bmm(H, s.unsqueeze(-1)).squeeze(-1)  # (B, N, D) @ (B, D, 1) -> (B, N)


def score_general(s: torch.Tensor, H: torch.Tensor, R: torch.Tensor) -> torch.Tensor:
    r"""General (bilinear) score :math:`s_t^\top R h_i`.

    ``s (B, D_s)``, ``H (B, N, D_h)``, ``R (D_s, D_h)`` -> ``(B, N)``. Computed as
    :math:`h_i \cdot (R^\top s_t)`.
    """
    _check(s, H)
    q = s @ R  # (B, D_s) @ (D_s, D_h) -> (B, D_h): q = R^T s
    return torch.bmm(H, q.unsqueeze(-1)).squeeze(-1)  # (B, N)


def score_concat(s: torch.Tensor, H: torch.Tensor, R: torch.Tensor, v: torch.Tensor,
                 keys: torch.Tensor | None = None) -> torch.Tensor:
    r"""Concat (additive) score :math:`v^\top \tanh(R [s_t; h_i])`.

    ``s (B, D_s)``, ``H (B, N, D_h)``, ``R (A, D_s + D_h)``, ``v (A,)`` -> ``(B, N)``. The
    product is split as :math:`R [s; h] = R_{:, :D_s} s + R_{:, D_s:} h`; the second term does
    not depend on ``t``, so a decoder may pass it once as ``keys = concat_keys(H, R, D_s)``
    ``(B, N, A)`` instead of recomputing it at every step.
    """
    _check(s, H)
    Ds = s.shape[1]
    if R.shape[1] != Ds + H.shape[2] or v.shape != (R.shape[0],):
        raise ValueError(f"concat score: R must be (A, D_s + D_h) and v (A,), got {tuple(R.shape)}, {tuple(v.shape)}")
    rs = s @ R[:, :Ds].T  # (B, A)
    rh = concat_keys(H, R, Ds) if keys is None else keys  # (B, N, A)
    return torch.tanh(rh + rs.unsqueeze(1)) @ v  # (B, N, A) @ (A,) -> (B, N)


def concat_keys(H: torch.Tensor, R: torch.Tensor, dec_size: int) -> torch.Tensor:
    r"""The step-independent part :math:`R_{:, D_s:} h_i` of the concat score: ``(B, N, A)``."""
    return H @ R[:, dec_size:].T  # (B, N, D_h) @ (D_h, A) -> (B, N, A)


def attention_weights(scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    r"""Softmax over the input positions, :math:`a_t(i) = e^{\mathrm{score}_i} / \sum_j e^{\mathrm{score}_j}`.

    ``scores (B, N)``, ``mask (B, N)`` bool (True = real position) -> ``(B, N)``, each row sums to
    1 over the real positions; masked positions get exactly 0.
    """
    if mask is not None:
        if not bool(mask.any(dim=1).all()):
            raise ValueError("every sequence needs at least one unmasked position")
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def context(weights: torch.Tensor, H: torch.Tensor) -> torch.Tensor:
    r"""Context vector :math:`c_t = \sum_i a_t(i) h_i`. ``weights (B, N)``, ``H (B, N, D)`` -> ``(B, D)``."""
    return torch.bmm(weights.unsqueeze(1), H).squeeze(1)  # (B, 1, N) @ (B, N, D) -> (B, D)


class Attention(nn.Module):
    r"""One score function with its parameters, returning scores, weights and context.

    Args:
        kind: ``"dot"``, ``"general"`` or ``"concat"``.
        dec_size: :math:`D_s`; enc_size: :math:`D_h` (equal for ``"dot"``);
        attn_size: :math:`A`, the hidden width of ``"concat"`` (default :math:`D_h`).

    Parameters: ``general``: ``R (D_s, D_h)``; ``concat``: ``R (A, D_s + D_h)``, ``v (A,)``;
    ``dot``: none. Initialised uniform in :math:`\pm 1/\sqrt{\text{fan-in}}` like ``nn.Linear``.

    Forward: ``s (B, D_s)``, ``H (B, N, D_h)``, ``mask (B, N)`` or None, optional ``keys``
    (:meth:`keys`, precomputed once per input) ->
    ``(scores, weights, context)`` of shapes ``(B, N)``, ``(B, N)``, ``(B, D_h)``.
    """

    def __init__(self, kind: str, dec_size: int, enc_size: int, attn_size: int | None = None):
        super().__init__()
        if kind not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, not {kind!r}")
        if kind == "dot" and dec_size != enc_size:
            raise ValueError("dot score needs dec_size == enc_size")
        self.kind = kind
        if kind == "general":
            self.R = nn.Parameter(torch.empty(dec_size, enc_size))
            nn.init.uniform_(self.R, -1 / math.sqrt(enc_size), 1 / math.sqrt(enc_size))
        elif kind == "concat":
            A = attn_size or enc_size
            self.R = nn.Parameter(torch.empty(A, dec_size + enc_size))
            self.v = nn.Parameter(torch.empty(A))
            nn.init.uniform_(self.R, -1 / math.sqrt(dec_size + enc_size), 1 / math.sqrt(dec_size + enc_size))
            nn.init.uniform_(self.v, -1 / math.sqrt(A), 1 / math.sqrt(A))

    def score(self, s: torch.Tensor, H: torch.Tensor, keys: torch.Tensor | None = None) -> torch.Tensor:
        if self.kind == "dot":
            return score_dot(s, H)
        if self.kind == "general":
            return score_general(s, H, self.R)
        return score_concat(s, H, self.R, self.v, keys)

    def keys(self, H: torch.Tensor) -> torch.Tensor | None:
        """What a decoder can compute once per input (concat: :func:`concat_keys`; else None)."""
        return concat_keys(H, self.R, self.R.shape[1] - H.shape[2]) if self.kind == "concat" else None

    def forward(self, s: torch.Tensor, H: torch.Tensor, mask: torch.Tensor | None = None,
                keys: torch.Tensor | None = None):
        e = self.score(s, H, keys)
        a = attention_weights(e, mask)
        return e, a, context(a, H)
