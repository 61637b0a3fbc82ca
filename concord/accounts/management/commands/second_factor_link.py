"""`concord second_factor_link USERNAME`: print a second-factor enrolment link (run on the server).

For the first administrator of a fresh install, who has no other administrator to ask.
"""

from django.core.management.base import BaseCommand, CommandError

from concord.accounts.enrolment import enrolment_link_issue
from concord.accounts.models import User


class Command(BaseCommand):
    help = "Print a one-time second-factor enrolment link for a staff account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        self.stdout.write(enrolment_link_issue(actor=None, user=user))
