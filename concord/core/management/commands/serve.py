import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from concord.core.datadir import PreparesDataDir
from concord.core.procs import Child, Manager
from concord.wsgi import application


class Command(PreparesDataDir, BaseCommand):
    help = (
        "Run Concord's production server (gunicorn) after applying migrations; with "
        "--with-worker, run the background worker beside it (as `make demo` does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1)))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (by default they are collected only when "
            "their sources changed since the last collection).",
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help=(
                "Also run `concord worker` (tasks and the periodic schedule). Both processes' "
                "output is shown with a prefix; Ctrl-C stops both."
            ),
        )

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not options["no_collectstatic"]:
            from concord.core.statics import collect_static_if_changed

            if collect_static_if_changed():
                self.stdout.write("Static files collected (their sources changed).")
        if options["with_worker"]:
            sys.exit(self._with_worker(options))
        from gunicorn.app.base import BaseApplication

        bind = f"{options['host']}:{options['port']}"

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("timeout", 60)
                self.cfg.set("graceful_timeout", 10)
                self.cfg.set("accesslog", None)

            def load(self):
                return application

        self.stdout.write(f"Concord is serving at http://{bind}/ (Ctrl+C stops it)")
        self.stdout.flush()
        Server().run()

    def _with_worker(self, options) -> int:
        """Run the server and the worker as two child processes under one manager."""

        os.environ["PYTHONUNBUFFERED"] = "1"  # children's lines appear as they are written
        concord = [sys.executable, "-m", "concord.cli"]
        web = [
            *concord,
            "serve",
            "--no-migrate",
            "--no-collectstatic",
            f"--host={options['host']}",
            f"--port={options['port']}",
            f"--workers={options['workers']}",
            f"--threads={options['threads']}",
        ]
        return Manager([Child("web", web), Child("worker", [*concord, "worker"])]).run()
