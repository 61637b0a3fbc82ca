"""Who sees a failed delivery: supervisors and administrators over the place the notice is
about, and for a sealed (counselling) notice its team alone; nobody's failure goes unseen."""

import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.test import Client

from concord.accounts.models import ApiToken
from concord.cases import actions as case_actions
from concord.core.errors import NotFound
from concord.notifications import actions, selectors
from concord.notifications.gateways import GatewayError
from concord.notifications.models import Delivery, Notification


class Api:
    """The mounted API at /api/v1/notifications, with its error handlers."""

    def __init__(self):
        self.client = Client()

    def get(self, path: str, *, headers: dict):
        return self.client.get("/api/v1/notifications" + path, headers=headers)

    def post(self, path: str, *, headers: dict):
        return self.client.post(
            "/api/v1/notifications" + path, {}, content_type="application/json", headers=headers
        )


api = Api()


def _as(user) -> dict:
    _row, token = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def refusing(django_capture_on_commit_callbacks):
    """Run `send()` with a gateway that refuses every text message; return the failed ones."""
    gateway = mock.Mock(**{"send.side_effect": GatewayError("refused", retryable=False)})

    def run(send) -> list[Delivery]:
        before = set(Delivery.objects.values_list("pk", flat=True))
        with (
            mock.patch.object(actions, "sms_gateway", return_value=gateway),
            django_capture_on_commit_callbacks(execute=True),
        ):
            send()
        return list(Delivery.objects.filter(medium="sms", status="failed").exclude(pk__in=before))

    return run


def _texts(*people) -> None:
    for n, person in enumerate(people):
        actions.preference_set(actor=person, sms=True, phone=f"1380000{n:04d}")


def _sees(user, delivery) -> bool:
    return selectors.failed_deliveries_for(user).filter(pk=delivery.pk).exists()


def test_a_notice_about_a_case_is_watched_over_the_case_place(world, refusing):
    _texts(world.zoe, world.grace)
    west = case_actions.case_submit(
        kind="service_request", title="路灯", description="不亮", place=world.V21
    ).case
    east = case_actions.case_submit(
        kind="service_request", title="路灯", description="不亮", place=world.G111
    ).case
    (to_zoe,) = refusing(
        lambda: actions.notify(
            recipients=[world.zoe], kind="k", subject="西", case=west, urgent=True
        )
    )
    (to_grace,) = refusing(
        lambda: actions.notify(
            recipients=[world.grace], kind="k", subject="东", case=east, urgent=True
        )
    )
    assert to_zoe.notification.place == world.V21
    # Sam supervises East Town: a West Town case's notice is not his, even to a county person.
    assert not _sees(world.sam, to_zoe) and _sees(world.sam, to_grace)
    assert _sees(world.zoe, to_zoe) and _sees(world.zoe, to_grace)
    assert _sees(world.adam, to_zoe) and _sees(world.adam, to_grace)


def test_a_notice_without_a_place_belongs_where_its_recipient_works(world, refusing):
    _texts(world.alice, world.carol)
    (to_alice,) = refusing(
        lambda: actions.notify(recipients=[world.alice], kind="k", subject="甲", urgent=True)
    )
    (to_carol,) = refusing(
        lambda: actions.notify(recipients=[world.carol], kind="k", subject="乙", urgent=True)
    )
    assert _sees(world.sam, to_alice) and not _sees(world.sam, to_carol)
    assert {d["subject"] for d in api.get("/failed", headers=_as(world.sam)).json()} == {"甲"}
    assert {d["subject"] for d in api.get("/failed", headers=_as(world.zoe)).json()} == {"甲", "乙"}
    with pytest.raises(NotFound):
        actions.delivery_acknowledge(actor=world.sam, delivery=to_carol)
    assert api.post(f"/failed/{to_carol.pk}/retry", headers=_as(world.sam)).status_code == 404
    actions.delivery_acknowledge(actor=world.sam, delivery=to_alice)
    # The step is audited: who acknowledged which delivery (not what it said).
    from concord.core.models import Event

    step = Event.objects.get(stream=f"delivery:{to_alice.pk}")
    assert step.kind == "delivery_acknowledged" and step.actor_id == world.sam.pk
    assert step.data == {"delivery": to_alice.pk}


def test_a_residents_notice_without_a_place_is_watched_by_the_administrators(world, refusing):
    _texts(world.resident)
    (failed,) = refusing(
        lambda: actions.notify(recipients=[world.resident], kind="k", subject="x", urgent=True)
    )
    assert _sees(world.adam, failed)
    assert not _sees(world.zoe, failed) and not _sees(world.sam, failed)
    assert Notification.objects.filter(recipient=world.adam, kind="delivery_failed").exists()


