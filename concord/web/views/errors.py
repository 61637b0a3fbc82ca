"""Error pages: the site's own header, the visitor's language and the way home.

API paths answer in the API's one error shape instead (`{"error": {code, message, fields}}`),
Open311 paths in GeoReport's list of errors, so a machine client never parses an HTML page.
Django calls the handlers below for 400, 403, 404 and 500 (see `concord/urls.py`); a 405 from
`require_http_methods` and a refused CSRF token come through `ErrorPageMiddleware` and
`csrf_failure`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from concord.core.errorpages import error_response


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    return error_response(request, 500)


def csrf_failure(request, reason=""):
    return error_response(
        request,
        403,
        _(
            "The form had expired or came from another site. "
            "Go back, reload the page and send it again."
        ),
    )


class ErrorPageMiddleware:
    """Give bare error responses (405 from `require_http_methods`) the site's error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allow = response.get("Allow")
            response = error_response(request, 405)
            if allow:
                response["Allow"] = allow
        return response
