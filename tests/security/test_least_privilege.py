"""Least privilege, from one declared policy table.

- Every API operation and every web page must be in POLICY (a new endpoint without a declared
  policy fails the completeness tests).
- Every operation that is not declared public refuses anonymous callers (401, or 403/404), and
  every public one answers them.
- The object matrix (OBJECTS): every operation and page with an object in its path × every
  persona (every role, in and out of place, a resident, a visitor) × objects of each kind it
  acts on (inside the persona's place, outside it, sensitive …, built through the apps' own
  actions) is allowed or refused exactly as the table says; an operation or page with an object
  in its path that is not in the table fails the completeness test.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from concord.api import api as ninja_api

from . import matrix_objects as mo

# --- the declared policy -------------------------------------------------------------------
# (method regex, path regex, rule). Rules: "public" (anyone, residents included), "token" (anyone
# holding the case's receipt code and secret tracking token), "staff" (signed-in staff; what
# they see is scoped by role and place), "resident" (a signed-in resident account, its own data
# only), "account" (any signed-in account, its own record), "case" (staff who may see that
# case), "counsellor" (the responsible counselling team only), "admin" (Django admin: platform
# administrators).
POLICY: list[tuple[str, str, str]] = [
    ("POST", r"^/api/v1/cases$", "public"),
    ("GET|POST", r"^/api/v1/cases/track/\{code\}.*$", "token"),
    (
        "GET",
        r"^/api/v1/(categories|places|places/locate|places/\{code\}|units|channels)$",
        "public",
    ),
    ("POST", r"^/api/v1/triage/(suggest|similar)$", "public"),
    ("POST", r"^/api/v1/wellbeing/check$", "public"),
    (
        "GET",
        r"^/api/v1/participation/(dashboard|dashboard/series|open-data/.*|suggestions|suggestions/\{pk\}|polls|polls/\{pk\}|polls/\{pk\}/results|conventions)$",
        "public",
    ),
    (
        "POST",
        r"^/api/v1/participation/(verify/phone|verify/code|verify/census|suggestions|suggestions/\{pk\}/support|polls/\{pk\}/vote)$",
        "public",
    ),
    (
        "GET",
        r"^/api/v1/assessments/(consultations|consultations/\{assessment_id\}|comments/\{code\})$",
        "public",
    ),
    ("POST", r"^/api/v1/assessments/consultations/\{assessment_id\}/comments$", "public"),
    ("POST", r"^/api/v1/safety/hazards$", "public"),
    ("GET", r"^/api/v1/safety/(warnings|policies|policies/\{notice_id\})$", "public"),
    ("POST", r"^/api/v1/safety/policies/\{notice_id\}/questions$", "public"),
    (
        "GET",
        r"^/api/v1/(cases/\{case_id\}|cases/\{case_id\}/events|triage/cases/\{case_id\}|triage/cases/\{case_id\}/route|cases/\{case_id\}/mediation/agreement\.pdf)$",
        "case",
    ),
    ("GET|POST", r"^/api/v1/wellbeing/(referrals|exports|queue).*$", "counsellor"),
    ("GET", r"^/api/v1/participation/volunteers/\{pk\}/hours$", "account"),
    # Every account's own inbox and message preferences (residents' messages arrive there too).
    ("GET|POST", r"^/api/v1/notifications/(inbox|inbox/\{notification_id\}/read|preferences)$", "account"),
    # Following one suggestion, consultation or policy notice: any account, its own follows.
    ("GET|POST", r"^/api/v1/notifications/(follows|follows/remove)$", "account"),
    # Following a place over the API: resident accounts (the /safety/ page's follow action).
    ("POST", r"^/api/v1/notifications/follows/places(/remove)?$", "resident"),
    ("GET|POST", r"^/api/v1/safety/me/profile$", "account"),
    ("POST", r"^/api/v1/participation/(teams/\{pk\}/apply|volunteers/\{application\}/decision)$", "account"),
    ("POST", r"^/api/v1/residents/(code|session|accounts)$", "public"),
    ("GET|POST|DELETE", r"^/api/v1/residents/me(/.*)?$", "resident"),
    (
        "GET|POST|PUT|PATCH|DELETE",
        r"^/api/v1/(cases|clocks|supervision|metrics|me|triage|warning|wellbeing|participation|assessments|safety|notifications)(/.*)?$",
        "staff",
    ),
    # Web pages (paths as Django route strings).
    (
        "PAGE",
        r"^(|favicon\.ico|file/|file/assist/|places\.geojson|receipt/|track/|track/.*|i18n/setlang/|accounts/(login|logout)/|healthz|open311/.*|wellbeing/hotline/|participation/|participation/suggestions/|participation/polls/|participation/polls/<int:pk>/|participation/polls/<int:pk>/results/|participation/conventions/|participation/conventions/<int:pk>/|participation/volunteers/|assessments/|assessments/consultations/.*|assessments/comments/.*|safety/|safety/warnings/<int:warning_id>/|safety/follow/|safety/policies/.*)$",
        "public",
    ),
    (
        "PAGE",
        r"^(accounts/2fa/(qr\.svg|enrol/)?|staff/.*|participation/staff/|wellbeing/(cases|queue|referrals|exports|network|grants)/.*|assessments/staff/.*)$",
        "staff",
    ),
    ("PAGE", r"^admin/.*$", "admin"),
    # Resident accounts: signing in is open to everyone; the rest is the signed-in resident's
    # own (tests/security/test_resident_accounts.py).
    ("PAGE", r"^accounts/resident/(new/)?$", "public"),
    ("PAGE", r"^me/(|account/|export\.json|delete/)$", "resident"),
    ("PAGE", r"^participation/volunteers/teams/<int:pk>/$", "account"),
    # Every account's own inbox, preferences and follows; failed deliveries for those who
    # answer for them (the page lists only what the reader may see).
    ("PAGE", r"^notifications/(|<int:notification_id>/read/|preferences/|follow/)$", "account"),
    ("PAGE", r"^notifications/failed/<int:delivery_id>/<slug:step>/$", "staff"),
]


def rule_for(method: str, path: str) -> str | None:
    for methods, pattern, rule in POLICY:
        if re.fullmatch(methods, method) and re.fullmatch(pattern, path):
            return rule
    return None


def api_operations() -> list[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return [(m.upper(), p) for p, item in schema["paths"].items() for m in item]


def page_routes() -> list[str]:
    out: list[str] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("api/v1/", "^api/v1/")):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and not route.startswith("^api/v1/"):
                out.append(route)

    walk(get_resolver().url_patterns)
    return out


# --- completeness --------------------------------------------------------------------------


def test_every_api_operation_has_a_declared_policy():
    missing = [f"{m} {p}" for m, p in api_operations() if rule_for(m, p) is None]
    assert not missing, f"declare a policy for: {missing}"


def test_every_page_has_a_declared_policy():
    missing = [r for r in page_routes() if rule_for("PAGE", r.lstrip("^").rstrip("$")) is None]
    assert not missing, f"declare a policy for: {missing}"


def test_the_openapi_document_agrees_with_the_policy_on_what_is_open():
    schema = ninja_api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            rule = rule_for(method.upper(), path)
            open_in_doc = "security" not in op
            assert open_in_doc == (rule in {"public", "token"}), f"{method.upper()} {path}: {rule}"


# --- anonymous callers ---------------------------------------------------------------------


def fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
def test_anonymous_callers_are_refused_everywhere_but_public_operations(world, client):
    for method, path in api_operations():
        rule = rule_for(method, path)
        url = fill(path)
        response = client.generic(method, url, data="{}", content_type="application/json")
        if rule in {"public", "token"}:
            assert response.status_code not in (401, 403), f"{method} {path} refused the public"
        else:
            assert response.status_code in (401, 403, 404), (
                f"{method} {path} answered {response.status_code} to an anonymous caller"
            )
            assert response.status_code != 404 or "{" in path


# --- the object matrix ---------------------------------------------------------------------
#
# Every operation and page with an object in its path is a row of OBJECTS: the objects it is
# tried on (a factory in matrix_objects.py, built through the apps' own actions, giving each
# variant: inside East Town, outside it, sensitive …) and, per variant, the personas who may
# use it. Every other persona must be refused. Who is where: concord/testing.py.
#
# What "allowed" and "refused" mean:
# - GET: allowed is 200; refused is 403 or 404. Rows with `shows` answer everyone (they are
#   lists scoped to the reader) and `shows(response)` tells whether the object is in the answer.
# - POST to the API: the body is valid, so the cell reaches the permission check. Refused is 403
#   or 404 (or the row's `refused`) with nothing written to the audit chain. Allowed is any
#   other answer below 500: many allowed cells then fail on the object's state (409) — that
#   is not what this matrix checks; the app's own tests check the transitions.
# - POST to a page: allowed cells must succeed (below 400, and the step is on the audit chain);
#   refused cells write nothing (pages show a refused step as a form error, 400, or redirect).
# - The visitor who is not signed in may also be refused with 401 or a redirect to sign in.
# Each request runs in a savepoint that is rolled back, so every cell sees the same objects.

# The fixture world's personas (concord/testing.py), and a visitor who is not signed in.
STAFF_AND_RESIDENT = [
    "alice",
    "bob",
    "grace",
    "dora",
    "sam",
    "zoe",
    "carol",
    "ana",
    "adam",
    "cora",
    "resident",
]
VISITOR = "anonymous"
PERSONAS = [*STAFF_AND_RESIDENT, VISITOR]
EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()


def who(*names: str) -> frozenset[str]:
    return frozenset(names)


class Row(NamedTuple):
    method: str  # GET or POST
    path: str  # an OpenAPI path, or a Django route for a page
    objects: Callable  # matrix_objects factory: world -> {variant: params}
    may: dict[str, frozenset[str]]  # variant -> the personas allowed
    body: dict | Callable | None = None  # JSON (API) or form data (page); callable(params)
    shows: Callable | None = None  # reads answering everyone: (response, params) -> shown?
    refused: frozenset[int] = frozenset({403, 404})
    audited: bool = True  # a page POST whose step is not an audited change (marking read)


# Cases (mo.cases): an ordinary case in G111 owned by the V11 grid station (grace), a sensitive
# dispute there owned by the V11 mediation committee (bob), an ordinary case in V21 (carol's).
SEE_CASE = {
    "ordinary_inside": who("alice", "bob", "grace", "dora", "sam", "zoe"),
    "sensitive_inside": who("bob", "sam", "zoe"),  # the owning committee and supervisors
    "ordinary_outside": who("dora", "zoe", "carol"),
}
# The owning unit's staff and the supervisors over the place.
HANDLE_CASE = {
    "ordinary_inside": who("grace", "sam", "zoe"),
    "sensitive_inside": who("bob", "sam", "zoe"),
    "ordinary_outside": who("carol", "zoe"),
}
# Parties' contact details: only the owning unit's staff who need them (not supervisors).
SEE_CONTACTS = {
    "ordinary_inside": who("grace"),
    "sensitive_inside": who("bob"),
    "ordinary_outside": who("carol"),
}
# A sensitive case found as the duplicate of an ordinary one is named only to those who may see
# it (the others who see the ordinary case get its triage without it).
SEE_DUPLICATE = {"sensitive_duplicate": SEE_CASE["sensitive_inside"]}
# Transfers and merges: the owning unit's caseworkers and the supervisors.
ROUTE_CASE = {
    "ordinary_inside": who("sam", "zoe"),
    "sensitive_inside": who("sam", "zoe"),
    "ordinary_outside": who("carol", "zoe"),
}
# Clock extensions: supervisors over the place.
SUPERVISE_CASE = {
    "ordinary_inside": who("sam", "zoe"),
    "sensitive_inside": who("sam", "zoe"),
    "ordinary_outside": who("zoe"),
}
# Attachments: handlers, and staff who file cases in the place (if they see the case).
ATTACH_CASE = {
    "ordinary_inside": who("alice", "bob", "grace", "sam", "zoe"),
    "sensitive_inside": who("bob", "sam", "zoe"),
    "ordinary_outside": who("carol", "zoe"),
}
# Mediation (mo.mediated_cases, all owned by mediation committees; V21's has no persona):
# the owning committee's mediators and the supervisors.
MEDIATE = {
    "ordinary_inside": who("bob", "sam", "zoe"),
    "sensitive_inside": who("bob", "sam", "zoe"),
    "ordinary_outside": who("zoe"),
}
# Bounced transfers (mo.bounced_cases, refused by the county labour bureau): a supervisor at
# the common parent of the two units (the county) rules.
RULE_ON_BOUNCE = dict.fromkeys(SEE_CASE, who("zoe"))
# Transfers (mo.transfers) are answered by the receiving unit: the T1 centre (alice, sam), the T1
# mediation committee (alice) and the county labour bureau (dora).
RECEIVE_TRANSFER = {
    "ordinary_inside": who("alice", "sam"),
    "sensitive_inside": who("alice"),
    "ordinary_outside": who("dora"),
}
# Objects placed in G111 or V21 (hazards, sites, inspections): staff who work on cases there.
STAFF_OF_PLACE = {
    "inside": who("alice", "bob", "grace", "dora", "sam", "zoe"),
    "outside": who("carol", "dora", "zoe"),
}
HANDLE_HAZARD = {"inside": who("grace", "sam", "zoe"), "outside": who("carol", "zoe")}
# Vulnerable households under a warning: staff who file cases there (grid staff) see them;
# the reached count also goes to supervisors.
FILE_IN_PLACE = {"inside": who("alice", "bob", "grace", "zoe"), "outside": who("carol", "zoe")}
COUNT_IN_PLACE = {
    "inside": who("alice", "bob", "grace", "sam", "zoe"),
    "outside": who("carol", "zoe"),
}
# Emergency incidents: supervisors over every affected place.
SUPERVISE_PLACE = {"inside": who("sam", "zoe"), "outside": who("zoe")}
# Policies are answered by the issuing unit (T1 or T2 centre) or its supervisors.
SPEAK_FOR_UNIT = {"inside": who("alice", "sam", "zoe"), "outside": who("carol", "zoe")}
# Early-warning alerts: analysts and supervisors over the alert's place.
HANDLE_ALERT = {"inside": who("sam", "zoe", "ana"), "outside": who("zoe", "ana")}
# Populations (the denominators of early warning): who handles alerts there, and administrators.
POPULATIONS = {"inside": who("sam", "zoe", "ana", "adam"), "outside": who("zoe", "ana", "adam")}
# Sealed counselling records: counsellors of the responsible team only (cora's county team;
# the West Town team has no persona). Supervisors, analysts and administrators: nothing.
COUNSEL = {"own_team": who("cora"), "other_team": NOBODY}
# The counselling network (rosters, activities, no contents): its counsellors and the
# supervisors over the team's place; only counsellors change it.
SEE_TEAM = {"own_team": who("cora", "zoe"), "west_team": who("zoe")}
CHANGE_TEAM = {"own_team": who("cora"), "west_team": NOBODY}
# Counsellor grants of a team: its lead alone (cora leads her team); no administrator.
LEAD_TEAM = {"own_team": who("cora"), "west_team": NOBODY}
# Exports of sealed referrals: a second counsellor decides, and only the one who asked downloads.
DECIDE_EXPORT = {
    "asked_by_cora_approved": NOBODY,
    "asked_by_colleague": who("cora"),
    "other_team": NOBODY,
}
DOWNLOAD_EXPORT = {
    "asked_by_cora_approved": who("cora"),
    "asked_by_colleague": NOBODY,
    "other_team": NOBODY,
}
# Assessments (mo.assessments): decisions of the T1 centre for V11 and of the T2 centre for V21.
SEE_ASSESSMENT = {
    "inside": who("alice", "bob", "dora", "sam", "zoe", "ana"),
    "outside": who("carol", "dora", "zoe", "ana"),
}
# The evidence of a reported assessment (mo.reported_assessments) names a case only to those
# who may see that case (an ordinary one in V11 / V21), wherever it is shown: the assessment, the
# live evidence and the PDF report. The analyst gets the counts only (suppressed when small).
SEE_EVIDENCE_CASES = {
    "inside": who("alice", "bob", "dora", "sam", "zoe"),
    "outside": who("carol", "dora", "zoe"),
}
MANAGE_ASSESSMENT = {"inside": who("alice", "sam", "zoe"), "outside": who("carol", "zoe")}
REVIEW_ASSESSMENT = SUPERVISE_PLACE  # sign-off: supervisors over the owner unit
# A mitigation task for the county labour bureau: the assessment's managers and that bureau.
COMPLETE_TASK = {
    "inside": who("alice", "dora", "sam", "zoe"),
    "outside": who("carol", "dora", "zoe"),
}
# Participation in V11 / V21: staff who handle cases there.
HANDLE_IN_VILLAGE = {
    "inside": who("alice", "bob", "dora", "sam", "zoe"),
    "outside": who("carol", "dora", "zoe"),
}
# Any signed-in account may join or apply to a team (the resident is in both teams already).
SIGNED_IN = {"inside": frozenset(STAFF_AND_RESIDENT), "outside": frozenset(STAFF_AND_RESIDENT)}
# A volunteer team's applications: its leader (the resident leads the V11 team) and staff who
# handle cases in the team's place.
LEAD_VOLUNTEERS = {
    "inside": HANDLE_IN_VILLAGE["inside"] | who("resident"),
    "outside": HANDLE_IN_VILLAGE["outside"],
}
SEE_SUGGESTION = {
    "published_inside": EVERYONE,
    "held_inside": who("resident", "alice", "bob", "dora", "sam", "zoe"),  # author, moderators
    "held_outside": who("resident", "carol", "dora", "zoe"),
}
MODERATE_SUGGESTION = {
    "published_inside": who("alice", "bob", "dora", "sam", "zoe"),
    "held_inside": who("alice", "bob", "dora", "sam", "zoe"),
    "held_outside": who("carol", "dora", "zoe"),
}
# The responsible governance centre answers (T1: alice, sam; T2: carol).
RESPOND_SUGGESTION = {
    "published_inside": who("alice", "sam"),
    "held_inside": who("alice", "sam"),
    "held_outside": who("carol"),
}
# Support counts verified residents of the county only (the resident is verified in G111).
SUPPORT_SUGGESTION = {
    "published_inside": who("resident"),
    "held_inside": NOBODY,  # not even the author's own held suggestion
    "held_outside": NOBODY,
}
ALL_POLLS = {"open_inside": EVERYONE, "open_outside": EVERYONE, "closed_inside": EVERYONE}
# Only the resident verified in V11 votes, and only while the poll is open.
VOTE = {"open_inside": who("resident"), "open_outside": NOBODY, "closed_inside": NOBODY}
RESULTS = {"open_inside": NOBODY, "open_outside": NOBODY, "closed_inside": EVERYONE}
# Paper ballots: staff who file cases in the poll's village; a second person confirms.
ENTER_PAPER_VOTE = {
    "open_inside": who("alice", "bob", "zoe"),
    "open_outside": who("carol", "zoe"),
    "closed_inside": who("alice", "bob", "zoe"),
}
CONFIRM_PAPER_VOTE = {
    "open_inside": who("bob", "zoe"),  # alice entered it
    "open_outside": who("zoe"),  # carol entered it
    "closed_inside": who("bob", "zoe"),
}
# Linking a social organisation: the owning unit's staff (no supervisor override here).
LINK_ORGANISATION = {
    "ordinary_inside": who("grace"),
    "sensitive_inside": who("bob"),
    "ordinary_outside": who("carol"),
}
OWN = {"the_residents": who("resident"), "someone_elses": NOBODY}
# Notifications: the recipient's own inbox. Failed deliveries (the list shows each message's
# subject): supervisors and administrators over the place the notice is about (its case's
# place; without one, where its recipient works: alice in T1, carol in T2). A sealed counselling
# notice only to its counselling team: supervisors must not learn that a referral exists, and
# administrators see only that a sealed notice failed, not which (they cannot retry it).
READ_NOTIFICATION = {"to_alice": who("alice"), "to_carol": who("carol")}
WATCH_DELIVERIES = {
    "to_alice": who("sam", "zoe", "adam"),
    "to_carol": who("zoe", "adam"),
    "sealed_own_team": who("cora"),
    "sealed_other_team": NOBODY,
}
# Resident tracking and other secret-token reads: the token decides, not who is signed in.
BY_TOKEN = {"right_token": EVERYONE, "wrong_token": NOBODY}
PUBLIC = {"inside": EVERYONE, "outside": EVERYONE}
OPEN_DATA = {"published_table": EVERYONE, "unknown_table": NOBODY}


def _shows(marker: str) -> Callable:
    return lambda response, params: marker.encode() in response.content


def _count_shows(response, params) -> bool:
    return response.json()["total"] > 0


def _list_shows(response, params) -> bool:
    return bool(response.json())


def _names_the_case(response, params) -> bool:
    return params["receipt"].encode() in response.content


def _names_the_duplicate(response, params) -> bool:
    return params["other"] in str(response.json()["duplicates"])


def _verification(params) -> dict:
    """An on-site check of a resolved hazard: a photo, a note and a point inside its place."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    return {
        "passed": "yes",
        "note": "已整改",
        "photo": photo,
        "lat": params["lat"],
        "lng": params["lng"],
    }


