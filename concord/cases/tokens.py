"""Receipt codes and the secret tracking tokens residents use to follow their case."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(16)


def tracking_token(salt: str) -> str:
    """Return the resident's tracking token for a case with this salt."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"track:{salt}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:15]).decode().rstrip("=").lower()


def token_matches(salt: str, token: str) -> bool:
    return hmac.compare_digest(tracking_token(salt), (token or "").strip().lower())


def receipt_code(year: int, case_id: int) -> str:
    return f"C-{year}-{case_id:06d}"
