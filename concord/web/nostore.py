"""Pages and API answers are private unless a view says otherwise: `Cache-Control: no-store`.

Receipts, tracking pages, case pages and API answers carry tracking tokens and residents'
contacts; a shared computer's browser cache or a proxy must not keep them. A view that sets its
own Cache-Control (public figures, the QR code) keeps it. Static files never reach this
middleware (WhiteNoise answers them earlier).
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
