"""Every read is scoped by role and place, and sensitive cases by unit."""

import pytest

from concord.cases import actions
from concord.cases.models import Category
from concord.cases.selectors import cases_visible_to, get_case_for_user
from concord.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    def submit(place, category=None, kind="service_request"):
        cat = Category.objects.get(code=category) if category else None
        return actions.case_submit(
            kind=kind, title="t", description="d", place=place, category=cat
        ).case

    return {
        "v11": submit(world.V11),
        "g111": submit(world.G111),
        "v12": submit(world.V12),
        "v21": submit(world.V21),
        # 婚姻家庭 is sensitive: owned by the village mediation committee.
        "v11_family": submit(world.V11, "DP.01", "dispute"),
    }


# persona → which of the cases they can see
EXPECTED = {
    "alice": {"v11", "g111", "v12"},  # T1 caseworker: not the sensitive one
    "bob": {"v11", "g111", "v11_family"},  # V11 mediator: owns the family dispute
    "grace": {"g111"},  # grid worker: only her grid
    "dora": {"v11", "g111", "v12", "v21"},  # county department: ordinary cases
    "sam": {"v11", "g111", "v12", "v11_family"},  # T1 supervisor: sensitive too
    "zoe": {"v11", "g111", "v12", "v21", "v11_family"},
    "carol": {"v21"},
    "ana": set(),  # analysts see aggregates only
    "adam": set(),  # administrators run the platform
    "cora": set(),  # counsellors see referrals, not cases
    "resident": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_exactly_the_cases_of_its_place_and_sensitivity(world, cases, persona):
    user = getattr(world, persona)
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    assert visible == {cases[name].pk for name in EXPECTED[persona]}
    for name, case in cases.items():
        if name in EXPECTED[persona]:
            assert get_case_for_user(user, case.pk).pk == case.pk
        else:
            with pytest.raises(NotFound):
                get_case_for_user(user, case.pk)


def test_the_family_dispute_is_sensitive(cases):
    assert cases["v11_family"].sensitivity == "sensitive"
    assert cases["v11_family"].level == "village"


def test_anonymous_sees_nothing(world, cases):
    from django.contrib.auth.models import AnonymousUser

    assert not cases_visible_to(AnonymousUser()).exists()


def test_a_grid_worker_files_for_a_resident_only_in_her_grid_and_with_consent(world):
    from concord.core.errors import InvalidInput, PermissionDenied

    with pytest.raises(InvalidInput):
        actions.case_submit(
            actor=world.grace,
            intake_channel="grid_worker",
            kind="service_request",
            title="路灯坏了",
            description="d",
            place=world.G111,
        )
    with pytest.raises(PermissionDenied):
        actions.case_submit(
            actor=world.grace,
            intake_channel="grid_worker",
            kind="service_request",
            title="路灯坏了",
            description="d",
            place=world.V21,
            on_behalf_consent="口头同意",
        )
    case = actions.case_submit(
        actor=world.grace,
        intake_channel="grid_worker",
        kind="service_request",
        title="路灯坏了",
        description="d",
        place=world.G111,
        on_behalf_consent="居民张某口头同意代为登记 2026-11-23",
    ).case
    assert case.filed_by == world.grace and case.submitted_by is None
    assert case.events.get(kind="submitted").data["on_behalf_consent"].startswith("居民张某")


def test_a_revoked_membership_loses_access(world, cases):
    from concord.accounts.models import Membership

    Membership.objects.filter(user=world.carol).update(is_active=False)
    world.carol.refresh_from_db()
    assert not cases_visible_to(world.carol).exists()
