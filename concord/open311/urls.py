"""URLs of the open311 app (mounted by concord/urls.py at /open311/).

Every resource ends in .json or .xml; there are no trailing-slash variants and anything else
under /open311/ is a GeoReport 404 rather than an HTML page.
"""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.services, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests_collection, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FMT, views.token_detail, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, views.updates_collection, name="updates"),
    re_path(r"^openapi\.json$", views.openapi_json, name="openapi"),
    # [\s\S], not ".": a path may hold a newline (%0A), and Django matches the whole path.
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found, name="not_found"),
]
