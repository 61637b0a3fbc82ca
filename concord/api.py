"""The HTTP API under /api/v1/: one NinjaAPI, one error shape."""

from __future__ import annotations

import logging

from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from concord.accounts.api import router as accounts_router
from concord.accounts.api_auth import staff_auth
from concord.assessments.api import router as assessments_router
from concord.cases.api import categories_router
from concord.cases.api import router as cases_router
from concord.channels.api import router as channels_router
from concord.core.errors import ConcordError
from concord.core.inputs import require_storable
from concord.notifications.api import router as notifications_router
from concord.participation.api import router as participation_router
from concord.places.api import router as places_router
from concord.safety.api import router as safety_router
from concord.triage.api import router as triage_router
from concord.warning.api import router as warning_router
from concord.wellbeing.api import router as wellbeing_router

logger = logging.getLogger(__name__)

ERROR_STATUSES = {
    "400": "Invalid input or malformed JSON",
    "401": "Not signed in",
    "403": "Not allowed",
    "404": "Not found (or not visible to you)",
    "409": "Not allowed in the current state",
    "413": "Upload too large",
    "429": "Too many requests",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


class ConcordAPI(NinjaAPI):
    """NinjaAPI that documents the one error shape on every operation."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                # Ninja keys its own responses by int; the document is JSON, where 404 and
                # "404" would become the same key twice. Keep one key per status, as a string.
                declared = operation.get("responses", {})
                responses = {str(code): body for code, body in declared.items()}
                operation["responses"] = responses
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


class StorableJSONParser(Parser):
    """Parse JSON bodies and query strings, refusing text no database can store (NUL, lone
    surrogates) with a 400 before any endpoint sees it."""

    def parse_body(self, request):
        data = super().parse_body(request)
        require_storable(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        require_storable(parsed)
        return parsed


api = ConcordAPI(
    title="Concord API",
    version="1",
    urls_namespace="api",
    auth=staff_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StorableJSONParser(),
)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@api.exception_handler(ConcordError)
def _concord_error(request, exc: ConcordError):
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.fields), status=exc.status
    )


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields: dict[str, str] = {}
    malformed = False
    for err in exc.errors:
        if err.get("type") in {"json_invalid", "value_error.jsondecode"} or "JSON" in str(
            err.get("msg", "")
        ):
            malformed = True
        fields[_field_name(err.get("loc", ()))] = str(err.get("msg", ""))
    if malformed:
        return api.create_response(
            request, error_body("malformed", _("The request body is not valid JSON.")), status=400
        )
    return api.create_response(
        request, error_body("invalid", _("Some of the input is not valid."), fields), status=400
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc: AuthenticationError):
    code = "unauthenticated" if exc.status_code == 401 else "forbidden"
    message = str(exc) if str(exc) != "Unauthorized" else _("Sign in or send an API token.")
    return api.create_response(request, error_body(code, message), status=exc.status_code)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, ConcordError):  # refused by the parser (unstorable text)
        return _concord_error(request, exc.__cause__)
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return api.create_response(
            request, error_body("malformed", _("The request body is not valid JSON.")), status=400
        )
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    # An id or number too large for the database (SQLite raises OverflowError).
    return api.create_response(
        request, error_body("invalid", _("A number in the request is out of range.")), status=400
    )


@api.exception_handler(DataError)
def _data_error(request, exc):
    # The same on PostgreSQL (numeric value out of range and similar).
    return api.create_response(
        request, error_body("invalid", _("A value in the request is out of range.")), status=400
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


def _register() -> None:

    api.add_router("/cases", cases_router)
    api.add_router("/categories", categories_router)
    api.add_router("/places", places_router)
    api.add_router("/", accounts_router)

    api.add_router("/", channels_router)
    # Each domain app owns its router under its own prefix.

    api.add_router("/triage", triage_router)
    api.add_router("/warning", warning_router)
    api.add_router("/wellbeing", wellbeing_router)
    api.add_router("/participation", participation_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/safety", safety_router)

    api.add_router("/notifications", notifications_router)
    from concord.residents.api import router as residents_router

    api.add_router("/residents", residents_router)


_register()
