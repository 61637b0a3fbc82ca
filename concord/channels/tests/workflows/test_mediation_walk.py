"""Walk: a village neighbour dispute in people's mediation whose two policy clocks run out on
the same day (one escalation, village → town, fresh clocks for the town), then mediation at the
town to a written agreement and its judicial confirmation, through the pages and the API.

Hand-computed table. The start day is not counted; a period that ends on a rest day ends on the
next working day (民事诉讼法 art 85). 2026 rest days per 国办发明电〔2025〕7号: 国庆 10-01..07.
"""

import pytest

from concord.cases.models import Clock, Status
from concord.channels.deadlines import deadlines_tick
from concord.channels.models import MediationAgreement
from concord.core.models import Event

from .desk import Desk, check

pytestmark = pytest.mark.django_db

VILLAGE = {
    "handle": (
        "2026-10-08",
        "platform policy: category DP.02 is handled in 30 days, from filing on 09-01 → 10-01, in "
        "国庆 → 10-08",
    ),
    "peoples_mediation:mediation_period": (
        "2026-10-08",
        "深圳多元化解条例 art 25 (local default, policy): 30 days from 09-01 → 10-01 → 10-08",
    ),
}
TOWN = {
    "handle": (
        "2026-11-09",
        "platform policy: the town's own 30 days from the escalation on 10-09 → 11-08 (Sun) "
        "→ 11-09",
    ),
    "peoples_mediation:mediation_period": (
        "2026-11-09",
        "深圳多元化解条例 art 25: the town's fresh 30 days from 10-09 → 11-08 (Sun) → 11-09",
    ),
}
AGREEMENT = {
    "judicial_confirmation:filing_limit": (
        "2026-11-19",
        "人民调解法 art 33, 民事诉讼法 art 205: joint application within 30 days of the agreement "
        "taking effect on 10-20 → 11-19 (Thu)",
    ),
    "performance": ("2026-11-30", "the agreement's own performance date, 11-30 (Mon)"),
}
CONFIRMATION = {
    "judicial_confirmation:acceptance": (
        "2026-11-19",
        "司法确认规定 art 4: the court decides whether to accept within 3 days of the joint "
        "application on 11-16 → 11-19 (Thu)",
    ),
    "judicial_confirmation:decision": (
        "2026-12-03",
        "司法确认规定 art 5: the court decides whether to confirm within 15 days of accepting on "
        "11-18 → 12-03 (Thu)",
    ),
}


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_village_dispute_escalates_once_and_ends_in_a_confirmed_agreement(
    world, at, client, api, via
):
    from concord.testing import submit_dispute

    desk = Desk(via, client, api).as_(world.bob)
    at("2026-09-01 09:30")  # Tuesday
    case = submit_dispute(world)
    assert (case.level, case.owner_unit.code) == ("village", "MC-V11")
    case = desk.step(case, "case_accept", page=("accept", {}), api=("/cases/{id}/accept", {}))
    case = desk.step(
        case,
        "case_enter_channel",
        page=("enter_channel", {"channel": "peoples_mediation"}),
        api=("/cases/{id}/channel", {"channel": "peoples_mediation"}),
    )
    old_handle = check(case, VILLAGE, "handle")
    old_mediation = check(case, VILLAGE, "peoples_mediation:mediation_period")

    at("2026-10-08 18:00")  # the last day of both
    assert deadlines_tick().escalated == 0
    at("2026-10-09 08:00")  # both ran out on the same day: one escalation, not two
    assert deadlines_tick().escalated == 1
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("town", 1)
    for old in (old_handle, old_mediation):
        old.refresh_from_db()
        assert old.state in ("breached", "cancelled")
    check(case, TOWN, "handle")
    check(case, TOWN, "peoples_mediation:mediation_period")
    assert deadlines_tick().escalated == 0
    case.refresh_from_db()
    assert case.level == "town"

    desk.as_(world.alice)  # a mediator of the town's committee
    at("2026-10-15 19:00")
    session = {"held_at": "2026-10-15T19:00", "location": "镇调解室", "participants": "王某、李某"}
    case = desk.step(
        case,
        "mediation_record_session",
        page=("session", session),
        api=("/cases/{id}/mediation/sessions", {**session, "held_at": "2026-10-15T19:00+08:00"}),
    )
    at("2026-10-20 10:00")  # Tuesday
    agreement = {
        "parties": "王某（楼上）；李某（楼下）",
        "facts": "王某装修期间每日早七时施工。",
        "issues": "施工时间",
        "responsibilities": "王某负主要责任。",
        "terms": "每日9时至18时施工，周末不施工。",
        "performance_manner": "自行遵守，物业监督",
        "performance_due": "2026-11-30",
    }
    case = desk.step(
        case,
        "mediation_record_agreement",
        page=(
            "agreement",
            {
                **agreement,
                "signed_by": "王某\n李某",
                "mediator_signed": "on",
                "committee_sealed": "on",
            },
        ),
        api=(
            "/cases/{id}/mediation/agreement",
            {
                **agreement,
                "signed_by": ["王某", "李某"],
                "mediator_signed": True,
                "committee_sealed": True,
            },
        ),
    )
    assert case.status == Status.RESOLVED and case.outcome == "agreement"
    check(case, AGREEMENT, "judicial_confirmation:filing_limit")
    check(case, AGREEMENT, "performance")

    def confirmation(step, on):
        return desk.step(
            case,
            "mediation_record_confirmation",
            page=("confirmation", {"step": step, "on": on}),
            api=("/cases/{id}/mediation/confirmation", {"step": step, "on": on}),
        )

    at("2026-11-16 10:00")  # Monday: both parties apply jointly
    confirmation("applied", "2026-11-16")
    assert MediationAgreement.objects.get(case=case).confirmation_requested_on.isoformat() == (
        "2026-11-16"
    )
    assert Clock.objects.get(case=case, kind="judicial_confirmation:filing_limit").state == "met"
    check(case, CONFIRMATION, "judicial_confirmation:acceptance")
    at("2026-11-18 10:00")
    confirmation("accepted", "2026-11-18")
    check(case, CONFIRMATION, "judicial_confirmation:decision")
    at("2026-11-30 17:00")  # the agreed day: the mediator checks the terms were kept
    desk.step(
        case,
        "mediation_record_performance",
        page=("performance", {"performance": "performed"}),
        api=("/cases/{id}/mediation/performance", {"performance": "performed"}),
    )
    at("2026-12-01 10:00")
    confirmation("confirmed", "2026-12-01")
    at("2026-12-04 08:00")  # every clock was met: nothing is late
    assert deadlines_tick().breached == 0
    kinds = list(
        Event.objects.filter(case=case, public=True).order_by("seq").values_list("kind", flat=True)
    )
    assert kinds[-4:] == [
        "confirmation_applied",
        "confirmation_accepted",
        "performance_followed_up",
        "confirmation_confirmed",
    ]
