"""No lost submissions: clients keep submitting while the server is SIGKILLed and restarted.

Every receipt a client got is a stored case, no Idempotency-Key made two cases, and the audit
chain verifies. Runs against a real `concord serve` (gunicorn) on PostgreSQL, and on SQLite
with fewer clients.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import uuid
from pathlib import Path

import pytest

from .harness import Server, postgres_database, submit

pytestmark = pytest.mark.slow


def run_scenario(server: Server, *, clients: int, per_client: int) -> tuple[dict, list[str]]:
    receipts: dict[str, str] = {}
    keys: list[str] = []
    lock = threading.Lock()
    errors: list[str] = []

    def client(c: int) -> None:
        for n in range(per_client):
            key = f"{c}-{n}-{uuid.uuid4().hex[:16]}"
            with lock:
                keys.append(key)
            deadline = time.monotonic() + 120
            while True:
                try:
                    body = submit(server.url, key, n)
                    with lock:
                        receipts[key] = body["receipt_code"]
                    break
                # Anything can break mid-response when the server dies (a reset, a truncated
                # body, half a JSON document): the client retries with the same key.
                except Exception as exc:  # noqa: BLE001
                    if isinstance(exc, urllib.error.HTTPError) and exc.code < 500:
                        errors.append(f"{key}: HTTP {exc.code}")
                        break
                    if time.monotonic() > deadline:
                        errors.append(f"{key}: gave up ({exc})")
                        break
                    time.sleep(0.2)  # the server is down: retry with the same key

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    # Let traffic build up, then pull the plug without warning and bring the server back.
    time.sleep(2.0)
    server.kill()
    time.sleep(1.0)
    server.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]
    return receipts, keys


def check(server: Server, receipts: dict, keys: list[str]) -> None:
    out = server.manage(
        "shell",
        "-c",
        (
            "from concord.cases.models import Case, IdempotencyKey\n"
            "import json\n"
            "print(json.dumps({'codes': list(Case.objects.values_list('receipt_code', flat=True)),"
            " 'keys': list(IdempotencyKey.objects.values_list('key', flat=True))}))"
        ),
    ).stdout
    import json

    stored = json.loads(out.strip().splitlines()[-1])
    assert set(receipts.values()) <= set(stored["codes"]), (
        "a receipt was given for a case that is not stored"
    )
    assert len(stored["keys"]) == len(set(stored["keys"])), "a key produced two cases"
    assert len(stored["codes"]) == len(stored["keys"]) == len(receipts) == len(keys)
    verify = server.manage("audit", "verify", check=False)
    assert verify.returncode == 0, verify.stderr


@pytest.mark.postgres
def test_no_submission_is_lost_when_the_server_is_killed_on_postgres(tmp_path: Path):
    with postgres_database(os.environ["DATABASE_URL"]) as url:
        server = Server(database_url=url, data_dir=tmp_path, workers=2, threads=4)
        server.start(seed=True)
        try:
            receipts, keys = run_scenario(server, clients=12, per_client=20)
            check(server, receipts, keys)
        finally:
            server.stop()


def test_no_submission_is_lost_when_the_server_is_killed_on_sqlite(tmp_path: Path):
    server = Server(
        database_url=f"sqlite:///{tmp_path / 'durability.sqlite3'}",
        data_dir=tmp_path,
        workers=2,
        threads=2,
    )
    server.start(seed=True)
    try:
        receipts, keys = run_scenario(server, clients=4, per_client=15)
        check(server, receipts, keys)
    finally:
        server.stop()
