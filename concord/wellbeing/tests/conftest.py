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
