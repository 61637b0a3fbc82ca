"""A resident account is a different kind from staff, enforced in the permission layer and the
API authentication: it never reaches a staff page or a staff API scope, not even when a
membership row (made by mistake or by an attacker with database access to one table) names it.

Every route the policy table of test_least_privilege declares "staff", "case", "counsellor" or
"admin" is tried, by the session and by a bearer token.
"""

from __future__ import annotations

import logging
import re

import pytest

from .test_least_privilege import api_operations, fill, page_routes, rule_for

STAFF_RULES = {"staff", "case", "counsellor", "admin"}


@pytest.fixture
def forged_resident(world):
    """The fixture world's resident, given a county supervisor's and a counsellor's membership."""
    from concord.accounts.models import Membership
    from concord.accounts.roles import Role

    Membership.objects.create(
        user=world.resident, unit=world.u_county, role=Role.SUPERVISOR, place=world.C
    )
    Membership.objects.create(
        user=world.resident, unit=world.u_counselling, role=Role.COUNSELLOR, place=world.C
    )
    return world.resident


@pytest.mark.django_db
def test_the_permission_layer_gives_a_resident_account_no_grant(world, forged_resident):
    from concord.accounts import permissions as perms
    from concord.accounts.roles import Cap
    from concord.accounts.twofactor import is_resident, is_staff_user

    assert perms.grants(forged_resident) == []
    assert not perms.can(forged_resident, Cap.CASE_VIEW, place_path=world.C.path)
    assert is_resident(forged_resident) and not is_staff_user(forged_resident)
    # The same memberships on a staff account do grant: the kind is what refuses.
    forged_resident.kind = "staff"
    perms.forget_grants(forged_resident)
    assert perms.can(forged_resident, Cap.CASE_VIEW, place_path=world.C.path)


@pytest.mark.django_db
def test_a_resident_account_cannot_be_django_staff(world):
    from django.db import IntegrityError, transaction

    world.resident.is_staff = True
    with pytest.raises(IntegrityError), transaction.atomic():
        world.resident.save()


@pytest.mark.django_db
def test_a_resident_never_reaches_a_staff_page(world, client, forged_resident, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(forged_resident)
    checked = 0
    for route in page_routes():
        path = route.lstrip("^").rstrip("$")
        if rule_for("PAGE", path) not in STAFF_RULES or path.endswith(("login/", "logout/")):
            continue
        url = "/" + re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", "1", path).replace("\\", "")
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            to_sign_in = status == 302 and "login" in response["Location"]
            assert status in (401, 403, 404, 405) or to_sign_in, f"{method} {url}: {status}"
        checked += 1
    assert checked > 40


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["session", "token"])
def test_a_resident_never_reaches_a_staff_api_scope(world, client, forged_resident, caplog, by):
    from concord.accounts.models import ApiToken

    caplog.set_level(logging.ERROR, logger="django.request")
    headers = {}
    if by == "token":
        headers = {"Authorization": f"Bearer {ApiToken.issue(user=forged_resident, name='t')[1]}"}
    else:
        client.force_login(forged_resident)
    checked = 0
    for method, path in api_operations():
        if rule_for(method, path) not in STAFF_RULES:
            continue
        response = client.generic(
            method, fill(path), data="{}", content_type="application/json", headers=headers
        )
        if by == "session" and method != "GET":
            # Without a CSRF token the session is refused earlier still; the kind check is
            # what the GETs and the token requests show.
            assert response.status_code in (401, 403), f"{method} {path}"
        else:
            assert response.status_code == 403, f"{method} {path}: {response.status_code}"
            assert response.json()["error"]["code"] in {"forbidden", "not_authenticated"}
        checked += 1
    assert checked > 80


@pytest.mark.django_db
def test_resident_pages_are_for_resident_accounts_only(world, client):
    """Anonymous visitors are sent to the resident sign-in; staff accounts are too."""
    for who in (None, world.alice):
        if who:
            client.force_login(who)
        for url in ("/me/", "/me/account/", "/me/export.json"):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"] == "/accounts/resident/"
