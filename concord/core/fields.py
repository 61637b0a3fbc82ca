"""Encrypted model fields for personal data (residents' contact details).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key from the environment
(`CONCORD_FIELD_KEY`, 32 url-safe base64 bytes; or the file `field_key` in the data directory,
where `concord restore` puts a backup's key). Without it the key is derived from SECRET_KEY;
production should set CONCORD_FIELD_KEY so that rotating SECRET_KEY does not lock data away.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(key: str, secret_key: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    digest = hashlib.sha256(b"concord-field-key:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def forget_keys() -> None:
    """Drop the derived keys (after SECRET_KEY changed in this process)."""
    _fernet.cache_clear()


def fernet() -> Fernet:
    return _fernet(getattr(settings, "CONCORD_FIELD_KEY", "") or "", settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return value
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return value  # empty, or written before encryption was switched on
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        return "[unreadable: wrong CONCORD_FIELD_KEY]"


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; reads return the plain text."""

    def __init__(self, *args, max_chars: int | None = None, **kwargs):
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_chars is not None:
            kwargs["max_chars"] = self.max_chars
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        if self.max_chars is not None:
            value = value[: self.max_chars]
        return encrypt(value)
