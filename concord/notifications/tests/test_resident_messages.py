"""A message to the filer at every step: the table, who is told, what is never sent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from concord.accounts.models import User
from concord.cases import actions as ca
from concord.cases.models import Category, Sensitivity, Status
from concord.cases.tokens import tracking_token
from concord.channels import actions as ch
from concord.notifications.links import TOKEN_MARK
from concord.notifications.models import Delivery, DeliveryStatus, Notification
from concord.notifications.resident_messages import MESSAGES, contact_preference_set

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "MESSAGES.md"


@pytest.fixture
def outbox(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(path)}}

    def read() -> list[dict]:
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    return read


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run an action and the work it queues on commit (the message task, its sends)."""

    def call(fn, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kw)

    return call


def file_case(world, run, *, phone="138 0013 8000", anonymous=False, consent=False, **kw):
    parties = [{"role": "complainant", "name": "" if anonymous else "王芳", "phone": phone}]
    fields = dict(
        kind="dispute",
        title="邻居夜间噪音",
        description="楼上每晚敲打到凌晨。",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
        parties=parties if phone else [],
        is_anonymous=anonymous,
        contact_consent=consent,
    )
    fields.update(kw)
    return run(ca.case_submit, **fields).case


def texts(outbox) -> list[str]:
    return [m["text"] for m in outbox()]


def test_every_message_is_a_translated_msgid_with_known_fields():
    allowed = {"code", "link", "unit", "due", "reason", "answer", "route"}
    fields = {name: f"<{name}>" for name in allowed}
    for kind, message in MESSAGES.items():
        assert set(re.findall(r"%\((\w+)\)s", message.text)) <= allowed, kind
        zh, en = message.render("zh-hans", **fields), message.render("en", **fields)
        assert en == message.text % fields, kind
        for text in (zh, en):
            assert "<link>" in text, kind
        assert re.search(r"[\u4e00-\u9fff]", zh), kind
        assert not re.search(r"[\u4e00-\u9fff]", en), kind


def test_the_docs_list_every_event_of_the_table_and_whether_it_is_statutory():
    doc = DOCS.read_text(encoding="utf-8")
    for kind, message in MESSAGES.items():
        row = next((line for line in doc.splitlines() if f"`{kind}`" in line), None)
        assert row is not None, kind
        assert ("yes" if message.statutory else "no") in row.split("|")[-2].lower(), kind


def test_the_filer_receives_the_receipt_with_code_link_unit_and_deadline(world, run, outbox):
    case = file_case(world, run)
    (sent,) = outbox()
    assert sent["to"] == "13800138000"
    token = tracking_token(case.token_salt)
    assert f"/track/{case.receipt_code}/{token}/" in sent["text"]
    assert case.owner_unit.name_zh in sent["text"]
    due = case.clocks.get(kind="handle").due_on.isoformat()
    assert due in sent["text"]
    # The token is never stored: only its mark is.
    note = Notification.objects.get(case=case)
    assert note.recipient is None and TOKEN_MARK in note.body and token not in note.body
    assert note.statutory


def test_messages_are_in_the_language_the_filer_used(world, run, outbox):
    case = file_case(world, run, language="en")
    (sent,) = texts(outbox)
    assert sent.startswith(f"Concord {case.receipt_code}: Concord received your matter")
    assert f"receipt code {case.receipt_code}." in sent
    assert not re.search(r"[\u4e00-\u9fff]", sent.replace(case.owner_unit.name_zh, ""))


def test_a_chinese_filer_is_told_in_chinese(world, run, outbox):
    case = file_case(world, run, language="zh-hans")
    (sent,) = texts(outbox)
    due = case.clocks.get(kind="handle").due_on.isoformat()
    assert sent.startswith(f"【和合】{case.receipt_code}: 已收到您反映的事项，受理编号 ")
    assert f"由{case.owner_unit.name_zh}答复，期限 {due}。" in sent


def test_each_account_is_told_in_its_own_language(world, run, outbox):
    from django.utils import timezone

    from concord.residents.models import CaseClaim

    zh = User.objects.create_user(username="rz", password="x", kind="resident", language="zh-hans")
    en = User.objects.create_user(username="re", password="x", kind="resident", language="en")
    case = file_case(world, run, phone="")
    for person in (zh, en):
        CaseClaim.objects.create(user=person, case=case, claimed_at=timezone.now())
    run(ca.case_accept, actor=world.bob, case=case)
    code = case.receipt_code
    mine = Notification.objects.get(recipient=zh, kind="case_accepted")
    theirs = Notification.objects.get(recipient=en, kind="case_accepted")
    assert mine.subject == f"【和合】{code}"
    assert mine.body.startswith(f"您的事项 {code} 已由{case.owner_unit.name_zh}受理，答复期限 ")
    assert theirs.subject == f"Concord {code}"
    assert theirs.body.startswith(f"Your matter {code} has been accepted by ")
    assert not re.search(r"[\u4e00-\u9fff]", theirs.body)


