from django.core.management.base import BaseCommand, CommandError

from concord.accounts.models import Unit, User
from concord.core.errors import ConcordError
from concord.wellbeing import grants


class Command(BaseCommand):
    help = (
        "Make a counselling team's first counsellor grant from the server that holds the "
        "ledger's signing key (a fresh install or the demo, with no second administrator yet). "
        "It is recorded in the ledger as a bootstrap grant; later grants need two administrators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="user name of the counsellor")
        parser.add_argument("--team", required=True, help="code of the counselling team")
        parser.add_argument("--note", required=True, help="why (kept with the grant)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        team = Unit.objects.filter(code=options["team"]).first()
        if user is None or team is None:
            raise CommandError("No such user or team.")
        try:
            grant = grants.grant_bootstrap(user=user, team=team, note=options["note"])
        except ConcordError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Granted: {user.username} counsels in {team.code} (grant {grant.pk}).")