SOON = (timezone.localdate() + timedelta(days=5)).isoformat()
NOW = "2026-01-01T09:00:00+08:00"

# A row per operation or page and kind of object, one line each so that it reads as a table.
# fmt: off
OBJECTS: list[Row] = [
    # cases
    Row("GET", "/api/v1/cases/{case_id}", mo.cases, SEE_CASE),
    Row("GET", "/api/v1/cases/{case_id}", mo.cases_with_contacts, SEE_CONTACTS, shows=_shows(mo.PHONE)),
    Row("GET", "/api/v1/cases/{case_id}/events", mo.cases, SEE_CASE),
    Row("POST", "/api/v1/cases/{case_id}/accept", mo.cases, HANDLE_CASE, {"note": ""}),
    Row("POST", "/api/v1/cases/{case_id}/decline", mo.cases, HANDLE_CASE, {"reason": "r", "route": "法院"}),
    Row("POST", "/api/v1/cases/{case_id}/assign", mo.cases, HANDLE_CASE, lambda p: {"assignee_id": p["grace"]}),
    Row("POST", "/api/v1/cases/{case_id}/start", mo.cases, HANDLE_CASE),
    Row("POST", "/api/v1/cases/{case_id}/pause", mo.cases, HANDLE_CASE, {"reason": "等待补充材料"}),
    Row("POST", "/api/v1/cases/{case_id}/resume", mo.cases, HANDLE_CASE),
    Row("POST", "/api/v1/cases/{case_id}/resolve", mo.cases, HANDLE_CASE, {"outcome": "fixed", "text": "已修复"}),
    Row("POST", "/api/v1/cases/{case_id}/close", mo.cases, HANDLE_CASE, {"note": ""}),
    Row("POST", "/api/v1/cases/{case_id}/reopen", mo.cases, HANDLE_CASE, {"reason": "r"}),
    Row("POST", "/api/v1/cases/{case_id}/withdraw", mo.cases, HANDLE_CASE, {"reason": "r"}),
    Row("POST", "/api/v1/cases/{case_id}/escalate", mo.cases, HANDLE_CASE, {"reason_code": "complex", "note": "n"}),
    Row("POST", "/api/v1/cases/{case_id}/merge", mo.case_pairs, ROUTE_CASE, lambda p: {"into_id": p["into_id"]}),
    Row("POST", "/api/v1/cases/{case_id}/notes", mo.cases, SEE_CASE, {"text": "已电话联系"}),
    Row("POST", "/api/v1/cases/{case_id}/transfers", mo.cases, ROUTE_CASE, {"to_unit": "LB-C", "reason": "r"}),
    Row("POST", "/api/v1/cases/transfers/{transfer_id}/accept", mo.transfers, RECEIVE_TRANSFER),
    Row("POST", "/api/v1/cases/transfers/{transfer_id}/refuse", mo.transfers, RECEIVE_TRANSFER, {"reason": "r"}),
    Row("POST", "/api/v1/cases/{case_id}/attachments", mo.cases, ATTACH_CASE, "file"),
    Row("GET", "/api/v1/cases/track/{code}", mo.tracked_cases, BY_TOKEN),
    Row("POST", "/api/v1/cases/track/{code}/information", mo.tracked_cases, BY_TOKEN, lambda p: {"token": p["token"], "text": "补充"}),
    Row("POST", "/api/v1/cases/track/{code}/feedback", mo.tracked_cases, BY_TOKEN, lambda p: {"token": p["token"], "resolved": "yes", "satisfaction": 5}),
    Row("POST", "/api/v1/cases/track/{code}/review", mo.tracked_cases, BY_TOKEN, lambda p: {"token": p["token"], "reason": "r"}),
    Row("POST", "/api/v1/cases/track/{code}/withdraw", mo.tracked_cases, BY_TOKEN, lambda p: {"token": p["token"], "reason": "r"}),
    Row("POST", "/api/v1/cases/track/{code}/attachments", mo.tracked_cases, BY_TOKEN, "file"),
    Row("POST", "/api/v1/cases/track/{code}/petition-review", mo.tracked_cases, BY_TOKEN, lambda p: {"token": p["token"], "reason": "r"}),
    # places and public data
    Row("GET", "/api/v1/places/{code}", mo.places, PUBLIC),
    Row("GET", "/api/v1/participation/open-data/{table}.csv", mo.open_data, OPEN_DATA),
    Row("GET", "/api/v1/participation/open-data/{table}.json", mo.open_data, OPEN_DATA),
    Row("GET", "/api/v1/participation/open-data/{table}.xlsx", mo.open_data, OPEN_DATA),
    # channels, clocks, mediation, petitions
    Row("POST", "/api/v1/cases/{case_id}/channel", mo.cases, HANDLE_CASE, {"channel": "peoples_mediation"}),
    Row("POST", "/api/v1/clocks/{clock_id}/extend", mo.clocks, SUPERVISE_CASE, {"days": 5, "reason": "r"}),
    Row("POST", "/api/v1/cases/{case_id}/clocks", mo.cases, HANDLE_CASE, {"kind": "handle"}),
    Row("POST", "/api/v1/cases/{case_id}/mediation/sessions", mo.mediated_cases, MEDIATE, {"held_at": NOW, "location": "村委会", "participants": "甲、乙"}),
    Row("POST", "/api/v1/cases/{case_id}/mediation/end", mo.mediated_cases, MEDIATE, {"reason": "r", "knowledge_date": "2026-01-01"}),
    Row("POST", "/api/v1/cases/{case_id}/mediation/agreement", mo.mediated_cases, MEDIATE, {"parties": "甲、乙", "facts": "f", "issues": "i", "responsibilities": "r", "terms": "t", "performance_manner": "m", "performance_due": SOON, "signed_by": ["甲", "乙"], "mediator_signed": True, "committee_sealed": True}),
    Row("GET", "/api/v1/cases/{case_id}/mediation/agreement.pdf", mo.mediated_cases, SEE_CASE),
    Row("POST", "/api/v1/cases/{case_id}/mediation/confirmation", mo.mediated_cases, MEDIATE, {"step": "applied"}),
    Row("POST", "/api/v1/cases/{case_id}/mediation/performance", mo.mediated_cases, MEDIATE, {"performance": "performed"}),
    Row("POST", "/api/v1/cases/{case_id}/petition", mo.cases, HANDLE_CASE, {"matter_key": "k"}),
    Row("POST", "/api/v1/cases/{case_id}/petition/accept", mo.petitions, HANDLE_CASE, {"petition_type": "appeal"}),
    Row("POST", "/api/v1/cases/{case_id}/petition/redirect", mo.petitions, HANDLE_CASE, {"route_channel": "litigation", "knowledge_date": "2026-01-01"}),
    Row("POST", "/api/v1/cases/{case_id}/petition/reply", mo.petitions, HANDLE_CASE, {"opinion": "explain", "text": "t", "legal_basis": "b"}),
    Row("POST", "/api/v1/cases/{case_id}/petition/review-decision", mo.petitions, HANDLE_CASE, {"text": "t"}),
    Row("POST", "/api/v1/cases/{case_id}/petition/service", mo.petitions, HANDLE_CASE, {"how": "on_the_spot"}),
    Row("POST", "/api/v1/cases/{case_id}/transfer-decision", mo.bounced_cases, RULE_ON_BOUNCE, {"to_unit": "GC-T1", "reason": "r"}),
    # triage
    Row("GET", "/api/v1/triage/cases/{case_id}", mo.cases, SEE_CASE),
    Row("GET", "/api/v1/triage/cases/{case_id}", mo.duplicated_case, SEE_DUPLICATE, shows=_names_the_duplicate),
    Row("POST", "/api/v1/triage/cases/{case_id}/category", mo.cases, HANDLE_CASE, {"category": "CM01.02"}),
    Row("GET", "/api/v1/triage/cases/{case_id}/route", mo.cases, SEE_CASE),
    # early warning
    Row("GET", "/api/v1/warning/alerts/{alert_id}", mo.alerts, HANDLE_ALERT),
    Row("GET", "/api/v1/warning/populations/{code}", mo.places, POPULATIONS),
    Row("POST", "/api/v1/warning/alerts/{alert_id}/{step}", mo.alerts, HANDLE_ALERT, {"reason": ""}),
    Row("POST", "/api/v1/warning/alerts/{alert_id}/assign", mo.alerts, HANDLE_ALERT, {"unit": "GC-T1"}),
    Row("POST", "/api/v1/warning/alerts/{alert_id}/incident", mo.alerts, HANDLE_ALERT, {"incident_id": 0}),
    Row("POST", "/api/v1/warning/rules/{rule_id}", mo.alert_rules, HANDLE_ALERT, {"name": "C1", "place": "T1", "method": "ears-c1"}),
    # wellbeing
    Row("POST", "/api/v1/wellbeing/cases/{case_id}/crisis", mo.cases, SEE_CASE, {"risk": "high", "reason": "r"}),
    Row("GET", "/api/v1/wellbeing/referrals/{referral_id}", mo.referrals, COUNSEL),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/take", mo.referrals, COUNSEL),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/assessment", mo.referrals, COUNSEL, {"ideation": 1, "hopelessness": 1, "has_plan": False, "has_means": False, "act_in_progress": False}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/safety-plan", mo.referrals, COUNSEL, {"warning_signs": "w"}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/contacts", mo.referrals, COUNSEL, {"mode": "phone", "reached": True}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/follow-ups", mo.referrals, COUNSEL, {"due_at": "2030-01-01T09:00:00+08:00"}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/follow-ups/{follow_up_id}/done", mo.referrals, COUNSEL, {"note": "n"}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/handover", mo.referrals, COUNSEL, {"summary": "s", "to_other": "医院"}),
    Row("POST", "/api/v1/wellbeing/referrals/{referral_id}/close", mo.referrals, COUNSEL, {"outcome": "stabilised"}),
    Row("POST", "/api/v1/wellbeing/exports/{export_id}/decide", mo.exports, DECIDE_EXPORT, {"approve": True}),
    Row("GET", "/api/v1/wellbeing/exports/{export_id}/download", mo.exports, DOWNLOAD_EXPORT),
    Row("GET", "/api/v1/wellbeing/teams/{code}", mo.counselling_teams, SEE_TEAM),
    Row("POST", "/api/v1/wellbeing/teams/{code}/duty", mo.counselling_teams, CHANGE_TEAM, {"counsellor": "cora", "starts_at": NOW, "ends_at": "2026-01-01T17:00:00+08:00"}),
    Row("POST", "/api/v1/wellbeing/teams/{code}/activities", mo.counselling_teams, CHANGE_TEAM, {"kind": "group_session", "title": "t", "place": "C", "starts_at": NOW}),
    Row("POST", "/api/v1/wellbeing/teams/{code}/activities/{activity_id}/participation", mo.counselling_teams, CHANGE_TEAM, {"participants": 12}),
    # participation
    Row("GET", "/api/v1/participation/suggestions/{pk}", mo.suggestions, SEE_SUGGESTION),
    Row("POST", "/api/v1/participation/suggestions/{pk}/support", mo.suggestions, SUPPORT_SUGGESTION),
    Row("POST", "/api/v1/participation/suggestions/{pk}/respond", mo.suggestions, RESPOND_SUGGESTION, {"text": "已安排"}),
    Row("POST", "/api/v1/participation/suggestions/{pk}/moderate", mo.suggestions, MODERATE_SUGGESTION, {"publish": False, "reason": "r"}),
    Row("GET", "/api/v1/participation/polls/{pk}", mo.polls, ALL_POLLS),
    Row("POST", "/api/v1/participation/polls/{pk}/vote", mo.polls, VOTE, lambda p: {"options": p["options"]}, refused=frozenset({403, 404, 409})),  # 409: closed
    Row("POST", "/api/v1/participation/polls/{pk}/paper-votes", mo.polls, ENTER_PAPER_VOTE, lambda p: {"phone": "13900009999", "options": p["options"]}),
    Row("POST", "/api/v1/participation/polls/{pk}/paper-votes/{vote_id}/confirm", mo.polls, CONFIRM_PAPER_VOTE),
    Row("GET", "/api/v1/participation/polls/{pk}/results", mo.polls, RESULTS, refused=frozenset({409})),  # 409 to all while open
    Row("GET", "/api/v1/participation/volunteers/{pk}/hours", mo.volunteers, OWN),
    Row("POST", "/api/v1/participation/teams/{pk}/apply", mo.volunteer_teams, SIGNED_IN, {"skills": ["探访"]}),
    Row("POST", "/api/v1/participation/volunteers/{application}/decision", mo.led_teams, LEAD_VOLUNTEERS, {"accept": True}),
    Row("GET", "/api/v1/participation/teams/{pk}/volunteers", mo.volunteer_teams, HANDLE_IN_VILLAGE),
    Row("POST", "/api/v1/participation/teams/{pk}/assignments", mo.volunteer_teams, HANDLE_IN_VILLAGE, lambda p: {"volunteer": p["volunteer"], "event_name": "义诊"}),
    Row("POST", "/api/v1/participation/assignments/{pk}/hours", mo.assignments, HANDLE_IN_VILLAGE, {"day": "2026-01-01", "hours": 2}),
    Row("POST", "/api/v1/participation/organisations/{pk}/cases", mo.organisation_cases, LINK_ORGANISATION, lambda p: {"case": p["case"], "service": "调解"}),
    Row("POST", "/api/v1/participation/conventions/{pk}/versions", mo.conventions, HANDLE_IN_VILLAGE, {"text": "t", "adopted_on": "2026-01-01", "consultation": "c"}),
    # assessments
    Row("GET", "/api/v1/assessments/decisions/{decision_id}", mo.assessments, SEE_ASSESSMENT),
    Row("POST", "/api/v1/assessments/decisions/{decision_id}/screen", mo.assessments, MANAGE_ASSESSMENT, {}),
    Row("POST", "/api/v1/assessments/decisions/{decision_id}/assessments", mo.assessments, MANAGE_ASSESSMENT, lambda p: {"leader": p["sam"], "starts_on": "2026-01-01", "ends_on": "2026-03-01"}),
    Row("GET", "/api/v1/assessments/{assessment_id}", mo.assessments, SEE_ASSESSMENT),
    Row("GET", "/api/v1/assessments/{assessment_id}/evidence", mo.assessments, SEE_ASSESSMENT),
    Row("GET", "/api/v1/assessments/{assessment_id}", mo.reported_assessments, SEE_EVIDENCE_CASES, shows=_names_the_case),
    Row("GET", "/api/v1/assessments/{assessment_id}/evidence", mo.reported_assessments, SEE_EVIDENCE_CASES, shows=_names_the_case),
    Row("POST", "/api/v1/assessments/{assessment_id}/consultation", mo.assessments, MANAGE_ASSESSMENT, {"opens_on": "2026-01-01"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/consultation/close", mo.assessments, MANAGE_ASSESSMENT),
    Row("POST", "/api/v1/assessments/{assessment_id}/consultation/summarise", mo.assessments, MANAGE_ASSESSMENT),
    Row("GET", "/api/v1/assessments/{assessment_id}/comments", mo.assessments, SEE_ASSESSMENT),
    Row("POST", "/api/v1/assessments/{assessment_id}/comments", mo.assessments, MANAGE_ASSESSMENT, {"body": "走访意见", "channel": "visit"}),
    Row("POST", "/api/v1/assessments/comments/{code}/moderate", mo.assessments, MANAGE_ASSESSMENT, {"hide": True, "reason": "广告"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/engagements", mo.assessments, MANAGE_ASSESSMENT, {"kind": "visit", "held_on": "2026-01-01", "summary": "s"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/risk-points", mo.assessments, MANAGE_ASSESSMENT, {"dimension": "controllability", "title": "t", "likelihood": 2, "impact": 2}),
    Row("POST", "/api/v1/assessments/risk-points/{point_id}", mo.assessments, MANAGE_ASSESSMENT, {"impact": 3}),
    Row("POST", "/api/v1/assessments/{assessment_id}/override", mo.assessments, REVIEW_ASSESSMENT, {"level": "low", "reason": "r"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/report", mo.assessments, MANAGE_ASSESSMENT, {"contingency_plan": "p"}),
    Row("GET", "/api/v1/assessments/{assessment_id}/report.pdf", mo.assessments, SEE_ASSESSMENT),
    Row("GET", "/api/v1/assessments/{assessment_id}/report.pdf", mo.reported_assessments, SEE_EVIDENCE_CASES, shows=_names_the_case),
    Row("POST", "/api/v1/assessments/{assessment_id}/decide", mo.assessments, REVIEW_ASSESSMENT, {"outcome": "postpone", "decided_on": "2026-01-01", "body": "b", "minutes": "m"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/tasks", mo.assessments, MANAGE_ASSESSMENT, {"title": "t", "owner_unit": "LB-C", "due_on": SOON}),
    Row("POST", "/api/v1/assessments/tasks/{task_id}/complete", mo.assessments, COMPLETE_TASK, {"note": "已公示"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/responses", mo.assessments, MANAGE_ASSESSMENT, {"theme": "other", "response": "r"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/monitoring", mo.assessments, MANAGE_ASSESSMENT, {"text": "t"}),
    Row("POST", "/api/v1/assessments/{assessment_id}/reassess", mo.assessments, MANAGE_ASSESSMENT, {"reason": "r"}),
    Row("GET", "/api/v1/assessments/consultations/{assessment_id}", mo.assessments, PUBLIC),
    Row("POST", "/api/v1/assessments/consultations/{assessment_id}/comments", mo.assessments, PUBLIC, {"body": "支持"}),
    Row("GET", "/api/v1/assessments/comments/{code}", mo.comments_by_token, BY_TOKEN),
    # safety
    Row("POST", "/api/v1/safety/hazards/{case_id}/orders", mo.hazards, HANDLE_HAZARD, {"responsible_party": "p", "supervising_unit": "LB-C", "requirements": "r", "due_on": SOON}),
    Row("POST", "/api/v1/safety/orders/{order_id}/done", mo.hazards, HANDLE_HAZARD, {"note": "已整改"}),
    Row("POST", "/api/v1/safety/cases/{case_id}/verify", mo.hazards, STAFF_OF_PLACE, {"passed": True, "note": "n"}),
    Row("POST", "/api/v1/safety/inspections/{inspection_id}/record", mo.inspections, STAFF_OF_PLACE, {"results": {"消防通道畅通": "ok"}}),
    Row("GET", "/api/v1/safety/warnings/{warning_id}/count", mo.warnings, COUNT_IN_PLACE, shows=_count_shows),
    Row("GET", "/api/v1/safety/warnings/{warning_id}/checklist", mo.warnings, FILE_IN_PLACE, shows=_list_shows),
    Row("POST", "/api/v1/safety/checks/{check_id}", mo.warnings, FILE_IN_PLACE, {"status": "reached"}),
    Row("POST", "/api/v1/safety/warnings/{warning_id}/lift", mo.warnings, SUPERVISE_PLACE, {"reason": "雨停了"}),
    Row("GET", "/api/v1/safety/policies/{notice_id}", mo.policy_questions, PUBLIC),
    Row("POST", "/api/v1/safety/policies/{notice_id}/questions", mo.policy_questions, PUBLIC, {"text": "怎么申请？"}),
    Row("POST", "/api/v1/safety/questions/{question_id}/answer", mo.policy_questions, SPEAK_FOR_UNIT, {"answer": "到村委会"}),
    Row("POST", "/api/v1/safety/sites/{site_id}/plans", mo.inspections, STAFF_OF_PLACE, {"supervising_unit": "LB-C", "interval_days": 30, "starts_on": "2026-01-01", "checklist": ["x"]}),
    Row("GET", "/api/v1/safety/incidents/{incident_id}", mo.incidents, SUPERVISE_PLACE),
    Row("POST", "/api/v1/safety/incidents/{incident_id}/actions", mo.incidents, SUPERVISE_PLACE, {"text": "转移群众"}),
    Row("POST", "/api/v1/safety/incidents/{incident_id}/figures", mo.incidents, SUPERVISE_PLACE, {"injured": 1}),
    Row("POST", "/api/v1/safety/incidents/{incident_id}/cases", mo.incidents, SUPERVISE_PLACE, lambda p: {"case_id": p["case_id"]}),
    Row("POST", "/api/v1/safety/incidents/{incident_id}/close", mo.incidents, SUPERVISE_PLACE, {"note": "n"}),
    Row("POST", "/api/v1/safety/incidents/{incident_id}/review", mo.incidents, SUPERVISE_PLACE, {"review": "r", "lessons": "l"}),
    # notifications
    Row("POST", "/api/v1/notifications/inbox/{notification_id}/read", mo.notifications, READ_NOTIFICATION),
    Row("POST", "/api/v1/notifications/failed/{delivery_id}/retry", mo.failed_deliveries, WATCH_DELIVERIES),
    Row("POST", "/api/v1/notifications/failed/{delivery_id}/acknowledge", mo.failed_deliveries, WATCH_DELIVERIES),
    Row("POST", "notifications/<int:notification_id>/read/", mo.notifications, READ_NOTIFICATION, audited=False),
    Row("POST", "notifications/failed/<int:delivery_id>/<slug:step>/", mo.failed_delivery_steps, WATCH_DELIVERIES),
    # staff pages
    Row("GET", "staff/cases/<int:case_id>/", mo.cases, SEE_CASE),
    Row("GET", "staff/cases/<int:case_id>/", mo.cases_with_contacts, SEE_CONTACTS, shows=_shows(mo.PHONE)),
    Row("POST", "staff/cases/<int:case_id>/<slug:action>/", mo.cases, HANDLE_CASE, {"accept-confirm": "on"}),
    Row("GET", "staff/cases/<int:case_id>/receipt/", mo.cases, SEE_CASE),
    Row("GET", "staff/cases/<int:case_id>/answer/", mo.answered_cases, SEE_CASE),
    Row("GET", "staff/cases/<int:case_id>/agreement.pdf", mo.mediated_cases, SEE_CASE),
    Row("GET", "wellbeing/cases/<int:case_id>/crisis/", mo.cases, SEE_CASE),
    Row("POST", "wellbeing/cases/<int:case_id>/crisis/", mo.cases, SEE_CASE, {"risk": "high", "reason": "r"}),
    Row("GET", "wellbeing/referrals/<int:referral_id>/", mo.referrals, COUNSEL),
    Row("POST", "wellbeing/referrals/<int:referral_id>/<slug:step>/", mo.referrals, COUNSEL, {"why": "matrix"}),
    # A missed or false crisis signal marked from the case page: whoever sees the case and counsels
    # for the referral's team (cora, a caseworker in East Town too, for her team's G111 case).
    Row("POST", "wellbeing/cases/<int:case_id>/mark-signal/", mo.referrals_on_case_pages, COUNSEL, lambda p: {"referral": p["referral_id"], "kind": "missed"}),
    Row("GET", "wellbeing/exports/<int:export_id>/download/", mo.exports, DOWNLOAD_EXPORT, refused=frozenset({302, 403, 404})),  # refused with a message
    Row("GET", "wellbeing/network/<str:code>/", mo.counselling_teams, SEE_TEAM),
    Row("POST", "wellbeing/network/<str:code>/", mo.counselling_teams, CHANGE_TEAM, lambda p: {"form": "participation", "activity": p["activity_id"], "participants": "12"}),
    # Example phrases for the crisis detector: the team's counsellors propose (the lead reviews).
    Row("GET", "wellbeing/network/<str:code>/phrases/", mo.counselling_teams, CHANGE_TEAM),
    Row("POST", "wellbeing/network/<str:code>/phrases/", mo.counselling_teams, CHANGE_TEAM, {"form": "propose", "text": "想找人一起走", "language": "zh", "level": "plan", "own_words": "on"}),
    # The team lead's page of counsellor grants (and the reads to review); the lead revokes.
    Row("GET", "wellbeing/network/<str:code>/grants/", mo.counsellor_grants, LEAD_TEAM),
    Row("POST", "wellbeing/network/<str:code>/grants/", mo.counsellor_grants, LEAD_TEAM, lambda p: {"revoke": p["grant_id"], "reason": "matrix"}),
    Row("GET", "assessments/staff/<int:assessment_id>", mo.assessments, SEE_ASSESSMENT),
    Row("GET", "assessments/staff/<int:assessment_id>/report-<str:lang>.pdf", mo.assessments, SEE_ASSESSMENT),
    Row("POST", "assessments/staff/<int:assessment_id>/answer", mo.assessments, MANAGE_ASSESSMENT, {"theme": "other", "response": "r"}),
    Row("POST", "assessments/staff/<int:assessment_id>/decide", mo.reported_assessments, REVIEW_ASSESSMENT, {"outcome": "postpone", "decided_on": "2026-01-01", "body": "b", "minutes": "m", "unanswered_reason": "r"}),
    Row("GET", "assessments/staff/<int:assessment_id>/report-<str:lang>.pdf", mo.reported_assessments, SEE_EVIDENCE_CASES, shows=_names_the_case),
    # the staff workbench: each form posts to the API's action, at a stage where it applies
    Row("GET", "assessments/staff/decisions/<int:decision_id>", mo.assessments, SEE_ASSESSMENT),
    Row("POST", "assessments/staff/decisions/<int:decision_id>/screen", mo.assessments, MANAGE_ASSESSMENT, {"requires": "yes"}),
    Row("POST", "assessments/staff/decisions/<int:decision_id>/plan", mo.screened_decisions, MANAGE_ASSESSMENT, lambda p: {"leader": p["leader"], "starts_on": "2026-01-01", "ends_on": "2026-03-01"}),
    Row("POST", "assessments/staff/<int:assessment_id>/consultation", mo.planned_assessments, MANAGE_ASSESSMENT, {"opens_on": "2026-01-01"}),
    Row("POST", "assessments/staff/<int:assessment_id>/consultation/close", mo.ended_consultations, MANAGE_ASSESSMENT),
    Row("POST", "assessments/staff/<int:assessment_id>/consultation/summarise", mo.assessments, MANAGE_ASSESSMENT),
    Row("POST", "assessments/staff/<int:assessment_id>/moderate", mo.assessments, MANAGE_ASSESSMENT, lambda p: {"code": p["code"], "hide": "1", "reason": "广告"}),
    Row("POST", "assessments/staff/<int:assessment_id>/engagements", mo.assessments, MANAGE_ASSESSMENT, {"kind": "visit", "held_on": "2026-01-01", "summary": "s"}),
    Row("POST", "assessments/staff/<int:assessment_id>/risk-points", mo.assessments, MANAGE_ASSESSMENT, {"dimension": "controllability", "title": "t", "likelihood": "2", "impact": "2"}),
    Row("POST", "assessments/staff/<int:assessment_id>/risk-points/change", mo.assessments, MANAGE_ASSESSMENT, lambda p: {"point": p["point_id"], "likelihood": "2", "impact": "3", "mitigation": "m"}),
    Row("POST", "assessments/staff/<int:assessment_id>/override", mo.assessments, REVIEW_ASSESSMENT, {"level": "low", "reason": "r"}),
    Row("POST", "assessments/staff/<int:assessment_id>/report", mo.analysing_assessments, MANAGE_ASSESSMENT, {"contingency_plan": "p"}),
    Row("POST", "assessments/staff/<int:assessment_id>/tasks", mo.assessments, MANAGE_ASSESSMENT, {"title": "t", "owner_unit": "LB-C", "due_on": SOON}),
    Row("POST", "assessments/staff/<int:assessment_id>/tasks/complete", mo.assessments, COMPLETE_TASK, lambda p: {"task": p["task_id"], "note": "已公示"}),
    Row("POST", "assessments/staff/<int:assessment_id>/monitoring", mo.decided_assessments, MANAGE_ASSESSMENT, {"text": "t"}),
    Row("POST", "assessments/staff/<int:assessment_id>/reassess", mo.analysing_assessments, MANAGE_ASSESSMENT, {"reason": "r"}),
    Row("GET", "staff/safety/warnings/<int:warning_id>/checklist/", mo.warnings, FILE_IN_PLACE, shows=_shows("张奶奶")),
    Row("GET", "staff/safety/warnings/<int:warning_id>/count.json", mo.warnings, COUNT_IN_PLACE, shows=_count_shows),
    Row("POST", "staff/safety/warnings/<int:warning_id>/lift/", mo.warnings, SUPERVISE_PLACE, {"reason": "雨停了"}),
    Row("POST", "staff/safety/checks/<int:check_id>/", mo.warnings, FILE_IN_PLACE, {"status": "reached"}),
    Row("GET", "staff/alerts/<int:alert_id>/", mo.alerts, HANDLE_ALERT),
    Row("POST", "staff/alerts/<int:alert_id>/<slug:step>/", mo.alerts, HANDLE_ALERT),
    Row("GET", "staff/alerts/rules/<int:rule_id>/", mo.alert_rules, HANDLE_ALERT),
    Row("POST", "staff/alerts/rules/<int:rule_id>/", mo.alert_rules, HANDLE_ALERT, {"op": "save", "name": "C1", "method": "ears-c1", "is_active": "on"}),
    Row("GET", "staff/safety/incidents/<int:incident_id>/", mo.incidents, SUPERVISE_PLACE),
    Row("POST", "staff/safety/incidents/<int:incident_id>/", mo.incidents, SUPERVISE_PLACE, {"op": "action", "text": "转移群众"}),
    Row("GET", "staff/safety/hazards/<int:case_id>/", mo.hazards, STAFF_OF_PLACE),
    Row("POST", "staff/safety/hazards/<int:case_id>/", mo.resolved_hazards, STAFF_OF_PLACE, _verification),
    # public pages
    Row("GET", "track/<str:code>/<str:token>/", mo.tracked_cases, BY_TOKEN),
    Row("POST", "track/<str:code>/<str:token>/", mo.tracked_cases, BY_TOKEN, {"action": "info", "text": "补充"}),
    Row("GET", "participation/polls/<int:pk>/", mo.polls, ALL_POLLS),
    Row("POST", "participation/polls/<int:pk>/", mo.polls, VOTE, lambda p: {"step": "vote", "option": p["options"]}),
    Row("GET", "participation/polls/<int:pk>/results/", mo.polls, RESULTS, shows=_shows('<table class="table">')),
    Row("GET", "participation/conventions/<int:pk>/", mo.conventions, PUBLIC),
    Row("GET", "participation/volunteers/teams/<int:pk>/", mo.led_teams, LEAD_VOLUNTEERS),
    Row("POST", "participation/volunteers/teams/<int:pk>/", mo.led_teams, LEAD_VOLUNTEERS, lambda p: {"volunteer": p["application"], "decision": "accept"}),
    Row("GET", "assessments/consultations/<int:assessment_id>", mo.assessments, PUBLIC),
    Row("POST", "assessments/consultations/<int:assessment_id>", mo.assessments, PUBLIC, {"body": "离学校太近", "stance": "oppose"}),
    Row("GET", "assessments/consultations/<int:assessment_id>/documents/<int:number>", mo.assessments, PUBLIC, shows=_shows("拟选地块距小学约650米。")),
    Row("GET", "assessments/comments/<str:code>", mo.comments_by_token, BY_TOKEN, shows=_shows("离学校太近")),
    Row("GET", "safety/warnings/<int:warning_id>/", mo.warnings, PUBLIC),
    Row("GET", "safety/policies/<int:notice_id>/", mo.policy_questions, PUBLIC),
    Row("POST", "safety/policies/<int:notice_id>/", mo.policy_questions, PUBLIC, {"text": "怎么申请？"}),
    # Open311 (GeoReport v2): only public requests of public services, whoever asks.
    Row("GET", r"open311/^v2/services/(?P<code>[^/]+)\.(?P<fmt>json|xml)$", mo.open311_services, {"public_service": EVERYONE, "internal_category": NOBODY}),
    Row("GET", r"open311/^v2/requests/(?P<request_id>[^/]+)\.(?P<fmt>json|xml)$", mo.open311_requests, {"public_request": EVERYONE, "sensitive_case": NOBODY}),
    Row("GET", r"open311/^v2/tokens/(?P<token>[^/]+)\.(?P<fmt>json|xml)$", mo.open311_tokens, {"issued_token": EVERYONE, "unknown_token": NOBODY}),
    Row("GET", r"open311/^(?P<path>[\s\S]*)$", mo.nothing, {"any_path": NOBODY}),
]
# fmt: on

# Path parameters that name a step, a language or a format rather than an object.
STEPS = {"action": "accept", "step": "take", "lang": "en", "fmt": "json"}


def is_page(path: str) -> bool:
    return not path.startswith("/api/")


def url_of(path: str, params: dict) -> str:
    if is_page(path):
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(params[m[1]]), path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(params[m[1]]), path)
        path = "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")
    else:
        path = re.sub(r"\{(\w+)\}", lambda m: str(params[m[1]]), path)
    return path + ("?" + params["query"] if "query" in params else "")


def object_operations() -> list[tuple[str, str]]:
    """Return the API operations with an object in their path."""
    return [(m, p) for m, p in api_operations() if "{" in p]


def object_pages() -> list[str]:
    """Return the pages with an object in their path (the Django admin has its own test)."""
    out = []
    for route in page_routes():
        params = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
        names = {a or b for a, b in params} - {"fmt"}
        if names and not route.startswith("admin/"):
            out.append(route)
    return out


# Object pages whose view answers POST like GET (it never reads the body or writes), though no
# decorator says so: each needs only a GET row. A page that acts on a POST must not be here.
GET_ONLY = {
    "wellbeing/referrals/<int:referral_id>/",  # steps post to wellbeing/referrals/<id>/<step>/
    "wellbeing/exports/<int:export_id>/download/",
    "participation/polls/<int:pk>/results/",
    "participation/conventions/<int:pk>/",
    "assessments/comments/<str:code>",  # reads the token from a POST, writes nothing
    "assessments/staff/<int:assessment_id>",
    "assessments/staff/<int:assessment_id>/report-<str:lang>.pdf",
    "assessments/staff/decisions/<int:decision_id>",
    "staff/safety/warnings/<int:warning_id>/checklist/",  # checks post to .../checks/<id>/
    "staff/safety/warnings/<int:warning_id>/count.json",
    "safety/warnings/<int:warning_id>/",  # the public page of a warning
    "open311/^(?P<path>[\\s\\S]*)$",  # the catch-all answers 404 to every method
}


def page_views() -> dict[str, Callable]:
    """Return each page route's view (the first pattern of a route wins, as in resolving)."""
    out: dict[str, Callable] = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            else:
                out.setdefault(route, p.callback)

    walk(get_resolver().url_patterns)
    return out


def refuses_post(view: Callable) -> bool:
    """Whether a decorator on the view lets only other methods through: Django's
    require_http_methods (require_GET, require_safe) or the Open311 wrapper's `methods`."""
    while view is not None:
        code = getattr(view, "__code__", None)
        for name, cell in zip(
            code.co_freevars if code else (), view.__closure__ or (), strict=True
        ):
            if name in {"request_method_list", "methods"} and "POST" not in cell.cell_contents:
                return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_object_operation_and_page_is_in_the_matrix():
    """By method: a page that takes a POST needs a POST row, not just a row for its path."""
    declared = {(r.method, r.path) for r in OBJECTS}
    missing = [f"{m} {p}" for m, p in object_operations() if (m, p) not in declared]
    views = page_views()
    for route in object_pages():
        methods = ["GET"] if route in GET_ONLY or refuses_post(views[route]) else ["GET", "POST"]
        if route not in {p for _m, p in declared}:
            missing.append(f"GET {route}")  # a read, or a POST-only page: any row will do
        elif "POST" in methods and ("POST", route) not in declared:
            missing.append(f"POST {route}")
    assert not missing, f"declare who may use these, per object, in OBJECTS: {missing}"


def test_get_only_names_only_live_pages_without_a_post_decorator():
    views = page_views()
    pages = set(object_pages())
    stale = [r for r in GET_ONLY if r not in pages or refuses_post(views[r])]
    assert not stale, f"GET_ONLY names a page that is gone or refuses POST itself: {stale}"


def test_every_matrix_row_names_a_real_operation_or_page():
    real = set(object_operations()) | {(m, p) for p in object_pages() for m in ("GET", "POST")}
    stale = [f"{r.method} {r.path}" for r in OBJECTS if (r.method, r.path) not in real]
    assert not stale, stale


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(buf, format="PNG")
    return buf.getvalue()


def _request(client, row: Row, url: str, params: dict, headers: dict):
    """Send one request in a savepoint that is rolled back; return it and whether it wrote to
    the audit chain."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from concord.core.models import Event

    with transaction.atomic():
        before = Event.objects.count()
        if row.method == "GET":
            response = client.get(url, headers=headers)
        elif row.body == "file":
            upload = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
            response = client.post(url, {"file": upload}, headers=headers)
        else:
            body = row.body(params) if callable(row.body) else (row.body or {})
            if is_page(row.path):
                response = client.post(url, body)
            else:
                response = client.post(url, body, content_type="application/json", headers=headers)
        wrote = Event.objects.count() > before
        transaction.set_rollback(True)
    return response, wrote


def verdict(row: Row, response, wrote: bool, params: dict) -> str:
    """Return "allowed", "refused" or what else happened, by the rules above."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    to_sign_in = status == 302 and "/login/" in response.get("Location", "")
    if (status == 401 or to_sign_in) and not wrote:
        return "refused"  # the visitor who is not signed in
    if row.method == "GET":
        if status == 200:
            return "allowed" if row.shows is None or row.shows(response, params) else "refused"
        return "refused" if status in row.refused else f"answered {status}"
    if is_page(row.path):
        if status < 400 and (wrote or not row.audited) and status not in row.refused:
            return "allowed"
        if not wrote and status in {302, 400} | row.refused:
            return "refused"
        return f"answered {status}" + (" and wrote" if wrote else "")
    if status in row.refused:
        return "refused" if not wrote else f"answered {status} and wrote"
    return "allowed"


def _row_id(row: Row) -> str:
    return f"{row.method} {row.path} ({row.objects.__name__})"


@pytest.fixture
def quick(monkeypatch, caplog):
    """Who may fetch a PDF or a theme summary is the question here, not how they are made:
    stand in for the renderers and the theme classifier, and keep refusals out of the log.
    The assessment report's stand-in is its HTML, so rows can check which cases it names."""
    from concord.assessments.documents import report_html

    caplog.set_level(logging.ERROR, logger="django.request")
    pdf = lambda *args, **kwargs: b"%PDF-1.7 stand-in"  # noqa: E731

    def report(assessment, *, reader, language="zh-hans") -> bytes:
        return (
            b"%PDF-1.7 stand-in\n"
            + report_html(assessment, reader=reader, language=language).encode()
        )

    monkeypatch.setattr("concord.assessments.api.report_pdf", report)
    monkeypatch.setattr("concord.assessments.views.report_pdf", report)
    monkeypatch.setattr("concord.channels.documents.agreement_pdf", pdf)
    monkeypatch.setattr(
        "concord.assessments.actions.consultation.classify_texts",
        lambda texts: [("", 0.0) for _t in texts],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("row", OBJECTS, ids=_row_id)
def test_each_persona_may_use_exactly_the_objects_the_matrix_declares(world, client, quick, row):
    from concord.accounts.models import ApiToken

    variants = row.objects(world)
    assert set(variants) == set(row.may), f"{_row_id(row)}: declare every variant"
    ids = {name: getattr(world, name).pk for name in STAFF_AND_RESIDENT}
    wrong = []
    for persona in PERSONAS:
        headers = {}
        if persona == VISITOR:
            client.logout()
        elif is_page(row.path):
            client.force_login(getattr(world, persona))
        else:
            token = ApiToken.issue(user=getattr(world, persona), name="matrix")[1]
            headers = {"Authorization": f"Bearer {token}"}
        for variant, own in variants.items():
            params = {**ids, **STEPS, **own}
            response, wrote = _request(client, row, url_of(row.path, params), params, headers)
            expected = "allowed" if persona in row.may[variant] else "refused"
            got = verdict(row, response, wrote, params)
            if got != expected:
                wrong.append(f"{persona} on {variant}: expected {expected}, {got}")
    assert not wrong, f"{_row_id(row)}:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_django_admin_object_pages_refuse_every_persona(world, client):
    """No persona is Django staff: every admin page with an object sends them to its sign-in,
    while a superuser gets in (so the check can see a way in when there is one)."""
    routes = [r for r in page_routes() if r.startswith("admin/") and ("<" in r or "(?P" in r)]
    assert len(routes) > 20
    urls = [url_of(r, defaultdict(lambda: "1")) for r in routes]
    for persona in STAFF_AND_RESIDENT:
        client.force_login(getattr(world, persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (persona, url, response.status_code)
            assert response["Location"].startswith("/admin/login/"), (persona, url)
    from concord.accounts.models import User

    client.force_login(User.objects.create_superuser(username="root", password="x"))
    assert client.get(f"/admin/places/place/{world.V11.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_sign_in(world, client):
    checked = 0
    for route in page_routes():
        path = route.lstrip("^").rstrip("$")
        if rule_for("PAGE", path) not in {"staff", "admin"} or path.endswith(("login/", "logout/")):
            continue
        url = "/" + re.sub(r"<[^>]+>", "1", path)
        response = client.get(url)
        # 405: a POST-only action page refuses the GET before anything else happens.
        assert response.status_code in (302, 401, 403, 404, 405), f"{url}: {response.status_code}"
        if response.status_code == 302:
            assert "login" in response["Location"], url
        checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_only_administrators_ask_for_and_decide_counsellor_grants(world, client):
    """The grants page: every persona but the administrator is refused, and a refusal writes
    nothing; the administrator's request is a ledger event; no one approves their own request."""
    from concord.accounts.models import User
    from concord.core.models import Event
    from concord.wellbeing.models import CounsellorGrant

    nina = User.objects.create_user(username="nina", password="x")
    body = {"username": "nina", "team": world.u_counselling.code, "reason": "matrix"}
    for persona in STAFF_AND_RESIDENT:
        client.force_login(getattr(world, persona))
        before = Event.objects.count()
        get = client.get("/wellbeing/grants/")
        post = client.post("/wellbeing/grants/", body)
        if persona == "adam":
            assert get.status_code == 200 and post.status_code == 302
            assert Event.objects.count() == before + 1
        else:
            assert (get.status_code, post.status_code) == (403, 403), persona
            assert Event.objects.count() == before, persona
    grant = CounsellorGrant.objects.get(user=nina)
    client.force_login(world.adam)
    client.post("/wellbeing/grants/", {"decide": grant.pk, "approve": "1"})
    assert CounsellorGrant.objects.get(pk=grant.pk).state == "pending"
    client.logout()
    assert client.get("/wellbeing/grants/").status_code == 302
