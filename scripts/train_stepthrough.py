"""Reproduce the shipped weights of the step-through page: ``rnnviz/weights/stepthrough_h{1..4}.pt``.

A tanh ``nn.RNN(8, H)`` + ``nn.Linear(H, 8)`` trained (fixed seed 0, float64, full-batch
Adam, 600 epochs) to predict the next letter of the small word list
``rnnviz.stepthrough.WORDS`` over the alphabet ``adehlnot``. Run: ``python scripts/train_stepthrough.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import stepthrough as s  # noqa: E402


def main() -> None:
    torch.set_num_threads(1)
    for H in range(1, s.MAX_HIDDEN + 1):
        sd, info = s.train_next_letter(H, seed=0)
        path = s.weights_path(H)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(sd, path)
        print(f"H={H}: next-letter accuracy {info['accuracy']:.3f}, mean CE {info['loss']:.3f}, "
              f"{info['epochs']} epochs in {info['seconds']:.1f} s -> {path.name} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
