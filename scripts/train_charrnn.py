"""Reproduce the shipped reference weights ``rnnviz/weights/{sonnets_lstm,names_gru}.pt``.

    python scripts/train_charrnn.py            # both
    python scripts/train_charrnn.py names      # one task

Configs (fixed seeds) are ``rnnviz.train.PRETRAINED``; each file is a plain float32
``state_dict`` of :class:`rnnviz.charmodel.CharRNN` saved with ``torch.save``. Prints the training
time and the accuracy / perplexity reached.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, no install needed
from rnnviz import train as T  # noqa: E402


def main(tasks: list[str]) -> None:
    torch.set_num_threads(1)  # reproducible and gentle on a shared 2-core machine
    T.WEIGHTS_DIR.mkdir(exist_ok=True)
    for task in tasks:
        fname, cfg = T.PRETRAINED[task]
        t0 = time.perf_counter()
        trainer, metrics = T.train_pretrained(task, progress=lambda f, m: print(f"  {task}: {m}", end="\r", flush=True))
        dt = time.perf_counter() - t0
        path = T.WEIGHTS_DIR / fname
        torch.save(trainer.model.state_dict(), path)
        shown = {k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)}
        print(f"{task}: {cfg.cell} H={cfg.hidden_size} L={cfg.layers}, {trainer.steps} steps, "
              f"{trainer.chars} chars in {dt:.1f} s -> {path.name} ({path.stat().st_size} bytes), {shown}")


if __name__ == "__main__":
    main(sys.argv[1:] or list(T.PRETRAINED))
