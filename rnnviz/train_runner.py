r"""The background training runner of train live: :func:`rnnviz.train.train_steps` in a thread a page can poll.

:class:`TrainingRunner` starts, pauses, resumes and stops the loop, records every metric in a
:class:`History` under a lock, and publishes a copy of the model now and then
(:func:`rnnviz.train.trained_model_record`), so a Streamlit rerun only ever reads.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import torch

from rnnviz.train import TrainConfig, Trainer, train_steps, trained_model_record

@dataclass
class History:
    """Everything recorded so far (lists grow; the runner appends under its lock)."""

    step: list = field(default_factory=list)  # step numbers 1..n
    loss: list = field(default_factory=list)  # training loss of each step
    grad_norm: list = field(default_factory=list)  # global gradient norm before clipping
    clipped: list = field(default_factory=list)  # bool per step
    probe_step: list = field(default_factory=list)  # steps at which the probe ran (0 = before training)
    probe: list = field(default_factory=list)  # (L, T) arrays
    eval_step: list = field(default_factory=list)  # steps at which evaluation ran
    evals: list = field(default_factory=list)  # dicts from Trainer.evaluate
    chars: int = 0  # characters trained on
    train_time: float = 0.0  # seconds spent in training steps


STATES = ("idle", "running", "paused", "stopped", "finished", "error")


class TrainingRunner:
    """Runs :func:`train_steps` in a daemon thread; thread-safe start / pause / resume / stop / snapshot.

    ``alive`` (optional) is called about once a second from the thread; when it returns ``False``
    (e.g. the browser session that owns the run has ended) the run stops by itself. A stop request
    is seen between two steps (each a few milliseconds), so it takes effect well within a second.
    Every ``snapshot_every`` seconds (and at the end) a copy of the model is published as
    :attr:`model_record` (the :func:`trained_model_record` format), so readers never touch the
    weights being trained.

    ``state`` is the state that is: ``"idle"``, ``"running"``, ``"paused"``, ``"stopping"`` (a stop
    was asked for and the thread is still running), then ``"stopped"``, ``"finished"`` or
    ``"error"`` only once the thread has exited (:attr:`is_alive` is ``False``). Probes and
    evaluations due after a stop request are skipped, so the thread ends after the step in
    progress.

    ``torch_threads`` (default 1): the thread calls ``torch.set_num_threads(torch_threads)`` when it
    starts. Note this is process-wide in PyTorch. Measured here on the shared 2-core machine under
    load: a small LSTM step took 44-75 ms with 2 intra-op threads and 4-8 ms with 1 (OpenMP threads
    spin-wait for each other when the cores are oversubscribed), and with one thread per run two
    sessions training at once share the two cores instead of fighting over them. ``None`` leaves it.
    """

    def __init__(self, config: TrainConfig, *, alive: Callable[[], bool] | None = None,
                 snapshot_every: float = 1.0, torch_threads: int | None = 1):
        self.config = config.validate()
        self.trainer: Trainer | None = None
        self.history = History()
        self._state = "idle"
        self.error: str | None = None
        self.model_record: dict | None = None
        self._alive = alive
        self._snapshot_every = snapshot_every
        self._torch_threads = torch_threads
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._run = threading.Event()  # set = running, clear = paused
        self._thread: threading.Thread | None = None

    FINAL = ("stopped", "finished", "error")

    @property
    def state(self) -> str:
        """The run's state; a final one (``FINAL``) only once the thread has exited."""
        s = self._state
        if s in self.FINAL and self._thread is not None and self._thread.is_alive():
            return "stopping"  # the thread has set its last state but has not returned yet
        return s

    @state.setter
    def state(self, value: str) -> None:
        self._state = value

    # -- control ------------------------------------------------------------------------------
    def start(self) -> "TrainingRunner":
        """Start the thread (building the model and data happens in it). Idempotent."""
        with self._lock:
            if self._thread is not None:
                if self.state == "paused":
                    self._run.set()
                    self.state = "running"
                return self
            self.state = "running"
            self._run.set()
            self._thread = threading.Thread(target=self._main, name="rnnviz-train", daemon=True)
            self._thread.start()
        return self

    def pause(self) -> None:
        with self._lock:
            if self.state == "running":
                self._run.clear()
                self.state = "paused"

    def resume(self) -> None:
        with self._lock:
            if self.state == "paused":
                self._run.set()
                self.state = "running"

    def stop(self, wait: float = 2.0) -> None:
        """Ask the thread to stop and wait up to ``wait`` seconds for it.

        The state is ``"stopping"`` until the thread has exited; the thread itself sets
        ``"stopped"`` (or ``"finished"``/``"error"``) as its last act. A run never started is
        ``"stopped"`` at once.
        """
        with self._lock:
            self._stop.set()
            self._run.set()  # wake a paused thread so it can exit
            t = self._thread
            if t is None:
                self._state = "stopped"
            elif self._state in ("running", "paused", "idle"):
                self._state = "stopping"
        if t is not None and t is not threading.current_thread():
            t.join(wait)

    @property
    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- reading ------------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """A consistent copy of the state and history (lists copied; arrays shared, never mutated)."""
        with self._lock:
            h = self.history
            return {"state": self.state, "error": self.error, "step": len(h.step),
                    "steps": list(h.step), "loss": list(h.loss), "grad_norm": list(h.grad_norm),
                    "clipped": list(h.clipped), "probe_step": list(h.probe_step), "probe": list(h.probe),
                    "eval_step": list(h.eval_step), "evals": list(h.evals), "chars": h.chars,
                    "train_time": h.train_time, "model_record": self.model_record,
                    "classes": self.trainer.classes if self.trainer else (),
                    "vocab": self.trainer.vocab if self.trainer else ""}

    # -- the thread ---------------------------------------------------------------------------
    def _should_stop(self) -> bool:
        if not self._run.is_set():
            while not self._run.wait(0.1):  # paused: wait, but keep checking stop and liveness
                if self._stop.is_set() or not self._check_alive():
                    return True
        if self._stop.is_set():
            return True
        now = time.monotonic()
        if now - self._last_alive_check > 1.0:
            self._last_alive_check = now
            if not self._check_alive():
                return True
        return False

    def _check_alive(self) -> bool:
        if self._alive is None:
            return True
        try:
            return bool(self._alive())
        except Exception:  # noqa: BLE001 - a failing liveness check means the owner is gone
            return False

    def _publish(self) -> None:
        tr = self.trainer
        rec = trained_model_record(tr.model, tr.config, tr.vocab, tr.classes, tr.steps,
                                   self.history.evals[-1] if self.history.evals else None)
        with self._lock:
            self.model_record = rec

    def _main(self) -> None:
        self._last_alive_check = time.monotonic()
        try:
            if self._torch_threads is not None and torch.get_num_threads() != self._torch_threads:
                torch.set_num_threads(self._torch_threads)
            self.trainer = Trainer(self.config)
            last_pub = 0.0
            for m in train_steps(self.trainer, should_stop=self._should_stop):
                with self._lock:
                    h = self.history
                    if m["step"] > 0:
                        h.step.append(m["step"])
                        h.loss.append(m["loss"])
                        h.grad_norm.append(m["grad_norm"])
                        h.clipped.append(m["clipped"])
                        h.chars += m["chars"]
                        h.train_time = m["time"]
                    if "probe" in m:
                        h.probe_step.append(m["step"])
                        h.probe.append(m["probe"])
                    if "eval" in m:
                        h.eval_step.append(m["step"])
                        h.evals.append(m["eval"])
                if time.monotonic() - last_pub > self._snapshot_every:
                    self._publish()
                    last_pub = time.monotonic()
                time.sleep(0)  # let other threads (other sessions, the server) take the GIL
            self._publish()
            with self._lock:
                done = self.trainer.steps >= self.config.max_steps
                self._state = "finished" if done and not self._stop.is_set() else "stopped"
        except Exception as exc:  # noqa: BLE001 - reported to the page, never lost
            with self._lock:
                self._state = "error"
                self.error = f"{type(exc).__name__}: {exc}"
