import os

from django.core.management.base import BaseCommand, CommandError

from concord.core.backup import PASSPHRASE_ENV, BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup to PATH: the database (SQLite backup API or pg_dump), the media files "
        f"and the keys, the keys sealed with a passphrase (--passphrase or {PASSPHRASE_ENV})."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--passphrase",
            default=None,
            help=f"Passphrase sealing the keys (default: the {PASSPHRASE_ENV} variable).",
        )

    def handle(self, *args, **options):
        passphrase = options["passphrase"] or os.environ.get(PASSPHRASE_ENV, "")
        try:
            path = backup(options["path"], passphrase=passphrase)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path} (database, media and sealed keys).")
