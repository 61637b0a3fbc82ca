"""The OpenAPI 3.1 description of the GeoReport v2 endpoints, served at /open311/openapi.json.

Response bodies are the app's own JSON Schemas (schemas/*.json), loaded rather than copied, so
the document, the tests and the server share one definition. Every resource comes as .json or
.xml; the {format} path parameter says so, and the JSON bodies are the ones described in detail
(the XML carries the same structure, item elements named as GeoReport v2 names them).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from .spec import CHANGESET, SPECIFICATION

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PREFIX = "/open311"
JSON = "application/json"
XML = "text/xml"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

# component name -> schemas/<file>.json
COMPONENTS = {
    "Discovery": "discovery",
    "Services": "services",
    "ServiceDefinition": "service_definition",
    "ServiceRequests": "service_requests",
    "PostServiceRequest": "post_service_request",
    "Token": "token",
    "ServiceRequestUpdates": "service_request_updates",
    "PostServiceRequestUpdate": "post_service_request_update",
    "Errors": "errors",
}

ERRORS = {
    400: "Invalid input (a NUL character anywhere, too), an unreadable body, or no "
    "jurisdiction_id where several are served.",
    403: "The api_key is missing, unknown or revoked.",
    404: "Unknown jurisdiction_id, service_code, service_request_id or token, or no such path.",
    429: "This api_key is over its requests per minute.",
}

W3C_DATETIME = (
    "A W3C date and time with its zone (2026-03-01T00:00:00+08:00). The window between "
    "start_date and end_date is at most 90 days; either alone spans 90 days from or to it, "
    "and neither gives the last 90 days."
)


def load_schema(name: str) -> dict:
    """Return schemas/<name>.json as an OpenAPI schema: its own $defs inlined, no $id."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    schema.pop("$schema", None)
    schema.pop("$id", None)  # relative ids would move the base URI of every reference inside
    return _inline(schema, schema.pop("$defs", {}))


def _inline(node, defs: dict):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]), defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, defs) for value in node]
    return node


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _text(description: str, **schema) -> dict:
    return {"type": "string", "description": description, **schema}


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _comma_list(name: str, description: str, items: dict | None = None) -> dict:
    # GeoReport lists are one comma-separated value: service_code=A,B (form style, not exploded).
    return _query(
        name,
        description,
        {"type": "array", "items": items or {"type": "string"}},
        style="form",
        explode=False,
    )


def _ok(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {
            JSON: {"schema": _ref("schemas", component)},
            XML: {"schema": {"type": "string", "description": "The same content as XML."}},
        },
    }


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    parameters: list[dict],
    ok: dict,
    errors: tuple[int, ...],
    body: dict | None = None,
) -> dict:
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": ["GeoReport v2"],
        "parameters": parameters,
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {FORM: {"schema": body}, MULTIPART: {"schema": body}},
        }
    operation["responses"] = {"200": ok} | {str(s): _ref("responses", str(s)) for s in errors}
    return operation


def _form(required: list[str], properties: dict, **extra) -> dict:
    common = {
        "api_key": _text("The client's key (it may also come in the query string).", minLength=1),
        "jurisdiction_id": _text("The code of a root place; optional where there is only one."),
        "locale": _text("en… for English, anything else for Simplified Chinese."),
    }
    return {
        "type": "object",
        "required": ["api_key", *required],
        "properties": common | properties,
        **extra,
    }


def _request_form() -> dict:
    media_urls = {
        "type": "array",
        "maxItems": 10,
        "items": {"type": "string", "format": "uri", "maxLength": 500},
        "description": "Up to ten http(s) URLs of photos, each sent as its own media_url field.",
    }
    answer = {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "The answer to attribute CODE of the service definition; a "
        "multivaluelist takes repeated fields. Codes the definition does not know are ignored.",
    }
    return _form(
        ["service_code"],
        {
            "service_code": _text("A service_code from GET services.", minLength=1),
            "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "WGS84."},
            "long": {"type": "number", "minimum": -180, "maximum": 180, "description": "WGS84."},
            "address_string": _text("Any place name in it locates the request."),
            "address_id": _text("An id of the address register."),
            "email": _text("Kept private to staff.", maxLength=254),
            "device_id": _text("The client device.", maxLength=254),
            "account_id": _text("The client's account; echoed back.", maxLength=254),
            "first_name": _text("Kept private to staff.", maxLength=254),
            "last_name": _text("Kept private to staff.", maxLength=254),
            "phone": _text("Kept private to staff.", maxLength=254),
            "description": _text("Free text, published with the request.", maxLength=4000),
            "media_url": media_urls,
        },
        patternProperties={r"^attribute\[[^\[\]]+\](\[\])?$": answer},
    )


def _update_form() -> dict:
    return _form(
        ["service_request_id", "description"],
        {
            "service_request_id": _text("The request the update is about.", minLength=1),
            "description": _text(
                "Free text, published with the update.", minLength=1, maxLength=4000
            ),
            "media_url": _text("An http(s) URL of a photo.", format="uri", maxLength=500),
        },
    )


