"""Resident accounts: numbers, codes, limits, sign-up and sign-in, by action and by page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concord.accounts.models import User
from concord.core.errors import Conflict, InvalidInput
from concord.core.models import Event
from concord.participation.models import PhoneCode, ResidentVerification
from concord.residents import actions
from concord.residents.models import Resident
from concord.residents.phones import normalise_mobile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages of actions are read in English here; pages choose their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "8613800138000",
        "(+86) 138.0013.8000",
        "１３８００１３８０００",  # full-width digits from a Chinese input method
    ],
)
def test_mainland_mobile_numbers_in_odd_formats_are_one_number(typed):
    assert normalise_mobile(typed) == "13800138000"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345",
        "010-6512 3456",
        "+852 9123 4567",
        "+1 415 555 0100",
        "23800138000",
        "1380013800",
        "138001380001",
        "13800l38000",
        "+8613800138000x",
    ],
)
def test_other_numbers_are_refused_with_a_clear_message(typed):
    with pytest.raises(InvalidInput) as refused:
        normalise_mobile(typed)
    assert "mainland China mobile number" in refused.value.fields["phone"]


def test_a_code_goes_out_by_sms_and_only_its_hash_is_kept(
    world, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = actions.sign_in_code_request(phone="+86 138 0013 8000", client="10.0.0.1")
    [sms] = outbox.messages()
    assert sms["to"] == "13800138000"
    code = outbox.last_code("13800138000")
    assert code not in row.code_hash and row.user is None
    assert row.expires_at - timezone.now() <= timedelta(minutes=10)


def _request(outbox, capture, phone="13800138000", client="10.0.0.1"):
    with capture(execute=True):
        actions.sign_in_code_request(phone=phone, client=client)
    return outbox.last_code(phone)


def test_a_wrong_code_counts_an_attempt_and_five_use_the_code_up(
    world, outbox, django_capture_on_commit_callbacks
):
    code = _request(outbox, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 6):
        with pytest.raises(InvalidInput) as refused:
            actions.sign_in_code_confirm(phone="13800138000", code=wrong)
        assert refused.value.fields["code"] == "The code is not right."
        assert PhoneCode.objects.get().attempts == attempt
    with pytest.raises(InvalidInput) as refused:
        actions.sign_in_code_confirm(phone="13800138000", code=code)
    assert "ask for a new one" in refused.value.fields["code"]


def test_an_expired_code_is_refused(world, outbox, django_capture_on_commit_callbacks):
    code = _request(outbox, django_capture_on_commit_callbacks)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput) as refused:
        actions.sign_in_code_confirm(phone="13800138000", code=code)
    assert "expired" in refused.value.fields["code"]


def test_a_code_works_once(world, outbox, django_capture_on_commit_callbacks):
    code = _request(outbox, django_capture_on_commit_callbacks)
    assert actions.sign_in_code_confirm(phone="138 0013 8000", code=code)
    with pytest.raises(InvalidInput):
        actions.sign_in_code_confirm(phone="13800138000", code=code)


def test_only_the_newest_code_counts(world, outbox, django_capture_on_commit_callbacks):
    first = _request(outbox, django_capture_on_commit_callbacks)
    second = _request(outbox, django_capture_on_commit_callbacks)
    if first != second:
        with pytest.raises(InvalidInput):
            actions.sign_in_code_confirm(phone="13800138000", code=first)
    assert actions.sign_in_code_confirm(phone="13800138000", code=second)


def test_a_flood_of_requests_for_one_number_stops_at_the_limit_and_sends_nothing_more(
    world, outbox, settings, django_capture_on_commit_callbacks
):
    settings.CONCORD = {**settings.CONCORD, "SIGN_IN_CODES_PER_NUMBER": 5}
    refused = 0
    for i in range(30):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                actions.sign_in_code_request(phone="13800138000", client=f"10.0.{i}.1")
        except actions.CodesLimited as exc:
            assert exc.status == 429
            refused += 1
    assert refused == 25
    assert len(outbox.messages()) == 5 and PhoneCode.objects.count() == 5
    # Counted on the audit chain once per window, not once per refused request.
    limited = Event.objects.filter(kind="sign_in_codes_limited")
    assert [e.data["scope"] for e in limited] == ["number"]


def test_one_address_asking_for_many_numbers_is_limited_too(
    world, outbox, settings, django_capture_on_commit_callbacks
):
    settings.CONCORD = {**settings.CONCORD, "SIGN_IN_CODES_PER_ADDRESS": 3}
    for i in range(3):
        _request(outbox, django_capture_on_commit_callbacks, phone=f"1390000000{i}")
    with pytest.raises(actions.CodesLimited):
        actions.sign_in_code_request(phone="13900000009", client="10.0.0.1")
    assert len(outbox.messages()) == 3
    # Another address is not held back by this one.
    _request(outbox, django_capture_on_commit_callbacks, phone="13900000009", client="10.9.9.9")
    assert len(outbox.messages()) == 4


def test_signing_up_makes_a_phone_verified_resident_account(world, signed_up):
    user = signed_up(phone="+86 139 0000 1111", name="李华")
    assert user.kind == "resident" and user.is_resident
    assert not user.is_staff and not user.has_usable_password()
    assert user.phone == "13900001111" and user.display_name == "李华"
    assert Resident.objects.get(user=user).home_place == world.V11
    v = ResidentVerification.objects.get(user=user)
    assert (v.method, v.place) == ("phone_code", world.V11)
    assert Event.objects.filter(stream=f"resident:{user.pk}", kind="resident_signed_up").exists()


def test_one_account_per_number(world, signed_up, outbox, django_capture_on_commit_callbacks):
    signed_up(phone="13900001111")
    code = _request(outbox, django_capture_on_commit_callbacks, phone="13900001111")
    proof = actions.sign_in_code_confirm(phone="13900001111", code=code)
    assert actions.resident_for_proof(proof).phone == "13900001111"
    with pytest.raises(Conflict):
        actions.resident_sign_up(proof=proof, display_name="x", home_place=world.V11, language="en")
    assert Resident.objects.count() == 1


def test_sign_up_refuses_a_forged_proof_a_town_as_home_and_a_bad_email(world, signed_up):
    with pytest.raises(InvalidInput):
        actions.resident_sign_up(
            proof="forged", display_name="x", home_place=world.V11, language="en"
        )
    from django.core import signing

    proof = signing.dumps({"phone": "13700000000"}, salt=actions.PROOF_SALT)
    with pytest.raises(InvalidInput) as town:
        actions.resident_sign_up(proof=proof, display_name="x", home_place=world.T1, language="en")
    assert "home_place" in town.value.fields
    with pytest.raises(InvalidInput) as mail:
        actions.resident_sign_up(
            proof=proof, display_name="x", home_place=world.V11, language="en", email="no"
        )
    assert "email" in mail.value.fields


def test_a_new_resident_signs_up_on_the_pages_with_the_code_from_the_outbox(
    world, client, outbox, django_capture_on_commit_callbacks
):
    assert client.get("/accounts/resident/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/resident/", {"step": "phone", "phone": "139-0000-2222"})
    assert sent.status_code == 302
    page = client.get("/accounts/resident/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "139****2222" in page
    bad = client.post("/accounts/resident/", {"step": "code", "code": "abc"})
    assert bad.status_code == 400
    code = outbox.last_code("13900002222")
    assert client.post("/accounts/resident/", {"step": "code", "code": code})["Location"] == (
        "/accounts/resident/new/"
    )
    form = client.get("/accounts/resident/new/")
    assert "V11" in form.content.decode()
    done = client.post(
        "/accounts/resident/new/",
        {"display_name": "张伟", "home": "V11", "language": "en", "email": "zw@example.org"},
    )
    assert done["Location"] == "/me/"
    user = User.objects.get(resident__isnull=False)
    assert user.email == "zw@example.org"
    assert client.get("/me/").status_code == 200
    # Signing in again later, the same number goes straight to My matters.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/resident/", {"step": "phone", "phone": "13900002222"})
    again = client.post(
        "/accounts/resident/", {"step": "code", "code": outbox.last_code("13900002222")}
    )
    assert again["Location"] == "/me/"
    assert Event.objects.filter(kind="resident_signed_in").count() == 2


def test_the_page_explains_a_refused_number_in_chinese(world, client, outbox):
    page = client.post(
        "/accounts/resident/",
        {"step": "phone", "phone": "+852 9123 4567"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert page.status_code == 400
    assert "中国大陆手机号" in page.content.decode()
    assert outbox.messages() == []


def test_the_page_says_when_too_many_codes_were_asked_for(
    world, client, outbox, settings, django_capture_on_commit_callbacks
):
    settings.CONCORD = {**settings.CONCORD, "SIGN_IN_CODES_PER_NUMBER": 2}
    for _i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                "/accounts/resident/",
                {"step": "phone", "phone": "13900003333"},
                HTTP_ACCEPT_LANGUAGE="en",
            )
    assert page.status_code == 400 and "Too many codes" in page.content.decode()
    assert len(outbox.messages()) == 2


def test_a_resident_signing_in_with_a_password_lands_on_my_matters(world, client):
    world.resident.set_password("concord-demo")
    world.resident.save()
    Resident.objects.create(user=world.resident, home_place=world.V11, home_place_path="/")
    response = client.post(
        "/accounts/login/",
        {"username": "resident", "password": "concord-demo", "next": "/staff/"},
    )
    assert response["Location"] == "/me/"


def test_the_api_signs_a_resident_up_and_serves_their_own_data(
    world, client, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/api/v1/residents/code",
            {"phone": "+86 139 0000 4444"},
            content_type="application/json",
        )
    assert sent.status_code == 202
    code = outbox.last_code("13900004444")
    wrong = client.post(
        "/api/v1/residents/session",
        {"phone": "13900004444", "code": "abc"},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    opened = client.post(
        "/api/v1/residents/session",
        {"phone": "13900004444", "code": code},
        content_type="application/json",
    ).json()
    assert opened["signed_in"] is False
    made = client.post(
        "/api/v1/residents/accounts",
        {"proof": opened["proof"], "display_name": "赵敏", "home_place": "G111"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["verified"]["phone"] == ["G111"]
    assert client.get("/api/v1/residents/me/matters").json() == []
    assert client.get("/api/v1/residents/me/export").json()["account"]["phone"] == "13900004444"
    # A resident's session is refused by staff scopes; a visitor by the resident's.
    assert client.get("/api/v1/cases").status_code == 403
    assert client.delete("/api/v1/residents/me").status_code == 204
    assert client.get("/api/v1/residents/me").status_code == 401
    assert not Resident.objects.get(deleted_at__isnull=False).phone_key
