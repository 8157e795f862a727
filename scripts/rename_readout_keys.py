"""One-off conversion (run once, kept for the record): train live's shipped files to the one model's key names.

Before the gates lab and train live shared :class:`rnnviz.charmodel.CharRNN`, train live's model
called its readout ``decoder``; the shipped ``sonnets_lstm.pt`` and ``names_gru.pt`` hold
``decoder.weight`` / ``decoder.bias``. This renames them ``readout.weight`` / ``readout.bias``; every
tensor is kept bit for bit (the registry's measured figures stay true; tests/unit/test_zoo.py
recomputes them). A file already converted is left as it is.

    python scripts/rename_readout_keys.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz.checkpoint import read_checkpoint  # noqa: E402
from rnnviz.zoo import MAX_SHIPPED_BYTES, WEIGHTS_DIR  # noqa: E402


def main() -> None:
    for name in ("sonnets_lstm.pt", "names_gru.pt"):
        path = WEIGHTS_DIR / name
        state = read_checkpoint(path, max_bytes=MAX_SHIPPED_BYTES)
        if not any(k.startswith("decoder.") for k in state):
            print(f"{name}: already converted")
            continue
        out = {("readout." + k[len("decoder."):] if k.startswith("decoder.") else k): v for k, v in state.items()}
        torch.save(out, path)
        print(f"{name}: {sorted(state)} -> {sorted(out)}")


if __name__ == "__main__":
    main()