def test_a_notice_about_a_place_is_watched_by_the_supervisors_over_it(world, refusing):
    _texts(world.resident)
    (failed,) = refusing(
        lambda: actions.notify(
            recipients=[world.resident],
            kind="warning",
            subject="暴雨",
            place=world.V11,
            urgent=True,
        )
    )
    assert _sees(world.sam, failed) and _sees(world.zoe, failed) and _sees(world.adam, failed)


def test_nobody_else_watches_deliveries(world, refusing):
    from concord.core.errors import PermissionDenied

    for persona in ("alice", "grace", "carol", "ana", "resident"):
        with pytest.raises(PermissionDenied):
            selectors.failed_deliveries_for(getattr(world, persona))
        assert api.get("/failed", headers=_as(getattr(world, persona))).status_code == 403


# --- sealed notices ----------------------------------------------------------------------------


@pytest.fixture
def crisis_alert(world, refusing):
    """Grace presses crisis on a G111 case; the text message alerting cora is refused."""
    from concord.wellbeing import actions as wellbeing

    _texts(world.cora)
    case = case_actions.case_submit(
        kind="help_request", title="求助", description="想找人聊聊", place=world.G111
    ).case
    made = {}

    def press():
        made["referral"] = wellbeing.case_mark_crisis(
            actor=world.grace, case=case, risk="imminent", reason="说想轻生"
        ).referral

    (failed,) = refusing(press)
    return failed, made["referral"]


def test_a_failed_counselling_notice_is_sealed_to_its_team(world, crisis_alert):
    failed, referral = crisis_alert
    note = failed.notification
    assert note.recipient == world.cora and referral.reference in note.subject
    assert note.sealed and note.team == world.u_counselling
    assert _sees(world.cora, failed)
    (row,) = api.get("/failed", headers=_as(world.cora)).json()
    assert row["sealed"] and referral.reference in row["subject"]
    # Supervisors must not learn that the referral exists: not in their list, not by id.
    for supervisor in (world.sam, world.zoe):
        assert not _sees(supervisor, failed)
        answer = api.get("/failed", headers=_as(supervisor))
        assert answer.json() == [] and referral.reference not in answer.content.decode()
        with pytest.raises(NotFound):
            actions.delivery_retry(actor=supervisor, delivery=failed)
    actions.delivery_acknowledge(actor=world.cora, delivery=failed)


def test_the_administrator_learns_only_that_a_sealed_notice_failed(world, crisis_alert):
    failed, referral = crisis_alert
    assert not _sees(world.adam, failed)
    answer = api.get("/failed", headers=_as(world.adam))
    (row,) = answer.json()
    assert row["id"] == failed.pk and row["sealed"] and row["medium"] == "sms"
    assert row["subject"] == row["recipient"] == row["address"] == row["last_error"] == ""
    body = answer.content.decode()
    assert referral.reference not in body and "Cora" not in body
    assert api.post(f"/failed/{failed.pk}/retry", headers=_as(world.adam)).status_code == 404
    (notice,) = Notification.objects.filter(recipient=world.adam, kind="delivery_failed")
    assert referral.reference not in notice.subject + notice.body
    assert "Cora" not in notice.body and notice.link == ""
    # The team is told in full, in a notice sealed to it.
    (told,) = Notification.objects.filter(recipient=world.cora, kind="delivery_failed")
    assert referral.reference in told.body and told.sealed and told.team == world.u_counselling


def test_the_team_sees_its_failed_notices_on_its_queue_and_the_safety_page_does_not(
    world, crisis_alert
):
    failed, referral = crisis_alert
    web = Client()
    web.force_login(world.cora)
    page = web.get("/wellbeing/queue/").content.decode()
    assert referral.reference in page
    web.force_login(world.zoe)
    assert referral.reference not in web.get("/staff/safety/").content.decode()


def test_old_counselling_notices_are_sealed_and_old_announcements_redacted(world, refusing):
    """The migration that added the flag seals the wellbeing app's earlier notices to the
    recipient's team and takes their subjects out of administrators' failure notices."""
    _texts(world.cora)
    (failed,) = refusing(
        lambda: actions.notify(
            recipients=[world.cora], kind="wellbeing_imminent", subject="IMMINENT R-1", urgent=True
        )
    )
    # As the code before the flag left them: unsealed, and the subject in the admin's inbox.
    Notification.objects.filter(kind="delivery_failed").delete()
    Notification.objects.create(
        recipient=world.adam,
        kind="delivery_failed",
        subject="A message could not be delivered",
        body="“IMMINENT R-1” failed",
        dedupe_key=f"delivery-failed:{failed.pk}",
    )
    migration = importlib.import_module(
        "concord.notifications.migrations.0003_notification_place_sealed_team"
    )
    migration.place_seal_and_redact(apps, None)
    failed.notification.refresh_from_db()
    assert failed.notification.sealed and failed.notification.team == world.u_counselling
    notice = Notification.objects.get(recipient=world.adam, kind="delivery_failed")
    assert "R-1" not in notice.subject + notice.body
    assert not _sees(world.zoe, failed) and _sees(world.cora, failed)


