"""Every safety message reaches a Chinese reader in Chinese and an English reader in English,
with its details filled in: warnings and their lifting, the staff checklist, policy notices and
answers, rectification orders and re-dispatches."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from concord.accounts.models import Membership, User
from concord.accounts.roles import Role
from concord.cases import actions as case_actions
from concord.notifications.follows import follow
from concord.notifications.models import Notification
from concord.safety import actions

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(fn, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kw)

    return run


def _reader(name: str, language: str) -> User:
    return User.objects.create_user(username=name, password="x", language=language)


def _colleague_in_english(world, of: User, role: str, unit, place) -> User:
    """Return an English-reading colleague of `of`, who reads Chinese (same unit and role)."""
    User.objects.filter(pk=of.pk).update(language="zh-hans")
    colleague = _reader(f"{of.username}-en", "en")
    Membership.objects.create(user=colleague, unit=unit, role=role, place=place)
    return colleague


def _note(kind: str, person: User) -> Notification:
    return Notification.objects.get(kind=kind, recipient=person)


def test_a_warning_and_its_lifting_reach_each_follower_in_their_language(world, at, commit):
    at("2026-07-01 20:00")
    zh, en = _reader("zh", "zh-hans"), _reader("en", "en")
    for person in (zh, en):
        follow(actor=person, target="place", place=world.V11)
    warning = commit(
        actions.warning_issue,
        actor=world.sam,
        colour="red",
        hazard_type="flood",
        title_zh="暴雨红色预警",
        title_en="Red rainstorm warning",
        instructions_zh="请立即转移到安置点。",
        instructions_en="Move to the shelter now.",
        places=[world.V11],
        ends_at=datetime(2026, 7, 2, 20, 0, tzinfo=TZ),
    )
    period = "07-01 20:00 – 07-02 20:00"
    assert _note("warning", zh).subject == "【红色预警】暴雨红色预警"
    assert _note("warning", zh).body == f"请立即转移到安置点。\n（{period}）"
    assert _note("warning", en).subject == "[Red warning] Red rainstorm warning"
    assert _note("warning", en).body == f"Move to the shelter now.\n({period})"

    commit(actions.warning_lift, actor=world.sam, warning=warning, reason="雨停了")
    assert _note("warning_lifted", zh).subject == "【红色预警解除】暴雨红色预警"
    assert _note("warning_lifted", zh).body == "暴雨红色预警已解除。原因：雨停了"
    assert _note("warning_lifted", en).subject == "[Red warning lifted] Red rainstorm warning"
    assert (
        _note("warning_lifted", en).body == "Red rainstorm warning has been lifted. Reason: 雨停了"
    )


def test_the_checklist_reaches_grid_staff_in_their_language(world, at, commit):
    at("2026-07-01 20:00")
    english = _colleague_in_english(
        world, world.grace, Role.GRID_WORKER, world.u_v11_grid, world.G111
    )
    commit(
        actions.warning_issue,
        actor=world.sam,
        colour="blue",
        hazard_type="flood",
        title_zh="大风蓝色预警",
        title_en="Blue gale warning",
        instructions_zh="请加固门窗。",
        instructions_en="Secure doors and windows.",
        places=[world.V11],
        ends_at=datetime(2026, 7, 2, 20, 0, tzinfo=TZ),
    )
    mine, theirs = _note("warning_checklist", world.grace), _note("warning_checklist", english)
    assert mine.subject == "【蓝色预警】大风蓝色预警"
    assert mine.body.startswith("请逐户联系清单上的重点关爱家庭")
    assert theirs.subject == "[Blue warning] Blue gale warning"
    assert theirs.body.startswith("Check on each household on your list")


def test_a_policy_notice_and_its_answer_reach_each_reader_in_their_language(world, commit):
    zh, en = _reader("zh", "zh-hans"), _reader("en", "en")
    for person in (zh, en):
        follow(actor=person, target="place", place=world.T1)
    notice = commit(
        actions.policy_publish,
        actor=world.alice,
        title_zh="高龄津贴调整",
        title_en="Old-age allowance raised",
        body="全文",
        interpretation_zh="八十岁以上每月多发五十元。",
        interpretation_en="Fifty yuan more a month from the age of eighty.",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 8, 1),
    )
    assert _note("policy_published", zh).subject == "【政策公告】高龄津贴调整"
    assert _note("policy_published", zh).body == "八十岁以上每月多发五十元。\n（2026-08-01起施行）"
    assert _note("policy_published", en).subject == "[Policy notice] Old-age allowance raised"
    assert _note("policy_published", en).body == (
        "Fifty yuan more a month from the age of eighty.\n(in force from 2026-08-01)"
    )

    for person in (zh, en):
        follow(actor=person, target="notice", object_id=notice.pk)
    asked_zh = actions.policy_question_ask(notice=notice, text="外地户口可以吗？", actor=zh)
    commit(actions.policy_question_answer, actor=world.alice, question=asked_zh, answer="可以。")
    asked_en = actions.policy_question_ask(notice=notice, text="Tenants too?", actor=en)
    commit(actions.policy_question_answer, actor=world.alice, question=asked_en, answer="Yes.")
    assert _note("policy_answer", zh).subject == "您关于“高龄津贴调整”的提问已答复"
    assert _note("policy_answer", en).subject == (
        "Your question on “Old-age allowance raised” was answered"
    )
    # Each follower hears of the other's answer, in their own language.
    told_zh = Notification.objects.get(kind="followed_answer", recipient=zh)
    told_en = Notification.objects.get(kind="followed_answer", recipient=en)
    assert (told_zh.subject, told_zh.body) == (
        "【政策答问】高龄津贴调整",
        "问：Tenants too?\n答：Yes.",
    )
    assert (told_en.subject, told_en.body) == (
        "[Policy answer] Old-age allowance raised",
        "Q: 外地户口可以吗？\nA: 可以。",
    )


def test_a_notice_without_an_english_title_shows_the_chinese_one_in_english(world, commit):
    en = _reader("en", "en")
    follow(actor=en, target="place", place=world.T1)
    commit(
        actions.policy_publish,
        actor=world.alice,
        title_zh="高龄津贴调整",
        title_en="",
        body="全文",
        interpretation_zh="八十岁以上每月多发五十元。",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 8, 1),
    )
    note = _note("policy_published", en)
    assert note.subject == "[Policy notice] 高龄津贴调整"
    assert note.body == "八十岁以上每月多发五十元。\n(in force from 2026-08-01)"


def test_rectification_orders_and_redispatches_reach_staff_in_their_language(
    world, at, commit, photo
):
    at("2026-03-02 09:00")
    officer_en = _colleague_in_english(
        world, world.dora, Role.DEPARTMENT_OFFICER, world.u_labour, world.C
    )
    worker_en = _colleague_in_english(
        world, world.grace, Role.GRID_WORKER, world.u_v11_grid, world.G111
    )
    case = actions.hazard_report(
        actor=world.grace,
        hazard_type="gas",
        title="煤气罐露天堆放",
        description="小饭馆门口堆放十余个煤气罐。",
        source="grid_worker",
        lng=120.05,
        lat=30.05,
    ).case
    case_actions.case_accept(actor=world.grace, case=case)
    order = commit(
        actions.rectification_order_issue,
        actor=world.grace,
        case=case,
        responsible_party="老王饭馆",
        supervising_unit=world.u_labour,
        requirements="移入储存间",
        due_on=date(2026, 3, 9),
    )
    assert _note("rectification_ordered", world.dora).subject == (
        "整改通知：煤气罐露天堆放（期限 2026-03-09）"
    )
    assert _note("rectification_ordered", officer_en).subject == (
        "Rectification order: 煤气罐露天堆放 (due 2026-03-09)"
    )

    actions.rectification_report_done(actor=world.grace, order=order, note="已移入")
    at("2026-03-09 10:00")
    commit(
        actions.case_verify_on_site,
        actor=world.grace,
        case=case,
        passed=False,
        note="未移入",
        photo=photo,
        lng=120.05,
        lat=30.05,
    )
    assert _note("redispatched", world.grace).subject == "现场核查未通过，重新派遣：煤气罐露天堆放"
    assert _note("redispatched", worker_en).subject == (
        "On-site verification failed, re-dispatched: 煤气罐露天堆放"
    )
