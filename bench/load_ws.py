"""How many students one app replica holds: N protocol-level sessions against one local server.

Twenty headless Chromium contexts on a 2-core machine measure the browsers more than the server,
so each simulated student here is a light websocket client that speaks Streamlit's own protocol
(``streamlit.proto``), as the browser's frontend does:

1. connect to ``ws://127.0.0.1:PORT/_stcore/stream`` (subprotocol ``streamlit``, Origin of the app);
2. send ``BackMsg.rerun_script`` (ClientState: ``query_string``, ``page_name`` from the URL path):
   the server answers with ``new_session``, ``navigation`` (page script hashes), the page's
   ``delta`` messages (widgets with their ids, fragment ids, charts) and ``script_finished``;
3. every few seconds (jittered) "drag" the lab's slider: a ``rerun_script`` with the widget's new
   value in ``widget_states`` (``double_array_value`` for a slider), the page's script hash, the
   URL query string the browser would now show, and the slider's ``fragment_id`` (a fragment
   rerun, as the browser sends it); the time from sending to the last chart ``delta`` before
   ``script_finished`` is "key -> redrawn" on the server's side of the wire.

Errors: an exception element in a delta, a script that does not finish within 30 s, a closed
socket. Stages of increasing session counts run one after another; the first stage (1 session)
is the same-run baseline. Memory and threads of the server process are read from /proc before,
at the end of each stage, and after every session has gone (Streamlit keeps a disconnected
session for ``server.disconnectedSessionTTL`` seconds, set low here so the check is quick).

Optionally ``--browsers K`` real Chromium pages beside the last stage press ArrowRight on the
same slider and time key -> redrawn chart in the browser (tests/e2e/conftest.py helpers).

    python3 bench/load_ws.py                          # stages 1,10,20,40 sessions, 45 s each
    python3 bench/load_ws.py --stages 1,20 --seconds 60 --browsers 2

Bounded: 127.0.0.1 only, at most 200 sessions and 600 s per stage.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAX_SESSIONS, MAX_SECONDS, TIMEOUT = 200, 600, 30.0
VALUES = [round(0.5 + 0.05 * i, 2) for i in range(21)]  # the slider values students pick: 0.5 .. 1.5
FINISHED_OK = {0, 3}  # ScriptFinishedStatus: FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY


@dataclass
class Stats:
    load_s: list[float] = field(default_factory=list)     # connect -> first run finished
    change_s: list[float] = field(default_factory=list)   # slider change sent -> last chart delta + finished
    errors: list[str] = field(default_factory=list)


class Session:
    """One simulated student on one lab page."""

    def __init__(self, port: int, page: str, widget_key: str, values: list[float], stats: Stats):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.origin = f"http://127.0.0.1:{port}"
        self.page, self.key, self.values, self.stats = page, widget_key, values, stats
        self.page_hash = ""
        self.widget_id = self.fragment_id = None
        self.query: dict[str, str] = {}

    async def _run_until_finished(self, ws, t0: float, timeout: float = TIMEOUT) -> float:
        """Read ForwardMsgs until script_finished; return seconds from t0 to the redraw."""
        last_chart = None
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = dict(urllib.parse.parse_qsl(fm.page_info_changed.query_string))
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                what = el.WhichOneof("type")
                if what == "exception":
                    self.stats.errors.append(f"exception on screen: {el.exception.message[:200]}")
                elif what in ("plotly_chart", "vega_lite_chart", "arrow_data_frame"):
                    last_chart = time.perf_counter()
                elif what == "slider" and el.slider.id.endswith("-" + self.key):
                    self.widget_id, self.fragment_id = el.slider.id, fm.delta.fragment_id
            elif kind == "script_finished":
                if fm.script_finished == 2:  # FINISHED_EARLY_FOR_RERUN: the server reruns by itself
                    continue                 # (e.g. the router's first run on a fresh server)
                if fm.script_finished not in FINISHED_OK:
                    self.stats.errors.append(f"script_finished status {fm.script_finished}")
                return (last_chart or time.perf_counter()) - t0

    def _rerun(self, widget_value: float | None = None) -> bytes:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.page_name = self.page
        cs.page_script_hash = self.page_hash
        if widget_value is not None:
            # the browser writes a bound widget's value into the URL and sends that query string
            self.query[self.key] = f"{widget_value:g}"
            w = cs.widget_states.widgets.add()
            w.id = self.widget_id
            w.double_array_value.data.append(widget_value)
            cs.fragment_id = self.fragment_id or ""
        cs.query_string = urllib.parse.urlencode(self.query)
        return msg.SerializeToString()

    async def run(self, seconds: float, interval: float, rng: random.Random, warm: bool = False) -> None:
        """Load the page, then change the slider every ``interval`` (x0.5..1.5) s for ``seconds``;
        ``warm``: instead, step through every slider value once, back to back (fills the caches)."""
        try:
            async with websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                          max_size=None, open_timeout=TIMEOUT) as ws:
                t0 = time.perf_counter()
                await ws.send(self._rerun())
                # the first page load may import torch & co. on a cold server: allow it longer
                self.stats.load_s.append(await self._run_until_finished(ws, t0, 4 * TIMEOUT if warm else TIMEOUT))
                if self.widget_id is None:
                    self.stats.errors.append(f"no slider with key {self.key!r} on /{self.page}")
                    return
                for v in self.values if warm else []:
                    await ws.send(self._rerun(v))
                    await self._run_until_finished(ws, time.perf_counter())
                end = time.perf_counter() + seconds
                while not warm:
                    await asyncio.sleep(interval * rng.uniform(0.5, 1.5))
                    if time.perf_counter() >= end:
                        break
                    t0 = time.perf_counter()
                    await ws.send(self._rerun(rng.choice(self.values)))
                    self.stats.change_s.append(await self._run_until_finished(ws, t0))
        except (asyncio.TimeoutError, TimeoutError):
            self.stats.errors.append("no script_finished in time (30 s; first load 120 s)")
        except (OSError, websockets.exceptions.WebSocketException) as exc:
            self.stats.errors.append(f"websocket: {exc!r}"[:200])


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MiB, thread count) of a process, from /proc."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    return rss, len(os.listdir(f"/proc/{pid}/task"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def browser_sessions(url: str, k: int, seconds: float, interval: float, out: list, stop: threading.Event) -> None:
    """K real Chromium pages pressing ArrowRight on the radius slider: key -> redrawn chart (s)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHART_SIG, CHROMIUM, CHROMIUM_ARGS, goto, wait_for_chart_change, wait_for_router

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(k):
            pg = b.new_context(viewport={"width": 1280, "height": 720}).new_page()
            goto(pg, url, timeout=120)
            wait_for_router(pg, 120)
            pages.append(pg)
        end = time.time() + seconds
        while time.time() < end and not stop.is_set():
            for pg in pages:
                slider = pg.locator('[data-testid="stSlider"]').filter(has_text="Spectral radius").locator('[role="slider"]').first
                before = pg.evaluate(CHART_SIG)
                slider.focus()
                t0 = time.perf_counter()
                pg.keyboard.press("ArrowRight" if random.random() < 0.5 else "ArrowLeft")
                try:
                    wait_for_chart_change(pg, before, timeout=TIMEOUT)
                    out.append(time.perf_counter() - t0)
                except Exception as exc:  # noqa: BLE001 - reported as an error count
                    out.append(float("nan"))
                    print(f"  browser: {exc!r}"[:200])
            time.sleep(interval)
        b.close()


