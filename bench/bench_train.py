"""Training throughput: the instrumented loop (rnnviz.train) against a plain PyTorch loop, and the
train-live page's refresh rate in Chromium while training. Prints figures, asserts nothing.

    python bench/bench_train.py             # throughput + UI refresh (starts its own server)
    python bench/bench_train.py --no-ui     # throughput only

Throughput: the same model (same seed), the same batches (truncated-BPTT streams of the sonnets), the
same optimiser and clipping; both loops single-threaded (torch.set_num_threads(1), what the runner
uses). "instrumented" is rnnviz.train.train_steps with its default budgets: global norm before
clipping every step, the per-timestep probe (engine) and evaluation on their time budgets; "runner"
adds the background thread, lock and model snapshots (TrainingRunner). The variants are run
interleaved, several rounds, and the median is printed, because the machine is shared.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from rnnviz import train as T  # noqa: E402
from rnnviz.train_runner import TrainingRunner  # noqa: E402

STEPS = 300
ROUNDS = 5


def plain_loop(cfg: T.TrainConfig, steps: int) -> float:
    """chars/s of a plain PyTorch loop on the same model and batches."""
    tr = T.Trainer(cfg)  # only for the model init and the batch stream
    model, opt = tr.model, tr.opt
    params = list(model.parameters())
    state = None
    for i in range(steps + 5):
        if i == 5:
            t0, chars = time.perf_counter(), 0
        x, y = tr.next_batch()
        if tr.state is None:
            state = None
        opt.zero_grad(set_to_none=True)
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        tr.state = state
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        if cfg.clip is not None:
            nn.utils.clip_grad_norm_(params, cfg.clip)
        opt.step()
        if i >= 5:
            chars += x.numel()
    return chars / (time.perf_counter() - t0)


def instrumented_loop(cfg: T.TrainConfig, steps: int) -> tuple[float, int, int]:
    """chars/s of rnnviz.train.train_steps (wall time, probe and evaluation included)."""
    cfg = T.TrainConfig(**{**cfg.__dict__, "max_steps": steps + 5})
    tr = T.Trainer(cfg)
    probes = evals = 0
    t0 = chars = None
    for m in T.train_steps(tr):
        if m["step"] == 5:
            t0, chars = time.perf_counter(), 0
        elif t0 is not None:
            chars += m["chars"]
            probes += "probe" in m
            evals += "eval" in m
    return chars / (time.perf_counter() - t0), probes, evals


def runner_loop(cfg: T.TrainConfig, steps: int) -> float:
    cfg = T.TrainConfig(**{**cfg.__dict__, "max_steps": steps})
    r = TrainingRunner(cfg)
    t0 = time.perf_counter()
    r.start()
    while r.is_alive:
        time.sleep(0.005)
    dt = time.perf_counter() - t0
    return r.snapshot()["chars"] / dt


def throughput() -> None:
    torch.set_num_threads(1)
    configs = [
        ("LM  LSTM H=64  B=32 k=32", T.TrainConfig(task="lm", cell="LSTM", hidden_size=64, batch_size=32, bptt=32)),
        ("LM  GRU  H=64  B=32 k=32", T.TrainConfig(task="lm", cell="GRU", hidden_size=64, batch_size=32, bptt=32)),
        ("LM  RNN  H=64  B=32 k=32", T.TrainConfig(task="lm", cell="RNN", hidden_size=64, batch_size=32, bptt=32)),
    ]
    print(f"training throughput, characters/s (median of {ROUNDS} interleaved rounds of {STEPS} steps, 1 thread)")
    print(f"{'model':28s} {'plain':>9s} {'instrum.':>9s} {'runner':>9s} {'instr/plain':>12s} {'probes':>7s} {'evals':>6s}")
    for name, cfg in configs:
        res = {"plain": [], "instr": [], "runner": []}
        pe = (0, 0)
        for _ in range(ROUNDS):
            res["plain"].append(plain_loop(cfg, STEPS))
            cps, p, e = instrumented_loop(cfg, STEPS)
            res["instr"].append(cps)
            pe = (p, e)
            res["runner"].append(runner_loop(cfg, STEPS))
        med = {k: statistics.median(v) for k, v in res.items()}
        print(f"{name:28s} {med['plain']:9.0f} {med['instr']:9.0f} {med['runner']:9.0f} "
              f"{med['instr'] / med['plain']:11.1%} {pe[0]:7d} {pe[1]:6d}")


def ui_refresh(seconds: float = 6.0) -> None:
    """Start a server, press Start on /train_live, count how often the loss chart's title changes."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, goto, start_server

    (ROOT / "screenshots").mkdir(exist_ok=True)
    port = _free_port()
    proc = start_server(port)
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = b.new_page(viewport={"width": 1280, "height": 720})
            base = f"http://127.0.0.1:{port}"
            goto(page, f"{base}/train_live?tl_max_steps=100000")
            try:
                page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot', state="attached", timeout=60_000)
            except Exception:
                page.screenshot(path=str(ROOT / "screenshots" / "bench_train_fail.png"))
                raise
            page.wait_for_timeout(1000)
            page.get_by_role("button", name="Start", exact=True).click()
            page.wait_for_timeout(2000)
            samples = page.evaluate("""(ms) => new Promise(resolve => {
                const seen = []; let last = null; const t0 = performance.now();
                const id = setInterval(() => {
                  const gd = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
                      .find(g => g.layout && g.layout.title && /Loss \\(step/.test(g.layout.title.text || ''));
                  const txt = gd ? gd.layout.title.text : null;
                  if (txt !== last) { seen.push([performance.now() - t0, txt]); last = txt; }
                  if (performance.now() - t0 > ms) { clearInterval(id); resolve(seen); }
                }, 20);
            })""", int(seconds * 1000))
            status = page.get_by_text("characters/s").first.inner_text()
            page.get_by_role("button", name="Stop", exact=True).click()
            page.wait_for_timeout(1000)
            b.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    changes = max(len(samples) - 1, 0)
    gaps = [b[0] - a[0] for a, b in zip(samples, samples[1:])]
    print(f"UI while training (Chromium, fragment run_every=0.5 s): {changes} loss-chart updates in {seconds:.0f} s "
          f"= {changes / seconds:.2f} refreshes/s; gap median {statistics.median(gaps) if gaps else float('nan'):.0f} ms, "
          f"max {max(gaps) if gaps else float('nan'):.0f} ms")
    print(f"status line at the end: {status}")


if __name__ == "__main__":
    throughput()
    if "--no-ui" not in sys.argv:
        ui_refresh()
