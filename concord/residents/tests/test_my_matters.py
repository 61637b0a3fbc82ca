"""My matters, the account page, the data export and deleting the account."""

import json

import pytest

from concord.cases import tokens
from concord.cases.models import Case, Party
from concord.core.models import Event
from concord.participation import actions as participation
from concord.participation.models import ResidentVerification, SuggestionSupport
from concord.residents.models import CaseClaim, Resident
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def _file(client, title="楼上漏水"):
    return client.post(
        "/file/",
        {
            "kind": "dispute",
            "title": title,
            "description": "楼上漏水到我家厨房，已经两周。",
            "category": "DP.02",
            "place": "V11",
            "name": "王芳",
            "phone": "13800138000",
            "contact_consent": "on",
        },
    )


def test_my_matters_lists_what_was_filed_signed_in_and_what_was_claimed(
    world, client, signed_up, no_model
):
    user = signed_up()
    client.force_login(user)
    assert _file(client)["Location"] == "/receipt/"
    mine = Case.objects.get(submitted_by=user)
    earlier = submit_dispute(world, title="门口垃圾堆放")
    token = tokens.tracking_token(earlier.token_salt)
    wrong = client.post("/me/", {"code": earlier.receipt_code, "token": "a" * 24})
    assert wrong.status_code == 400 and not CaseClaim.objects.exists()
    claimed = client.post("/me/", {"code": earlier.receipt_code.lower(), "token": token.upper()})
    assert claimed.status_code == 302
    page = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert mine.receipt_code in page and earlier.receipt_code in page
    assert f"/track/{mine.receipt_code}/{tokens.tracking_token(mine.token_salt)}/" in page
    assert "added with its receipt" in page
    # Claiming twice keeps one claim.
    client.post("/me/", {"code": earlier.receipt_code, "token": token})
    assert CaseClaim.objects.count() == 1


def test_my_matters_shows_no_one_elses_cases(world, client, signed_up, no_model):
    other = signed_up(phone="13900000001", name="邻居")
    client.force_login(other)
    _file(client, title="邻居的事项")
    me = signed_up(phone="13900000002", name="我")
    client.force_login(me)
    assert "邻居的事项" not in client.get("/me/").content.decode()


def test_my_matters_reads_in_a_fixed_number_of_queries(
    world, client, signed_up, django_assert_max_num_queries
):
    user = signed_up()
    for i in range(6):
        case = submit_dispute(world, title=f"事项{i}")
        Case.objects.filter(pk=case.pk).update(submitted_by=user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page = client.get("/me/")
    assert page.content.decode().count("/track/C-") == 6


def test_the_account_page_changes_the_home_place_and_verifies_by_census(world, client, signed_up):
    user = signed_up()
    client.force_login(user)
    page = client.get("/me/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "138****8000" in page and "Peach" in page
    saved = client.post(
        "/me/account/",
        {"step": "profile", "display_name": "王芳芳", "home": "V21", "language": "en"},
    )
    assert saved.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("王芳芳", "en")
    assert Resident.objects.get(user=user).home_place == world.V21
    assert ResidentVerification.objects.filter(user=user, place=world.V21).exists()
    refused = client.post("/me/account/", {"step": "census", "id_number": "110101199001011234"})
    assert refused.status_code == 400
    participation.census_upload(
        actor=world.carol,
        place=world.V21,
        rows=[{"id_number": "110101199001011234", "phone": "13800138000"}],
    )
    client.post("/me/account/", {"step": "census", "id_number": "110101199001011234"})
    assert ResidentVerification.objects.filter(user=user, method="census").exists()


def test_the_export_is_a_json_download_of_the_residents_own_data(
    world, client, signed_up, no_model
):
    user = signed_up(name="王芳")
    client.force_login(user)
    _file(client)
    response = client.get("/me/export.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13800138000"
    assert data["account"]["home_place"] == "V11"
    assert [m["title"] for m in data["matters"]] == ["楼上漏水"]
    assert data["verifications"][0]["method"] == "phone_code"


def test_deleting_the_account_detaches_its_cases_and_leaves_nothing_public(
    world, client, signed_up, no_model
):
    user = signed_up(name="王芳")
    client.force_login(user)
    _file(client, title="仍在办理")
    _file(client, title="已经办结")
    open_case = Case.objects.get(title="仍在办理")
    done = Case.objects.get(title="已经办结")
    Case.objects.filter(pk=done.pk).update(status="closed")
    suggestion = participation.suggestion_submit(
        actor=user, place=world.V11, title="村口装路灯", body="晚上太黑"
    )
    participation.suggestion_support(actor=user, suggestion=suggestion)
    not_confirmed = client.post("/me/delete/", {})
    assert not_confirmed.status_code == 302 and Resident.objects.get(user=user).deleted_at is None
    assert client.post("/me/delete/", {"confirm": "yes"})["Location"] == "/"
    user.refresh_from_db()
    assert not user.is_active and user.display_name == "" and user.phone == ""
    assert user.username == f"deleted-{user.pk}"
    row = Resident.objects.get(user=user)
    assert row.phone_key is None and row.home_place is None
    # The cases stay, detached; the finished one's contacts are erased, the open one keeps them
    # until it is finished (the retention rule erases them then).
    assert set(Case.objects.filter(submitted_by=user)) == set()
    open_case.refresh_from_db()
    assert open_case.is_open and open_case.title == "仍在办理"
    assert Party.objects.get(case=done).phone == ""
    assert Party.objects.get(case=open_case).phone == "13800138000"
    # Support stays counted, and no page shows the name.
    assert SuggestionSupport.objects.filter(suggestion=suggestion).count() == 1
    client.logout()
    for url in ("/participation/suggestions/", "/participation/"):
        assert "王芳" not in client.get(url).content.decode()
    assert client.get("/me/").status_code == 302
    assert Event.objects.filter(kind="resident_deleted").exists()


def test_the_same_number_can_sign_up_again_after_deleting(world, client, signed_up):
    first = signed_up()
    client.force_login(first)
    client.post("/me/delete/", {"confirm": "yes"})
    second = signed_up()
    assert second.pk != first.pk and second.phone == "13800138000"


def test_a_resident_sets_where_warnings_reach_them_on_the_account_page(world, client, signed_up):
    from concord.notifications.selectors import preference_for
    from concord.safety.models import ResidentProfile

    user = signed_up()
    client.force_login(user)
    page = client.get("/me/account/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="warnings-form"' in page and "保存预警设置" in page
    refused = client.post("/me/account/", {"step": "warnings", "warning_place": ""})
    assert refused.status_code == 400 and not ResidentProfile.objects.filter(user=user).exists()
    response = client.post(
        "/me/account/",
        {"step": "warnings", "warning_place": "V11", "address": "桃村3组", "by_sms": "on"},
    )
    assert response.status_code == 302
    profile = ResidentProfile.objects.get(user=user)
    assert (profile.place.code, profile.address) == ("V11", "桃村3组")
    pref = preference_for(user)
    assert pref.sms and not pref.email and not pref.opted_out
    page = client.get("/me/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Save warning settings" in page and 'value="桃村3组"' in page