def test_anonymous_filers_are_told_only_with_their_consent(world, run, outbox):
    file_case(world, run, anonymous=True, consent=False)
    assert outbox() == []
    assert not Notification.objects.exists()
    file_case(world, run, anonymous=True, consent=True)
    assert len(outbox()) == 1


def test_answer_then_not_solved_reopens_with_a_deadline_and_the_resident_is_told(
    world, run, outbox
):
    case = file_case(world, run)
    case = run(ca.case_accept, actor=world.bob, case=case)
    assert "已由" in texts(outbox)[-1] and world.bob.username not in texts(outbox)[-1]
    case = run(ca.case_start, actor=world.bob, case=case)
    case = run(
        ca.case_resolve,
        actor=world.bob,
        case=case,
        outcome="agreement",
        text="双方同意晚十点后停工。",
    )
    answer = texts(outbox)[-1]
    assert "双方同意晚十点后停工。" in answer and "问题解决了吗" in answer
    run(ca.case_feedback, case=case, resolved="no", satisfaction=1, comment="还在敲")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    due = case.clocks.filter(kind="handle", state="running").get().due_on.isoformat()
    told = texts(outbox)[-1]
    assert "重新办理" in told and due in told
    # Steps that matter to nobody outside (assignment, work started) send nothing.
    assert len(outbox()) == 4


def test_a_petition_not_solved_is_a_request_for_review_not_a_reopening(world, run, outbox, at):
    at("2026-03-02 09:00")
    case = file_case(world, run, kind="grievance", category=None)
    run(ch.petition_register, actor=world.alice, case=case, matter_key="k")
    run(ch.petition_accept, actor=world.alice, case=case, petition_type="appeal")
    run(
        ch.petition_reply,
        actor=world.alice,
        case=case,
        opinion="explain",
        text="已向您说明补贴标准。",
        legal_basis="条例第32条",
        served_how="on_the_spot",
    )
    assert "已向您说明补贴标准。" in texts(outbox)[-1]
    run(ca.case_feedback, case=case, resolved="no", satisfaction=1, comment="不认可")
    case.refresh_from_db()
    assert case.status != Status.REOPENED
    assert any("复查请求已提交" in t for t in texts(outbox))


def test_other_steps_transfer_extension_pause_close_and_missed_deadline(world, run, outbox):
    case = file_case(world, run)
    run(ca.case_accept, actor=world.bob, case=case)
    run(ca.case_start, actor=world.bob, case=case)
    run(ca.case_pause, actor=world.bob, case=case, reason="请补充楼上住户门牌号")
    assert "请补充楼上住户门牌号" in texts(outbox)[-1]
    run(ca.case_resume, actor=world.bob, case=case)
    run(ca.case_escalate, actor=world.bob, case=case, reason_code="complex", note="涉及多户")
    assert "涉及多户" in texts(outbox)[-1] and "上一级" in texts(outbox)[-1]
    clock = case.clocks.get(kind="handle", state="running")
    run(ch.clock_extend, actor=world.sam, clock=clock, days=5, reason="需要现场勘验")
    clock.refresh_from_db()
    assert "需要现场勘验" in texts(outbox)[-1] and clock.due_on.isoformat() in texts(outbox)[-1]


def test_internal_events_send_nothing(world, run, outbox):
    case = file_case(world, run)
    run(ca.case_add_note, actor=world.bob, case=case, text="内部：对方是村干部亲戚", public=False)
    assert len(outbox()) == 1


def test_switching_off_leaves_only_statutory_messages(world, run, outbox):
    case = file_case(world, run)
    contact_preference_set(case=case, opted_out=True)
    run(ca.case_accept, actor=world.bob, case=case)  # statutory: acceptance
    run(ca.case_start, actor=world.bob, case=case)
    run(ca.case_pause, actor=world.bob, case=case, reason="等待")  # not statutory
    assert len(outbox()) == 2


