"""Tier metrics on a hand-built fixture."""

from datetime import date

import pytest

from concord.cases import actions as ca
from concord.cases.models import Category
from concord.channels.selectors import tier_metrics, tier_metrics_of

pytestmark = pytest.mark.django_db


def finish(world, case, actor):
    case = ca.case_accept(actor=actor, case=case)
    case = ca.case_start(actor=actor, case=case)
    return ca.case_resolve(actor=actor, case=case, outcome="fixed", text="done")


def test_tier_shares_count_where_cases_finished(world, at, api):
    at("2026-06-01 09:00")
    noise = Category.objects.get(code="DP.02")

    def new(place=world.V11):
        return ca.case_submit(
            kind="dispute", title="t", description="d", place=place, category=noise
        ).case

    for _ in range(3):
        finish(world, new(), world.bob)  # village
    town = ca.case_escalate(
        actor=world.bob,
        case=ca.case_accept(actor=world.bob, case=new()),
        reason_code="complex",
        note="n",
    )
    finish(world, town, world.alice)  # town (alice mediates at MC-T1)
    county = ca.case_escalate(
        actor=world.sam, case=town.__class__.objects.get(pk=new().pk), reason_code="c", note="n"
    )
    county = ca.case_escalate(actor=world.sam, case=county, reason_code="c", note="n")
    ca.case_refer_upward(actor=world.zoe, case=county, body="市信访局", reason="涉及跨县事项")
    new(world.V21)  # open, elsewhere: not counted
    open_case = new()  # open: not counted
    ca.case_withdraw(case=open_case, by_resident=True)

    m = tier_metrics(place=world.C, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert (m.finished, m.village, m.town, m.county, m.pushed_upward) == (5, 3, 1, 0, 1)
    assert m.as_dict()["village_share"] == 0.6
    t1 = tier_metrics(place=world.T2, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert t1.finished == 0 and t1.as_dict()["village_share"] is None
    # Several places in one grouped query agree with one query each.
    june = {"start": date(2026, 6, 1), "end": date(2026, 6, 30)}
    places = [world.C, world.T1, world.T2, world.V11]
    assert tier_metrics_of(places, **june) == [tier_metrics(place=p, **june) for p in places]
    assert tier_metrics_of([world.V11], **june)[0].village == 3
    assert tier_metrics(place=world.C, start=date(2026, 7, 1), end=date(2026, 7, 31)).finished == 0

    r = api.as_user(world.ana).get(
        "/metrics/tiers", place="C", start="2026-06-01", end="2026-06-30"
    )
    assert r.status_code == 200 and r.json()["pushed_upward"] == 1
    assert (
        api.as_user(world.carol).get("/metrics/tiers", place="C", start="2026-06-01").status_code
        == 403
    )
