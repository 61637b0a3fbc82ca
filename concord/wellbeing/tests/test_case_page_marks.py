"""Marking a missed or false crisis signal from the staff case page (issue 22, point 5)."""

import pytest
from django.urls import reverse

from concord.accounts.models import Membership
from concord.accounts.roles import Role
from concord.cases import actions as ca
from concord.core.models import Event
from concord.wellbeing import actions as wa
from concord.wellbeing.models import SignalMark

pytestmark = pytest.mark.django_db


def test_a_counsellor_marks_a_missed_crisis_from_the_case_page_and_the_lead_counts_it(
    world, team, client, at
):
    at("2026-03-02 09:00")
    case = ca.case_submit(
        kind="dispute", title="路灯", description="路灯坏了", place=world.V11
    ).case
    referral = wa.case_mark_crisis(actor=world.alice, case=case, risk="high").referral
    other = ca.case_submit(kind="dispute", title="t", description="d", place=world.V11).case
    # Cole counsels for the county team and also works cases in the township.
    Membership.objects.create(
        user=world.cole, unit=world.u_t1, role=Role.CASEWORKER, place=world.T1
    )
    client.force_login(world.cole)
    url = reverse("web:case", args=[case.pk])
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="wellbeing-panel"' in en and referral.reference in en
    assert "Crisis detector: missed or false signal" in en and 'name="kind"' in en
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "危机检测：漏报或误报" in zh and "记录标记" in zh

    step = reverse("wellbeing:case_mark_signal", args=[case.pk])
    # A referral of another case cannot be marked through this case.
    assert (
        client.post(
            reverse("wellbeing:case_mark_signal", args=[other.pk]),
            {"referral": referral.pk, "kind": "missed"},
        ).status_code
        == 404
    )
    response = client.post(step, {"referral": referral.pk, "kind": "missed", "note": "暗示告别"})
    assert response.status_code == 302 and response["Location"] == url
    mark = SignalMark.objects.get()
    assert (mark.referral, mark.by, mark.kind, mark.note) == (
        referral,
        world.cole,
        "missed",
        "暗示告别",
    )
    # The same action as the referral page: recorded in the referral's stream, one mark a person.
    stream = Event.objects.filter(stream=f"referral:{referral.pk}", kind="signal_marked")
    assert stream.count() == 1
    again = client.post(
        step,
        {"referral": referral.pk, "kind": "false_alarm"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert SignalMark.objects.count() == 1
    assert "You have already marked this referral." in again.content.decode()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "your mark" in page and f'name="referral" value="{referral.pk}"' not in page

    # The lead's monthly count on the team page.
    team_page = client.get(reverse("wellbeing:team", args=[team.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "<td>2026-03</td><td>1</td><td>0</td>" in team_page.content.decode()


def test_a_caseworker_who_is_no_counsellor_sees_the_crisis_button_but_no_referral(
    world, team, client
):
    case = ca.case_submit(kind="dispute", title="t", description="d", place=world.V11).case
    referral = wa.case_mark_crisis(actor=world.alice, case=case, risk="high").referral
    client.force_login(world.alice)
    page = client.get(
        reverse("web:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert reverse("wellbeing:crisis", args=[case.pk]) in page
    assert referral.reference not in page and 'name="kind"' not in page
    assert "psychological" not in page.lower()  # not even the bare fact of a referral
    step = reverse("wellbeing:case_mark_signal", args=[case.pk])
    assert client.post(step, {"referral": referral.pk, "kind": "missed"}).status_code == 404
    assert not SignalMark.objects.exists()
