"""API of the assessments app, mounted under /api/v1/assessments/."""

from ninja import Router

router = Router(tags=["assessments"])
