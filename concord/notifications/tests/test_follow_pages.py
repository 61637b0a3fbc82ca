"""Follow and unfollow one suggestion, consultation or policy notice: the button on its public
page (both languages) and the API call the same actions; only one's own follows change."""

from datetime import date

import pytest

from concord.assessments import actions as assessments
from concord.assessments.models import DecisionType
from concord.notifications.models import Follow
from concord.participation import actions as participation
from concord.safety import actions as safety

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(world, at):
    at("2026-03-02 09:00")
    s = participation.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    notice = safety.policy_publish(
        actor=world.alice,
        title_zh="农村危房改造补助办法",
        title_en="Rural housing subsidy",
        body="第一条 ……",
        interpretation_zh="危房农户可申请补助。",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 3, 1),
    )
    decision = assessments.decision_create(
        actor=world.alice,
        title="桃村旧村改造方案",
        description="征收桃村集体土地。",
        decision_type=DecisionType.objects.get(code="land_acquisition"),
        owner_unit=world.u_t1,
        places=[world.V11],
    )
    assessments.decision_screen(actor=world.alice, decision=decision)
    a = assessments.assessment_plan(
        actor=world.alice,
        decision=decision,
        leader=world.sam,
        team=[world.alice],
        method="full",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 30),
    )
    assessments.consultation_open(actor=world.alice, assessment=a, opens_on=date(2026, 3, 2))
    return {
        "suggestion": (s.pk, "/participation/suggestions/"),
        "consultation": (a.pk, f"/assessments/consultations/{a.pk}"),
        "notice": (notice.pk, f"/safety/policies/{notice.pk}/"),
    }


def follows_of(user) -> set[tuple[str, int]]:
    return set(Follow.objects.filter(user=user).values_list("target", "object_id"))


@pytest.mark.parametrize(
    ("language", "follow", "unfollow"),
    [("zh-hans", "关注", "取消关注"), ("en", "Follow", "Unfollow")],
)
def test_a_resident_follows_and_unfollows_from_each_public_page(
    world, client, things, language, follow, unfollow
):
    client.force_login(world.resident)
    for target, (pk, page) in things.items():
        html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        form = html.split('class="follow"')[1].split("</form>")[0]
        assert f'name="target" value="{target}"' in form and f'value="{pk}"' in form
        assert f">{follow}</button>" in form
        back = page + (f"#suggestion-{pk}" if target == "suggestion" else "")
        r = client.post("/notifications/follow/", {"target": target, "id": pk, "next": back})
        assert r.status_code == 302 and r["Location"] == back
        assert (target, pk) in follows_of(world.resident)
        html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f">{unfollow}</button>" in html.split('class="follow"')[1]
        client.post(
            "/notifications/follow/", {"target": target, "id": pk, "unfollow": "1", "next": page}
        )
        assert (target, pk) not in follows_of(world.resident)


def test_visitors_are_asked_to_sign_in_and_bad_requests_change_nothing(world, client, things):
    pk, page = things["notice"]
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to follow this" in html and 'class="follow"' not in html
    r = client.post("/notifications/follow/", {"target": "notice", "id": pk, "next": page})
    assert r.status_code == 302 and "/accounts/" in r["Location"]
    assert not Follow.objects.exists()
    client.force_login(world.resident)
    for data in (
        {"target": "case", "id": 1},  # a case is followed from My matters, not by id
        {"target": "notice", "id": "1 OR 1=1"},
        {"target": "notice", "id": 999_999},
    ):
        r = client.post("/notifications/follow/", {**data, "next": "https://evil.example/"})
        assert r.status_code == 302 and r["Location"] == "/"
    assert not Follow.objects.exists()


def test_the_api_follows_lists_and_unfollows_the_same_way(world, api, things):
    pk, _page = things["suggestion"]
    api.as_user(world.resident)
    r = api.post("/notifications/follows", {"target": "suggestion", "id": pk})
    assert r.status_code == 201 and r.json()["object_id"] == pk
    assert [f["target"] for f in api.get("/notifications/follows").json()] == ["suggestion"]
    assert api.post("/notifications/follows", {"target": "case", "id": 1}).status_code == 400
    assert (
        api.post("/notifications/follows", {"target": "notice", "id": 999_999}).status_code == 404
    )
    # Another account's unfollow leaves the resident's follow alone.
    api.as_user(world.alice).post(
        "/notifications/follows/remove", {"target": "suggestion", "id": pk}
    )
    assert follows_of(world.resident) == {("suggestion", pk)}
    api.as_user(world.resident)
    assert (
        api.post("/notifications/follows/remove", {"target": "suggestion", "id": pk}).json() == []
    )
    assert not Follow.objects.exists()
    assert (
        api.anonymous()
        .post("/notifications/follows", {"target": "suggestion", "id": pk})
        .status_code
        == 401
    )
