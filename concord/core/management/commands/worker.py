import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from concord.core.datadir import PreparesDataDir
from concord.core.schedule import enqueue_due


class Command(PreparesDataDir, BaseCommand):
    help = "Run background tasks and the periodic schedule (deadline tick, early warning …)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule-interval", type=float, default=30.0)
        parser.add_argument("--no-schedule", action="store_true")
        parser.add_argument(
            "--once", action="store_true", help="Queue due jobs, run the queue, exit."
        )

    def handle(self, *args, **options):
        if options["once"]:
            queued = enqueue_due()
            self.stdout.write(f"queued: {', '.join(queued) or 'nothing'}")
            self._run_queue(max_tasks=1000, once=True)
            return
        if not options["no_schedule"]:
            threading.Thread(
                target=self._scheduler, args=(options["schedule_interval"],), daemon=True
            ).start()
        self._run_queue(max_tasks=None, once=False)

    def _scheduler(self, interval: float) -> None:

        while True:
            try:
                enqueue_due()
            finally:
                close_old_connections()
            time.sleep(interval)

    def _run_queue(self, *, max_tasks, once: bool) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            from django_rq import get_worker  # noqa: PLC0415 (optional dependency)

            get_worker("default").work(burst=once)
            return
        if "Immediate" in backend:
            return
        args = ["db_worker", "--queue-name", "*", "--no-startup-delay"]
        if once:
            args += ["--batch"]
        call_command(*args)
