from django.core.management.base import BaseCommand, CommandError

from concord.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write an online backup of the database to PATH (SQLite backup API or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        try:
            path = backup(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path}")
