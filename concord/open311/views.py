"""The GeoReport v2 endpoints: parse the request, call a selector or action, render."""

from __future__ import annotations

import functools
import logging
import re

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from concord.cases.models import Case
from concord.core.errors import ConcordError

from . import actions, selectors
from .models import LIST_DATATYPES, RequestType
from .openapi import openapi_document
from .render import error_response, respond, w3c
from .spec import CHANGESET, SPECIFICATION

logger = logging.getLogger(__name__)

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _status_for(error: ConcordError) -> int:
    # GeoReport knows 404 (unknown thing), 403 (key) and 400 (everything else); 429 is the
    # HTTP answer to a client over its rate, which generic clients already understand.
    return error.status if error.status in (403, 404, 429) else 400


def _param(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    return (value if value is not None else request.GET.get(name, "")).strip()


def _has_nul(request: HttpRequest, path_values) -> bool:
    forms = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    values = [*path_values, *(v for form in forms for name in form for v in form.getlist(name))]
    return any("\x00" in value for value in values)


def open311_endpoint(methods: tuple[str, ...], *, jurisdiction: bool = True):
    """Wrap a view: allowed methods, the client's locale, jurisdiction and GeoReport errors."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                locale = _param(request, "locale") or translation.get_language()
            except (MultiPartParserError, SuspiciousOperation):
                # A body Django cannot parse (broken multipart, too many fields, too large).
                return error_response(fmt, 400, _("The request body could not be read."))
            with translation.override(selectors.language_of(locale)):
                if request.method not in methods:
                    return error_response(
                        fmt,
                        405,
                        _("Method %(method)s is not allowed here.") % {"method": request.method},
                        headers={"Allow": ", ".join(methods)},
                    )
                if _has_nul(request, kwargs.values()):
                    # PostgreSQL text cannot hold NUL, and no GeoReport field has a use for one.
                    return error_response(fmt, 400, _("The request contains a NUL character."))
                try:
                    root = (
                        selectors.jurisdiction_resolve(_param(request, "jurisdiction_id"))
                        if jurisdiction
                        else None
                    )
                    return view(request, *args, fmt=fmt, root=root, **kwargs)
                except ConcordError as error:
                    headers = {"Retry-After": "60"} if error.status == 429 else None
                    return error_response(fmt, _status_for(error), error.message, headers=headers)

        wrapper.methods = methods  # read by the OpenAPI completeness test
        return wrapper

    return decorate


# --- discovery and services ----------------------------------------------------------------


@open311_endpoint(("GET", "HEAD"), jurisdiction=False)
def discovery(request: HttpRequest, *, fmt: str, root) -> HttpResponse:
    body = {
        "changeset": CHANGESET,
        "contact": _("Write to the administrator of this Concord deployment."),
        "key_service": _(
            "API keys for posting requests are issued by the administrator of this deployment."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    response = respond(fmt, "discovery", body)
    # RFC 8631: where a client finds the machine-readable description of these endpoints.
    response["Link"] = (
        f'<{request.build_absolute_uri(reverse("open311:openapi"))}>; rel="service-desc"'
    )
    return response


@require_safe
def openapi_json(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI 3.1 document of the GeoReport v2 endpoints."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@open311_endpoint(("GET", "HEAD"))
def services(request: HttpRequest, *, fmt: str, root) -> HttpResponse:
    language = translation.get_language()
    categories = list(selectors.public_services())
    groups = selectors.service_groups(categories)
    profiles = selectors.service_profiles()
    with_attributes = selectors.codes_with_attributes()
    rows = []
    for category in categories:
        profile = profiles.get(category.code)
        parent = category.parent
        rows.append(
            {
                "service_code": category.code,
                "service_name": category.localized_name(language),
                "description": " / ".join(
                    c.localized_name(language) for c in (parent, category) if c is not None
                ),
                "metadata": category.code in with_attributes,
                "type": profile.request_type if profile else RequestType.REALTIME,
                "keywords": profile.keywords if profile else "",
                "group": groups[category.code].localized_name(language),
            }
        )
    return respond(fmt, "services", rows)


@open311_endpoint(("GET", "HEAD"))
def service_definition(request: HttpRequest, code: str, *, fmt: str, root) -> HttpResponse:
    language = translation.get_language()
    if selectors.public_service(code) is None:
        return error_response(fmt, 404, _("Unknown service_code %(code)s.") % {"code": code})
    attributes = []
    for attribute in selectors.service_attributes(code):
        attributes.append(
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.localized_datatype_description(language) or None,
                "order": attribute.order,
                "description": attribute.localized_description(language),
                "values": [
                    {"key": v.key, "name": v.localized_name(language)}
                    for v in attribute.values.all()
                ]
                if attribute.datatype in LIST_DATATYPES
                else [],
            }
        )
    return respond(fmt, "service_definition", {"service_code": code, "attributes": attributes})


# --- requests ------------------------------------------------------------------------------


def request_row(case: Case) -> dict:
    """Return the public face of a case: no party, no staff, no internal note."""
    meta = selectors.open311_meta(case)
    status = selectors.status_of(case)
    expected = selectors.expected_datetime(case)
    return {
        "service_request_id": case.receipt_code,
        "status": status,
        "status_notes": case.resolution_text if status == "closed" else "",
        "service_name": case.category.localized_name() if case.category else "",
        "service_code": case.category.code if case.category else "",
        "description": selectors.public_description(case),
        "agency_responsible": case.owner_unit.localized_name(),
        "service_notice": (
            _("A written answer is due by %(date)s.") % {"date": w3c(expected)[:10]}
            if expected
            else ""
        ),
        "requested_datetime": case.created_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": expected,
        # Privacy: locations are published coarsened to the case's grid (its centroid and name),
        # never the resident's exact point or street address.
        "address": case.place.localized_name(),
        "address_id": meta.address_id if meta else "",
        "zipcode": meta.zipcode if meta else "",
        "lat": case.place.centroid_lat,
        "long": case.place.centroid_lng,
        "media_url": meta.media_urls[0] if meta and meta.media_urls else None,
    }


def _request_input(request: HttpRequest) -> actions.RequestInput:
    post = request.POST
    attributes: dict[str, list[str]] = {}
    for name, values in post.lists():
        match = _ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(values)
    return actions.RequestInput(
        service_code=post.get("service_code", ""),
        lat=post.get("lat", "").strip(),
        long=post.get("long", "").strip(),
        address_string=post.get("address_string", ""),
        address_id=post.get("address_id", ""),
        email=post.get("email", ""),
        device_id=post.get("device_id", ""),
        account_id=post.get("account_id", ""),
        first_name=post.get("first_name", ""),
        last_name=post.get("last_name", ""),
        phone=post.get("phone", ""),
        description=post.get("description", ""),
        media_urls=post.getlist("media_url"),
        attributes=attributes,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
    )


@open311_endpoint(("GET", "HEAD", "POST"))
def requests_collection(request: HttpRequest, *, fmt: str, root) -> HttpResponse:
    if request.method == "POST":
        key = actions.api_key_use(raw=_param(request, "api_key"))
        created = actions.service_request_create(
            key=key, root=root, data=_request_input(request), language=translation.get_language()
        )
        row = (
            {"token": created.token}
            if created.token
            else {"service_request_id": created.case.receipt_code}
        )
        row |= {"service_notice": created.service_notice, "account_id": created.account_id or None}
        return respond(fmt, "service_requests", [row])
    ids = selectors.split_list(request.GET.get("service_request_id"))
    if ids:
        cases = selectors.requests_search(root, ids=ids)
    else:
        start, end = selectors.date_window(
            request.GET.get("start_date"), request.GET.get("end_date")
        )
        cases = selectors.requests_search(
            root,
            service_codes=selectors.split_list(request.GET.get("service_code")),
            statuses=[s.lower() for s in selectors.split_list(request.GET.get("status"))],
            start=start,
            end=end,
        )
    return respond(fmt, "service_requests", [request_row(c) for c in cases])


@open311_endpoint(("GET", "HEAD"))
def request_detail(request: HttpRequest, request_id: str, *, fmt: str, root) -> HttpResponse:
    return respond(fmt, "service_requests", [request_row(selectors.request_get(root, request_id))])


@open311_endpoint(("GET", "HEAD"))
def token_detail(request: HttpRequest, token: str, *, fmt: str, root) -> HttpResponse:
    row = selectors.token_get(token)
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": row.case.receipt_code if row.case else None,
                "token": row.token,
            }
        ],
    )


# --- updates (FixMyStreet's extension) -----------------------------------------------------


@open311_endpoint(("GET", "HEAD", "POST"))
def updates_collection(request: HttpRequest, *, fmt: str, root) -> HttpResponse:
    if request.method == "POST":
        key = actions.api_key_use(raw=_param(request, "api_key"))
        request_id = request.POST.get("service_request_id", "").strip()
        if not request_id:
            return error_response(fmt, 400, _("service_request_id is required."))
        case = selectors.request_get(root, request_id)
        event = actions.service_request_update_post(
            key=key,
            case=case,
            description=request.POST.get("description", ""),
            media_url=request.POST.get("media_url", ""),
        )
        return respond(fmt, "service_request_updates", [{"update_id": str(event.pk)}])
    start, end = selectors.date_window(request.GET.get("start_date"), request.GET.get("end_date"))
    updates = selectors.updates_search(
        root,
        start=start,
        end=end,
        ids=selectors.split_list(request.GET.get("service_request_id")),
    )
    rows = [
        {
            "update_id": str(u.update_id),
            "service_request_id": u.service_request_id,
            "status": u.status,
            "updated_datetime": u.updated_datetime,
            "description": u.description,
            "media_url": u.media_url,
        }
        for u in updates
    ]
    return respond(fmt, "service_request_updates", rows)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer any other path under /open311/ with a GeoReport 404 in the format it asked for."""
    fmt = "json" if path.endswith(".json") else "xml"
    with translation.override(selectors.language_of(request.GET.get("locale"))):
        return error_response(fmt, 404, _("There is no such resource."))
