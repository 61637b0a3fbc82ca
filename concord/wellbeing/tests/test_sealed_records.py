"""Sealed records: only counsellors of the responsible team read contents, and every read is
logged; every other role gets nothing through the API, the pages, exports or the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from concord.cases import actions as ca
from concord.core.models import Event
from concord.wellbeing import actions as wa
from concord.wellbeing.models import Referral
from concord.wellbeing.protocol import AssessmentAnswers

pytestmark = pytest.mark.django_db

SECRET = "秘密笔记-母亲去世后独居"
PLAN_SECRET = "把药交给女儿保管"


@pytest.fixture
def referral(world, team, at):
    at("2026-03-02 09:00")
    case = ca.case_submit(
        kind="help_request", title="求助", description="我不想活了，准备好了安眠药", place=world.V11
    ).case
    referral = Referral.objects.get(case=case)
    wa.referral_assess(
        actor=world.cora,
        referral=referral,
        answers=AssessmentAnswers(
            ideation=3, hopelessness=2, has_plan=False, has_means=False, act_in_progress=False
        ),
        notes=SECRET,
    )
    wa.referral_set_safety_plan(actor=world.cora, referral=referral, means_safety=PLAN_SECRET)
    return referral


def reads(referral):
    return Event.objects.filter(stream=wa.referral_stream(referral.pk), kind="sealed_read")


NON_COUNSELLORS = ["alice", "bob", "grace", "dora", "sam", "zoe", "carol", "ana", "adam"]


def test_a_counsellor_of_the_team_reads_the_referral_and_the_read_is_logged(world, api, referral):
    response = api.as_user(world.cora).get(f"/wellbeing/referrals/{referral.pk}", why="Follow-up")
    assert response.status_code == 200
    body = response.json()
    assert body["assessments"][0]["notes"] == SECRET
    assert body["safety_plan"]["means_safety"] == PLAN_SECRET
    (event,) = reads(referral)
    assert event.actor == world.cora and event.data == {"why": "Follow-up"}
    assert event.case_id is None


def test_a_read_without_a_reason_is_refused_and_not_logged(world, api, referral):
    response = api.as_user(world.cora).get(f"/wellbeing/referrals/{referral.pk}")
    assert response.status_code == 400 and "why" in response.json()["error"]["fields"]
    assert not reads(referral).exists()


@pytest.mark.parametrize("name", NON_COUNSELLORS)
def test_no_other_role_reads_contents_through_the_api(world, api, referral, name):
    client = api.as_user(getattr(world, name))
    detail = client.get(f"/wellbeing/referrals/{referral.pk}", why="curious")
    assert detail.status_code == 404
    queue = client.get("/wellbeing/queue")
    assert queue.status_code == 403
    for response in (detail, queue):
        assert SECRET not in response.content.decode()
    assert not reads(referral).exists()


def test_a_counsellor_of_another_team_cannot_read_it(world, api, referral):
    from concord.accounts.models import Membership, Unit, UnitKind, User
    from concord.accounts.roles import Role

    other = Unit.objects.create(
        code="CT-T2", kind=UnitKind.COUNSELLING_TEAM, place=world.T2, name_zh="西镇心理服务队"
    )
    olga = User.objects.create_user(username="olga", password="x")
    Membership.objects.create(user=olga, unit=other, role=Role.COUNSELLOR, place=world.T2)
    assert api.as_user(olga).get(f"/wellbeing/referrals/{referral.pk}", why="x").status_code == 404
    assert api.as_user(olga).get("/wellbeing/queue").json() == []


def test_the_case_shows_other_staff_only_that_it_was_referred(world, api, referral):
    response = api.as_user(world.alice).get(f"/cases/{referral.case_id}")
    assert response.status_code == 200
    text = response.content.decode()
    assert SECRET not in text and PLAN_SECRET not in text
    kinds = list(Event.objects.filter(case_id=referral.case_id).values_list("kind", "data"))
    assert (wa.CASE_EVENT_KIND, {}) in kinds
    assert all(SECRET not in str(data) for _kind, data in kinds)


@pytest.mark.parametrize("name", NON_COUNSELLORS)
def test_no_other_role_reads_contents_through_the_pages(world, client, referral, name):
    client.force_login(getattr(world, name))
    url = reverse("wellbeing:referral", args=[referral.pk]) + "?why=curious"
    assert client.get(url).status_code in (403, 404)
    assert client.get(reverse("wellbeing:queue")).status_code == 403
    assert client.get(reverse("wellbeing:exports")).status_code == 403
    assert not reads(referral).exists()


def test_the_counsellor_page_asks_why_then_shows_contents_and_logs(world, client, referral):
    client.force_login(world.cora)
    url = reverse("wellbeing:referral", args=[referral.pk])
    ask = client.get(url)
    assert ask.status_code == 200 and SECRET not in ask.content.decode()
    assert not reads(referral).exists()
    page = client.get(url, {"why": "Assessment"})
    assert SECRET in page.content.decode()
    assert reads(referral).count() == 1


def test_the_admin_shows_no_sealed_contents_to_an_administrator(world, client, referral):
    adam = world.adam
    adam.is_staff = adam.is_superuser = True
    adam.save()
    client.force_login(adam)
    assert client.get("/admin/wellbeing/referral/").status_code == 404
    assert client.get(f"/admin/wellbeing/referral/{referral.pk}/change/").status_code == 404
    assert client.get("/admin/wellbeing/assessment/").status_code == 404
    for model in admin.site._registry:
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        text = client.get(url).content.decode()
        assert SECRET not in text and PLAN_SECRET not in text, url
    assert SECRET not in client.get("/admin/").content.decode()


def test_export_needs_a_second_counsellor_and_logs_every_referral_read(world, api, referral):
    period = {"team": "CT-C", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    cora = api.as_user(world.cora)
    created = cora.post("/wellbeing/exports", {**period, "reason": "年度督导"})
    assert created.status_code == 200
    export_id = created.json()["id"]
    # The requester cannot approve it or download it before approval.
    assert cora.post(f"/wellbeing/exports/{export_id}/decide", {"approve": True}).status_code == 403
    assert cora.get(f"/wellbeing/exports/{export_id}/download").status_code == 409
    # A supervisor or administrator cannot approve, request or download.
    for name in ("zoe", "adam", "ana"):
        outsider = api.as_user(getattr(world, name))
        assert outsider.post(
            f"/wellbeing/exports/{export_id}/decide", {"approve": True}
        ).status_code in (403, 404)
        assert outsider.post("/wellbeing/exports", {**period, "reason": "x"}).status_code == 403
        assert outsider.get(f"/wellbeing/exports/{export_id}/download").status_code in (403, 404)
    cole = api.as_user(world.cole)
    assert cole.post(f"/wellbeing/exports/{export_id}/decide", {"approve": True}).status_code == 200
    # The approver does not get the file either: only the requester, once.
    assert cole.get(f"/wellbeing/exports/{export_id}/download").status_code == 403
    cora = api.as_user(world.cora)
    download = cora.get(f"/wellbeing/exports/{export_id}/download")
    assert download.status_code == 200 and SECRET in download.content.decode()
    assert reads(referral).get().data["why"].endswith("年度督导")
    assert cora.get(f"/wellbeing/exports/{export_id}/download").status_code == 409


def test_every_notice_about_a_referral_or_an_export_is_sealed_to_the_team(world, referral, at):
    """A notice that cannot be delivered is shown only to those who answer for it: sealed
    notices to their counselling team, never to supervisors or administrators."""
    from concord.notifications.models import Notification

    wa.export_request(
        actor=world.cora,
        team=world.u_counselling,
        date_from=referral.opened_at.date(),
        date_to=referral.opened_at.date(),
        reason="年度督导",
    )
    at("2026-03-09 09:00")
    wa.wellbeing_tick()
    notices = Notification.objects.filter(kind__startswith="wellbeing")
    kinds = set(notices.values_list("kind", flat=True))
    assert {"wellbeing_high", "wellbeing_export_request", "wellbeing_follow_up_missed"} <= kinds
    assert set(notices.values_list("sealed", "team")) == {(True, world.u_counselling.pk)}


def test_counts_are_suppressed_below_five(world, api, team, at):
    at("2026-03-02 09:00")
    for i in range(6):
        ca.case_submit(
            kind="help_request",
            title=f"t{i}",
            description="我不想活了，准备好了安眠药",
            place=world.V11,
        )
    case = ca.case_submit(kind="help_request", title="x", description="x", place=world.V12).case
    wa.case_mark_crisis(actor=world.alice, case=case, risk="imminent")
    response = api.as_user(world.ana).get(
        "/wellbeing/counts", place="C", date_from="2026-03-01", date_to="2026-03-31"
    )
    assert response.status_code == 200
    counts = response.json()["referrals"]
    # One imminent referral is hidden and, so that 7 − 6 cannot reveal it, so is "high".
    assert counts["total"] == 7
    assert counts["by_risk"] == {"imminent": None, "high": None, "moderate": 0, "low": 0}
    village = api.as_user(world.ana).get(
        "/wellbeing/counts", place="V11", date_from="2026-03-01", date_to="2026-03-31"
    )
    assert village.json()["referrals"]["by_risk"] == {
        "imminent": 0,
        "high": 6,
        "moderate": 0,
        "low": 0,
    }
    assert (
        api.as_user(world.resident)
        .get("/wellbeing/counts", place="C", date_from="2026-03-01", date_to="2026-03-31")
        .status_code
        == 403
    )
