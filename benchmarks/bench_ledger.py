"""The ledger at a million events: the move to `core`, a signed checkpoint, `audit verify`.

Creates a PostgreSQL database (default concord_ledger_bench) next to the one in DATABASE_URL,
migrates it to just before the ledger moved to `core`, loads N events the way the old code
sealed them (digest version 1, in streams of --per-stream events, 5 by default; 1 is the
shape of the million-case county, one event per case) with COPY, then times:

- `migrate core 0004_ledger` (table rename, digest-version column, stream heads filled);
- `concord audit checkpoint` (the first checkpoint, which anchors every old event);
- `concord audit verify` (target: at least a million events within 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_ledger.py [--events 1000000]

The database is dropped and created again on every run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 60.0


def server_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def manage(env: dict, *args: str) -> tuple[float, float]:
    """Run a command; return its wall time and the CPU time of its process (a fairer measure
    on a shared machine; the database server's own time is not in it)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def load_v1_events(url: str, n: int, per_stream: int) -> None:
    """COPY n events sealed with digest version 1 into the old table."""
    import psycopg

    from concord.core.ledger import GENESIS, canonical_json, digest_v1

    start = datetime(2024, 1, 1, tzinfo=UTC)
    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY cases_event (stream, seq, case_id, kind, actor_id, created_at, public, data, "
            "prev_hash, hash) FROM STDIN"
        ) as copy:
            prev, stream = GENESIS, ""
            for i in range(n):
                seq = i % per_stream + 1
                if seq == 1:
                    stream, prev = f"household:{i // per_stream}", GENESIS
                at = start + timedelta(seconds=i)
                data = {"note": f"visit {i}", "n": i % 97}
                digest = digest_v1(
                    prev_hash=prev,
                    stream=stream,
                    seq=seq,
                    kind="visited",
                    actor_id=None,
                    created_at=at,
                    public=False,
                    data=data,
                )
                copy.write_row(
                    (
                        stream,
                        seq,
                        None,
                        "visited",
                        None,
                        at,
                        False,
                        canonical_json(data),
                        prev,
                        digest,
                    )
                )
                prev = digest
        conn.commit()
        cur.execute("ANALYZE cases_event")
        conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--name", default="concord_ledger_bench")
    parser.add_argument("--per-stream", type=int, default=5, help="events in each stream")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (its database name is replaced).")
    url = server_url(base, args.name)
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.name}"')
        conn.execute(f'CREATE DATABASE "{args.name}"')
    data_dir = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CONCORD_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "concord.settings",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    import django

    django.setup()
    manage(env, "migrate", "-v0", "cases", "0013")
    manage(env, "migrate", "-v0", "core", "0003")
    t0 = time.perf_counter()
    load_v1_events(url, args.events, args.per_stream)
    load_s = time.perf_counter() - t0
    migrate_s = manage(env, "migrate", "-v0", "core", "0004")
    manage(env, "migrate", "-v0")
    manage(env, "audit", "keygen")
    checkpoint_s = manage(env, "audit", "checkpoint")
    verify_s = manage(env, "audit", "verify")
    print(f"events: {args.events:,} in {-(-args.events // args.per_stream):,} streams")
    print(f"load (COPY, version-1 digests): {load_s:.1f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    for label, (wall, cpu) in (
        ("migrate core 0004_ledger", migrate_s),
        ("audit checkpoint (the first, anchoring every event)", checkpoint_s),
        (f"audit verify (target {TARGET_S:.0f} s)", verify_s),
    ):
        print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
