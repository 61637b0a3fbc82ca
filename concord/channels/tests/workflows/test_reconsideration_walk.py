"""Walk: administrative reconsideration (行政复议) from filing to decision, ordinary and simple
procedure, across National Day, through the pages and the API.

Hand-computed table. 行政复议法 art 88: "5日" and other periods up to 10 days are working days;
the 30- and 60-day periods are calendar days, and one that ends on a rest day ends on the next
working day (民事诉讼法 art 85). 2026 per 国办发明电〔2025〕7号: 国庆 10-01..07 off, Saturday
10-10 a working day.
"""

import pytest

from concord.cases.models import Clock
from concord.channels.deadlines import deadlines_tick

from .desk import Desk, check

pytestmark = pytest.mark.django_db

TABLE = {
    "administrative_reconsideration:filing_limit": (
        "2026-11-09",
        "行政复议法 art 20: 60 days from knowing of the act on 09-10 → 11-09 (Mon)",
    ),
    "administrative_reconsideration:acceptance": (
        "2026-10-10",
        "行政复议法 arts 30, 88: 5 working days from receipt on Mon 09-28 — 09-29, 09-30, 10-08, "
        "10-09, 10-10 (working Saturday)",
    ),
    "administrative_reconsideration:completion_request": (
        "2026-10-10",
        "行政复议法 arts 31, 88: a request to complete the materials within 5 working days of "
        "receipt on 09-28, counted as above",
    ),
    "administrative_reconsideration:decision": (
        "2026-12-08",
        "行政复议法 art 62: 60 days from acceptance on Fri 10-09 → 12-08 (Tue)",
    ),
    "administrative_reconsideration:simple_decision": (
        "2026-11-09",
        "行政复议法 art 62: simple procedure, 30 days from acceptance on 10-09 → 11-08 (Sun) "
        "→ 11-09",
    ),
}


def received(desk, world, at):
    from concord.cases.actions import case_submit

    at("2026-09-28 09:00")  # Monday
    case = case_submit(kind="grievance", title="不服罚款决定", description="d", place=world.T1).case
    case = desk.step(case, "case_accept", page=("accept", {}), api=("/cases/{id}/accept", {}))
    body = {"channel": "administrative_reconsideration", "knowledge_date": "2026-09-10"}
    return desk.step(
        case,
        "case_enter_channel",
        page=("enter_channel", body),
        api=("/cases/{id}/channel", body),
    )


def start(desk, case, kind, start=None):
    body = {"kind": kind, "start": start}
    return desk.step(
        case,
        "channel_clock_start",
        page=("clock_start", body),
        api=("/cases/{id}/clocks", {k: v for k, v in body.items() if v}),
    )


@pytest.mark.parametrize("via", ["page", "api"])
def test_reconsideration_from_filing_to_a_late_decision(world, at, client, api, via):
    desk = Desk(via, client, api).as_(world.alice)
    case = received(desk, world, at)
    check(case, TABLE, "administrative_reconsideration:filing_limit")
    check(case, TABLE, "administrative_reconsideration:acceptance")
    at("2026-09-29 10:00")  # the materials are incomplete: the request, counted from receipt
    case = start(desk, case, "completion_request", "2026-09-28")
    check(case, TABLE, "administrative_reconsideration:completion_request")

    at("2026-10-09 15:00")  # Friday, between the holiday and the working Saturday: accepted
    case = start(desk, case, "decision")
    check(case, TABLE, "administrative_reconsideration:decision")
    # Accepting answers the acceptance clock (and the completion request with it).
    states = dict(
        Clock.objects.filter(case=case, kind__endswith="_request").values_list("kind", "state")
    )
    assert Clock.objects.get(case=case, kind="administrative_reconsideration:acceptance").state == (
        "met"
    )
    assert states == {"administrative_reconsideration:completion_request": "met"}

    at("2026-10-12 08:00")  # past the acceptance days: nothing is late, nothing moves
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (0, 0)
    at("2026-12-08 18:00")
    assert deadlines_tick().breached == 0
    at("2026-12-09 08:00")  # the 60 days ran out: the law's clock breaches and moves the case
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (1, 1)
    case.refresh_from_db()
    assert case.level == "county"
    breached = Clock.objects.get(case=case, state="breached")
    assert breached.kind == "administrative_reconsideration:decision"


@pytest.mark.parametrize("via", ["page", "api"])
def test_reconsideration_by_the_simple_procedure(world, at, client, api, via):
    desk = Desk(via, client, api).as_(world.alice)
    case = received(desk, world, at)
    at("2026-10-09 15:00")
    case = start(desk, case, "simple_decision")
    check(case, TABLE, "administrative_reconsideration:simple_decision")
    at("2026-11-09 18:00")
    assert deadlines_tick().breached == 0
