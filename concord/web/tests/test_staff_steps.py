"""Case-page forms for petition steps, referral above the county, performance and attachments."""

import pytest

from concord.cases import actions as case_actions
from concord.cases.models import Case, Status
from concord.channels import actions as channel_actions
from concord.channels.models import MediationAgreement, Petition
from concord.web.tests.test_staff import act, submit

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def offered(client, case) -> str:
    return client.get(f"/staff/cases/{case.pk}/").content.decode()


def test_petition_steps_from_register_to_review_decision(client, world, categories, at):
    at("2025-12-15 09:00")
    case = submit(world, title="反映补贴名单", category="CM01", place="T1")
    client.force_login(world.alice)
    page = offered(client, case)
    assert 'id="action-petition_register"' in page and 'id="action-petition_accept"' not in page

    assert act(client, case, "petition_register", matter_key="T1-补贴名单").status_code == 302
    petition = Petition.objects.get(case=case)
    assert petition.stage == "received"
    page = offered(client, case)
    assert 'id="action-petition_register"' not in page and 'id="action-petition_accept"' in page

    assert act(client, case, "petition_accept", petition_type="gossip").status_code == 400
    assert act(client, case, "petition_accept", petition_type="appeal").status_code == 302
    petition.refresh_from_db()
    assert (petition.stage, petition.petition_type) == ("handling", "appeal")

    at("2026-01-10 10:00")
    client.force_login(world.alice)  # the session expired while time moved on
    response = act(
        client, case, "petition_reply", opinion="not_support", text="名单符合规定。", legal_basis=""
    )
    assert response.status_code == 400  # the legal basis is required
    response = act(
        client,
        case,
        "petition_reply",
        opinion="not_support",
        text="经核查，补贴名单符合规定。",
        legal_basis="《信访工作条例》第三十二条",
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    case.refresh_from_db()
    assert petition.stage == "replied" and petition.legal_basis == "《信访工作条例》第三十二条"
    assert case.status == Status.RESOLVED

    at("2026-01-20 10:00")
    channel_actions.petition_request_review(case=case, reason="核查没有走访")
    client.force_login(world.zoe)
    assert 'id="action-petition_review"' in offered(client, case)
    assert act(client, case, "petition_review", text="复查维持原处理意见。").status_code == 302
    petition.refresh_from_db()
    assert petition.stage == "reviewed" and petition.review_opinion == "复查维持原处理意见。"
    assert 'id="action-petition_review"' not in offered(client, case)


def test_a_repeat_petition_lands_on_the_pending_case(client, world, categories):
    first = submit(world, title="补贴名单", category="CM01", place="T1")
    channel_actions.petition_register(actor=world.alice, case=first, matter_key="T1-补贴")
    repeat = submit(world, title="补贴名单又来", category="CM01", place="T1")
    client.force_login(world.alice)
    response = act(client, repeat, "petition_register", matter_key="T1-补贴")
    assert response.status_code == 302 and response.url == f"/staff/cases/{first.pk}/"
    repeat.refresh_from_db()
    assert repeat.merged_into_id == first.pk


def test_refer_upward_only_for_county_cases(client, world, categories):
    town_case = submit(world, category="CM01", place="T1")
    client.force_login(world.zoe)
    assert 'id="action-refer_upward"' not in offered(client, town_case)

    case = submit(world, category="CM01", place="T1")
    case_actions.case_escalate(actor=world.zoe, case=case, reason_code="complex", note="跨镇")
    case.refresh_from_db()
    assert case.level == "county"
    assert 'id="action-refer_upward"' in offered(client, case)
    assert act(client, case, "refer_upward", body="市信访局", reason="").status_code == 400
    response = act(client, case, "refer_upward", body="市信访局", reason="涉及市级政策")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.RESOLVED, "referred")


def test_mediator_follows_up_the_agreement(client, world, categories):
    case = submit(world)
    client.force_login(world.bob)
    assert 'id="action-performance"' not in offered(client, case)
    act(client, case, "accept")
    act(
        client,
        case,
        "agreement",
        parties="王芳；李强",
        facts="装修噪音",
        issues="施工时间",
        responsibilities="李强",
        terms="晚八点后停工",
        performance_manner="自行履行",
        performance_due="2026-04-01",
        signed_by="王芳\n李强",
        mediator_signed="on",
        committee_sealed="on",
    )
    page = offered(client, case)
    assert 'id="action-performance"' in page and 'value="pending"' not in page
    assert act(client, case, "performance", performance="pending").status_code == 400
    assert (
        act(client, case, "performance", performance="partly", note="已付一半").status_code == 302
    )
    assert MediationAgreement.objects.get(case=case).performance == "partly"
    assert case.events.filter(kind="performance_followed_up").exists()


