"""A hazard from report to rectification order to failed verification, re-dispatch and closure."""

import base64
from contextlib import nullcontext
from datetime import date

import pytest

from concord.cases import actions as case_actions
from concord.cases.models import Status
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.safety import actions
from concord.safety.models import Hazard, OrderState, Verification

INSIDE_G111 = {"lng": 120.05, "lat": 30.05}


def _hazard(world):
    return actions.hazard_report(
        actor=world.grace,
        hazard_type="gas",
        title="煤气罐露天堆放",
        description="小饭馆门口堆放十余个煤气罐，无防护。",
        source="grid_worker",
        **INSIDE_G111,
    ).case


def _ordered_and_reported(world, at, commit=None):
    at("2026-03-02 09:00")
    case = _hazard(world)
    case_actions.case_accept(actor=world.grace, case=case)
    with commit(execute=True) if commit else nullcontext():
        order = _issue(world, case)
    actions.rectification_report_done(actor=world.grace, order=order, note="已移入储存间")
    return case, order


def _issue(world, case):
    return actions.rectification_order_issue(
        actor=world.grace,
        case=case,
        responsible_party="老王饭馆",
        supervising_unit=world.u_labour,
        requirements="煤气罐移入专用储存间并加装报警器",
        due_on=date(2026, 3, 9),
    )


def test_hazard_report_is_a_case_with_its_hazard_details(world):
    case = _hazard(world)
    assert case.kind == "hazard_report"
    assert case.owner_unit == world.u_v11_grid
    assert case.place == world.G111
    assert Hazard.objects.get(case=case).hazard_type == "gas"


def test_a_hazard_goes_from_report_to_failed_verification_to_redispatch_to_closure(
    world, at, photo, api, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    case, order = _ordered_and_reported(world, at, commit)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    # The supervising department heard of the order.
    assert Notification.objects.filter(recipient=world.dora, kind="rectification_ordered").exists()

    at("2026-03-09 10:00")
    with commit(execute=True):
        failed = actions.case_verify_on_site(
            actor=world.grace,
            case=case,
            passed=False,
            note="报警器未安装",
            photo=photo,
            **INSIDE_G111,
        )
    case.refresh_from_db()
    order.refresh_from_db()
    assert not failed.passed
    assert case.status == Status.REOPENED
    assert order.state == OrderState.ISSUED and order.rounds == 2
    assert order.due_on == date(2026, 3, 16)
    assert Event.objects.filter(case=case, kind="redispatched").exists()
    assert Notification.objects.filter(recipient=world.grace, kind="redispatched").exists()

    case_actions.case_start(actor=world.grace, case=case)
    actions.rectification_report_done(actor=world.grace, order=order, note="报警器已安装")
    at("2026-03-12 10:00")
    response = api.as_user(world.grace).post(
        f"/safety/cases/{case.pk}/verify",
        {
            "passed": True,
            "note": "储存间和报警器均已到位",
            "photo_base64": base64.b64encode(photo).decode(),
            "photo_name": "site.png",
            **INSIDE_G111,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["case_status"] == Status.CLOSED
    order.refresh_from_db()
    assert order.state == OrderState.VERIFIED
    kinds = list(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.index("redispatched") < kinds.index("closed")
    assert actions.may_close(case)
    assert Verification.objects.filter(case=case).count() == 2


def test_verification_without_photo_is_refused_with_the_reason(world, at):
    case, _order = _ordered_and_reported(world, at)
    with pytest.raises(InvalidInput) as exc:
        actions.case_verify_on_site(
            actor=world.grace, case=case, passed=True, note="ok", photo=None, **INSIDE_G111
        )
    assert "photo" in exc.value.fields
    assert Verification.objects.count() == 0


def test_verification_outside_the_place_beyond_the_tolerance_is_refused(world, at, photo, settings):
    case, _order = _ordered_and_reported(world, at)
    settings.CONCORD_SAFETY = {"VERIFY_TOLERANCE_M": 200}
    # G111 spans 120.0–120.1 E; 120.11 E is about 960 m east of its edge at 30.05 N.
    with pytest.raises(InvalidInput) as exc:
        actions.case_verify_on_site(
            actor=world.grace, case=case, passed=True, note="ok", photo=photo, lng=120.11, lat=30.05
        )
    assert "960" in exc.value.message or "96" in exc.value.message
    # Just outside the edge, within the tolerance, is accepted.
    v = actions.case_verify_on_site(
        actor=world.grace, case=case, passed=True, note="ok", photo=photo, lng=120.101, lat=30.05
    )
    assert 90 < v.distance_outside_m < 110


def test_a_file_that_is_not_an_image_is_not_a_photo(world, at):
    case, _order = _ordered_and_reported(world, at)
    with pytest.raises(InvalidInput):
        actions.case_verify_on_site(
            actor=world.grace, case=case, passed=True, note="ok", photo=b"just text", **INSIDE_G111
        )


def test_only_resolved_cases_are_verified_and_only_by_staff_of_the_place(world, at, photo):
    at("2026-03-02 09:00")
    case = _hazard(world)
    with pytest.raises(InvalidTransition):
        actions.case_verify_on_site(
            actor=world.grace, case=case, passed=True, note="ok", photo=photo, **INSIDE_G111
        )
    case, _order = _ordered_and_reported(world, at)
    with pytest.raises(PermissionDenied):
        actions.case_verify_on_site(
            actor=world.carol, case=case, passed=True, note="ok", photo=photo, **INSIDE_G111
        )


def test_service_dispatch_cases_use_the_same_verification(world, at, photo):
    at("2026-03-02 09:00")
    case = case_actions.case_submit(
        actor=None,
        kind="service_request",
        title="路灯不亮",
        description="村口路灯坏了",
        **INSIDE_G111,
    ).case
    assert actions.verification_required(case) and not actions.may_close(case)
    case_actions.case_accept(actor=world.grace, case=case)
    case_actions.case_start(actor=world.grace, case=case)
    case_actions.case_resolve(actor=world.grace, case=case, outcome="fixed", text="已更换灯泡")
    actions.case_verify_on_site(
        actor=world.grace, case=case, passed=False, note="仍不亮", photo=photo, **INSIDE_G111
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    case_actions.case_start(actor=world.grace, case=case)
    case_actions.case_resolve(actor=world.grace, case=case, outcome="fixed", text="已换线路")
    actions.case_verify_on_site(
        actor=world.grace, case=case, passed=True, note="已亮", photo=photo, **INSIDE_G111
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED and actions.may_close(case)


def test_a_rectification_deadline_must_be_in_the_future(world, at):
    at("2026-03-02 09:00")
    case = _hazard(world)
    case_actions.case_accept(actor=world.grace, case=case)
    with pytest.raises(InvalidInput):
        actions.rectification_order_issue(
            actor=world.grace,
            case=case,
            responsible_party="x",
            supervising_unit=world.u_labour,
            requirements="y",
            due_on=date(2026, 3, 1),
        )
