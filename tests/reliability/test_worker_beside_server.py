"""`concord serve --with-worker` on SQLite, as `make demo` runs it: the worker's first schedule
pass (surveillance included) runs while residents submit cases through the server, nobody sees
"database is locked", the output of both processes is interleaved with a prefix, and Ctrl-C
stops both cleanly."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import uuid
from pathlib import Path

import pytest
from django.db import connection

from concord.demo import geography

from .harness import ROOT, free_port, submit

# django_db: the session sets up the test database this module copies.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

RUNNING = "surveillance_run_task state=RUNNING"
DONE = "surveillance_run_task state=SUCCESSFUL"


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """A file holding the migrated test database (schema and reference data): no migrate run.

    Copied outside any test's transaction, as SQLite's backup waits for open transactions.
    """
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass of the suite runs this; PostgreSQL locks rows, not files")
    path = tmp_path_factory.mktemp("sqlite") / "concord.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
    return path


class Output:
    """Collect a process's output lines, noting when given markers first appear."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.seen: dict[str, float] = {}
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            for marker in (RUNNING, DONE):
                if marker in line:
                    self.seen.setdefault(marker, time.monotonic())

    def wait_for(self, marker: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.seen:
                return True
            time.sleep(0.2)
        return False

    @property
    def text(self) -> str:
        return "".join(self.lines)


def test_the_worker_and_the_server_share_sqlite_without_locking_and_stop_on_ctrl_c(
    database, tmp_path
):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CONCORD_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "worker-beside-server-test-key",
        "CONCORD_ALLOWED_HOSTS": "127.0.0.1",
        "CONCORD_PUBLIC_RATE_PER_MINUTE": "0",
        "CONCORD_LOG_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("REDIS_URL", None)
    concord = [sys.executable, "-m", "concord.cli"]
    # A county with three years of cases for the surveillance pass to read.
    built = subprocess.run(
        [*concord, "demo", "--size", "small", "--cases", "3000", "--core-only", "--no-progress"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    manager = subprocess.Popen(
        [*concord, "serve", "--with-worker", "--no-collectstatic"]
        + ["--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--threads", "4"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = Output(manager.stdout)
    grid = geography.plan_county(geography.SIZES["small"], 1).grids[0].code
    receipts: list[tuple[float, str]] = []
    errors: list[str] = []
    stop = threading.Event()

    def client(c: int) -> None:
        n, key = 1, f"{c}-1-{uuid.uuid4().hex[:16]}"
        while not stop.is_set():
            try:
                body = submit(f"http://127.0.0.1:{port}", key, n, place=grid)
                receipts.append((time.monotonic(), body["receipt_code"]))
                n, key = n + 1, f"{c}-{n + 1}-{uuid.uuid4().hex[:16]}"
            except urllib.error.HTTPError as exc:
                errors.append(f"HTTP {exc.code}: {exc.read()[:300]!r}")
            except (urllib.error.URLError, ConnectionError, OSError):
                # Not up yet, or no answer in time: the same key again, so never a second case.
                time.sleep(0.3)
            time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(2)]
    try:
        for t in threads:
            t.start()
        assert output.wait_for(RUNNING, 240), output.text[-3000:]
        assert output.wait_for(DONE, 300), output.text[-3000:]
        stop.set()
        for t in threads:
            t.join(timeout=30)
        manager.send_signal(signal.SIGINT)  # Ctrl-C
        assert manager.wait(timeout=60) == 0
    finally:
        stop.set()
        if manager.poll() is None:
            manager.kill()
            manager.wait()
    output.thread.join(timeout=10)
    text = output.text
    assert "database is locked" not in text.lower()
    assert not errors, errors[:5]
    started, finished = output.seen[RUNNING], output.seen[DONE]
    # Residents' submissions went through while the surveillance pass ran.
    assert any(started <= at <= finished for at, _ in receipts), (started, finished, receipts[-3:])
    # Both processes' lines are prefixed; both stopped on Ctrl-C.
    assert "web    | " in text and "worker | " in text
    # (The worker finishes the task in hand first, or records it as failed if it runs long.)
    assert re.search(r"^web +\| stopped \(exit 0\)", text, re.M), text[-2000:]
    assert re.search(r"^worker +\| stopped \(exit -?\d+\)", text, re.M), text[-2000:]
    with sqlite3.connect(database) as db_file:
        runs = db_file.execute("SELECT COUNT(*) FROM warning_surveillancerun").fetchone()[0]
        cases = db_file.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]
    assert runs == 1 and cases == 3000 + len(receipts)
