"""API of the triage app, mounted under /api/v1/triage/."""

from ninja import Router

router = Router(tags=["triage"])
