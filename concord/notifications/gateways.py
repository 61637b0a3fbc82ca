"""Outbound channels: a pluggable SMS gateway and email through Django's email backend.

Choose the SMS gateway with the ``CONCORD_SMS`` setting::

    CONCORD_SMS = {"BACKEND": "http", "OPTIONS": {"url": "https://sms.example/send", "token": "…"}}

``BACKEND`` is ``"file"`` (the default: one JSON line per message in an outbox file under the
data directory), ``"console"`` (printed to standard output), ``"http"`` (a JSON POST to an
operator's gateway) or the dotted path of a class with the same ``send`` method.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Protocol, TextIO

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """A send that did not go out. ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send one text message and return the gateway's reference for it."""


class ConsoleSmsGateway:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, *, to: str, text: str, reference: str) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {to} [{reference}]: {text}\n")
        stream.flush()
        return f"console:{reference}"


class FileSmsGateway:
    """Append each message as one JSON line to an outbox file (for development and demos)."""

    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else Path(settings.DATA_DIR) / "sms-outbox.jsonl"

    def send(self, *, to: str, text: str, reference: str) -> str:
        line = json.dumps(
            {"to": to, "text": text, "reference": reference, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self._lock:
                # Owner-only: the outbox holds residents' phone numbers and codes.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
        except OSError as exc:
            raise GatewayError(f"cannot write the SMS outbox: {exc}") from exc
        return f"file:{reference}"


class HttpSmsGateway:
    """POST ``{"to", "text", "reference", "sender"}`` as JSON; the reply's ``id`` is the reference.

    Connection errors, timeouts, 429 and 5xx are worth retrying; other 4xx answers (a bad number,
    a rejected message) are not.
    """

    def __init__(self, url: str, token: str = "", sender: str = "", timeout: float = 10.0):
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, *, to: str, text: str, reference: str) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {"to": to, "text": text, "reference": reference, "sender": self.sender}
        try:
            response = requests.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GatewayError(f"SMS gateway unreachable: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise GatewayError(f"SMS gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise GatewayError(
                f"SMS gateway refused the message ({response.status_code}): {response.text[:200]}",
                retryable=False,
            )
        try:
            return str(response.json().get("id", reference))
        except ValueError:
            return reference


_NAMED = {"file": FileSmsGateway, "console": ConsoleSmsGateway, "http": HttpSmsGateway}


def sms_gateway() -> SmsGateway:
    """Return the configured SMS gateway (read from settings on every call, never at import)."""
    config = getattr(settings, "CONCORD_SMS", None) or {"BACKEND": "file"}
    backend = config.get("BACKEND", "file")
    cls = _NAMED.get(backend) or import_string(backend)
    return cls(**config.get("OPTIONS", {}))


def send_email(*, to: str, subject: str, body: str) -> str:
    """Send one email through Django's configured email backend."""
    message = EmailMessage(subject=subject, body=body, to=[to])
    try:
        sent = message.send(fail_silently=False)
    except Exception as exc:  # SMTP, socket and backend errors all mean "try later"
        raise GatewayError(f"email not sent: {exc}") from exc
    if not sent:
        raise GatewayError("email backend accepted no message")
    return message.extra_headers.get("Message-ID", "") or f"email:{to}"