def test_staff_attach_a_file_with_confirmation(client, world, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = submit(world)
    client.force_login(world.bob)
    url = f"/staff/cases/{case.pk}/attach/"
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    assert client.post(url, {"attach-file": upload}).status_code == 400  # not confirmed
    assert case.attachments.count() == 0

    executable = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256))
    bogus = SimpleUploadedFile("x.png", executable, content_type="image/png")
    response = client.post(url, {"attach-file": bogus, "attach-confirm": "on"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()

    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(url, {"attach-file": upload, "attach-confirm": "on"})
    assert response.status_code == 302
    attachment = case.attachments.get()
    assert attachment.original_name == "现场.png" and attachment.public is False
    assert attachment.uploaded_by == world.bob
    assert "现场.png" in offered(client, case)


def test_outsider_cannot_attach(client, world, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = submit(world)
    client.force_login(world.carol)
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = client.post(
        f"/staff/cases/{case.pk}/attach/", {"attach-file": upload, "attach-confirm": "on"}
    )
    assert response.status_code == 404
    assert not Case.objects.get(pk=case.pk).attachments.exists()


def test_dashboard_statistics_skip_the_median_but_keep_the_counts(world, categories):
    from concord.cases import stats
    from concord.cases.models import Case as CaseModel

    for i in range(3):
        case = submit(world, title=f"噪音 {i}")
        case_actions.case_accept(actor=world.bob, case=case)
        if i:
            case_actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="好")
    full = stats.summarize(CaseModel.objects.all())
    lean = stats.summarize(CaseModel.objects.all(), median=False)
    assert full.median_days is not None and lean.median_days is None
    assert (lean.received, lean.resolved, lean.response_rate) == (3, 2, full.response_rate)
    by_month = stats.breakdown(CaseModel.objects.all(), ["month"], median=False)
    assert [s.received for s in by_month.values()] == [3]


def test_fast_select_writes_what_the_template_select_writes():
    import re

    from django import forms

    from concord.web.forms import FastSelect

    choices = [("", "—"), ("a&b", "<A>"), ("乡镇", (("t1", "东镇"), ("t2", "西镇")))]
    for value in ("a&b", "t2", None):
        fast = FastSelect(choices=choices).render("unit", value, attrs={"id": "id_unit"})
        slow = forms.Select(choices=choices).render("unit", value, attrs={"id": "id_unit"})
        assert fast == re.sub(r">\s+<", "><", slow.strip())


def test_the_case_page_offers_its_documents_in_the_reader_language(client, world, categories):
    from concord.channels.models import MediationAgreement

    case = submit(world)
    client.force_login(world.bob)
    act(client, case, "accept")
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/staff/cases/{case.pk}/receipt/" in page
    assert f"/staff/cases/{case.pk}/answer/" not in page  # nothing answered yet
    receipt = client.get(f"/staff/cases/{case.pk}/receipt/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "受理回执" in receipt.content.decode() and case.receipt_code in receipt.content.decode()
    act(client, case, "resolve", outcome="fixed", text="双方约定晚十点后停止装修。")
    answer = client.get(f"/staff/cases/{case.pk}/answer/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Written answer" in answer.decode() and "双方约定" in answer.decode()
    assert client.get(f"/staff/cases/{case.pk}/agreement.pdf").status_code == 404
    assert not MediationAgreement.objects.filter(case=case).exists()


def test_duplicates_and_incidents_are_on_the_case_page_with_merge_and_link(
    client, world, categories
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from concord.safety import actions as safety_actions
    from concord.triage.models import DuplicateCandidate

    first, second = submit(world), submit(world)
    DuplicateCandidate.objects.create(case=second, other=first, score=0.93)
    incident = safety_actions.incident_record(
        actor=world.sam,
        title="桃村山洪",
        incident_type="natural_disaster",
        level="large",
        places=[world.V11],
        occurred_at=datetime(2026, 7, 2, 5, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    client.force_login(world.sam)  # supervisor of the town: may merge and link
    page = client.get(f"/staff/cases/{second.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.receipt_code in page and "Merge this case into it" in page
    assert 'id="action-link_incident"' in page
    response = client.post(
        f"/staff/cases/{second.pk}/link_incident/", {"link_incident-incident": incident.pk}
    )
    assert response.status_code == 302
    assert incident.cases.filter(pk=second.pk).exists()
    page = client.get(f"/staff/cases/{second.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/staff/safety/incidents/{incident.pk}/" in page
    response = client.post(
        f"/staff/cases/{second.pk}/merge/",
        {"merge-into": first.receipt_code, "merge-confirm": "on"},
    )
    second.refresh_from_db()
    assert second.status == Status.MERGED


def test_a_grid_worker_sees_no_incident_link_step(client, world, categories):
    case = submit(world)
    client.force_login(world.grace)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert 'id="action-link_incident"' not in page
