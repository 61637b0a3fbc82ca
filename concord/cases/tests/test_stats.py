"""The shared statistics on a hand-built fixture."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.cases import actions as ca
from concord.cases import stats
from concord.cases.models import Case, Category
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def test_breakdown_by_month_and_unit(world, at):
    noise = Category.objects.get(code="DP.02")

    def new(place=world.V11, category=noise):
        return ca.case_submit(
            kind="dispute", title="t", description="d", place=place, category=category
        ).case

    at("2026-03-02 09:00")
    a = ca.case_accept(actor=world.bob, case=new())  # responded within 24 h
    ca.case_start(actor=world.bob, case=a)
    b = new()
    c = new(place=world.V21)
    at("2026-03-04 09:00")
    ca.case_accept(actor=world.bob, case=b)  # responded after 48 h
    ca.case_resolve(actor=world.bob, case=a, outcome="agreement", text="ok")  # 2 days, on time
    ca.case_feedback(case=a, resolved="yes", satisfaction=5)
    at("2026-04-10 09:00")
    d = ca.case_accept(actor=world.bob, case=new())
    ca.case_start(actor=world.bob, case=d)
    at("2026-04-14 09:00")
    ca.case_resolve(actor=world.bob, case=d, outcome="agreement", text="ok")  # 4 days
    ca.case_feedback(case=d, resolved="partly", satisfaction=2)

    whole = stats.summarize(Case.objects.all())
    assert (whole.received, whole.resolved) == (4, 2)
    assert whole.response_rate == 0.5  # a and d responded within 24 h; b late; c never
    assert whole.median_days == 3.0
    assert whole.on_time_share == 1.0
    assert (
        whole.ratings,
        whole.resolution_rate,
        whole.satisfaction_rate,
        whole.mean_satisfaction,
    ) == (2, 0.5, 0.5, 3.5)

    by_month = stats.breakdown(Case.objects.all(), ["month"])
    assert by_month[("2026-03",)].received == 3 and by_month[("2026-04",)].received == 1
    assert by_month[("2026-04",)].median_days == 4.0
    by_unit = stats.breakdown(Case.objects.all(), ["unit", "category"])
    assert by_unit[("MC-V11", "DP")].received == 3
    assert by_unit[("MC-V21", "DP")].received == 1
    assert c.category_root == "DP"


def test_breakdown_runs_a_fixed_number_of_queries(world):
    for i in range(3):
        ca.case_submit(kind="dispute", title=f"t{i}", description="d", place=world.V11)
    with CaptureQueriesContext(connection) as few:
        stats.breakdown(Case.objects.all(), ["month", "unit"])
    for i in range(10):
        ca.case_submit(kind="dispute", title=f"u{i}", description="d", place=world.V21)
    with CaptureQueriesContext(connection) as many:
        stats.breakdown(Case.objects.all(), ["month", "unit"])
    assert len(few) == len(many)


def test_unknown_keys_are_refused():
    with pytest.raises(ValueError):
        stats.breakdown(Case.objects.none(), ["colour"])


def test_a_case_rated_twice_counts_once_and_both_ratings_count(world, at):
    at("2026-03-02 09:00")
    case = submit_dispute(world)
    ca.case_accept(actor=world.bob, case=case)
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="ok")
    ca.case_feedback(case=case, resolved="no", satisfaction=1)  # reopens the case
    case.refresh_from_db()
    assert case.status == "reopened"
    at("2026-03-05 09:00")
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="ok")
    ca.case_feedback(case=case, resolved="yes", satisfaction=5)
    for summary in (
        stats.summarize(Case.objects.all(), median=False),
        stats.breakdown(Case.objects.all(), ["month", "unit"])[("2026-03", "MC-V11")],
    ):
        assert (summary.received, summary.resolved, summary.responded_in_time) == (1, 1, 1)
        assert (summary.ratings, summary.rated_resolved, summary.satisfaction_sum) == (2, 1, 6)
