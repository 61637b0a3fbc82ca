"""Run `concord serve` in a subprocess against its own database, for durability tests and
benchmarks. Traffic goes only to 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_database(base_url: str):
    """Create a throw-away PostgreSQL database next to the one in `base_url`; yield its URL."""
    name = f"concord_tmp_{uuid.uuid4().hex[:10]}"
    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    def __init__(self, *, database_url: str, data_dir: Path, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CONCORD_DATA_DIR": str(data_dir),
            "SECRET_KEY": "durability-test-key",
            "CONCORD_ALLOWED_HOSTS": "127.0.0.1",
            "CONCORD_SECURE_COOKIES": "0",
            # Many clients on one address on purpose: no per-address limit here.
            "CONCORD_PUBLIC_RATE_PER_MINUTE": "0",
        }
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "concord.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def start(self, *, seed: bool = False) -> None:
        self.manage("migrate", "--no-input")
        if seed:
            self.manage("shell", "-c", SEED)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "concord.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--no-migrate",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError("server did not come up")

    def kill(self) -> None:
        """SIGKILL the whole server process group: no graceful shutdown."""
        if self.proc:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            self.proc = None

    def stop(self) -> None:
        if self.proc:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc = None


SEED = """
from concord.places.actions import place_upsert
from concord.accounts.models import Unit
sq = lambda x, y, s: {"type": "Polygon", "coordinates": [[[x, y], [x+s, y], [x+s, y+s], [x, y+s], [x, y]]]}
c = place_upsert(code="C", level="county", name_zh="县", boundary=sq(120, 30, 1))
t = place_upsert(code="T1", level="town", name_zh="镇", parent=c, boundary=sq(120, 30, .5))
v = place_upsert(code="V11", level="village", name_zh="村", parent=t, boundary=sq(120, 30, .25))
for code, kind, place in [("GC-C", "governance_centre", c), ("GC-T1", "governance_centre", t),
                          ("MC-V11", "mediation_committee", v), ("GS-V11", "grid_station", v)]:
    Unit.objects.get_or_create(code=code, defaults=dict(kind=kind, place=place, name_zh=code))
"""


def submit(url: str, key: str, n: int, timeout: float = 10.0, place: str = "V11") -> dict:
    body = json.dumps(
        {
            "kind": "dispute",
            "title": f"提交 {n}",
            "description": "耐久性测试 durability",
            "place": place,
        }
    ).encode()
    req = urllib.request.Request(
        url + "/api/v1/cases",
        data=body,
        method="POST",  # noqa: S310
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310
        return json.loads(r.read())
