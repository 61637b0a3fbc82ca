"""The resolution workflows end to end, with clocks checked against hand-computed dates.

Holidays used (国办发明电〔2025〕7号 and earlier notices): National Day 2026-10-01..07;
Spring Festival 2026-02-15..23 (02-14 and 02-28 are working Saturdays); Labour Day
2026-05-01..05 (05-09 is a working Saturday). The start day is never counted and a due day on
a holiday or weekend rolls to the next working day.
"""

from datetime import date

import pytest

from concord.accounts.models import Membership
from concord.accounts.roles import Role
from concord.cases import actions as ca
from concord.cases.models import Case, Category, Clock, Status
from concord.channels import actions as ch
from concord.channels.documents import agreement_pdf
from concord.channels.models import Petition
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.models import Event
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def live(case, kind):
    return Clock.objects.get(case=case, kind=kind, state__in=["running", "paused"])


def public_kinds(case):
    return list(
        Event.objects.filter(case=case, public=True).order_by("seq").values_list("kind", flat=True)
    )


def test_a_neighbour_dispute_is_mediated_at_village_level(world, at):
    at("2026-09-01 09:30")  # Tuesday
    case = ca.case_submit(
        kind="dispute",
        title="楼上装修噪音",
        description="每天早上七点开始施工。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    assert (case.level, case.owner_unit.code) == ("village", "MC-V11")
    case = ca.case_accept(actor=world.bob, case=case)
    case = ch.case_enter_channel(actor=world.bob, case=case, channel="peoples_mediation")
    # 30 calendar days from 09-01 → 10-01, National Day → first working day 10-08.
    assert live(case, "peoples_mediation:mediation_period").due_on == date(2026, 10, 8)
    assert "labour_mediation" not in " ".join(
        Clock.objects.filter(case=case).values_list("kind", flat=True)
    )

    at("2026-09-04 19:00")
    ch.mediation_record_session(
        actor=world.bob,
        case=case,
        held_at=__import__("django.utils.timezone", fromlist=["now"]).now(),
        location="村委会调解室",
        participants="王某（楼上）、李某（楼下）",
    )
    with pytest.raises(InvalidInput) as missing:
        ch.mediation_record_agreement(
            actor=world.bob,
            case=case,
            parties="王某、李某",
            facts="",
            issues="施工时间",
            responsibilities="王某负主要责任",
            terms="每日9时至18时施工",
            performance_manner="自行遵守",
            performance_due=date(2026, 9, 30),
            signed_by=["王某"],
            mediator_signed=True,
            committee_sealed=False,
        )
    assert {"facts", "signed_by", "committee_sealed"} <= set(missing.value.fields)
    agreement = ch.mediation_record_agreement(
        actor=world.bob,
        case=case,
        parties="王某（楼上住户）；李某（楼下住户）",
        facts="王某装修期间每日早七时开始施工，影响李某休息。",
        issues="施工时间",
        responsibilities="王某未按物业规定时间施工，负主要责任。",
        terms="王某每日9时至18时施工，周末不施工；向李某赔礼道歉。",
        performance_manner="自行遵守，物业监督",
        performance_due=date(2026, 9, 30),
        signed_by=["王某", "李某"],
        mediator_signed=True,
        committee_sealed=True,
        effective_on=date(2026, 9, 5),
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.outcome == "agreement"
    # Joint application for judicial confirmation: 30 days from 09-05 → 10-05 (holiday) → 10-08.
    assert live(case, "judicial_confirmation:filing_limit").due_on == date(2026, 10, 8)
    assert live(case, "performance").due_on == date(2026, 9, 30)
    pdf = agreement_pdf(agreement)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000

    ch.mediation_record_performance(actor=world.bob, case=case, performance="performed")
    ca.case_feedback(case=case, resolved="yes", satisfaction=5)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.level == "village"
    assert public_kinds(case) == [
        "submitted",
        "accepted",
        "channel_entered",
        "mediation_session",
        "mediation_agreement",
        "performance_followed_up",
        "feedback",
        "closed",
    ]


def test_wage_arrears_fail_mediation_and_go_to_labour_arbitration(world, at):
    Membership.objects.create(
        user=world.dora, unit=world.u_arbitration, role=Role.DEPARTMENT_OFFICER, place=world.C
    )
    at("2026-01-20 10:00")  # Tuesday, before Spring Festival
    case = ca.case_submit(
        kind="dispute",
        title="工地拖欠三个月工资",
        description="项目部拖欠我们三个月工资共计4.5万元。",
        place=world.V11,
        category=Category.objects.get(code="DP.09"),
    ).case
    # Labour disputes start at town level (the town mediation committee).
    assert (case.level, case.owner_unit.code) == ("town", "MC-T1")
    ca.case_accept(actor=world.alice, case=case)
    ch.case_enter_channel(
        actor=world.alice, case=case, channel="peoples_mediation", knowledge_date=date(2025, 12, 31)
    )
    # 劳动争议调解仲裁法 art 14: 15 days from 01-20 → 02-04 (Wednesday).
    assert live(case, "peoples_mediation:labour_mediation").due_on == date(2026, 2, 4)
    # Mediation period: 30 days → 02-19, inside Spring Festival → 02-24.
    assert live(case, "peoples_mediation:mediation_period").due_on == date(2026, 2, 24)

    at("2026-02-12 15:00")  # Thursday
    ch.mediation_end_unresolved(
        actor=world.alice,
        case=case,
        reason="用工方拒绝支付",
        knowledge_date=date(2025, 12, 31),
        mediation_requested_on=date(2026, 1, 20),
    )
    failed = Event.objects.get(case=case, kind="mediation_failed")
    routes = {r["channel"]: r for r in failed.data["routes"]}
    # The one-year limit is interrupted by the mediation request and runs again from 2026-01-20.
    assert routes["labour_arbitration"]["due"] == "2027-01-20"
    assert "劳动" in failed.data["notice_zh"] and "arbitration" in failed.data["notice_en"].lower()

    case = ch.case_enter_channel(
        actor=world.sam,
        case=case,
        channel="labour_arbitration",
        knowledge_date=date(2025, 12, 31),
        mediation_requested_on=date(2026, 1, 20),
    )
    assert live(case, "labour_arbitration:filing_limit").due_on == date(2027, 1, 20)
    # Acceptance: 5 days from 02-12 → 02-17 (Spring Festival) → 02-24.
    assert live(case, "labour_arbitration:acceptance").due_on == date(2026, 2, 24)
    transfer = ca.case_transfer_request(
        actor=world.sam, case=case, to_unit=world.u_arbitration, reason="调解不成，申请仲裁"
    )
    case = ca.case_transfer_accept(actor=world.dora, transfer=transfer)
    assert case.owner_unit == world.u_arbitration

    at("2026-02-13 09:00")
    decision = ch.channel_clock_start(actor=world.dora, case=case, kind="decision")
    # 45 days from 02-13 → 03-30 (Monday).
    assert decision.due_on == date(2026, 3, 30)
    with pytest.raises(InvalidInput):
        ch.clock_extend(actor=world.zoe, clock=decision, days=16, reason="案情复杂")
    extended = ch.clock_extend(
        actor=world.zoe, clock=decision, days=15, reason="案情复杂，经批准延期"
    )
    assert extended.due_on == date(2026, 4, 14)
    assert Event.objects.get(case=case, kind="clock_extended").public
    kinds = public_kinds(case)
    assert kinds.index("mediation_failed") < kinds.index(
        "channel_entered", kinds.index("mediation_failed")
    )


def test_a_petition_through_acceptance_extension_review_recheck_and_final(world, at):
    at("2025-12-15 09:00")  # Monday
    sub = ca.case_submit(
        kind="grievance",
        title="反映村干部违规发放补贴",
        description="补贴名单与实际不符。",
        place=world.V11,
    )
    case = sub.case
    assert (case.level, case.owner_unit.code) == ("town", "GC-T1")
    case = ch.petition_register(actor=world.alice, case=case, matter_key="V11-补贴名单")
    # Transfer or written acceptance notice within 15 days (art 22/23): 12-30 (Tuesday).
    assert live(case, "petition:acceptance").due_on == date(2025, 12, 30)

    at("2025-12-18 10:00")
    with pytest.raises(InvalidInput):
        ch.petition_accept(actor=world.alice, case=case, petition_type="gossip")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    decision = live(case, "petition:decision")
    # 60 days from 12-18 → 2026-02-16 (Spring Festival) → 02-24.
    assert decision.due_on == date(2026, 2, 24)
    with pytest.raises(PermissionDenied):
        ch.clock_extend(actor=world.alice, clock=decision, days=30, reason="需要调查")
    ch.clock_extend(actor=world.sam, clock=decision, days=20, reason="需要实地调查")
    with pytest.raises(InvalidInput):
        ch.clock_extend(actor=world.sam, clock=decision, days=11, reason="再延")  # 20 + 11 > 30
    # 60 + 20 = 80 days from 12-18 → 2026-03-08 (Sunday) → 03-09.
    assert live(case, "petition:decision").due_on == date(2026, 3, 9)

    at("2026-03-05 16:00")
    ch.petition_reply(
        actor=world.alice,
        case=case,
        opinion="not_support",
        text="经核查，补贴名单符合规定。",
        legal_basis="《信访工作条例》第三十二条；县惠农补贴发放办法",
        served_how="on_the_spot",
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    # Review request window: 30 days from 03-05 → 04-04 (Qingming holiday 04-04..06) → 04-07.
    assert live(case, "petition:review_request").due_on == date(2026, 4, 7)

    at("2026-03-20 11:00")
    ch.petition_request_review(case=case, reason="核查没有走访当事农户")
    case.refresh_from_db()
    assert case.level == "county" and case.status == Status.ESCALATED
    # Review opinion: 30 days from 03-20 → 04-19 (Sunday) → 04-20.
    assert live(case, "petition:review_decision").due_on == date(2026, 4, 20)

    at("2026-04-10 10:00")
    ch.petition_review_decide(
        actor=world.zoe, case=case, text="复查维持原处理意见。", served_how="on_the_spot"
    )
    # Re-review request: 30 days from 04-10 → 05-10 (Sunday) → 05-11.
    assert live(case, "petition:recheck_request").due_on == date(2026, 5, 11)

    at("2026-04-20 10:00")
    ch.petition_request_review(case=case, reason="仍不服", recheck=True)
    # Re-review opinion: 30 days from 04-20 → 05-20 (Wednesday).
    assert live(case, "petition:recheck_decision").due_on == date(2026, 5, 20)

    at("2026-05-06 10:00")
    ch.petition_review_decide(actor=world.zoe, case=case, text="复核维持。", recheck=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert Petition.objects.get(case=case).stage == "final"
    with pytest.raises(InvalidTransition):
        ch.petition_request_review(case=case, reason="再次申请", recheck=True)
    with pytest.raises(InvalidTransition):
        ca.case_reopen(actor=None, case=case, reason="再次申请", by_resident=True)
    assert public_kinds(case)[-2:] == ["petition_final", "closed"]


def test_a_review_request_after_its_window_is_refused(world, at):
    at("2026-03-02 09:00")
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="late")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    ch.petition_reply(
        actor=world.alice,
        case=case,
        opinion="explain",
        text="已解释",
        legal_basis="条例第32条",
        served_how="on_the_spot",
    )
    at("2026-04-20 09:00")  # the window closed on 04-07
    with pytest.raises(InvalidTransition):
        ch.petition_request_review(case=case, reason="迟到")


def test_a_second_petition_on_a_pending_matter_links_to_it(world, at):
    at("2026-03-02 09:00")
    first = ca.case_submit(
        kind="grievance", title="征地补偿不到位", description="d", place=world.V11
    ).case
    first = ch.petition_register(actor=world.alice, case=first, matter_key="V11-征地补偿")
    second = ca.case_submit(
        kind="grievance", title="再次反映征地补偿", description="d", place=world.V11
    ).case
    carrier = ch.petition_register(actor=world.alice, case=second, matter_key="V11-征地补偿")
    assert carrier.pk == first.pk
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into_id == first.pk
    assert Petition.objects.count() == 1


def test_a_petition_that_belongs_to_arbitration_is_redirected_with_its_deadline(world, at):
    at("2026-03-02 09:00")
    case = ca.case_submit(
        kind="grievance", title="公司不签劳动合同", description="d", place=world.V11
    ).case
    ch.petition_register(actor=world.alice, case=case, matter_key="x")
    ch.petition_redirect(
        actor=world.alice,
        case=case,
        route_channel="labour_arbitration",
        knowledge_date=date(2026, 2, 1),
        note="属于劳动争议，依法申请仲裁",
    )
    case.refresh_from_db()
    assert case.status == Status.NOT_ACCEPTED
    event = Event.objects.get(case=case, kind="not_accepted")
    assert event.data["route_deadline"] == "2027-02-01"


def test_a_case_bounced_twice_is_settled_by_the_supervisor_of_the_common_parent(world, at):
    at("2026-03-02 09:00")
    case = ca.case_submit(
        kind="service_request", title="河道垃圾堆积", description="d", place=world.T1
    ).case
    assert case.owner_unit.code == "GC-T1"
    ca.case_accept(actor=world.alice, case=case)
    t1 = ca.case_transfer_request(
        actor=world.alice, case=case, to_unit=world.u_labour, reason="请劳动部门处理"
    )
    ca.case_transfer_refuse(actor=world.dora, transfer=t1, reason="不属于劳动保障事项")
    t2 = ca.case_transfer_request(
        actor=world.alice, case=case, to_unit=world.u_t2, reason="位于两镇交界"
    )
    case = ca.case_transfer_refuse(actor=world.carol, transfer=t2, reason="河段属东镇管辖")
    assert case.needs_ruling and case.bounce_count == 2 and case.owner_unit.code == "GC-T1"
    from concord.channels.selectors import bounce_queue

    assert list(bounce_queue(world.zoe)) == [case]
    assert list(bounce_queue(world.sam)) == [case]  # sam sees it in his place but cannot decide
    with pytest.raises(PermissionDenied):
        ca.case_transfer_decide(actor=world.sam, case=case, to_unit=world.u_t2, reason="x")
    case = ca.case_transfer_decide(
        actor=world.zoe, case=case, to_unit=world.u_t1, reason="河段在东镇境内，由东镇负责"
    )
    assert case.owner_unit.code == "GC-T1" and not case.needs_ruling
    assert Event.objects.get(case=case, kind="transfer_decided").data["decided_at_place"] == "C"
    with pytest.raises(InvalidTransition):
        ca.case_transfer_decide(actor=world.zoe, case=case, to_unit=world.u_t2, reason="again")


def test_ineligible_answers_are_redirected(world):
    from concord.channels import rules

    channel = next(c for c in rules.CHANNELS if c.questions)
    q = channel.questions[0]
    case = submit_dispute(world)
    with pytest.raises(InvalidInput):
        ch.case_enter_channel(
            actor=world.zoe,
            case=case,
            channel=channel.code,
            answers={q.code: not q.eligible_answer},
        )
    assert Case.objects.get(pk=case.pk).channel == "peoples_mediation"


def test_the_api_gives_the_agreement_in_either_language(world, api, at):
    at("2026-09-01 09:30")
    case = ca.case_submit(
        kind="dispute",
        title="邻里漏水",
        description="楼上漏水到我家。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    ca.case_accept(actor=world.bob, case=case)
    ch.case_enter_channel(actor=world.bob, case=case, channel="peoples_mediation")
    agreement = ch.mediation_record_agreement(
        actor=world.bob,
        case=case,
        parties="王某；李某",
        facts="楼上漏水。",
        issues="维修费用",
        responsibilities="王某负责维修。",
        terms="王某九月底前修好并赔偿五百元。",
        performance_manner="自行履行",
        performance_due=date(2026, 9, 30),
        signed_by=["王某", "李某"],
        mediator_signed=True,
        committee_sealed=True,
    )
    api.as_user(world.bob)
    path = f"/cases/{case.pk}/mediation/agreement.pdf"
    zh, en = api.get(path), api.get(path, lang="en")
    assert zh.status_code == en.status_code == 200
    assert zh.content == agreement_pdf(agreement) != en.content
    assert en.content == agreement_pdf(agreement, language="en")
    refused = api.get(path, lang="fr")
    assert refused.status_code == 400, refused.content


def test_a_refused_judicial_confirmation_tells_the_parties_their_routes(world, client, at):
    """民事诉讼法 art 206: when the court refuses to confirm a mediation agreement, the parties may
    change it or reach a new one through mediation, or sue. Mediation interrupted the
    limitation period (民法典 art 195), so its 3 years (art 188) count again from the refusal on
    Monday 2026-09-14: to Friday 2029-09-14, a working day."""
    from concord.cases.tokens import tracking_token

    at("2026-09-01 09:30")
    case = ca.case_submit(
        kind="dispute",
        title="邻里漏水",
        description="楼上漏水到我家。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    ca.case_accept(actor=world.bob, case=case)
    ch.case_enter_channel(actor=world.bob, case=case, channel="peoples_mediation")
    ch.mediation_record_agreement(
        actor=world.bob,
        case=case,
        parties="王某；李某",
        facts="楼上漏水。",
        issues="维修费用",
        responsibilities="王某负责维修。",
        terms="王某九月底前修好并赔偿五百元。",
        performance_manner="自行履行",
        performance_due=date(2026, 9, 30),
        signed_by=["王某", "李某"],
        mediator_signed=True,
        committee_sealed=True,
    )
    at("2026-09-07 10:00")
    ch.mediation_record_confirmation(actor=world.bob, case=case, step="applied")
    at("2026-09-08 10:00")
    ch.mediation_record_confirmation(actor=world.bob, case=case, step="accepted")
    at("2026-09-14 10:00")
    ch.mediation_record_confirmation(actor=world.bob, case=case, step="refused")

    refused = Event.objects.get(case=case, kind="confirmation_refused")
    assert refused.public
    assert [(r["channel"], r["due"]) for r in refused.data["routes"]] == [
        ("peoples_mediation", None),
        ("litigation", "2029-09-14"),
    ]
    assert "民事诉讼法第206条" in refused.data["notice_zh"]
    assert "变更原调解协议" in refused.data["notice_zh"]
    assert "Civil Procedure Law art 206" in refused.data["notice_en"]

    url = f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/"
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The court refused to confirm the mediation agreement" in en
    assert "2029-09-14" in en
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "人民法院裁定驳回司法确认申请" in zh
    assert "The court refused" not in zh
