"""Least privilege, from one declared policy table.

- Every API operation and every web page must be in POLICY (a new endpoint without a declared
  policy fails the completeness tests).
- Every operation that is not declared public refuses anonymous callers (401, or 403/404), and
  every public one answers them.
- The object matrix: for each case-scoped endpoint × persona (every role, in and out of place)
  × case (ordinary in place, sensitive in place, ordinary out of place) the answer is allowed or
  denied exactly as the declared visibility says.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from concord.api import api as ninja_api

# --- the declared policy -------------------------------------------------------------------
# (method regex, path regex, rule). Rules: "public" (anyone, residents included), "token" (anyone
# holding the case's receipt code and secret tracking token), "staff" (signed-in staff; what
# they see is scoped by role and place), "case" (staff who may see that case), "counsellor"
# (the responsible counselling team only), "admin" (Django admin: platform administrators).
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
    (
        "GET|POST|PUT|PATCH|DELETE",
        r"^/api/v1/(cases|clocks|supervision|metrics|me|triage|warning|wellbeing|participation|assessments|safety|notifications)(/.*)?$",
        "staff",
    ),
    # Web pages (paths as Django route strings).
    (
        "PAGE",
        r"^(|file/|file/assist/|places\.geojson|receipt/|track/|track/.*|i18n/setlang/|accounts/(login|logout)/|healthz|open311/.*|wellbeing/hotline/|participation/|participation/suggestions/|participation/polls/|participation/polls/<int:pk>/|participation/polls/<int:pk>/results/|participation/conventions/|participation/conventions/<int:pk>/|participation/volunteers/|assessments/|assessments/consultations/.*|assessments/comments/.*|safety/policies/.*)$",
        "public",
    ),
    (
        "PAGE",
        r"^(accounts/2fa/|staff/.*|wellbeing/(cases|queue|referrals|exports|network)/.*|assessments/staff/.*|safety/|safety/(warnings|checks|incidents|hazards)/.*)$",
        "staff",
    ),
    ("PAGE", r"^admin/.*$", "admin"),
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

PERSONAS = [
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
# Which personas may see each kind of case (see concord/testing.py for who is where).
VISIBLE = {
    "ordinary_inside": {"alice", "bob", "grace", "dora", "sam", "zoe"},
    "sensitive_inside": {"bob", "sam", "zoe"},  # the owning committee and supervisors
    "ordinary_outside": {"dora", "zoe", "carol"},
}


@pytest.fixture
def objects(world):
    from concord.cases import actions as ca
    from concord.cases.models import Category

    def submit(place, category=None, kind="service_request"):
        cat = Category.objects.get(code=category) if category else None
        return ca.case_submit(kind=kind, title="t", description="d", place=place, category=cat).case

    return {
        "ordinary_inside": submit(world.G111),
        "sensitive_inside": submit(world.G111, "DP.01", "dispute"),
        "ordinary_outside": submit(world.V21),
    }


CASE_GETS = [
    "/api/v1/cases/{case_id}",
    "/api/v1/cases/{case_id}/events",
    "/api/v1/triage/cases/{case_id}",
    "/api/v1/triage/cases/{case_id}/route",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", CASE_GETS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_case_endpoints_answer_exactly_the_personas_who_may_see_the_case(
    world, objects, client, path, persona
):
    from concord.accounts.models import ApiToken

    assert rule_for("GET", path) == "case"
    token = ApiToken.issue(user=getattr(world, persona), name="matrix")[1]
    for variant, case in objects.items():
        response = client.get(
            path.replace("{case_id}", str(case.pk)), headers={"Authorization": f"Bearer {token}"}
        )
        allowed = persona in VISIBLE[variant]
        if allowed:
            assert response.status_code == 200, f"{persona} should see {variant} via {path}"
        else:
            assert response.status_code == 404, f"{persona} must not see {variant} via {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_staff_case_page_follows_the_same_visibility(world, objects, client, persona):
    client.force_login(getattr(world, persona))
    for variant, case in objects.items():
        response = client.get(f"/staff/cases/{case.pk}/")
        allowed = persona in VISIBLE[variant]
        assert (response.status_code == 200) == allowed, (persona, variant, response.status_code)


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
