"""Volunteer teams, social organisations and community conventions."""

from datetime import date
from decimal import Decimal

import pytest

from concord.accounts.models import Unit, UnitKind
from concord.cases import actions as ca
from concord.cases.models import Category
from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.core.models import Event
from concord.participation import actions
from concord.participation.models import ConventionKind, TeamKind

pytestmark = pytest.mark.django_db


def mediation_case(world):
    return ca.case_submit(
        kind="dispute",
        title="邻里漏水纠纷",
        description="楼上漏水。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case


def test_a_volunteer_is_assigned_to_a_mediation_and_records_hours(world, at):
    at("2026-03-02 09:00")
    case = mediation_case(world)
    assert case.channel == "peoples_mediation" and case.owner_unit == world.u_v11_med
    team = actions.volunteer_team_create(
        actor=world.bob,
        unit=world.u_v11_med,
        name="桃村调解志愿队",
        kind=TeamKind.MEDIATION,
        place=world.V11,
    )
    volunteer = actions.volunteer_sign_up(
        actor=world.resident, team=team, skills=["调解", "法律常识"], availability="周末"
    )
    with pytest.raises(Conflict):
        actions.volunteer_sign_up(actor=world.resident, team=team, skills=[])
    with pytest.raises(PermissionDenied):
        actions.volunteer_assign(actor=world.carol, volunteer=volunteer, case=case)
    assignment = actions.volunteer_assign(
        actor=world.bob, volunteer=volunteer, case=case, role="协助调解"
    )
    assert Event.objects.filter(case=case, kind="volunteer_assigned").count() == 1
    actions.volunteer_record_hours(
        actor=world.bob, assignment=assignment, day=date(2026, 3, 2), hours=2.5
    )
    actions.volunteer_record_hours(
        actor=world.bob, assignment=assignment, day=date(2026, 3, 2), hours="1.5"
    )
    assignment.refresh_from_db()
    assert assignment.hours == Decimal("4.00")
    with pytest.raises(InvalidInput):
        actions.volunteer_record_hours(
            actor=world.bob, assignment=assignment, day=date(2026, 3, 2), hours=25
        )


def test_mediation_volunteers_join_mediation_cases_only(world):
    service = ca.case_submit(
        kind="service_request",
        title="路灯坏了",
        description="村口路灯坏了。",
        place=world.V11,
        category=Category.objects.get(code="CM01"),
    ).case
    team = actions.volunteer_team_create(
        actor=world.alice, unit=world.u_t1, name="调解队", kind=TeamKind.MEDIATION, place=world.T1
    )
    volunteer = actions.volunteer_sign_up(actor=world.resident, team=team, skills=[])
    with pytest.raises(InvalidInput):
        actions.volunteer_assign(actor=world.alice, volunteer=volunteer, case=service)
    patrol = actions.volunteer_assign(
        actor=world.alice, volunteer=volunteer, event_name="春节安全巡逻"
    )
    assert patrol.case is None


def test_a_social_organisation_is_linked_to_a_case_it_handles(world):
    unit = Unit.objects.create(
        code="SO-1",
        kind=UnitKind.SOCIAL_ORGANISATION,
        place=world.C,
        name_zh="阳光社工服务中心",
        name_en="Sunshine social work centre",
    )
    org = actions.organisation_register(
        actor=world.zoe,
        unit=unit,
        registration_number="5133X",
        services=["家庭调解", "心理疏导"],
        registered_on=date(2024, 1, 5),
    )
    contract = actions.organisation_contract_add(
        actor=world.zoe,
        organisation=org,
        purchaser=world.u_county,
        service="家庭纠纷调解服务",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        amount_yuan=Decimal("120000"),
    )
    case = mediation_case(world)
    link = actions.organisation_link_case(
        actor=world.bob, organisation=org, case=case, service="家庭纠纷调解服务", contract=contract
    )
    assert list(org.case_links.all()) == [link]
    assert Event.objects.filter(case=case, kind="organisation_linked").exists()
    with pytest.raises(Conflict):
        actions.organisation_link_case(actor=world.bob, organisation=org, case=case, service="x")


def test_a_convention_is_versioned_with_its_consultation(world, api):
    v1 = actions.convention_publish(
        actor=world.bob,
        place=world.V11,
        kind=ConventionKind.VILLAGE_RULES,
        title="桃村村规民约",
        text="一、邻里互助……",
        adopted_on=date(2025, 3, 1),
        consultation="村民代表会议讨论两次，公示十天。",
        meeting_attendance=40,
        votes_for=35,
        votes_against=3,
        abstentions=2,
    )
    v2 = actions.convention_publish(
        actor=world.bob,
        place=world.V11,
        kind=v1.convention.kind,
        title="",
        text="一、邻里互助；二、移风易俗……",
        adopted_on=date(2026, 3, 1),
        consultation="村民会议表决。",
        meeting_attendance=50,
        votes_for=44,
        convention=v1.convention,
    )
    assert (v1.number, v2.number) == (1, 2)
    with pytest.raises(InvalidInput):
        actions.convention_publish(
            actor=world.bob,
            place=world.V11,
            kind=v1.convention.kind,
            title="",
            text="x",
            adopted_on=date(2026, 4, 1),
            consultation="y",
            meeting_attendance=10,
            votes_for=5,
            convention=v1.convention,
        )
    items = api.anonymous().get("/participation/conventions", place="V11").json()["items"]
    assert [i["version"] for i in items] == [2, 1] and items[0]["votes_for"] == 44
