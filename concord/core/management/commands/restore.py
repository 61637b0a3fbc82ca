from django.core.management.base import BaseCommand, CommandError

from concord.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup written by `concord backup` (stop the server first)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        try:
            restore(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Restored. Run `concord audit verify` to check the event chain.")
