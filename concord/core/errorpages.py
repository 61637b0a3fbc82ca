"""The error answer for a status, in the form the path's clients read.

API paths answer in the API's one error shape (`{"error": {code, message, fields}}`), Open311
paths in GeoReport's list of errors, pages with the site's error page (template
`web/error.html`). Middleware of any app (accounts' session expiry, the web's input guard) and
the web's error handlers all answer through `error_response`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

TITLES = {
    400: gettext_lazy("The request could not be read"),
    403: gettext_lazy("You may not open this page"),
    404: gettext_lazy("Page not found"),
    405: gettext_lazy("This page cannot be used that way"),
    413: gettext_lazy("What you sent is too large"),
    429: gettext_lazy("Please wait a minute"),
    500: gettext_lazy("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: gettext_lazy(
        "Part of what the browser sent could not be understood. Go back and try again."
    ),
    403: gettext_lazy(
        "Your account does not have access to this page, or the form expired. Sign in with an "
        "account that has access, or go back and send the form again."
    ),
    404: gettext_lazy(
        "There is no page at this address, or it is not visible to you. Check the address, or "
        "start again from the front page."
    ),
    405: gettext_lazy(
        "This address does not accept that kind of request. Open it from a link instead."
    ),
    413: gettext_lazy("The upload or the text is larger than the limit. Send less, or split it."),
    429: gettext_lazy("Too many requests came from your address in the last minute."),
    500: gettext_lazy(
        "The error has been logged. Nothing you sent before this page is lost; try again in a "
        "few minutes."
    ),
}
CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
}


def wants_json(request: HttpRequest) -> bool:
    """Return whether the path belongs to a machine interface."""
    return request.path.startswith(("/api/", "/open311/"))


def error_response(
    request: HttpRequest, status: int, message: str | None = None, *, code: str | None = None
) -> HttpResponse:
    """Return the error for `status` in the form the path's clients read (`code`: the API's
    error code when more precise than the status's)."""
    text = str(message or EXPLANATIONS.get(status, TITLES[500]))
    if request.path.startswith("/open311/"):
        return JsonResponse([{"code": status, "description": text}], status=status, safe=False)
    if request.path.startswith("/api/"):
        body = {
            "error": {"code": code or CODES.get(status, "error"), "message": text, "fields": {}}
        }
        return JsonResponse(body, status=status)
    # render_to_string without the request when the request itself is what failed (500): the
    # context processors may be what raised.
    context = {"status": status, "title": TITLES.get(status, TITLES[500]), "message": text}
    try:
        html = render_to_string("web/error.html", context, request=request)
    except Exception:  # a page must still be shown when the template context itself fails
        html = render_to_string("web/error.html", context)
    return HttpResponse(html, status=status)
