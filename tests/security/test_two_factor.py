"""Staff confirm a TOTP code after their password before any staff page or session API call."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.CONCORD_REQUIRE_STAFF_2FA = True


def code_for(device) -> str:
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    )


def test_staff_enrol_an_authenticator_then_reach_their_pages(world, client, required):
    client.force_login(world.alice)
    first = client.get("/staff/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/")
    assert client.get("/api/v1/cases").status_code == 401  # the session API waits too
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
