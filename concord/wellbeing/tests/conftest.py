import pytest

from concord.accounts.models import Membership
from concord.accounts.roles import Role


@pytest.fixture
def team(world):
    """The county counselling team with cora and a second counsellor, cole, who leads it."""
    from concord.accounts.models import User
    from concord.wellbeing.models import TeamProfile

    cole = User.objects.create_user(username="cole", password="x", display_name="Cole")
    Membership.objects.create(
        user=cole, unit=world.u_counselling, role=Role.COUNSELLOR, place=world.C
    )
    world.cole = cole
    TeamProfile.objects.create(unit=world.u_counselling, lead=cole)
    return world.u_counselling


@pytest.fixture(autouse=True)
def _on_commit_at_once(monkeypatch):
    """Run on-commit work at once: the test's own transaction never commits."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
