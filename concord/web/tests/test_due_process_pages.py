"""The tracking page acts through the same actions as the API; reopening gives a new deadline.

Dates counted by hand: start day not counted, a due day on a weekend or holiday rolls to the next
working day (民事诉讼法 art 85); 2026 holidays per 国办发明电〔2025〕7号.
"""

from datetime import date

import pytest

from concord.cases import actions as case_actions
from concord.cases.models import Case, Clock, Status
from concord.cases.tokens import tracking_token
from concord.channels import actions as ch
from concord.channels.models import Petition
from concord.core.bilingual import in_language
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def live(case, kind):
    return Clock.objects.get(case=case, kind=kind, state__in=["running", "paused"])


def resolved_case(world):
    case = case_actions.case_accept(actor=world.bob, case=submit_dispute(world))
    return case_actions.case_resolve(actor=world.bob, case=case, outcome="explained", text="已答复")


def replied_petition(world, key="p"):
    case = case_actions.case_submit(
        kind="grievance", title="t", description="d", place=world.V11
    ).case
    ch.petition_register(actor=world.alice, case=case, matter_key=key)
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    ch.petition_reply(
        actor=world.alice,
        case=case,
        opinion="explain",
        text="已解释",
        legal_basis="条例第32条",
        served_how="on_the_spot",
    )
    return Case.objects.get(pk=case.pk)


class Spy:
    """Wrap an action and remember that it was called."""

    def __init__(self, action):
        self.action, self.calls = action, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.action(*args, **kwargs)


# (page action, form fields, API path, API body, the action both must call)
PAGE_ACTIONS = [
    ("info", {"text": "补充"}, "information", {"text": "补充"}, "case_add_information", False),
    (
        "feedback",
        {"resolved": "yes", "satisfaction": "4"},
        "feedback",
        {"resolved": "yes", "satisfaction": 4},
        "case_feedback",
        True,
    ),
    (
        "review",
        {"reason": "没有回应"},
        "review",
        {"reason": "没有回应"},
        "case_request_review",
        True,
    ),
]


@pytest.mark.parametrize(
    "action,form,path,body,function,needs_answer",
    PAGE_ACTIONS,
    ids=[row[0] for row in PAGE_ACTIONS],
)
def test_each_tracking_page_action_calls_the_same_action_as_the_api(
    client, api, world, monkeypatch, action, form, path, body, function, needs_answer
):
    spy = Spy(getattr(case_actions, function))
    monkeypatch.setattr(case_actions, function, spy)
    by_page = resolved_case(world) if needs_answer else submit_dispute(world)
    token = tracking_token(by_page.token_salt)
    response = client.post(f"/track/{by_page.receipt_code}/{token}/", {"action": action, **form})
    assert response.status_code == 302
    assert spy.calls == 1
    by_api = resolved_case(world) if needs_answer else submit_dispute(world)
    response = api.post(
        f"/cases/track/{by_api.receipt_code}/{path}",
        {"token": tracking_token(by_api.token_salt), **body},
    )
    assert response.status_code == 200, response.content
    assert spy.calls == 2


def test_the_tracking_page_review_of_a_petition_goes_to_the_body_above(client, world, at):
    at("2026-03-02 09:00")  # Monday
    case = replied_petition(world)
    at("2026-03-10 10:00")
    token = tracking_token(case.token_salt)
    client.post(f"/track/{case.receipt_code}/{token}/", {"action": "review", "reason": "不服"})
    case.refresh_from_db()
    assert Petition.objects.get(case=case).stage == "review_requested"
    assert (case.level, case.owner_unit.code) == ("county", "PO-C")  # the county petition office
    # 信访工作条例 art 35: review opinion within 30 days of 03-10 → 04-09 (Thursday).
    assert live(case, "petition:review_decision").due_on == date(2026, 4, 9)


def test_not_solved_after_the_written_reply_is_a_request_for_review(world, at):
    at("2026-03-02 09:00")
    case = replied_petition(world, "p2")
    at("2026-03-10 10:00")
    case_actions.case_feedback(case=case, resolved="no", satisfaction=1, comment="没解决")
    case.refresh_from_db()
    assert Petition.objects.get(case=case).stage == "review_requested"
    assert case.level == "county"
    assert live(case, "petition:review_decision").due_on == date(2026, 4, 9)


def test_not_solved_after_the_review_window_keeps_the_rating_and_says_why(world, at):
    at("2026-03-02 09:00")
    case = replied_petition(world, "p3")
    at("2026-04-20 10:00")  # the window closed on 04-01 (30 days from 03-02 → 04-01)
    case_actions.case_feedback(case=case, resolved="no", satisfaction=1)
    case.refresh_from_db()
    assert case.feedback.count() == 1
    assert case.events.filter(kind="review_not_possible", public=True).exists()
    assert Petition.objects.get(case=case).stage == "replied"


@pytest.mark.parametrize("how", ["feedback", "review", "staff"])
def test_every_reopening_starts_a_handling_clock_with_its_basis(client, world, at, how):
    at("2026-09-01 09:00")
    case = resolved_case(world)
    at("2026-09-03 10:00")  # Thursday
    if how == "feedback":
        case_actions.case_feedback(case=case, resolved="no", satisfaction=2)
    elif how == "review":
        case_actions.case_request_review(case=case, reason="没有回应")
    else:
        case_actions.case_reopen(actor=world.bob, case=case, reason="复核发现遗漏")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    clock = live(case, "handle")
    # DP.02 handles in 30 days: from 09-03 → 10-03 (National Day 10-01..07) → 10-08.
    assert clock.due_on == date(2026, 10, 8)
    assert "reopened" in clock.basis or "重新" in clock.basis
    reopened = case.events.get(kind="reopened")
    assert reopened.data["handling_due"] == "2026-10-08"
    # The resident sees the new deadline and its basis on the tracking page.
    page = client.get(
        f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "2026-10-08" in page and in_language(clock.basis, "en") in page
