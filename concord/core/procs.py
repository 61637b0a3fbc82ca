"""A small process manager: run the web server and the worker side by side, as `make demo` does.

Each child runs in its own session, so that Ctrl-C reaches the manager only; the manager then
asks every child to stop (SIGTERM), waits for them, and kills what is left after a grace period.
Their output is read line by line and written with a prefix ("web | ", "worker | "), so the two
streams interleave readably in one terminal. When one child exits, the other is stopped too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    reader: threading.Thread | None = field(default=None, repr=False)


class Manager:
    """Start named commands, prefix their output, stop them all on a signal or on one exit."""

    def __init__(self, children: list[Child], *, out: TextIO | None = None, grace: float = 30.0):
        self.children = children
        self.out = out or sys.stdout
        self.grace = grace
        self.width = max(len(c.name) for c in children)
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{name.ljust(self.width)} | {line.rstrip()}\n")
            self.out.flush()

    def _pump(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        for raw in iter(child.process.stdout.readline, b""):
            self.say(child.name, raw.decode("utf-8", "replace"))
        child.process.stdout.close()

    def start(self) -> None:
        for child in self.children:
            child.process = subprocess.Popen(  # noqa: S603 -- our own console script, no shell
                child.argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            child.reader = threading.Thread(target=self._pump, args=(child,), daemon=True)
            child.reader.start()
            self.say(child.name, f"started (pid {child.process.pid}): {' '.join(child.argv[1:])}")

    def stop(self) -> None:
        """Ask every running child to stop and wait; then interrupt, then kill what is left.

        The server finishes its requests in hand and the worker the task in hand. Whatever
        still runs after the grace period gets a second SIGTERM (the worker then ends its task,
        recording it as failed; its own transactions roll back), and a child still running
        after that is killed.
        """
        self.stopping.set()
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        for phase, timeout in (("interrupted", self.grace), ("killed", self.grace / 2)):
            deadline = time.monotonic() + timeout
            for child in running:
                try:
                    child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            running = [c for c in running if c.process.poll() is None]
            for child in running:
                self.say(child.name, f"still running after {timeout:g} s; {phase}")
                if phase == "interrupted":
                    child.process.send_signal(signal.SIGTERM)
                else:
                    child.process.kill()
                    child.process.wait()
        for child in self.children:
            if child.reader:
                child.reader.join(timeout=2)
            if child.process is not None:
                self.say(child.name, f"stopped (exit {child.process.returncode})")

    def run(self) -> int:
        """Run until a signal (Ctrl-C, SIGTERM) or until a child exits; return an exit code."""
        previous = {}

        def on_signal(signum, _frame):
            self.stopping.set()

        if threading.current_thread() is threading.main_thread():  # (signals go to it only)
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous[signum] = signal.signal(signum, on_signal)
        try:
            self.start()
            failed = None
            while not self.stopping.is_set():
                for child in self.children:
                    if child.process is not None and child.process.poll() is not None:
                        failed = child
                        break
                if failed:
                    self.say(failed.name, f"exited ({failed.process.returncode}); stopping all")
                    break
                self.stopping.wait(0.2)
            self.stop()
            if failed is not None:
                return failed.process.returncode or 1
            return 0
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
