"""Walk: a petition (信访) through acceptance, written reply, review (复查) and re-review (复核)
to final, through the API and through the pages where staff and the petitioner act.

Hand-computed table. Counting (民事诉讼法 art 85, which 信访工作条例 does not displace): the start
day is not counted; a period that ends on a rest day ends on the next working day. 2026 rest
days per 国办发明电〔2025〕7号: 国庆 10-01..07 (Sunday 09-20 and Saturday 10-10 are working days).
"""

import pytest

from concord.cases.models import Clock, Status
from concord.channels.deadlines import deadlines_tick
from concord.channels.models import Petition
from concord.core.models import Event

from .desk import Desk, Resident, check

pytestmark = pytest.mark.django_db

# clock kind: (due on, legal basis and the counting by hand)
TABLE = {
    "petition:acceptance": (
        "2026-08-18",
        "信访工作条例 arts 22-23: written acceptance notice within 15 days of 08-03 → 08-18 (Tue)",
    ),
    "handle": (
        "2026-08-18",
        "platform policy: 15 days for a grievance without category, from filing on 08-03 → 08-18",
    ),
    "petition:decision": (
        "2026-10-08",
        "信访工作条例 art 34: 60 days from acceptance on 08-04 → 10-03, in 国庆 → 10-08 (Thu)",
    ),
    "petition:review_request": (
        "2026-10-08",
        "信访工作条例 art 35: 30 days from the reply served by post on 09-04 → 10-04, in 国庆 "
        "→ 10-08",
    ),
    "petition:review_decision": (
        "2026-10-08",
        "信访工作条例 art 35: review opinion 30 days from the request on 09-07 → 10-07, in 国庆 "
        "→ 10-08",
    ),
    "petition:recheck_request": (
        "2026-11-09",
        "信访工作条例 art 36: 30 days from the review opinion read on the tracking page on 10-10 "
        "(a working Saturday) → 11-09 (Mon)",
    ),
    "petition:recheck_decision": (
        "2026-12-02",
        "信访工作条例 art 36: re-review opinion 30 days from the request on 11-02 → 12-02 (Wed)",
    ),
}


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_petition_walks_to_final_through_review_and_re_review(world, at, client, api, via):
    from concord.cases.actions import case_submit

    desk, petitioner = Desk(via, client, api), Resident(via, client, api)
    at("2026-08-03 09:00")  # Monday
    case = case_submit(
        kind="grievance", title="补贴名单不符", description="d", place=world.V11
    ).case
    assert case.owner_unit.code == "GC-T1"
    desk.as_(world.alice)
    case = desk.step(
        case,
        "petition_register",
        page=("petition_register", {"matter_key": "V11-补贴"}),
        api=("/cases/{id}/petition", {"matter_key": "V11-补贴"}),
    )
    check(case, TABLE, "petition:acceptance")
    check(case, TABLE, "handle")

    at("2026-08-04 10:00")
    case = desk.step(
        case,
        "petition_accept",
        page=("petition_accept", {"petition_type": "appeal"}),
        api=("/cases/{id}/petition/accept", {"petition_type": "appeal"}),
    )
    check(case, TABLE, "petition:decision")
    assert Clock.objects.get(case=case, kind="petition:acceptance").state == "met"

    # The platform's handling clock passes; the law's 60 days govern, so it only reminds.
    at("2026-08-19 08:00")
    report = deadlines_tick()
    assert (report.escalated, report.breached, report.reminded) == (0, 0, 1)
    case.refresh_from_db()
    assert (case.level, case.owner_unit.code) == ("town", "GC-T1")

    at("2026-09-02 15:00")
    reply = {"opinion": "explain", "text": "经核查，名单符合规定。", "legal_basis": "条例第32条"}
    case = desk.step(
        case,
        "petition_reply",
        page=("petition_reply", reply),
        api=("/cases/{id}/petition/reply", reply),
    )
    assert case.status == Status.RESOLVED
    assert not Clock.objects.filter(case=case, kind="petition:review_request").exists()

    at("2026-09-07 09:00")  # the post office's receipt says it was served on Friday 09-04
    case = desk.step(
        case,
        "petition_record_service",
        page=("petition_serve", {"how": "post", "on": "2026-09-04"}),
        api=("/cases/{id}/petition/service", {"how": "post", "on": "2026-09-04"}),
    )
    check(case, TABLE, "petition:review_request")

    at("2026-09-07 16:00")
    case = petitioner.review(case, "核查没有走访当事农户")
    assert Petition.objects.get(case=case).stage == "review_requested"
    assert (case.level, case.owner_unit.code) == ("county", "PO-C")  # the body above
    check(case, TABLE, "petition:review_decision")

    at("2026-10-08 18:00")  # the last day: nothing is late yet
    assert deadlines_tick().breached == 0  # the county's 15 days do not outrun the law's 30
    assert Clock.objects.get(case=case, kind="handle", state="running").overdue_reminded
    desk.as_(world.zoe)
    case = desk.step(
        case,
        "petition_review_decide",
        page=("petition_review", {"text": "复查维持原处理意见。"}),
        api=("/cases/{id}/petition/review-decision", {"text": "复查维持原处理意见。"}),
    )
    assert not Clock.objects.filter(case=case, kind="petition:recheck_request").exists()

    at("2026-10-10 20:00")  # the petitioner reads the review opinion: it is served today
    petitioner.look(case)
    assert Petition.objects.get(case=case).review_served_on.isoformat() == "2026-10-10"
    check(case, TABLE, "petition:recheck_request")

    at("2026-11-02 10:00")
    case = petitioner.review(case, "仍不服")
    assert Petition.objects.get(case=case).stage == "recheck_requested"
    assert case.level == "county"  # above the county it leaves the platform
    check(case, TABLE, "petition:recheck_decision")

    at("2026-11-20 10:00")
    case = desk.step(
        case,
        "petition_review_decide",
        page=("petition_review", {"text": "复核维持。"}),
        api=("/cases/{id}/petition/review-decision", {"text": "复核维持。", "recheck": True}),
    )
    assert case.status == Status.CLOSED
    assert Petition.objects.get(case=case).stage == "final"
    # Final (art 36): "not solved" is kept as a rating, nothing reopens and no new window opens.
    at("2026-11-23 10:00")
    case = petitioner.feedback(case, "no", 1, "不服")
    assert case.status == Status.CLOSED
    assert not Clock.objects.filter(case=case, state__in=["running", "paused"]).exists()
    assert Event.objects.filter(case=case, kind="petition_final").count() == 1
