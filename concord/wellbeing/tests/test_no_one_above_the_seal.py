"""No one above the seal: sealed roles come only from a two-administrator grant in the ledger."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from concord.accounts.models import Membership, User
from concord.accounts.roles import Role
from concord.cases import actions as ca
from concord.core import checkpoints
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.models import Event
from concord.wellbeing import actions as wa
from concord.wellbeing import grants, selectors
from concord.wellbeing.models import CounsellorGrant, GrantState, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admins(world):
    """adam (from the world) and a second administrator, abe."""
    abe = User.objects.create_user(username="abe", password="x", display_name="Abe")
    Membership.objects.create(
        user=abe, unit=world.adam.memberships.first().unit, role=Role.ADMINISTRATOR, place=world.C
    )
    world.abe = abe
    return world


def newcomer():
    return User.objects.create_user(username="nina", password="x", display_name="Nina")


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def crisis_case(world):
    return ca.case_submit(
        kind="help_request",
        title="求助",
        description="我不想活了，准备好了安眠药",
        place=world.G111,
    ).case


# The grant ---------------------------------------------------------------------------------------


def test_a_grant_needs_a_second_administrator_and_is_a_ledger_event(admins, team):
    w, nina = admins, newcomer()
    grant = grants.grant_request(actor=w.adam, user=nina, team=team, reason="新同事")
    assert not selectors.may_counsel(nina)
    with pytest.raises(InvalidInput, match="second administrator"):
        grants.grant_decide(actor=w.adam, grant=grant, approve=True)
    grants.grant_decide(actor=w.abe, grant=grant, approve=True)
    nina = User.objects.get(pk=nina.pk)
    assert selectors.may_counsel(nina)
    kinds = list(
        Event.objects.filter(stream=f"counselling-team:{team.pk}").values_list("kind", "actor_id")
    )
    assert ("counsellor_grant_requested", w.adam.pk) in kinds
    assert ("counsellor_grant_approved", w.abe.pk) in kinds


def test_no_one_grants_themselves(admins, team):
    w = admins
    with pytest.raises(InvalidInput, match="themselves"):
        grants.grant_request(actor=w.adam, user=w.adam, team=team, reason="我自己")
    # Nor approves a request naming themselves that someone else made.
    grant = grants.grant_request(actor=w.abe, user=w.adam, team=team, reason="x")
    with pytest.raises(InvalidInput, match="second administrator"):
        grants.grant_decide(actor=w.adam, grant=grant, approve=True)


def test_only_administrators_ask_and_decide(admins, team):
    w, nina = admins, newcomer()
    with pytest.raises(PermissionDenied):
        grants.grant_request(actor=w.zoe, user=nina, team=team, reason="x")
    grant = grants.grant_request(actor=w.adam, user=nina, team=team, reason="x")
    with pytest.raises(PermissionDenied):
        grants.grant_decide(actor=w.cora, grant=grant, approve=True)
    assert CounsellorGrant.objects.get(pk=grant.pk).state == GrantState.PENDING


def test_a_refused_grant_gives_nothing_and_a_revoked_one_ends_the_role(admins, team):
    w, nina = admins, newcomer()
    refused = grants.grant_request(actor=w.adam, user=nina, team=team, reason="x")
    grants.grant_decide(actor=w.abe, grant=refused, approve=False, note="不认识")
    assert not selectors.may_counsel(User.objects.get(pk=nina.pk))
    granted = grants.grant_request(actor=w.adam, user=nina, team=team, reason="y")
    grants.grant_decide(actor=w.abe, grant=granted, approve=True)
    grants.grant_revoke(actor=w.cole, grant=granted, reason="离职")  # cole leads the team
    assert not selectors.may_counsel(User.objects.get(pk=nina.pk))
    assert Event.objects.filter(kind="counsellor_grant_revoked", actor=w.cole).exists()


def test_the_bootstrap_command_needs_the_signing_key_and_makes_only_a_first_grant(world):
    from concord.accounts.models import Unit, UnitKind

    team = Unit.objects.create(
        code="CT-T1", kind=UnitKind.COUNSELLING_TEAM, name_zh="镇心理服务队", place=world.T1
    )
    nina = newcomer()
    args = ["--user", "nina", "--team", "CT-T1", "--note", "新装"]
    with pytest.raises(CommandError, match="signing key"):
        call_command("grant_first_counsellor", *args)
    checkpoints.generate_key()
    call_command("grant_first_counsellor", *args)
    grant = CounsellorGrant.objects.get(team=team)
    assert grant.bootstrap and grant.state == GrantState.APPROVED and grant.requested_by is None
    event = Event.objects.get(kind="counsellor_grant_bootstrap")
    assert event.actor_id is None and event.data["bootstrap"] is True
    assert selectors.may_counsel(User.objects.get(pk=nina.pk))
    User.objects.create_user(username="otto", password="x")
    with pytest.raises(CommandError, match="two administrators"):
        call_command("grant_first_counsellor", "--user", "otto", "--team", "CT-T1", "--note", "x")


def test_sealed_reads_within_30_days_of_a_grant_are_listed_for_the_lead(admins, team, at):
    w, nina = admins, newcomer()
    at("2026-03-02 09:00")
    referral = Referral.objects.get(case=crisis_case(w))
    grant = grants.grant_request(actor=w.adam, user=nina, team=team, reason="x")
    grant = grants.grant_decide(actor=w.abe, grant=grant, approve=True)
    nina = User.objects.get(pk=nina.pk)
    at("2026-03-10 10:00")
    selectors.referral_for_counsellor(nina, referral.pk, why="好奇")
    selectors.referral_for_counsellor(w.cora, referral.pk, why="跟进")  # granted long ago
    at("2026-04-20 10:00")  # past the 30 days
    selectors.referral_for_counsellor(nina, referral.pk, why="跟进")
    reads = grants.reads_to_review(team)
    assert [(r.grant.user_id, r.referral_id, r.why) for r in reads] == [
        (nina.pk, referral.pk, "好奇")
    ]
    assert grant.decided_at + timedelta(days=30) > reads[0].at
    # The lead's page shows it; another counsellor of a led team does not get the page.
    page = staff_client(w.cole).get(f"/wellbeing/network/{team.code}/grants/")
    assert page.status_code == 200
    assert "好奇" in page.content.decode() and "nina" in page.content.decode().lower()
    assert staff_client(w.cora).get(f"/wellbeing/network/{team.code}/grants/").status_code == 404
    assert staff_client(w.adam).get(f"/wellbeing/network/{team.code}/grants/").status_code == 404


# The pages ---------------------------------------------------------------------------------------


def test_two_administrators_grant_through_the_page_in_both_languages(admins, team):
    w, nina = admins, newcomer()
    adam, abe = staff_client(w.adam), staff_client(w.abe)
    page = adam.get("/wellbeing/grants/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Counsellor grants" in page.content.decode()
    zh = adam.get("/wellbeing/grants/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "咨询员授权" in zh
    adam.post("/wellbeing/grants/", {"username": "nina", "team": team.code, "reason": "新同事"})
    grant = CounsellorGrant.objects.get(user=nina)
    adam.post("/wellbeing/grants/", {"decide": grant.pk, "approve": "1"})  # refused: same admin
    assert CounsellorGrant.objects.get(pk=grant.pk).state == GrantState.PENDING
    abe.post("/wellbeing/grants/", {"decide": grant.pk, "approve": "1"})
    assert CounsellorGrant.objects.get(pk=grant.pk).state == GrantState.APPROVED
    assert staff_client(w.zoe).get("/wellbeing/grants/").status_code == 403


def test_the_admin_forms_cannot_give_or_change_a_sealed_role(admins, team):
    w = admins
    w.adam.is_staff = w.adam.is_superuser = True
    w.adam.save()
    admin = staff_client(w.adam)
    # The attack of the security test: adding a counsellor membership for oneself.
    response = admin.post(
        "/admin/accounts/membership/add/",
        {
            "user": w.adam.pk,
            "unit": team.pk,
            "role": Role.COUNSELLOR,
            "place": w.C.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Membership.objects.filter(user=w.adam, role=Role.COUNSELLOR).exists()
    cora = Membership.objects.get(user=w.cora, role=Role.COUNSELLOR)
    assert admin.get(f"/admin/accounts/membership/{cora.pk}/change/").status_code == 200
    admin.post(
        f"/admin/accounts/membership/{cora.pk}/change/",
        {"user": w.adam.pk, "unit": team.pk, "role": Role.COUNSELLOR, "place": w.C.pk},
    )
    assert Membership.objects.get(pk=cora.pk).user_id == w.cora.pk
    assert (
        admin.post(f"/admin/accounts/membership/{cora.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    # No password set for a counsellor by an administrator (who could then sign in as them).
    response = admin.post(
        f"/admin/accounts/user/{w.cora.pk}/password/",
        {"password1": "Owned-by-admin-1", "password2": "Owned-by-admin-1"},
    )
    assert response.status_code == 403
    assert not User.objects.get(pk=w.cora.pk).check_password("Owned-by-admin-1")


# The referral event on the case -----------------------------------------------------------------


def test_the_referral_event_shows_only_to_the_owner_unit_and_the_counselling_team(world, team):
    from concord.testing_client import ApiClient

    case = crisis_case(world)
    assert Event.objects.filter(case=case, kind=wa.CASE_EVENT_KIND).exists()
    owner = Membership.objects.filter(unit_id=case.owner_unit_id, is_active=True).first().user

    def kinds(user):
        response = ApiClient(Client()).as_user(user).get(f"/cases/{case.pk}/events")
        assert response.status_code == 200
        return [e["kind"] for e in response.json()]

    assert wa.CASE_EVENT_KIND in kinds(owner)
    # A county-wide supervisor sees the case but not that it was referred.
    assert "submitted" in kinds(world.zoe) and wa.CASE_EVENT_KIND not in kinds(world.zoe)
    page = staff_client(world.zoe).get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "psychological" not in page.content.decode().lower()
    owner_page = staff_client(owner).get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "psychological" in owner_page.content.decode().lower()
