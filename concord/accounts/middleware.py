"""Send staff who have not confirmed their second factor to the TOTP page."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from concord.core.errorpages import error_response

from .twofactor import STAFF_PREFIXES, is_resident, is_staff_user, needs_second_factor


class StaffTwoFactorMiddleware:
    """Also the boundary for resident accounts: no staff path answers one, whatever its view
    would decide (the permission layer gives them no grant either)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        # (The Django admin refuses them itself: a resident account is never `is_staff`.)
        staff_path = path.startswith(STAFF_PREFIXES) and not path.startswith("/admin/")
        if staff_path and is_resident(getattr(request, "user", None)):
            raise PermissionDenied
        if path.startswith(STAFF_PREFIXES) and needs_second_factor(request):
            return redirect("/accounts/2fa/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class StaffSessionMiddleware:
    """End a staff session after CONCORD_STAFF_SESSION_IDLE_MINUTES without a request or
    CONCORD_STAFF_SESSION_MAX_HOURS after it began, whichever comes first.

    A staff session opens residents' contacts; a forgotten one on a shared office computer must
    not stay open for the two weeks Django's cookie would allow.
    """

    STARTED = "staff_session_started"
    SEEN = "staff_session_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        user = getattr(request, "user", None)
        if is_staff_user(user):
            refusal = self._check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check(self, request):
        import time

        session = request.session
        now = int(time.time())
        started = session.get(self.STARTED)
        seen = session.get(self.SEEN, started)
        idle = settings.CONCORD_STAFF_SESSION_IDLE_MINUTES * 60
        longest = settings.CONCORD_STAFF_SESSION_MAX_HOURS * 3600
        if started is None:
            session[self.STARTED] = session[self.SEEN] = now
            return None
        if now - seen > idle or now - started > longest:
            logout(request)
            if request.path.startswith("/api/"):
                message = _("Your session has ended; sign in again.")
                return error_response(request, 401, message, code="session_expired")
            return redirect_to_login(request.get_full_path())
        if now - seen >= 60:  # write the session at most once a minute
            session[self.SEEN] = now
        return None
