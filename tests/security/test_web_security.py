"""Web security: the Content-Security-Policy, deploy checks, and hostile text stored inert."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLI = "'; DROP TABLE cases_case; --"


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    for url in ["/", "/file/", "/participation/", "/api/v1/docs"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_the_api_docs_work_offline_from_local_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "k" * 20 + "-Production-Secret-Key-With-Enough-Entropy-0123456789",
        "CONCORD_HTTPS": "1",
        "CONCORD_ALLOWED_HOSTS": "concord.example.org",
        "CONCORD_DATA_DIR": str(tmp_path),
    }
    env.pop("CONCORD_DEBUG", None)
    # The browser tests set this for their live server; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = subprocess.run(
        [sys.executable, "-m", "concord.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [XSS, SQLI, "正常文字 ✓ 😀"])
def test_hostile_text_is_stored_exactly_and_rendered_escaped(world, api, client, payload):
    from concord.cases.models import Case

    body = {
        "kind": "dispute",
        "title": payload[:200],
        "description": payload,
        "place": "V11",
        "address": payload[:300],
        "parties": [{"role": "complainant", "name": payload[:120]}],
    }
    created = api.post("/cases", body).json()
    case = Case.objects.get(receipt_code=created["receipt_code"])
    assert case.title == payload[:200] and case.description == payload
    assert Case.objects.count() == 1  # the SQL-looking text did nothing
    track = client.get(f"/track/{created['receipt_code']}/{created['tracking_token']}/")
    staff = client.get(f"/staff/cases/{case.pk}/")
    client.force_login(world.bob)
    staff = client.get(f"/staff/cases/{case.pk}/")
    for page in (track, staff):
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script>alert" not in html and "onerror=alert(1)>" not in html
        if payload == XSS:
            assert "&lt;script&gt;alert" in html


@pytest.mark.django_db
def test_anonymous_submissions_and_tracking_lookups_are_rate_limited(world, api, settings):
    from django.core.cache import cache

    cache.clear()
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_RATE_PER_MINUTE": 3}
    body = {"kind": "dispute", "title": "t", "description": "d", "place": "V11"}
    codes = [api.post("/cases", body).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    refused = api.post("/cases", body).json()
    assert refused["error"]["code"] == "rate_limited"
    lookups = [api.get("/cases/track/C-2026-000001", token="guess").status_code for _ in range(4)]
    assert lookups == [404, 404, 404, 429]
    # Signed-in staff are not limited by this.
    api.as_user(world.alice)
    assert api.post("/cases", body).status_code == 201
    cache.clear()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out_for_a_while(world, client):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    fifth = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert fifth.status_code == 429  # the fifth failure locks the account out
    locked = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    ok = client.post("/accounts/login/", {"username": "bob", "password": "correct horse battery"})
    assert ok.status_code == 302
