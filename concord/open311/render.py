"""GeoReport v2 output: one Python structure, written as XML or as its Spark-convention JSON."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

# The element name of one item of each list, as the specification writes them.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c(value: datetime | None) -> str | None:
    """Return a W3C date-time in local time with its offset (2026-03-02T09:00:00+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _escape(text: str) -> str:
    text = _XML_ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _element(tag: str, value, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append(f"<{tag}/>")
            return
        out.append(f"<{tag}>")
        for key, child in value.items():
            _element(key, child, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        if not value:
            out.append(f"<{tag}/>")
            return
        item = ITEM_TAGS[tag]
        out.append(f"<{tag}>")
        for child in value:
            _element(item, child, out)
        out.append(f"</{tag}>")
    else:
        text = _escape(_scalar(value))
        out.append(f"<{tag}>{text}</{tag}>" if text else f"<{tag}/>")


def to_xml(root: str, value) -> str:
    """Return an XML document whose root element is `root` holding `value`."""
    out = [XML_DECLARATION, "\n"]
    _element(root, value, out)
    out.append("\n")
    return "".join(out)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(value) -> str:
    """Return the Spark-convention JSON of a value: the root element is dropped."""
    return json.dumps(_jsonable(value), ensure_ascii=False)


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """Render `value` under `root` in the requested format ("xml" or "json")."""
    if fmt == "json":
        return HttpResponse(to_json(value).encode(), status=status, content_type=JSON_TYPE)
    return HttpResponse(to_xml(root, value).encode(), status=status, content_type=XML_TYPE)


def error_response(fmt: str, status: int, description: str, *, headers=None) -> HttpResponse:
    """Render a GeoReport error: <errors><error><code/><description/></error></errors>."""
    response = respond(fmt, "errors", [{"code": status, "description": description}], status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
