"""Hostile input is answered with a clean 4xx, never a 500 (issue 20, point 3).

Each test is a finding of the independent security test: a tracking token with non-ASCII
characters, lone surrogates and NUL in JSON, oversized bodies, and submissions without limits.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest

from concord.cases.models import Attachment, Case, Party

pytestmark = pytest.mark.django_db

GOOD = {"kind": "dispute", "title": "邻居噪音", "description": "每晚到凌晨", "place": "V11"}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def raw_post(client, path: str, text: str, **headers):
    """POST a JSON text as is (json.dumps would escape what this test wants to send)."""
    return client.post(path, data=text.encode(), content_type="application/json", headers=headers)


@pytest.fixture
def filed(world, api):
    return api.post("/cases", GOOD).json()


@pytest.mark.parametrize("token", ["é", "%C3%A9", "ａｂｃ", "\u200b" * 24, "a" * 24 + "é"])
def test_a_non_ascii_token_on_a_real_receipt_code_is_not_found_like_any_wrong_token(
    filed, api, client, token
):
    code = filed["receipt_code"]
    answer = api.get(f"/cases/track/{code}", token=token)
    assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"
    # The same answer as for a code that does not exist: nothing tells which codes are real.
    nowhere = api.get("/cases/track/C-2020-999999", token=token)
    assert nowhere.status_code == 404 and nowhere.json() == answer.json()
    page = client.get(f"/track/{code}/{token}/")
    assert page.status_code == 404
    lookup = client.get("/track/", {"code": code, "token": token})
    assert lookup.status_code == 200 and "error" in lookup.content.decode()


def test_a_full_width_token_typed_on_a_chinese_keyboard_still_works(filed, api):
    wide = "".join(chr(ord(c) + 0xFEE0) for c in filed["tracking_token"].upper())
    answer = api.get(f"/cases/track/{filed['receipt_code']}", token=wide)
    assert answer.status_code == 200


@pytest.mark.parametrize("bad", ['"\\ud800"', '"a\\udfffb"', '"NUL\\u0000 in text"'])
def test_unstorable_text_in_json_is_refused_where_it_enters(world, filed, api, client, bad):
    code, token = filed["receipt_code"], filed["tracking_token"]
    created = raw_post(client, "/api/v1/cases", json.dumps(GOOD)[:-1] + f', "title": {bad}}}')
    assert created.status_code == 400
    error = error_of(created)
    assert error["code"] == "unstorable_text" and "title" in error["fields"]
    for path, body in [
        (f"/cases/track/{code}/information", f'{{"token": "{token}", "text": {bad}}}'),
        (f"/cases/track/{code}/withdraw", f'{{"token": "{token}", "reason": {bad}}}'),
        ("/safety/hazards", f'{{"hazard_type": "fire", "title": {bad}, "description": "d"}}'),
    ]:
        answer = raw_post(client, "/api/v1" + path, body)
        assert answer.status_code == 400, path
        assert error_of(answer)["code"] == "unstorable_text", path
    api.as_user(world.zoe)
    note = raw_post(
        client, f"/api/v1/cases/{filed['id']}/notes", f'{{"text": {bad}}}', **api.headers
    )
    assert note.status_code == 400 and error_of(note)["code"] == "unstorable_text"
    assert Case.objects.count() == 1
    assert Case.objects.get().events.count() == 1


def test_nul_in_a_query_string_or_path_is_refused(world, api, client):
    api.as_user(world.zoe)
    listed = api.get("/cases", q="noise\x00")
    assert listed.status_code == 400 and error_of(listed)["code"] == "unstorable_text"
    page = client.get("/participation/", {"q": "a\x00b"})
    assert page.status_code == 400
    assert "NUL" in page.content.decode() and "<html" in page.content.decode()
    path = client.get("/track/C-2026-000001/%00/")
    assert path.status_code == 400


def test_an_oversized_body_gets_413_in_the_error_shape(world, client, settings):
    settings.CONCORD = {**settings.CONCORD, "REQUEST_BODY_MAX_BYTES": 50_000}
    body = json.dumps({**GOOD, "description": "长" * 40_000})
    answer = raw_post(client, "/api/v1/cases", body)
    assert answer.status_code == 413
    assert error_of(answer)["code"] == "too_large" and "MB" in error_of(answer)["message"]
    form = urlencode({**GOOD, "description": "x" * 60_000})
    page = client.post("/file/", form, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413 and "<html" in page.content.decode()
    assert Case.objects.count() == 0


def test_a_submission_may_name_only_so_many_parties(world, api, settings):
    limit = settings.CONCORD["PARTIES_MAX"]
    many = {**GOOD, "parties": [{"name": f"当事人{i}"} for i in range(limit + 1)]}
    refused = api.post("/cases", many)
    assert refused.status_code == 400
    error = error_of(refused)
    assert str(limit) in error["message"] and "parties" in error["fields"]
    assert Case.objects.count() == 0
    allowed = api.post("/cases", {**many, "parties": many["parties"][:limit]})
    assert allowed.status_code == 201
    assert Party.objects.count() == limit


def _png(n: int, size: int = 100) -> io.BytesIO:
    f = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes([n % 256]) * size)
    f.name = f"photo{n}.png"
    return f


def test_a_resident_may_attach_only_so_many_files_to_a_case(filed, client, settings):
    settings.CONCORD = {**settings.CONCORD, "ATTACHMENTS_MAX_COUNT": 3}
    url = f"/api/v1/cases/track/{filed['receipt_code']}/attachments?token={filed['tracking_token']}"
    for n in range(3):
        assert client.post(url, {"file": _png(n)}).status_code == 201
    refused = client.post(url, {"file": _png(9)})
    assert refused.status_code == 400 and "3" in error_of(refused)["message"]
    assert Attachment.objects.count() == 3


def test_a_residents_files_may_total_only_so_much(filed, client, settings):
    settings.CONCORD = {**settings.CONCORD, "ATTACHMENTS_MAX_TOTAL_BYTES": 3 * 1024 * 1024}
    url = f"/api/v1/cases/track/{filed['receipt_code']}/attachments?token={filed['tracking_token']}"
    assert client.post(url, {"file": _png(1, 2 * 1024 * 1024)}).status_code == 201
    refused = client.post(url, {"file": _png(2, 2 * 1024 * 1024)})
    assert refused.status_code == 413
    assert "3 MB" in error_of(refused)["message"]
    assert Attachment.objects.count() == 1


def test_the_filing_form_refuses_too_many_files_and_keeps_what_was_typed(world, client, settings):
    settings.CONCORD = {**settings.CONCORD, "ATTACHMENTS_MAX_COUNT": 2}
    form = {**GOOD, "attachments": [_png(1), _png(2), _png(3)]}
    page = client.post("/file/", form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2" in html and "邻居噪音" in html
    assert Case.objects.count() == 0
