"""The cases API: intake with bad input, idempotency, scoped lists, tracking."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.cases.models import Case
from concord.core.models import Event

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "dispute",
    "title": "邻居噪音 Noise 😀",
    "description": "每晚到凌晨 — 混合 text ✓",
    "place": "V11",
    "category": "DP.02",
}


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_a_resident_submits_anonymously_and_text_round_trips_exactly(world, api):
    r = api.post("/cases", GOOD)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == GOOD["title"] and body["description"] == GOOD["description"]
    assert body["receipt_code"].startswith("C-") and body["tracking_token"]
    case = Case.objects.get(receipt_code=body["receipt_code"])
    assert case.title == GOOD["title"]
    track = api.get(f"/cases/track/{body['receipt_code']}", token=body["tracking_token"])
    assert track.status_code == 200
    assert [e["kind"] for e in track.json()["events"]] == ["submitted"]
    assert api.get(f"/cases/track/{body['receipt_code']}", token="wrong").status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"place": "NOPE"}, "place"),
        ({"category": "NOPE"}, "category"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"title": "   "}, "title"),
        ({"lat": 95.0, "lng": 120.0}, "lat"),
        ({"lat": 30.0}, "lat"),
        ({"kind": "party"}, "kind"),
        ({"lat": "north", "lng": 1}, "lat"),
        ({"parties": [{"role": "boss"}]}, "parties[0].role"),
    ],
)
def test_bad_input_is_refused_with_the_one_error_shape_and_nothing_is_stored(
    world, api, change, field
):
    r = api.post("/cases", {**GOOD, **change})
    assert r.status_code == 400, r.content
    err = error_of(r)
    assert err["code"] == "invalid"
    assert field in err["fields"], err
    assert Case.objects.count() == 0


def test_malformed_json_and_wrong_types(world, api):
    r = api.client.post("/api/v1/cases", data="{not json", content_type="application/json")
    assert r.status_code == 400 and error_of(r)["code"] == "malformed"
    r = api.post("/cases", {**GOOD, "title": ["a list"]})
    assert r.status_code == 400 and "title" in error_of(r)["fields"]
    assert Case.objects.count() == 0


def test_a_point_outside_every_place_is_refused_and_a_point_inside_finds_its_grid(world, api):
    body = {k: v for k, v in GOOD.items() if k != "place"}
    r = api.post("/cases", {**body, "lat": 10.0, "lng": 10.0})
    assert r.status_code == 400 and "place" in error_of(r)["fields"]
    r = api.post("/cases", {**body, "lat": 30.05, "lng": 120.05})
    assert r.status_code == 201
    assert r.json()["place"]["code"] == "G111"


def test_idempotent_creation_returns_the_same_case(world, api):
    headers = {"Idempotency-Key": "abc-123-4567-8901"}
    first = api.post("/cases", GOOD, headers=headers)
    again = api.post("/cases", GOOD, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["receipt_code"] == again.json()["receipt_code"]
    assert first.json()["tracking_token"] == again.json()["tracking_token"]
    assert Case.objects.count() == 1
    other = api.post("/cases", {**GOOD, "title": "different"}, headers=headers)
    assert other.status_code == 409 and error_of(other)["code"] == "conflict"
    assert Case.objects.count() == 1


def test_a_replay_with_other_parties_is_refused_not_silently_merged(world, api):
    headers = {"Idempotency-Key": "resident-retry-0001"}
    alone = {**GOOD, "parties": [{"name": "王芳", "phone": "13800000000"}]}
    assert api.post("/cases", alone, headers=headers).status_code == 201
    more = {**alone, "parties": [*alone["parties"], {"name": "李雷", "role": "respondent"}]}
    refused = api.post("/cases", more, headers=headers)
    assert refused.status_code == 409 and error_of(refused)["code"] == "conflict"
    consent = api.post("/cases", {**alone, "contact_consent": True}, headers=headers)
    assert consent.status_code == 409
    assert Case.objects.get().parties.count() == 1


def test_anonymous_idempotency_keys_must_be_long_enough(world, api):
    short = api.post("/cases", GOOD, headers={"Idempotency-Key": "abc-123"})
    assert short.status_code == 400
    error = error_of(short)
    assert "16" in error["message"] and "Idempotency-Key" in error["fields"]
    odd = api.post("/cases", GOOD, headers={"Idempotency-Key": "sixteen chars or more"})
    assert odd.status_code == 400  # spaces are not visible ASCII characters
    assert Case.objects.count() == 0


def test_idempotency_keys_are_scoped_per_client(world, api, client):
    from concord.accounts.models import ApiToken

    key = {"Idempotency-Key": "shared-key-0000001"}
    first = api.post("/cases", GOOD, headers=key)
    assert first.status_code == 201
    # Another staff client (its own token) with the same key and body files its own case and
    # never receives the first client's tracking token.
    for user in (world.grace, world.grace):
        token = ApiToken.issue(user=user, name="app")[1]
        other = api.post("/cases", GOOD, headers={**key, "Authorization": f"Bearer {token}"})
        assert other.status_code == 201
        assert other.json()["tracking_token"] != first.json()["tracking_token"]
    # A short key is fine within a client's own scope.
    token = ApiToken.issue(user=world.grace, name="short")[1]
    mine = {"Idempotency-Key": "k1", "Authorization": f"Bearer {token}"}
    assert api.post("/cases", GOOD, headers=mine).status_code == 201
    assert api.post("/cases", GOOD, headers=mine).status_code == 200
    assert Case.objects.count() == 4


def test_staff_list_is_scoped_and_runs_a_constant_number_of_queries(world, api):
    for i in range(3):
        api.post("/cases", {**GOOD, "title": f"T1 case {i}"})
    api.post("/cases", {**GOOD, "place": "V21", "title": "T2 case"})
    api.as_user(world.alice)
    r = api.get("/cases")
    assert r.status_code == 200
    assert {c["title"] for c in r.json()["items"]} == {"T1 case 0", "T1 case 1", "T1 case 2"}
    api.as_user(world.carol)
    assert [c["title"] for c in api.get("/cases").json()["items"]] == ["T2 case"]
    api.as_user(world.ana)
    assert api.get("/cases").json()["count"] == 0

    api.as_user(world.zoe)
    with CaptureQueriesContext(connection) as few:
        assert api.get("/cases", limit=2).status_code == 200
    for i in range(20):
        api.post("/cases", {**GOOD, "title": f"more {i}"})
    with CaptureQueriesContext(connection) as many:
        r = api.get("/cases", limit=200)
    assert len(r.json()["items"]) == 24
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_list_count_stops_at_a_cap_and_says_so(world, api, monkeypatch):
    from concord.cases import api as cases_api

    for i in range(4):
        api.post("/cases", {**GOOD, "title": f"case {i}"})
    api.as_user(world.zoe)
    exact = api.get("/cases").json()
    assert (exact["count"], exact["count_capped"]) == (4, False)
    monkeypatch.setattr(cases_api, "LIST_COUNT_CAP", 3)
    capped = api.get("/cases", limit=2, offset=2).json()
    assert (capped["count"], capped["count_capped"]) == (3, True)
    assert len(capped["items"]) == 2


def test_filing_dates_are_local_days(world, api):
    import time_machine

    # 23:30 in Shanghai on 3 March is 15:30 UTC the same day; 00:30 on 4 March is 16:30 UTC
    # on 3 March: the local day decides.
    for at, title in (("2026-03-03T15:30:00Z", "late on the 3rd"), ("2026-03-03T16:30Z", "4th")):
        with time_machine.travel(at, tick=False):
            api.post("/cases", {**GOOD, "title": title})
    api.as_user(world.zoe)

    def titles(**days):
        return {c["title"] for c in api.get("/cases", **days).json()["items"]}

    assert titles(created_from="2026-03-03", created_to="2026-03-03") == {"late on the 3rd"}
    assert titles(created_from="2026-03-04") == {"4th"}
    assert titles(created_to="2026-03-02") == set()


def test_list_filters(world, api):
    api.post("/cases", GOOD)
    api.post("/cases", {**GOOD, "place": "V12", "kind": "service_request", "category": None})
    api.as_user(world.zoe)
    assert api.get("/cases", place="V12").json()["count"] == 1
    assert api.get("/cases", kind="dispute").json()["count"] == 1
    assert api.get("/cases", status="submitted,accepted").json()["count"] == 2
    assert api.get("/cases", category="DP").json()["count"] == 1
    assert api.get("/cases", category="DP.02").json()["count"] == 1
    assert api.get("/cases", category="DP.03").json()["count"] == 0
    assert api.get("/cases", category="D").json()["count"] == 0  # a prefix is not a category
    # Search: Latin letters in any case, Chinese as written.
    for term, found in (("noise", 2), ("NOISE", 2), ("噪音", 2), ("噪声", 0)):
        assert api.get("/cases", q=term).json()["count"] == found, term
    r = api.get("/cases", limit=0)
    assert r.status_code == 400


def test_search_finds_the_term_as_written_and_receipt_codes_in_any_case(world, api):
    titles = ["楼上漏水 ABC 三个月", "漏一点水 abxbc", "水漏了", "路灯不亮"]
    codes = [api.post("/cases", {**GOOD, "title": t}).json()["receipt_code"] for t in titles]
    api.as_user(world.zoe)

    def found(term):
        return {c["title"] for c in api.get("/cases", q=term).json()["items"]}

    assert found("漏水") == {titles[0]}  # 漏 and 水 apart, or the other way round, do not match
    assert found("水") == set(titles[:3])  # one character has no pair: a plain substring search
    assert found("abc") == {titles[0]}  # ab and bc both in the second title, never side by side
    assert found(" 路灯 ") == {titles[3]}
    assert found("退费") == set()
    assert found(codes[2].lower()) == {titles[2]}
    full_width = codes[2].translate({ord(c): ord(c) + 0xFEE0 for c in "C-0123456789"})
    assert full_width != codes[2] and found(full_width) == {titles[2]}  # Ｃ－２０２６－…
    assert found("C-1999-000001") == set()  # a code no case has finds nothing


def test_title_search_asks_the_pair_index_on_postgresql_only(db):
    """The PostgreSQL function behind the title index (migration cases 0012)."""
    from concord.cases.selectors import text_matches

    sql = str(Case.objects.filter(text_matches("漏水")).query)
    assert ("concord_bigrams" in sql) == (connection.vendor == "postgresql")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT concord_bigrams(%s), concord_bigrams(%s)", ["漏水漏水 Ab", "水"])
        pairs, single = cursor.fetchone()
    assert sorted(pairs) == sorted(["漏水", "水漏", "水 ", " A", "AB"])
    assert single == []


def test_anonymous_callers_cannot_read_staff_endpoints(world, api):
    case_id = api.post("/cases", GOOD).json()["id"]
    r = api.anonymous().get(f"/cases/{case_id}")
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"
    r = api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_out_of_place_staff_get_404_not_403(world, api):
    case_id = api.post("/cases", GOOD).json()["id"]
    assert api.as_user(world.carol).get(f"/cases/{case_id}").status_code == 404
    assert api.as_user(world.bob).get(f"/cases/{case_id}").status_code == 200


def test_party_contacts_are_masked_for_roles_that_do_not_handle_the_case(world, api):
    body = {
        **GOOD,
        "parties": [
            {
                "role": "complainant",
                "name": "王芳",
                "phone": "13812345678",
                "email": "wf@example.cn",
            }
        ],
    }
    case_id = api.post("/cases", body).json()["id"]
    seen = api.as_user(world.bob).get(f"/cases/{case_id}").json()["parties"][0]
    assert seen["phone"] == "13812345678" and not seen["masked"]
    masked = api.as_user(world.alice).get(f"/cases/{case_id}").json()["parties"][0]
    assert (
        masked["masked"] and "12345678" not in masked["phone"] and masked["phone"].endswith("5678")
    )


def test_transitions_over_the_api_and_refusals_in_the_error_shape(world, api):
    case_id = api.post("/cases", GOOD).json()["id"]
    api.as_user(world.bob)
    r = api.post(f"/cases/{case_id}/resolve", {"outcome": "fixed", "text": "x"})
    assert r.status_code == 409 and error_of(r)["code"] == "invalid_transition"
    assert api.post(f"/cases/{case_id}/accept", {}).json()["status"] == "accepted"
    assert api.post(f"/cases/{case_id}/start").json()["status"] == "in_progress"
    r = api.post(f"/cases/{case_id}/resolve", {"outcome": "agreement", "text": "达成协议"})
    assert r.json()["status"] == "resolved"
    r = api.as_user(world.carol).post(f"/cases/{case_id}/close", {})
    assert r.status_code == 404
    events = api.as_user(world.bob).get(f"/cases/{case_id}/events").json()
    assert [e["kind"] for e in events] == ["submitted", "accepted", "work_started", "resolved"]


def test_resident_tracks_adds_information_and_rates(world, api):
    sub = api.post("/cases", GOOD).json()
    code, token = sub["receipt_code"], sub["tracking_token"]
    r = api.post(f"/cases/track/{code}/information", {"token": token, "text": "补充：有录音"})
    assert r.status_code == 200
    api.as_user(world.bob)
    api.post(f"/cases/{sub['id']}/accept", {})
    api.post(f"/cases/{sub['id']}/start")
    api.post(f"/cases/{sub['id']}/assign", {"assignee_id": world.bob.pk})
    api.post(f"/cases/{sub['id']}/resolve", {"outcome": "agreement", "text": "已达成协议"})
    api.anonymous()
    r = api.post(
        f"/cases/track/{code}/feedback", {"token": token, "resolved": "yes", "satisfaction": 5}
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    kinds = [e["kind"] for e in r.json()["events"]]
    assert "assigned" not in kinds, "internal events are not shown to residents"
    assert kinds[-2:] == ["feedback", "closed"]


def png_bytes():
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_attachments_are_checked_by_content_and_size(world, api, settings):
    sub = api.post("/cases", GOOD).json()
    url = f"/api/v1/cases/track/{sub['receipt_code']}/attachments?token={sub['tracking_token']}"
    ok = api.client.post(url, {"file": _file("photo.png", png_bytes())})
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "image/png"
    fake = api.client.post(url, {"file": _file("photo.png", b"MZ\x90\x00 an exe pretending")})
    assert fake.status_code == 400 and "file" in error_of(fake)["fields"]
    html = api.client.post(url, {"file": _file("notes.txt", b"<html><script>alert(1)</script>")})
    assert html.status_code == 400
    settings.CONCORD = {**settings.CONCORD, "ATTACHMENT_MAX_BYTES": 1000}
    big = api.client.post(url, {"file": _file("big.png", png_bytes() + b"\x00" * 2000)})
    assert big.status_code == 413 and error_of(big)["code"] == "too_large"
    assert Event.objects.filter(kind="attachment_added").count() == 1


def _file(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_openapi_and_docs_are_served(world, client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = json.loads(spec.content)["paths"]
    assert "/api/v1/cases" in paths and "/api/v1/places" in paths and "/api/v1/categories" in paths
    assert client.get("/api/v1/docs").status_code == 200
