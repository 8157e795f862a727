r"""The trained next-letter RNNs of the step-through page: data, training, and the shipped weights.

A tanh ``nn.RNN(8, H)`` + ``nn.Linear(H, 8)`` (H = 1..4) trained on :data:`WORDS`
(``scripts/train_stepthrough.py``); rows ``stepthrough_h{H}.pt`` of :data:`rnnviz.zoo.REGISTRY`.
"""
from __future__ import annotations

import numpy as np

from rnnviz.stepthrough_data import VOCAB, make_problem


WORDS = (
    "hello", "hotel", "the", "then", "than", "that", "hat", "hate", "hated", "late", "note", "tone",
    "done", "dote", "neat", "noted", "total", "atoll", "laden", "lead", "deal", "held", "told", "old",
    "one", "none", "tent", "tend", "ended", "added", "head", "heat", "ahead", "loan", "alone", "delta",
    "dental", "hold", "hole", "heal", "lane", "land", "halo", "tall", "doll", "deed", "need", "ten",
)
"""The training words of the shipped next-letter model (letters of :data:`rnnviz.stepthrough.VOCAB` only)."""

WEIGHTS_FILE = "stepthrough_h{H}.pt"


def weights_path(hidden: int):
    """Path of the shipped state_dict for hidden size ``hidden`` (``rnnviz/weights/``)."""
    from rnnviz.zoo import WEIGHTS_DIR

    return WEIGHTS_DIR / WEIGHTS_FILE.format(H=int(hidden))


def _batch(words=WORDS):
    """Padded next-letter batch: ``X (B, Tmax, V)``, ``Y (B, Tmax)`` ints, ``M (B, Tmax)`` bool."""
    Tmax = max(len(w) for w in words) - 1
    V = len(VOCAB)
    X = np.zeros((len(words), Tmax, V))
    Y = np.zeros((len(words), Tmax), dtype=np.int64)
    M = np.zeros((len(words), Tmax), dtype=bool)
    for i, w in enumerate(words):
        for t in range(len(w) - 1):
            X[i, t, VOCAB.index(w[t])] = 1.0
            Y[i, t] = VOCAB.index(w[t + 1])
            M[i, t] = True
    return X, Y, M


def train_next_letter(hidden: int, *, epochs: int = 600, lr: float = 0.05, seed: int = 0, progress=None) -> tuple[dict, dict]:
    """Train ``nn.RNN(8, H) + nn.Linear(H, 8)`` to predict the next letter of :data:`WORDS`.

    Full-batch Adam on the summed cross-entropy of every step (the many-to-many pattern),
    float64, fixed ``seed``. ``progress(fraction, info)`` is called every 20 epochs.

    Returns: ``(state_dict, info)`` with keys ``rnn.*`` and ``head.*`` (float64 tensors),
    ``info = {"accuracy", "loss", "epochs", "seconds"}`` (accuracy: next-letter, argmax).
    """
    import time

    import torch

    t0 = time.perf_counter()
    torch.manual_seed(int(seed))
    V = len(VOCAB)
    rnn = torch.nn.RNN(V, int(hidden), nonlinearity="tanh", batch_first=True, dtype=torch.float64)
    head = torch.nn.Linear(int(hidden), V, dtype=torch.float64)
    X, Y, M = (torch.from_numpy(a) for a in _batch())
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=lr)
    n = M.sum()
    for ep in range(int(epochs)):
        opt.zero_grad()
        out, _ = rnn(X)  # (B, Tmax, H)
        logits = head(out)  # (B, Tmax, V)
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, V), Y.reshape(-1), reduction="none")
        loss = (ce * M.reshape(-1)).sum() / n
        loss.backward()
        opt.step()
        if progress is not None and (ep % 20 == 0 or ep == epochs - 1):
            progress((ep + 1) / epochs, {"epoch": ep + 1, "loss": float(loss.detach())})
    with torch.no_grad():
        logits = head(rnn(X)[0])
        acc = float(((logits.argmax(-1) == Y) & M).sum() / n)
    sd = {f"rnn.{k}": v.detach().clone() for k, v in rnn.state_dict().items()}
    sd.update({f"head.{k}": v.detach().clone() for k, v in head.state_dict().items()})
    return sd, {"accuracy": acc, "loss": float(loss.detach()), "epochs": int(epochs),
                "seconds": time.perf_counter() - t0}


def expected_module(hidden: int):
    """The modules a shipped file fits: ``{"rnn": nn.RNN(8, H), "head": nn.Linear(H, 8)}``, float64."""
    import torch

    V = len(VOCAB)
    return torch.nn.ModuleDict({"rnn": torch.nn.RNN(V, int(hidden), dtype=torch.float64),
                                "head": torch.nn.Linear(int(hidden), V, dtype=torch.float64)})


def load_trained(hidden: int, path=None) -> dict:
    """The shipped state_dict, read by the one safe loader (:func:`rnnviz.checkpoint.load_state`).

    Raises ``FileNotFoundError`` if the file is missing, :class:`rnnviz.checkpoint.CheckpointError`
    (a ``ValueError``) if it does not fit.
    """
    from rnnviz.checkpoint import load_state
    from rnnviz.zoo import MAX_SHIPPED_BYTES

    path = weights_path(hidden) if path is None else path
    return load_state(path, expected_module(hidden), max_bytes=MAX_SHIPPED_BYTES)


def next_letter_accuracy(sd: dict, words=WORDS) -> float:
    """Next-letter argmax accuracy of a trained state_dict on ``words`` (NumPy forward)."""
    from rnnviz.stepthrough import forward, net_from_state_dict  # (rnnviz.stepthrough imports this module)

    correct = total = 0
    for w in words:
        pr = make_problem("word", "many_to_many", word=w)
        fw = forward(net_from_state_dict(sd, pr), pr)
        correct += int((fw.P.argmax(axis=1) == pr.y).sum())
        total += pr.T
    return correct / total
