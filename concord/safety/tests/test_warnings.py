"""A red warning reaches residents of two villages by SMS and inbox; grid workers check on
vulnerable households and the reached count follows live."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from concord.accounts.models import Membership, User
from concord.accounts.roles import Role
from concord.core.errors import InvalidInput, PermissionDenied
from concord.notifications.models import Delivery, Notification
from concord.notifications.tests.fake_sms import FakeSmsGateway
from concord.safety import actions, selectors
from concord.safety.models import CheckStatus, WarningCheck

TZ = ZoneInfo("Asia/Shanghai")


def _resident(name, place, *, phone, language="zh-hans"):
    user = User.objects.create_user(username=name, password="x", phone=phone, language=language)
    actions.resident_profile_set(actor=user, place=place)
    return user


@pytest.fixture
def villages(world):
    """Residents in Peach (V11, grid G111) and Plum (V12) villages and one in West Town."""
    world.plum_worker = User.objects.create_user(username="pei", password="x")
    Membership.objects.create(
        user=world.plum_worker, unit=world.u_v11_grid, role=Role.GRID_WORKER, place=world.V12
    )
    world.r1 = _resident("r1", world.G111, phone="13800000001")
    world.r2 = _resident("r2", world.V11, phone="13800000002", language="en")
    world.r3 = _resident("r3", world.V12, phone="13800000003")
    world.r_far = _resident("r_far", world.V21, phone="13800000009")
    consent = {"consent_on": date(2026, 1, 5)}
    world.h1 = actions.household_record(
        actor=world.grace,
        place=world.G111,
        label="张奶奶",
        address="桃村1号",
        vulnerabilities=["elderly_alone"],
        consent_by="张奶奶本人",
        **consent,
    )
    world.h2 = actions.household_record(
        actor=world.grace,
        place=world.G111,
        label="李家",
        address="桃村5号",
        vulnerabilities=["children_alone"],
        consent_by="监护人李先生",
        **consent,
    )
    world.h3 = actions.household_record(
        actor=world.plum_worker,
        place=world.V12,
        label="王叔",
        address="李村3号",
        vulnerabilities=["disability"],
        consent_by="王叔本人",
        **consent,
    )
    return world


def _issue(world, **overrides):
    kwargs = dict(
        actor=world.sam,
        colour="red",
        hazard_type="flood",
        title_zh="暴雨红色预警",
        title_en="Red rainstorm warning",
        instructions_zh="请立即转移到高处，远离河道。",
        instructions_en="Move to higher ground now and stay away from the river.",
        places=[world.V11, world.V12],
        ends_at=datetime(2026, 7, 2, 20, 0, tzinfo=TZ),
    )
    kwargs.update(overrides)
    return actions.warning_issue(**kwargs)


def test_a_red_warning_reaches_two_villages_by_sms_and_inbox_and_households_are_checked(
    villages, at, settings, django_capture_on_commit_callbacks, api
):
    world = villages
    at("2026-07-01 20:00")
    with FakeSmsGateway() as gateway:
        settings.CONCORD_SMS = gateway.settings()
        with django_capture_on_commit_callbacks(execute=True):
            warning = _issue(world)

        texts = {m["to"]: m["text"] for m in gateway.received}
    assert set(texts) == {"13800000001", "13800000002", "13800000003"}
    assert texts["13800000001"].startswith("【红色预警】暴雨红色预警")
    assert texts["13800000002"].startswith("[Red warning] Red rainstorm warning")
    assert "higher ground" in texts["13800000002"]
    inbox = Notification.objects.filter(kind="warning")
    assert set(inbox.values_list("recipient__username", flat=True)) == {"r1", "r2", "r3"}
    assert not Notification.objects.filter(recipient=world.r_far).exists()
    assert Delivery.objects.filter(medium="sms", status="sent").count() == 3
    # Grid workers of both villages got their checklist notice.
    assert Notification.objects.filter(kind="warning_checklist", recipient=world.grace).exists()
    assert Notification.objects.filter(
        kind="warning_checklist", recipient=world.plum_worker
    ).exists()

    count = selectors.warning_reach_count(warning)
    assert (count.total, count.pending, count.reached) == (3, 3, 0)
    grace_list = api.as_user(world.grace).get(f"/safety/warnings/{warning.pk}/checklist").json()
    assert {c["household"] for c in grace_list} == {"张奶奶", "李家"}
    for check in grace_list:
        status = "reached" if check["household"] == "张奶奶" else "needs_help"
        r = api.post(f"/safety/checks/{check['id']}", {"status": status, "note": "孩子独自在家"})
        assert r.status_code == 200, r.json()
    assert selectors.warning_reach_count(warning).reached == 1
    pei_list = api.as_user(world.plum_worker).get(f"/safety/warnings/{warning.pk}/checklist")
    (only,) = pei_list.json()
    api.post(f"/safety/checks/{only['id']}", {"status": "reached"})
    live = api.as_user(world.sam).get(f"/safety/warnings/{warning.pk}/count").json()
    assert live == {"total": 3, "reached": 2, "needs_help": 1, "not_reached": 0, "pending": 0}


def test_a_grid_worker_cannot_mark_households_of_another_grid(villages, at):
    at("2026-07-01 20:00")
    warning = _issue(villages)
    plum_check = WarningCheck.objects.get(warning=warning, household=villages.h3)
    with pytest.raises(PermissionDenied):
        actions.warning_check_mark(actor=villages.grace, check=plum_check, status="reached")
    assert WarningCheck.objects.get(pk=plum_check.pk).status == CheckStatus.PENDING


@pytest.mark.parametrize(
    "override, field",
    [
        ({"places": []}, "places"),
        ({"instructions_zh": ""}, "instructions_zh"),
        ({"instructions_en": "  "}, "instructions_en"),
        ({"ends_at": None}, "ends_at"),
        ({"ends_at": datetime(2026, 7, 1, 8, 0, tzinfo=TZ)}, "ends_at"),
    ],
)
def test_a_warning_without_places_instructions_or_end_is_refused(world, at, override, field):
    at("2026-07-01 20:00")
    with pytest.raises(InvalidInput) as exc:
        _issue(world, **override)
    assert field in exc.value.fields


def test_only_a_supervisor_over_every_place_issues_warnings(world, at):
    at("2026-07-01 20:00")
    with pytest.raises(PermissionDenied):
        _issue(world, actor=world.sam, places=[world.V11, world.V21])  # V21 is in West Town


def test_households_are_recorded_only_with_consent(world):
    with pytest.raises(InvalidInput):
        actions.household_record(
            actor=world.grace,
            place=world.G111,
            label="x",
            address="y",
            vulnerabilities=["elderly_alone"],
            consent_by=" ",
            consent_on=date(2026, 1, 1),
        )