async def warm_up(port: int, args) -> Stats:
    stats = Stats()
    await Session(port, args.page, args.key, VALUES, stats).run(0, 0, random.Random(0), warm=True)
    return stats


async def stage(port: int, n: int, seconds: float, interval: float, ramp: float, args) -> Stats:
    stats = Stats()
    rng = random.Random(n)
    sessions = [Session(port, args.page, args.key, VALUES, stats) for _ in range(n)]

    async def start(i, s):
        await asyncio.sleep(ramp * i / max(n, 1))
        await s.run(seconds - ramp * i / max(n, 1), interval, random.Random(rng.random()))

    await asyncio.gather(*(start(i, s) for i, s in enumerate(sessions)))
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stages", default="1,10,20,40", help="session counts, one stage each (first = baseline)")
    ap.add_argument("--seconds", type=float, default=45, help="length of each stage")
    ap.add_argument("--interval", type=float, default=3.0, help="mean seconds between one student's changes")
    ap.add_argument("--ramp", type=float, default=10.0, help="seconds over which a stage's sessions connect")
    ap.add_argument("--page", default="vanishing")
    ap.add_argument("--key", default="vg_radius", help="key of the slider each session changes")
    ap.add_argument("--browsers", type=int, default=0, help="real Chromium pages beside the last stage")
    ap.add_argument("--port", type=int, default=0, help="an already running server on 127.0.0.1 (default: start one)")
    args = ap.parse_args()
    stages = [int(s) for s in args.stages.split(",")]
    if max(stages) > MAX_SESSIONS or args.seconds > MAX_SECONDS or args.browsers > 5:
        raise SystemExit(f"bounded: at most {MAX_SESSIONS} sessions, {MAX_SECONDS} s per stage, 5 browsers")

    from tests.e2e.conftest import _free_port, start_server

    proc = None
    port = args.port
    if not port:
        port = _free_port()
        os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = "5"
        proc = start_server(port)
        print(f"server: streamlit run app.py on 127.0.0.1:{port}, pid {proc.pid}, disconnectedSessionTTL=5 s")
    pid = proc.pid if proc else None
    try:
        # warm-up: one session loads the page and visits every slider value once (imports, cached
        # results), so later growth is per session, not cache; then the idle baseline
        warm = asyncio.run(warm_up(port, args))
        if warm.errors:
            raise SystemExit(f"warm-up failed: {warm.errors[:3]}")
        time.sleep(8)
        base = proc_status(pid) if pid else (float("nan"), 0)
        print(f"idle after warm-up: RSS {base[0]:.0f} MiB, {base[1]} threads; CPU cores: {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'sessions':>8} {'changes':>7} {'load p50':>8} {'p50 s':>6} {'p95 s':>6} {'max s':>6} {'errors':>6} "
              f"{'RSS MiB':>8} {'MiB/sess':>8} {'threads':>7} {'load avg':>8}")
        results = []
        for i, n in enumerate(stages):
            browser_out: list[float] = []
            stop = threading.Event()
            bt = None
            if args.browsers and i == len(stages) - 1:
                bt = threading.Thread(target=browser_sessions, daemon=True,
                                      args=(f"http://127.0.0.1:{port}/{args.page}", args.browsers, args.seconds,
                                            args.interval, browser_out, stop))
                bt.start()
            peak = [0.0, 0]

            def sample():
                while not stop.is_set() and pid:
                    r, t = proc_status(pid)
                    peak[0], peak[1] = max(peak[0], r), max(peak[1], t)
                    stop.wait(1.0)

            st = threading.Thread(target=sample, daemon=True)
            st.start()
            cpu0, wall0 = (cpu_seconds(pid) if pid else float("nan")), time.perf_counter()
            stats = asyncio.run(stage(port, n, args.seconds, args.interval, min(args.ramp, args.seconds / 3), args))
            cpu, wall = (cpu_seconds(pid) if pid else float("nan")) - cpu0, time.perf_counter() - wall0
            stop.set()
            if bt:
                bt.join(120)
            per = (peak[0] - base[0]) / n if pid else float("nan")
            results.append((n, stats))
            print(f"{n:>8} {len(stats.change_s):>7} {pct(stats.load_s, 50):>8.2f} {pct(stats.change_s, 50):>6.2f} "
                  f"{pct(stats.change_s, 95):>6.2f} {max(stats.change_s, default=float('nan')):>6.2f} "
                  f"{len(stats.errors):>6} {peak[0]:>8.0f} {per:>8.1f} {peak[1]:>7} {os.getloadavg()[0]:>8.1f}")
            runs = len(stats.change_s) + len(stats.load_s)
            print(f"   server CPU: {cpu:.1f} s in {wall:.0f} s ({100 * cpu / wall:.0f}% of one core), "
                  f"{1000 * cpu / max(runs, 1):.0f} ms per script run ({runs} runs: page loads + changes)")
            for e in sorted(set(stats.errors))[:5]:
                print(f"   error: {e}")
            if bt and not browser_out:
                print(f"   + {args.browsers} Chromium pages beside it: no change measured (pages still loading "
                      f"at the end of the stage{' ' if bt.is_alive() else ', or failed; see above'})")
            if browser_out:
                ok = [x for x in browser_out if x == x]
                print(f"   + {args.browsers} Chromium pages beside it: {len(ok)} key -> redrawn chart, "
                      f"p50 {pct(ok, 50):.2f} s, p95 {pct(ok, 95):.2f} s, {len(browser_out) - len(ok)} errors")
            if pid:  # sessions gone: memory and threads must come back
                time.sleep(12)
                r, t = proc_status(pid)
                print(f"   after the {n} sessions left: RSS {r:.0f} MiB ({r - base[0]:+.0f} vs idle), {t} threads "
                      f"({t - base[1]:+d} vs idle)")
        ok = [n for n, s in results if pct(s.change_s, 95) <= 1.0 and not s.errors]
        print(f"\nlargest stage with p95 key -> redrawn <= 1 s and 0 errors: {max(ok) if ok else 'none'} sessions "
              f"(baseline, 1 session: p95 {pct(results[0][1].change_s, 95):.2f} s)")
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
