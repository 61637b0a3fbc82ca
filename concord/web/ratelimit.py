"""Rate limits for everything an anonymous visitor can call, in one place for web and API.

Per client address and scope, per minute (CONCORD["PUBLIC_RATE_PER_MINUTE"]; 0 switches it
off): every anonymous write (submissions, votes, comments, suggestions, verification codes,
hazard reports), every tracking lookup (token guessing), and the typing assistants (which a
resident calls as they type, so they get ASSIST_FACTOR times the limit). Signed-in residents
are limited like anonymous visitors (counted per account); signed-in staff and staff API tokens
are not limited here; sign-in has django-axes, Open311 its API keys.

A refused web form comes back with what the resident typed, ready to send again: nothing a
resident submits is silently dropped.
"""

from __future__ import annotations

import re

from django.http import JsonResponse
from django.shortcuts import render

from concord.accounts.api_auth import staff_auth
from concord.accounts.twofactor import is_staff_user
from concord.core import conf
from concord.core.ratelimit import RateLimited, check_rate

ASSIST_FACTOR = 5
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ASSIST = re.compile(r"^/(api/v1/(triage/(suggest|similar)|wellbeing/check)|file/assist/)$")
TRACK = re.compile(r"^/(api/v1/cases/track/.+|track/.*)$")
# Limited elsewhere (sign-in: axes; Open311: its API keys) or harmless (the language switch).
EXEMPT = re.compile(r"^/(accounts/login/|i18n/setlang/|open311/.*)$")


def _staff_api_token(request) -> bool:
    """Whether the request carries a bearer token that resolves to an active staff member."""

    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return is_staff_user(staff_auth.authenticate(request, token.strip()))


def public_scope(request) -> str | None:
    """Return the rate-limit scope of a request not made by staff, or None when not limited.

    A header alone does not exempt a request: only a bearer token that resolves does.
    """

    if is_staff_user(request.user):
        return None
    if "Authorization" in request.headers and _staff_api_token(request):
        return None
    path = request.path
    if EXEMPT.match(path):
        return None
    if TRACK.match(path):
        return "track"
    if request.method not in UNSAFE:
        return None
    return "assist" if ASSIST.match(path) else "write"


class PublicRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = conf.concord().public_rate_per_minute
        scope = public_scope(request) if limit > 0 else None
        if scope is not None:
            try:
                check_rate(
                    request, scope, per_minute=limit * (ASSIST_FACTOR if scope == "assist" else 1)
                )
            except RateLimited as refusal:
                return self.refuse(request, refusal)
        return self.get_response(request)

    @staticmethod
    def refuse(request, refusal: RateLimited):
        if request.path.startswith("/api/"):
            from concord.api import error_body

            response = JsonResponse(
                error_body(refusal.code, str(refusal.message)), status=refusal.status
            )
        else:
            posted = (
                [
                    (name, value)
                    for name in request.POST
                    if name != "csrfmiddlewaretoken"
                    for value in request.POST.getlist(name)
                ]
                if request.method == "POST"
                else []
            )
            response = render(
                request,
                "web/rate_limited.html",
                {"posted": posted, "had_files": bool(request.FILES)},
                status=refusal.status,
            )
        response["Retry-After"] = "60"
        return response
