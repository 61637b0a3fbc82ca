"""Measure the Open311 server: POST latency, and GET requests with the full 1000 rows.

Run with ``python benchmarks/bench_open311.py``; it builds a throw-away SQLite database in a
temporary directory, prints numbers and asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["CONCORD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median={statistics.median(samples):.1f} ms p95={p95:.1f} ms (n={len(samples)})"


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.test import Client

        from concord.open311.actions import api_key_issue
        from concord.testing import build_world

        world = build_world()
        _, raw = api_key_issue(actor=world.adam, name="bench", rate_limit_per_minute=100_000)
        client = Client()

        def post() -> None:
            response = client.post(
                "/open311/v2/requests.json",
                {
                    "api_key": raw,
                    "service_code": "CM04.02.003",
                    "lat": "30.05",
                    "long": "120.05",
                    "description": "夜间施工噪音",
                    "attribute[noise_source]": "construction",
                },
            )
            assert response.status_code == 200, response.content

        print("POST requests.json        ", summary(timed(post, 1000)))
        for fmt in ("json", "xml"):

            def get(fmt=fmt) -> None:
                response = client.get(f"/open311/v2/requests.{fmt}")
                assert response.status_code == 200

            print(f"GET requests.{fmt} (1000 rows)", summary(timed(get, 20)))
        print(
            "GET servicerequestupdates.json",
            summary(timed(lambda: client.get("/open311/v2/servicerequestupdates.json"), 20)),
        )
        print(
            "GET services.xml          ",
            summary(timed(lambda: client.get("/open311/v2/services.xml"), 50)),
        )


if __name__ == "__main__":
    main()
