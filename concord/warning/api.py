"""API of the warning app, mounted under /api/v1/warning/."""

from ninja import Router

router = Router(tags=["warning"])
