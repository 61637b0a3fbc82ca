"""Workflow suite (issue 21, point 9, part): channels walked through the API with time travel
across the 2026 National Day holiday, each clock checked against a table computed by hand.

Every expected date below was worked out by hand from the law and the State Council's notice
(国办发明电〔2025〕7号: 国庆 2026-10-01..07, with Sunday 09-20 and Saturday 10-10 working days),
never by calling the code under test. Counting (民事诉讼法 art 85; 行政复议法 art 88): the start
day is not counted; a period in days that ends on a holiday or weekend ends on the next working
day; "working days" count only working days (an adjusted working Saturday counts).
"""

from datetime import date

import pytest

from concord.cases.actions import case_submit
from concord.cases.models import Clock

pytestmark = pytest.mark.django_db

# (channel, clock kind, started on, due on, legal basis and the counting by hand)
TABLE = [
    (
        "administrative_reconsideration",
        "acceptance",
        "2026-09-28",
        "2026-10-10",
        "行政复议法 art 30: 5 working days — 09-29, 09-30, (10-01..07 off), 10-08, 10-09, "
        "10-10 (adjusted working Saturday)",
    ),
    (
        "administrative_reconsideration",
        "completion_request",
        "2026-09-28",
        "2026-10-10",
        "行政复议法 art 31: 5 working days, counted as above",
    ),
    (
        "administrative_reconsideration",
        "decision",
        "2026-09-28",
        "2026-11-27",
        "行政复议法 art 62: 60 days — 09-28 + 60 = 11-27, a Friday",
    ),
    (
        "administrative_reconsideration",
        "simple_decision",
        "2026-09-28",
        "2026-10-28",
        "行政复议法 art 62: simple procedure 30 days — 10-28, a Wednesday",
    ),
    (
        "labour_arbitration",
        "acceptance",
        "2026-09-28",
        "2026-10-08",
        "劳动争议调解仲裁法 art 29: 5 days — 10-03 falls in 国庆, so 10-08",
    ),
    (
        "labour_arbitration",
        "decision",
        "2026-09-30",
        "2026-11-16",
        "劳动争议调解仲裁法 art 43: 45 days from acceptance — 11-14 is a Saturday, so 11-16",
    ),
    (
        "service_dispatch",
        "working_day_handling",
        "2026-09-30",
        "2026-10-13",
        "济南市12345热线条例 art 24: 5 working days — 10-08, 10-09, 10-10 (working Saturday), "
        "10-12, 10-13",
    ),
    (
        "peoples_mediation",
        "mediation_period",
        "2026-09-01",
        "2026-10-08",
        "深圳多元化解条例 art 25 (configurable default): 30 days — 10-01 falls in 国庆, so 10-08",
    ),
]


@pytest.mark.parametrize(
    "channel,kind,start,due,basis", TABLE, ids=[f"{r[0]}:{r[1]}" for r in TABLE]
)
def test_each_clock_started_through_the_api_matches_the_hand_computed_date(
    world, at, api, channel, kind, start, due, basis
):
    at(f"{start} 09:00")
    case = case_submit(kind="grievance", title="t", description="d", place=world.T1).case
    handler = api.as_user(world.alice)
    response = handler.post(f"/cases/{case.pk}/channel", {"channel": channel})
    assert response.status_code == 200, response.content
    if not Clock.objects.filter(case=case, kind=f"{channel}:{kind}").exists():
        response = handler.post(f"/cases/{case.pk}/clocks", {"kind": kind, "start": start})
        assert response.status_code == 201, response.content
    clock = Clock.objects.get(case=case, kind=f"{channel}:{kind}", state="running")
    assert clock.due_on == date.fromisoformat(due), basis
    assert not clock.provisional  # 2026's schedule is loaded


def test_time_travel_past_a_hand_computed_deadline_breaches_it_the_day_after(world, at, api):
    from concord.channels.deadlines import deadlines_tick

    at("2026-09-28 09:00")
    case = case_submit(kind="grievance", title="t", description="d", place=world.T1).case
    api.as_user(world.alice).post(
        f"/cases/{case.pk}/channel", {"channel": "administrative_reconsideration"}
    )
    at("2026-10-10 18:00")  # the last day (a working Saturday): still on time
    deadlines_tick()
    clock = Clock.objects.get(case=case, kind="administrative_reconsideration:acceptance")
    assert clock.state == "running"
    at("2026-10-11 08:00")
    deadlines_tick()
    clock.refresh_from_db()
    assert clock.state == "breached"
