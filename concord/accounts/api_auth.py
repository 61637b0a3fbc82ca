"""API authentication: bearer tokens for apps, the session (with CSRF) for the web."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ConcordAuth(HttpBearer):
    """Resolve the caller from a bearer token or the session.

    With `required=False` anonymous callers pass as AnonymousUser (residents submitting and
    tracking); with `required=True` they get 401.
    """

    def __init__(self, *, required: bool = True, kinds: frozenset[str] | None = None):
        super().__init__()
        self.required = required
        # Which kinds of account pass when signed in: staff scopes (the default when required)
        # refuse resident accounts; open operations let every kind through.
        if kinds is None:
            kinds = frozenset({"staff"}) if required else frozenset({"staff", "resident"})
        self.kinds = kinds

    def _check_kind(self, user) -> None:
        kind = getattr(user, "kind", "staff")
        if kind in self.kinds:
            return
        if kind == "resident":
            raise AuthenticationError(403, _("A resident account cannot use staff services."))
        raise AuthenticationError(403, _("This service is for resident accounts."))

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthenticationError(401, _("Use 'Authorization: Bearer <token>'."))
            user = self.authenticate(request, token.strip())
            if user is None:
                raise AuthenticationError(401, _("The API token is not valid."))
            self._check_kind(user)
            request.user = user
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check_kind(user)
            from .twofactor import needs_second_factor

            if needs_second_factor(request):
                raise AuthenticationError(401, _("Confirm your two-step sign-in first."))
            if request.method in UNSAFE and check_csrf(request) is not None:
                raise AuthenticationError(
                    403, _("CSRF check failed; reload the page and try again.")
                )
            return user
        if self.required:
            return None
        return AnonymousUser()

    def authenticate(self, request: HttpRequest, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        # The token (not only its user) scopes what the caller did, e.g. its idempotency keys.
        request.api_token_id = row.pk
        return row.user


class OptionalAuth:
    """Like ConcordAuth, but anonymous callers pass; declares no security in the OpenAPI
    document, because the operation is open to everyone (residents submit and track)."""

    def __init__(self):
        self._resolver = ConcordAuth(required=False)

    def __call__(self, request: HttpRequest):
        return self._resolver(request)


staff_auth = ConcordAuth(required=True)
optional_auth = OptionalAuth()
# Signed-in resident accounts only (their own matters, data and account).
resident_auth = ConcordAuth(required=True, kinds=frozenset({"resident"}))
# Any signed-in account, resident or staff, acting for itself (e.g. its own volunteer record).
account_auth = ConcordAuth(required=True, kinds=frozenset({"staff", "resident"}))
