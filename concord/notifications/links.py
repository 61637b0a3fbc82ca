"""Tracking links in messages: written with a mark in place of the token, filled in when sent.

The tracking token is never stored; a message keeps `TOKEN_MARK` in its text and the sending
(`actions`) puts the case's token in its place. Messages (`resident_messages`) write the links,
the sending expands them: both import this module, neither the other.
"""

from __future__ import annotations

from django.conf import settings

from concord.cases.tokens import tracking_token

# Stored in place of the tracking token (which is never stored): filled in when sent.
TOKEN_MARK = "{token}"  # noqa: S105 (a placeholder, not a secret)


def public_url() -> str:
    return getattr(settings, "CONCORD_PUBLIC_URL", "").rstrip("/")


def tracking_link(case) -> str:
    return f"{public_url()}/track/{case.receipt_code}/{TOKEN_MARK}/"


def expand(text: str, case) -> str:
    """Return `text` with the case's tracking token in place of its mark."""
    if TOKEN_MARK not in text or case is None:
        return text
    return text.replace(TOKEN_MARK, tracking_token(case.token_salt))
