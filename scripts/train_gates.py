"""Reproduce the shipped weights of the gates page: ``rnnviz/weights/gates_<task>_<cell>.pt``.

Nine small models: {LSTM, GRU, vanilla tanh RNN} x {recall, depth, lm} (see
:mod:`rnnviz.gates` for sizes and schedules). Seeds are fixed (``rnnviz.gates.TRAIN_SEED``),
training uses one thread, so a rerun gives the same weights unless the 60 s safety limit cuts
a run short (it is printed). Run: ``python scripts/train_gates.py [task ...]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import gates as G  # noqa: E402


def main(tasks: list[str]) -> None:
    torch.set_num_threads(1)
    for task in tasks:
        for cell in G.CELLS:
            model, rep = G.train(task, cell)
            path = G.weights_path(task, cell)
            G.save(model, path)
            extra = ""
            if task == "recall":
                accs = {g: G.recall_accuracy(model, g) for g in (0, 10, 25, 50, G.GAP_MAX)}
                extra = " | by gap " + ", ".join(f"{g}:{a:.3f}" for g, a in accs.items())
            if task == "lm":
                extra = f" | {G.lm_accuracy(model)[1]:.3f} bits/char"
            cut = "  (CUT BY TIME LIMIT)" if rep.steps < G.SPECS[task].steps else ""
            print(f"{task:6s} {cell:4s}: accuracy {rep.accuracy:.3f}, {rep.steps} steps in {rep.seconds:.1f} s, "
                  f"final loss {rep.loss:.4f} -> {path.name} ({path.stat().st_size} bytes){extra}{cut}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(G.TASKS))
