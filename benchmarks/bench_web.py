"""Staff page latency: queue, case page and dashboard with the medium demo county on PostgreSQL.

Builds the medium demo county in a throw-away PostgreSQL database (or reuses one given with
--reuse), then renders each staff page REPEAT times in-process through Django's test client as
a town caseworker and a county supervisor, and prints p50/p95/max per page. Target: p95 < 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/bench_web.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0


def build_demo(url: str, data_dir: str, size: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "CONCORD_DATA_DIR": data_dir}
    python = sys.executable
    started = time.perf_counter()
    subprocess.run(
        [python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [python, "manage.py", "demo", "--size", size, "--core-only", "--no-progress", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(client, urls: list[str], repeat: int) -> list[float]:
    for url in urls[:2]:  # warm caches and code paths once
        client.get(url)
    times = []
    for i in range(repeat):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def run(url: str, repeat: int) -> list[tuple[str, str, list[float]]]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")
    import django

    django.setup()
    from django.test import Client

    from concord.accounts import permissions as perms
    from concord.accounts.models import Membership
    from concord.accounts.roles import Cap, Role
    from concord.cases.models import OPEN_STATUSES
    from concord.cases.selectors import cases_visible_to

    def busiest(role: str, level: str):
        rows = Membership.objects.filter(role=role, place__level=level, is_active=True)
        best, best_n = None, -1
        for m in rows.select_related("user")[:20]:
            n = cases_visible_to(m.user).count()
            if n > best_n:
                best, best_n = m.user, n
        return best, best_n

    results = []
    for role, level in ((Role.CASEWORKER, "town"), (Role.SUPERVISOR, "county")):
        user, n = busiest(role, level)
        if user is None:
            print(f"no {role} at {level} level in the demo; skipped")
            continue
        client = Client()
        client.force_login(user)
        perms.forget_grants(user)
        cases = list(
            cases_visible_to(user)
            .filter(status__in=list(OPEN_STATUSES))
            .order_by("-created_at")
            .values_list("pk", flat=True)[:50]
        )
        who = f"{role}@{level} ({user.username}, {n} cases visible)"
        results.append((who, "queue (unit)", measure(client, ["/staff/"], repeat)))
        results.append(
            (
                who,
                "queue (all, filtered)",
                measure(
                    client, ["/staff/?scope=all&clock=due_soon", "/staff/?scope=all&q=噪音"], repeat
                ),
            )
        )
        results.append(
            (who, "case page", measure(client, [f"/staff/cases/{pk}/" for pk in cases], repeat))
        )
        if perms.can(user, Cap.STATS_VIEW):
            results.append((who, "dashboard", measure(client, ["/staff/dashboard/"], repeat)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--reuse", help="Database URL that already holds the demo county.")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not args.reuse and not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (or pass --reuse URL).")

    with contextlib.ExitStack() as stack:
        if args.reuse:
            url = args.reuse
        else:
            from tests.reliability.harness import postgres_database

            url = stack.enter_context(postgres_database(base))
            data_dir = stack.enter_context(tempfile.TemporaryDirectory())
            seconds = build_demo(url, data_dir, args.size)
            print(f"built the {args.size} demo county in {seconds:.0f} s")
        results = run(url, args.repeat)
        from django.db import connections

        connections.close_all()

    print(f"{'persona':48} {'page':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for who, page, times in results:
        p95 = percentile(times, 95)
        worst = max(worst, p95)
        print(
            f"{who[:48]:48} {page:24} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f}"
        )
    print(
        f"worst p95 {worst:.1f} ms (target < {TARGET_MS:.0f} ms): "
        + ("met" if worst < TARGET_MS else "NOT met")
    )


if __name__ == "__main__":
    main()
