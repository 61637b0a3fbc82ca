"""Walk: a wage dispute through labour mediation to labour arbitration, across National Day,
with the limitation restarted by the mediation request and counted into 2027, a year whose
official schedule is not loaded yet — through the pages and the API.

Hand-computed table. The start day is not counted; a period in days or years that ends on a
rest day ends on the next working day (民事诉讼法 art 85). 2026 per 国办发明电〔2025〕7号 (国庆
10-01..07 off). 2027 has no notice yet: its rest days are the statutory holidays of 全国年节及
纪念日放假办法 (2024) — 中秋 1 day, on lunar 8/15 = 2027-09-15 — so a date there is provisional.
"""

import pytest

from concord.accounts.models import Membership
from concord.accounts.roles import Role
from concord.cases.models import Category, Clock, TransferRequest
from concord.channels.deadlines import deadlines_tick
from concord.core.models import Event

from .desk import Desk, check

pytestmark = pytest.mark.django_db

TABLE = {
    "peoples_mediation:labour_mediation": (
        "2026-09-30",
        "劳动争议调解仲裁法 art 14: no agreement within 15 days of the request on 09-15 → "
        "arbitration may be sought from 09-30 (Wed)",
    ),
    "peoples_mediation:mediation_period": (
        "2026-10-15",
        "深圳多元化解条例 art 25 (local default, policy): 30 days from 09-15 → 10-15 (Thu)",
    ),
    "labour_arbitration:filing_limit": (
        "2027-09-16",
        "劳动争议调解仲裁法 art 27: one year, interrupted by the mediation request on 2026-09-15 "
        "and counted again from it → 2027-09-15, 中秋 (statutory holiday) → 09-16 (Thu), "
        "provisional",
    ),
    "labour_arbitration:acceptance": (
        "2026-10-13",
        "劳动争议调解仲裁法 art 29: 5 days from the application on 10-08 → 10-13 (Tue)",
    ),
    "labour_arbitration:decision": (
        "2026-11-26",
        "劳动争议调解仲裁法 art 43: 45 days from acceptance on Mon 10-12 → 11-26 (Thu)",
    ),
}
EXTENDED = (
    "2026-12-11",
    "劳动争议调解仲裁法 art 43: extended by 15 days, 60 days from 10-12 → 12-11",
)


@pytest.mark.parametrize("via", ["page", "api"])
def test_wage_arrears_go_from_mediation_to_arbitration(world, at, client, api, via):
    from concord.cases.actions import case_submit

    Membership.objects.create(
        user=world.dora, unit=world.u_arbitration, role=Role.DEPARTMENT_OFFICER, place=world.C
    )
    desk = Desk(via, client, api).as_(world.alice)
    at("2026-09-15 10:00")  # Tuesday
    case = case_submit(
        kind="dispute",
        title="拖欠三个月工资",
        description="d",
        place=world.V11,
        category=Category.objects.get(code="DP.09"),
    ).case
    assert case.owner_unit.code == "MC-T1"  # labour disputes start at the town committee
    case = desk.step(case, "case_accept", page=("accept", {}), api=("/cases/{id}/accept", {}))
    body = {"channel": "peoples_mediation", "knowledge_date": "2026-09-01"}
    case = desk.step(
        case, "case_enter_channel", page=("enter_channel", body), api=("/cases/{id}/channel", body)
    )
    check(case, TABLE, "peoples_mediation:labour_mediation")
    check(case, TABLE, "peoples_mediation:mediation_period")

    at("2026-10-08 10:00")  # after the holiday: the employer still refuses
    end = {"reason": "用工方拒绝支付", "knowledge_date": "2026-09-01"}
    case = desk.step(
        case,
        "mediation_end_unresolved",
        page=("mediation_end", end),
        api=("/cases/{id}/mediation/end", {**end, "mediation_requested_on": "2026-09-15"}),
    )
    routes = {
        r["channel"]: r
        for r in Event.objects.get(case=case, kind="mediation_failed").data["routes"]
    }
    assert routes["labour_arbitration"]["due"] == TABLE["labour_arbitration:filing_limit"][0]
    body = {
        "channel": "labour_arbitration",
        "knowledge_date": "2026-09-01",
        "mediation_requested_on": "2026-09-15",
    }
    case = desk.step(
        case, "case_enter_channel", page=("enter_channel", body), api=("/cases/{id}/channel", body)
    )
    assert check(case, TABLE, "labour_arbitration:filing_limit").provisional
    assert not check(case, TABLE, "labour_arbitration:acceptance").provisional

    reason = "调解不成，申请仲裁"
    desk.as_(world.sam)  # the town's supervisor routes it to the county's commission
    case = desk.step(
        case,
        "case_transfer_request",
        page=("transfer", {"to_unit": world.u_arbitration.pk, "reason": reason}),
        api=("/cases/{id}/transfers", {"to_unit": "AC-C", "reason": reason}),
    )
    transfer = TransferRequest.objects.get(case=case)
    desk.as_(world.dora)
    case = desk.step(
        case,
        "case_transfer_accept",
        page=("transfer_answer", {"transfer": transfer.pk, "answer": "accept"}),
        api=(f"/cases/transfers/{transfer.pk}/accept", {}),
    )
    assert case.owner_unit.code == "AC-C"

    at("2026-10-12 09:00")  # Monday: the commission accepts
    body = {"kind": "decision"}
    case = desk.step(
        case, "channel_clock_start", page=("clock_start", body), api=("/cases/{id}/clocks", body)
    )
    decision = check(case, TABLE, "labour_arbitration:decision")
    assert Clock.objects.get(case=case, kind="labour_arbitration:acceptance").state == "met"

    desk.as_(world.zoe)  # the commission's head approves the extension
    extension = {"days": 15, "reason": "案情复杂，经批准延期"}
    desk.step(
        case,
        "clock_extend",
        page=("extend", {"clock": decision.pk, **extension}),
        api=(f"/clocks/{decision.pk}/extend", extension),
    )
    decision.refresh_from_db()
    assert decision.due_on.isoformat() == EXTENDED[0], EXTENDED[1]

    at("2026-10-14 08:00")  # the 5 days to accept passed, but the case was accepted in time
    assert deadlines_tick().breached == 0
    at("2026-12-11 18:00")
    assert deadlines_tick().breached == 0
    at("2026-12-12 08:00")  # Saturday: the extended 60 days have run out
    report = deadlines_tick()
    assert report.breached >= 1
    assert Clock.objects.get(case=case, kind="labour_arbitration:decision").state == "breached"
