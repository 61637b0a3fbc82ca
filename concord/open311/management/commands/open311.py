from django.core.management.base import BaseCommand, CommandError

from concord.core.errors import ConcordError
from concord.open311.actions import api_key_issue, api_key_revoke
from concord.open311.models import ApiKey


class Command(BaseCommand):
    help = "Manage Open311 GeoReport v2 API keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue-key", help="Create an API key.")
        issue.add_argument("name", help="Who the key is for, e.g. the app's name.")
        issue.add_argument(
            "--print", action="store_true", dest="print_only", help="Print the key alone."
        )
        issue.add_argument(
            "--rate-limit", type=int, default=60, help="Keyed requests per minute (default 60)."
        )
        revoke = sub.add_parser("revoke-key", help="Revoke an API key by its prefix.")
        revoke.add_argument("prefix", help="The key's first characters, as the admin lists them.")

    def handle(self, *args, **options):
        try:
            if options["action"] == "issue-key":
                self._issue(options)
            else:
                self._revoke(options["prefix"])
        except ConcordError as error:
            raise CommandError(error.message) from error

    def _issue(self, options) -> None:
        key, raw = api_key_issue(
            actor=None, name=options["name"], rate_limit_per_minute=options["rate_limit"]
        )
        if options["print_only"]:
            self.stdout.write(raw)
            return
        self.stdout.write(f"Open311 API key for {key.name} (shown once, keep it safe):")
        self.stdout.write(raw)

    def _revoke(self, prefix: str) -> None:
        keys = list(ApiKey.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True)[:2])
        if len(keys) != 1:
            raise CommandError("No single active key starts with that prefix.")
        api_key_revoke(actor=None, key=keys[0])
        self.stdout.write(f"Revoked {keys[0]}.")