def _paths() -> dict:
    fmt, jurisdiction, locale = (
        _ref("parameters", name) for name in ("format", "jurisdiction_id", "locale")
    )
    v2 = f"{PREFIX}/v2"

    def path_parameter(name: str, description: str) -> dict:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "description": description,
            "schema": {"type": "string", "minLength": 1},
        }

    dates = [
        _query("start_date", W3C_DATETIME, {"type": "string", "format": "date-time"}),
        _query("end_date", W3C_DATETIME, {"type": "string", "format": "date-time"}),
    ]
    idempotency = {
        "name": "Idempotency-Key",
        "in": "header",
        "description": "Resending with the same key and api_key returns the first request "
        "instead of filing a second one.",
        "schema": {"type": "string"},
    }
    return {
        f"{PREFIX}/discovery.{{format}}": {
            "get": _operation(
                "discovery",
                "Service discovery",
                "The GeoReport v2 endpoint of this server, its formats and whom to ask for a key.",
                [fmt, locale],
                _ok("The discovery document.", "Discovery"),
                (400, 404),
            )
        },
        f"{v2}/services.{{format}}": {
            "get": _operation(
                "services",
                "GET Service List",
                "Every public service (an active category open to Open311).",
                [fmt, jurisdiction, locale],
                _ok("The services.", "Services"),
                (400, 404),
            )
        },
        f"{v2}/services/{{service_code}}.{{format}}": {
            "get": _operation(
                "service_definition",
                "GET Service Definition",
                "The attributes a request for this service may or must answer.",
                [fmt, path_parameter("service_code", "A service_code."), jurisdiction, locale],
                _ok("The service definition.", "ServiceDefinition"),
                (400, 404),
            )
        },
        f"{v2}/requests.{{format}}": {
            "get": _operation(
                "requests_search",
                "GET Service Requests",
                "Public requests, newest first, at most 1000. Locations are coarsened to the "
                "grid; nothing about the resident is published. service_request_id overrides "
                "the other filters.",
                [
                    fmt,
                    jurisdiction,
                    locale,
                    _comma_list("service_request_id", "Comma-separated request ids."),
                    _comma_list("service_code", "Comma-separated service codes."),
                    _comma_list("status", "open, closed or both.", {"enum": ["open", "closed"]}),
                    *dates,
                ],
                _ok("The requests.", "ServiceRequests"),
                (400, 404),
            ),
            "post": _operation(
                "requests_create",
                "POST Service Request",
                "File a request: it becomes a case routed and timed like any other intake. "
                "A location is required: lat and long, address_id or address_string. Batch "
                "services answer with a token instead of a service_request_id.",
                [fmt, idempotency],
                _ok("The new request (or its token).", "PostServiceRequest"),
                (400, 403, 404, 429),
                body=_request_form(),
            ),
        },
        f"{v2}/requests/{{service_request_id}}.{{format}}": {
            "get": _operation(
                "request_detail",
                "GET Service Request",
                "One public request, as a list of one.",
                [
                    fmt,
                    path_parameter("service_request_id", "A service_request_id."),
                    jurisdiction,
                    locale,
                ],
                _ok("The request.", "ServiceRequests"),
                (400, 404),
            )
        },
        f"{v2}/tokens/{{token}}.{{format}}": {
            "get": _operation(
                "token_detail",
                "GET service_request_id from a token",
                "The service_request_id a batch token stands for (null until it has one).",
                [fmt, path_parameter("token", "A token from POST Service Request."), jurisdiction],
                _ok("The token and its request.", "Token"),
                (400, 404),
            )
        },
        f"{v2}/servicerequestupdates.{{format}}": {
            "get": _operation(
                "updates_search",
                "GET Service Request Updates (FixMyStreet extension)",
                "Public updates of public requests, oldest first, each with the status it left "
                "the request in.",
                [
                    fmt,
                    jurisdiction,
                    locale,
                    _comma_list("service_request_id", "Comma-separated request ids."),
                    *dates,
                ],
                _ok("The updates.", "ServiceRequestUpdates"),
                (400, 404),
            ),
            "post": _operation(
                "updates_create",
                "POST Service Request Update (FixMyStreet extension)",
                "Add information to an open public request.",
                [fmt],
                _ok("The new update.", "PostServiceRequestUpdate"),
                (400, 403, 404, 429),
                body=_update_form(),
            ),
        },
    }


def _components() -> dict:
    errors = {
        "description": "GeoReport errors, in the requested format.",
        "content": {
            JSON: {"schema": _ref("schemas", "Errors")},
            XML: {"schema": {"type": "string", "description": "<errors><error>… as XML."}},
        },
    }
    responses = {str(status): errors | {"description": text} for status, text in ERRORS.items()}
    responses["429"]["headers"] = {
        "Retry-After": {"required": True, "schema": {"type": "string"}},
    }
    return {
        "schemas": {name: load_schema(file) for name, file in COMPONENTS.items()},
        "parameters": {
            "format": {
                "name": "format",
                "in": "path",
                "required": True,
                "description": "json or xml: every resource comes in both.",
                "schema": {"enum": ["json", "xml"]},
            },
            "jurisdiction_id": _query(
                "jurisdiction_id",
                "The code of a root place; optional where the server has only one.",
                {"type": "string"},
            ),
            "locale": _query(
                "locale",
                "en… for English, anything else for Simplified Chinese (the default).",
                {"type": "string"},
            ),
        },
        "responses": responses,
    }


@functools.cache
def openapi_document() -> dict:
    """Return the OpenAPI document of the Open311 endpoints (built once per process)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Concord Open311 (GeoReport v2)",
            "version": CHANGESET,
            "description": "The GeoReport v2 server of Concord, with FixMyStreet's service "
            "request updates. Writes need an api_key issued by the administrator "
            "(`concord open311 issue-key`); each key has its own per-minute limit. "
            "Bodies of POSTs are form fields (urlencoded or multipart), as GeoReport v2 has it.",
        },
        "externalDocs": {"description": "GeoReport v2", "url": SPECIFICATION},
        "paths": _paths(),
        "components": _components(),
    }
