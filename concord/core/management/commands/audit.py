import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from concord.core import checkpoints


class Command(BaseCommand):
    help = (
        "The ledger: `verify` checks every stream against the signed checkpoints (exit 1 naming "
        "the first bad stream and event); `checkpoint` signs the stream heads now; `keygen` "
        "writes the signing key."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every stream and the last signed checkpoint.")
        sub.add_parser("checkpoint", help="Sign the current stream heads and store them outside.")
        keygen = sub.add_parser("keygen", help="Write a new Ed25519 signing key file.")
        keygen.add_argument("--if-missing", action="store_true", help="Do nothing if one exists.")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "keygen":
                return self._keygen(options["if_missing"])
            if action == "checkpoint":
                return self._checkpoint()
        except checkpoints.LedgerKeyError as exc:
            raise CommandError(str(exc)) from exc
        return self._verify()

    def _keygen(self, if_missing: bool) -> None:
        private, public = checkpoints.key_paths()
        if if_missing and private.exists():
            self.stdout.write(f"Signing key present: {private}")
            return
        checkpoints.generate_key()
        self.stdout.write(f"Signing key written to {private} (public half: {public}).")

    def _checkpoint(self) -> None:
        w = checkpoints.write_checkpoint()
        self.stdout.write(
            f"Checkpoint {w.number}: {w.streams} streams, {w.events} events, root {w.root} "
            f"({w.leaves} heads moved since the last one)."
        )
        for name in w.mirrors_failed:
            self.stderr.write(f"WARNING: could not copy the checkpoint to {name}")

    def _verify(self) -> None:
        total = checkpoints.events_total()
        bar = tqdm(
            total=total,
            unit="event",
            disable=total < 10_000 or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        done = 0

        def progress(checked: int) -> None:
            nonlocal done
            bar.update(checked - done)
            done = checked

        try:
            report = checkpoints.verify_ledger(progress=progress)
        except checkpoints.LedgerKeyError as exc:
            bar.close()
            raise CommandError(f"cannot check signatures: {exc}") from exc
        bar.close()
        for warning in report.warnings:
            self.stderr.write(f"WARNING: {warning}")
        problem = report.problem
        if problem:
            where = f"stream={problem.stream}"
            if problem.event_id is not None:
                where = f"event id={problem.event_id} {where}"
            if problem.seq is not None:
                where += f" seq={problem.seq}"
            self.stderr.write(f"BROKEN at {where}: {problem.reason}")
            sys.exit(1)
        anchored = f", held to signed checkpoint {report.checkpoint}" if report.checkpoint else ""
        self.stdout.write(f"OK: {report.checked} events in an intact chain{anchored}.")
