"""One public warning to 100,000 followers: the fan-out's writes, then the worker's sends.

Builds a throw-away SQLite database in a temporary data directory (or uses DATABASE_URL if it
is set, e.g. a scratch PostgreSQL database), loads a county with one village and N people who
follow the village and receive text messages, then:

1. times `warning_deliver` (the task the issue of a warning enqueues): the inbox rows and one
   text-message delivery per follower, written in batches (target: within 10 s for 100,000);
2. runs the task worker (`db_worker --batch`, as `concord worker` runs it) over the queued
   batches with the file SMS gateway, and reports the delivery rate.

    .venv/bin/python benchmarks/bench_warning_fanout.py [--people 100000]

Prints the figures and the machine's load average; asserts that every follower got exactly one
text-message delivery row and that every delivery was sent.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S = 10.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="concord-fanout-"))
    os.environ.setdefault("CONCORD_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    outbox = data_dir / "sms-outbox.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(outbox)}}
    print(f"database: {settings.DATABASES['default']['ENGINE']}; data: {data_dir}")
    call_command("migrate", verbosity=0)

    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from concord.accounts.models import Membership, Unit, UnitKind, User
    from concord.accounts.roles import Role
    from concord.notifications.models import Delivery, Follow, Notification, Preference
    from concord.places.actions import place_upsert
    from concord.safety import actions

    county = place_upsert(code="BC", level="county", name_zh="基准县", name_en="Bench County")
    town = place_upsert(
        code="BT", level="town", name_zh="基准镇", name_en="Bench Town", parent=county
    )
    village = place_upsert(
        code="BV", level="village", name_zh="基准村", name_en="Bench Village", parent=town
    )
    unit = Unit.objects.create(
        code="GC-BC", kind=UnitKind.GOVERNANCE_CENTRE, place=county, name_zh="县中心", name_en="C"
    )
    chief = User.objects.create_user(username="chief", password="x")
    Membership.objects.create(user=chief, unit=unit, role=Role.SUPERVISOR, place=county)

    start = time.perf_counter()
    password = make_password(None)
    n = args.people
    User.objects.bulk_create(
        [
            User(
                username=f"r{i}",
                password=password,
                phone=f"139{i:08d}",
                language="en" if i % 5 == 0 else "zh-hans",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    ids = list(User.objects.filter(username__startswith="r").values_list("pk", flat=True))
    Preference.objects.bulk_create(
        [Preference(user_id=pk, email=False, sms=True) for pk in ids], batch_size=5000
    )
    Follow.objects.bulk_create(
        [Follow(user_id=pk, target="place", place=village, place_path=village.path) for pk in ids],
        batch_size=5000,
    )
    print(f"loaded {n:,} followers in {time.perf_counter() - start:.1f} s")

    # Issue without running its task; the fan-out is timed on its own below.
    from django.db import connection

    warning = actions.warning_issue(
        actor=chief,
        colour="yellow",
        hazard_type="flood",
        title_zh="暴雨黄色预警",
        title_en="Yellow rainstorm warning",
        instructions_zh="请远离河道。",
        instructions_en="Stay away from the river.",
        places=[village],
        ends_at=timezone.now() + timedelta(hours=12),
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the delivery task the issue queued: run by hand

    load = os.getloadavg()
    start, cpu0 = time.perf_counter(), cpu()
    told = actions.warning_deliver(warning_id=warning.pk)
    fanout_s, fanout_cpu = time.perf_counter() - start, cpu() - cpu0
    sms = Delivery.objects.filter(medium="sms", notification__kind="warning")
    rows = sms.count()
    assert told == n == rows, (told, n, rows)
    assert Notification.objects.filter(kind="warning").count() == n
    batches = DBTaskResult.objects.count()
    print(
        f"fan-out: {n:,} people told, {rows:,} text-message delivery rows (+{n:,} inbox rows) "
        f"in {fanout_s:.1f} s wall, {fanout_cpu:.1f} s CPU; {batches} batch tasks queued; "
        f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(f"target {TARGET_S:.0f} s: {'met' if fanout_s <= TARGET_S else 'NOT met'}")

    connection.close()
    start, cpu0 = time.perf_counter(), cpu()
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    send_s, send_cpu = time.perf_counter() - start, cpu() - cpu0
    sent = sms.filter(status="sent").count()
    lines = sum(1 for _ in outbox.open(encoding="utf-8"))
    assert sent == rows == lines, (sent, rows, lines)
    print(
        f"worker: {sent:,} text messages sent through the file gateway in {send_s:.1f} s wall, "
        f"{send_cpu:.1f} s CPU: {sent / send_s:,.0f} messages/s; "
        f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
