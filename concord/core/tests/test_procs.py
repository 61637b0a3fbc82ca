"""The process manager behind `concord serve --with-worker`: prefixed output, Ctrl-C stops all."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time

from concord.core.procs import Child, Manager

# A child that says hello, then runs until SIGTERM, which it answers by saying goodbye.
POLITE = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *a: (print('bye', flush=True), sys.exit(0)))\n"
    "print('hello from', sys.argv[1], flush=True)\n"
    "while True: time.sleep(0.05)\n"
)
# A child that ignores the first SIGTERM (a task in hand) and ends on the second.
STUBBORN = (
    "import signal, sys, time\n"
    "hits = []\n"
    "def on_term(*a):\n"
    "    hits.append(1)\n"
    "    if len(hits) > 1: sys.exit(3)\n"
    "signal.signal(signal.SIGTERM, on_term)\n"
    "print('busy', flush=True)\n"
    "while True: time.sleep(0.05)\n"
)


def _run(manager: Manager) -> dict:
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", manager.run()))
    thread.start()
    return {"thread": thread, "result": result}


def _wait_for(out: io.StringIO, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text not in out.getvalue():
        assert time.monotonic() < deadline, out.getvalue()
        time.sleep(0.05)


def test_both_outputs_are_prefixed_and_a_stop_ends_both_cleanly():
    out = io.StringIO()
    manager = Manager(
        [
            Child("web", [sys.executable, "-c", POLITE, "web"]),
            Child("worker", [sys.executable, "-c", POLITE, "worker"]),
        ],
        out=out,
    )
    running = _run(manager)
    _wait_for(out, "web    | hello from web")
    _wait_for(out, "worker | hello from worker")
    pids = [c.process.pid for c in manager.children]
    manager.stopping.set()  # what the manager's SIGINT (Ctrl-C) handler does
    running["thread"].join(timeout=30)
    assert running["result"]["code"] == 0
    text = out.getvalue()
    assert "web    | bye" in text and "worker | bye" in text
    assert "web    | stopped (exit 0)" in text and "worker | stopped (exit 0)" in text
    for pid in pids:  # no child left behind
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"child {pid} still runs")


def test_a_child_busy_with_a_task_is_interrupted_after_the_grace_period():
    out = io.StringIO()
    manager = Manager(
        [
            Child("web", [sys.executable, "-c", POLITE, "web"]),
            Child("worker", [sys.executable, "-c", STUBBORN]),
        ],
        out=out,
        grace=1.0,
    )
    running = _run(manager)
    _wait_for(out, "worker | busy")
    _wait_for(out, "web    | hello")
    manager.stopping.set()
    running["thread"].join(timeout=30)
    text = out.getvalue()
    assert "worker | still running after 1 s; interrupted" in text
    assert "worker | stopped (exit 3)" in text and "web    | stopped (exit 0)" in text


def test_when_one_child_exits_the_other_is_stopped_and_the_failure_returned():
    out = io.StringIO()
    manager = Manager(
        [
            Child("web", [sys.executable, "-c", POLITE, "web"]),
            Child("worker", [sys.executable, "-c", "import sys; print('broken'); sys.exit(2)"]),
        ],
        out=out,
    )
    running = _run(manager)
    running["thread"].join(timeout=30)
    assert running["result"]["code"] == 2
    text = out.getvalue()
    assert "worker | exited (2); stopping all" in text
    assert "web    | stopped (exit 0)" in text


def test_the_signal_handlers_are_restored_after_a_run():
    before = signal.getsignal(signal.SIGINT)
    manager = Manager([Child("x", [sys.executable, "-c", "pass"])], out=io.StringIO())
    assert manager.run() == 1  # a child that ends on its own is a failure of the pair
    assert signal.getsignal(signal.SIGINT) is before
