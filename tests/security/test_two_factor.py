"""Staff confirm a TOTP code after their password before any staff page or session API call."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings, client):
    settings.CONCORD_REQUIRE_STAFF_2FA = True
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the tests read the page's English text


def code_for(device) -> str:
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    )


def enrolment_link(world, user) -> str:
    from concord.accounts.enrolment import enrolment_link_issue

    return enrolment_link_issue(actor=world.adam_admin, user=user)


@pytest.fixture(autouse=True)
def platform_admin(world):
    world.adam.is_staff = True
    world.adam.save(update_fields=["is_staff"])
    world.adam_admin = world.adam


def test_staff_enrol_an_authenticator_then_reach_their_pages(world, client, required):
    client.force_login(world.alice)
    first = client.get("/staff/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/")
    assert client.get("/api/v1/cases").status_code == 401  # the session API waits too
    # The password alone does not enrol an authenticator: no key, no device.
    page = client.get(first["Location"])
    assert page.status_code == 200 and b"otpauth://" not in page.content
    assert "enrolment link" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    opened = client.get(enrolment_link(world, world.alice))
    assert opened.status_code == 302
    page = client.get(first["Location"])
    assert page.status_code == 200 and b"otpauth://" in page.content
    device = TOTPDevice.objects.get(user=world.alice)
    wrong = client.post(
        first["Location"], {"token": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    done = client.post(first["Location"], {"token": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/staff/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/cases").status_code == 200


def test_a_second_sign_in_asks_for_a_fresh_code_not_a_new_enrolment(world, client, required):
    device = TOTPDevice.objects.create(user=world.bob, name="phone", confirmed=True)
    client.force_login(world.bob)
    page = client.get("/accounts/2fa/?next=/staff/")
    assert b"otpauth://" not in page.content
    assert (
        client.post("/accounts/2fa/?next=/staff/", {"token": code_for(device)}).status_code == 302
    )
    assert client.get("/staff/").status_code == 200


def test_residents_and_api_tokens_are_not_asked_for_a_second_factor(world, client, api, required):
    client.force_login(world.resident)
    assert client.get("/").status_code == 200
    assert client.get("/track/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 404  # nothing to enrol, no device made
    assert not TOTPDevice.objects.filter(user=world.resident).exists()
    assert api.as_user(world.alice).get("/cases").status_code == 200  # apps use tokens


def test_an_unsafe_next_url_is_ignored(world, client, required):
    device = TOTPDevice.objects.create(user=world.bob, name="phone", confirmed=True)
    client.force_login(world.bob)
    done = client.post("/accounts/2fa/?next=https://evil.example/", {"token": code_for(device)})
    assert done["Location"] == "/staff/"


def test_enrolment_shows_the_key_as_a_scannable_qr_code(world, client, required):
    import io

    import segno

    client.force_login(world.alice)
    assert client.get("/accounts/2fa/qr.svg").status_code == 404  # no link opened yet
    client.get(enrolment_link(world, world.alice))
    page = client.get("/accounts/2fa/").content.decode()
    assert '<img class="qr" src="/accounts/2fa/qr.svg"' in page
    device = TOTPDevice.objects.get(user=world.alice)
    qr = client.get("/accounts/2fa/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and qr["Cache-Control"] == "no-store"
    # The image is exactly the QR code of this device's otpauth URL (which a phone scans).
    expected = io.BytesIO()
    segno.make(device.config_url, error="m").save(expected, kind="svg", scale=4)
    assert qr.content == expected.getvalue()
    # Once confirmed, the key is no longer shown to anyone, the user included.
    device.confirmed = True
    device.save()
    assert client.get("/accounts/2fa/qr.svg").status_code == 404
    client.logout()
    assert client.get("/accounts/2fa/qr.svg").status_code == 302


def test_every_staff_page_waits_for_the_second_factor(world, client, required):
    import re

    from .test_least_privilege import page_routes, rule_for

    client.force_login(world.sam)
    checked = 0
    for route in page_routes():
        path = route.lstrip("^").rstrip("$")
        if rule_for("PAGE", path) != "staff" or path.startswith("accounts/2fa/"):
            continue
        url = "/" + re.sub(r"<[^>]+>", "1", path)
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith("/accounts/2fa/"), url
        checked += 1
    assert checked > 20


def test_an_enrolment_link_works_once_for_its_own_user_only(world, client, required):
    from concord.core.models import Event

    link = enrolment_link(world, world.alice)
    assert Event.objects.filter(
        stream=f"user:{world.alice.pk}", kind="second_factor_enrolment_issued"
    ).exists()
    client.force_login(world.bob)
    refused = client.get(link)
    assert refused.status_code == 200 and "not valid" in refused.content.decode()
    assert b"otpauth://" not in client.get("/accounts/2fa/").content
    client.force_login(world.alice)
    client.get(link)
    device = TOTPDevice.objects.get(user=world.alice)
    assert client.post("/accounts/2fa/", {"token": code_for(device)}).status_code == 302
    # Used: the same link no longer opens an enrolment (nor a second device).
    client.force_login(world.alice)
    assert "not valid" in client.get(link).content.decode()
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1
    # A tampered link is refused too.
    assert "not valid" in client.get(link[:-3] + "xx").content.decode()


def test_an_administrator_cannot_issue_their_own_link_but_the_server_command_can(world):
    from django.core.management import call_command

    from concord.accounts.enrolment import enrolment_link_issue
    from concord.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        enrolment_link_issue(actor=world.adam, user=world.adam)
    with pytest.raises(PermissionDenied):
        enrolment_link_issue(actor=world.alice, user=world.bob)  # not an administrator
    import io

    out = io.StringIO()
    call_command("second_factor_link", "adam", stdout=out)
    assert out.getvalue().startswith("/accounts/2fa/enrol/?link=")
