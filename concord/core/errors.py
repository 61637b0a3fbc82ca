"""Errors that actions raise and the API turns into its one error shape."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ConcordError(Exception):
    """A refusal with a stable code, a human message and optional field errors."""

    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None):
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidInput(ConcordError):
    code = "invalid"
    status = 400
    default_message = _("Some of the input is not valid.")


class NotFound(ConcordError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(ConcordError):
    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class InvalidTransition(ConcordError):
    code = "invalid_transition"
    status = 409
    default_message = _("This step is not allowed in the case's current state.")


class Conflict(ConcordError):
    code = "conflict"
    status = 409
    default_message = _("The request conflicts with the current state.")


class PayloadTooLarge(ConcordError):
    code = "too_large"
    status = 413
    default_message = _("The upload is too large.")
