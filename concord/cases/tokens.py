"""Receipt codes and the secret tracking tokens residents use to follow their case."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(16)


def tracking_token(salt: str) -> str:
    """Return the resident's tracking token for a case with this salt."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"track:{salt}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:15]).decode().rstrip("=").lower()


# 15 bytes of HMAC in unpadded lower-case base32: always 24 letters a-z and digits 2-7.
TOKEN_SHAPE = re.compile(r"[a-z2-7]{24}")


def clean_token(token: str | None) -> str | None:
    """Return the token as issued (trimmed, lower-case), or None when it cannot be one.

    Checked before any comparison: `hmac.compare_digest` refuses non-ASCII text, and a token
    that cannot exist must be refused the same way whether or not its receipt code does.
    Full-width letters and digits (typed with a Chinese input method) count as their ASCII forms.
    """
    token = unicodedata.normalize("NFKC", token or "").strip().lower()
    return token if TOKEN_SHAPE.fullmatch(token) else None


def token_matches(salt: str, token: str) -> bool:
    cleaned = clean_token(token)
    return cleaned is not None and hmac.compare_digest(tracking_token(salt), cleaned)


def receipt_code(year: int, case_id: int) -> str:
    return f"C-{year}-{case_id:06d}"
