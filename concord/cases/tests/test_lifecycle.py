"""Every lifecycle transition, allowed and refused, with its event."""

import pytest

from concord.cases import actions
from concord.cases.models import Case, Clock, ClockState, Status, TransferRequest
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.models import Event

pytestmark = pytest.mark.django_db


def submit(world, **kw):
    from concord.cases.models import Category

    defaults = dict(
        kind="dispute",
        title="邻居夜间噪音 noise at night 🎵",
        description="楼上每晚敲打到凌晨。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    )
    defaults.update(kw)
    return actions.case_submit(**defaults)


def kinds(case):
    return list(Event.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def test_a_neighbour_dispute_starts_at_the_village_mediation_committee(world):
    sub = submit(world)
    case = sub.case
    assert case.status == Status.SUBMITTED
    assert case.level == "village"
    assert case.owner_unit == world.u_v11_med
    assert case.receipt_code.startswith("C-")
    assert sub.token and sub.created
    assert kinds(case) == ["submitted"]
    assert Clock.objects.get(case=case, kind="handle").state == ClockState.RUNNING


def test_the_full_happy_path_writes_one_event_per_step(world):
    case = submit(world).case
    case = actions.case_accept(actor=world.bob, case=case)
    case = actions.case_assign(actor=world.bob, case=case, assignee=world.bob)
    case = actions.case_start(actor=world.bob, case=case)
    case = actions.case_pause(actor=world.bob, case=case, reason="等待对方当事人回村")
    assert Clock.objects.get(case=case, kind="handle").state == ClockState.PAUSED
    case = actions.case_resume(actor=world.bob, case=case)
    case = actions.case_resolve(
        actor=world.bob, case=case, outcome="agreement", text="双方达成协议。"
    )
    assert Clock.objects.get(case=case, kind="handle").state == ClockState.MET
    case = actions.case_close(actor=world.bob, case=case)
    assert case.status == Status.CLOSED
    assert kinds(case) == [
        "submitted",
        "accepted",
        "assigned",
        "work_started",
        "paused",
        "resumed",
        "resolved",
        "closed",
    ]


@pytest.mark.parametrize(
    "step",
    [
        lambda w, c: actions.case_start(actor=w.bob, case=c),
        lambda w, c: actions.case_resume(actor=w.bob, case=c),
        lambda w, c: actions.case_resolve(actor=w.bob, case=c, outcome="fixed", text="done"),
        lambda w, c: actions.case_close(actor=w.bob, case=c),
        lambda w, c: actions.case_reopen(actor=w.bob, case=c, reason="x"),
        lambda w, c: actions.case_pause(actor=w.bob, case=c, reason="x"),
    ],
)
def test_steps_that_the_state_does_not_allow_are_refused_and_change_nothing(world, step):
    case = submit(world).case
    with pytest.raises(InvalidTransition):
        step(world, case)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert kinds(case) == ["submitted"]


def test_a_unit_outside_the_case_may_not_act_on_it(world):
    case = submit(world).case
    for outsider in (world.carol, world.dora, world.ana, world.adam, world.cora, world.grace):
        with pytest.raises(PermissionDenied):
            actions.case_accept(actor=outsider, case=case)
    assert kinds(case) == ["submitted"]


def test_a_supervisor_over_the_place_may_act(world):
    case = submit(world).case
    actions.case_accept(actor=world.sam, case=case)
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_declining_redirects_with_the_route(world):
    case = submit(world).case
    case = actions.case_not_accept(
        actor=world.bob,
        case=case,
        reason="属于劳动仲裁受理范围",
        route="劳动人事争议仲裁委员会",
        route_deadline="2027-06-01",
    )
    assert case.status == Status.NOT_ACCEPTED
    event = Event.objects.get(case=case, kind="not_accepted")
    assert event.public and event.data["route"] == "劳动人事争议仲裁委员会"
    with pytest.raises(InvalidInput):
        actions.case_not_accept(actor=world.bob, case=submit(world).case, reason="", route="x")


def test_assignee_must_handle_cases_for_the_owning_unit(world):
    case = actions.case_accept(actor=world.bob, case=submit(world).case)
    with pytest.raises(InvalidInput):
        actions.case_assign(actor=world.bob, case=case, assignee=world.carol)


def test_escalation_moves_one_level_up_with_a_reason(world):
    case = actions.case_accept(actor=world.bob, case=submit(world).case)
    with pytest.raises(InvalidInput):
        actions.case_escalate(actor=world.bob, case=case, reason_code="", note="")
    with pytest.raises(PermissionDenied):
        actions.case_escalate(actor=world.carol, case=case, reason_code="complex", note="涉及多户")
    case = actions.case_escalate(actor=world.bob, case=case, reason_code="complex", note="涉及多户")
    assert case.level == "town" and case.status == Status.ESCALATED
    assert case.owner_unit == world.u_t1_med
    event = Event.objects.get(case=case, kind="escalated")
    assert event.data["from_level"] == "village" and event.data["to_level"] == "town"
    case = actions.case_escalate(
        actor=world.sam, case=case, reason_code="complex", note="镇级无法化解"
    )
    assert case.level == "county"
    with pytest.raises(InvalidTransition):
        actions.case_escalate(actor=world.zoe, case=case, reason_code="complex", note="再上交")


def test_transfer_needs_the_receivers_acceptance(world):
    case = actions.case_accept(
        actor=world.alice, case=submit(world, place=world.T1, category=None, kind="grievance").case
    )
    assert case.owner_unit == world.u_t1
    transfer = actions.case_transfer_request(
        actor=world.alice, case=case, to_unit=world.u_labour, reason="欠薪问题"
    )
    case.refresh_from_db()
    assert case.owner_unit == world.u_t1, "the first receiver stays responsible until acceptance"
    with pytest.raises(InvalidTransition):
        actions.case_transfer_request(
            actor=world.alice, case=case, to_unit=world.u_labour, reason="again"
        )
    with pytest.raises(PermissionDenied):
        actions.case_transfer_accept(actor=world.carol, transfer=transfer)
    case = actions.case_transfer_accept(actor=world.dora, transfer=transfer)
    assert case.owner_unit == world.u_labour and case.status == Status.TRANSFERRED
    assert TransferRequest.objects.get(pk=transfer.pk).state == "accepted"
    with pytest.raises(InvalidTransition):
        actions.case_transfer_refuse(actor=world.dora, transfer=transfer, reason="late")


def test_a_refused_transfer_returns_with_a_reason_and_counts_a_bounce(world):
    case = actions.case_accept(
        actor=world.alice, case=submit(world, place=world.T1, category=None, kind="grievance").case
    )
    transfer = actions.case_transfer_request(
        actor=world.alice, case=case, to_unit=world.u_labour, reason="欠薪"
    )
    with pytest.raises(InvalidInput):
        actions.case_transfer_refuse(actor=world.dora, transfer=transfer, reason=" ")
    case = actions.case_transfer_refuse(
        actor=world.dora, transfer=transfer, reason="不属于劳动关系"
    )
    assert case.owner_unit == world.u_t1 and case.bounce_count == 1
    assert Event.objects.get(case=case, kind="transfer_refused").data["reason"] == "不属于劳动关系"


def test_merge_and_withdraw(world):
    a = submit(world).case
    b = submit(world, title="同一噪音问题").case
    merged = actions.case_merge(actor=world.zoe, case=b, into=a)
    assert merged.status == Status.MERGED and merged.merged_into_id == a.pk
    with pytest.raises(InvalidTransition):
        actions.case_merge(actor=world.zoe, case=submit(world).case, into=merged)
    c = actions.case_withdraw(case=submit(world).case, reason="已自行解决", by_resident=True)
    assert c.status == Status.WITHDRAWN
    with pytest.raises(InvalidTransition):
        actions.case_withdraw(case=c, by_resident=True)


def test_feedback_closes_or_reopens(world):
    case = submit(world).case
    for step in (actions.case_accept, actions.case_start):
        case = step(actor=world.bob, case=case)
    case = actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解")
    with pytest.raises(InvalidInput):
        actions.case_feedback(case=case, resolved="maybe", satisfaction=3)
    with pytest.raises(InvalidInput):
        actions.case_feedback(case=case, resolved="yes", satisfaction=6)
    actions.case_feedback(case=case, resolved="no", satisfaction=1, comment="还在吵")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    case = actions.case_resolve(
        actor=world.bob, case=case, outcome="agreement", text="再次调解成功"
    )
    actions.case_feedback(case=case, resolved="yes", satisfaction=5)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    with pytest.raises(Exception):
        actions.case_feedback(case=case, resolved="yes", satisfaction=5)


def test_resident_may_ask_for_review_of_a_closed_case(world):
    case = submit(world).case
    for step in (actions.case_accept, actions.case_start):
        case = step(actor=world.bob, case=case)
    case = actions.case_resolve(actor=world.bob, case=case, outcome="explained", text="已解释")
    case = actions.case_close(actor=world.bob, case=case)
    case = actions.case_reopen(
        actor=None, case=case, reason="答复没有回应我的问题", by_resident=True
    )
    assert case.status == Status.REOPENED


def test_a_rating_on_a_closed_case_marks_the_case_changed(world, at):
    at("2026-09-01 09:00")
    case = submit(world).case
    for step in (actions.case_accept, actions.case_start):
        case = step(actor=world.bob, case=case)
    case = actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解")
    case = actions.case_close(actor=world.bob, case=case)
    before = case.updated_at
    at("2026-09-02 09:00")
    actions.case_feedback(case=case, resolved="yes", satisfaction=4)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.updated_at > before
