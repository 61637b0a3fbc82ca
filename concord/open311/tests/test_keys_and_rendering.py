"""Keys (command, admin, rate limit), query counts and the XML writer, without a live server."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.open311.render import to_json, to_xml

from .conftest import parse_xml

IN_PEACH_GRID = {"lat": "30.05", "long": "120.05"}


def test_issue_key_prints_the_key_alone_and_stores_only_its_digest(db):
    from concord.core.models import Event
    from concord.open311.actions import hash_key
    from concord.open311.models import ApiKey

    out = StringIO()
    call_command("open311", "issue-key", "FixMyStreet", "--print", stdout=out)
    raw = out.getvalue().strip()
    assert re.fullmatch(r"o311_[A-Za-z0-9_-]{43}", raw)
    key = ApiKey.objects.get()
    assert key.name == "FixMyStreet" and key.key_hash == hash_key(raw)
    assert raw not in str(list(ApiKey.objects.values()))
    assert Event.objects.get(stream=f"open311key:{key.pk}").kind == "open311_key_issued"


def test_only_administrators_issue_keys(world):
    from concord.core.errors import PermissionDenied
    from concord.open311.actions import api_key_issue

    with pytest.raises(PermissionDenied):
        api_key_issue(actor=world.alice, name="Sneaky")
    key, _ = api_key_issue(actor=world.adam, name="Fine")
    assert key.created_by == world.adam


def test_the_admin_revokes_keys_and_cannot_add_or_delete_them(world, client):
    from concord.accounts.models import User
    from concord.open311.actions import api_key_issue
    from concord.open311.models import ApiKey

    key, _ = api_key_issue(actor=world.adam, name="Old app")
    root = User.objects.create_superuser(username="root", password="pw-long-enough-123")
    client.force_login(root)
    page = client.get("/admin/open311/apikey/")
    assert page.status_code == 200 and b"Old app" in page.content
    assert client.get("/admin/open311/apikey/add/").status_code == 403
    response = client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 0


def test_each_key_is_rate_limited_per_minute(world, client, at):
    from concord.open311.actions import api_key_issue

    _, raw = api_key_issue(actor=world.adam, name="Busy app", rate_limit_per_minute=2)
    _, other = api_key_issue(actor=world.adam, name="Calm app")
    at("2026-03-02 09:00")

    def post(key):
        return client.post(
            "/open311/v2/requests.json",
            {"api_key": key, "service_code": "CM04.02.010", **IN_PEACH_GRID},
        )

    assert [post(raw).status_code for _ in range(3)] == [200, 200, 429]
    limited = post(raw)
    assert limited["Retry-After"] == "60" and limited.json()[0]["code"] == 429
    assert post(other).status_code == 200  # the limit is per key
    at("2026-03-02 09:01")
    assert post(raw).status_code == 200


def test_the_request_list_costs_the_same_queries_for_two_or_eight_requests(world, client):
    from concord.open311.actions import (
        RequestInput,
        api_key_issue,
        api_key_use,
        service_request_create,
    )

    _, raw = api_key_issue(actor=world.adam, name="App", rate_limit_per_minute=100)

    def file(n):
        for _ in range(n):
            service_request_create(
                key=api_key_use(raw=raw),
                root=world.C,
                data=RequestInput(service_code="CM04.02.010", lat="30.05", long="120.05"),
                language="en",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/open311/v2/requests.json").status_code == 200
        return len(queries)

    file(2)
    two = count()
    file(6)
    assert len(client.get("/open311/v2/requests.json").json()) == 8
    assert count() == two
    with CaptureQueriesContext(connection) as queries:
        client.get("/open311/v2/servicerequestupdates.json")
    updates_queries = len(queries)
    file(4)
    with CaptureQueriesContext(connection) as queries:
        client.get("/open311/v2/servicerequestupdates.json")
    assert len(queries) == updates_queries


def test_post_needs_no_csrf_token(world, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/open311/v2/requests.json", {"service_code": "CM04.02.010"})
    assert response.status_code == 403  # the missing api_key, not a CSRF page
    assert response.json()[0]["description"]


def test_several_roots_need_a_jurisdiction_id(world, client):
    from concord.places.actions import place_upsert

    place_upsert(code="X", level="county", name_zh="另一县", name_en="Other County")
    assert client.get("/open311/v2/services.json").status_code == 400
    assert client.get("/open311/v2/services.json?jurisdiction_id=X").status_code == 200


def test_xml_writer_escapes_text_drops_illegal_characters_and_writes_booleans():
    xml = to_xml("services", [{"service_name": "A & <B>\x01", "metadata": True, "group": None}])
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<services><service>')
    service = parse_xml(xml.encode()).find("service")
    assert service.find("service_name").text == "A & <B>"
    assert service.find("metadata").text == "true"
    assert service.find("group").text is None
    assert to_xml("service_requests", []).endswith("<service_requests/>\n")
    assert to_json([{"name": "噪音", "ok": False, "x": None}]) == (
        '[{"name": "噪音", "ok": false, "x": null}]'
    )


def test_errors_speak_the_clients_language(db, client):
    from concord.places.actions import place_upsert

    place_upsert(code="C", level="county", name_zh="和平县", name_en="Heping County")
    chinese = client.get("/open311/v2/services/NOPE.json", {"locale": "zh_CN"}).json()
    assert chinese[0]["description"] == "未知的 service_code：NOPE。"
    english = client.get("/open311/v2/services/NOPE.json", {"locale": "en"}).json()
    assert english[0]["description"] == "Unknown service_code NOPE."


def test_an_unreadable_body_is_a_georeport_400(world, client):
    response = client.post(
        "/open311/v2/requests.xml",
        data=b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert parse_xml(response.content).find("error/code").text == "400"
