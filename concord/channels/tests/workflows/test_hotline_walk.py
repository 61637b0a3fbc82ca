"""Walk: a 12345 ticket with its hour and working-day clocks across National Day, and its
return for re-handling after the resident says it was not solved, through the API and the pages.

Hand-computed table. Hour clocks run round the clock, holidays included (北京12345规范 draft,
grade C, configurable). Working days skip weekends and holidays and count adjusted working days
(国办发明电〔2025〕7号: 国庆 10-01..07 off; Saturday 10-10 is a working day).
"""

import pytest

from concord.cases.models import Clock, Status
from concord.channels.deadlines import deadlines_tick
from concord.core.models import Event

from .desk import Desk, Resident, check

pytestmark = pytest.mark.django_db

TABLE = {
    "service_dispatch:working_day_handling": (
        "2026-10-13",
        "济南市12345热线条例 art 24: 5 working days from dispatch on Wed 09-30 — 10-08, 10-09, "
        "10-10 (working Saturday), 10-12, 10-13",
    ),
    "service_dispatch:emergency_response": (
        "2026-10-01",
        "北京12345规范 (draft, grade C): 2 hours from 22:30 on 09-30 → 00:30 on 10-01",
    ),
    "service_dispatch:utility_response": (
        "2026-10-01",
        "北京12345规范 (draft, grade C): 24 hours from 22:30 on 09-30 → 22:30 on 10-01, a holiday",
    ),
    "handle": (
        "2026-10-15",
        "platform policy: 15 days for a request without category, from filing on 09-30 → 10-15",
    ),
}
# After the resident's "not solved" on Thursday 10-15 (re-handling, W6).
REOPENED = {
    "service_dispatch:working_day_handling": (
        "2026-10-22",
        "济南市12345热线条例 art 24: 5 working days from 10-15 — 10-16, 10-19, 10-20, 10-21, 10-22",
    ),
    "handle": (
        "2026-10-30",
        "platform policy: the handling time again after reopening, 15 days from 10-15 → 10-30",
    ),
}


def start(desk, case, kind):
    return desk.step(
        case,
        "channel_clock_start",
        page=("clock_start", {"kind": kind}),
        api=("/cases/{id}/clocks", {"kind": kind}),
    )


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_hotline_ticket_runs_its_hour_and_working_day_clocks(world, at, client, api, via):
    from concord.cases.actions import case_submit

    desk, caller = Desk(via, client, api).as_(world.alice), Resident(via, client, api)
    at("2026-09-30 22:30")  # Wednesday night, the eve of National Day
    case = case_submit(
        kind="service_request", title="小区停水", description="d", place=world.T1
    ).case
    case = desk.step(case, "case_accept", page=("accept", {}), api=("/cases/{id}/accept", {}))
    case = desk.step(
        case,
        "case_enter_channel",
        page=("enter_channel", {"channel": "service_dispatch"}),
        api=("/cases/{id}/channel", {"channel": "service_dispatch"}),
    )
    check(case, TABLE, "service_dispatch:working_day_handling")
    check(case, TABLE, "handle")
    case = start(desk, case, "emergency_response")
    case = start(desk, case, "utility_response")
    emergency = check(case, TABLE, "service_dispatch:emergency_response")
    utility = check(case, TABLE, "service_dispatch:utility_response")
    assert emergency.due_at.isoformat() == "2026-09-30T16:30:00+00:00"  # 10-01 00:30 in Beijing
    assert utility.due_at.isoformat() == "2026-10-01T14:30:00+00:00"  # 10-01 22:30 in Beijing

    at("2026-10-01 00:20")
    assert deadlines_tick().breached == 0
    at("2026-10-01 00:40")  # past the two hours, on a holiday: hours do not stop for it
    assert deadlines_tick().breached == 1
    emergency.refresh_from_db()
    assert emergency.state == "breached"
    at("2026-10-01 22:20")
    assert deadlines_tick().breached == 0
    at("2026-10-01 22:31")
    assert deadlines_tick().breached == 1
    case.refresh_from_db()
    assert case.level == "town"  # response-time clocks inform; they do not move the ticket

    at("2026-10-13 17:00")  # the fifth working day
    assert deadlines_tick().breached == 0
    answer = {"outcome": "fixed", "text": "已恢复供水。"}
    case = desk.step(
        case,
        "case_resolve",
        page=("resolve", answer),
        api=("/cases/{id}/resolve", answer),
    )
    assert case.status == Status.RESOLVED

    at("2026-10-15 09:00")
    case = caller.feedback(case, "no", 1, "又停水了")
    assert case.status == Status.REOPENED
    check(case, REOPENED, "service_dispatch:working_day_handling")
    handle = check(case, REOPENED, "handle")
    reopened = Event.objects.get(case=case, kind="reopened")
    assert reopened.data["handling_due"] == "2026-10-30"
    assert {c["kind"]: c["due"] for c in reopened.data["clocks"]} == {
        "service_dispatch:working_day_handling": "2026-10-22"
    }
    # Staff and the resident see the new deadline with its basis.
    page = caller.look(case)
    assert "2026-10-22" in page and "2026-10-30" in page
    assert "济南" in page or "Jinan" in page
    assert handle.basis

    at("2026-10-23 08:00")  # the re-handling's working days ran out: the ticket moves up once
    report = deadlines_tick()
    assert report.escalated == 1
    case.refresh_from_db()
    assert case.level == "county"
    assert Clock.objects.filter(case=case, state="breached").count() == 3
