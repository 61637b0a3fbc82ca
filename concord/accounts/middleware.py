"""Send staff who have not confirmed their second factor to the TOTP page."""

from urllib.parse import urlencode

from django.shortcuts import redirect

from .twofactor import STAFF_PREFIXES, needs_second_factor


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (path.startswith(STAFF_PREFIXES) or path == "/safety/") and needs_second_factor(request):
            return redirect("/accounts/2fa/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
