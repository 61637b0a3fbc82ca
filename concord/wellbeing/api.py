"""API of the wellbeing app, mounted under /api/v1/wellbeing/."""

from ninja import Router

router = Router(tags=["wellbeing"])
