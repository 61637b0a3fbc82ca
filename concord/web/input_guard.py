"""Refuse requests no view should have to parse: bodies over the size limits (413) and NUL
characters in the path or query string (400). JSON bodies are checked by the API's parser
(concord.api.StorableJSONParser); form fields by Django's forms, which refuse NUL.

Answers come in the API's error shape on API paths and as a page elsewhere
(concord.web.views.errors), never as a 500.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.translation import gettext as _

from concord.core import conf
from concord.core.errorpages import error_response


def body_limit(request) -> int:
    """Return the largest body accepted for this request, in bytes."""
    limits = conf.concord()
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        # Files: at most a submission's attachments, plus room for the form fields.
        return limits.attachments_max_total_bytes + limits.request_body_max_bytes
    return limits.request_body_max_bytes


def _too_large(request, limit: int):
    mb = max(1, limit // (1024 * 1024))
    message = _("The request is too large: at most %(mb)d MB may be sent at once.") % {"mb": mb}
    return error_response(request, 413, message, code="too_large")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            message = _("The Content-Length header is not a number.")
            return error_response(request, 400, message, code="malformed")
        limit = body_limit(request)
        if length > limit:
            return _too_large(request, limit)
        raw_query = request.META.get("QUERY_STRING", "")
        # Open311 refuses NUL itself, in GeoReport's own error format (JSON or XML).
        own_check = request.path.startswith("/open311/")
        if not own_check and ("\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query)):
            message = _("The address contains a NUL character.")
            return error_response(request, 400, message, code="unstorable_text")
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A body without Content-Length (chunked) that turns out too large when read.
        if isinstance(exception, RequestDataTooBig):
            return _too_large(request, body_limit(request))
        if isinstance(exception, TooManyFieldsSent):
            message = _("The request has too many fields.")
            return error_response(request, 400, message, code="too_many_fields")
        return None