def test_old_counselling_notices_take_the_team_of_their_referral_or_export(world, crisis_alert):
    """A counsellor in two teams: the migration seals each old notice to the team of the
    referral or export it is about, and guesses the recipient's team only for the rest."""
    from datetime import date

    from django.utils import timezone

    from concord.accounts.models import Membership, Unit
    from concord.accounts.roles import Role
    from concord.wellbeing.models import ExportRequest, Referral

    _failed, referral = crisis_alert
    east = Unit.objects.create(
        code="CT-T1", kind="counselling_team", place=world.T1, name_zh="东镇心理服务队"
    )
    # Cora's first membership stays the county team, so the old guess would pick it.
    Membership.objects.create(user=world.cora, unit=east, role=Role.COUNSELLOR, place=world.T1)
    Referral.objects.filter(pk=referral.pk).update(team=east)
    export = ExportRequest.objects.create(
        team=east,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 31),
        reason="审计",
        requested_by=world.cora,
        requested_at=timezone.now(),
    )

    def old(kind, **fields) -> Notification:
        return Notification.objects.create(recipient=world.cora, kind=kind, subject=kind, **fields)

    about_referral = old("wellbeing_imminent", link=f"/wellbeing/referrals/{referral.pk}/")
    about_export = old(
        "wellbeing_export_request",
        link="/wellbeing/exports/",
        dedupe_key=f"wellbeing:export:{export.pk}",
    )
    about_nothing = old("wellbeing_digest", link="/wellbeing/queue/")
    gone = old("wellbeing_imminent", link="/wellbeing/referrals/999999/")
    migration = importlib.import_module(
        "concord.notifications.migrations.0003_notification_place_sealed_team"
    )
    migration.place_seal_and_redact(apps, None)
    for row in (about_referral, about_export, about_nothing, gone):
        row.refresh_from_db()
        assert row.sealed
    assert about_referral.team == east and about_export.team == east
    assert about_nothing.team == world.u_counselling and gone.team == world.u_counselling


def test_an_administrator_clears_a_sealed_failure_no_counsellor_can_see(world, crisis_alert):
    """While the team has an active counsellor only the team acknowledges; without one (the
    team gone quiet, or no team at all) an administrator may, and still learns nothing."""
    from concord.accounts.models import Membership

    failed, referral = crisis_alert
    with pytest.raises(NotFound):
        actions.delivery_acknowledge(actor=world.adam, delivery=failed)
    url = f"/failed/{failed.pk}/acknowledge"
    assert api.post(url, headers=_as(world.adam)).status_code == 404

    Membership.objects.filter(user=world.cora, unit=world.u_counselling).update(is_active=False)
    with pytest.raises(NotFound):  # supervisors still learn nothing of it
        actions.delivery_acknowledge(actor=world.zoe, delivery=failed)
    answer = api.post(url, headers=_as(world.adam))
    assert answer.status_code == 200
    row = answer.json()
    assert row["id"] == failed.pk and row["sealed"]
    assert row["subject"] == row["recipient"] == row["address"] == row["last_error"] == ""
    assert referral.reference not in answer.content.decode()
    failed.refresh_from_db()
    assert failed.acknowledged_by == world.adam and failed.acknowledged_at is not None
    assert api.get("/failed", headers=_as(world.adam)).json() == []
    assert api.post(f"/failed/{failed.pk}/retry", headers=_as(world.adam)).status_code == 404

    # A sealed notice with no team at all.
    Membership.objects.filter(user=world.cora).update(is_active=True)
    Delivery.objects.filter(pk=failed.pk).update(acknowledged_at=None, acknowledged_by=None)
    Notification.objects.filter(pk=failed.notification_id).update(team=None)
    assert [r["id"] for r in api.get("/failed", headers=_as(world.adam)).json()] == [failed.pk]
    actions.delivery_acknowledge(actor=world.adam, delivery=failed)
    assert api.get("/failed", headers=_as(world.adam)).json() == []
