"""Rate limits on everything an anonymous visitor can call (concord.web.ratelimit)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from concord.api import api as ninja_api
from concord.core import ratelimit
from concord.web.ratelimit import ASSIST_FACTOR

from .test_least_privilege import page_routes, rule_for


@pytest.fixture
def limit(settings, monkeypatch):
    # One fixed minute: the counters are per clock minute, and a minute that ended between a
    # route's second and third request reset its count (a flaky 404 where 429 was due).
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    cache.clear()
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_RATE_PER_MINUTE": 2}
    yield 2
    cache.clear()


def public_writes() -> list[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return [
        (method.upper(), "/api/v1" + path if not path.startswith("/api/v1") else path)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"} and "security" not in op
    ]


@pytest.mark.django_db
def test_every_anonymous_api_write_is_limited_per_address(world, client, limit):
    writes = public_writes()
    assert len(writes) >= 10
    for method, path in writes:
        cache.clear()
        url = re.sub(r"\{[^}]+\}", "1", path)
        factor = ASSIST_FACTOR if re.search(r"/(suggest|similar|wellbeing/check)$", url) else 1
        for _ in range(limit * factor):
            answer = client.generic(method, url, data="{}", content_type="application/json")
            assert answer.status_code != 429, f"{method} {url} refused too early"
        refused = client.generic(method, url, data="{}", content_type="application/json")
        assert refused.status_code == 429, f"{method} {url} is not rate-limited"
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused["Retry-After"] == "60"


@pytest.mark.django_db
def test_every_public_page_limits_anonymous_posts(world, client, limit):
    checked = 0
    for route in page_routes():
        path = route.lstrip("^").rstrip("$")
        if rule_for("PAGE", path) != "public" or path.startswith(
            ("accounts/login", "i18n/", "open311/", "file/assist/")
        ):
            continue
        cache.clear()
        url = "/" + re.sub(r"<[^>]+>", "1", path)
        for _ in range(limit):
            client.post(url, {"x": "y"})
        assert client.post(url, {"x": "y"}).status_code == 429, url
        checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_a_refused_web_form_gives_back_what_the_resident_wrote(world, client, limit):
    form = {"kind": "dispute", "title": "邻居漏水", "description": "楼上漏水三个月 <b>没人管</b>"}
    for _ in range(limit):
        client.post("/file/", form)
    refused = client.post("/file/", form)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert 'name="description" value="楼上漏水三个月 &lt;b&gt;没人管&lt;/b&gt;"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "110" in page


@pytest.mark.django_db
def test_tracking_lookups_are_limited_by_get_too(world, client, limit):
    codes = [client.get("/track/C-2026-000001/guess/").status_code for _ in range(limit + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]


@pytest.mark.django_db
def test_staff_and_sign_in_are_not_limited_here(world, client, limit):
    for _ in range(limit + 1):
        assert (
            client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code != 429
        )
    client.force_login(world.alice)
    body = {"kind": "dispute", "title": "t", "description": "d", "place": "V11"}
    for _ in range(limit + 1):
        answer = client.post("/api/v1/cases", body, content_type="application/json")
        assert answer.status_code == 201


@pytest.mark.django_db
def test_switched_off_with_a_zero_limit(world, client, settings):
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_RATE_PER_MINUTE": 0}
    body = {"kind": "dispute", "title": "t", "description": "d", "place": "V11"}
    for _ in range(5):
        assert (
            client.post("/api/v1/cases", body, content_type="application/json").status_code == 201
        )


@pytest.mark.django_db
def test_a_made_up_authorization_header_does_not_lift_the_limit(world, client, limit):
    from concord.accounts.models import ApiToken

    bogus = {"Authorization": "Bearer made-up"}
    codes = [client.get("/track/C-2026-000001/guess/", headers=bogus).status_code for _ in range(3)]
    assert codes[-1] == 429
    token = ApiToken.issue(user=world.alice, name="app")[1]
    real = {"Authorization": f"Bearer {token}"}
    body = {"kind": "dispute", "title": "t", "description": "d", "place": "V11"}
    for _ in range(limit + 1):
        answer = client.post("/api/v1/cases", body, content_type="application/json", headers=real)
        assert answer.status_code == 201


@pytest.mark.django_db
def test_signed_in_residents_are_limited_like_anonymous_visitors(world, client, limit):
    from concord.accounts.models import ApiToken

    client.force_login(world.resident)
    body = {"kind": "dispute", "title": "t", "description": "d", "place": "V11"}
    codes = [
        client.post("/api/v1/cases", body, content_type="application/json").status_code
        for _ in range(limit + 1)
    ]
    assert codes[-1] == 429 and 429 not in codes[:-1]
    # Code requests (SMS verification) too, counted per account whatever the address.
    for n in range(limit + 1):
        answer = client.post(
            "/api/v1/participation/verify/phone",
            {"phone": "13800000000"},
            content_type="application/json",
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
    assert answer.status_code == 429
    # A resident's API token lifts nothing either (a staff member's does).
    client.logout()
    cache.clear()
    bearer = {"Authorization": f"Bearer {ApiToken.issue(user=world.resident, name='app')[1]}"}
    codes = [
        client.post(
            "/api/v1/cases", body, content_type="application/json", headers=bearer
        ).status_code
        for _ in range(limit + 1)
    ]
    assert codes[-1] == 429 and 429 not in codes[:-1]


@pytest.mark.django_db
def test_x_forwarded_for_counts_only_through_trusted_proxies(world, client, limit, settings):
    from django.test import RequestFactory

    from concord.core.ratelimit import client_address

    def seen(remote: str, forwarded: str | None) -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers))

    # No trusted proxy configured: the header is ignored.
    assert seen("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    settings.CONCORD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # From the proxy: the rightmost hop that is not a trusted proxy is the client; what the
    # client wrote to its left is not believed.
    assert seen("10.0.0.2", "1.2.3.4, 198.51.100.9") == "198.51.100.9"
    assert seen("10.0.0.2", "1.2.3.4, 198.51.100.9, 10.0.0.7") == "198.51.100.9"
    assert seen("10.0.0.2", "not-an-address") == "10.0.0.2"
    # Not from the proxy: the header is ignored.
    assert seen("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    # A client rotating a spoofed leftmost hop still uses up its own allowance.
    codes = [
        client.get(
            "/track/C-2026-000001/guess/",
            REMOTE_ADDR="10.0.0.2",
            headers={"X-Forwarded-For": f"9.9.9.{n}, 198.51.100.9"},
        ).status_code
        for n in range(limit + 1)
    ]
    assert codes[-1] == 429


@pytest.mark.django_db
def test_counts_hold_across_processes_in_the_database_cache():
    from django.core.cache.backends.db import DatabaseCache

    from concord.core.ratelimit import count_request

    # Two processes: two cache handlers, one table (made by the web app's migration).
    first = DatabaseCache("concord_ratelimit_cache", {})
    second = DatabaseCache("concord_ratelimit_cache", {})
    numbers = [count_request(p, "rl:test:1.2.3.4:1", limit=5) for p in [first, second] * 3]
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert count_request(first, "rl:test:1.2.3.4:1", limit=5) == 6
    assert count_request(second, "rl:test:5.6.7.8:1", limit=5) == 1
    # A stale high-water mark (another process wrote a lower one) never reuses a number.
    second.set("rl:test:9.9.9.9:1:n", 0)
    first.add("rl:test:9.9.9.9:1:1", 1)
    assert count_request(second, "rl:test:9.9.9.9:1", limit=5) == 2
