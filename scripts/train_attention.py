"""Reproduce the shipped attention weights and teacher-forcing curves (fixed seeds).

    python scripts/train_attention.py            # the 4 models + the 5 comparison runs
    python scripts/train_attention.py --only dot # one model
    python scripts/train_attention.py --only tf --tf-steps 100 600  # some comparison lengths, merged in

Writes ``rnnviz/weights/attn_{dot,general,concat,none}.pt`` (plain state_dicts) and
``rnnviz/weights/attn_tf_curves.json`` (the 5 comparison runs at every length the page offers,
``rnnviz.labs.attention.TF_STEP_CHOICES``), and prints the training time and the exact-match
accuracy on the fixed held-out set (2000 examples of dates never used in training).
Runs on one thread (the machine is shared); torch results are deterministic on CPU.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz import seq2seq as S  # noqa: E402
from rnnviz import seq2seq_train as ST  # noqa: E402
from rnnviz.labs.attention import TF_STEP_CHOICES  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=S.MODEL_KINDS + ("tf",), default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tf-steps", type=int, nargs="+", default=list(TF_STEP_CHOICES),
                    help="comparison run lengths to (re)compute; the others are kept from the file")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    test = S.heldout(2000)
    kinds = S.MODEL_KINDS if args.only is None else ((args.only,) if args.only != "tf" else ())
    for kind in kinds:
        r = ST.train(S.SHIPPED[kind])
        torch.save(r.state_dict, S.weights_path(kind))
        acc = S.evaluate(S.load_shipped(kind), test)["accuracy"]
        size = S.weights_path(kind).stat().st_size
        print(f"{kind:8s} steps={r.steps_done} train_time={r.seconds:.1f}s held-out exact match={acc:.4f} "
              f"({size / 1e3:.0f} kB, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    if args.only in (None, "tf"):
        curves = ST.load_tf_curves() or {"steps": ST.TF_STEPS, "seed": 0, "runs": {}}
        by_steps = {int(k): v for k, v in curves.get("runs_by_steps", {}).items()}
        by_steps[ST.TF_STEPS] = curves.get("runs", {})
        for steps in args.tf_steps:
            runs = {}
            for sched in S.SCHEDULES:
                t0 = time.perf_counter()
                runs[sched] = ST.tf_run(sched, steps)
                print(f"tf {steps:4d} steps {sched:16s} final acc={runs[sched]['final_acc']:.3f} "
                      f"({time.perf_counter() - t0:.1f}s)", flush=True)
            by_steps[steps] = runs
            ST.TF_CURVES_PATH.write_text(json.dumps({
                "steps": ST.TF_STEPS, "seed": 0, "runs": by_steps[ST.TF_STEPS],
                "runs_by_steps": {str(k): v for k, v in sorted(by_steps.items()) if k != ST.TF_STEPS}}))

if __name__ == "__main__":
    main()
