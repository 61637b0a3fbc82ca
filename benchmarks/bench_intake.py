"""Intake throughput: sustained accepted submissions per second through the HTTP API.

Starts `concord serve` (gunicorn) on a throw-away PostgreSQL database, drives it from many
concurrent keep-alive clients for DURATION seconds, and reports accepted cases/s with p50/p99
latency, next to a `pgbench` single-row-insert baseline run on the same server in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/bench_intake.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.harness import Server, postgres_database  # noqa: E402


def pgbench_baseline(url: str, seconds: int) -> float:
    """Return single-row INSERTs per second measured by pgbench with 4 clients."""
    script = Path(tempfile.mkdtemp()) / "insert.sql"
    script.write_text("INSERT INTO bench_rows (payload) VALUES ('x');\n")
    db = url.rsplit("/", 1)[1]
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(
        [
            "psql",
            *base,
            "-d",
            db,
            "-c",
            "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial primary key, payload text)",
        ],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        ["pgbench", *base, "-n", "-c", "4", "-j", "2", "-T", str(seconds), "-f", str(script), db],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("tps"):
            return float(line.split("=")[1].split()[0])
    raise RuntimeError(out)


def drive(port: int, seconds: float, clients: int) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = [0]
    accepted = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    body = json.dumps(
        {
            "kind": "service_request",
            "title": "路灯不亮",
            "description": "村口路灯坏了",
            "place": "V11",
        }
    ).encode()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        ok = bad = 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/api/v1/cases",
                    body=body,
                    headers={
                        "Content-Type": "application/json",
                        "Idempotency-Key": uuid.uuid4().hex,
                    },
                )
                r = conn.getresponse()
                r.read()
                if r.status == 201:
                    ok += 1
                    mine.append(time.perf_counter() - t0)
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            latencies.extend(mine)
            accepted[0] += ok
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, accepted[0], errors[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    with postgres_database(base) as url, tempfile.TemporaryDirectory() as data_dir:
        baseline = pgbench_baseline(url, 10)
        server = Server(
            database_url=url, data_dir=Path(data_dir), workers=args.workers, threads=args.threads
        )
        server.start(seed=True)
        try:
            drive(server.port, 3, args.clients)  # warm-up
            latencies, accepted, errors = drive(server.port, args.seconds, args.clients)
        finally:
            server.stop()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"pgbench single-row inserts/s      {baseline:10.0f}")
    print(f"accepted submissions/s            {accepted / args.seconds:10.1f}")
    print(f"latency p50 / p99 (ms)            {p(0.5):10.1f} / {p(0.99):.1f}")
    print(f"mean latency (ms)                 {statistics.fmean(latencies) * 1000:10.1f}")
    print(f"errors                            {errors:10d}")
    print(f"clients / workers x threads       {args.clients} / {args.workers} x {args.threads}")


if __name__ == "__main__":
    main()
