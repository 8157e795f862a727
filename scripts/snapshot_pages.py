"""Before/after check of a refactoring: every page's main arrays at several settings.

Computes what each lab shows (through the same ``rnnviz.labs`` calls the pages make) and either
saves the arrays (``--save FILE.npz``) or compares them with a saved file (``--compare FILE.npz``),
printing one line per array with ``max |after - before|`` and a summary. Run it on the commit
before a change (e.g. from ``git archive`` of it) and on the change itself; one torch thread, so
the few training steps of train live are the same run on the same machine.

    python scripts/snapshot_pages.py --save /tmp/before.npz
    python scripts/snapshot_pages.py --compare /tmp/before.npz
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(1)


def _arr(v) -> np.ndarray:
    if isinstance(v, torch.Tensor):
        v = v.detach().numpy()
    return np.asarray(v, dtype=np.float64)


def stepthrough(out: dict) -> None:
    from rnnviz.labs import stepthrough as lab
    from rnnviz import stepthrough as S

    for pattern in ("many_to_many", "many_to_one", "one_to_many", "enc_dec", "bidirectional"):
        for k, seed, H, inp in ((0, 0, 2, "word"), (3, 1, 3, "numbers"), (2, 4, 4, "random"), (0, 2, 1, "word")):
            cfg = lab.StepConfig(st_pattern=pattern, st_k=k, st_seed=seed, st_hidden=H, st_input=inp,
                                 st_weights="trained" if seed == 2 else "random")
            res = lab.compute(cfg, S.load_trained(H) if seed == 2 else None)
            key = f"st/{pattern}/k{k}/s{seed}/H{H}/{inp}"
            for name in res.traces:
                out[f"{key}/h_{name}"] = res.h(name)
                out[f"{key}/a_{name}"] = res.a(name)
                out[f"{key}/delta_{name}"] = res.delta(name)
                out[f"{key}/from_out_{name}"] = res.from_out(name)
                out[f"{key}/from_next_{name}"] = res.from_next(name)
            for i, a in enumerate(res.outputs()):
                out[f"{key}/out{i}"] = a
            for g, v in res.grads().items():
                out[f"{key}/grad_{g}"] = v
            out[f"{key}/check_hand_vs_autograd"] = [r["max_abs_diff"] for r in res.check()]


def vanishing(out: dict) -> None:
    from rnnviz.labs import vanishing as lab

    for cells, radius, act, loss, kind in ((("RNN", "LSTM", "GRU"), 0.9, "tanh", "last", "random"),
                                          (("RNN",), 1.4, "relu", "every", "text"),
                                          (("LSTM", "GRU"), 1.1, "tanh", "every", "zeros")):
        cfg = lab.VanishingConfig(cells=cells, T=60, H=16, radius=radius, activation=act, loss=loss,
                                  input_kind=kind, clip=1.0, seed=3)
        res = lab.run(cfg)
        for c, cr in res.cells.items():
            key = f"vg/{'-'.join(cells)}/{radius}/{act}/{loss}/{kind}/{c}"
            out[f"{key}/h"] = cr.trace.h
            out[f"{key}/grad_norm"] = cr.trace.grad_norm
            out[f"{key}/grad_total_norm"] = cr.grad_total_norm
            if cr.envelope is not None:
                out[f"{key}/envelope"] = cr.envelope
            j = lab.jacobians(res, c)
            for n, v in j.items():
                if isinstance(v, np.ndarray):
                    out[f"{key}/jac_{n}"] = v


def gates(out: dict) -> None:
    from rnnviz import gates as G
    from rnnviz.labs import gates as lab

    for task in G.TASKS:
        models = {c: G.load(task, c) for c in G.CELLS}
        out[f"gt/{task}/accuracy"] = list(lab.accuracy_table(models, task).values())
        for cell in ("LSTM", "GRU"):
            for seed, fbias in ((0, 0.0), (3, -2.0)):
                cfg = lab.GatesConfig(gt_task=task, gt_cell=cell, gt_seed=seed, gt_fbias=fbias, gt_gap=20)
                res = lab.analyse(cfg, models, G.new_model(task, cell, seed=100))
                key = f"gt/{task}/{cell}/s{seed}/b{fbias}"
                for n, v in vars(res).items():
                    if isinstance(v, np.ndarray):
                        out[f"{key}/{n}"] = v
                    elif isinstance(v, dict) and v and all(isinstance(a, (float, np.ndarray)) for a in v.values()):
                        for m, a in v.items():
                            out[f"{key}/{n}/{m}"] = a
                    elif hasattr(v, "gates") and hasattr(v, "grad_h"):
                        out[f"{key}/{n}/h"] = v.h
                        for g, a in v.gates.items():
                            out[f"{key}/{n}/{g}"] = a
    models = {c: G.load("recall", c) for c in G.CELLS}
    for c, v in lab.recall_curve(models, n=60).items():
        out[f"gt/recall_curve/{c}"] = v


def hidden(out: dict) -> None:
    from rnnviz.hidden import models as HM
    from rnnviz.labs import hidden as lab

    text = lab.sonnet_text(18)[:150]
    for key in HM.SHIPPED:
        m = HM.shipped(key)
        st = lab.states(m, text)
        out[f"hd/{key}/h"] = st.h
        out[f"hd/{key}/probs"] = st.probs
        out[f"hd/{key}/rank_r"] = lab.ranking(st, "line_pos").r
        for ro in lab.READOUTS:
            inf = lab.influence(m, text[:60], ro)
            out[f"hd/{key}/C_{ro}"] = np.nan_to_num(inf.C, nan=-7.0)
            out[f"hd/{key}/lag_{ro}"] = inf.lag
        out[f"hd/{key}/traj"] = np.abs(lab.trajectory(st, 3).projected)


def train_live(out: dict) -> None:
    from rnnviz import train as T

    for task in T.TASKS:
        rec = T.load_pretrained(task)
        m = rec["model"]
        tr = T.Trainer(T.PRETRAINED[task][1], model=m)
        out[f"tl/pre/{task}/probe"] = tr.probe()
        ev = tr.evaluate()
        out[f"tl/pre/{task}/eval"] = [v for v in ev.values() if np.isscalar(v)]
        if task == "lm":
            out[f"tl/pre/lm/next"] = T.next_char_probs(m, T.encode_text("Shall I compare thee", rec["vocab"]))
            out[f"tl/pre/lm/sample"] = [ord(c) for c in T.sample_text(m, rec["vocab"], 80, seed=1)]
        else:
            out[f"tl/pre/names/probs"] = T.name_char_probs(m, "Nakamura")
    for task, cell, layers in (("lm", "LSTM", 2), ("lm", "GRU", 1), ("names", "RNN", 2), ("names", "GRU", 1)):
        cfg = T.TrainConfig(task=task, cell=cell, hidden_size=12, layers=layers, bptt=16, batch_size=8,
                            max_steps=6, probe_every=3, eval_every=3, seed=5)
        with torch.random.fork_rng():
            ms = list(T.train_steps(T.Trainer(cfg)))
        key = f"tl/{task}/{cell}/{layers}"
        out[f"{key}/loss"] = [m["loss"] for m in ms if "loss" in m]
        out[f"{key}/grad_norm"] = [m["grad_norm"] for m in ms if "grad_norm" in m]
        for i, m in enumerate(x for x in ms if "probe" in x):
            out[f"{key}/probe{i}"] = m["probe"]


def attention(out: dict) -> None:
    from rnnviz.labs import attention as lab

    for kind in ("dot", "general", "concat", "none"):
        model, _ = lab.get_model(kind)
        for text in ("Wednesday, March 3rd 2021", "12/25/1999", "1 jan 2000"):
            dec = lab.decode(lab.AttentionConfig(att_score=kind, att_text=text), model)
            for n in ("s", "scores", "weights", "context", "htilde", "probs", "H"):
                v = getattr(dec, n)
                if v is not None:
                    out[f"att/{kind}/{text}/{n}"] = v


LABS = {"stepthrough": stepthrough, "vanishing": vanishing, "gates": gates, "hidden": hidden,
        "train_live": train_live, "attention": attention}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save")
    g.add_argument("--compare")
    ap.add_argument("--labs", default=",".join(LABS))
    ap.add_argument("--tol", type=float, default=0.0, help="largest |after - before| counted as equal")
    args = ap.parse_args()
    out: dict = {}
    for name in args.labs.split(","):
        LABS[name](out)
    arrays = {k: _arr(v) for k, v in out.items()}
    if args.save:
        np.savez_compressed(args.save, **arrays)
        print(f"saved {len(arrays)} arrays to {args.save}")
        return
    before = dict(np.load(args.compare))
    worst, bad = 0.0, []
    for k, a in sorted(arrays.items()):
        if k not in before:
            print(f"NEW     {k}")
            continue
        b = before[k]
        if a.shape != b.shape:
            bad.append(k)
            print(f"SHAPE   {k} {b.shape} -> {a.shape}")
            continue
        same_nan = np.array_equal(np.isnan(a), np.isnan(b))
        d = float(np.nanmax(np.abs(a - b))) if a.size and not np.all(np.isnan(a)) else 0.0
        worst = max(worst, d)
        if d > args.tol or not same_nan:
            bad.append(k)
            print(f"DIFF    {k} max|d|={d:.3g}")
    missing = sorted(set(before) - set(arrays))
    for k in missing:
        print(f"MISSING {k}")
    n = sum(1 for k in arrays if k in before)
    print(f"compared {n} arrays ({sum(a.size for k, a in arrays.items() if k in before)} numbers): "
          f"{len(bad)} differ (tol {args.tol}), largest |after - before| = {worst:.3g}, {len(missing)} missing")


if __name__ == "__main__":
    main()
