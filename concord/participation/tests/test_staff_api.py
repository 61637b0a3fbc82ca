"""Staff API for volunteer teams, social organisations and conventions: allowed and refused."""

import pytest

from concord.accounts.models import Unit, UnitKind
from concord.cases import actions as ca
from concord.cases.models import Category
from concord.participation import actions
from concord.participation.models import (
    Convention,
    HoursEntry,
    OrganisationCase,
    ResidentVerification,
    TeamKind,
    VolunteerAssignment,
    VolunteerTeam,
)

pytestmark = pytest.mark.django_db


def mediation_case(world):
    return ca.case_submit(
        kind="dispute",
        title="邻里漏水纠纷",
        description="楼上漏水。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case


def test_staff_create_a_team_and_others_are_refused(world, api):
    body = {"unit": "MC-V11", "place": "V11", "name": "桃村调解志愿队", "kind": "mediation"}
    assert api.anonymous().post("/participation/teams", body).status_code == 401
    assert api.as_user(world.carol).post("/participation/teams", body).status_code == 403
    assert (
        api.as_user(world.bob).post("/participation/teams", {**body, "kind": "x"}).status_code
        == 400
    )
    r = api.as_user(world.bob).post("/participation/teams", body)
    assert r.status_code == 200, r.content
    assert VolunteerTeam.objects.get(pk=r.json()["id"]).name == "桃村调解志愿队"


def test_a_volunteer_is_assigned_to_a_case_and_an_event_and_hours_are_recorded(world, api, at):
    at("2026-03-02 09:00")
    case = mediation_case(world)
    team = actions.volunteer_team_create(
        actor=world.bob,
        unit=world.u_v11_med,
        name="调解队",
        kind=TeamKind.MEDIATION,
        place=world.V11,
    )
    volunteer = actions.volunteer_sign_up(actor=world.resident, team=team, skills=["调解"])
    listed = api.as_user(world.bob).get(f"/participation/teams/{team.pk}/volunteers").json()
    assert [v["id"] for v in listed["items"]] == [volunteer.pk]
    assert (
        api.as_user(world.carol).get(f"/participation/teams/{team.pk}/volunteers").status_code
        == 404
    )

    path = f"/participation/teams/{team.pk}/assignments"
    refused = api.as_user(world.carol).post(path, {"volunteer": volunteer.pk, "case": case.pk})
    assert refused.status_code == 404
    r = api.as_user(world.bob).post(
        path, {"volunteer": volunteer.pk, "case": case.pk, "role": "协助"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["case"] == case.pk
    again = api.as_user(world.bob).post(path, {"volunteer": volunteer.pk, "case": case.pk})
    assert again.status_code == 409
    event = api.as_user(world.bob).post(path, {"volunteer": volunteer.pk, "event_name": "调解培训"})
    assert event.status_code == 200 and event.json()["event"] == "调解培训"
    assert VolunteerAssignment.objects.count() == 2

    hours = f"/participation/assignments/{r.json()['id']}/hours"
    assert (
        api.as_user(world.carol).post(hours, {"day": "2026-03-02", "hours": 2}).status_code == 404
    )
    assert api.as_user(world.bob).post(hours, {"day": "2026-03-02", "hours": 30}).status_code == 400
    ok = api.as_user(world.bob).post(hours, {"day": "2026-03-02", "hours": 2.5})
    assert ok.status_code == 200 and ok.json()["total"] == "2.50"
    assert HoursEntry.objects.count() == 1


def test_a_social_organisation_is_registered_and_linked_to_a_case(world, api):
    Unit.objects.create(
        code="SO-1",
        kind=UnitKind.SOCIAL_ORGANISATION,
        place=world.C,
        name_zh="阳光社工",
        name_en="Sun",
    )
    body = {
        "unit": "SO-1",
        "registration_number": "5133X",
        "services": ["家庭调解"],
        "registered_on": "2024-01-05",
    }
    assert api.as_user(world.bob).post("/participation/organisations", body).status_code == 403
    assert (
        api.as_user(world.zoe)
        .post("/participation/organisations", {**body, "unit": "GC-C"})
        .status_code
        == 400
    )
    r = api.as_user(world.zoe).post("/participation/organisations", body)
    assert r.status_code == 200, r.content
    org = r.json()["id"]
    case = mediation_case(world)
    link = {"case": case.pk, "service": "家庭纠纷调解"}
    path = f"/participation/organisations/{org}/cases"
    assert api.as_user(world.carol).post(path, link).status_code == 404
    ok = api.as_user(world.bob).post(path, link)
    assert ok.status_code == 200 and ok.json()["case"] == case.pk
    assert OrganisationCase.objects.get().service == "家庭纠纷调解"
    assert (
        api.as_user(world.bob).post("/participation/organisations/9999/cases", link).status_code
        == 404
    )


def test_conventions_are_published_and_versioned_by_staff(world, api):
    body = {
        "place": "V11",
        "kind": "village_rules",
        "title": "桃村村规民约",
        "text": "一、邻里互助。",
        "adopted_on": "2025-03-01",
        "consultation": "村民代表会议讨论两次。",
        "meeting_attendance": 40,
        "votes_for": 35,
    }
    assert api.anonymous().post("/participation/conventions", body).status_code == 401
    assert api.as_user(world.carol).post("/participation/conventions", body).status_code == 403
    assert (
        api.as_user(world.bob)
        .post("/participation/conventions", {**body, "kind": "nonsense"})
        .status_code
        == 400
    )
    r = api.as_user(world.bob).post("/participation/conventions", body)
    assert r.status_code == 200 and r.json()["version"] == 1
    pk = r.json()["convention"]
    version = {
        "text": "二、移风易俗。",
        "adopted_on": "2026-03-01",
        "consultation": "村民会议表决。",
        "meeting_attendance": 50,
        "votes_for": 20,
    }
    path = f"/participation/conventions/{pk}/versions"
    assert api.as_user(world.carol).post(path, version).status_code == 403
    assert api.as_user(world.bob).post(path, version).status_code == 400  # not a majority
    ok = api.as_user(world.bob).post(path, {**version, "votes_for": 44})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert Convention.objects.get().versions.count() == 2
    assert (
        api.as_user(world.bob).post("/participation/conventions/9999/versions", version).status_code
        == 404
    )


def test_a_grid_worker_verifies_a_resident_in_person_and_others_are_refused(world, api):
    body = {"resident": "resident", "place": "G111", "phone": "13800009999"}
    assert api.anonymous().post("/participation/verify/in-person", body).status_code == 401
    assert api.as_user(world.carol).post("/participation/verify/in-person", body).status_code == 403
    assert (
        api.as_user(world.grace)
        .post("/participation/verify/in-person", {**body, "resident": "nobody"})
        .status_code
        == 400
    )
    r = api.as_user(world.grace).post("/participation/verify/in-person", body)
    assert r.status_code == 200 and r.json()["method"] == "in_person"
    assert ResidentVerification.objects.get().user == world.resident
