import os

from django.core.management.base import BaseCommand, CommandError

from concord.core.backup import PASSPHRASE_ENV, SEQUENCE_GAP, BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `concord backup`: database, media and keys (stop the "
        "server and the worker first). Refused, with nothing changed, when the passphrase "
        "does not open the backup's keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--passphrase",
            default=None,
            help=f"Passphrase the keys were sealed with (default: the {PASSPHRASE_ENV} variable).",
        )
        parser.add_argument(
            "--sequence-gap",
            type=int,
            default=SEQUENCE_GAP,
            help=(
                "Ids (and so receipt codes) skipped after the highest issued, so that none "
                "issued after the backup is issued again (default %(default)s)."
            ),
        )

    def handle(self, *args, **options):
        passphrase = options["passphrase"] or os.environ.get(PASSPHRASE_ENV, "")
        try:
            report = restore(options["path"], passphrase=passphrase, gap=options["sequence_gap"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        cases = report.sequences.get("cases_case")
        self.stdout.write(
            f"Restored the backup of {report.manifest.get('created')}: database, "
            f"{report.media_files} media files and the keys."
        )
        if cases is not None:
            self.stdout.write(f"New cases are numbered from {cases + 1}.")
        if report.checkpoint is not None:
            self.stdout.write(f"The restored ledger is signed as checkpoint {report.checkpoint}.")
        else:
            self.stdout.write(
                "No signing key: until `concord audit checkpoint` runs on the server that holds "
                "it, a checkpoint written after the backup shows the database as rolled back."
            )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            "Start Concord again so that it reads the restored keys, then run "
            "`concord audit verify`."
        )
