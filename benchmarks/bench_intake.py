"""Intake throughput: sustained accepted submissions per second through the HTTP API.

Starts `concord serve` (gunicorn) on a throw-away PostgreSQL database, drives it from many
concurrent keep-alive connections (wrk, from Debian's `wrk` package) for --seconds, and reports
accepted cases/s with p50/p99 latency, and the stored cases against the receipts given, next to a
`pgbench` single-row-insert baseline run on the same server in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/bench_intake.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


WRK_SCRIPT = r"""
-- Every request carries its own Idempotency-Key (thread id + counter), as a real client's would.
local thread_id, counter = 0, 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tid
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("intake-bench-%d-%d-%d", run_id, thread_id, counter),
  }, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %.1f %.1f %.1f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def drive(port: int, seconds: float, clients: int, threads: int = 2) -> dict[str, float]:
    """Drive the server with wrk (C, so the load generator takes little of the two cores)."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    body = json.dumps(
        {
            "kind": "service_request",
            "title": "路灯不亮",
            "description": "村口路灯坏了",
            "place": "V11",
        },
        ensure_ascii=False,
    )
    script = Path(tempfile.mkdtemp()) / "intake.lua"
    lua_body = body.replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(f'run_id = {time.time_ns() % 10**9}\nbody = "{lua_body}"\n' + WRK_SCRIPT)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, bad_status, errors, duration_us, p50, p99, mean = map(float, line.split()[1:])
    return {
        "accepted": requests - bad_status,
        "rejected": bad_status,
        "errors": errors,
        "seconds": duration_us / 1e6,
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "mean_ms": mean / 1000,
    }


class CpuMeter:
    """CPU seconds used by the server's processes and by PostgreSQL's backends for its database.

    Read from /proc every half second while a run lasts, so the figure per submission does not
    depend on what else the machine is doing (unlike throughput on shared cores).
    """

    def __init__(self, server_pgid: int, url: str):
        self.pgid, self.url = server_pgid, url
        self.db = url.rsplit("/", 1)[1]
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self._stop = threading.Event()

    @staticmethod
    def _cpu(pid: int) -> tuple[int, float] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # After the command: state ppid pgrp ... utime (11) stime (12), in clock ticks.
        return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self, conn, *, start: bool) -> None:
        pids = {
            pid: "postgres"
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.db],
            )
        }
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                read = self._cpu(int(entry.name))
                if read and read[0] == self.pgid:
                    pids[int(entry.name)] = "app"
        for pid, kind in pids.items():
            read = self._cpu(pid)
            if read is None:
                continue
            self.kind[pid] = kind
            self.first.setdefault(pid, read[1] if start else 0.0)
            self.last[pid] = read[1]

    def __enter__(self):
        import psycopg

        self.conn = psycopg.connect(self.url, autocommit=True)
        self._sample(self.conn, start=True)

        def loop():
            while not self._stop.wait(0.5):
                self._sample(self.conn, start=False)

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()
        self._sample(self.conn, start=False)
        self.conn.close()

    def seconds(self, kind: str) -> float:
        return sum(self.last[p] - self.first[p] for p in self.last if self.kind[p] == kind)


def stored_cases(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--clients", default="8,16,32", help="concurrent connections; a list runs one row each"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    rows = []
    with postgres_database(base) as url, tempfile.TemporaryDirectory() as data_dir:
        baseline = pgbench_baseline(url, 10)
        server = Server(
            database_url=url, data_dir=Path(data_dir), workers=args.workers, threads=args.threads
        )
        server.start(seed=True)
        try:
            receipts = drive(server.port, 5, levels[0])["accepted"]  # warm-up
            for clients in levels:
                with CpuMeter(server.proc.pid, url) as cpu:
                    run = drive(server.port, args.seconds, clients)
                run["app_cpu_ms"] = cpu.seconds("app") * 1000 / max(run["accepted"], 1)
                run["db_cpu_ms"] = cpu.seconds("postgres") * 1000 / max(run["accepted"], 1)
                receipts += run["accepted"]
                rows.append((clients, run))
        finally:
            server.stop()
        stored = stored_cases(url)
        load = os.getloadavg()[0]
    print(f"pgbench single-row inserts/s: {baseline:.0f}   (load average at the end: {load:.1f})")
    print(f"gunicorn: {args.workers} workers x {args.threads} threads; {args.seconds} s per row")
    print("CPU per submission: the server's processes (app) and PostgreSQL's backends (db)")
    print("clients  accepted/s   p50 ms   p99 ms  mean ms  refused  errors  app cpu ms  db cpu ms")
    for clients, run in rows:
        print(
            f"{clients:7d}  {run['accepted'] / run['seconds']:10.1f} {run['p50_ms']:8.1f} "
            f"{run['p99_ms']:8.1f} {run['mean_ms']:8.1f} "
            f"{run['rejected']:8.0f} {run['errors']:7.0f} "
            f"{run['app_cpu_ms']:11.2f} {run['db_cpu_ms']:10.2f}"
        )
    best = min(rows, key=lambda r: r[1]["app_cpu_ms"] + r[1]["db_cpu_ms"])[1]
    per = best["app_cpu_ms"] + best["db_cpu_ms"]
    print(f"ceiling on two idle cores at {per:.2f} CPU ms per submission: {2000 / per:.0f}/s")
    # Requests still in flight when wrk stops are stored but not counted: stored >= receipts.
    print(f"cases stored / receipts given: {stored} / {receipts:.0f}")
    if stored < receipts:
        sys.exit("LOST SUBMISSIONS: fewer cases stored than receipts given")


if __name__ == "__main__":
    main()