def test_a_sealed_case_sends_nothing_of_its_content(world, run, outbox):
    case = file_case(world, run, title="家暴求助", description="丈夫打我")
    case.sensitivity = Sensitivity.SEALED
    case.save(update_fields=["sensitivity"])
    run(ca.case_accept, actor=world.bob, case=case)
    run(ca.case_start, actor=world.bob, case=case)
    run(ca.case_pause, actor=world.bob, case=case, reason="联系妇联庇护所")
    run(ca.case_resume, actor=world.bob, case=case)
    run(ca.case_resolve, actor=world.bob, case=case, outcome="referred", text="已安排庇护")
    for text in texts(outbox)[1:]:
        assert "有新进展" in text
        for secret in ("家暴", "丈夫", "妇联", "庇护", case.owner_unit.name_zh):
            assert secret not in text


def test_a_failing_gateway_never_undoes_the_action(world, run, settings):
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": "/proc/no/such/outbox"}}
    case = file_case(world, run)
    case = run(ca.case_accept, actor=world.bob, case=case)
    assert case.status == Status.ACCEPTED
    rows = Delivery.objects.filter(notification__case=case)
    assert rows.count() == 2
    assert all(d.status == DeliveryStatus.PENDING and d.attempts == 1 for d in rows)


def test_an_account_holder_gets_it_in_the_inbox(world, run, outbox, client):
    resident = User.objects.create_user(username="r1", password="x", language="en", kind="resident")
    case = run(
        ca.case_submit,
        actor=resident,
        kind="dispute",
        title="t",
        description="d",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    ).case
    note = Notification.objects.get(recipient=resident, case=case)
    assert note.kind == "case_received" and "received your matter" in note.body
    # The inbox shows her the link with her token (stored as a mark), and Open follows it here.
    track = f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/"
    client.force_login(resident)
    page = client.get("/notifications/").content.decode()
    assert track in page and TOKEN_MARK not in page
    opened = client.post(f"/notifications/{note.pk}/read/")
    assert opened.status_code == 302 and opened["Location"] == track
    assert client.get(track).status_code == 200
    (item,) = client.get("/api/v1/notifications/inbox").json()["items"]
    assert track in item["body"] and item["link"].endswith(track)
    # Staff filing for themselves through the API are not "residents": nothing for them.
    run(
        ca.case_submit,
        actor=world.alice,
        kind="dispute",
        title="t",
        description="d",
        place=world.V11,
        category=Category.objects.get(code="DP.02"),
    )
    assert not Notification.objects.filter(recipient=world.alice).exists()


def test_erasing_personal_data_forgets_the_addresses(world, run, outbox):
    case = file_case(world, run)
    run(ca.case_withdraw, case=case, reason="已私了", by_resident=True)
    run(ca.case_erase_personal_data, actor=world.adam, case=case, reason="retention")
    assert not Delivery.objects.filter(notification__case=case).exclude(address="").exists()
    assert not Notification.objects.filter(case=case, recipient=None).exclude(body="").exists()


def test_a_resident_who_claimed_the_case_is_told_in_the_inbox_and_by_text(world, run, outbox):
    from concord.notifications.resident_messages import messages_for

    resident = User.objects.create_user(
        username="r2", password="x", kind="resident", phone="13700000000"
    )
    case = file_case(world, run, phone="")
    from django.utils import timezone

    from concord.residents.models import CaseClaim

    CaseClaim.objects.create(user=resident, case=case, claimed_at=timezone.now())
    run(ca.case_accept, actor=world.bob, case=case)
    (mine,) = messages_for(resident)
    token = tracking_token(case.token_salt)
    assert f"/track/{case.receipt_code}/{token}/" in mine["body"]
    assert [m["to"] for m in outbox()] == ["13700000000"]


def test_a_filer_who_gave_two_numbers_and_two_addresses_is_told_at_each_once(
    world, run, outbox, mailoutbox
):
    parties = [
        {"role": "complainant", "name": "王芳", "phone": "138 0013 8000", "email": "wf@example.cn"},
        # The same number in another format, and the same address in other letters: not again.
        {
            "role": "complainant",
            "name": "王芳",
            "phone": "0086 13800138000",
            "email": "WF@Example.cn",
        },
        {"role": "complainant", "name": "李强", "phone": "139-0013-9000", "email": "lq@example.cn"},
    ]
    case = file_case(world, run, parties=parties)
    deliveries = Delivery.objects.filter(notification__case=case).exclude(medium="inbox")
    assert sorted(deliveries.values_list("medium", "address")) == [
        ("email", "lq@example.cn"),
        ("email", "wf@example.cn"),
        ("sms", "13800138000"),
        ("sms", "13900139000"),
    ]
    assert sorted(m["to"] for m in outbox()) == ["13800138000", "13900139000"]
    assert sorted(m.to[0] for m in mailoutbox) == ["lq@example.cn", "wf@example.cn"]
